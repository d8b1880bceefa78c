package engine_test

import (
	"testing"

	"github.com/photondb/photon/engine"
)

// BenchmarkRPUSH_LongList is redis-benchmark's RPUSH as the server runs
// it at -P 16: one list, already a million elements long, pushed to in
// pipelines of 16. One op is one pipeline.
func BenchmarkRPUSH_LongList(b *testing.B) {
	e, s, _ := newEngine(b)
	running(b, e)
	cmds := make([][][]byte, 16)
	for i := range cmds {
		cmds[i] = [][]byte{[]byte("RPUSH"), []byte("mylist"), []byte("xxx")}
	}
	for i := 0; i < 1_000_000/16; i++ {
		e.ExecBatch(s, cmds, func(engine.Reply, error) {})
	}
	for b.Loop() {
		e.ExecBatch(s, cmds, func(engine.Reply, error) {})
	}
}
