package repl

import (
	"strings"
	"unicode"
)

// localCommands are handled by the REPL itself and completed with the
// server's commands.
var localCommands = []string{"CLEAR", "EXIT", "HELP", "QUIT"}

// completer completes the word before the cursor for readline: the
// command name at the start of a line, and the topic after "help"
// (command names and @groups), matching in any case as redis-cli does.
//
// TODO(repl): complete the literal tokens of a command's Args (EX, NX,
// XX...) and show Args as a dim hint after the name; both read t.lookup.
type completer struct {
	t     *table
	names []string // server and local command names, upper case
}

// newCompleter returns a completer over t's commands.
func newCompleter(t *table) *completer {
	c := &completer{t: t}
	for _, cmd := range t.cmds {
		c.names = append(c.names, cmd.Name)
	}
	for _, n := range localCommands {
		if t.lookup(n) == nil {
			c.names = append(c.names, n)
		}
	}
	return c
}

// Do implements readline.AutoCompleter: it returns the endings that
// complete the word before pos, and the length of that word.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	word, cands := c.candidates(before)
	if cands == nil {
		return nil, 0
	}
	n := len([]rune(word))
	var out [][]rune
	for _, cand := range cands {
		out = append(out, []rune(cand[len(word):]+" "))
	}
	return out, n
}

// candidates returns the word being completed at the end of before and
// the completions of that word, in the word's case, or nil.
func (c *completer) candidates(before string) (string, []string) {
	fields := strings.Fields(before)
	trailingSpace := before != "" && isCSpace(before[len(before)-1])
	switch {
	case len(fields) == 0:
		return "", nil // an empty line would list every command
	case len(fields) == 1 && !trailingSpace:
		return fields[0], matches(fields[0], c.names)
	case isHelp(fields[0]) && (len(fields) == 1 && trailingSpace || len(fields) == 2 && !trailingSpace):
		word := ""
		if len(fields) == 2 {
			word = fields[1]
		}
		topics := append([]string(nil), c.names[:len(c.t.cmds)]...)
		for _, g := range c.t.groups {
			topics = append(topics, "@"+g)
		}
		return word, matches(word, topics)
	}
	return "", nil
}

// matches returns the names that start with word in any case, spelled
// in lower case when word is typed in lower case. Their first len(word)
// bytes equal word.
func matches(word string, names []string) []string {
	lower := word != "" && strings.IndexFunc(word, unicode.IsUpper) < 0
	var out []string
	for _, n := range names {
		if len(n) < len(word) || !strings.EqualFold(n[:len(word)], word) {
			continue
		}
		if lower {
			n = strings.ToLower(n)
		}
		out = append(out, word+n[len(word):])
	}
	return out
}
