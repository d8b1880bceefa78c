package engine_test

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/photondb/photon/engine"
)

// running runs the engine's background work, as shell and serve do,
// until the benchmark ends.
func running(b *testing.B, e *engine.Engine) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	b.Cleanup(func() { cancel(); <-done })
}

// BenchmarkOriginalTable reproduces the original PhotonDB's benchmark
// table in-process: one op is a million SETs or a million GETs of small
// keys through Exec, as a client's commands would run. The original took
// 1.71 s and 1.00 s.
func BenchmarkOriginalTable(b *testing.B) {
	const n = 1_000_000
	keys := make([][]byte, n)
	vals := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte("key:" + strconv.Itoa(i))
		vals[i] = []byte("value:" + strconv.Itoa(i))
	}
	setArgs := [][]byte{[]byte("SET"), nil, nil}
	getArgs := [][]byte{[]byte("GET"), nil}
	b.Run("SET-1M", func(b *testing.B) {
		e, s, _ := newEngine(b)
		running(b, e)
		b.ReportAllocs()
		for b.Loop() {
			for i := range keys {
				setArgs[1], setArgs[2] = keys[i], vals[i]
				if _, err := e.Exec(s, setArgs); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("GET-1M", func(b *testing.B) {
		e, s, _ := newEngine(b)
		running(b, e)
		for i := range keys {
			setArgs[1], setArgs[2] = keys[i], vals[i]
			e.Exec(s, setArgs)
		}
		b.ReportAllocs()
		for b.Loop() {
			for i := range keys {
				getArgs[1] = keys[i]
				if r, err := e.Exec(s, getArgs); err != nil || r == nil {
					b.Fatal(err, r)
				}
			}
		}
	})
}

// BenchmarkSnapshot measures the copy BGSAVE takes under the lock, for
// a million small strings, the same with TTLs, and two million elements
// of collections; the snapshot shares collections and TTLs rather than
// copying them (cow.go, expiry.go).
func BenchmarkSnapshot(b *testing.B) {
	bench := func(b *testing.B, fill func(e *engine.Engine, s *engine.Session)) {
		e, s, _ := newEngine(b)
		fill(e, s)
		b.ReportAllocs()
		for b.Loop() {
			e.Snapshot().Release()
		}
	}
	b.Run("1M-strings", func(b *testing.B) {
		bench(b, func(e *engine.Engine, s *engine.Session) {
			args := [][]byte{[]byte("SET"), nil, nil}
			for i := 0; i < 1_000_000; i++ {
				args[1], args[2] = []byte("key:"+strconv.Itoa(i)), []byte("value:"+strconv.Itoa(i))
				e.Exec(s, args)
			}
		})
	})
	b.Run("1M-strings-with-TTLs", func(b *testing.B) {
		bench(b, func(e *engine.Engine, s *engine.Session) {
			args := [][]byte{[]byte("SET"), nil, nil, []byte("EX"), []byte("100000")}
			for i := 0; i < 1_000_000; i++ {
				args[1], args[2] = []byte("key:"+strconv.Itoa(i)), []byte("value:"+strconv.Itoa(i))
				e.Exec(s, args)
			}
		})
	})
	b.Run("1M-zset-and-1K-hashes-of-1K", func(b *testing.B) {
		bench(b, func(e *engine.Engine, s *engine.Session) {
			args := [][]byte{[]byte("ZADD"), []byte("z")}
			for i := 0; i < 1_000_000; i++ {
				args = append(args, []byte(strconv.Itoa(i)), []byte("m"+strconv.Itoa(i)))
				if len(args) > 2000 {
					e.Exec(s, args)
					args = args[:2]
				}
			}
			for i := 0; i < 1000; i++ {
				h := [][]byte{[]byte("HSET"), []byte("h" + strconv.Itoa(i))}
				for j := 0; j < 1000; j++ {
					h = append(h, []byte("f"+strconv.Itoa(j)), []byte("v"))
				}
				e.Exec(s, h)
			}
		})
	})
}

// BenchmarkOriginalTableParallel runs the million GETs from every core at
// once, each goroutine with its own session, as concurrent clients would.
func BenchmarkOriginalTableParallel(b *testing.B) {
	const n = 1_000_000
	e, s, _ := newEngine(b)
	running(b, e)
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte("key:" + strconv.Itoa(i))
		e.Exec(s, [][]byte{[]byte("SET"), keys[i], []byte("value:" + strconv.Itoa(i))})
	}
	b.Run("GET-1M", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var wg sync.WaitGroup
			workers := runtime.GOMAXPROCS(0)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					s := e.NewSession()
					defer s.Close()
					args := [][]byte{[]byte("GET"), nil}
					for i := w; i < n; i += workers {
						args[1] = keys[i]
						e.Exec(s, args)
					}
				}(w)
			}
			wg.Wait()
		}
	})
}

// BenchmarkOriginalTablePipelined runs the million SETs and GETs as a
// client pipelining 16 commands at a time would have them run, through
// ExecBatch, as the server runs redis-benchmark -P 16.
func BenchmarkOriginalTablePipelined(b *testing.B) {
	const n, depth = 1_000_000, 16
	sets := make([][][]byte, n)
	gets := make([][][]byte, n)
	for i := range sets {
		k := []byte("key:" + strconv.Itoa(i))
		sets[i] = [][]byte{[]byte("SET"), k, []byte("value:" + strconv.Itoa(i))}
		gets[i] = [][]byte{[]byte("GET"), k}
	}
	pipeline := func(b *testing.B, e *engine.Engine, s *engine.Session, cmds [][][]byte) {
		for i := 0; i < len(cmds); i += depth {
			e.ExecBatch(s, cmds[i:min(i+depth, len(cmds))], func(r engine.Reply, err error) {
				if err != nil || r == nil {
					b.Fatal(err, r)
				}
			})
		}
	}
	b.Run("SET-1M", func(b *testing.B) {
		e, s, _ := newEngine(b)
		running(b, e)
		b.ReportAllocs()
		for b.Loop() {
			pipeline(b, e, s, sets)
		}
	})
	b.Run("GET-1M", func(b *testing.B) {
		e, s, _ := newEngine(b)
		running(b, e)
		pipeline(b, e, s, sets)
		b.ReportAllocs()
		for b.Loop() {
			pipeline(b, e, s, gets)
		}
	})
}

// BenchmarkGoMapBaseline is the floor under BenchmarkOriginalTable: the
// same million keys in a plain Go map, with no protocol, command table,
// lock, expiry or accounting. A GET through Exec cannot cost less than
// the map lookup it replaces, so this bounds what the engine can reach
// on a given machine.
func BenchmarkGoMapBaseline(b *testing.B) {
	const n = 1_000_000
	keys := make([][]byte, n)
	vals := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte("key:" + strconv.Itoa(i))
		vals[i] = []byte("value:" + strconv.Itoa(i))
	}
	b.Run("SET-1M", func(b *testing.B) {
		for b.Loop() {
			m := make(map[string][]byte)
			for i, k := range keys {
				m[string(k)] = vals[i]
			}
		}
	})
	b.Run("GET-1M", func(b *testing.B) {
		m := make(map[string][]byte, n)
		for i, k := range keys {
			m[string(k)] = vals[i]
		}
		sink := 0
		for b.Loop() {
			for _, k := range keys {
				sink += len(m[string(k)])
			}
		}
		if sink == 0 {
			b.Fatal("no values found")
		}
	})
}
