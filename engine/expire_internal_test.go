package engine

import (
	"testing"
	"time"
)

// Ensure that an expired key a read found under the read lock is deleted
// afterwards only if it is still expired: a client that set it again in
// between keeps its value, and a key the active cycle deleted meanwhile
// is not counted twice.
func TestExpireLazy_RechecksUnderWriteLock(t *testing.T) {
	for _, tc := range []struct {
		name        string
		between     func(e *Engine, other *Session)
		wantValue   string // GET k after, "" for nil
		wantExpired int64
	}{
		{"still expired", func(*Engine, *Session) {}, "", 1},
		{"set again", func(e *Engine, other *Session) {
			if _, err := e.Exec(other, [][]byte{[]byte("APPEND"), []byte("k"), []byte("new")}); err != nil {
				t.Fatal(err)
			}
		}, "new", 1}, // APPEND found it expired and deleted it
		{"deleted by the cycle", func(e *Engine, _ *Session) { e.ExpireCycle() }, "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Unix(1_700_000_000, 0)
			e := New(Options{Now: func() time.Time { return now }})
			s, other := e.NewSession(), e.NewSession()
			if _, err := e.Exec(s, [][]byte{[]byte("SET"), []byte("k"), []byte("v"), []byte("PX"), []byte("100")}); err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Second)
			args := [][]byte{[]byte("GET"), []byte("k")}
			cmd, call, flags, err := e.check(s, args)
			if err != nil {
				t.Fatal(err)
			}
			if r, err := e.runRead(s, cmd, call, flags, args); r != nil || err != nil {
				t.Fatalf("GET k = %v, %v; want nil", r, err)
			}
			if len(s.lazy) != 1 {
				t.Fatalf("the read left %d lazy events, want 1", len(s.lazy))
			}
			tc.between(e, other)
			e.expireLazy(s)
			if len(s.lazy) != 0 {
				t.Errorf("expireLazy left %d events", len(s.lazy))
			}
			r, _ := e.Exec(s, args)
			got := ""
			if b, ok := r.(*Bulk); ok {
				got = string(b.B)
			}
			if got != tc.wantValue {
				t.Errorf("GET k after = %q, want %q", got, tc.wantValue)
			}
			if n := e.stats.expired.Load(); n != tc.wantExpired {
				t.Errorf("expired_keys = %d, want %d", n, tc.wantExpired)
			}
		})
	}
}

// Ensure that a read that finds no expired key leaves nothing for
// expireLazy and allocates nothing for it: the GET hot path is unchanged.
func TestExpireLazy_NoCostWithoutExpiry(t *testing.T) {
	e := New(Options{})
	s := e.NewSession()
	set := [][]byte{[]byte("SET"), []byte("k"), []byte("v"), []byte("EX"), []byte("100")}
	if _, err := e.Exec(s, set); err != nil {
		t.Fatal(err)
	}
	get := [][]byte{[]byte("GET"), []byte("k")}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := e.Exec(s, get); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("GET of a key with a TTL allocates %v times, want 0", allocs)
	}
	if len(s.lazy) != 0 {
		t.Errorf("GET of a live key left %d lazy events", len(s.lazy))
	}
}
