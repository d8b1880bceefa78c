package repl

import (
	"slices"
	"strings"

	"github.com/photondb/photon/engine"
)

// table is what the REPL knows about commands, read from the engine's
// command table: the names to complete, the groups and usage lines to
// show in help, and each command's argument syntax for hints and the
// completion of its keywords.
type table struct {
	cmds   []*engine.Command          // in the engine's order: by group, then name
	byName map[string]*engine.Command // by lower-case name
	syntax map[*engine.Command]*node  // each command's Args, parsed
	groups []string                   // sorted, without duplicates
}

// newTable indexes cmds.
func newTable(cmds []*engine.Command) *table {
	t := &table{cmds: cmds, byName: make(map[string]*engine.Command, len(cmds)), syntax: make(map[*engine.Command]*node, len(cmds))}
	for _, c := range cmds {
		t.byName[strings.ToLower(c.Name)] = c
		var subs []string
		for _, s := range c.Subcommands {
			subs = append(subs, s.Name)
		}
		t.syntax[c] = parseSyntax(c.Args, subs)
		if !slices.Contains(t.groups, c.Group) {
			t.groups = append(t.groups, c.Group)
		}
	}
	slices.Sort(t.groups)
	return t
}

// lookup returns the command called name, in any case, or nil.
func (t *table) lookup(name string) *engine.Command {
	return t.byName[strings.ToLower(name)]
}

// inGroup returns the commands of group, in table order.
func (t *table) inGroup(group string) []*engine.Command {
	var out []*engine.Command
	for _, c := range t.cmds {
		if strings.EqualFold(c.Group, group) {
			out = append(out, c)
		}
	}
	return out
}

// match returns a matcher for the arguments of cmd after its name, fed
// with args. It reports false when no reading of args fits the syntax.
func (t *table) match(cmd *engine.Command, args []string) (*matcher, bool) {
	m := newMatcher(t.syntax[cmd])
	for _, a := range args {
		if !m.feed(a) {
			return m, false
		}
	}
	return m, true
}

// hint returns what redis-cli shows greyed out after the cursor at the
// end of line: the part of the command's syntax not yet typed, narrowing
// as arguments are typed, with a space first when the line does not end
// in one. A word being typed counts as typed, as in redis-cli. It returns
// "" for an unknown command, arguments that do not fit the syntax, or a
// line with nothing more to type.
func (t *table) hint(line string) string {
	args, err := SplitArgs(line)
	if err != nil || len(args) == 0 {
		return ""
	}
	cmd := t.lookup(args[0])
	if cmd == nil {
		return ""
	}
	m, ok := t.match(cmd, args[1:])
	if !ok {
		return ""
	}
	h := m.rest()
	if h == "" {
		return ""
	}
	if !isCSpace(line[len(line)-1]) {
		h = " " + h
	}
	return h
}
