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
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fatih/color"
	"github.com/urfave/cli/v2"

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
	e := engine.New(engine.Options{Snapshotter: f, Serializer: persist.DumpFormat{}, Logger: quiet, Now: func() time.Time { return stopped }})
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
		cmd := exec.Command(bin, "serve", "--port", itoa(port), "--dir", dir, "--save", "3600 1")
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
	// DUMP and RESTORE through the binary: serve wires the RDB payload
	// format into its engine.
	c := dial(t, "127.0.0.1:"+port)
	payload, err := c.Do("DUMP", "tasks")
	if err != nil || len(payload.Str) == 0 {
		t.Fatalf("DUMP tasks = %v, %v", payload, err)
	}
	if v, err := c.Do("RESTORE", "tasks:copy", "0", string(payload.Str)); err != nil || string(v.Str) != "OK" {
		t.Fatalf("RESTORE = %v, %v", v, err)
	}
	if got := rc(port, "LRANGE", "tasks:copy", "0", "-1"); got != "task2\ntask1\n" {
		t.Errorf("LRANGE of the restored copy = %q", got)
	}
	rc(port, "DEL", "tasks:copy")
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

// Ensure that redis-benchmark runs its commands against photon: every
// test reports a positive rate, and nothing reports an error.
func TestRedisBenchmark(t *testing.T) {
	bench := redistest.Tool(t, "redis-benchmark")
	// Wired as serve wires it, so that CONFIG GET answers what
	// redis-benchmark asks first.
	e := engine.New(engine.Options{})
	srv := server.New(e, server.Options{})
	var mu sync.Mutex
	cfg := defaultSettings()
	e.RegisterConfig(configParams(&mu, &cfg, &running{srv: srv, level: new(slog.LevelVar)})...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()
	host, port, _ := net.SplitHostPort(addr)
	tests := []string{"SET", "GET", "INCR", "LPUSH", "LPOP", "HSET"}
	out, err := exec.Command(bench, "-h", host, "-p", port, "-n", "2000", "-c", "10", "-P", "4",
		"-t", strings.ToLower(strings.Join(tests, ",")), "-q").CombinedOutput()
	if err != nil {
		t.Fatalf("redis-benchmark: %v\n%s", err, out)
	}
	// Each test ends with "SET: 133333.34 requests per second, p50=0.151
	// msec"; progress lines before it end in a carriage return.
	rps := map[string]float64{}
	for _, line := range strings.FieldsFunc(string(out), func(r rune) bool { return r == '\r' || r == '\n' }) {
		line = strings.TrimSpace(line)
		if l := strings.ToLower(line); strings.Contains(l, "error") || strings.Contains(l, "warn") {
			t.Errorf("redis-benchmark: %s", line)
		}
		name, rest, ok := strings.Cut(line, ": ")
		f := strings.Fields(rest)
		if ok && len(f) >= 3 && f[1] == "requests" {
			rps[name], _ = strconv.ParseFloat(f[0], 64)
		}
	}
	for _, name := range tests {
		if rps[name] <= 0 {
			t.Errorf("%s: %v requests per second, want a positive rate; output:\n%s", name, rps[name], out)
		}
	}
}

// loadTestSettings runs serve's flag parsing with args and returns the
// settings runServe would use.
func loadTestSettings(t *testing.T, args ...string) (settings, error) {
	t.Helper()
	var got settings
	var loadErr error
	app := &cli.App{Commands: []*cli.Command{{Name: "serve", Flags: serveFlags(), Action: func(c *cli.Context) error {
		got, loadErr = loadSettings(c, engine.New(engine.Options{}))
		return nil
	}}}}
	app.Writer, app.ErrWriter = io.Discard, io.Discard
	if err := app.Run(append([]string{"photon", "serve"}, args...)); err != nil {
		t.Fatal(err)
	}
	return got, loadErr
}

// Ensure that photon.conf.example parses, names every directive, and
// states the defaults truthfully.
func TestConfigFile_Example(t *testing.T) {
	const path = "photon.conf.example"
	got, err := loadTestSettings(t, path)
	if err != nil {
		t.Fatal(err)
	}
	want := defaultSettings()
	got.engineLines, got.fileSaved = nil, false
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the example's settings differ from the defaults:\n got %+v\nwant %+v", got, want)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range directives {
		if !bytes.Contains(src, []byte("\n"+d.name+" ")) {
			t.Errorf("%s has no %s line", path, d.name)
		}
	}
	for _, d := range engineDirectives {
		if !bytes.Contains(src, []byte("\n"+d.name+" ")) {
			t.Errorf("%s has no %s line", path, d.name)
		}
	}
}

