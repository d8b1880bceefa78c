package engine

import (
	"math"
	"math/rand/v2"
	"sync/atomic"
)

// Eviction, as Redis approximates LRU and LFU: each key carries a 24-bit
// word in its dict's meta (no pointer, no allocation per key). Under an
// LRU policy it is a clock of lruResolution ticks, stamped at every
// access; under LFU it is the minutes of the last decrement in the high
// 16 bits and a logarithmic access counter in the low 8. When a write
// finds used memory over maxmemory, keys are sampled, the best
// candidates kept in a small pool across rounds, and the best of the
// pool deleted, until memory is under the limit again.

// ErrOOM is the reply to a command that may add memory when used memory
// is over maxmemory and nothing can be evicted.
var ErrOOM = &Error{Code: "OOM", Msg: "command not allowed when used memory > 'maxmemory'."}

// These errors can occur when OBJECT asks for what the policy does not
// track.
var errNoLRU = errf("An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")

const (
	lruBits       = 24
	lruMask       = 1<<lruBits - 1
	lruResolution = 100 // milliseconds per tick: the clock wraps after 19 days
	lfuInit       = 5   // a new key's counter, so that it is not evicted at once
	poolSize      = 16  // Redis's EVPOOL_SIZE
)

// lruClock returns the LRU clock at unix milliseconds ms.
func lruClock(ms int64) uint32 { return uint32(ms/lruResolution) & lruMask }

// lfuMinutes returns LFU's 16-bit clock of minutes at ms.
func lfuMinutes(ms int64) uint32 { return uint32(ms/60000) & 0xffff }

// lfuPolicy reports whether the policy counts accesses.
func (m *memory) lfuPolicy() bool {
	p := m.policy.Load()
	return p == policyAllkeysLFU || p == policyVolatileLFU
}

// lfuDecr returns meta's counter decayed by the minutes elapsed since its
// last decrement, as Redis's LFUDecrAndReturn.
func (m *memory) lfuDecr(meta uint32, ms int64) uint32 {
	ldt, counter := meta>>8, meta&0xff
	now := lfuMinutes(ms)
	elapsed := now - ldt
	if now < ldt {
		elapsed = 0xffff - ldt + now
	}
	if d := m.decay.Load(); d > 0 {
		periods := int64(elapsed) / d
		if periods > int64(counter) {
			return 0
		}
		counter -= uint32(periods)
	}
	return counter
}

// lfuIncr increments a counter logarithmically: the likelier the
// smaller it is, as Redis's LFULogIncr.
func (m *memory) lfuIncr(counter uint32) uint32 {
	if counter == 255 {
		return counter
	}
	base := math.Max(float64(counter)-lfuInit, 0)
	if rand.Float64() < 1/(base*float64(m.logFac.Load())+1) {
		counter++
	}
	return counter
}

// accessed returns the meta word of a key accessed at ms that had old;
// old is 0 for a key just created.
func (m *memory) accessed(old uint32, ms int64) uint32 {
	if !m.lfuPolicy() {
		return lruClock(ms)
	}
	counter := uint32(lfuInit)
	if old != 0 {
		counter = m.lfuIncr(m.lfuDecr(old, ms))
	}
	return lfuMinutes(ms)<<8 | counter
}

// touchKey stamps key's access. It may run under the read lock, beside
// other readers, so the word is written atomically.
func (db *DB) touchKey(key []byte) {
	d := db.ks.keys
	if d.meta == nil {
		return
	}
	i := d.find(key, d.hash(key))
	if i < 0 {
		return
	}
	p := &d.meta[i]
	atomic.StoreUint32(p, db.eng.mem.accessed(atomic.LoadUint32(p), db.now()))
}

// keyMeta returns key's meta word, read before any touch, and whether it
// is tracked.
func (db *DB) keyMeta(key []byte) (uint32, bool) {
	d := db.ks.keys
	if d.meta == nil {
		return 0, false
	}
	i := d.find(key, d.hash(key))
	if i < 0 {
		return 0, false
	}
	return atomic.LoadUint32(&d.meta[i]), true
}

// setKeyMeta puts back key's meta word as keyMeta returned it.
func (db *DB) setKeyMeta(key []byte, meta uint32, tracked bool) {
	d := db.ks.keys
	if !tracked || d.meta == nil {
		return
	}
	if i := d.find(key, d.hash(key)); i >= 0 {
		atomic.StoreUint32(&d.meta[i], meta)
	}
}

