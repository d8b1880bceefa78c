package engine

import (
	"fmt"
	"sync"
	"time"
)

// Kind is the type of a key's value, as TYPE names it.
type Kind uint8

// The value types.
const (
	KindString Kind = iota + 1
	KindList
	KindHash
	KindSet
	KindZSet
)

func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindList:
		return "list"
	case KindHash:
		return "hash"
	case KindSet:
		return "set"
	case KindZSet:
		return "zset"
	}
	return "none"
}

// Value is a read-only view of one key's value, for packages that move
// data in and out of the engine (snapshots, DUMP/RESTORE). The bytes it
// hands out must not be changed.
type Value struct{ v value }

// StringValue returns a string value holding b, which the engine keeps.
func StringValue(b []byte) Value { return Value{value{str: b}} }

// ListValue returns a list of elems, head first. The list holds copies:
// elems stay the caller's.
func ListValue(elems [][]byte) Value { return Value{value{obj: newListOf(elems)}} }

// HashValue returns a hash from alternating fields and values.
func HashValue(pairs [][]byte) Value {
	h := newHash(len(pairs) / 2)
	for i := 0; i+1 < len(pairs); i += 2 {
		h.set(pairs[i], pairs[i+1])
	}
	return Value{value{obj: h}}
}

// Kind returns the value's type.
func (v Value) Kind() Kind { return v.v.kind() }

func (v value) kind() Kind {
	if v.obj == nil {
		return KindString
	}
	return v.obj.kind()
}

// Bytes returns a string value's bytes.
func (v Value) Bytes() []byte { return v.v.str }

// Len returns the number of elements of a list or fields of a hash, or a
// string's length.
func (v Value) Len() int {
	if v.v.obj != nil {
		return v.v.obj.len()
	}
	return len(v.v.str)
}

