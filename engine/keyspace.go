package engine

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"
)

// keyspace is one numbered database.
type keyspace struct {
	keys    *dict
	expires *expiries // unix milliseconds; only keys with a TTL
}

func newKeyspace() *keyspace {
	return &keyspace{keys: newDict(), expires: newExpiries()}
}

// value is what a key holds. A string keeps its bytes in str and a nil
// obj; other types keep their object in obj. String bytes are never
// changed in place once stored, so replies may alias them.
type value struct {
	str []byte
	obj object
	enc strEnc // how Redis encodes str when its history, not its bytes, decides
}

// object is a value kept out of line in the dict: a list, a hash, and
// every collection type added beside them. Commands change objects in
// place, so a snapshot or COPY takes a clone.
type object interface {
	kind() Kind
	len() int
	clone() object
	// encoding names the representation as Redis 7.0's OBJECT ENCODING
	// would for the same contents and history.
	encoding() string
	// mark is the generation the collection belongs to, for
	// copy-on-write under snapshots (cow.go).
	mark() *cowMark
}

// bulk returns b as a *Bulk reply held by the session, which spares the
// allocation that boxing a []byte into a Reply costs. Growing the slice
// leaves earlier *Bulk replies pointing at the old array, which still
// holds them.
func (db *DB) bulk(b []byte) Reply {
	s := db.sess
	s.bulks = append(s.bulks, Bulk{B: b})
	return &s.bulks[len(s.bulks)-1]
}

// int returns n as an *Int reply held by the session, as bulk does for
// a []byte.
func (db *DB) int(n int64) Reply {
	s := db.sess
	s.ints = append(s.ints, Int{N: n})
	return &s.ints[len(s.ints)-1]
}

// bulks returns an empty Bulks with room for n elements, for an array
// reply built under the lock. Up to maxElems elements it is carved from
// the session's array of elements, so that a client repeating a command
// costs no allocation. When that array is full a bigger one replaces it,
// up to maxElems, leaving the replies carved before holding the old one.
func (db *DB) bulks(n int) Bulks {
	if n > maxElems {
		return make(Bulks, 0, n)
	}
	s := db.sess
	if cap(s.elems)-len(s.elems) < n {
		s.elems = make([][]byte, 0, min(max(2*cap(s.elems), n), maxElems))
	}
	start := len(s.elems)
	s.elems = s.elems[:start+n]
	return s.elems[start : start : start+n]
}

// maxElems bounds a session's array of elements for Bulks replies (see
// DB.bulks): at most 24 KiB, less for a client that never asks for as
// many.
const maxElems = 1024

// stringValue returns a string value for bytes the caller does not own:
// short strings are copied into the dict's segments by put, longer ones
// are copied here.
func stringValue(b []byte) value {
	if len(b) > inlineMax {
		b = clone(b)
	}
	return value{str: b}
}

// DB is the handle a command runs against: the selected keyspace, the
// time the command started, and whether Exec holds the write lock.
type DB struct {
	eng   *Engine
	sess  *Session
	ks    *keyspace
	nowMs int64 // unix milliseconds when the command first asked; 0 until then
	write bool
	slot  int // where lookup under the write lock last found a key, for replace
}

// now returns the command's time in unix milliseconds. Like Redis, a
// command sees one time throughout; it is read lazily because most
// commands never need it.
func (db *DB) now() int64 {
	if db.nowMs == 0 {
		db.nowMs = db.eng.now().UnixMilli()
	}
	return db.nowMs
}

// expired reports whether key has a TTL at or before now.
func (db *DB) expired(key string) bool {
	at, ok := db.ks.expires.get(key)
	return ok && at < db.now()
}