// objectIdle answers OBJECT IDLETIME for a key whose meta is meta.
func (db *DB) objectIdle(meta uint32, tracked bool) (Reply, error) {
	m := &db.eng.mem
	if m.lfuPolicy() {
		return nil, errNoLRU
	}
	if !tracked {
		return zero, nil
	}
	ticks := (lruClock(db.now()) - meta) & lruMask
	return int64(ticks) * lruResolution / 1000, nil
}

// objectFreq answers OBJECT FREQ for a key whose meta is meta.
func (db *DB) objectFreq(meta uint32, tracked bool) (Reply, error) {
	m := &db.eng.mem
	if !m.lfuPolicy() {
		return nil, ErrNoLFU
	}
	if !tracked {
		return int64(lfuInit), nil
	}
	return int64(m.lfuDecr(meta, db.now())), nil
}

// startTracking gives every dict its meta once tracking was asked for;
// the caller holds the write lock. Keys already present look just
// accessed.
func (e *Engine) startTracking(nowMs int64) (started bool) {
	if !e.mem.want.Load() {
		return false
	}
	for _, ks := range e.dbs {
		d := ks.keys
		if d.meta != nil {
			continue
		}
		started = true
		d.meta = make([]uint32, len(d.slots))
		stamp := e.mem.accessed(0, nowMs)
		for i := range d.meta {
			d.meta[i] = stamp
		}
	}
	e.mem.track.Store(true)
	return started
}

// afterWrite runs after a write command: it stamps the access of the
// keys the command named, measures again the objects it may have changed
// in place, and, under maxmemory, refreshes used memory (else Run samples
// it ten times a second, for INFO's peak, as Redis's cron does). GET and
// SET pay nothing for it while no maxmemory or eviction policy is set.
func (e *Engine) afterWrite(db *DB, cmd *Command, args [][]byte) {
	if !e.mem.want.Load() && cmd.Group == "string" && e.mem.max.Load() == 0 {
		return
	}
	stamp := !e.startTracking(db.now()) // a key just stamped is not accessed twice
	eachKey(cmd, args, func(key []byte) {
		d := db.ks.keys
		i := d.find(key, d.hash(key))
		if i < 0 {
			return
		}
		if tag, _, idx, _, _ := parse(d.record(d.slots[i].ref)); tag == recObject && cmd.Group != "string" {
			d.measure(uint32(idx))
		}
		if stamp && d.meta != nil {
			d.meta[i] = e.mem.accessed(d.meta[i], db.now())
		}
	})
	if e.mem.max.Load() > 0 {
		e.noteUsed()
	}
}

// eachKey calls fn with each key argument of cmd, as its Keys say.
func eachKey(cmd *Command, args [][]byte, fn func(key []byte)) {
	k := cmd.Keys
	if k.First <= 0 || k.First >= len(args) {
		return
	}
	last := k.Last
	if last < 0 {
		last += len(args)
	}
	step := max(k.Step, 1)
	for i := k.First; i <= last && i < len(args); i += step {
		fn(args[i])
	}
}

// evictEntry is a candidate for eviction in the pool.
type evictEntry struct {
	score uint64 // the higher, the better to evict
	db    int
	key   string
}

// overLimit reports whether used memory is over maxmemory, as of the
// last write.
func (e *Engine) overLimit() bool {
	m := e.mem.max.Load()
	return m > 0 && e.mem.used.Load() > m
}

// freeMemory evicts keys until used memory is within maxmemory, as
// Redis's performEvictions; the caller holds the write lock. It returns
// ErrOOM when memory is still over the limit and the command may add
// memory.
func (e *Engine) freeMemory(db *DB, flags Flag) error {
	limit := e.mem.max.Load()
	if limit == 0 {
		return nil
	}
	e.startTracking(db.now())
	for e.noteUsed() > limit {
		if !e.evictOne(db) {
			if flags&DenyOOM != 0 {
				return ErrOOM
			}
			return nil
		}
	}
	return nil
}

// evictOne deletes the best key to evict under the policy and reports
// whether there was one.
func (e *Engine) evictOne(db *DB) bool {
	m := &e.mem
	p := m.policy.Load()
	if p == policyNoeviction {
		return false
	}
	var dbi int
	var key string
	var ok bool
	if p == policyAllkeysRandom || p == policyVolatileRandom {
		dbi, key, ok = e.randomVictim(p == policyVolatileRandom)
	} else {
		dbi, key, ok = e.poolVictim(db, p)
	}
	if !ok {
		return false
	}
	ks := e.dbs[dbi]
	e.touch(dbi, bytesOf(key), true)
	ks.keys.delete(bytesOf(key))
	ks.expires.del(key)
	m.evicted.Add(1)
	if e.notifyFlags.Load() != 0 {
		e.notifyKey(dbi, notifyEvicted, "evicted", bytesOf(key))
	}
	db.changed(1)
	if e.journal != nil {
		if err := e.journal.Append(dbi, [][]byte{[]byte("DEL"), []byte(key)}); err != nil {
			e.log.Error("journal append failed", "command", "DEL", "err", err)
		}
	}
	return true
}

