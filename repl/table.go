package repl

import (
	"slices"
	"strings"

	"github.com/photondb/photon/engine"
)

// table is what the REPL knows about commands, read from the engine's
// command table: the names to complete, the groups and usage lines to
// show in help and, later, in hints.
type table struct {
	cmds   []*engine.Command          // in the engine's order: by group, then name
	byName map[string]*engine.Command // by lower-case name
	groups []string                   // sorted, without duplicates
}

// newTable indexes cmds.
func newTable(cmds []*engine.Command) *table {
	t := &table{cmds: cmds, byName: make(map[string]*engine.Command, len(cmds))}
	for _, c := range cmds {
		t.byName[strings.ToLower(c.Name)] = c
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
