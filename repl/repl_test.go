package repl_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/repl"
)

const wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

// Ensure that a script runs line by line, prints replies as redis-cli
// does without a prompt, and reports failing lines by number.
func TestRun_Script(t *testing.T) {
	get := engine.Lookup("GET")
	tests := []struct {
		name    string
		raw     bool
		in      string
		wantOut string
		wantErr string // the stderr lines
		failed  bool   // Run's error wraps ErrFailed
		dials   int    // connections opened, when checked
	}{
		{name: "replies", in: "SET name alice\nGET name\nGET nokey\nDEL name\n",
			wantOut: "OK\n\"alice\"\n(nil)\n(integer) 1\n"},
		{name: "raw replies", raw: true, in: "SET name alice\nGET name\nGET nokey\nDEL name\nNESTED\n",
			wantOut: "OK\nalice\n\n1\n1\na\n\n\n"},
		{name: "nested reply", in: "NESTED\n",
			wantOut: "1) (integer) 1\n2) 1) \"a\"\n   2) (nil)\n3) (empty array)\n"},
		{name: "comments and blank lines", in: "# set up\n\n   \n  # indented comment\n\tPING\n",
			wantOut: "PONG\n"},
		{name: "quoting", in: `ECHO "two words\n"` + "\n" + `ECHO 'it\'s'` + "\n" + `ECHO "\x41"` + "\n",
			wantOut: "\"two words\\n\"\n\"it's\"\n\"A\"\n"},
		{name: "error reply", in: "SET k v\nLPUSH k x\nGET k\n",
			wantOut: "OK\n(error) " + wrongType + "\n\"v\"\n",
			wantErr: "line 2: " + wrongType + "\n", failed: true},
		{name: "raw error reply", raw: true, in: "SET k v\nLPUSH k x\nGET k\n",
			wantOut: "OK\n" + wrongType + "\n\nv\n",
			wantErr: "line 2: " + wrongType + "\n", failed: true},
		{name: "line numbers count skipped lines", in: "# header\n\nNOPE a\nPING\nNOPE b\n",
			wantOut: "(error) ERR unknown command 'NOPE', with args beginning with: 'a' \nPONG\n(error) ERR unknown command 'NOPE', with args beginning with: 'b' \n",
			wantErr: "line 3: ERR unknown command 'NOPE', with args beginning with: 'a' \nline 5: ERR unknown command 'NOPE', with args beginning with: 'b' \n",
			failed:  true},
		{name: "unbalanced quotes", in: "PING\nECHO \"unterminated\nECHO 'a'b\nPING\n",
			wantOut: "PONG\nPONG\n",
			wantErr: "line 2: Invalid argument(s)\nline 3: Invalid argument(s)\n", failed: true},
		{name: "quit stops the script", in: "PING\nquit\nPING\n", wantOut: "PONG\n"},
		{name: "exit in any case stops the script", in: "PING\nExIt now\nPING\n", wantOut: "PONG\n"},
		{name: "CRLF line ends", in: "PING\r\nECHO \"a b\"\r\n", wantOut: "PONG\n\"a b\"\n"},
		{name: "no final newline", in: "PING", wantOut: "PONG\n"},
		{name: "empty script", in: "", wantOut: "", dials: 1},
		{name: "help is local", in: "help GET\n",
			wantOut: "\n  GET " + get.Args + "\n  summary: " + get.Summary + "\n  since: " + get.Since + "\n  group: " + get.Group + "\n\n"},
		{name: "clear does nothing in a script", in: "clear\nPING\n", wantOut: "PONG\n"},
		{name: "select", in: "SELECT 2\nSET k v\nSELECT 0\nGET k\nSELECT 16\n",
			wantOut: "OK\nOK\nOK\n(nil)\n(error) ERR DB index is out of range\n",
			wantErr: "line 5: ERR DB index is out of range\n", failed: true},
		{name: "lost connection is dialled again", in: "SELECT 3\nSET k v\nDROP\nGET k\n",
			wantOut: "OK\nOK\n\"v\"\n",
			wantErr: "line 3: Server closed the connection\n", failed: true, dials: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := repl.NewFakeServer(t)
			var out, errOut bytes.Buffer
			err := repl.Run(repl.Config{
				Name: "photon", Dial: srv.Dial, In: strings.NewReader(tt.in),
				Out: &out, Err: &errOut, Output: mode(tt.raw),
			})
			if got := out.String(); got != tt.wantOut {
				t.Errorf("stdout:\ngot  %q\nwant %q", got, tt.wantOut)
			}
			if got := errOut.String(); got != tt.wantErr {
				t.Errorf("stderr:\ngot  %q\nwant %q", got, tt.wantErr)
			}
			if tt.failed != errors.Is(err, repl.ErrFailed) || (!tt.failed && err != nil) {
				t.Errorf("Run: got error %v, want failed=%v", err, tt.failed)
			}
			if tt.dials != 0 && srv.Dials() != tt.dials {
				t.Errorf("dials: got %d, want %d", srv.Dials(), tt.dials)
			}
		})
	}
}

