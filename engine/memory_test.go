package engine_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

// memInfoField returns one numeric field of INFO memory or stats.
func memInfoField(t testing.TB, e *engine.Engine, s *engine.Session, section, name string) int64 {
	t.Helper()
	r, err := e.Exec(s, [][]byte{[]byte("INFO"), []byte(section)})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(fmt.Sprint(r), "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("INFO %s: %v", name, err)
			}
			return n
		}
	}
	t.Fatalf("INFO %s has no %s", section, name)
	return 0
}

func TestMemory_Commands(t *testing.T) {
	e, s, _ := newEngine(t)
	for _, st := range []step{
		{"SET foo bar", "OK"},
		{"MEMORY USAGE nokey", "(nil)"},
		{"MEMORY USAGE foo SAMPLES", "ERR syntax error"},
		{"MEMORY USAGE foo SAMPLES -1", "ERR syntax error"},
		{"MEMORY USAGE foo SAMPLES x", "ERR value is not an integer or out of range"},
		{"MEMORY USAGE foo foo 1", "ERR syntax error"},
		{"MEMORY PURGE", "OK"},
		{"MEMORY FOO", "ERR unknown subcommand 'FOO'. Try MEMORY HELP."},
		{"CONFIG SET maxmemory 10xb", "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"},
		{"CONFIG SET maxmemory-policy bad", "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"},
		{"CONFIG SET maxmemory 100mb", "OK"},
		{"CONFIG GET maxmemory", `["maxmemory" "104857600"]`},
		{"CONFIG SET maxmemory 1gb", "OK"},
		{"CONFIG GET maxmemory", `["maxmemory" "1073741824"]`},
		{"CONFIG SET maxmemory 0", "OK"},
		{"OBJECT FREQ foo", "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."},
		{"CONFIG SET maxmemory-policy allkeys-lfu", "OK"},
		{"SET fresh bar", "OK"},
		{"OBJECT FREQ fresh", "5"},
		{"GET fresh", `"bar"`},
		{"OBJECT FREQ fresh", "6"},
		{"OBJECT IDLETIME foo", "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."},
	} {
		if got := do(t, e, s, st.cmd); got != st.want {
			t.Errorf("%s: got %q, want %q", st.cmd, got, st.want)
		}
	}
	if n, err := strconv.Atoi(do(t, e, s, "MEMORY USAGE foo")); err != nil || n < 20 || n > 200 {
		t.Errorf("MEMORY USAGE foo = %d, %v", n, err)
	}
}

// Ensure that OBJECT IDLETIME counts seconds since the last access, and
// that OBJECT itself does not count as one.
func TestMemory_ObjectIdletime(t *testing.T) {
	e, s, c := newEngine(t)
	do(t, e, s, "CONFIG SET maxmemory-policy allkeys-lru")
	do(t, e, s, "SET k v")
	c.advance(7 * time.Second)
	if got := do(t, e, s, "OBJECT IDLETIME k"); got != "7" {
		t.Errorf("OBJECT IDLETIME after 7s = %s", got)
	}
	if got := do(t, e, s, "OBJECT IDLETIME k"); got != "7" {
		t.Errorf("OBJECT IDLETIME touched the key: %s", got)
	}
	do(t, e, s, "GET k")
	if got := do(t, e, s, "OBJECT IDLETIME k"); got != "0" {
		t.Errorf("OBJECT IDLETIME after GET = %s", got)
	}
}

// Ensure that under noeviction a command that adds memory is refused
// with Redis's error, while reads and deletes work.
func TestMaxmemory_Noeviction(t *testing.T) {
	e, s, _ := newEngine(t)
	big := strings.Repeat("x", 1000)
	do(t, e, s, "SET k0 v")
	do(t, e, s, "CONFIG SET maxmemory 1mb")
	var got string
	for i := 1; i < 5000; i++ {
		if got = do(t, e, s, "SET k"+strconv.Itoa(i)+" "+big); got != "OK" {
			break
		}
	}
	if want := "OOM command not allowed when used memory > 'maxmemory'."; got != want {
		t.Fatalf("SET over maxmemory: got %q, want %q", got, want)
	}
	if got := do(t, e, s, "GET k0"); got != `"v"` {
		t.Errorf("GET over maxmemory: %s", got)
	}
	if got := do(t, e, s, "DEL k1 k2"); got != "2" {
		t.Errorf("DEL over maxmemory: %s", got)
	}
}

// Ensure that writing five times maxmemory never leaves used_memory more
// than 5% over it after a command, under each policy that can evict.
func TestMaxmemory_StaysWithinLimit(t *testing.T) {
	for _, policy := range []string{"allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"} {
		t.Run(policy, func(t *testing.T) {
			e, s, c := newEngine(t)
			const limit = 2 << 20
			do(t, e, s, "CONFIG SET maxmemory "+strconv.Itoa(limit))
			do(t, e, s, "CONFIG SET maxmemory-policy "+policy)
			big := strings.Repeat("x", 1000)
			for i := range 5 * limit / 1000 {
				cmd := "SET k" + strconv.Itoa(i) + " " + big
				if strings.HasPrefix(policy, "volatile") {
					cmd += " EX " + strconv.Itoa(1000+i)
				}
				if got := do(t, e, s, cmd); got != "OK" {
					t.Fatalf("%s: %s", cmd[:12], got)
				}
				if i%64 == 0 {
					c.advance(100 * time.Millisecond)
					if used := memInfoField(t, e, s, "memory", "used_memory"); used > limit*105/100 {
						t.Fatalf("after %d SETs used_memory %d > maxmemory %d + 5%%", i+1, used, limit)
					}
				}
			}
			if n := memInfoField(t, e, s, "stats", "evicted_keys"); n == 0 {
				t.Errorf("evicted_keys = 0")
			}
		})
	}
}