// randomVictim picks a random key, among those with a TTL when volatile,
// starting from a random database.
func (e *Engine) randomVictim(volatile bool) (int, string, bool) {
	start := rand.IntN(len(e.dbs))
	for j := range e.dbs {
		i := (start + j) % len(e.dbs)
		ks := e.dbs[i]
		if volatile {
			key, found := "", false
			ks.expires.sample(rand.Uint64(), func(k string, _ int64) bool { key, found = k, true; return false })
			if found {
				return i, key, true
			}
			continue
		}
		if key, _, ok := ks.keys.random(rand.Uint64()); ok {
			return i, string(key), true
		}
	}
	return 0, "", false
}

// poolVictim refills the eviction pool with samples from every database
// and returns its best candidate that still exists.
func (e *Engine) poolVictim(db *DB, p int32) (int, string, bool) {
	m := &e.mem
	now := db.now()
	n := int(m.samples.Load())
	for i, ks := range e.dbs {
		volatile := p < policyAllkeysLRU
		if volatile && ks.expires.len() == 0 || ks.keys.len() == 0 {
			continue
		}
		if volatile {
			c := 0
			ks.expires.sample(rand.Uint64(), func(k string, at int64) bool {
				e.poolAdd(i, k, e.score(ks, bytesOf(k), at, p, now))
				c++
				return c < n
			})
			continue
		}
		d := ks.keys
		mask := uint64(len(d.slots) - 1)
		for range min(n, d.len()) {
			j := rand.Uint64() & mask
			for d.slots[j].hash <= slotDeleted {
				j = (j + 1) & mask
			}
			_, key, _, _, _ := parse(d.record(d.slots[j].ref))
			e.poolAdd(i, string(key), e.scoreMeta(d.meta[j], p, now))
		}
	}
	for len(m.pool) > 0 {
		best := m.pool[len(m.pool)-1]
		m.pool = m.pool[:len(m.pool)-1]
		ks := e.dbs[best.db]
		if _, ok := ks.keys.get(bytesOf(best.key)); !ok {
			continue
		}
		if _, ok := ks.expires.get(best.key); !ok && p < policyAllkeysLRU {
			continue
		}
		return best.db, best.key, true
	}
	return 0, "", false
}

// score returns the eviction score of a key with a TTL at expireAt.
func (e *Engine) score(ks *keyspace, key []byte, expireAt int64, p int32, now int64) uint64 {
	if p == policyVolatileTTL {
		return math.MaxUint64 - uint64(expireAt)
	}
	d := ks.keys
	i := d.find(key, d.hash(key))
	if i < 0 || d.meta == nil {
		return 0
	}
	return e.scoreMeta(d.meta[i], p, now)
}

// scoreMeta returns the eviction score of a key's meta word: its idle
// time under LRU, 255 less its counter under LFU.
func (e *Engine) scoreMeta(meta uint32, p int32, now int64) uint64 {
	if p == policyAllkeysLFU || p == policyVolatileLFU {
		return 255 - uint64(e.mem.lfuDecr(meta, now))
	}
	return uint64((lruClock(now) - meta) & lruMask)
}

// poolAdd inserts a candidate into the pool, kept sorted by ascending
// score, if it beats the worst when the pool is full. A key already in
// the pool has its score updated.
func (e *Engine) poolAdd(db int, key string, score uint64) {
	m := &e.mem
	for i, c := range m.pool {
		if c.db == db && c.key == key {
			m.pool = append(m.pool[:i], m.pool[i+1:]...)
			break
		}
	}
	if len(m.pool) == poolSize {
		if score <= m.pool[0].score {
			return
		}
		m.pool = m.pool[1:]
	}
	i := 0
	for i < len(m.pool) && m.pool[i].score < score {
		i++
	}
	m.pool = append(m.pool, evictEntry{})
	copy(m.pool[i+1:], m.pool[i:])
	m.pool[i] = evictEntry{score: score, db: db, key: key}
}
