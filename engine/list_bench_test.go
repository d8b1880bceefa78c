package engine_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/photondb/photon/engine"
)

// longList is the length of the list the long-list benchmarks work on,
// as redis-benchmark's list tests leave it after a million pushes.
const longList = 1_000_000

// pipeline returns n copies of one command, as a client pipelining it
// at -P n sends them.
func pipeline(n int, args ...string) [][][]byte {
	cmd := make([][]byte, len(args))
	for i, a := range args {
		cmd[i] = []byte(a)
	}
	cmds := make([][][]byte, n)
	for i := range cmds {
		cmds[i] = cmd
	}
	return cmds
}

// fillList pushes "xxx" at the tail of mylist until it holds n elements,
// in pipelines of 16.
func fillList(e *engine.Engine, s *engine.Session, n int) {
	push := pipeline(16, "RPUSH", "mylist", "xxx")
	for i := 0; i < n/16; i++ {
		e.ExecBatch(s, push, func(engine.Reply, error) {})
	}
}

// BenchmarkRPUSH_LongList is redis-benchmark's RPUSH as the server runs
// it at -P 16: one list, already a million elements long, pushed to in
// pipelines of 16. One op is one pipeline.
func BenchmarkRPUSH_LongList(b *testing.B) {
	e, s, _ := newEngine(b)
	running(b, e)
	fillList(e, s, longList)
	cmds := pipeline(16, "RPUSH", "mylist", "xxx")
	b.ReportAllocs()
	for b.Loop() {
		e.ExecBatch(s, cmds, func(engine.Reply, error) {})
	}
}

// BenchmarkLPOP_LongList is redis-benchmark's LPOP at -P 16: pops from
// the head of a list a million elements long, refilled (off the clock)
// whenever it runs short. One op is one pipeline of 16 pops.
func BenchmarkLPOP_LongList(b *testing.B) {
	e, s, _ := newEngine(b)
	running(b, e)
	fillList(e, s, longList)
	cmds := pipeline(16, "LPOP", "mylist")
	left := longList
	b.ReportAllocs()
	for b.Loop() {
		if left < 16 {
			b.StopTimer()
			fillList(e, s, longList)
			left += longList
			b.StartTimer()
		}
		e.ExecBatch(s, cmds, func(engine.Reply, error) {})
		left -= 16
	}
}

// BenchmarkLRANGE_LongList is redis-benchmark's LRANGE_100 and
// LRANGE_600 at -P 16: the first elements of a list a million elements
// long. One op is one pipeline of 16 reads.
func BenchmarkLRANGE_LongList(b *testing.B) {
	for _, n := range []int{100, 600} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			e, s, _ := newEngine(b)
			running(b, e)
			fillList(e, s, longList)
			cmds := pipeline(16, "LRANGE", "mylist", "0", strconv.Itoa(n-1))
			b.ReportAllocs()
			for b.Loop() {
				e.ExecBatch(s, cmds, func(engine.Reply, error) {})
			}
		})
	}
}

// BenchmarkPipelined16 runs redis-benchmark's INCR and HSET as the server
// runs them at -P 16: keys or fields drawn from 100,000 (-r 100000), in
// pipelines of 16. One op is one pipeline.
func BenchmarkPipelined16(b *testing.B) {
	for _, tc := range []struct {
		name string
		args func(r int) [][]byte
	}{
		{"INCR", func(r int) [][]byte {
			return [][]byte{[]byte("INCR"), []byte(fmt.Sprintf("counter:%012d", r))}
		}},
		{"HSET", func(r int) [][]byte {
			return [][]byte{[]byte("HSET"), []byte("myhash"), []byte(fmt.Sprintf("element:%012d", r)), []byte("xxx")}
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			e, s, _ := newEngine(b)
			running(b, e)
			rng := rand.New(rand.NewPCG(1, 2))
			batches := make([][][][]byte, 4096)
			for i := range batches {
				for range 16 {
					batches[i] = append(batches[i], tc.args(rng.IntN(100000)))
				}
			}
			for i := range 100000 / 16 { // fill, as the run before it would have
				e.ExecBatch(s, batches[i%len(batches)], func(engine.Reply, error) {})
			}
			i := 0
			for b.Loop() {
				e.ExecBatch(s, batches[i%len(batches)], func(engine.Reply, error) {})
				i++
			}
		})
	}
}