// Ensure that Run's error says how many commands failed.
func TestRun_ScriptError(t *testing.T) {
	srv := repl.NewFakeServer(t)
	err := repl.Run(repl.Config{Dial: srv.Dial, In: strings.NewReader("NOPE\nPING\nNOPE\n"),
		Out: new(bytes.Buffer), Err: new(bytes.Buffer)})
	if got, want := err.Error(), "script: 2 of 3 commands failed"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Ensure that a script does not start when the first Dial fails, and
// that the failure is not mistaken for a failed command.
func TestRun_DialFails(t *testing.T) {
	dialErr := errors.New("connection refused")
	var out, errOut bytes.Buffer
	err := repl.Run(repl.Config{
		Name: "127.0.0.1:1", Dial: func() (*client.Client, error) { return nil, dialErr },
		In: strings.NewReader("PING\n"), Out: &out, Err: &errOut,
	})
	if !errors.Is(err, dialErr) || errors.Is(err, repl.ErrFailed) {
		t.Fatalf("Run: got %v, want the dial error", err)
	}
	if got, want := err.Error(), "could not connect to 127.0.0.1:1: connection refused"; got != want {
		t.Errorf("error text: got %q, want %q", got, want)
	}
	if out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("output: %q, %q", out.String(), errOut.String())
	}
}

// Ensure that Run needs a Dial function.
func TestRun_NoDial(t *testing.T) {
	if err := repl.Run(repl.Config{In: strings.NewReader("PING\n")}); err == nil {
		t.Fatal("Run without Dial: no error")
	}
}

// Ensure that RunOnce prints one reply as redis-cli HOST PORT CMD does.
func TestRunOnce(t *testing.T) {
	tests := []struct {
		name    string
		raw     bool
		args    []string
		wantOut string
		failed  bool
	}{
		{"status", false, []string{"SET", "k", "v"}, "OK\n", false},
		{"nil", false, []string{"GET", "nokey"}, "(nil)\n", false},
		{"raw nil", true, []string{"GET", "nokey"}, "\n", false},
		{"argument with spaces", false, []string{"ECHO", "a b"}, "\"a b\"\n", false},
		{"error", false, []string{"NOPE"}, "(error) ERR unknown command 'NOPE', with args beginning with: \n", true},
		{"raw error", true, []string{"NOPE"}, "ERR unknown command 'NOPE', with args beginning with: \n\n", true},
		{"help", false, []string{"help", "@nogroup"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := repl.NewFakeServer(t)
			var out, errOut bytes.Buffer
			err := repl.RunOnce(repl.Config{Dial: srv.Dial, Out: &out, Err: &errOut, Output: mode(tt.raw)}, tt.args)
			if tt.failed != errors.Is(err, repl.ErrFailed) || (!tt.failed && err != nil) {
				t.Errorf("RunOnce: got error %v, want failed=%v", err, tt.failed)
			}
			if tt.name == "help" {
				if !strings.Contains(out.String(), "No commands in group") || srv.Dials() != 0 {
					t.Errorf("help: got %q after %d dials", out.String(), srv.Dials())
				}
				return
			}
			if got := out.String(); got != tt.wantOut {
				t.Errorf("stdout:\ngot  %q\nwant %q", got, tt.wantOut)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr: %q", errOut.String())
			}
		})
	}
}

// Ensure that RunOnce refuses an empty command and reports a failed Dial.
func TestRunOnce_Errors(t *testing.T) {
	srv := repl.NewFakeServer(t)
	if err := repl.RunOnce(repl.Config{Dial: srv.Dial}, nil); !errors.Is(err, client.ErrNoCommand) {
		t.Errorf("no args: got %v", err)
	}
	dialErr := errors.New("refused")
	err := repl.RunOnce(repl.Config{Dial: func() (*client.Client, error) { return nil, dialErr }}, []string{"PING"})
	if !errors.Is(err, dialErr) {
		t.Errorf("dial failure: got %v", err)
	}
}

// mode returns the output mode of redis-cli --raw or --no-raw.
func mode(raw bool) repl.Mode {
	if raw {
		return repl.Raw
	}
	return repl.Standard
}
