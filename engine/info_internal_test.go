package engine

import "testing"

// Ensure that instantaneous_ops_per_sec is the mean rate of the last 16
// samples, as Redis computes it, and that RESETSTAT forgets them.
func TestOpsSampler(t *testing.T) {
	var o opsSampler
	o.sample(0, 0)
	for i := int64(1); i <= 8; i++ {
		o.sample(i*100, i*100) // 100 commands every 100 ms: 1000/s
	}
	if got := o.perSecond(); got != 500 {
		t.Errorf("after 8 samples of 1000/s, perSecond = %d, want 500 (8 of 16 samples)", got)
	}
	for i := int64(9); i <= 40; i++ {
		o.sample(i*100, 800+(i-8)*200) // 2000/s
	}
	if got := o.perSecond(); got != 2000 {
		t.Errorf("after 32 samples of 2000/s, perSecond = %d, want 2000", got)
	}
	o.sample(4100, 0) // counters were reset
	if got := o.perSecond(); got != 2000*15/16 {
		t.Errorf("after a reset counter, perSecond = %d, want %d", got, 2000*15/16)
	}
	o.reset()
	if got := o.perSecond(); got != 0 {
		t.Errorf("after reset, perSecond = %d", got)
	}
}

// Ensure that sampleOps counts the commands every session ran.
func TestSampleOps(t *testing.T) {
	e := New(Options{})
	s := e.NewSession()
	e.sampleOps()
	for range 50 {
		if _, err := e.Exec(s, [][]byte{[]byte("PING")}); err != nil {
			t.Fatal(err)
		}
	}
	e.ops.lastMs -= 100 // as if the 50 commands took 100 ms
	e.sampleOps()
	if got := e.ops.perSecond(); got < 1 {
		t.Errorf("perSecond after 50 commands = %d", got)
	}
}

// Ensure that CONFIG RESETSTAT zeroes evicted_keys and
// rejected_connections, as Redis's resetServerStats does.
func TestResetStats_EvictedAndRejected(t *testing.T) {
	e := New(Options{})
	e.mem.evicted.Store(7)
	e.stats.rejected.Store(3)
	s := e.NewSession()
	if _, err := e.Exec(s, [][]byte{[]byte("CONFIG"), []byte("RESETSTAT")}); err != nil {
		t.Fatal(err)
	}
	if got := e.mem.evicted.Load(); got != 0 {
		t.Errorf("evicted_keys after RESETSTAT = %d, want 0", got)
	}
	if got := e.stats.rejected.Load(); got != 0 {
		t.Errorf("rejected_connections after RESETSTAT = %d, want 0", got)
	}
}
