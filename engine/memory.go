package engine

import (
	"errors"
	"math/bits"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
)

// Memory accounting. Redis counts every byte its allocator hands out; Go
// hides its allocator, and reading the heap's size (runtime/metrics)
// counts garbage not yet collected, so it cannot tell eviction that
// deleting a key freed anything. PhotonDB therefore keeps a running
// estimate of what the data costs, in each dict: its slots, the live
// bytes of its records, and a size per out-of-line object, measured when
// the object is stored and again after every write command that names
// its key. used_memory is the sum over the databases; it follows the Go
// heap in use for the data within a few percent (TestMemory_TracksHeap).

// acct is what a dict keeps for memory accounting and eviction. It holds
// no pointers per key: meta is one 32-bit word per slot, allocated only
// once eviction or OBJECT IDLETIME/FREQ needs it.
type acct struct {
	recBytes int64    // live record bytes in the segments
	objBytes int64    // estimated bytes of the objects in objs
	objSize  []int64  // the estimate for each index of objs
	meta     []uint32 // per slot: the LRU clock, or LFU's minutes << 8 | counter; nil until tracked
}

// measure records the estimated size of objs[idx].
func (d *dict) measure(idx uint32) {
	for int(idx) >= len(d.objSize) {
		d.objSize = append(d.objSize, 0)
	}
	n := int64(16) // the slot of objs holding it
	switch o := d.objs[idx].(type) {
	case []byte:
		n += 24 + allocSize(cap(o))
	case object:
		n += objectBytes(o)
	}
	d.objBytes += n - d.objSize[idx]
	d.objSize[idx] = n
}

// measureSamples is how many elements of a collection the running
// estimate measures, so that a write to a large one stays cheap.
const measureSamples = 32

// unmeasure forgets the size of objs[idx], which is being freed.
func (d *dict) unmeasure(idx uint32) {
	if int(idx) < len(d.objSize) {
		d.objBytes -= d.objSize[idx]
		d.objSize[idx] = 0
	}
}

// bytes returns the estimated bytes the dict holds: its slots, the live
// records, the objs table and the objects.
func (d *dict) bytes() int64 {
	return int64(len(d.slots))*16 + int64(len(d.meta))*4 + d.recBytes +
		int64(cap(d.objs))*16 + int64(cap(d.objSize))*8 + d.objBytes + int64(cap(d.segs))*24
}

// keyBytes returns the estimated bytes one key's record and slot take.
func (d *dict) keyBytes(key []byte) int64 {
	i := d.find(key, d.hash(key))
	if i < 0 {
		return 0
	}
	_, _, _, _, n := parse(d.record(d.slots[i].ref))
	// A slot per key, over the table's load.
	return int64(n) + int64(len(d.slots))*16/int64(max(d.used, 1))
}

// allocSize rounds n up to what Go's allocator hands out for it,
// approximately: its size classes step by 16 bytes up to 256, then by
// about an eighth.
func allocSize(n int) int64 {
	switch {
	case n <= 0:
		return 0
	case n <= 8:
		return 8
	case n <= 256:
		return int64((n + 15) &^ 15)
	case n <= 32<<10:
		step := 1 << (bits.Len(uint(n)) - 3)
		return int64((n + step - 1) &^ (step - 1))
	}
	return int64((n + 8191) &^ 8191)
}

// mapEntry is the estimated cost of one entry of a Go map from string to
// a word, with the table's usual load.
const mapEntry = 40

// objectSize estimates what o costs, as MEMORY USAGE does: when samples
// is positive and o has more elements, the first samples elements are
// measured and their average taken for all.
func objectSize(o object, samples int) int64 {
	n := objectFrame(o)
	switch o := o.(type) {
	case *hash:
		return n + sampled(len(o.pairs), samples*2, func(i int) int64 { return allocSize(len(o.pairs[i])) })
	case *list:
		return n + o.bytes // its chunks, counted as they change: exact and cheap
	case *set:
		return n + sampled(len(o.members), samples, func(i int) int64 { return allocSize(len(o.members[i])) })
	case *zset:
		i := 0
		var total int64
		for m := range o.members {
			if samples > 0 && i == samples {
				break
			}
			total += allocSize(len(m))
			i++
		}
		if i > 0 {
			total = total * int64(len(o.members)) / int64(i)
		}
		return n + total
	}
	return n
}

// objectBytes is what used memory counts for o: lists keep the sizes of
// their chunks, hashes and sets those of their elements, as they change,
// so that measuring one after every write costs no walk over its
// elements; sorted sets are sampled.
func objectBytes(o object) int64 {
	switch o := o.(type) {
	case *hash:
		return objectFrame(o) + o.bytes
	case *list:
		return objectFrame(o) + o.bytes
	case *set:
		return objectFrame(o) + o.bytes
	}
	return objectSize(o, measureSamples)
}

