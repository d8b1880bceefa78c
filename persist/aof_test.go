package persist_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// aofEngine returns an engine journaling to an append-only file at path,
// which it loads (or creates, when missing) first, as serve does.
func aofEngine(t testing.TB, path string, o persist.AOFOptions) (*engine.Engine, *persist.AOF) {
	t.Helper()
	if o.Logger == nil {
		o.Logger = quiet
	}
	a := persist.NewAOF(path, o)
	t.Cleanup(func() { a.Close() })
	e := engine.New(engine.Options{Journal: a, Logger: quiet, Now: func() time.Time { return testNow }})
	info, err := a.Load(e.Put, e.NewLoader().Exec)
	if err != nil {
		t.Fatal(err)
	}
	if info.Missing {
		if err := a.Create(e.Snapshot()); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(e.WaitSaves)
	return e, a
}

// run executes commands, each a space-separated line, on one session and
// fails the test on any error.
func run(t testing.TB, e *engine.Engine, lines ...string) {
	t.Helper()
	s := e.NewSession()
	defer s.Close()
	for _, l := range lines {
		var args [][]byte
		for _, f := range strings.Fields(l) {
			args = append(args, []byte(f))
		}
		if _, err := e.Exec(s, args); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
}

// resp encodes commands as the file logs them.
func resp(cmds ...string) string {
	var b strings.Builder
	for _, c := range cmds {
		f := strings.Fields(c)
		fmt.Fprintf(&b, "*%d\r\n", len(f))
		for _, a := range f {
			fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
		}
	}
	return b.String()
}

// reload loads the file at path into a new engine and returns its data.
func reload(t testing.TB, path string) dataset {
	t.Helper()
	e, a := aofEngine(t, path, persist.AOFOptions{LoadTruncated: true})
	a.Close()
	return dump(t, e.Snapshot())
}

// Ensure that writes are logged in RESP as Redis logs them, with a SELECT
// whenever the database changes (and first of all, since the file does
// not say which database its preamble ended in), and that reads and
// writes that change nothing are not logged.
func TestAOF_LogsWritesInRESP(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	e, _ := aofEngine(t, path, persist.AOFOptions{Fsync: persist.FsyncAlways})
	base, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(base) != 0 {
		t.Fatalf("a new file from no data holds %d bytes, want 0", len(base))
	}
	run(t, e, "SET a 1", "GET a", "DEL nosuch", "SELECT 3", "RPUSH l x y", "HSET h f v", "SELECT 0", "INCR a")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := resp("SELECT 0", "SET a 1", "SELECT 3", "RPUSH l x y", "HSET h f v", "SELECT 0", "INCR a")
	if string(got) != want {
		t.Errorf("file:\n%q\nwant:\n%q", got, want)
	}
}

// Ensure that a file replays into the same data, whatever the fsync
// policy, and that the database of the last SELECT is not assumed after
// a restart.
func TestAOF_ReplayRestoresData(t *testing.T) {
	for _, policy := range []persist.Fsync{persist.FsyncAlways, persist.FsyncEverysec, persist.FsyncNo} {
		t.Run(policy.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "appendonly.aof")
			e, a := aofEngine(t, path, persist.AOFOptions{Fsync: policy})
			run(t, e, "SET a 1", "SELECT 5", "SET b 2", "RPUSH l 1 2 3", "LPOP l", "HSET h f1 v1 f2 v2", "HDEL h f1",
				"PEXPIREAT b 4000000000000", "SET gone x", "DEL gone")
			want := dump(t, e.Snapshot())
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			e2, a2 := aofEngine(t, path, persist.AOFOptions{})
			compare(t, dump(t, e2.Snapshot()), want)
			run(t, e2, "SET c 3") // logged after a SELECT 0, not into db 5
			a2.Close()
			compare(t, reload(t, path), dump(t, e2.Snapshot()))
		})
	}
}

