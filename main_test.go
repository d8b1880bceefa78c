package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fatih/color"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/persist"
	"github.com/photondb/photon/repl"
	"github.com/photondb/photon/server"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func TestMain(m *testing.M) {
	color.NoColor = true
	os.Exit(m.Run())
}

// inProcess serves a new engine over net.Pipe, as the shell does, with a
// snapshot file in a temporary directory and a clock stopped at a fixed
// time, and returns a client for it.
func inProcess(t testing.TB) *client.Client {
	t.Helper()
	f, err := persist.Open(filepath.Join(t.TempDir(), "photon.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	stopped := time.Unix(1_700_000_000, 0)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := engine.New(engine.Options{Snapshotter: f, Logger: quiet, Now: func() time.Time { return stopped }})
	t.Cleanup(e.WaitSaves)
	srv := server.New(e, server.Options{})
	t.Cleanup(func() { srv.Close() })
	local, remote := net.Pipe()
	srv.ServeConn(local)
	c := client.New(remote)
	t.Cleanup(func() { c.Close() })
	return c
}

// TestTranscripts plays testdata/commands/*.txt: each "> COMMAND" line is
// followed by its reply as the shell prints it. Run with -update to
// rewrite them from the current output; review the diff like code.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/commands/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			c := inProcess(t)
			var got strings.Builder
			for i, line := range strings.Split(string(src), "\n") {
				if !strings.HasPrefix(line, "> ") {
					continue
				}
				args, err := repl.SplitArgs(line[2:])
				if err != nil {
					t.Fatalf("%s:%d: %v", file, i+1, err)
				}
				v, err := c.Do(args...)
				if err != nil {
					t.Fatalf("%s:%d: %v", file, i+1, err)
				}
				got.WriteString(line + "\n" + repl.FormatReply(args, v, false))
			}
			if *update {
				if err := os.WriteFile(file, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got.String() != string(src) {
				t.Errorf("transcript differs (go test . -update rewrites it)\n--- got\n%s\n--- want\n%s", got.String(), src)
			}
		})
	}
}

// Ensure that every command in the table appears in some transcript.
func TestTranscripts_CoverEveryCommand(t *testing.T) {
	files, _ := filepath.Glob("testdata/commands/*.txt")
	var all strings.Builder
	for _, f := range files {
		b, _ := os.ReadFile(f)
		all.Write(bytes.ToUpper(b))
	}
	for _, c := range engine.Commands() {
		if !strings.Contains(all.String(), "> "+c.Name) {
			t.Errorf("%s has no golden transcript line", c.Name)
		}
	}
}

// runApp runs the command line with the given stdin and returns stdout,
// stderr and the error main would exit non-zero on.
func runApp(t testing.TB, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := newApp(strings.NewReader(stdin), &out, &errOut).Run(append([]string{"photon"}, args...))
	return out.String(), errOut.String(), err
}