// Ensure that a config file's mistakes are reported with the file, the
// line and what is wrong, before anything starts.
func TestConfigFile_Errors(t *testing.T) {
	tests := []struct {
		name, conf, want string
	}{
		{"unknown directive", "port 6380\nfoo bar\n", `:2: unknown directive "foo"`},
		{"line numbers count comments and blanks", "# a comment\n\nport 70000\n", `:3: port "70000": argument must be between 0 and 65535 inclusive`},
		{"not an integer", "maxclients ten\n", `:1: maxclients "ten": argument couldn't be parsed into an integer`},
		{"out of range", "maxclients 0\n", `:1: maxclients "0": argument must be between 1 and 4294967295 inclusive`},
		{"not a memory value", "proto-max-bulk-len 1.5mb\n", `:1: proto-max-bulk-len "1.5mb": argument must be a memory value`},
		{"memory below the minimum", "client-query-buffer-limit 100k\n", `:1: client-query-buffer-limit "100k": argument must be between 1048576 and 9223372036854775807 inclusive`},
		{"not yes or no", "protected-mode maybe\n", `:1: protected-mode "maybe": argument must be 'yes' or 'no'`},
		{"unknown log level", "loglevel loud\n", `:1: loglevel "loud": argument(s) must be one of the following: debug, verbose, notice, warning`},
		{"odd save arguments", "save 3600 1 300\n", `:1: save "3600 1 300": Invalid save parameters`},
		{"save seconds below 1", "save 0 1\n", `:1: save "0 1": Invalid save parameters`},
		{"buffer limit arguments", "client-output-buffer-limit normal 0 0\n", `:1: client-output-buffer-limit "normal 0 0": Wrong number of arguments in buffer limit configuration.`},
		{"buffer limit class", "client-output-buffer-limit master 0 0 0\n", `Invalid client class specified in buffer limit configuration.`},
		{"too many arguments", "port 6379 6380\n", `:1: port: wrong number of arguments`},
		{"no argument", "dir\n", `:1: dir: wrong number of arguments`},
		{"unbalanced quotes", "dir \"/tmp\n", `:1: unbalanced quotes in "dir \"/tmp"`},
		{"missing dir", "dir /nonexistent/photon\n", `:1: dir "/nonexistent/photon": no such file or directory`},
		{"dbfilename with a path", "dbfilename data/photon.rdb\n", `:1: dbfilename "data/photon.rdb": dbfilename can't be a path, just a filename`},
		{"engine directive, two values", "requirepass a b\n", `:1: requirepass: wrong number of arguments`},
		{"engine directive, bad value", "slowlog-max-len many\n", `:1: slowlog-max-len: `},
		{"bind to a name", "bind 127.0.0.1 my-host\n", `:1: bind "127.0.0.1 my-host": "my-host" is not an IP address, *, ::* or localhost`},
		{"tls-port without a certificate", "tls-port 6380\n", `tls-port needs tls-cert-file and tls-key-file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "photon.conf")
			if err := os.WriteFile(path, []byte(tt.conf), 0o644); err != nil {
				t.Fatal(err)
			}
			_, stderr, err := runApp(t, "", "serve", path)
			if err == nil {
				t.Fatalf("serve started with %q; stderr:\n%s", tt.conf, stderr)
			}
			if !strings.Contains(err.Error(), tt.want) || (strings.HasPrefix(tt.want, ":") && !strings.HasPrefix(err.Error(), path+":")) {
				t.Errorf("error %q, want %s%s", err, path, tt.want)
			}
		})
	}
}

// Ensure that flags and PHOTON_* variables win over the file, and that
// save takes Redis's rules and the original's durations.
func TestSettings_Precedence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "photon.conf")
	conf := "maxclients 100\ntimeout 7\nsave 60 1\nsave \"30 5\"\nbind 127.0.0.1 -::1\nclient-output-buffer-limit normal 1mb 512k 10\nloglevel warning\n"
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := loadTestSettings(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if s.maxclients != 100 || s.timeout != 7 || formatSave(s.save) != "60 1 30 5" || strings.Join(s.bind, " ") != "127.0.0.1 -::1" || s.loglevel != "warning" {
		t.Errorf("from the file: %+v", s)
	}
	if got := lookupDirective("client-output-buffer-limit").get(&s); got != "normal 1048576 512000 10 slave 268435456 67108864 60 pubsub 33554432 8388608 60" {
		t.Errorf("client-output-buffer-limit = %q", got)
	}

	t.Setenv("PHOTON_TIMEOUT", "9")
	t.Setenv("PHOTON_MAXCLIENTS", "300")
	s, err = loadTestSettings(t, "--maxclients", "200", "--save", "3600 1 300 100", path)
	if err != nil {
		t.Fatal(err)
	}
	if s.maxclients != 200 || s.timeout != 9 || formatSave(s.save) != "3600 1 300 100" {
		t.Errorf("flag, variable and file: maxclients %d (want the flag's 200), timeout %d (want the variable's 9), save %q", s.maxclients, s.timeout, formatSave(s.save))
	}

	for _, tt := range []struct{ flag, want string }{
		{"30s", "30 1"}, {"5m", "300 1"}, {"45", "45 1"}, {"", ""}, {"0", ""}, {"3600 1 300 100", "3600 1 300 100"},
	} {
		s, err := loadTestSettings(t, "--save", tt.flag)
		if err != nil || formatSave(s.save) != tt.want {
			t.Errorf("--save %q: %q, %v; want %q", tt.flag, formatSave(s.save), err, tt.want)
		}
	}
	if _, err := loadTestSettings(t, "--save", "500ms"); err == nil || !strings.Contains(err.Error(), `--save "500ms"`) {
		t.Errorf("--save 500ms: %v, want an error naming the flag", err)
	}
}

func TestParseMemory(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"100", 100, true}, {"1b", 1, true}, {"100k", 100_000, true}, {"1kb", 1024, true}, {"1KB", 1024, true},
		{"512mb", 512 << 20, true}, {"1m", 1_000_000, true}, {"1g", 1_000_000_000, true}, {"1gb", 1 << 30, true},
		{"kb", 0, true}, {"1.5mb", 0, false}, {"-1", 0, false}, {"+1", 0, false}, {" 1", 0, false}, {"1tb", 0, false},
		{"18446744073709551615", 1<<64 - 1, true}, {"18446744073709551615k", 0, false},
	}
	for _, tt := range tests {
		got, err := parseMemory(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("parseMemory(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// startPhoton runs the photon binary with serve and args on a free
// loopback port, waits until it answers, and returns the process, its
// address and its log, which may be read once the process has exited.
func startPhoton(t *testing.T, bin string, args ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	port := itoa(redistest.FreePort(t))
	cmd := exec.Command(bin, append([]string{"serve", "--port", port}, args...)...)
	logs := new(bytes.Buffer)
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	addr := "127.0.0.1:" + port
	waitListening(t, addr)
	return cmd, addr, logs
}

func dial(t *testing.T, addr string) *client.Client {
	t.Helper()
	c, err := client.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// do runs a command and returns its reply as redis-cli prints it.
func do(t *testing.T, c *client.Client, args ...string) string {
	t.Helper()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return repl.FormatReply(args, v, false)
}

// Ensure that CONFIG GET and CONFIG SET answer serve's settings as Redis
// answers its own, errors included, and that the changes take effect.
func TestServe_ConfigLikeRedis(t *testing.T) {
	redis := redistest.Start(t, "")
	bin := buildPhoton(t)
	_, addr, _ := startPhoton(t, bin, "--dir", t.TempDir(), "--save", "")
	ph, rd := dial(t, addr), dial(t, redis.Addr)
	for _, args := range [][]string{
		{"CONFIG", "SET", "save", "3600 1 300 100"},
		{"CONFIG", "GET", "save"},
		{"CONFIG", "SET", "save", "0 1"},
		{"CONFIG", "SET", "save", "3600"},
		{"CONFIG", "SET", "save", ""},
		{"CONFIG", "GET", "save"},
		{"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 512k 10"},
		{"CONFIG", "GET", "client-output-buffer-limit"},
		{"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 512k"},
		{"CONFIG", "SET", "client-output-buffer-limit", "master 1 1 1"},
		{"CONFIG", "SET", "client-output-buffer-limit", "normal x 1 1"},
		{"CONFIG", "SET", "maxclients", "0"},
		{"CONFIG", "SET", "maxclients", "abc"},
		{"CONFIG", "SET", "maxclients", "5000"},
		{"CONFIG", "GET", "maxclients"},
		{"CONFIG", "SET", "timeout", "-1"},
		{"CONFIG", "SET", "timeout", "300"},
		{"CONFIG", "GET", "timeout"},
		{"CONFIG", "SET", "protected-mode", "maybe"},
		{"CONFIG", "SET", "protected-mode", "no"},
		{"CONFIG", "GET", "protected-mode"},
		{"CONFIG", "SET", "loglevel", "loud"},
		{"CONFIG", "SET", "loglevel", "warning"},
		{"CONFIG", "GET", "loglevel"},
		{"CONFIG", "SET", "databases", "3"},
		{"CONFIG", "GET", "databases"},
		{"CONFIG", "GET", "proto-max-bulk-len"},
		{"CONFIG", "GET", "client-query-buffer-limit"},
		{"CONFIG", "GET", "bind"},
		{"CONFIG", "GET", "tls-port"},
		{"CONFIG", "GET", "tls-cert-file"},
	} {
		if got, want := do(t, ph, args...), do(t, rd, args...); got != want {
			t.Errorf("%q\nphoton: %s\nredis:  %s", args, got, want)
		}
	}

	if got, want := do(t, ph, "CONFIG", "SET", "port", "1"), "(error) ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config\n"; got != want {
		t.Errorf("CONFIG SET port: %q, want %q", got, want)
	}
	// maxclients takes effect: the next client is turned away.
	do(t, ph, "CONFIG", "SET", "maxclients", "1")
	if c, err := client.Dial(addr); err == nil {
		v, err := c.Do("PING")
		c.Close()
		if err == nil && !strings.Contains(v.String(), "max number of clients reached") {
			t.Errorf("a second client with maxclients 1: %q, want it refused", v.String())
		}
	}
	do(t, ph, "CONFIG", "SET", "maxclients", "10000")
	// save takes effect: a rule of one second snapshots the change.
	do(t, ph, "CONFIG", "SET", "save", "1 1")
	before := do(t, ph, "LASTSAVE")
	do(t, ph, "SET", "k", "v")
	deadline := time.Now().Add(10 * time.Second)
	for do(t, ph, "LASTSAVE") == before {
		if time.Now().After(deadline) {
			t.Fatal("CONFIG SET save 1 1: no snapshot within 10 s of a change")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Ensure that serve saves on SIGTERM only while persistence is on, that
// SHUTDOWN NOSAVE does not save, and that both exit 0.
func TestServe_ShutdownSavesUnlessOff(t *testing.T) {
	bin := buildPhoton(t)
	tests := []struct {
		name   string
		args   []string
		stop   func(cmd *exec.Cmd, c *client.Client)
		saved  bool
		logged string
	}{
		{"SIGTERM with save rules", []string{"--save", "3600 1"}, sigterm, true, "DB saved on disk"},
		{"SIGTERM with save off", []string{"--save", ""}, sigterm, false, "received SIGTERM"},
		{"SIGINT", []string{"--save", "3600 1"}, func(cmd *exec.Cmd, _ *client.Client) { cmd.Process.Signal(os.Interrupt) }, true, "received SIGINT"},
		{"SHUTDOWN NOSAVE", []string{"--save", "3600 1"}, func(_ *exec.Cmd, c *client.Client) { c.Do("SHUTDOWN", "NOSAVE") }, false, "SHUTDOWN requested"},
		{"SHUTDOWN SAVE with save off", []string{"--save", ""}, func(_ *exec.Cmd, c *client.Client) { c.Do("SHUTDOWN", "SAVE") }, true, "DB saved on disk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd, addr, logs := startPhoton(t, bin, append([]string{"--dir", dir}, tt.args...)...)
			c := dial(t, addr)
			do(t, c, "SET", "k", "v")
			tt.stop(cmd, c)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit: %v (want 0)\n%s", err, logs)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("still running 15 s after being told to stop")
			}
			_, err := os.Stat(filepath.Join(dir, "photon.rdb"))
			if saved := err == nil; saved != tt.saved {
				t.Errorf("snapshot written: %v, want %v\n%s", saved, tt.saved, logs)
			}
			if !strings.Contains(logs.String(), tt.logged) {
				t.Errorf("log does not say %q:\n%s", tt.logged, logs)
			}
		})
	}
}

func sigterm(cmd *exec.Cmd, _ *client.Client) { cmd.Process.Signal(syscall.SIGTERM) }

// Ensure that listening beyond loopback without a password is warned
// about at start, and that loopback is not.
func TestServe_WarnsWhenExposed(t *testing.T) {
	bin := buildPhoton(t)
	for _, tt := range []struct {
		bind string
		warn bool
	}{{"127.0.0.1", false}, {"0.0.0.0", true}} {
		cmd, _, logs := startPhoton(t, bin, "--bind", tt.bind, "--save", "", "--dir", t.TempDir())
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if got := strings.Contains(logs.String(), "non-loopback address with no password"); got != tt.warn {
			t.Errorf("--bind %s: warned %v, want %v; log:\n%s", tt.bind, got, tt.warn, logs)
		}
	}
}
