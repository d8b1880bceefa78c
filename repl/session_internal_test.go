package repl

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/resp"
)

// newTestSession returns an interactive session on a FakeServer, writing
// to out and errOut, with colours off.
func newTestSession(tb testing.TB, out, errOut *bytes.Buffer) (*session, *FakeServer) {
	tb.Helper()
	srv := NewFakeServer(tb)
	s := newSession(Config{Name: "photon:test.rdb", Dial: srv.Dial, Out: out, Err: errOut, Interactive: true, NoColor: true})
	tb.Cleanup(s.close)
	return s, srv
}

// Ensure that the prompt follows SELECT, MULTI, EXEC, DISCARD and RESET
// as redis-cli's does, and shows a lost connection.
func TestSession_Prompt(t *testing.T) {
	var out, errOut bytes.Buffer
	s, _ := newTestSession(t, &out, &errOut)
	if got, want := s.prompt(), "not connected> "; got != want {
		t.Errorf("before connecting: got %q, want %q", got, want)
	}
	if err := s.connect(); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		line   string
		prompt string
	}{
		{"PING", "photon:test.rdb> "},
		{"SELECT 2", "photon:test.rdb[2]> "},
		{"select x", "photon:test.rdb[2]> "}, // error reply: no change
		{"SELECT 99", "photon:test.rdb[2]> "},
		{"MULTI", "photon:test.rdb[2](TX)> "},
		{"SELECT 3", "photon:test.rdb[3](TX)> "}, // QUEUED counts, as in redis-cli
		{"EXEC", "photon:test.rdb[3]> "},
		{"MULTI", "photon:test.rdb[3](TX)> "},
		{"SELECT 5", "photon:test.rdb[5](TX)> "},
		{"DISCARD", "photon:test.rdb[3]> "}, // back to the database before MULTI
		{"EXEC", "photon:test.rdb[3]> "},    // EXEC without MULTI
		{"SELECT 0", "photon:test.rdb> "},
		{"SELECT 4", "photon:test.rdb[4]> "},
		{"RESET", "photon:test.rdb> "},
		{"SELECT 7", "photon:test.rdb[7]> "},
		{"SET k in7", "photon:test.rdb[7]> "},
		{"MULTI", "photon:test.rdb[7](TX)> "},
		{"DROP", "not connected> "},
		{"GET k", "photon:test.rdb[7]> "}, // dialled again, database selected again
	}
	for _, st := range steps {
		s.handleLine(st.line)
		if got := s.prompt(); got != st.prompt {
			t.Errorf("after %q: got prompt %q, want %q", st.line, got, st.prompt)
		}
	}
	if !strings.HasSuffix(out.String(), "\"in7\"\n") {
		t.Errorf("GET after reconnecting did not read database 7: %q", out.String())
	}
}

// Ensure that handleLine runs local commands locally and reports
// failures as values for the caller to print.
func TestSession_HandleLine(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		wantOut string
		quit    bool
		check   func(error) bool
	}{
		{"blank", "   ", "", false, nil},
		{"command", "PING", "PONG\n", false, nil},
		{"quit", "quit", "", true, nil},
		{"QUIT in upper case", "QUIT", "", true, nil},
		{"exit", "Exit", "", true, nil},
		{"clear", "clear", clearScreen, false, nil},
		{"clear with arguments goes to the server", "clear x",
			"(error) ERR unknown command 'clear', with args beginning with: 'x' \n", false,
			func(err error) bool { var re replyError; return errors.As(err, &re) }},
		{"help", "help", "To get help", false, nil},
		{"question mark is help", "? @nogroup", "\n  No commands", false, nil},
		{"invalid arguments", `GET "x`, "", false, func(err error) bool { return errors.Is(err, ErrInvalidArgs) }},
		{"error reply", "NOPE", "(error) ERR unknown command", false,
			func(err error) bool { var re replyError; return errors.As(err, &re) }},
		{"lost connection", "DROP", "", false, func(err error) bool { return errors.Is(err, client.ErrServerClosed) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			s, _ := newTestSession(t, &out, &errOut)
			got := s.handleLine(tt.line)
			if got.quit != tt.quit {
				t.Errorf("quit: got %v, want %v", got.quit, tt.quit)
			}
			if tt.check == nil && got.err != nil || tt.check != nil && !tt.check(got.err) {
				t.Errorf("err: got %v", got.err)
			}
			if !strings.HasPrefix(out.String(), tt.wantOut) || tt.wantOut == "" && out.Len() != 0 {
				t.Errorf("stdout: got %q, want it to start with %q", out.String(), tt.wantOut)
			}
		})
	}
}

