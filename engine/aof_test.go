package engine_test

import (
	"errors"
	"io"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

// gate is a Snapshotter and an AppendOnlyFile whose saves and rewrites
// wait until released, and fail while fail is set.
type gate struct {
	mu        sync.Mutex
	fail      bool
	hold      chan struct{} // while not nil, Save and rewrites wait for it to close
	appended  [][]string
	unflushed int // appends since the last Flush
	rewrites  int
}

func (g *gate) wait() error {
	g.mu.Lock()
	hold, fail := g.hold, g.fail
	g.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if fail {
		return errors.New("no space left on device")
	}
	return nil
}

func (g *gate) Save(*engine.Snapshot) error { return g.wait() }

func (g *gate) Append(db int, args [][]byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	var a []string
	for _, x := range args {
		a = append(a, string(x))
	}
	g.appended = append(g.appended, a)
	g.unflushed++
	return nil
}

func (g *gate) Flush() (int64, error) {
	g.mu.Lock()
	g.unflushed = 0
	g.mu.Unlock()
	return 0, nil
}

func (g *gate) Sync(int64) {}

func (g *gate) Rewrite(s *engine.Snapshot, done func(error)) error {
	g.mu.Lock()
	g.rewrites++
	g.mu.Unlock()
	go func() { done(g.wait()) }()
	return nil
}

func (g *gate) Status() engine.AOFStatus { return engine.AOFStatus{Enabled: true} }

func (g *gate) block() func() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.hold = make(chan struct{})
	h := g.hold
	return func() {
		g.mu.Lock()
		g.hold = nil
		g.mu.Unlock()
		close(h)
	}
}

