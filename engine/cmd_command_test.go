package engine_test

import (
	"strings"
	"testing"
)

// Ensure that COMMAND LIST lists the commands, and the subcommands as
// "object|encoding", that pass its filter, in the table's order, and
// refuses a malformed filter.
func TestCommand_ListFilterBy(t *testing.T) {
	for _, tc := range []struct{ name, cmd, want string }{
		{"pattern", "COMMAND LIST FILTERBY PATTERN lsi*", `["lsize"]`},
		{"pattern ignores case", "COMMAND LIST FILTERBY PATTERN LSIZE", `["lsize"]`},
		{"pattern of subcommands", "COMMAND LIST FILTERBY PATTERN object|*",
			`["object|encoding" "object|freq" "object|help" "object|idletime" "object|refcount"]`},
		{"pattern of one subcommand", "COMMAND LIST FILTERBY PATTERN slowlog|h*", `["slowlog|help"]`},
		{"pattern matches nothing", "COMMAND LIST FILTERBY PATTERN nosuch*", `[]`},
		{"category", "COMMAND LIST FILTERBY ACLCAT transaction", `["discard" "exec" "multi" "unwatch" "watch"]`},
		{"category in any case", "COMMAND list filterby aclcat TRANSACTION", `["discard" "exec" "multi" "unwatch" "watch"]`},
		{"category of subcommands", "COMMAND LIST FILTERBY ACLCAT dangerous", `["client|kill" "client|list" "client|no-evict" ` +
			`"client|unblock" "keys" "restore" "sort" "sort_ro" "bgrewriteaof" "bgsave" "config|get" "config|resetstat" ` +
			`"config|set" "flushall" "flushdb" "info" "lastsave" "monitor" "save" "shutdown" "slowlog|get" "slowlog|len" ` +
			`"slowlog|reset" "swapdb"]`},
		{"category of a command of photon's own", "COMMAND LIST FILTERBY ACLCAT list", ""},
		{"category with @", "COMMAND LIST FILTERBY ACLCAT @read", `[]`},
		{"no such category", "COMMAND LIST FILTERBY ACLCAT nosuch", `[]`},
		{"no modules", "COMMAND LIST FILTERBY MODULE nosuch", `[]`},
		{"bad filter", "COMMAND LIST FILTERBY BOGUS x", "ERR syntax error"},
		{"filter without its argument", "COMMAND LIST FILTERBY PATTERN", "ERR syntax error"},
		{"two filters", "COMMAND LIST FILTERBY PATTERN a FILTERBY PATTERN b", "ERR syntax error"},
		{"not a filter", "COMMAND LIST BOGUS", "ERR syntax error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, s, _ := newEngine(t)
			got := do(t, e, s, tc.cmd)
			if tc.want == "" {
				// LSIZE, PhotonDB's own, has the categories its row implies.
				if !strings.Contains(got, `"lsize"`) || !strings.Contains(got, `"llen"`) {
					t.Errorf("%s = %s, want llen and lsize among them", tc.cmd, got)
				}
				return
			}
			if got != tc.want {
				t.Errorf("%s\n got %s\nwant %s", tc.cmd, got, tc.want)
			}
		})
	}
}

// Ensure that COMMAND GETKEYS and GETKEYSANDFLAGS find keys by the key
// specs, by the key finders of the commands whose specs cannot tell, and
// fail with Redis's errors.
func TestCommand_GetKeys(t *testing.T) {
	for _, tc := range []struct{ name, cmd, want string }{
		{"one key", "COMMAND GETKEYS GET k", `["k"]`},
		{"every other key", "COMMAND GETKEYS MSET a 1 b 2", `["a" "b"]`},
		{"up to the last but one", "COMMAND GETKEYS BLPOP a b 0", `["a" "b"]`},
		{"two keys", "COMMAND GETKEYS LMOVE a b LEFT RIGHT", `["a" "b"]`},
		{"numkeys", "COMMAND GETKEYS ZUNIONSTORE d 2 a b", `["d" "a" "b"]`},
		{"numkeys C's atoi reads", "COMMAND GETKEYS ZUNION 2abc a b", `["a" "b"]`},
		{"numkeys cut to a C int", "COMMAND GETKEYS ZUNION 4294967297 a", `["a"]`},
		{"zero keys", "COMMAND GETKEYS ZUNION 0 a", "ERR Invalid arguments specified for command"},
		{"more keys than arguments", "COMMAND GETKEYS ZUNION 3 a", "ERR Invalid arguments specified for command"},
		{"sort store", "COMMAND GETKEYS SORT k BY w STORE d GET x", `["k" "d"]`},
		{"sort limit skips", "COMMAND GETKEYS SORT k LIMIT STORE 1 STORE d", `["k" "d"]`},
		{"subcommand", "COMMAND GETKEYS OBJECT ENCODING k", `["k"]`},
		{"photon's own", "COMMAND GETKEYS LSIZE l", `["l"]`},
		{"flags", "COMMAND GETKEYSANDFLAGS LMOVE a b LEFT RIGHT", `[["a" [RW access delete]] ["b" [RW insert]]]`},
		{"flags of set", "COMMAND GETKEYSANDFLAGS SET k v", `[["k" [OW update]]]`},
		{"flags of set get", "COMMAND GETKEYSANDFLAGS SET k v get", `[["k" [RW access update]]]`},
		{"flags of bitfield get", "COMMAND GETKEYSANDFLAGS BITFIELD k GET u8 0", `[["k" [RO access]]]`},
		{"flags of a key finder's atoi", "COMMAND GETKEYSANDFLAGS ZUNION 1x a", `[["a" []]]`},
		{"flags of photon's own", "COMMAND GETKEYSANDFLAGS LSIZE l", `[["l" [RO access]]]`},
		{"no such command", "COMMAND GETKEYS NOSUCH k", "ERR Invalid command specified"},
		{"no such subcommand", "COMMAND GETKEYS OBJECT NOSUCH k", "ERR Invalid command specified"},
		{"no keys", "COMMAND GETKEYS PING x", "ERR The command has no key arguments"},
		{"shard channels are not keys", "COMMAND GETKEYS SPUBLISH ch m", "ERR The command has no key arguments"},
		{"arity", "COMMAND GETKEYS GET a b", "ERR Invalid number of arguments specified for command"},
		{"no command", "COMMAND GETKEYS GET", "ERR wrong number of arguments for 'command|getkeys' command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, s, _ := newEngine(t)
			if got := do(t, e, s, tc.cmd); got != tc.want {
				t.Errorf("%s\n got %s\nwant %s", tc.cmd, got, tc.want)
			}
		})
	}
}