// Ensure that an interactive session reports failures where redis-cli
// does: bad lines on stdout, connection problems on stderr, error replies
// nowhere else than in the reply.
func TestSession_Report(t *testing.T) {
	tests := []struct {
		name          string
		err           error
		wantOut, want string
	}{
		{"none", nil, "", ""},
		{"error reply", replyError("ERR x"), "", ""},
		{"invalid arguments", ErrInvalidArgs, "Invalid argument(s)\n", ""},
		{"server closed", client.ErrServerClosed, "", "Error: Server closed the connection\n"},
		{"dial", errors.New("could not connect to x: refused"), "", "Error: could not connect to x: refused\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			s, _ := newTestSession(t, &out, &errOut)
			s.report(tt.err)
			if out.String() != tt.wantOut || errOut.String() != tt.want {
				t.Errorf("got %q, %q; want %q, %q", out.String(), errOut.String(), tt.wantOut, tt.want)
			}
		})
	}
}

// Ensure that a slow command's duration is printed in interactive
// standard mode only, as redis-cli does.
func TestSession_SlowReply(t *testing.T) {
	tests := []struct {
		name        string
		interactive bool
		raw         bool
		step        time.Duration
		want        string
	}{
		{"slow", true, false, 600 * time.Millisecond, "PONG\n(0.60s)\n"},
		{"fast", true, false, 499 * time.Millisecond, "PONG\n"},
		{"raw", true, true, time.Second, "PONG\n"},
		{"script", false, false, time.Second, "PONG\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			s, _ := newTestSession(t, &out, &errOut)
			s.cfg.Interactive = tt.interactive
			if tt.raw {
				s.cfg.Output = Raw
			}
			clock := time.Unix(0, 0)
			s.now = func() time.Time { clock = clock.Add(tt.step); return clock } // each reading is step later
			s.handleLine("PING")
			if got := out.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Ensure that colours are used only in interactive standard mode, and
// that they wrap the reply without changing its text.
func TestSession_Colors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want bool
	}{
		{"interactive", Config{Interactive: true}, true},
		{"no color", Config{Interactive: true, NoColor: true}, false},
		{"raw", Config{Interactive: true, Output: Raw}, false},
		{"csv", Config{Interactive: true, Output: CSV}, false},
		{"script", Config{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(tt.cfg)
			if got := s.render.pal != nil; got != tt.want {
				t.Fatalf("palette: got %v, want %v", got, tt.want)
			}
		})
	}
	f := formatter{pal: newPalette()}
	v := resp.Value{Kind: resp.Array, Elems: []resp.Value{
		{Kind: resp.Integer, Int: 1},
		{Kind: resp.Error, Str: []byte("ERR x")},
		{Kind: resp.Null},
		{Kind: resp.Map, Elems: []resp.Value{{Kind: resp.BulkString, Str: []byte("k")}, {Kind: resp.Boolean, Int: 1}}},
		{Kind: resp.SimpleString, Str: []byte("OK")},
		{Kind: resp.Set},
	}}
	got := f.format(v, Standard)
	if got == Format(v, false) || !strings.Contains(got, "\x1b[31m(error) ERR x\x1b[0m\n") {
		t.Errorf("coloured reply: %q", got)
	}
	if plain := stripANSI(got); plain != Format(v, false) {
		t.Errorf("colours changed the text:\ngot  %q\nwant %q", plain, Format(v, false))
	}
}

// testTable is a small command table for completion and help.
func testTable() *table {
	return newTable([]*engine.Command{
		{Name: "SELECT", Group: "connection", Args: "index", Summary: "Changes the selected database.", Since: "1.0.0"},
		{Name: "GET", Group: "string", Args: "key", Summary: "Returns the string value of a key.", Since: "1.0.0"},
		{Name: "GETDEL", Group: "string", Args: "key", Summary: "Returns the string value of a key after deleting the key.", Since: "6.2.0"},
		{Name: "SET", Group: "string", Args: "key value [NX|XX]", Summary: "Sets the string value of a key.", Since: "1.0.0"},
		{Name: "QUIT", Group: "connection", Summary: "Closes the connection.", Since: "1.0.0"},
	})
}

// Ensure that Tab completes command names in any case, and help topics
// after help.
func TestCompleter(t *testing.T) {
	c := newCompleter(testTable())
	tests := []struct {
		line    string
		want    []string
		wantLen int
	}{
		{"ge", []string{"t ", "tdel "}, 2},
		{"GE", []string{"T ", "TDEL "}, 2},
		{"gEtD", []string{"EL "}, 4},
		{"se", []string{"lect ", "t "}, 2},
		{"  se", []string{"lect ", "t "}, 2},
		{"he", []string{"lp "}, 2},
		{"cl", []string{"ear "}, 2},
		{"q", []string{"uit "}, 1},
		{"x", nil, 1},
		{"", nil, 0},
		{"get ", nil, 0},
		{"get k", nil, 0},
		{"help ", []string{"SELECT ", "GET ", "GETDEL ", "SET ", "QUIT ", "@connection ", "@string "}, 0},
		{"help s", []string{"elect ", "et "}, 1},
		{"HELP @", []string{"connection ", "string "}, 1},
		{"help @s", []string{"tring "}, 2},
		{"help get x", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, n := c.Do([]rune(tt.line), len([]rune(tt.line)))
			var gs []string
			for _, r := range got {
				gs = append(gs, string(r))
			}
			if !reflect.DeepEqual(gs, tt.want) || (tt.want != nil && n != tt.wantLen) {
				t.Errorf("Do(%q) = %q, %d; want %q, %d", tt.line, gs, n, tt.want, tt.wantLen)
			}
		})
	}
}