// Ensure that volatile policies never evict a key without a TTL, and
// refuse writes once no key has one.
func TestMaxmemory_VolatileKeepsPersistentKeys(t *testing.T) {
	e, s, _ := newEngine(t)
	big := strings.Repeat("x", 1000)
	for i := range 300 {
		do(t, e, s, "SET p"+strconv.Itoa(i)+" "+big)
	}
	do(t, e, s, "CONFIG SET maxmemory 1500kb")
	do(t, e, s, "CONFIG SET maxmemory-policy volatile-lru")
	oom := false
	for i := range 3000 {
		if got := do(t, e, s, "SET v"+strconv.Itoa(i)+" "+big+" EX 100"); got != "OK" {
			oom = strings.HasPrefix(got, "OOM")
			break
		}
	}
	for i := range 300 {
		if got := do(t, e, s, "EXISTS p"+strconv.Itoa(i)); got != "1" {
			t.Fatalf("persistent key p%d was evicted", i)
		}
	}
	_ = oom // OOM comes only once persistent keys alone exceed the limit
}

// Ensure that under an LRU or LFU policy a working set smaller than
// maxmemory that is read all along survives a stream of new keys.
func TestMaxmemory_WorkingSetSurvives(t *testing.T) {
	for _, policy := range []string{"allkeys-lru", "allkeys-lfu"} {
		t.Run(policy, func(t *testing.T) {
			e, s, c := newEngine(t)
			do(t, e, s, "CONFIG SET maxmemory 2mb")
			do(t, e, s, "CONFIG SET maxmemory-policy "+policy)
			do(t, e, s, "CONFIG SET maxmemory-samples 10")
			big := strings.Repeat("x", 1000)
			const hot = 100
			for i := range hot {
				do(t, e, s, "SET hot"+strconv.Itoa(i)+" "+big)
			}
			for round := range 100 {
				c.advance(time.Second)
				for i := range hot {
					do(t, e, s, "GET hot"+strconv.Itoa(i))
				}
				for j := range 50 {
					do(t, e, s, "SET cold"+strconv.Itoa(round*50+j)+" "+big)
				}
			}
			if n := memInfoField(t, e, s, "stats", "evicted_keys"); n < 1000 {
				t.Fatalf("evicted_keys = %d; the test did not fill memory", n)
			}
			for i := range hot {
				if got := do(t, e, s, "EXISTS hot"+strconv.Itoa(i)); got != "1" {
					t.Errorf("hot%d was evicted", i)
				}
			}
		})
	}
}

// heapObjects returns the bytes of heap objects after a collection.
func heapObjects() int64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// Ensure that used_memory follows the Go heap in use for the issue's
// datasets, at a tenth of their size, within 15%.
func TestMemory_TracksHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100k keys")
	}
	for _, ds := range []struct {
		name string
		fill func(e *engine.Engine, s *engine.Session, i int)
		n    int
	}{
		{"strings", func(e *engine.Engine, s *engine.Session, i int) {
			n := strconv.Itoa(i)
			load(e, s, "SET", "key:"+n, "value:"+n)
		}, 100000},
		{"collections", func(e *engine.Engine, s *engine.Session, i int) {
			n := strconv.Itoa(i)
			h, l, st, z := []string{"HSET", "hash:" + n}, []string{"RPUSH", "list:" + n}, []string{"SADD", "set:" + n}, []string{"ZADD", "zset:" + n}
			for j := range 10 {
				m := n + ":" + strconv.Itoa(j)
				h = append(h, "field:"+strconv.Itoa(j), "value:"+m)
				l = append(l, "element:"+m)
				st = append(st, "member:"+m)
				z = append(z, strconv.Itoa(j), "member:"+m)
			}
			load(e, s, h...)
			load(e, s, l...)
			load(e, s, st...)
			load(e, s, z...)
		}, 10000},
	} {
		t.Run(ds.name, func(t *testing.T) {
			e, s, _ := newEngine(t)
			used0 := memInfoField(t, e, s, "memory", "used_memory")
			heap0 := heapObjects()
			for i := range ds.n {
				ds.fill(e, s, i)
			}
			heap := heapObjects() - heap0
			used := memInfoField(t, e, s, "memory", "used_memory") - used0
			if r := float64(used) / float64(heap); r < 0.85 || r > 1.15 {
				t.Errorf("used_memory grew %d bytes, the Go heap %d: ratio %.2f", used, heap, r)
			}
			runtime.KeepAlive(e)
		})
	}
}

func load(e *engine.Engine, s *engine.Session, args ...string) {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	if _, err := e.Exec(s, b); err != nil {
		panic(err)
	}
}
