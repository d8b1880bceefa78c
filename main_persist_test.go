package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