// Elems calls fn with each element of a list, head first, until fn
// returns an error.
func (v Value) Elems(fn func(elem []byte) error) error {
	if l, ok := v.v.obj.(*list); ok {
		for e := range l.from(0) {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// Pairs calls fn with each field and value of a hash until fn returns an
// error.
func (v Value) Pairs(fn func(field string, val []byte) error) error {
	if h, ok := v.v.obj.(*hash); ok {
		var err error
		h.each(func(f, val []byte) bool {
			err = fn(str(f), val)
			return err == nil
		})
		return err
	}
	return nil
}

// Encoding names the value's representation as OBJECT ENCODING does:
// "listpack" or "hashtable" for a hash, "intset" or "hashtable" for a set,
// "listpack" or "skiplist" for a sorted set, "quicklist" for a list, and
// "int", "embstr" or "raw" for a string. Snapshots choose the RDB
// encoding Redis would from it.
func (v Value) Encoding() string { return encodingOf(v.v) }

// Ints returns the members of a set kept as an intset, ascending, and
// true; for any other value it returns nil and false. The slice must not
// be changed.
func (v Value) Ints() ([]int64, bool) {
	s, ok := v.v.obj.(*set)
	if !ok || !s.isIntset() {
		return nil, false
	}
	return s.ints, true
}

// ZMembersDesc is ZMembers in descending order, the order Redis writes a
// skip list in so that reading it back inserts each member at the head.
func (v Value) ZMembersDesc(fn func(member []byte, score float64) error) error {
	z, ok := v.v.obj.(*zset)
	if !ok {
		return nil
	}
	for x := z.tail; x != nil; x = x.prev {
		if err := fn(bytesOf(x.member), x.score); err != nil {
			return err
		}
	}
	return nil
}

// Snapshot is a point-in-time copy of every database, taken by the
// engine and written out by a Snapshotter without holding any lock.
type Snapshot struct {
	Time time.Time
	dbs  []*keyspace
	// shares is set when the dbs share the live keyspaces' collections
	// (dict.share), which Release ends.
	shares  bool
	release sync.Once
	// pace, when set, is called every 1024 keys by Each: a background
	// save's or rewrite's way to leave room to the clients (see pacer).
	pace func()
}

// Release tells the engine that nothing reads the snapshot any more. Until
// then a command copies any collection the snapshot shares before it
// changes it; a snapshot never released costs those copies, never
// correctness.
func (s *Snapshot) Release() {
	if !s.shares {
		return
	}
	s.release.Do(func() {
		for _, ks := range s.dbs {
			ks.keys.release()
			ks.expires.release()
		}
	})
}

// DBs returns the number of databases.
func (s *Snapshot) DBs() int { return len(s.dbs) }

// Size returns the number of keys in database i and how many have a TTL.
func (s *Snapshot) Size(i int) (keys, expires int) {
	return s.dbs[i].size(), s.dbs[i].expires.len()
}

// Each calls fn for every key of database i that has not expired at the
// snapshot's time, with its absolute expiry in unix milliseconds (0: none),
// until fn returns an error.
func (s *Snapshot) Each(i int, fn func(key string, v Value, expireAt int64) error) error {
	ks := s.dbs[i]
	now := s.Time.UnixMilli()
	var err error
	n := 0
	ks.keys.each(func(k []byte, v value) bool {
		if n++; n&1023 == 0 && s.pace != nil {
			s.pace()
		}
		at, ok := ks.expires.get(str(k))
		if ok && at < now {
			return true
		}
		err = fn(str(k), Value{v}, at)
		return err == nil
	})
	return err
}

// pacer returns a pace for a background snapshot of e: while clients
// are being served, it sleeps for as long as the work since the last
// sleep took, once that is a millisecond, so that the save runs at most
// half the time and leaves the cores, the memory bus and the cache to
// the clients the other half. On an idle server (no command for 100 ms,
// when Run stops the coarse clock) the save runs flat out. Measured with
// scripts/bgsave-latency.sh's procedure, 07:45 UTC, load average 3: the
// p99 of GET and SET during saves 1.4-1.9 ms against 1.1-1.7 ms without,
// where unpaced it was 3.3-4.3 ms.
func (e *Engine) pacer() func() {
	last := time.Now()
	return func() {
		work := time.Since(last)
		if work < time.Millisecond {
			return
		}
		if !e.idle.Load() {
			time.Sleep(work)
		}
		last = time.Now()
	}
}

// snapshot copies the keyspaces. The caller holds the lock in either mode.
// The dicts' slots are copied and their segments and collections shared
// (see dict.share), as are the TTLs' shards (expiries.share), so the copy
// costs little more than a memcpy of the slots.
func (e *Engine) snapshot() *Snapshot { return e.snapshotInto(nil) }

// snapshotInto is snapshot with database i's slots copied into bufs[i]
// where it is large enough (see dict.share).
func (e *Engine) snapshotInto(bufs [][]slot) *Snapshot {
	s := &Snapshot{Time: e.now(), dbs: make([]*keyspace, len(e.dbs)), shares: true}
	for i, ks := range e.dbs {
		var buf []slot
		if i < len(bufs) {
			buf = bufs[i]
		}
		s.dbs[i] = &keyspace{keys: ks.keys.share(buf), expires: ks.expires.share()}
	}
	return s
}

// Put stores a key read from outside (a snapshot file) in database db,
// with an absolute expiry in unix milliseconds (0: none). Keys already
// expired are dropped, as Redis does when it loads a file.
func (e *Engine) Put(db int, key string, v Value, expireAt int64) error {
	if db < 0 || db >= len(e.dbs) {
		return fmt.Errorf("database %d out of range (0-%d)", db, len(e.dbs)-1)
	}
	if v.v.kind() == 0 {
		return fmt.Errorf("key %q: empty value", key)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if expireAt > 0 && expireAt < e.now().UnixMilli() {
		return nil
	}
	ks := e.dbs[db]
	ks.keys.put(bytesOf(key), v.v)
	if expireAt > 0 {
		ks.expires.set(key, expireAt)
	} else {
		ks.expires.del(key)
	}
	return nil
}

// EachKey calls fn with each key of database db whose TTL has not
// passed, until fn returns false, under the read lock and without a
// snapshot: for tools that look at a few keys, as the shell's completion
// does. fn must not call the engine.
func (e *Engine) EachKey(db int, fn func(key string) bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	ks := e.dbs[db]
	now := e.now().UnixMilli()
	ks.keys.each(func(k []byte, _ value) bool {
		if at, ok := ks.expires.get(str(k)); ok && at < now {
			return true
		}
		return fn(string(k))
	})
}

// Databases returns the number of databases.
func (e *Engine) Databases() int { return len(e.dbs) }

// Snapshot returns a point-in-time copy of every database.
func (e *Engine) Snapshot() *Snapshot {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.snapshot()
}
