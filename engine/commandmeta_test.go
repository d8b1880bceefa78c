package engine

import (
	"slices"
	"strings"
	"testing"
)

// redisFact is what Redis 7.0 says about a command where its row in the
// command table speaks too; zz_commandmeta_test.go holds them.
type redisFact struct {
	arity                 int
	keys                  Keys
	summary, since, group string
}

// Ensure that every row of a command Redis 7.0 has agrees with what
// Redis says about it: arity, key positions, summary, since, group and
// flags, for commands and subcommands. COMMAND INFO and DOCS show the
// rows' values, so a row that drifts would show PhotonDB's instead.
func TestCommandTable_AgreesWithRedis(t *testing.T) {
	for _, c := range commandTable {
		name := strings.ToLower(c.Name)
		f, ok := redisFacts[name]
		if !ok {
			continue // a command of PhotonDB's own, such as LSIZE
		}
		if c.Arity != f.arity || c.Keys != f.keys {
			t.Errorf("%s: arity %d, keys %v; Redis: %d, %v", name, c.Arity, c.Keys, f.arity, f.keys)
		}
		if c.Summary != f.summary || c.Since != f.since || groupName(c.Group) != f.group {
			t.Errorf("%s: summary %q, since %s, group %s; Redis: %q, %s, %s", name, c.Summary, c.Since, groupName(c.Group), f.summary, f.since, f.group)
		}
		if c.Subcommands == nil {
			checkFlags(t, name, c.Flags, redisCommands[name].flags)
		}
		for _, s := range c.Subcommands {
			full := fullName(c, s)
			sf, ok := redisFacts[full]
			if !ok {
				continue
			}
			if s.Arity != sf.arity || sf.group != f.group {
				t.Errorf("%s: arity %d, group %s; Redis: %d, %s", full, s.Arity, f.group, sf.arity, sf.group)
			}
			checkFlags(t, full, c.Flags|s.Flags, redisCommands[full].flags)
		}
	}
}

// checkFlags reports where a row's flags (for a subcommand, its own and
// its container's) disagree with Redis's. ReadOnly also marks commands
// that take the read lock without reading keys (PING, CONFIG), which
// Redis does not call readonly.
func checkFlags(t *testing.T, name string, row Flag, redis []string) {
	t.Helper()
	for _, n := range flagNames {
		has, says := row&n.f != 0, slices.Contains(redis, n.name)
		if has != says && !(n.f == ReadOnly && has) {
			t.Errorf("%s: flag %s is %v in the row, %v in Redis", name, n.name, has, says)
		}
	}
}

// Ensure that the key finders are for commands of the table.
func TestGetKeysProcs(t *testing.T) {
	for name := range getKeysProcs {
		if Lookup(name) == nil || redisCommands[name] == nil {
			t.Errorf("getKeysProcs has %s, which is not a command of both", name)
		}
	}
}