// objectFrame is what o costs without its elements' own bytes: the
// structure, its slices and indexes.
func objectFrame(o object) int64 {
	switch o := o.(type) {
	case *hash:
		n := 32 + allocSize(cap(o.pairs)*24)
		if o.index != nil {
			n += int64(len(o.index)) * mapEntry
		}
		return n
	case *list:
		return 64 + allocSize(cap(o.ring)*chunkBytes)
	case *set:
		n := 56 + allocSize(cap(o.ints)*8) + allocSize(cap(o.members)*16)
		if o.index != nil {
			n += int64(len(o.index)) * mapEntry
		}
		return n
	case *zset:
		return int64(64+64+zslMaxLevel*16) + int64(len(o.members))*(mapEntry+64+16) // map entry, node, its first levels
	}
	return 64
}

// sampled sums size(i) over n elements, or over the first samples of
// them scaled to n.
func sampled(n, samples int, size func(i int) int64) int64 {
	m := n
	if samples > 0 && samples < n {
		m = samples
	}
	var total int64
	for i := range m {
		total += size(i)
	}
	if m > 0 && m < n {
		total = total * int64(n) / int64(m)
	}
	return total
}

// usedMemory returns the estimated bytes of the data in every database;
// the caller holds the lock.
func (e *Engine) usedMemory() int64 {
	var n int64
	for _, ks := range e.dbs {
		n += ks.keys.bytes()
		n += int64(ks.expires.len()) * (mapEntry + 24)
	}
	return n + e.mem.base
}

// memory is the engine's memory accounting and eviction state.
type memory struct {
	base     int64        // bytes of an empty engine, as Redis's startup.allocated
	max      atomic.Int64 // maxmemory; 0 for no limit
	policy   atomic.Int32 // maxmemory-policy, an index of policyNames
	samples  atomic.Int64 // maxmemory-samples
	logFac   atomic.Int64 // lfu-log-factor
	decay    atomic.Int64 // lfu-decay-time, minutes
	want     atomic.Bool  // per-key access tracking was asked for
	track    atomic.Bool  // every dict has meta, and reads update it
	used     atomic.Int64 // usedMemory as of the last write, for INFO readers
	peak     atomic.Int64 // the most used seen
	evicted  atomic.Int64 // keys evicted, for INFO stats
	tenacity atomic.Int64 // maxmemory-eviction-tenacity, accepted for CONFIG only
	pool     []evictEntry // eviction candidates, worst first; under the write lock
}

// policyNames are the maxmemory policies, in Redis's order of its
// CONFIG SET error message.
var policyNames = []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
	"allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}

const (
	policyVolatileLRU = iota
	policyVolatileLFU
	policyVolatileRandom
	policyVolatileTTL
	policyAllkeysLRU
	policyAllkeysLFU
	policyAllkeysRandom
	policyNoeviction
)

// registerMemory sets the defaults Redis has and registers the memory
// directives with CONFIG.
func (e *Engine) registerMemory() {
	m := &e.mem
	m.policy.Store(policyNoeviction)
	m.samples.Store(5)
	m.logFac.Store(10)
	m.decay.Store(1)
	m.tenacity.Store(10)
	m.base = 800 << 10
	intParam := func(name string, v *atomic.Int64, lo, hi int64) Param {
		return Param{Name: name, Get: func() string { return strconv.FormatInt(v.Load(), 10) },
			Set: func(s string) error {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return errors.New("argument couldn't be parsed into an integer")
				}
				if n < lo || n > hi {
					return errors.New("argument must be between " + strconv.FormatInt(lo, 10) + " and " + strconv.FormatInt(hi, 10) + " inclusive")
				}
				v.Store(n)
				return nil
			}}
	}
	e.RegisterConfig(
		Param{Name: "maxmemory", Get: func() string { return strconv.FormatInt(m.max.Load(), 10) },
			Set: func(s string) error {
				n, ok := parseMemory(s)
				if !ok {
					return errors.New("argument must be a memory value")
				}
				e.setMaxmemory(n)
				return nil
			}},
		Param{Name: "maxmemory-policy", Get: func() string { return policyNames[m.policy.Load()] },
			Set: func(s string) error {
				for i, name := range policyNames {
					if strings.EqualFold(s, name) {
						m.policy.Store(int32(i))
						if i != policyNoeviction {
							m.want.Store(true)
						}
						return nil
					}
				}
				return errors.New("argument(s) must be one of the following: " + strings.Join(policyNames, ", "))
			}},
		intParam("maxmemory-samples", &m.samples, 1, 1<<31-1),
		intParam("maxmemory-eviction-tenacity", &m.tenacity, 0, 100),
		intParam("lfu-log-factor", &m.logFac, 0, 1<<31-1),
		intParam("lfu-decay-time", &m.decay, 0, 1<<31-1),
	)
}

