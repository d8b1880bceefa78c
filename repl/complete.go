package repl

import (
	"slices"
	"strings"
	"unicode"

	"github.com/photondb/photon/engine"
)

// localCommands are handled by the REPL itself and completed with the
// server's commands.
var localCommands = []string{"CLEAR", "EXIT", "HELP", "QUIT"}

// maxCandidates bounds the completions offered at once.
const maxCandidates = 200

// completer completes the word before the cursor for readline, in any
// case as redis-cli does: the command name at the start of a line, the
// topic after "help" (command names and @groups), and after a command
// name what its syntax allows next: keywords and subcommands (EX, NX,
// CLIENT SETNAME), key names where a key goes, and directive names after
// CONFIG GET and CONFIG SET.
type completer struct {
	t           *table
	names       []string                     // server and local command names, upper case
	keys        func(prefix string) []string // key names that start with prefix; nil: none
	configNames func() []string              // directive names; nil: none
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
// complete the word before pos, each followed by a space, and the length
// of that word.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	before := string(line[:pos])
	word, cands := c.candidates(before)
	if cands == nil {
		return nil, 0
	}
	var out [][]rune
	for _, cand := range cands {
		out = append(out, []rune(cand[len(word):]+" "))
	}
	return out, len([]rune(word))
}

// candidates returns the word being completed at the end of before and
// the completions of that word, each starting with the word as typed, or
// nil.
func (c *completer) candidates(before string) (string, []string) {
	start, ok := wordStart(before)
	if !ok {
		return "", nil
	}
	done, err := SplitArgs(before[:start])
	if err != nil {
		return "", nil
	}
	word := before[start:]
	var cands []string
	switch {
	case len(done) == 0:
		if word == "" {
			return "", nil // an empty line would list every command
		}
		cands = matches(word, c.names)
	case isHelp(done[0]):
		if len(done) > 1 {
			return "", nil
		}
		topics := slices.Clone(c.names[:len(c.t.cmds)])
		for _, g := range c.t.groups {
			topics = append(topics, "@"+g)
		}
		cands = matches(word, topics)
	default:
		cmd := c.t.lookup(done[0])
		if cmd == nil {
			return "", nil
		}
		m, ok := c.t.match(cmd, done[1:])
		if !ok {
			return "", nil
		}
		words, args := m.next()
		cands = matches(word, words)
		if c.keys != nil && isKeyPosition(cmd, len(done), args) {
			cands = append(cands, c.keyCandidates(word)...)
		}
		if c.configNames != nil && cmd.Name == "CONFIG" && slices.Contains(args, "parameter") {
			cands = append(cands, matches(word, c.configNames())...)
		}
	}
	if len(cands) == 0 {
		return "", nil
	}
	if len(cands) > maxCandidates {
		cands = cands[:maxCandidates]
	}
	return word, slices.Compact(cands)
}

// keyCandidates returns the key names that complete word, as they must be
// typed: quoted when they hold spaces or quotes, or when word opens a
// quote.
func (c *completer) keyCandidates(word string) []string {
	quoted := strings.HasPrefix(word, `"`)
	prefix := word
	if quoted {
		// The key's own prefix is what the open quote holds so far.
		args, err := SplitArgs(word + `"`)
		if err != nil || len(args) != 1 {
			return nil
		}
		prefix = args[0]
	} else if strings.HasPrefix(word, "'") {
		return nil
	}
	var out []string
	for _, k := range c.keys(prefix) {
		typed := k
		if quoted || needsQuotes(k) {
			typed = quoteKey(k)
		}
		if strings.HasPrefix(typed, word) {
			out = append(out, typed)
		}
	}
	return out
}

// isKeyPosition reports whether argument number pos of cmd (0 is the
// name) is a key name: by the command's key positions, or by the name of
// a placeholder that may come next (for commands whose keys follow a
// count, such as ZUNION numkeys key [key ...]).
func isKeyPosition(cmd *engine.Command, pos int, placeholders []string) bool {
	if slices.Contains(cmd.KeyArgs(pos+1), pos) {
		return true
	}
	return slices.ContainsFunc(placeholders, func(p string) bool { return slices.Contains(keyArgs, p) })
}

// wordStart returns where the word that ends before starts, reading
// quotes as SplitArgs does: len(before) after a space, and the index of
// the word's first byte otherwise. It returns false inside something
// SplitArgs would refuse (text after a closing quote).
func wordStart(before string) (int, bool) {
	start := len(before)
	inWord, dq, sq, closed := false, false, false, false
	for i := 0; i < len(before); i++ {
		ch := before[i]
		switch {
		case dq:
			if ch == '\\' && i+1 < len(before) {
				i++
			} else if ch == '"' {
				dq, closed = false, true
			}
		case sq:
			if ch == '\\' && i+1 < len(before) && before[i+1] == '\'' {
				i++
			} else if ch == '\'' {
				sq, closed = false, true
			}
		case isCSpace(ch):
			inWord, closed = false, false
			start = len(before)
		default:
			if closed {
				return 0, false
			}
			if !inWord {
				inWord, start = true, i
			}
			switch ch {
			case '"':
				dq = true
			case '\'':
				sq = true
			}
		}
	}
	if !inWord {
		return len(before), true
	}
	return start, true
}

// needsQuotes reports whether a key must be quoted to be typed as one
// argument.
func needsQuotes(k string) bool {
	if k == "" {
		return true
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; isCSpace(c) || c == '"' || c == '\'' || c == 0 || c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// quoteKey returns k in double quotes, escaped so that SplitArgs reads it
// back, keeping bytes beyond ASCII (UTF-8 text) as they are.
func quoteKey(k string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(k); i++ {
		switch c := k[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// matches returns the names that start with word in any case, spelled
// in lower case when word is typed in lower case and in upper case when
// it has a capital letter. Their first len(word) bytes equal word.
func matches(word string, names []string) []string {
	upper := strings.IndexFunc(word, unicode.IsUpper) >= 0
	lower := !upper && strings.IndexFunc(word, unicode.IsLower) >= 0
	var out []string
	for _, n := range names {
		if len(n) < len(word) || !strings.EqualFold(n[:len(word)], word) {
			continue
		}
		switch {
		case lower:
			n = strings.ToLower(n)
		case upper:
			n = strings.ToUpper(n)
		}
		out = append(out, word+n[len(word):])
	}
	return out
}
