package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
)

// Ensure that the containers' HELP texts are Redis 7.0.15's, line for
// line: pinned here by their first subcommand line, their length and
// their last lines.
func TestContainers_HelpTexts(t *testing.T) {
	for _, tc := range []struct {
		cmd   string
		lines int
		first string // the line after the header
	}{
		{"CLIENT", 48, "CACHING (YES|NO)"},
		{"COMMAND", 21, "(no subcommand)"},
		{"CONFIG", 11, "GET <pattern>"},
		{"MEMORY", 14, "DOCTOR"},
		{"OBJECT", 15, "ENCODING <key>"},
		{"PUBSUB", 14, "CHANNELS [<pattern>]"},
		{"SLOWLOG", 12, "GET [<count>]"},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			e, s, _ := newEngine(t)
			lines := strings.Split(helpLines(t, e, s, tc.cmd), "\n")
			header := tc.cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
			if len(lines) != tc.lines || lines[0] != header || lines[1] != tc.first ||
				lines[len(lines)-2] != "HELP" || lines[len(lines)-1] != "    Prints this help." {
				t.Errorf("%s HELP has %d lines, want %d:\n%s", tc.cmd, len(lines), tc.lines, strings.Join(lines, "\n"))
			}
		})
	}
	e, s, _ := newEngine(t)
	for _, want := range []string{
		"GETKEYSANDFLAGS <full-command>\n    Return the keys and the access flags from a full Redis command.\nHELP",
		"    Return details about multiple Redis commands.\n    If no command names are given, documentation details for all\n    commands are returned.\nDOCS",
	} {
		if got := helpLines(t, e, s, "COMMAND"); !strings.Contains(got, want) {
			t.Errorf("COMMAND HELP lacks %q:\n%s", want, got)
		}
	}
	want := "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]\n         [OPTIN] [OPTOUT] [NOLOOP]\n    Control server assisted client side caching.\nTRACKINGINFO"
	if got := helpLines(t, e, s, "CLIENT"); !strings.Contains(got, want) {
		t.Errorf("CLIENT HELP lacks %q:\n%s", want, got)
	}
}