// lookup returns the live value of key. An expired key is missing, and
// is deleted as Redis deletes a key that a command finds expired (see
// DB.expireFound).
func (db *DB) lookup(key []byte) (value, bool) {
	var v value
	var ok bool
	if db.write {
		v, db.slot, ok = db.ks.keys.getMut(key) // the command may change it: see cow.go
	} else {
		v, ok = db.ks.keys.get(key)
	}
	if !ok {
		return value{}, false
	}
	if db.expired(string(key)) {
		db.expireFound(key)
		return value{}, false
	}
	if db.eng.mem.track.Load() {
		db.touchKey(key)
	}
	return v, true
}

// lookupRead is lookup for commands that count keyspace hits and misses
// and announce a miss, as Redis's lookupKeyRead.
func (db *DB) lookupRead(key []byte) (value, bool) {
	v, ok := db.lookup(key)
	if ok {
		db.sess.counters.hits.Add(1)
	} else {
		db.sess.counters.misses.Add(1)
		if db.eng.notifyFlags.Load()&notifyKeyMiss != 0 {
			db.notifyMiss(key)
		}
	}
	return v, ok
}

// lookupStats is lookup for commands that count keyspace hits and misses
// but announce no miss, as Redis's lookups with LOOKUP_NONOTIFY (OBJECT).
func (db *DB) lookupStats(key []byte) (value, bool) {
	v, ok := db.lookup(key)
	if ok {
		db.sess.counters.hits.Add(1)
	} else {
		db.sess.counters.misses.Add(1)
	}
	return v, ok
}

// notifyMiss announces a read that found no key. After an expiry that
// waits for the read lock to be released, the announcement waits behind
// it, so that subscribers see "expired" before "keymiss" as from Redis.
func (db *DB) notifyMiss(key []byte) {
	s := db.sess
	if len(s.lazy) > 0 {
		s.lazy = append(s.lazy, lazyEvent{db: s.db, key: string(key), miss: true})
		return
	}
	db.eng.notifyKey(s.db, notifyKeyMiss, "keymiss", key)
}

// expireIfNeeded reports whether key is stored but expired, and then has
// it deleted (see DB.expireFound), as Redis's expireIfNeeded. Commands
// that walk the keyspace instead of looking keys up call it.
func (db *DB) expireIfNeeded(key []byte) bool {
	if !db.expired(str(key)) {
		return false
	}
	db.expireFound(key)
	return true
}

// expireFound deletes key, which the running command found expired, as
// Redis deletes a key on the access that finds it expired. Under the
// write lock (a write, or any command inside EXEC, which takes it) it is
// deleted at once. Under the read lock nothing can be deleted: the key is
// recorded on the session, and Exec deletes it under the write lock once
// the command is done, before its reply leaves (see Engine.expireLazy).
func (db *DB) expireFound(key []byte) {
	if db.write || db.sess.tx.inExec {
		db.expire(string(key))
		return
	}
	db.sess.lazy = append(db.sess.lazy, lazyEvent{db: db.index(), key: string(key)})
}

// lazyEvent is what a read-only command left to do under the write lock:
// delete an expired key it found, or announce a key miss that must follow
// such a deletion.
type lazyEvent struct {
	db   int
	key  string
	miss bool // a "keymiss" announcement, not an expiry
}

// expire deletes key, which has expired; the caller holds the write lock.
func (db *DB) expire(key string) {
	db.eng.expireKey(db.sess, db.index(), key)
}

// index returns the number of the database db reads: the session's, but
// for the other database of MOVE and COPY ... DB.
func (db *DB) index() int {
	if i := db.sess.db; db.eng.dbs[i] == db.ks {
		return i
	}
	return slices.Index(db.eng.dbs, db.ks)
}

// expireKey deletes key of database dbi, whose TTL has passed, as Redis's
// deleteExpiredKeyAndPropagate: the key's watchers are touched, it counts
// in expired_keys, "expired" is announced and DEL journaled. s is the
// session whose command found it, nil for the active expiry cycle. The
// caller holds the write lock.
func (e *Engine) expireKey(s *Session, dbi int, key string) {
	ks := e.dbs[dbi]
	e.touch(dbi, bytesOf(key), true)
	ks.keys.delete(bytesOf(key))
	ks.expires.del(key)
	e.stats.expired.Add(1)
	if e.notifyFlags.Load() != 0 {
		e.notifyKey(dbi, notifyExpired, "expired", bytesOf(key))
	}
	if e.journal != nil {
		e.journalExpiry(s, dbi, key)
	}
}

