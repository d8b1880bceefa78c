package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/photondb/photon/internal/redistest"
)

// Ensure that photon connect prints what redis-cli prints for the same
// input against the same real redis-server: the scripts of
// testdata/cli/connect-mode-*/ in each output mode (their golden files
// hold photon against photon; this holds photon's printing against
// redis-cli's), and one-shot commands with -x, -r and -n.
func TestConnect_MatchesRedisCLI(t *testing.T) {
	cli := redistest.Tool(t, "redis-cli")
	srv := redistest.Start(t, "")
	host, port, _ := net.SplitHostPort(srv.Addr)
	type run struct {
		name  string
		args  []string // after the address flags
		stdin string
	}
	var runs []run
	dirs, _ := filepath.Glob("testdata/cli/connect-mode-*")
	if len(dirs) == 0 {
		t.Fatal("no testdata/cli/connect-mode-* cases")
	}
	for _, dir := range dirs {
		script, err := os.ReadFile(filepath.Join(dir, "stdin"))
		if err != nil {
			t.Fatal(err)
		}
		mode := "--" + strings.TrimPrefix(filepath.Base(dir), "connect-mode-")
		runs = append(runs, run{"script " + mode, []string{mode}, string(script)})
	}
	runs = append(runs,
		run{"-x", []string{"-x", "ECHO"}, "line one\nline two\n"},
		run{"-x with arguments", []string{"--no-raw", "-x", "SET", "k"}, "value\n"},
		run{"-r", []string{"-r", "3", "INCR", "n"}, ""},
		run{"-r with an error", []string{"-r", "2", "--no-raw", "LPUSH"}, ""},
		run{"-n", []string{"-n", "2", "--no-raw", "SET", "k", "v"}, ""},
		run{"one-shot json", []string{"--json", "HELLO", "3"}, ""},
		run{"one-shot csv of an error", []string{"--csv", "NOSUCH", "a"}, ""},
	)
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			flush := func() {
				if out, err := exec.Command(cli, "-h", host, "-p", port, "FLUSHALL").CombinedOutput(); err != nil {
					t.Fatalf("FLUSHALL: %v: %s", err, out)
				}
			}
			flush()
			cmd := exec.Command(cli, append([]string{"-h", host, "-p", port}, r.args...)...)
			cmd.Stdin = strings.NewReader(r.stdin)
			var want bytes.Buffer
			cmd.Stdout = &want
			cmd.Run() // its status says nothing: redis-cli exits 0 after error replies
			flush()
			got, stderr, _ := runApp(t, r.stdin, append([]string{"connect", "-h", host, "-p", port}, r.args...)...)
			if slices.Contains(r.args, "HELLO") {
				// The connection ids differ; the rest must not.
				got, wantS := dropID(got), dropID(want.String())
				if got != wantS {
					t.Errorf("photon connect %q printed\n%s\nredis-cli printed\n%s", r.args, got, wantS)
				}
				return
			}
			if got != want.String() {
				t.Errorf("photon connect %q printed\n%s\nredis-cli printed\n%s\n(stderr: %s)", r.args, got, want.String(), stderr)
			}
		})
	}
}

// dropID removes the connection id from HELLO's reply printed as JSON.
func dropID(s string) string {
	i := strings.Index(s, `"id":`)
	if i < 0 {
		return s
	}
	j := strings.IndexByte(s[i:], ',')
	if j < 0 {
		return s
	}
	return s[:i] + s[i+j+1:]
}
