package engine

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// dict is a keyspace's table of keys and values, laid out for a garbage
// collected runtime: the slots hold no pointers, and keys and small string
// values are packed together in append-only byte segments, so a million
// keys cost the collector a few hundred segments instead of millions of
// objects, and a lookup touches one slot and one record.
//
// A slot holds the key's 64-bit hash and a reference to its record. A
// record is
//
//	tag byte | key length uvarint | key | payload
//
// where the payload of an inline string (tag recString) is its length and
// bytes, and that of anything else (tag recObject) is an index into objs:
// lists, hashes, and strings longer than inlineMax, which keep their own
// slice so that APPEND can grow them in place.
//
// Records are never changed once written; replacing or deleting a key
// writes a new record or none and counts the old one's bytes as dead. So
// a slice handed out from a segment stays valid and unchanged for as long
// as anyone holds it, even after the key is gone. A sealed segment whose
// live bytes fall under half is compacted a step at a time by the writes
// that follow: its live records move to the open segment and it is
// dropped.
type dict struct {
	seed  maphash.Seed
	slots []slot
	used  int // live keys
	tombs int // deleted slots not yet reclaimed by a rehash

	segs     [][]byte // record segments; segs[open] takes new records
	live     []int    // live record bytes per segment
	open     int
	freeSegs []int // indexes of dropped segments, for reuse
	sparse   []int // sealed segments under half live, waiting to be compacted
	queued   []bool

	objs     []any // values that are not inline strings
	freeObjs []uint32

	cow *cowState // generations of the collections in objs, for snapshots; see cow.go

	acct // what the data costs, and each key's access clock; see memory.go
}

type slot struct {
	hash uint64 // slotEmpty, slotDeleted, or the key's hash with hashSet set
	ref  uint64 // segment index << 32 | offset of the record
}

const (
	slotEmpty   = 0
	slotDeleted = 1
	hashSet     = 1 << 63 // set in every live slot's hash so it is never 0 or 1

	recString = 0
	recObject = 1
	// Inline strings whose encoding their history decided (see strEnc)
	// have tag recEnc plus their strEnc.
	recEnc = 2

	segSize   = 64 << 10
	inlineMax = 64 // strings up to this many bytes live in the segments
	minSlots  = 8
)

func newDict() *dict {
	return &dict{seed: maphash.MakeSeed(), slots: make([]slot, minSlots), cow: new(cowState)}
}

func (d *dict) len() int { return d.used }

func (d *dict) hash(key []byte) uint64 { return maphash.Bytes(d.seed, key) | hashSet }

// record returns the record at ref.
func (d *dict) record(ref uint64) []byte {
	return d.segs[ref>>32][uint32(ref):]
}

// parse splits a record into its key and payload and returns its length.
func parse(rec []byte) (tag byte, key []byte, payload uint64, val []byte, n int) {
	tag = rec[0]
	klen, p := uvarint(rec, 1)
	key = rec[p : p+int(klen)]
	p += int(klen)
	x, p := uvarint(rec, p)
	if tag != recObject {
		val = rec[p : p+int(x) : p+int(x)]
		p += int(x)
	}
	return tag, key, x, val, p
}