// journalExpiry journals the deletion of an expired key as DEL, as Redis
// propagates it, so that replaying the journal never brings the key back
// or counts it in DBSIZE. Inside EXEC the DEL joins the transaction's
// writes, in the order they ran.
func (e *Engine) journalExpiry(s *Session, dbi int, key string) {
	args := [][]byte{[]byte("DEL"), []byte(key)}
	if s != nil && s.tx.inExec {
		s.tx.log = append(s.tx.log, journaled{db: dbi, args: args})
		return
	}
	if err := e.journal.Append(dbi, args); err != nil {
		e.log.Error("journal append failed", "command", "DEL", "err", err)
	}
}

// expireLazy deletes, under the write lock, the expired keys the
// session's read-only command found under the read lock (see
// DB.expireFound), each only if it is still expired: another client may
// have set it again, or the active cycle deleted it, in between. Key-miss
// announcements held back behind them go out in order. Exec calls it
// after the read lock is released and before the reply leaves, so that
// the reader, and whoever it talks to next, sees the key gone.
func (e *Engine) expireLazy(s *Session) {
	e.mu.Lock()
	now := e.now().UnixMilli()
	for _, ev := range s.lazy {
		if ev.miss {
			e.notifyKey(ev.db, notifyKeyMiss, "keymiss", bytesOf(ev.key))
			continue
		}
		if at, ok := e.dbs[ev.db].expires.get(ev.key); ok && at < now {
			e.expireKey(s, ev.db, ev.key)
		}
	}
	if e.disk.aof != nil {
		e.flushAOF()
	}
	e.mu.Unlock()
	clear(s.lazy)
	s.lazy = s.lazy[:0]
	if e.disk.aof != nil {
		e.awaitSync()
	}
}

// getString returns key's string value; ok is false when key is missing.
func (db *DB) getString(key []byte) (b []byte, ok bool, err error) {
	v, ok := db.lookupRead(key)
	if !ok {
		return nil, false, nil
	}
	if v.obj != nil {
		return nil, false, ErrWrongType
	}
	return v.str, true, nil
}

// set stores v at key, dropping any TTL, and counts one change.
func (db *DB) set(key []byte, v value) {
	db.storeFresh(key, v)
	db.changed(1)
}

// create stores a new collection at key without counting a change; the
// caller counts the elements it adds.
func (db *DB) create(key []byte, v value) { db.storeFresh(key, v) }

// storeFresh puts v at key without a TTL. A key there whose TTL has passed is
// first deleted as expired, as Redis's lookupKeyWrite in setKey deletes
// it, with its event and its DEL journaled.
func (db *DB) storeFresh(key []byte, v value) {
	if at, ok := db.ks.expires.get(str(key)); ok {
		if at < db.now() {
			db.expire(string(key))
		} else {
			db.ks.expires.del(str(key))
		}
	}
	db.notifyNew(key)
	db.ks.keys.put(key, v)
}

// replace stores v at an existing key, keeping its TTL. After lookup
// found the key it costs no second search.
func (db *DB) replace(key []byte, v value) {
	db.ks.keys.replaceAt(db.slot, key, v)
	db.changed(1)
}

// del deletes key if it is live and reports whether it was.
func (db *DB) del(key []byte) bool {
	if _, ok := db.lookup(key); !ok {
		return false
	}
	db.ks.keys.delete(key)
	db.ks.expires.del(str(key))
	db.changed(1)
	return true
}

// setExpire sets key's absolute expiry time in unix milliseconds.
func (db *DB) setExpire(key []byte, at int64) {
	db.ks.expires.set(string(key), at)
	db.changed(1)
}

