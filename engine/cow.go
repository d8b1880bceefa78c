package engine

import "sync/atomic"

// Background snapshots share the live keyspace's collections instead of
// copying them while they hold the lock, which for a sorted set of a
// million members took the best part of a second. A command that is
// about to change a collection a live snapshot still holds copies it
// first and changes the copy (copy-on-write, as a forked Redis child
// shares pages with its parent), so the snapshot keeps what it was
// taken with. Strings need none of this: they are replaced, never
// changed in place.
//
// Each dict counts generations: a snapshot starts a new one. A
// collection carries the generation it was stored or last copied in;
// one from an earlier generation may be shared with a snapshot, one from
// the current generation cannot be.

// cowState is a dict's snapshot bookkeeping, shared by the dict and the
// copies snapshots take of it.
type cowState struct {
	gen    atomic.Uint32 // the current generation; every snapshot starts a new one
	shared atomic.Int32  // snapshots taken of the dict and not yet released
}

// cowMark is embedded in every collection: the generation of its dict in
// which it was stored or last copied.
type cowMark struct{ gen uint32 }

// mark returns the collection's mark.
func (m *cowMark) mark() *cowMark { return m }

// adopt marks a collection being stored in the dict as belonging to the
// current generation.
func (c *cowState) adopt(o any) {
	if obj, ok := o.(object); ok {
		obj.mark().gen = c.gen.Load()
	}
}

// own returns the collection at objs[idx] ready to be changed in place:
// the same one when no live snapshot can hold it, else a copy that
// replaces it in objs. The caller holds the write lock.
func (d *dict) own(idx uint64, obj object) object {
	gen := d.cow.gen.Load()
	m := obj.mark()
	if m.gen == gen {
		return obj
	}
	if d.cow.shared.Load() == 0 {
		m.gen = gen
		return obj
	}
	c := obj.clone()
	c.mark().gen = gen
	d.objs[idx] = c
	d.measure(uint32(idx))
	return c
}

// share returns a copy of d for a snapshot: its slots copied into buf
// when buf is large enough (memory already mapped, which a background
// save reuses so as not to fault in tens of megabytes of fresh pages
// while it holds the lock), the segments and collections shared. It
// starts a new generation, so that commands copy a collection before
// changing it until the snapshot is released. The caller holds the lock
// in either mode.
func (d *dict) share(buf []slot) *dict {
	c := *d
	c.slots = append(buf[:0], d.slots...)
	c.segs = append([][]byte(nil), d.segs...)
	c.objs = append([]any(nil), d.objs...)
	// What only the live dict's writes use stays behind.
	c.live, c.queued, c.freeSegs, c.sparse, c.freeObjs = nil, nil, nil, nil, nil
	c.acct = acct{}
	d.cow.shared.Add(1)
	d.cow.gen.Add(1)
	return &c
}

// release ends a snapshot's hold on the collections of the dict it was
// taken from. c must be a copy share returned, released once.
func (c *dict) release() { c.cow.shared.Add(-1) }
