package persist_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
)

func openFile(t testing.TB, path string) *persist.File {
	t.Helper()
	f, err := persist.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// Ensure that a second Open of the same path fails until the first File
// is closed.
func TestOpen_Lock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "photon.rdb")
	f, err := persist.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = persist.Open(path)
	if !errors.Is(err, persist.ErrLocked) {
		t.Fatalf("second Open: err = %v, want ErrLocked", err)
	}
	if want := path + " is in use by another photon process (lock " + path + ".lock held)"; err.Error() != want {
		t.Errorf("second Open: err = %q, want %q", err, want)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	g := openFile(t, path)
	if g.Path() != path {
		t.Errorf("Path() = %q, want %q", g.Path(), path)
	}
	if err := f.Save(engine.New(engine.Options{}).Snapshot()); err == nil {
		t.Error("Save on a closed File succeeded")
	}
}

func TestOpen_BadDirectory(t *testing.T) {
	_, err := persist.Open(filepath.Join(t.TempDir(), "missing", "photon.rdb"))
	if err == nil || errors.Is(err, persist.ErrLocked) {
		t.Fatalf("err = %v, want a plain error", err)
	}
}

// Ensure that Save then Load gives back the same data, and that a missing
// file loads as empty.
func TestFile_SaveLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "photon.rdb")
	f := openFile(t, path)

	e := newEngine(t)
	info, err := f.Load(e)
	if err != nil || info.Version != 0 || info.Keys != 0 {
		t.Fatalf("Load of a missing file = %+v, %v; want nothing", info, err)
	}

	data := edgeDataset(testNow.UnixMilli())
	fill(t, e, data)
	if err := f.Save(e.Snapshot()); err != nil {
		t.Fatal(err)
	}
	got := newEngine(t)
	info, err = f.Load(got)
	if err != nil {
		t.Fatal(err)
	}
	if info.Keys != len(data) {
		t.Errorf("loaded %d keys, want %d", info.Keys, len(data))
	}
	compare(t, dump(t, got.Snapshot()), data)
	assertNoTemp(t, dir)
}

func assertNoTemp(t testing.TB, dir string) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "temp-*"))
	if err != nil || len(names) > 0 {
		t.Errorf("temporary files left behind: %v %v", names, err)
	}
}

// Ensure that a corrupt file is refused with its name and the offset, and
// left alone.
func TestFile_LoadCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "photon.rdb")
	bad := []byte("REDIS0010\x00\x01k\x05abc")
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	f := openFile(t, path)
	_, err := f.Load(newEngine(t))
	var fe *persist.FormatError
	if !errors.As(err, &fe) || fe.Offset != 16 || !strings.HasPrefix(err.Error(), path+": byte 16: ") {
		t.Fatalf("err = %v, want a FormatError at byte 16 naming %s", err, path)
	}
	if b, _ := os.ReadFile(path); string(b) != string(bad) {
		t.Error("the corrupt file was changed")
	}
}

// Ensure that a failed save leaves the old file as it was and removes its
// temporary file.
func TestFile_SaveFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "photon.rdb")
	f := openFile(t, path)
	// A non-empty directory where the file should be: rename fails.
	if err := os.MkdirAll(filepath.Join(path, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t)
	fill(t, e, dataset{{0, "k"}: {Kind: engine.KindString, Str: "v"}})
	if err := f.Save(e.Snapshot()); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Save over a directory: err = %v, want one naming %s", err, path)
	}
	if fi, err := os.Stat(filepath.Join(path, "keep")); err != nil || !fi.IsDir() {
		t.Errorf("the old contents were disturbed: %v", err)
	}
	assertNoTemp(t, dir)
}

// Ensure that concurrent saves are serialized and each leaves a complete
// file.
func TestFile_ConcurrentSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "photon.rdb")
	f := openFile(t, path)
	e := newEngine(t)
	data := randomDataset(randPCG(9), 200, testNow.UnixMilli())
	fill(t, e, data)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() { errs <- f.Save(e.Snapshot()) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := newEngine(t)
	if _, err := f.Load(got); err != nil {
		t.Fatal(err)
	}
	compare(t, dump(t, got.Snapshot()), data)
	assertNoTemp(t, dir)
}

var _ engine.Snapshotter = (*persist.File)(nil)