// setMaxmemory applies maxmemory, and ties the Go runtime's soft memory
// limit to it, so that the collector works harder as the heap nears the
// limit instead of letting it double: the data plus room for the
// garbage of a collection cycle and for the runtime itself.
func (e *Engine) setMaxmemory(n int64) {
	e.mem.max.Store(n)
	if n > 0 {
		e.mem.want.Store(true)
		debug.SetMemoryLimit(n + n/2 + 64<<20)
	} else {
		debug.SetMemoryLimit(1<<63 - 1)
	}
}

// parseMemory reads a memory value as redis.conf writes it: bytes, or a
// number with a unit: k, kb, m, mb, g, gb (k is 1000, kb 1024).
func parseMemory(s string) (int64, bool) {
	l := strings.ToLower(s)
	mul := int64(1)
	for _, u := range []struct {
		suffix string
		mul    int64
	}{{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"k", 1000}, {"m", 1000 * 1000}, {"g", 1000 * 1000 * 1000}, {"b", 1}} {
		if strings.HasSuffix(l, u.suffix) {
			l, mul = strings.TrimSuffix(l, u.suffix), u.mul
			break
		}
	}
	n, err := strconv.ParseInt(l, 10, 64)
	if err != nil || n < 0 || n > (1<<63-1)/mul {
		return 0, false
	}
	return n * mul, true
}

// samplePeak refreshes used memory and its peak between writes that do
// not (see afterWrite).
func (e *Engine) samplePeak() {
	e.mu.RLock()
	defer e.mu.RUnlock()
	e.noteUsed()
}

// noteUsed refreshes the used and peak figures INFO reads; the caller
// holds the lock.
func (e *Engine) noteUsed() int64 {
	u := e.usedMemory()
	e.mem.used.Store(u)
	if u > e.mem.peak.Load() {
		e.mem.peak.Store(u)
	}
	return u
}

// memoryCommands is the MEMORY container's row of the command table.
func memoryCommands() []*Command {
	return []*Command{
		{Name: "MEMORY", Group: "server", Arity: -2, Flags: ReadOnly,
			Args: "DOCTOR|HELP|MALLOC-STATS|PURGE|STATS|USAGE key [SAMPLES count]", Summary: "A container for memory diagnostics commands", Since: "4.0.0", Run: cmdMemory,
			Subcommands: []*Subcommand{
				{Name: "DOCTOR", Arity: 2},
				{Name: "HELP", Arity: 2, Flags: Loading | Stale},
				{Name: "MALLOC-STATS", Arity: 2},
				{Name: "PURGE", Arity: 2},
				{Name: "STATS", Arity: 2},
				{Name: "USAGE", Arity: -3},
			}},
	}
}

func cmdMemory(db *DB, args [][]byte) (Reply, error) {
	e := db.eng
	sub := args[1]
	switch {
	case equalFold(sub, "HELP"):
		return helpReply("MEMORY",
			"DOCTOR", "    Return memory problems reports.",
			"MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
			"PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
			"STATS", "    Return information about the memory usage of the server.",
			"USAGE <key> [SAMPLES <count>]", "    Return memory in bytes used by <key> and its value. Nested values are",
			"    sampled up to <count> times (default: 5, 0 means sample all).",
		), nil
	case equalFold(sub, "PURGE"):
		// Go's equivalent of jemalloc's purge: collect, then return
		// the freed pages to the system.
		debug.FreeOSMemory()
		return OK, nil
	case equalFold(sub, "MALLOC-STATS"):
		return []byte("Stats not supported for the current allocator"), nil
	case equalFold(sub, "DOCTOR"):
		return []byte(memoryDoctor(e)), nil
	case equalFold(sub, "STATS"):
		return memoryStats(e), nil
	}
	return memoryUsage(db, args)
}

