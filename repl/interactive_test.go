package repl_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/photondb/photon/repl"
)

// Ensure that the interactive loop runs lines through readline, keeps
// going after failures, stops at quit, and saves history. (Without a
// terminal readline reads plain lines, which is enough to drive it.)
func TestRun_Interactive(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantOut string
		wantErr string
		history []string
	}{
		{name: "replies and failures", in: "PING\nSELECT 2\nNOPE\nGET \"x\nquit\nPING\n",
			wantOut: "PONG\nOK\n(error) ERR unknown command 'NOPE', with args beginning with: \nInvalid argument(s)\n",
			history: []string{"PING", "SELECT 2", "NOPE", `GET "x`, "quit"}},
		{name: "end of input", in: "ECHO hi\n", wantOut: "\"hi\"\n", history: []string{"ECHO hi"}},
		{name: "lost connection", in: "DROP\nPING\n", wantOut: "PONG\n",
			wantErr: "Error: Server closed the connection\n", history: []string{"DROP", "PING"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := repl.NewFakeServer(t)
			hist := filepath.Join(t.TempDir(), "history")
			var out, errOut bytes.Buffer
			err := repl.Run(repl.Config{Name: "photon", Dial: srv.Dial, In: strings.NewReader(tt.in),
				Out: &out, Err: &errOut, Interactive: true, NoColor: true, HistoryFile: hist})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := out.String(); got != tt.wantOut {
				t.Errorf("stdout:\ngot  %q\nwant %q", got, tt.wantOut)
			}
			if got := errOut.String(); got != tt.wantErr {
				t.Errorf("stderr:\ngot  %q\nwant %q", got, tt.wantErr)
			}
			b, err := os.ReadFile(hist)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(b), strings.Join(tt.history, "\n")+"\n"; got != want {
				t.Errorf("history:\ngot  %q\nwant %q", got, want)
			}
		})
	}
}
