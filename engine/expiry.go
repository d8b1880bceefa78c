package engine

import (
	"hash/maphash"
	"maps"
	"slices"
)

// expiries holds a keyspace's TTLs, as unix milliseconds by key, for the
// keys that have one. It is split into shards by a hash of the key so
// that a snapshot can share it: the snapshot copies the shard pointers,
// and a write afterwards copies only the shard it changes, the way dict
// shares collections (cow.go). Copying a plain map of a million TTLs
// under the lock took 100 ms.
type expiries struct {
	seed   maphash.Seed
	shards []*expShard // expShards of them, nil until a key lands in one
	n      int
	cow    *cowState
}

// expShard is one shard of expiries, with the generation it was made
// or last copied in.
type expShard struct {
	gen uint32
	m   map[string]int64
}

// expShards is how many shards expiries has: a power of two. A write
// after a snapshot copies at most a 256th of the TTLs.
const expShards = 256

func newExpiries() *expiries {
	return &expiries{seed: maphash.MakeSeed(), shards: make([]*expShard, expShards), cow: new(cowState)}
}

// len returns the number of keys with a TTL.
func (x *expiries) len() int { return x.n }

func (x *expiries) shard(key string) int { return int(maphash.String(x.seed, key) & (expShards - 1)) }

// get returns key's TTL.
func (x *expiries) get(key string) (int64, bool) {
	if x.n == 0 {
		return 0, false
	}
	s := x.shards[x.shard(key)]
	if s == nil {
		return 0, false
	}
	at, ok := s.m[key]
	return at, ok
}

// set gives key the TTL at.
func (x *expiries) set(key string, at int64) {
	s := x.own(x.shard(key))
	if _, ok := s.m[key]; !ok {
		x.n++
	}
	s.m[key] = at
}

// del removes key's TTL and reports whether it had one.
func (x *expiries) del(key string) bool {
	if x.n == 0 {
		return false
	}
	i := x.shard(key)
	if s := x.shards[i]; s == nil {
		return false
	} else if _, ok := s.m[key]; !ok {
		return false
	}
	delete(x.own(i).m, key)
	x.n--
	return true
}

// own returns shard i ready to be changed: made when missing, and copied
// first when a live snapshot may share it.
func (x *expiries) own(i int) *expShard {
	gen := x.cow.gen.Load()
	s := x.shards[i]
	switch {
	case s == nil:
		s = &expShard{gen: gen, m: make(map[string]int64)}
		x.shards[i] = s
	case s.gen == gen:
	case x.cow.shared.Load() > 0:
		s = &expShard{gen: gen, m: maps.Clone(s.m)}
		x.shards[i] = s
	default:
		s.gen = gen
	}
	return s
}

// sample calls fn with keys and their TTLs, starting from a random place
// (shard start, and Go's random start within a map), until fn returns
// false or every key has been seen. Keys may be deleted meanwhile.
func (x *expiries) sample(start uint64, fn func(key string, at int64) bool) {
	if x.n == 0 {
		return
	}
	for j := range uint64(expShards) {
		s := x.shards[(start+j)&(expShards-1)]
		if s == nil {
			continue
		}
		for k, at := range s.m {
			if !fn(k, at) {
				return
			}
		}
	}
}

// share returns a copy for a snapshot, sharing the shards, and starts a
// new generation so that writes copy a shard before changing it until
// the snapshot is released. The caller holds the lock in either mode.
func (x *expiries) share() *expiries {
	c := &expiries{seed: x.seed, shards: slices.Clone(x.shards), n: x.n, cow: x.cow}
	x.cow.shared.Add(1)
	x.cow.gen.Add(1)
	return c
}

// release ends a snapshot's hold on the shards; c is a copy share
// returned, released once.
func (c *expiries) release() { c.cow.shared.Add(-1) }