// Ensure that a file whose last command was cut short by a crash loads
// up to the last whole command and is truncated there with
// aof-load-truncated yes, and is refused, untouched, with it off.
func TestAOF_LoadTruncated(t *testing.T) {
	whole := resp("SET a 1", "SET b 2")
	for _, tail := range []string{"*", "*3\r", "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1", "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3", "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\n33"} {
		t.Run(fmt.Sprintf("%q", tail), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "appendonly.aof")
			if err := os.WriteFile(path, []byte(whole+tail), 0o644); err != nil {
				t.Fatal(err)
			}
			a := persist.NewAOF(path, persist.AOFOptions{Logger: quiet})
			e := newEngine(t)
			_, err := a.Load(e.Put, e.NewLoader().Exec)
			var fe *persist.FormatError
			if !errors.Is(err, persist.ErrTruncated) || !errors.As(err, &fe) || fe.Offset != int64(len(whole)) {
				t.Fatalf("aof-load-truncated no: err = %v, want a truncation at byte %d", err, len(whole))
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if got, _ := os.ReadFile(path); string(got) != whole+tail {
				t.Errorf("a refused file was changed")
			}
			a.Close()

			e, a = aofEngine(t, path, persist.AOFOptions{LoadTruncated: true})
			if got, _ := os.ReadFile(path); string(got) != whole {
				t.Errorf("after loading, the file is %q, want it cut to %q", got, whole)
			}
			run(t, e, "SET d 4")
			a.Close()
			want := dataset{{0, "a"}: {Kind: engine.KindString, Str: "1"}, {0, "b"}: {Kind: engine.KindString, Str: "2"}, {0, "d"}: {Kind: engine.KindString, Str: "4"}}
			compare(t, reload(t, path), want)
		})
	}
}

// Ensure that anything but a cut-short last command refuses to load with
// the file and the byte offset, and changes nothing on disk.
func TestAOF_LoadCorrupt(t *testing.T) {
	good := resp("SET a 1")
	tests := []struct {
		name string
		file string
		off  int
		want string
	}{
		{"garbage between commands", good + "hello\r\n" + good, len(good), "expected a command"},
		{"zeros at the end", good + "\x00\x00\x00", len(good), "expected a command"},
		{"bad argument count", good + "*x\r\n" + good, len(good), "bad argument count"},
		{"bulk without $", good + "*1\r\n+OK\r\n", len(good) + 4, "expected an argument"},
		{"bulk not followed by CRLF", good + "*1\r\n$2\r\nabc\r\n", len(good) + 10, "not followed by CRLF"},
		{"unknown command", good + resp("NOSUCH x") + good, len(good), "unknown command 'NOSUCH'"},
		{"wrong arity", good + resp("GET") + good, len(good), "wrong number of arguments for 'get'"},
		{"database out of range", good + resp("SELECT 99") + good, len(good), "DB index is out of range"},
		{"bad preamble", "REDIS0010\xff\x01" + strings.Repeat("\x00", 7) + good, 10, "checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "appendonly.aof")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			a := persist.NewAOF(path, persist.AOFOptions{Logger: quiet, LoadTruncated: true})
			defer a.Close()
			e := newEngine(t)
			_, err := a.Load(e.Put, e.NewLoader().Exec)
			var fe *persist.FormatError
			if !errors.As(err, &fe) || errors.Is(err, persist.ErrTruncated) {
				t.Fatalf("err = %v, want a FormatError", err)
			}
			if tt.name != "bad preamble" && fe.Offset != int64(tt.off) {
				t.Errorf("offset %d, want %d (%v)", fe.Offset, tt.off, err)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name the file and say %q", err, tt.want)
			}
			if got, _ := os.ReadFile(path); string(got) != tt.file {
				t.Errorf("a refused file was changed")
			}
		})
	}
}

// Ensure that a MULTI block is replayed at its EXEC, and that a block the
// file ends inside is dropped and cut off like a short read.
func TestAOF_LoadMulti(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	before := resp("SET a 1", "MULTI", "SET b 2", "INCR a", "EXEC")
	if err := os.WriteFile(path, []byte(before+resp("MULTI", "SET c 3")), 0o644); err != nil {
		t.Fatal(err)
	}
	want := dataset{{0, "a"}: {Kind: engine.KindString, Str: "2"}, {0, "b"}: {Kind: engine.KindString, Str: "2"}}
	compare(t, reload(t, path), want)
	if got, _ := os.ReadFile(path); string(got) != before {
		t.Errorf("file %q, want it cut before the unfinished MULTI", got)
	}
}

