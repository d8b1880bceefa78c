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

	"github.com/photondb/photon/engine"
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

// Ensure that the shell's key completion lists the live keys with the
// prefix, leaves out expired ones, and says when it stopped short.
func TestEngineKeys_PrefixExpiryAndLimit(t *testing.T) {
	e := engine.New(engine.Options{})
	s := e.NewSession()
	defer s.Close()
	for _, cmd := range [][]string{{"SET", "user:1", "a"}, {"SET", "user:2", "b"}, {"SET", "other", "c"}, {"SET", "user:gone", "d", "PXAT", "1"}} {
		args := make([][]byte, len(cmd))
		for i, a := range cmd {
			args[i] = []byte(a)
		}
		if _, err := e.Exec(s, args); err != nil {
			t.Fatal(err)
		}
	}
	list := engineKeys(e)
	keys, complete, err := list(0, "user:", 10)
	slices.Sort(keys)
	if err != nil || !complete || !slices.Equal(keys, []string{"user:1", "user:2"}) {
		t.Errorf("keys = %q, complete %v, err %v; want user:1 and user:2, complete", keys, complete, err)
	}
	if keys, complete, _ := list(0, "user:", 1); len(keys) != 1 || complete {
		t.Errorf("with max 1: keys = %q, complete %v; want one key, not complete", keys, complete)
	}
	if keys, complete, _ := list(99, "", 10); keys != nil || !complete {
		t.Errorf("database 99: keys = %q, complete %v; want none, complete", keys, complete)
	}
}