func gatedEngine(t *testing.T) (*engine.Engine, *engine.Session, *gate) {
	t.Helper()
	g := &gate{}
	e := engine.New(engine.Options{Snapshotter: g, Journal: g, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	t.Cleanup(e.WaitSaves)
	return e, e.NewSession(), g
}

const misconfRDB = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
	"Commands that may modify the data set are disabled, because this instance is configured to report errors during writes " +
	"if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."

// Ensure that a failed background save makes writes and PING fail with
// Redis's MISCONF while stop-writes-on-bgsave-error is on and snapshots
// are scheduled, that reads still work, and that a save that succeeds
// lifts it.
func TestMisconf_AfterFailedBgsave(t *testing.T) {
	e, s, g := gatedEngine(t)
	save := "3600 1"
	e.RegisterConfig(engine.Param{Name: "save", Get: func() string { return save }, Set: func(v string) error { save = v; return nil }})
	g.fail = true
	steps(t, e, s, []step{{"SET k v", "OK"}, {"BGSAVE", "Background saving started"}})
	e.WaitSaves()
	steps(t, e, s, []step{
		{"SET k v2", misconfRDB},
		{"PING", misconfRDB},
		{"GET k", `"v"`},
		{"DBSIZE", "1"},
		{"CONFIG SET stop-writes-on-bgsave-error no", "OK"},
		{"SET k v3", "OK"},
		{"CONFIG SET stop-writes-on-bgsave-error yes", "OK"},
		{"SET k v4", misconfRDB},
	})
	save = "" // no snapshots scheduled: Redis does not stop writes
	steps(t, e, s, []step{{"SET k v5", "OK"}})
	save = "3600 1"
	steps(t, e, s, []step{
		{"SET k v6", misconfRDB},
		{"SAVE", "ERR"}, // a failed SAVE: Redis's bare error, and the status stays
		{"CONFIG GET stop-writes-on-bgsave-error", `["stop-writes-on-bgsave-error" "yes"]`},
		{"CONFIG SET stop-writes-on-bgsave-error maybe", "ERR CONFIG SET failed (possibly related to argument 'stop-writes-on-bgsave-error') - argument must be 'yes' or 'no'"},
	})
	if got := infoField(t, e, s, "rdb_last_bgsave_status"); got != "err" {
		t.Errorf("rdb_last_bgsave_status:%s, want err", got)
	}
	g.fail = false
	steps(t, e, s, []step{{"SAVE", "OK"}, {"SET k v7", "OK"}, {"PING", "PONG"}})
	if got := infoField(t, e, s, "rdb_last_bgsave_status"); got != "ok" {
		t.Errorf("after a good SAVE, rdb_last_bgsave_status:%s, want ok", got)
	}
	if got := infoField(t, e, s, "rdb_saves"); got != "3" {
		t.Errorf("rdb_saves:%s, want 3 (attempts, as Redis counts)", got)
	}
}

// infoField returns one field of INFO persistence.
func infoField(t *testing.T, e *engine.Engine, s *engine.Session, name string) string {
	t.Helper()
	for _, line := range strings.Split(exec(t, e, s, "INFO", "persistence"), "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO persistence has no %s", name)
	return ""
}

// Ensure that BGSAVE and BGREWRITEAOF take turns as in Redis, which
// runs one background child at a time: each answers the other with its
// error or "scheduled", and the schedule starts what waited.
func TestBackgroundJobs_TakeTurns(t *testing.T) {
	e, s, g := gatedEngine(t)
	release := g.block()
	steps(t, e, s, []step{
		{"BGREWRITEAOF", "Background append only file rewriting started"},
		{"BGREWRITEAOF", "ERR Background append only file rewriting already in progress"},
		{"BGSAVE", "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."},
		{"BGSAVE SCHEDULE", "Background saving scheduled"},
		{"BGSAVE NOW", "ERR syntax error"},
		{"BGREWRITEAOF x", "ERR wrong number of arguments for 'bgrewriteaof' command"},
	})
	if got := infoField(t, e, s, "aof_rewrite_in_progress"); got != "1" {
		t.Errorf("aof_rewrite_in_progress:%s during a rewrite", got)
	}
	release()
	e.WaitSaves()
	release = g.block()
	e.StartDueJobs(time.Now()) // the scheduled BGSAVE
	if !e.Saving() {
		t.Fatal("the scheduled BGSAVE did not start")
	}
	steps(t, e, s, []step{
		{"BGSAVE", "ERR Background save already in progress"},
		{"BGSAVE SCHEDULE", "ERR Background save already in progress"},
		{"BGREWRITEAOF", "Background append only file rewriting scheduled"},
	})
	if got := infoField(t, e, s, "aof_rewrite_scheduled"); got != "1" {
		t.Errorf("aof_rewrite_scheduled:%s while a BGSAVE runs", got)
	}
	release()
	e.WaitSaves()
	e.StartDueJobs(time.Now()) // the scheduled rewrite
	e.WaitSaves()
	if g.rewrites != 2 {
		t.Errorf("%d rewrites, want 2", g.rewrites)
	}
	for field, want := range map[string]string{"aof_rewrites": "2", "aof_rewrite_scheduled": "0", "aof_last_bgrewrite_status": "ok", "rdb_saves": "1"} {
		if got := infoField(t, e, s, field); got != want {
			t.Errorf("%s:%s, want %s", field, got, want)
		}
	}
}

// Ensure that every write that changed data is appended and flushed
// before its reply, alone or in a pipeline, and that nothing else is.
func TestJournal_FlushedBeforeReplies(t *testing.T) {
	e, s, g := gatedEngine(t)
	steps(t, e, s, []step{{"SET a 1", "OK"}, {"GET a", `"1"`}, {"DEL nosuch", "0"}})
	if len(g.appended) != 1 || g.unflushed != 0 {
		t.Errorf("after one write: %d appended, %d not flushed; want 1, 0", len(g.appended), g.unflushed)
	}
	var cmds [][][]byte
	for _, c := range []string{"SET b 2", "SET c 3", "GET b", "INCR a"} {
		cmds = append(cmds, bytesArgs(strings.Fields(c)))
	}
	e.ExecBatch(s, cmds, func(r engine.Reply, err error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.unflushed > 0 {
			t.Errorf("a reply left before %d writes were flushed", g.unflushed)
		}
	})
	if len(g.appended) != 4 {
		t.Errorf("%d appended, want 4: %q", len(g.appended), g.appended)
	}
}

// Ensure that INFO persistence has Redis 7.0's fields in Redis's order,
// and the AOF's sizes only while it is on.
func TestInfo_PersistenceFields(t *testing.T) {
	want := []string{"loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age",
		"current_fork_perc", "current_save_keys_processed", "current_save_keys_total", "rdb_changes_since_last_save",
		"rdb_bgsave_in_progress", "rdb_last_save_time", "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec",
		"rdb_current_bgsave_time_sec", "rdb_saves", "rdb_last_cow_size", "rdb_last_load_keys_expired",
		"rdb_last_load_keys_loaded", "aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
		"aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status", "aof_rewrites",
		"aof_rewrites_consecutive_failures", "aof_last_write_status", "aof_last_cow_size", "module_fork_in_progress",
		"module_fork_last_cow_size"}
	withAOF := append(append([]string{}, want...), "aof_current_size", "aof_base_size", "aof_pending_rewrite",
		"aof_buffer_length", "aof_pending_bio_fsync", "aof_delayed_fsync")
	names := func(e *engine.Engine, s *engine.Session) []string {
		var out []string
		for _, line := range strings.Split(exec(t, e, s, "INFO", "persistence"), "\r\n")[1:] {
			if k, _, ok := strings.Cut(line, ":"); ok {
				out = append(out, k)
			}
		}
		return out
	}
	e, s, _ := newEngine(t)
	if got := names(e, s); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("without an AOF:\n%v\nwant\n%v", got, want)
	}
	e, s, _ = gatedEngine(t)
	if got := names(e, s); strings.Join(got, " ") != strings.Join(withAOF, " ") {
		t.Errorf("with an AOF:\n%v\nwant\n%v", got, withAOF)
	}
}

// recorder is a Snapshotter that keeps what each save saw.
type recorder struct {
	mu    sync.Mutex
	saves []map[string]string
}

func (r *recorder) Save(s *engine.Snapshot) error {
	got := map[string]string{}
	for i := range s.DBs() {
		s.Each(i, func(key string, v engine.Value, _ int64) error {
			got[key] = string(v.Bytes())
			return nil
		})
	}
	r.mu.Lock()
	r.saves = append(r.saves, got)
	r.mu.Unlock()
	return nil
}

// Ensure that background snapshots that copy into the slot tables of
// earlier ones (kept, or prepared before the lock) see exactly the data
// of their moment, through deletes, overwrites and the keyspace growing.
func TestBgsave_ReusedSlotTablesKeepSnapshotsExact(t *testing.T) {
	rec := &recorder{}
	e := engine.New(engine.Options{Snapshotter: rec, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s := e.NewSession()
	want := map[string]string{}
	var wants []map[string]string
	for round := range 6 {
		for i := range 20000 * (1 + round/2) {
			k, v := "k"+strconv.Itoa(i), strconv.Itoa(round)
			if i%7 == round {
				exec(t, e, s, "DEL", k)
				delete(want, k)
				continue
			}
			exec(t, e, s, "SET", k, v)
			want[k] = v
		}
		if round%2 == 0 {
			if err := e.BGSave(); err != nil { // the schedule's path, which prepares tables first
				t.Fatal(err)
			}
		} else if got := exec(t, e, s, "BGSAVE"); got != "Background saving started" {
			t.Fatalf("BGSAVE: %s", got)
		}
		wants = append(wants, maps.Clone(want))
		e.WaitSaves()
	}
	for i, w := range wants {
		if !maps.Equal(rec.saves[i], w) {
			t.Errorf("save %d: %d keys, want %d, or values differ", i, len(rec.saves[i]), len(w))
		}
	}
}
