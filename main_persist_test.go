package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/internal/redistest"
)

// Ensure that the shell refuses a Redis dump holding a stream and a
// function library, saying how to open it anyway, and that with
// --skip-unsupported it opens the rest with a warning for each, leaving
// the file as it was.
func TestShell_SkipUnsupported(t *testing.T) {
	orig, err := os.ReadFile("testdata/rdb/redis-7.0.15-stream-function.rdb")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dump.rdb")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = runApp(t, "GET before\n", "shell", path)
	if err == nil || !strings.Contains(err.Error(), "--skip-unsupported") || !strings.Contains(err.Error(), "function library") {
		t.Fatalf("err = %v, want the function library named and --skip-unsupported suggested", err)
	}
	stdout, stderr, err := runApp(t, "GET before\nSMEMBERS set\nEXISTS stream\n", "shell", "--skip-unsupported", path)
	if err != nil {
		t.Fatalf("shell --skip-unsupported: %v\n%s", err, stderr)
	}
	if stdout != "1\na\n0\n" {
		t.Errorf("stdout = %q, want the string, the set and no stream", stdout)
	}
	if strings.Count(stderr, "skipped") != 2 || !strings.Contains(stderr, `key \"stream\"`) {
		t.Errorf("stderr = %q, want a warning for the stream and one for the library", stderr)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, orig) {
		t.Error("the file changed")
	}
}

// Ensure that serve refuses a snapshot or an append-only file whose RDB
// head holds keys photon has no type for, naming the key's type and the
// directive, and that with skip-unsupported yes it starts from the rest
// and leaves the file as it was.
func TestServe_SkipUnsupported(t *testing.T) {
	if testing.Short() {
		t.Skip("builds photon and runs it; skipped with -short")
	}
	orig, err := os.ReadFile("testdata/rdb/redis-7.0.15-stream-function.rdb")
	if err != nil {
		t.Fatal(err)
	}
	bin := buildPhoton(t)
	for _, tc := range []struct {
		name, file string
		args       []string
	}{
		{"snapshot", "photon.rdb", nil},
		{"append-only file", "appendonly.aof", []string{"--appendonly", "yes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"serve", "--port", itoa(redistest.FreePort(t)), "--dir", dir, "--save", ""}, tc.args...)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
			if err == nil || !strings.Contains(string(out), "skip-unsupported yes") || !strings.Contains(string(out), "function library") {
				t.Fatalf("serve: err = %v, output:\n%s\nwant a refusal naming the library and skip-unsupported", err, out)
			}
			p := serve(t, bin, dir, append(tc.args, "--save", "", "--skip-unsupported", "yes")...)
			if v := p.call(t, "GET", "before"); string(v.Str) != "1" {
				t.Errorf("GET before = %s, want 1", v)
			}
			if v := p.call(t, "EXISTS", "stream"); v.Int != 0 {
				t.Errorf("EXISTS stream = %s, want 0", v)
			}
			if strings.Count(p.log.String(), "skipped") != 2 {
				t.Errorf("log = %s\nwant a warning for the stream and one for the library", p.log)
			}
			if v := p.call(t, "CONFIG", "GET", "skip-unsupported"); len(v.Elems) != 0 {
				t.Errorf("CONFIG GET skip-unsupported = %s, want nothing: photon's own directive", v)
			}
			p.kill()
			if now, _ := os.ReadFile(path); !bytes.Equal(now, orig) {
				t.Error("the file changed")
			}
		})
	}
}