// ttl returns key's expiry time, or -1 when it has none.
func (db *DB) ttl(key []byte) int64 {
	if at, ok := db.ks.expires.get(str(key)); ok {
		return at
	}
	return -1
}

// propagate makes the running command journal args instead of itself;
// called more than once, it journals each in turn. Commands whose effect
// depends on the time or on chance use it so that replaying the journal
// gives the same data: relative TTLs become PEXPIREAT, SPOP becomes SREM.
// args must not alias the caller's read buffer.
func (db *DB) propagate(args ...[]byte) {
	db.sess.props = append(db.sess.props, args)
}

// changed counts n changes toward the next snapshot and marks the command
// as one to journal.
func (db *DB) changed(n int64) { db.eng.dirty.Add(n) }

// exists reports whether key is in the keyspace, expired or not.
func (ks *keyspace) exists(key string) bool {
	_, ok := ks.keys.get(bytesOf(key))
	return ok
}

// size returns the number of keys, counting expired ones not yet reclaimed,
// as Redis's DBSIZE does.
func (ks *keyspace) size() int { return ks.keys.len() }

// Active expiry. Like Redis, each cycle samples keys that have a TTL and
// deletes the expired ones, repeating while more than a quarter of a
// sample had expired, in slices of work that hold the write lock for at
// most sliceBudget.
const (
	expireSample = 20
	sliceBudget  = time.Millisecond
	cycleBudget  = 25 * time.Millisecond
)

// ExpireCycle runs one active expiry cycle over every database and returns
// the number of keys it deleted. Run calls it ten times a second.
func (e *Engine) ExpireCycle() int {
	total := 0
	start := time.Now()
	for i := range e.dbs {
		for time.Since(start) < cycleBudget {
			n, more := e.expireSlice(i)
			total += n
			if !more {
				break
			}
		}
	}
	return total
}

// expireSlice samples one database under the write lock for at most
// sliceBudget. more is true when the last sample was still more than a
// quarter expired, so another slice is worth running.
func (e *Engine) expireSlice(i int) (deleted int, more bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ks := e.dbs[i]
	now := e.now().UnixMilli()
	start := time.Now()
	for ks.expires.len() > 0 {
		sampled, expired := 0, 0
		ks.expires.sample(rand.Uint64(), func(k string, at int64) bool {
			if at < now {
				e.expireKey(nil, i, k)
				expired++
			}
			sampled++
			return sampled < expireSample
		})
		deleted += expired
		if expired*4 <= sampled {
			break
		}
		if time.Since(start) >= sliceBudget {
			more = true
			break
		}
	}
	if deleted > 0 && e.disk.aof != nil {
		e.flushAOF() // the DELs go to the file as a write's would
	}
	return deleted, more
}

// Run reclaims expired keys that nobody reads, ten times a second, until
// ctx is done.
//
// It also keeps the coarse clock that commands read instead of the real
// one, refreshing it every millisecond while commands read it. After
// clockIdle without a reading it lets the clock go, so that an idle
// server or shell costs no CPU a thousand times a second; commands then
// read the real clock, and the first one wakes the ticker again.
func (e *Engine) Run(ctx context.Context) {
	defer func() {
		e.idle.Store(false)
		e.clock.Store(0)
	}()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	cron := time.NewTicker(100 * time.Millisecond)
	defer cron.Stop()
	unread := 0 // ticks since a command last read the clock
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if e.ticked.Swap(false) {
				unread = 0
			} else if unread++; unread == clockIdle {
				e.clock.Store(0)
				e.idle.Store(true)
				tick.Stop()
				continue
			}
			e.clock.Store(e.mono())
		case <-e.wake:
			unread = 0
			e.clock.Store(e.mono())
			tick.Reset(time.Millisecond)
		case <-cron.C:
			e.ExpireCycle()
			e.sampleOps()
			e.samplePeak()
		}
	}
}

// clockIdle is how many milliseconds without a command Run keeps the
// coarse clock ticking.
const clockIdle = 100