// Ensure that help prints redis-cli's layout from the command table.
func TestHelp(t *testing.T) {
	tb := testTable()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"command", []string{"set"}, "\n  SET key value [NX|XX]\n  summary: Sets the string value of a key.\n  since: 1.0.0\n  group: string\n\n"},
		{"command without arguments", []string{"QUIT"}, "\n  QUIT\n  summary: Closes the connection.\n  since: 1.0.0\n  group: connection\n\n"},
		{"group", []string{"@string"}, "\n  GET key\n  summary: Returns the string value of a key.\n  since: 1.0.0\n" +
			"\n  GETDEL key\n  summary: Returns the string value of a key after deleting the key.\n  since: 6.2.0\n" +
			"\n  SET key value [NX|XX]\n  summary: Sets the string value of a key.\n  since: 1.0.0\n\n"},
		{"group in upper case", []string{"@CONNECTION"}, "\n  SELECT index\n  summary: Changes the selected database.\n  since: 1.0.0\n" +
			"\n  QUIT\n  summary: Closes the connection.\n  since: 1.0.0\n\n"},
		{"unknown command", []string{"nope"}, "\n  No help for \"nope\". Type \"help\" to list the groups.\n\n"},
		{"unknown group", []string{"@nope"}, "\n  No commands in group \"nope\". Groups: @connection @string\n\n"},
		{"intro", nil, "To get help about commands type:\n" +
			"      \"help @<group>\" to get a list of commands in <group>\n" +
			"      \"help <command>\" for help on <command>\n" +
			"      \"help <tab>\" to get a list of possible help topics\n" +
			"      \"quit\" to exit\n\nGroups: @connection @string\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tb.help(tt.args, nil); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			if got := stripANSI(tb.help(tt.args, newPalette())); got != tt.want {
				t.Errorf("coloured help differs in text:\n%q", got)
			}
		})
	}
}

// Ensure that every command of the engine's table has what help needs.
func TestHelp_EngineTable(t *testing.T) {
	tb := newTable(engine.Commands())
	for _, c := range engine.Commands() {
		h := tb.help([]string{c.Name}, nil)
		if !strings.HasPrefix(h, "\n  "+c.Name) || !strings.Contains(h, "group: "+c.Group) {
			t.Errorf("help %s: %q", c.Name, h)
		}
	}
}

// Ensure that atoi reads SELECT's argument as C's atoi.
func TestAtoi(t *testing.T) {
	for in, want := range map[string]int{"3": 3, " 12x": 12, "-2": -2, "+4": 4, "x": 0, "": 0} {
		if got := atoi(in); got != want {
			t.Errorf("atoi(%q) = %d, want %d", in, got, want)
		}
	}
}

// stripANSI removes colour escapes.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