// Ensure that "#" annotation lines, which Redis writes with
// aof-timestamp-enabled, are skipped, and an empty file loads as empty.
func TestAOF_LoadAnnotationsAndEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	if err := os.WriteFile(path, []byte("#TS:1700000000\r\n"+resp("SET a 1")), 0o644); err != nil {
		t.Fatal(err)
	}
	compare(t, reload(t, path), dataset{{0, "a"}: {Kind: engine.KindString, Str: "1"}})
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	compare(t, reload(t, path), dataset{})
}

// Ensure that BGREWRITEAOF compacts the file to a snapshot (an RDB
// preamble, or commands) while writes go on, and that the rewritten file
// plus the writes made during and after the rewrite replay into exactly
// the data the engine has.
func TestAOF_RewriteLosesNoWrite(t *testing.T) {
	for _, preamble := range []bool{true, false} {
		t.Run(fmt.Sprintf("preamble=%v", preamble), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "appendonly.aof")
			e, a := aofEngine(t, path, persist.AOFOptions{Preamble: preamble})
			s := e.NewSession()
			defer s.Close()
			exec := func(args ...string) {
				t.Helper()
				b := make([][]byte, len(args))
				for i, x := range args {
					b[i] = []byte(x)
				}
				if _, err := e.Exec(s, b); err != nil {
					t.Fatalf("%q: %v", args, err)
				}
			}
			for i := range 5000 {
				exec("SET", fmt.Sprint("k", i), "overwritten") // history the rewrite drops
				exec("SET", fmt.Sprint("k", i), fmt.Sprint("v", i))
				exec("RPUSH", "list", fmt.Sprint(i))
				exec("HSET", fmt.Sprint("h", i%100), fmt.Sprint("f", i), "x")
			}
			exec("PEXPIREAT", "k1", "4000000000000")
			before := a.Status().Size

			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // writes racing the rewrite, in two databases
				defer wg.Done()
				s := e.NewSession()
				defer s.Close()
				for i := range 3000 {
					e.Exec(s, [][]byte{[]byte("SELECT"), []byte(fmt.Sprint(i % 2))})
					e.Exec(s, [][]byte{[]byte("INCR"), []byte("counter")})
					e.Exec(s, [][]byte{[]byte("SET"), []byte(fmt.Sprint("k", i)), []byte("new")})
				}
			}()
			exec("BGREWRITEAOF")
			wg.Wait()
			e.WaitSaves()
			if got := infoField(t, e, "aof_last_bgrewrite_status"); got != "ok" {
				t.Fatalf("aof_last_bgrewrite_status:%s", got)
			}
			exec("SET", "after", "rewrite")
			st := a.Status()
			if st.BaseSize >= before || st.BaseSize > st.Size {
				t.Errorf("after the rewrite: size %d, base %d; before it %d", st.Size, st.BaseSize, before)
			}
			head, _ := os.ReadFile(path)
			if got := bytes.HasPrefix(head, []byte("REDIS")); got != preamble {
				t.Errorf("file starts with REDIS: %v, want %v", got, preamble)
			}
			want := dump(t, e.Snapshot())
			a.Close()
			compare(t, reload(t, path), want)
			assertNoTemp(t, filepath.Dir(path))
		})
	}
}

// infoField returns one field of INFO.
func infoField(t testing.TB, e *engine.Engine, name string) string {
	t.Helper()
	s := e.NewSession()
	defer s.Close()
	r, err := e.Exec(s, [][]byte{[]byte("INFO"), []byte("persistence")})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(fmt.Sprint(r), "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO has no %s:\n%s", name, r)
	return ""
}

