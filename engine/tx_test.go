package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

// Ensure that EXEC journals its writes between MULTI and EXEC, a lone
// write alone, and a transaction that wrote nothing not at all.
func TestTx_Journal(t *testing.T) {
	j := &journal{}
	e := engine.New(engine.Options{Journal: j})
	s := e.NewSession()
	for _, line := range []string{
		"MULTI", "SET a 1", "GET a", "INCR a", "EXEC",
		"MULTI", "GET a", "SET b 2", "EXEC",
		"MULTI", "GET a", "EXEC",
		"MULTI", "SET c 3", "DISCARD",
	} {
		do(t, e, s, line)
	}
	want := []string{"0 MULTI", "0 SET a 1", "0 INCR a", "0 EXEC", "0 SET b 2"}
	if strings.Join(j.lines, "|") != strings.Join(want, "|") {
		t.Errorf("journal = %q, want %q", j.lines, want)
	}
}

// Ensure that a watched key that expires between WATCH and EXEC fails the
// transaction, whether or not anything deleted it yet, and that a key
// already expired at WATCH time does not.
func TestTx_WatchExpiry(t *testing.T) {
	e, s, c := newEngine(t)
	steps := []struct{ line, want string }{
		{"SET k v PX 100", "OK"},
		{"WATCH k", "OK"},
		{"MULTI", "OK"},
		{"GET k", "QUEUED"},
	}
	for _, st := range steps {
		if got := do(t, e, s, st.line); got != st.want {
			t.Fatalf("%s = %s, want %s", st.line, got, st.want)
		}
	}
	c.advance(200 * time.Millisecond)
	if got := do(t, e, s, "EXEC"); got != "(nil array)" {
		t.Errorf("EXEC after the watched key expired = %s, want (nil array)", got)
	}
	// Already expired when watched: its deletion is no change.
	do(t, e, s, "SET k v PX 100")
	c.advance(200 * time.Millisecond)
	do(t, e, s, "WATCH k")
	other := e.NewSession()
	if got := do(t, e, other, "GET k"); got != "(nil)" {
		t.Fatalf("GET expired k = %s", got)
	}
	e.ExpireCycle()
	do(t, e, s, "MULTI")
	do(t, e, s, "PING")
	if got := do(t, e, s, "EXEC"); got != "[PONG]" {
		t.Errorf("EXEC after an already-expired watched key was reclaimed = %s, want [PONG]", got)
	}
}

// Ensure that closing a session forgets its watched keys, so later writes
// do not reach it.
func TestTx_CloseUnwatches(t *testing.T) {
	e, s, _ := newEngine(t)
	do(t, e, s, "WATCH a b c")
	s.Close()
	other := e.NewSession()
	if got := do(t, e, other, "SET a 1"); got != "OK" {
		t.Fatalf("SET = %s", got)
	}
	s2 := e.NewSession()
	do(t, e, s2, "WATCH a")
	do(t, e, s2, "MULTI")
	do(t, e, s2, "GET a")
	if got := do(t, e, s2, "EXEC"); got != `["1"]` {
		t.Errorf("EXEC = %s", got)
	}
}
