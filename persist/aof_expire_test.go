package persist_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/photondb/photon/persist"
)

// Ensure that a read that finds a key expired logs its deletion as DEL,
// as Redis propagates it, in the key's database and before the read's
// reply (under appendfsync always the file holds it when Exec returns),
// and that the active expiry cycle logs the keys it deletes alike.
func TestAOF_LogsExpiryAsDel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "appendonly.aof")
	e, a := aofEngine(t, path, persist.AOFOptions{Fsync: persist.FsyncAlways})
	run(t, e, "SET k v PXAT 1", "GET k", "EXISTS k", "SELECT 2", "SET a v EXAT 1", "TTL a", "SET b v PXAT 1")
	if n := e.ExpireCycle(); n != 1 {
		t.Errorf("ExpireCycle deleted %d keys, want 1 (b)", n)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := resp("SELECT 0", "SET k v PXAT 1", "DEL k", "SELECT 2", "SET a v PXAT 1000", "DEL a", "SET b v PXAT 1", "DEL b")
	if string(got) != want {
		t.Errorf("file:\n%q\nwant:\n%q", got, want)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	data := reload(t, path)
	if len(data) != 0 {
		t.Errorf("replayed file holds %v, want nothing", data)
	}
}
