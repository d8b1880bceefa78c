package server

import (
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

func TestDueRule(t *testing.T) {
	rules := []SaveRule{{Seconds: 3600, Changes: 1}, {Seconds: 300, Changes: 100}, {Seconds: 60, Changes: 10000}}
	tests := []struct {
		name             string
		rules            []SaveRule
		dirty, now, last int64
		lastTry          int64
		lastFailed, want bool
		wantRule         SaveRule
	}{
		{name: "no rules", dirty: 1e6, now: 1e6, want: false},
		{name: "nothing changed", rules: rules, dirty: 0, now: 4000, want: false},
		{name: "one change, not yet an hour", rules: rules, dirty: 1, now: 3600, want: false},
		{name: "one change, over an hour", rules: rules, dirty: 1, now: 3601, want: true, wantRule: rules[0]},
		{name: "100 changes, over 5 minutes", rules: rules, dirty: 100, now: 301, want: true, wantRule: rules[1]},
		{name: "99 changes, over 5 minutes", rules: rules, dirty: 99, now: 301, want: false},
		{name: "10000 changes, over a minute", rules: rules, dirty: 10000, now: 61, want: true, wantRule: rules[2]},
		{name: "zero changes needed", rules: []SaveRule{{Seconds: 10, Changes: 0}}, now: 11, want: true, wantRule: SaveRule{10, 0}},
		{name: "failed 5 s ago", rules: rules, dirty: 1, now: 4000, lastTry: 3995, lastFailed: true, want: false},
		{name: "failed 6 s ago", rules: rules, dirty: 1, now: 4000, lastTry: 3994, lastFailed: true, want: true, wantRule: rules[0]},
		{name: "succeeded 1 s ago", rules: rules, dirty: 1, now: 4000, lastTry: 3999, want: true, wantRule: rules[0]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := dueRule(tt.rules, tt.dirty, tt.now, tt.last, tt.lastTry, tt.lastFailed)
			if ok != tt.want || got != tt.wantRule {
				t.Errorf("dueRule = %v, %v; want %v, %v", got, ok, tt.wantRule, tt.want)
			}
		})
	}
}

// snapshotter counts saves and fails them while fail is set.
type snapshotter struct {
	mu    sync.Mutex
	saves int
	fail  bool
}

func (f *snapshotter) Save(*engine.Snapshot) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saves++
	if f.fail {
		return errors.New("disk full")
	}
	return nil
}

func (f *snapshotter) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.saves
}

// Ensure that the schedule saves when a rule matches, and after a failed
// save waits CONFIG_BGSAVE_RETRY_DELAY before it tries again.
func TestCheckSave_RulesAndRetryDelay(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	var clock atomic.Int64
	clock.Store(t0.Unix())
	snap := &snapshotter{}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := engine.New(engine.Options{Snapshotter: snap, Logger: quiet, Now: func() time.Time { return time.Unix(clock.Load(), 0) }})
	// No New: its schedule would tick on the real clock.
	s := &Server{eng: e, log: quiet}
	s.SetSave([]SaveRule{{Seconds: 10, Changes: 1}})
	var st saveState
	sess := e.NewSession()
	set := func() {
		t.Helper()
		if _, err := e.Exec(sess, [][]byte{[]byte("SET"), []byte("k"), []byte("v")}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(sec int64, wantSaves int) {
		t.Helper()
		clock.Store(t0.Unix() + sec)
		s.checkSave(time.Unix(t0.Unix()+sec, 0), &st)
		e.WaitSaves()
		if got := snap.count(); got != wantSaves {
			t.Fatalf("at +%ds: %d saves, want %d", sec, got, wantSaves)
		}
	}

	check(11, 0) // nothing changed
	set()
	check(10, 0) // not more than 10 s yet
	check(11, 1)
	check(12, 1) // saved: nothing changed since
	set()
	check(21, 1) // the last save was at +11
	snap.mu.Lock()
	snap.fail = true
	snap.mu.Unlock()
	check(22, 2) // fails
	check(23, 2)
	check(27, 2) // 5 s after the failure: not yet
	snap.mu.Lock()
	snap.fail = false
	snap.mu.Unlock()
	check(28, 3) // more than 5 s after it: tried again, succeeds
	set()
	check(38, 3) // the last save was at +28
	check(39, 4) // no retry delay after a success
}

// Ensure that the save rules can change while the server runs, and that
// the caller's slice is not kept.
func TestSetSave(t *testing.T) {
	s := &Server{}
	rules := []SaveRule{{3600, 1}, {300, 100}}
	s.SetSave(rules)
	rules[0].Seconds = 1
	if got := s.SaveRules(); len(got) != 2 || got[0] != (SaveRule{3600, 1}) {
		t.Errorf("SaveRules = %v", got)
	}
	s.SetSave(nil)
	if got := s.SaveRules(); len(got) != 0 {
		t.Errorf("after SetSave(nil): %v", got)
	}
}