// memoryUsage answers MEMORY USAGE key [SAMPLES count].
func memoryUsage(db *DB, args [][]byte) (Reply, error) {
	samples := 5
	for i := 3; i < len(args); i += 2 {
		if !equalFold(args[i], "SAMPLES") || i+1 >= len(args) {
			return nil, ErrSyntax
		}
		n, err := strconv.ParseInt(string(args[i+1]), 10, 64)
		if err != nil {
			return nil, ErrNotInteger
		}
		if n < 0 {
			return nil, ErrSyntax
		}
		samples = int(min(n, 1<<30))
		if n == 0 {
			samples = 1 << 30 // all
		}
	}
	// As Redis 7.0's, the key is not looked up as a read: an expired key
	// still stored is measured, not deleted, and its access time stays.
	v, ok := db.ks.keys.get(args[2])
	if !ok {
		return nil, nil
	}
	n := db.ks.keys.keyBytes(args[2])
	switch {
	case v.obj != nil:
		n += 16 + objectSize(v.obj, samples)
	case len(v.str) > inlineMax:
		n += 16 + 24 + allocSize(cap(v.str))
	}
	if _, ok := db.ks.expires.get(str(args[2])); ok {
		n += mapEntry + allocSize(len(args[2]))
	}
	return n, nil
}

// memoryStats answers MEMORY STATS with Redis's fields, from the
// estimate and the Go runtime's figures.
func memoryStats(e *Engine) Reply {
	used := e.usedMemory()
	heap := heapInUse()
	rss := residentBytes()
	keys := int64(0)
	out := Map{}
	add := func(k string, v Reply) { out = append(out, []byte(k), v) }
	add("peak.allocated", max(e.mem.peak.Load(), used))
	add("total.allocated", used)
	add("startup.allocated", e.mem.base)
	add("replication.backlog", zero)
	add("clients.slaves", zero)
	add("clients.normal", zero)
	add("cluster.links", zero)
	add("aof.buffer", zero)
	add("lua.caches", zero)
	add("functions.caches", zero)
	var overhead int64
	for i, ks := range e.dbs {
		if ks.size() == 0 {
			continue
		}
		keys += int64(ks.size())
		main := int64(len(ks.keys.slots)) * 16
		exp := int64(ks.expires.len()) * mapEntry
		overhead += main + exp
		add("db."+strconv.Itoa(i), Map{[]byte("overhead.hashtable.main"), main, []byte("overhead.hashtable.expires"), exp})
	}
	overhead += e.mem.base
	add("overhead.total", overhead)
	add("keys.count", keys)
	perKey := int64(0)
	if keys > 0 {
		perKey = (used - e.mem.base) / keys
	}
	add("keys.bytes-per-key", perKey)
	dataset := max(used-overhead, 0)
	add("dataset.bytes", dataset)
	add("dataset.percentage", Double(pct(dataset, used-e.mem.base)))
	add("peak.percentage", Double(pct(used, max(e.mem.peak.Load(), used))))
	add("allocator.allocated", heap)
	add("allocator.active", heap)
	add("allocator.resident", rss)
	add("allocator-fragmentation.ratio", Double(1))
	add("allocator-fragmentation.bytes", zero)
	add("allocator-rss.ratio", Double(ratio(rss, heap)))
	add("allocator-rss.bytes", rss-heap)
	add("rss-overhead.ratio", Double(1))
	add("rss-overhead.bytes", zero)
	add("fragmentation", Double(ratio(rss, used)))
	add("fragmentation.bytes", rss-used)
	return out
}

func pct(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) * 100 / float64(b)
}

func ratio(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// memoryDoctor answers MEMORY DOCTOR as Redis does for the conditions
// PhotonDB can see: an almost empty instance, or none of its issues.
func memoryDoctor(e *Engine) string {
	if e.usedMemory() < 5<<20 {
		return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting."
	}
	return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base."
}

// infoMemory is INFO's memory section.
func (e *Engine) infoMemory(b *infoBuilder) {
	used := e.usedMemory() // INFO holds the read lock
	peak := max(e.mem.peak.Load(), used)
	rss := residentBytes()
	maxm := e.mem.max.Load()
	b.field("used_memory", used)
	b.field("used_memory_human", humanBytes(used))
	b.field("used_memory_rss", rss)
	b.field("used_memory_rss_human", humanBytes(rss))
	b.field("used_memory_peak", peak)
	b.field("used_memory_peak_human", humanBytes(peak))
	b.field("used_memory_peak_perc", strconv.FormatFloat(pct(used, peak), 'f', 2, 64)+"%")
	b.field("used_memory_startup", e.mem.base)
	b.field("used_memory_dataset", max(used-e.mem.base, 0))
	b.field("used_memory_go_heap", heapInUse())
	b.field("maxmemory", maxm)
	b.field("maxmemory_human", humanBytes(maxm))
	b.field("maxmemory_policy", policyNames[e.mem.policy.Load()])
	if used > 0 {
		b.field("mem_fragmentation_ratio", ratio(rss, used))
	}
	b.field("mem_allocator", "go-"+runtime.Version())
}