// Ensure that each subcommand has its own arity, as in Redis's table: a
// wrong count is an arity error naming "container|subcommand", an unknown
// subcommand is refused as such, and COMMAND alone still runs.
func TestContainers_SubcommandArity(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"COMMAND HELP get", "ERR wrong number of arguments for 'command|help' command"},
		{"COMMAND COUNT x", "ERR wrong number of arguments for 'command|count' command"},
		{"COMMAND BOGUS", "ERR unknown subcommand 'BOGUS'. Try COMMAND HELP."},
		{"COMMAND COUNT", ""},
		{"CLIENT HELP x", "ERR wrong number of arguments for 'client|help' command"},
		{"CLIENT ID x", "ERR wrong number of arguments for 'client|id' command"},
		{"CLIENT KILL", "ERR wrong number of arguments for 'client|kill' command"},
		{"OBJECT HELP x", "ERR wrong number of arguments for 'object|help' command"},
		{"OBJECT ENCODING", "ERR wrong number of arguments for 'object|encoding' command"},
		{"MEMORY HELP x", "ERR wrong number of arguments for 'memory|help' command"},
		{"MEMORY USAGE", "ERR wrong number of arguments for 'memory|usage' command"},
		{"SLOWLOG HELP x", "ERR wrong number of arguments for 'slowlog|help' command"},
		{"SLOWLOG LEN x", "ERR wrong number of arguments for 'slowlog|len' command"},
		{"PUBSUB HELP x", "ERR wrong number of arguments for 'pubsub|help' command"},
		{"PUBSUB NUMPAT x", "ERR wrong number of arguments for 'pubsub|numpat' command"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			e, s, _ := newEngine(t)
			got := do(t, e, s, tc.args)
			if tc.want == "" {
				if strings.HasPrefix(got, "ERR") {
					t.Errorf("got %s, want a reply", got)
				}
				return
			}
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// Ensure that errors quoting an argument end it at a NUL byte, as the %s
// of Redis's messages does, and that options Redis matches with
// strcasecmp match up to a NUL byte too.
func TestErrors_QuoteUpToNul(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nosuch", "a\x00b", "c"}, "ERR unknown command 'nosuch', with args beginning with: 'a' 'c' "},
		{[]string{"no\x00such", "x"}, "ERR unknown command 'no', with args beginning with: 'x' "},
		{[]string{"CLIENT", "\x00"}, "ERR unknown subcommand ''. Try CLIENT HELP."},
		{[]string{"OBJECT", "a\x00b"}, "ERR unknown subcommand 'a'. Try OBJECT HELP."},
		{[]string{"HELLO", "3", "BO\x00GUS"}, "ERR Syntax error in HELLO option 'BO'"},
		{[]string{"CONFIG", "SET", "slow\x00", "1"}, "ERR Unknown option or number of arguments for CONFIG SET - 'slow'"},
		{[]string{"CLIENT", "LIST", "TYPE", "bad\x00x"}, "ERR Unknown client type 'bad'"},
		{[]string{"CLIENT", "KILL", "USER", "default\x00x"}, "ERR No such user 'default'"},
		{[]string{"SLOWLOG", "GET", "1", "x\x00"}, "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."},
	} {
		t.Run(fmt.Sprintf("%q", tc.args), func(t *testing.T) {
			e, s, _ := newEngine(t)
			if got := exec(t, e, s, tc.args...); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	e, s, _ := newEngine(t)
	if got := exec(t, e, s, "CLIENT", "LIST", "TYPE", "normal\x00x"); !strings.HasPrefix(got, "id=") {
		t.Errorf(`CLIENT LIST TYPE "normal\x00x" = %s, want the list`, got)
	}
}

// Ensure that HELLO acts on its options in turn, as Redis does: what an
// option did stays when a later one fails, every name is checked, and a
// failed AUTH is reported before a bad option after it.
func TestHello_OptionsInOrder(t *testing.T) {
	const bad = "ERR Client names cannot contain spaces, newlines or special characters."
	for _, tc := range []struct {
		name     string
		args     []string
		want     string // the reply, or its start for a HELLO map
		nameThen string // CLIENT GETNAME afterwards
	}{
		{"name kept before a bad option", []string{"HELLO", "2", "SETNAME", "first", "BOGUS"},
			"ERR Syntax error in HELLO option 'BOGUS'", `"first"`},
		{"every name checked", []string{"HELLO", "2", "SETNAME", "a b", "SETNAME", "ok"}, bad, "(nil)"},
		{"the last name wins", []string{"HELLO", "2", "SETNAME", "a", "SETNAME", "b"}, `["server"`, `"b"`},
		{"AUTH fails before a bad option", []string{"HELLO", "3", "AUTH", "nosuch", "pw", "BOGUS"},
			"WRONGPASS invalid username-password pair or user is disabled.", "(nil)"},
		{"name kept before a failed AUTH", []string{"HELLO", "2", "SETNAME", "x", "AUTH", "nosuch", "pw"},
			"WRONGPASS invalid username-password pair or user is disabled.", `"x"`},
		{"options match up to a NUL", []string{"HELLO", "2", "setname\x00", "abc"}, `["server"`, `"abc"`},
		{"SETNAME without a name", []string{"HELLO", "2", "SETNAME"}, "ERR Syntax error in HELLO option 'SETNAME'", "(nil)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, s, _ := newEngine(t)
			if got := exec(t, e, s, tc.args...); !strings.HasPrefix(got, tc.want) {
				t.Errorf("%q = %s, want %s", tc.args, got, tc.want)
			}
			if got := do(t, e, s, "CLIENT GETNAME"); got != tc.nameThen {
				t.Errorf("CLIENT GETNAME = %s, want %s", got, tc.nameThen)
			}
		})
	}

	// A client that must authenticate is named, then refused.
	e, admin, _ := newEngine(t)
	do(t, e, admin, "CONFIG SET requirepass pw")
	s := e.NewSession()
	defer s.Close()
	steps(t, e, s, []step{
		{"HELLO 3 SETNAME x", "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"},
		{"AUTH pw", "OK"},
		{"CLIENT GETNAME", `"x"`},
	})
	if s.Proto() != 2 {
		t.Errorf("a refused HELLO switched to RESP%d", s.Proto())
	}
	if got := exec(t, e, e.NewSession(), "HELLO", "3", "AUTH\x00x", "default", "pw"); !strings.HasPrefix(got, `["server"`) {
		t.Errorf(`HELLO 3 "AUTH\x00x" default pw = %s`, got)
	}
}

// Ensure that inside MULTI an unknown subcommand, or a subcommand with the
// wrong number of arguments, is refused at once and aborts the
// transaction, as Redis does.
func TestMulti_RefusesBadSubcommands(t *testing.T) {
	for _, bad := range []string{"CONFIG BOGUS", "CONFIG SET slowlog-max-len", "COMMAND HELP get", "CLIENT ID x"} {
		t.Run(bad, func(t *testing.T) {
			e, s, _ := newEngine(t)
			steps(t, e, s, []step{{"MULTI", "OK"}, {"SET k v", "QUEUED"}})
			if got := do(t, e, s, bad); !strings.HasPrefix(got, "ERR ") {
				t.Errorf("%s in MULTI = %s, want an error", bad, got)
			}
			steps(t, e, s, []step{
				{"EXEC", "EXECABORT Transaction discarded because of previous errors."},
				{"EXISTS k", "0"},
			})
		})
	}
}

// Ensure that a subscribed RESP2 client is told about an unknown
// subcommand, or a wrong argument count, before it is told what it may
// run.
func TestSubscribed_UnknownSubcommandFirst(t *testing.T) {
	e, s, _ := newEngine(t)
	s.SetConn(engine.ConnInfo{Push: func(engine.Reply) {}})
	do(t, e, s, "SUBSCRIBE ch")
	steps(t, e, s, []step{
		{"COMMAND BOGUS", "ERR unknown subcommand 'BOGUS'. Try COMMAND HELP."},
		{"CONFIG SET x", "ERR wrong number of arguments for 'config|set' command"},
		{"CONFIG GET x", "ERR Can't execute 'config|get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"},
		{"PING a b", "ERR wrong number of arguments for 'ping' command"},
	})
}

// Ensure that an EXEC refused before it runs, inside MULTI or not,
// discards the transaction and the watched keys and answers EXECABORT with
// the reason, as Redis's rejectCommand does.
func TestExec_RefusedIsExecabort(t *testing.T) {
	e, s, _ := newEngine(t)
	other := e.NewSession()
	defer other.Close()
	steps(t, e, s, []step{
		{"EXEC x", "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"},
		{"WATCH k", "OK"},
		{"MULTI", "OK"},
		{"EXEC x", "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"},
		{"EXEC", "ERR EXEC without MULTI"},
	})
	// The watch went with the transaction: a change to k no longer fails
	// the next one.
	do(t, e, other, "SET k v")
	steps(t, e, s, []step{{"MULTI", "OK"}, {"GET k", "QUEUED"}, {"EXEC", `["v"]`}})

	// The reason keeps its code when it is not ERR.
	do(t, e, s, "CONFIG SET requirepass pw")
	fresh := e.NewSession()
	defer fresh.Close()
	steps(t, e, fresh, []step{{"EXEC", "EXECABORT Transaction discarded because of: NOAUTH Authentication required."}})

	// So does a subscribed RESP2 client's.
	sub := e.NewSession()
	defer sub.Close()
	sub.SetConn(engine.ConnInfo{Push: func(engine.Reply) {}})
	do(t, e, sub, "AUTH pw")
	do(t, e, sub, "SUBSCRIBE ch")
	steps(t, e, sub, []step{
		{"EXEC", "EXECABORT Transaction discarded because of: Can't execute 'exec': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"},
	})
}

// Ensure that MONITOR shows CONFIG HELP, which Redis does not flag admin,
// and not CONFIG's administrative subcommands.
func TestMonitor_ConfigSubcommands(t *testing.T) {
	e, m, _ := newEngine(t)
	var got pushes
	m.SetConn(engine.ConnInfo{Addr: "127.0.0.1:1111", Push: got.push})
	do(t, e, m, "MONITOR")
	s := e.NewSession()
	defer s.Close()
	for _, line := range []string{"CONFIG GET x", "CONFIG SET slowlog-max-len 5", "CONFIG RESETSTAT", "CONFIG HELP"} {
		do(t, e, s, line)
	}
	lines := got.take()
	if len(lines) != 1 || !strings.HasSuffix(lines[0], `"CONFIG" "HELP"`) {
		t.Errorf("monitor saw %q, want CONFIG HELP only", lines)
	}
}