// TestCLI runs testdata/cli/<case>/: args (one per line; $DIR is a fresh
// directory, $ADDR a photon server's address), optional stdin, and the
// expected stdout, stderr (when present) and exit status (file "status",
// 0 when absent).
func TestCLI(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/cli/*")
	if len(dirs) == 0 {
		t.Fatal("no CLI cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			tmp := t.TempDir()
			_, addr := serveTCP(t)
			read := func(name string) (string, bool) {
				b, err := os.ReadFile(filepath.Join(dir, name))
				return strings.NewReplacer("$DIR", tmp, "$ADDR", addr).Replace(string(b)), err == nil
			}
			argText, _ := read("args")
			args := strings.Fields(argText)
			stdin, _ := read("stdin")
			stdout, stderr, err := runApp(t, stdin, args...)
			status := "0"
			if err != nil {
				status = "1"
				if !errors.Is(err, repl.ErrFailed) {
					stderr += "photon: " + err.Error() + "\n"
				}
			}
			check := func(name, got string) {
				want, ok := read(name)
				if *update {
					os.WriteFile(filepath.Join(dir, name), []byte(strings.ReplaceAll(strings.ReplaceAll(got, tmp, "$DIR"), addr, "$ADDR")), 0o644)
					return
				}
				if !ok && name != "stdout" {
					return
				}
				if got != want {
					t.Errorf("%s differs\n--- got\n%s\n--- want\n%s", name, got, want)
				}
			}
			check("stdout", stdout)
			check("stderr", stderr)
			if want, _ := read("status"); strings.TrimSpace(want) != status && !(want == "" && status == "0") {
				t.Errorf("status %s, want %s (err: %v)", status, strings.TrimSpace(want), err)
			}
		})
	}
}

// serveTCP serves a new engine on a free loopback port until the test ends.
func serveTCP(t testing.TB) (*engine.Engine, string) {
	t.Helper()
	e := engine.New(engine.Options{})
	srv := server.New(e, server.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return e, ln.Addr().String()
}

// Ensure that the shell saves unsaved changes when it quits, and finds
// them when it opens the file again.
func TestShell_SavesOnQuitAndReloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.rdb")
	_, stderr, err := runApp(t, "SET name alice\nRPUSH l a b\nHSET h f v\nSET t x EX 1000\nquit\nSET after quit\n", "shell", path)
	if err != nil {
		t.Fatalf("first shell: %v\n%s", err, stderr)
	}
	if want := "Saved 5 unsaved changes to " + path + "\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	out, stderr, err := runApp(t, "GET name\nLRANGE l 0 -1\nHGET h f\nTTL t\nEXISTS after\n", "shell", "--no-raw", path)
	if err != nil {
		t.Fatalf("second shell: %v\n%s", err, stderr)
	}
	if want := "\"alice\"\n1) \"a\"\n2) \"b\"\n\"v\"\n(integer) 1000\n(integer) 0\n"; out != want {
		t.Errorf("after reopening:\n%s\nwant:\n%s", out, want)
	}
	if stderr != "" {
		t.Errorf("nothing changed, yet stderr says %q", stderr)
	}
}

// Ensure that a file in use by another process is refused, and that a
// corrupt file is refused with its name and the offset, and left alone.
func TestShell_RefusesLockedAndCorruptFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.rdb")
	if _, _, err := runApp(t, "SET k v\n", "shell", path); err != nil {
		t.Fatal(err)
	}

	e, f, err := openStore(path, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = e
	_, _, err = runApp(t, "GET k\n", "shell", path)
	f.Close()
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second open of a locked file: err = %v, want it to say the file is in use", err)
	}

	good, _ := os.ReadFile(path)
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 0xff // break the checksum
	os.WriteFile(path, bad, 0o644)
	_, _, err = runApp(t, "SET k other\n", "shell", path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "byte") {
		t.Errorf("corrupt file: err = %v, want the file name and byte offset", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, bad) {
		t.Error("the corrupt file was changed")
	}
}

// buildPhoton compiles the binary once for tests that run it as a process.
func buildPhoton(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "photon")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Ensure that photon serve works with the real redis-cli as the original
// README's session shows, saves on SIGTERM, exits 0, and serves the same
// data after a restart.
func TestServe_RedisCLISessionAndRestart(t *testing.T) {
	cli := redistest.Tool(t, "redis-cli")
	bin := buildPhoton(t)
	dir := t.TempDir()
	start := func() (*exec.Cmd, string) {
		port := redistest.FreePort(t)
		cmd := exec.Command(bin, "serve", "--port", itoa(port), "--dir", dir, "--save", "0")
		var logs bytes.Buffer
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		addr := "127.0.0.1:" + itoa(port)
		waitListening(t, addr)
		return cmd, itoa(port)
	}
	rc := func(port string, args ...string) string {
		t.Helper()
		out, err := exec.Command(cli, append([]string{"-p", port}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	cmd, port := start()
	session := []struct{ args, want string }{
		{"SET name alice", "OK\n"},
		{"GET name", "alice\n"},
		{"LPUSH tasks task1 task2", "2\n"},
		{"LRANGE tasks 0 -1", "task2\ntask1\n"},
		{"HSET user:1 name bob age 42", "2\n"},
		{"EXPIRE name 1000", "1\n"},
	}
	for _, s := range session {
		if got := rc(port, strings.Fields(s.args)...); got != s.want {
			t.Errorf("redis-cli %s = %q, want %q", s.args, got, s.want)
		}
	}
	if got := rc(port, "--no-raw", "LRANGE", "tasks", "0", "-1"); got != "1) \"task2\"\n2) \"task1\"\n" {
		t.Errorf("redis-cli --no-raw LRANGE = %q", got)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v (want exit 0)", err)
	}
	_, port = start()
	if got := rc(port, "LRANGE", "tasks", "0", "-1"); got != "task2\ntask1\n" {
		t.Errorf("after restart LRANGE = %q", got)
	}
	if got := rc(port, "HGET", "user:1", "age"); got != "42\n" {
		t.Errorf("after restart HGET = %q", got)
	}
	if got := rc(port, "TTL", "name"); got != "1000\n" && got != "999\n" {
		t.Errorf("after restart TTL = %q", got)
	}
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			c.Write([]byte("PING\r\n"))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if line == "+PONG\r\n" {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing answered on %s", addr)
}

func itoa(n int) string { return strconv.Itoa(n) }