// find returns the slot index holding key, or -1.
func (d *dict) find(key []byte, h uint64) int {
	mask := uint64(len(d.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &d.slots[i]
		switch {
		case s.hash == slotEmpty:
			return -1
		case s.hash == h:
			if _, k, _, _, _ := parse(d.record(s.ref)); string(k) == string(key) {
				return int(i)
			}
		}
	}
}

// get returns key's value. An inline string's bytes have no spare
// capacity, so appending to them copies.
func (d *dict) get(key []byte) (value, bool) {
	h := d.hash(key)
	mask := uint64(len(d.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &d.slots[i]
		if s.hash == slotEmpty {
			return value{}, false
		}
		if s.hash != h {
			continue
		}
		tag, k, idx, val, _ := parse(d.record(s.ref))
		if string(k) == string(key) {
			return d.valueOf(tag, idx, val), true
		}
	}
}

// getMut is get for a command that may change a collection in place: a
// collection a live snapshot shares is copied first (see cow.go). It
// also returns the slot where key is, for replaceAt.
func (d *dict) getMut(key []byte) (v value, slot int, ok bool) {
	i := d.find(key, d.hash(key))
	if i < 0 {
		return value{}, 0, false
	}
	tag, _, idx, val, _ := parse(d.record(d.slots[i].ref))
	v = d.valueOf(tag, idx, val)
	if v.obj != nil {
		v.obj = d.own(idx, v.obj)
	}
	return v, i, true
}

func (d *dict) valueAt(ref uint64) value {
	tag, _, idx, val, _ := parse(d.record(ref))
	return d.valueOf(tag, idx, val)
}

func (d *dict) valueOf(tag byte, idx uint64, val []byte) value {
	switch tag {
	case recString:
		return value{str: val}
	case recObject:
	default:
		return value{str: val, enc: strEnc(tag - recEnc)}
	}
	if b, ok := d.objs[idx].([]byte); ok {
		return value{str: b}
	}
	return value{obj: d.objs[idx].(object)}
}

// put stores v at key, replacing any value it had.
func (d *dict) put(key []byte, v value) {
	h := d.hash(key)
	i := d.find(key, h)
	if i >= 0 {
		d.replaceSlot(i, key, v)
		return
	}
	if (d.used+d.tombs+1)*4 > len(d.slots)*3 {
		d.rehash()
	}
	mask := uint64(len(d.slots) - 1)
	j := h & mask
	for d.slots[j].hash > slotDeleted {
		j = (j + 1) & mask
	}
	if d.slots[j].hash == slotDeleted {
		d.tombs--
	}
	if d.meta != nil {
		d.meta[j] = 0 // a new key: see evict.go
	}
	d.slots[j] = slot{hash: h, ref: d.write(key, v)}
	d.used++
}

// replaceAt is put for a key that getMut found at slot: while that slot
// still holds key, as it does unless the command deleted the key or added
// others since, the key's hash and probe are spared.
func (d *dict) replaceAt(slot int, key []byte, v value) {
	if slot < len(d.slots) && d.slots[slot].hash > slotDeleted {
		if _, k, _, _, _ := parse(d.record(d.slots[slot].ref)); string(k) == string(key) {
			d.replaceSlot(slot, key, v)
			return
		}
	}
	d.put(key, v)
}

// replaceSlot stores v at key, which slot i holds.
func (d *dict) replaceSlot(i int, key []byte, v value) {
	old := d.slots[i].ref
	tag, _, idx, _, n := parse(d.record(old))
	if tag == recObject && !isInline(v) {
		// Object to object: the record stays, only objs changes.
		d.objs[idx] = objectOf(v)
		d.cow.adopt(d.objs[idx])
		d.measure(uint32(idx))
		return
	}
	if tag == recObject {
		d.freeObj(uint32(idx))
	}
	d.dead(old, n)
	d.slots[i].ref = d.write(key, v)
	d.compactStep()
}

// delete removes key and reports whether it was there.
func (d *dict) delete(key []byte) bool {
	i := d.find(key, d.hash(key))
	if i < 0 {
		return false
	}
	ref := d.slots[i].ref
	tag, _, idx, _, n := parse(d.record(ref))
	if tag == recObject {
		d.freeObj(uint32(idx))
	}
	d.dead(ref, n)
	d.slots[i] = slot{hash: slotDeleted}
	d.used--
	d.tombs++
	d.compactStep()
	if d.used*8 < len(d.slots) && len(d.slots) > minSlots {
		d.rehash() // shrink, as Redis does when a table is under a tenth full
	}
	return true
}

func isInline(v value) bool { return v.obj == nil && len(v.str) <= inlineMax }

// objectOf is what objs holds for a value that is not inline.
func objectOf(v value) any {
	if v.obj != nil {
		return v.obj
	}
	return v.str
}

func (d *dict) freeObj(idx uint32) {
	d.unmeasure(idx)
	d.objs[idx] = nil
	d.freeObjs = append(d.freeObjs, idx)
}

// write appends a record for key and v to the open segment and returns
// its reference.
func (d *dict) write(key []byte, v value) uint64 {
	var payload uint64
	tag := byte(recString)
	if isInline(v) {
		payload = uint64(len(v.str))
		if v.enc != encAuto {
			tag = recEnc + byte(v.enc)
		}
	} else {
		tag = recObject
		var idx uint32
		if n := len(d.freeObjs); n > 0 {
			idx = d.freeObjs[n-1]
			d.freeObjs = d.freeObjs[:n-1]
			d.objs[idx] = objectOf(v)
		} else {
			idx = uint32(len(d.objs))
			d.objs = append(d.objs, objectOf(v))
		}
		d.cow.adopt(d.objs[idx])
		payload = uint64(idx)
		d.measure(idx)
	}
	size := 1 + uvarintLen(uint64(len(key))) + len(key) + uvarintLen(payload)
	if tag != recObject {
		size += len(v.str)
	}
	seg := d.room(size)
	b := d.segs[seg]
	off := len(b)
	b = append(b, tag)
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendUvarint(b, payload)
	if tag != recObject {
		b = append(b, v.str...)
	}
	d.segs[seg] = b
	d.live[seg] += size
	d.recBytes += int64(size)
	return uint64(seg)<<32 | uint64(off)
}

// room returns a segment with space for size more bytes, opening a new
// one when the open segment is full. A record larger than a segment gets
// a segment of its own.
func (d *dict) room(size int) int {
	if len(d.segs) > 0 && len(d.segs[d.open])+size <= cap(d.segs[d.open]) {
		return d.open
	}
	seg := d.newSeg(max(size, segSize))
	if size > segSize {
		return seg // an oversized record's segment is sealed at once
	}
	if len(d.segs) > 1 {
		d.seal(d.open)
	}
	d.open = seg
	return seg
}

func (d *dict) newSeg(size int) int {
	b := make([]byte, 0, size)
	if n := len(d.freeSegs); n > 0 {
		i := d.freeSegs[n-1]
		d.freeSegs = d.freeSegs[:n-1]
		d.segs[i], d.live[i], d.queued[i] = b, 0, false
		return i
	}
	d.segs = append(d.segs, b)
	d.live = append(d.live, 0)
	d.queued = append(d.queued, false)
	return len(d.segs) - 1
}

// seal marks segment i as taking no more records, queueing it for
// compaction if it is already mostly dead.
func (d *dict) seal(i int) { d.checkSparse(i) }

// dead counts the n bytes of the record at ref as no longer live.
func (d *dict) dead(ref uint64, n int) {
	seg := int(ref >> 32)
	d.live[seg] -= n
	d.recBytes -= int64(n)
	if seg != d.open {
		d.checkSparse(seg)
	}
}

func (d *dict) checkSparse(seg int) {
	if !d.queued[seg] && d.live[seg]*2 < len(d.segs[seg]) {
		d.queued[seg] = true
		d.sparse = append(d.sparse, seg)
	}
}

// compactStep compacts one sparse segment, if any: its live records move
// to the open segment and it is dropped. The work is bounded by one
// segment's size.
func (d *dict) compactStep() {
	if len(d.sparse) == 0 {
		return
	}
	seg := d.sparse[0]
	d.sparse = d.sparse[1:]
	d.queued[seg] = false
	if seg == d.open {
		return
	}
	b := d.segs[seg]
	for off := 0; off < len(b) && d.live[seg] > 0; {
		_, key, _, _, n := parse(b[off:])
		ref := uint64(seg)<<32 | uint64(off)
		if i := d.findRef(key, ref); i >= 0 {
			rec := b[off : off+n]
			dst := d.room(n)
			noff := len(d.segs[dst])
			d.segs[dst] = append(d.segs[dst], rec...)
			d.live[dst] += n
			d.live[seg] -= n
			d.slots[i].ref = uint64(dst)<<32 | uint64(noff)
		}
		off += n
	}
	d.segs[seg] = nil
	d.live[seg] = 0
	d.freeSegs = append(d.freeSegs, seg)
}

// findRef returns the slot that refers to the record at ref for key, or
// -1 when the record is dead.
func (d *dict) findRef(key []byte, ref uint64) int {
	h := d.hash(key)
	mask := uint64(len(d.slots) - 1)
	for i := h & mask; d.slots[i].hash != slotEmpty; i = (i + 1) & mask {
		if d.slots[i].hash == h && d.slots[i].ref == ref {
			return int(i)
		}
	}
	return -1
}

// rehash rebuilds the slots at a size fit for the live keys, dropping
// tombstones. Hashes are kept in the slots, so no key is read.
func (d *dict) rehash() {
	size := minSlots
	for size < (d.used+1)*2 {
		size *= 2
	}
	old, oldMeta := d.slots, d.meta
	d.slots = make([]slot, size)
	if oldMeta != nil {
		d.meta = make([]uint32, size)
	}
	mask := uint64(size - 1)
	for i, s := range old {
		if s.hash <= slotDeleted {
			continue
		}
		j := s.hash & mask
		for d.slots[j].hash != slotEmpty {
			j = (j + 1) & mask
		}
		d.slots[j] = s
		if oldMeta != nil {
			d.meta[j] = oldMeta[i]
		}
	}
	d.tombs = 0
}

// each calls fn with every key and value until fn returns false. The key
// may be kept: segments are never changed.
func (d *dict) each(fn func(key []byte, v value) bool) {
	for _, s := range d.slots {
		if s.hash <= slotDeleted {
			continue
		}
		rec := d.record(s.ref)
		_, key, _, _, _ := parse(rec)
		if !fn(key, d.valueAt(s.ref)) {
			return
		}
	}
}

// scan calls fn with every key whose home slot (its hash masked by the
// table's size) is the bucket that cursor names, and returns the cursor of
// the next bucket, 0 when the table has been covered.
//
// This is Redis's dictScan on an open-addressed table. The cursor counts
// buckets with its bits reversed, so that when the table doubles, halves or
// is rebuilt at the same size between calls, the buckets already visited
// are still exactly those whose low bits the cursor has passed: every key
// present from the first call to the last is returned at least once, and
// a key may be returned twice only after the table shrank. A key sits in
// the probe run that starts at its home slot, before the first empty slot
// (deleting leaves a tombstone, and only a rebuild makes slots empty), so
// that run holds the whole bucket.
func (d *dict) scan(cursor uint64, fn func(key []byte, v value)) uint64 {
	mask := uint64(len(d.slots) - 1)
	home := cursor & mask
	for i := home; d.slots[i].hash != slotEmpty; i = (i + 1) & mask {
		s := d.slots[i]
		if s.hash > slotDeleted && s.hash&mask == home {
			tag, key, idx, val, _ := parse(d.record(s.ref))
			fn(key, d.valueOf(tag, idx, val))
		}
	}
	cursor |= ^mask
	cursor = bits.Reverse64(bits.Reverse64(cursor) + 1)
	return cursor
}

// random returns a key chosen by r, which the caller draws at random: the
// first live slot at or after slot r, wrapping around. Keys that follow a
// run of empty slots are the likelier, as Redis's choice is not quite
// fair either. ok is false when the table is empty.
func (d *dict) random(r uint64) (key []byte, v value, ok bool) {
	if d.used == 0 {
		return nil, value{}, false
	}
	mask := uint64(len(d.slots) - 1)
	i := r & mask
	for d.slots[i].hash <= slotDeleted {
		i = (i + 1) & mask
	}
	tag, key, idx, val, _ := parse(d.record(d.slots[i].ref))
	return key, d.valueOf(tag, idx, val), true
}

// uvarint decodes the uvarint at b[p:] and returns it and the position
// after it; one-byte values, the usual case, take the fast path.
func uvarint(b []byte, p int) (uint64, int) {
	if c := b[p]; c < 0x80 {
		return uint64(c), p + 1
	}
	x, w := binary.Uvarint(b[p:])
	return x, p + w
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// bytesOf views s as bytes without copying, for lookups only.
func bytesOf(s string) []byte {
	if len(s) == 0 {
		// An empty string may have no data pointer, and a nil slice is
		// a null reply (Bulks): an empty member or field is not missing.
		return noBytes
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// noBytes is bytesOf("").
var noBytes = []byte{}

// prefetch touches the slots, then the records, that the first argument
// of each command in cmds would find: the loads do not depend on one
// another, so the processor waits for their cache misses together
// instead of one command at a time. It changes nothing, so it may run
// under the read lock; it returns a sum of what it loaded, which the
// caller keeps so that the loads are not optimized away. A command alone,
// as a client that does not pipeline sends, gains nothing: its own
// lookup, which comes next, waits for the same loads with nothing to
// overlap, and would pay for the key's hash twice.
func (d *dict) prefetch(cmds [][][]byte) uint64 {
	if len(cmds) < 2 {
		return 0
	}
	const most = 16
	var at [most]uint64
	n := 0
	mask := uint64(len(d.slots) - 1)
	var sink uint64
	for _, args := range cmds {
		if n == most {
			break
		}
		if len(args) < 2 {
			continue
		}
		at[n] = d.hash(args[1]) & mask
		sink += d.slots[at[n]].hash
		n++
	}
	for _, i := range at[:n] {
		if s := d.slots[i]; s.hash > slotDeleted {
			sink += uint64(d.segs[s.ref>>32][uint32(s.ref)])
		}
	}
	return sink
}
