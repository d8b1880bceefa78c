package persist

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/photondb/photon/engine"
)

// fullDisk swaps the file an AOF logs to for /dev/full, where every write
// fails with ENOSPC, and returns a function that swaps the real one back.
func fullDisk(t *testing.T, a *AOF) (restore func()) {
	t.Helper()
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full to fill the disk with: %v", err)
	}
	a.mu.Lock()
	real := a.f
	a.f = full
	a.mu.Unlock()
	return func() {
		a.mu.Lock()
		a.f = real
		a.mu.Unlock()
		full.Close()
	}
}

func execLine(t *testing.T, e *engine.Engine, s *engine.Session, line string) error {
	t.Helper()
	var args [][]byte
	for _, f := range strings.Fields(line) {
		args = append(args, []byte(f))
	}
	_, err := e.Exec(s, args)
	return err
}

// Ensure that under appendfsync everysec a write the disk refuses turns
// later writes (and PING) away with Redis's MISCONF, keeps the data for
// a retry, and that once a retry succeeds writes are taken again and the
// file holds everything.
func TestAOF_WriteErrorMisconfAndRecovery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	a := NewAOF(path, AOFOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer a.Close()
	e := engine.New(engine.Options{Journal: a, Logger: a.log})
	if err := a.Create(e.Snapshot()); err != nil {
		t.Fatal(err)
	}
	s := e.NewSession()
	defer s.Close()
	restore := fullDisk(t, a)
	if err := execLine(t, e, s, "SET a 1"); err != nil {
		t.Fatalf("the write that meets the full disk: %v (it ran, as in Redis)", err)
	}
	const want = "MISCONF Errors writing to the AOF file: No space left on device"
	for _, line := range []string{"SET b 2", "PING"} {
		if err := execLine(t, e, s, line); err == nil || err.Error() != want {
			t.Errorf("%s with the disk full: %v, want %q", line, err, want)
		}
	}
	if err := execLine(t, e, s, "GET a"); err != nil {
		t.Errorf("GET with the disk full: %v", err)
	}
	if st := a.Status(); !errors.Is(st.WriteErr, syscall.ENOSPC) || st.Buffered == 0 {
		t.Errorf("status with the disk full: %+v", st)
	}
	restore()
	a.tick() // the retry syncLoop makes every second
	if err := execLine(t, e, s, "SET b 2"); err != nil {
		t.Fatalf("after the retry: %v", err)
	}
	a.Close()
	got, _ := os.ReadFile(path)
	if want := "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"; string(got) != want {
		t.Errorf("file %q, want %q", got, want)
	}
}

// Ensure that under appendfsync always a failed write is fatal before
// the write is acknowledged, as Redis exits there.
func TestAOF_AlwaysWriteErrorIsFatal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	var fatal error
	a := NewAOF(path, AOFOptions{Fsync: FsyncAlways, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Fatal: func(err error) { fatal = err }})
	defer a.Close()
	e := engine.New(engine.Options{Journal: a, Logger: a.log})
	if err := a.Create(e.Snapshot()); err != nil {
		t.Fatal(err)
	}
	s := e.NewSession()
	defer s.Close()
	defer fullDisk(t, a)()
	execLine(t, e, s, "SET a 1")
	if !errors.Is(fatal, syscall.ENOSPC) {
		t.Errorf("Fatal got %v, want the write's ENOSPC", fatal)
	}
}

// Ensure that under appendfsync always, writers that flush under a lock
// and sync outside it, as the engine does, all get their writes synced,
// sharing syncs, also while the file is rewritten and replaced.
func TestAOF_AlwaysSharesSyncs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	a := NewAOF(path, AOFOptions{Fsync: FsyncAlways, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Fatal: func(err error) { t.Errorf("fatal: %v", err) }})
	defer a.Close()
	e := engine.New(engine.Options{Journal: a, Logger: a.log})
	if err := a.Create(e.Snapshot()); err != nil {
		t.Fatal(err)
	}
	var engineLock sync.Mutex
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				engineLock.Lock()
				a.Append(0, [][]byte{[]byte("SET"), []byte(strconv.Itoa(w*1000 + i)), []byte("v")})
				pos, err := a.Flush()
				// Nothing is owed only when a rewrite that finished
				// meanwhile took the write into its file, already synced.
				a.mu.Lock()
				written := a.lsn
				a.mu.Unlock()
				engineLock.Unlock()
				if err != nil {
					t.Error(err)
					return
				}
				if pos == 0 && a.durable.Load() < written {
					t.Errorf("Flush under always owed no sync with %d of %d durable", a.durable.Load(), written)
					return
				}
				a.Sync(pos)
				if d := a.durable.Load(); d < pos {
					t.Errorf("Sync(%d) returned with %d durable", pos, d)
					return
				}
			}
		}()
	}
	for range 3 {
		done := make(chan error, 1)
		engineLock.Lock()
		err := a.Rewrite(e.Snapshot(), func(err error) { done <- err })
		engineLock.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	a.mu.Lock()
	lsn := a.lsn
	a.mu.Unlock()
	if d := a.durable.Load(); d != lsn {
		t.Errorf("after all writers: %d durable of %d written", d, lsn)
	}
}