// Ensure that a rewrite that cannot write its file fails without harm:
// the old file keeps logging, INFO says so, and the next rewrite works.
func TestAOF_RewriteFailureKeepsOldFile(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e, a := aofEngine(t, filepath.Join(dir, "appendonly.aof"), persist.AOFOptions{})
	run(t, e, "SET a 1")
	// The directory moves away and a plain file takes its name: no file
	// can be created where the rewrite writes, while the open file still
	// takes writes. (Denying permission would not stop root.)
	moved := filepath.Join(root, "moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s := e.NewSession()
	defer s.Close()
	if _, err := e.Exec(s, [][]byte{[]byte("BGREWRITEAOF")}); err == nil || !strings.Contains(err.Error(), "Can't execute an AOF background rewriting") {
		t.Errorf("BGREWRITEAOF: %v, want Redis's failure", err)
	}
	e.WaitSaves()
	if got := infoField(t, e, "aof_last_bgrewrite_status"); got != "err" {
		t.Errorf("aof_last_bgrewrite_status:%s, want err", got)
	}
	run(t, e, "SET b 2")
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(moved, dir); err != nil {
		t.Fatal(err)
	}
	run(t, e, "BGREWRITEAOF")
	e.WaitSaves()
	if got := infoField(t, e, "aof_last_bgrewrite_status"); got != "ok" {
		t.Errorf("after the directory came back, aof_last_bgrewrite_status:%s", got)
	}
	want := dump(t, e.Snapshot())
	a.Close()
	compare(t, reload(t, filepath.Join(dir, "appendonly.aof")), want)
}

// Ensure that a second process cannot log to the same file.
func TestAOF_Lock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	aofEngine(t, path, persist.AOFOptions{})
	a := persist.NewAOF(path, persist.AOFOptions{Logger: quiet})
	defer a.Close()
	e := newEngine(t)
	if _, err := a.Load(e.Put, e.NewLoader().Exec); !errors.Is(err, persist.ErrLocked) {
		t.Errorf("second Load: %v, want ErrLocked", err)
	}
}

// Ensure that turning the file on at run time creates it from the data
// as it is, through a rewrite, and that turning it off stops logging.
func TestAOF_EnableDisable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	a := persist.NewAOF(path, persist.AOFOptions{Logger: quiet})
	defer a.Close()
	e := engine.New(engine.Options{Journal: a, Logger: quiet, Now: func() time.Time { return testNow }})
	run(t, e, "SET before on")
	if _, err := os.Stat(path); err == nil {
		t.Fatal("a file exists while appendonly is off")
	}
	if err := a.Enable(); err != nil {
		t.Fatal(err)
	}
	e.ScheduleAOFRewrite()
	if got := infoField(t, e, "aof_rewrite_scheduled"); got != "1" {
		t.Errorf("aof_rewrite_scheduled:%s after Enable", got)
	}
	e.StartDueJobs(time.Now())
	run(t, e, "SET during rewrite")
	e.WaitSaves()
	run(t, e, "SET after rewrite")
	want := dump(t, e.Snapshot())
	if err := a.Disable(); err != nil {
		t.Fatal(err)
	}
	run(t, e, "SET while off")
	if got := infoField(t, e, "aof_enabled"); got != "0" {
		t.Errorf("aof_enabled:%s after Disable", got)
	}
	a.Close()
	compare(t, reload(t, path), want)
}

// Ensure that Status reports an automatic rewrite due as Redis decides:
// larger than the minimum size and grown by the percentage.
func TestAOF_AutoRewriteDue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	e, a := aofEngine(t, path, persist.AOFOptions{RewritePercentage: 100, RewriteMinSize: 1000})
	run(t, e, "SET a 1")
	if st := a.Status(); st.RewriteDue {
		t.Fatalf("due at %d bytes, below the minimum", st.Size)
	}
	for i := range 100 {
		run(t, e, fmt.Sprintf("SET k%d %d", i, i))
	}
	st := a.Status()
	if !st.RewriteDue || st.Growth < 100 {
		t.Fatalf("not due at %d bytes (base %d, growth %d%%)", st.Size, st.BaseSize, st.Growth)
	}
	e.StartDueJobs(time.Now())
	e.WaitSaves()
	if st := a.Status(); st.RewriteDue || st.Size != st.BaseSize {
		t.Errorf("after the automatic rewrite: %+v", st)
	}
}
