package engine_test

import (
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
)

// Ensure that a blocked BLPOP, served by another client's push, is
// journaled after that push as the LPOP it amounts to, so that replaying
// the journal leaves the same list.
func TestBlocking_ServedPopIsJournaled(t *testing.T) {
	j := &journal{}
	e := engine.New(engine.Options{Journal: j})
	waiter, pusher := e.NewSession(), e.NewSession()
	got := make(chan string)
	go func() { got <- do(t, e, waiter, "BLPOP q 0") }()
	// The waiter may not have blocked yet; pushing until it is served
	// covers both orders, and each push is journaled before its pop.
	for i := 0; ; i++ {
		do(t, e, pusher, "RPUSH q x")
		select {
		case r := <-got:
			if r != `["q" "x"]` {
				t.Fatalf("BLPOP = %s", r)
			}
			lines := strings.Join(j.lines, "|")
			if !strings.HasSuffix(lines, "0 RPUSH q x|0 LPOP q") && !strings.Contains(lines, "0 LPOP q|") {
				t.Errorf("journal = %q, want the RPUSH then LPOP q", j.lines)
			}
			return
		default:
		}
		if i == 1_000_000 {
			t.Fatal("BLPOP never served")
		}
	}
}

// Ensure that blocking commands inside MULTI answer at once, as on a
// timeout, instead of blocking the transaction.
func TestBlocking_InsideMulti(t *testing.T) {
	e, s, _ := newEngine(t)
	for _, line := range []string{"MULTI", "BLPOP q 0", "BRPOPLPUSH q d 0", "BZPOPMIN z 0"} {
		do(t, e, s, line)
	}
	if got := do(t, e, s, "EXEC"); got != "[(nil array) (nil) (nil array)]" {
		t.Errorf("EXEC = %s", got)
	}
}
