package engine

import (
	"encoding/binary"
	"iter"
	"slices"
)

// list keeps its elements packed in chunks, as Redis's quicklist keeps
// them in listpacks: a chunk is one byte slice holding a few kilobytes of
// entries, and the list is a deque of chunks. A list of a million short
// elements is then a thousand allocations the garbage collector need not
// scan instead of a million pointers it must. Push and pop at either end
// are O(1) and allocate only when a new chunk is needed; finding the i'th
// element walks the chunks from the nearer end, then the entries of one
// chunk, as Redis walks its quicklist.
//
// An entry is an element's length as a uvarint, its bytes, then its
// length again as a uvarint with the bytes in reverse order, so that a
// chunk reads from either end.
//
// Bytes once written into a chunk are never written again. Replies hold
// slices of them, uncopied, until the server encodes them after the
// engine lock is released, and a clone shares its original's chunks. So:
//   - popping moves a chunk's head or tail past the popped entry, and
//     gives up the room on that side, whose bytes are now written;
//   - a push writes only into room never written: a chunk's headroom
//     before its first entry, its tailroom after its last, or a new chunk;
//   - inserting, replacing or removing in the middle builds new chunks;
//   - a clone has no room in the chunks it shares, so that of a clone
//     and its original only the original ever writes into a chunk's room.
type list struct {
	cowMark         // see cow.go
	ring    []chunk // the chunks, head first from ring[first]; len(ring) is zero or a power of two
	first   int     // index in ring of the first chunk
	count   int     // chunks in use; each holds at least one entry
	n       int     // elements
	bytes   int64   // allocSize of every chunk, for used memory
}

// chunk is a run of a list's entries in one allocation.
type chunk struct {
	buf        []byte // the allocation; buf[head:tail] holds the entries
	head, tail int
	n          int // entries
	headroom   int // bytes before head never written, that this list may write
	tailroom   int // bytes from tail on never written, that this list may write
}

// chunkBytes is what a chunk costs in the ring, unsafe.Sizeof(chunk{}).
const chunkBytes = 64

// Chunk sizes, in bytes of entries. A chunk grows up to chunkMax as
// elements are pushed (a larger element gets a chunk of its own); a small
// end chunk is copied into a bigger one rather than followed by another,
// so that a short list keeps one chunk.
const (
	chunkMin = 32
	chunkMax = 4096
	mergeMax = chunkMax / 4 // an end chunk holding at most this much is copied, not followed
)

// entrySize is the size of the entry of an element of n bytes.
func entrySize(n int) int { return n + 2*uvarintLen(uint64(n)) }

// putEntry writes the entry of e at the start of dst and returns its size.
func putEntry(dst, e []byte) int {
	k := binary.PutUvarint(dst, uint64(len(e)))
	end := k + copy(dst[k:], e)
	for j := range k {
		dst[end+j] = dst[k-1-j]
	}
	return end + k
}

// entryAt reads the entry that starts at off in buf: the element, capped
// so that appending to it cannot reach the next entry, and where the next
// entry starts.
func entryAt(buf []byte, off int) (e []byte, next int) {
	if n := int(buf[off]); n < 0x80 {
		end := off + 1 + n
		return buf[off+1 : end : end], end + 1
	}
	return longEntryAt(buf, off)
}

// longEntryAt is entryAt for an element of 128 bytes or more.
func longEntryAt(buf []byte, off int) (e []byte, next int) {
	v, k := binary.Uvarint(buf[off:])
	start := off + k
	end := start + int(v)
	return buf[start:end:end], end + k
}

// entryBefore reads the entry that ends at end in buf: the element,
// capped, and where the entry starts.
func entryBefore(buf []byte, end int) (e []byte, start int) {
	var n, k int
	for shift := 0; ; shift += 7 {
		b := buf[end-1-k]
		n |= int(b&0x7f) << shift
		k++
		if b < 0x80 {
			break
		}
	}
	stop := end - k
	start = stop - n
	return buf[start:stop:stop], start - k
}

// live returns the bytes of c's entries.
func (c *chunk) live() []byte { return c.buf[c.head:c.tail] }

// offset returns where c's j'th entry starts, 0 <= j < c.n, walking
// from the nearer end.
func (c *chunk) offset(j int) int {
	if j < c.n/2 {
		off := c.head
		for range j {
			_, off = entryAt(c.buf, off)
		}
		return off
	}
	off := c.tail
	for range c.n - j {
		_, off = entryBefore(c.buf, off)
	}
	return off
}

// elems returns c's elements, head first.
func (c *chunk) elems() [][]byte {
	out := make([][]byte, 0, c.n)
	for off := c.head; off < c.tail; {
		var e []byte
		e, off = entryAt(c.buf, off)
		out = append(out, e)
	}
	return out
}

// chunkSize returns the size of a new chunk for about want bytes of
// entries, at least need: want kept within chunkMin and chunkMax and
// rounded up to what the allocator hands out anyway.
func chunkSize(want, need int) int {
	return int(allocSize(max(min(max(want, chunkMin), chunkMax), need)))
}

func (l *list) len() int { return l.n }

// chunk returns the k'th chunk, 0 <= k < count.
func (l *list) chunk(k int) *chunk { return &l.ring[(l.first+k)&(len(l.ring)-1)] }

// locate returns the chunk holding the i'th element, 0 <= i < n, and
// the element's index within it, walking from the nearer end.
func (l *list) locate(i int) (k, j int) {
	if i < l.n/2 {
		for k = 0; ; k++ {
			c := l.chunk(k)
			if i < c.n {
				return k, i
			}
			i -= c.n
		}
	}
	back := l.n - 1 - i // elements after the i'th
	for k = l.count - 1; ; k-- {
		c := l.chunk(k)
		if back < c.n {
			return k, c.n - 1 - back
		}
		back -= c.n
	}
}

// at returns the i'th element, 0 <= i < n.
func (l *list) at(i int) []byte {
	k, j := l.locate(i)
	c := l.chunk(k)
	e, _ := entryAt(c.buf, c.offset(j))
	return e
}

// from returns the elements from the i'th to the tail, 0 <= i, in order.
func (l *list) from(i int) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		if i >= l.n {
			return
		}
		k, j := l.locate(i)
		c := l.chunk(k)
		off := c.offset(j)
		for {
			for off < c.tail {
				var e []byte
				e, off = entryAt(c.buf, off)
				if !yield(e) {
					return
				}
			}
			if k++; k == l.count {
				return
			}
			c = l.chunk(k)
			off = c.head
		}
	}
}

// appendRange appends the m elements from the i'th on to dst, i+m <= n,
// and returns it: from without a call per element, for LRANGE and SORT.
func (l *list) appendRange(dst [][]byte, i, m int) [][]byte {
	if m <= 0 {
		return dst
	}
	k, j := l.locate(i)
	c := l.chunk(k)
	off := c.offset(j)
	for {
		for off < c.tail {
			var e []byte
			if n := int(c.buf[off]); n < 0x80 {
				// entryAt's short path, which the compiler does not inline.
				end := off + 1 + n
				e, off = c.buf[off+1:end:end], end+1
			} else {
				e, off = longEntryAt(c.buf, off)
			}
			dst = append(dst, e)
			if m--; m == 0 {
				return dst
			}
		}
		k++
		c = l.chunk(k)
		off = c.head
	}
}

// backFrom returns the elements from the i'th back to the head, i < n,
// in that order.
func (l *list) backFrom(i int) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		if i < 0 {
			return
		}
		k, j := l.locate(i)
		c := l.chunk(k)
		_, end := entryAt(c.buf, c.offset(j))
		for {
			for end > c.head {
				var e []byte
				e, end = entryBefore(c.buf, end)
				if !yield(e) {
					return
				}
			}
			if k--; k < 0 {
				return
			}
			c = l.chunk(k)
			end = c.tail
		}
	}
}

// replace replaces the i'th element, 0 <= i < n, with a copy of b.
func (l *list) replace(i int, b []byte) {
	k, j := l.locate(i)
	elems := l.chunk(k).elems()
	elems[j] = b
	l.splice(k, 1, pack(elems))
}

func (l *list) pushFront(b []byte) {
	need := entrySize(len(b))
	if l.count == 0 || l.chunk(0).headroom < need {
		l.openFront(need)
	}
	c := l.chunk(0)
	c.head -= need
	c.headroom -= need
	putEntry(c.buf[c.head:], b)
	c.n++
	l.n++
}

func (l *list) pushBack(b []byte) {
	need := entrySize(len(b))
	if l.count == 0 || l.chunk(l.count-1).tailroom < need {
		l.openBack(need)
	}
	c := l.chunk(l.count - 1)
	putEntry(c.buf[c.tail:], b)
	c.tail += need
	c.tailroom -= need
	c.n++
	l.n++
}

// reserve makes room at an end of the list for entries of size bytes in
// all when they fit in one chunk, so that pushing many elements at once
// allocates once, and a new list gets a chunk of the size it needs. At
// least one push at that end must follow, as a chunk is never empty.
func (l *list) reserve(end listEnd, size int) {
	switch {
	case size > chunkMax:
	case l.count == 0:
		size = chunkSize(size, size)
		c := chunk{buf: make([]byte, size), tailroom: size}
		if end == listLeft {
			c.head, c.tail, c.headroom, c.tailroom = size, size, size, 0
		}
		l.addChunk(end == listLeft, c)
	case end == listLeft && l.chunk(0).headroom < size:
		l.openFront(size)
	case end == listRight && l.chunk(l.count-1).tailroom < size:
		l.openBack(size)
	}
}

// openFront makes room for an entry of need bytes before the first one:
// a small first chunk moves, with headroom, into a new chunk that
// replaces it; otherwise a new chunk goes in front.
func (l *list) openFront(need int) {
	want := 2 * need
	if l.count > 0 {
		c := l.chunk(0)
		live := c.tail - c.head
		if live <= mergeMax && live+need <= chunkMax {
			size := chunkSize(2*(live+need), live+need)
			buf := make([]byte, size)
			copy(buf[size-live:], c.live())
			l.bytes += allocSize(size) - allocSize(len(c.buf))
			*c = chunk{buf: buf, head: size - live, tail: size, n: c.n, headroom: size - live}
			return
		}
		if c.head < need {
			// c filled up rather than lost its room to a pop or a
			// clone: the list is growing at this end.
			want = 2 * live
		}
	}
	size := chunkSize(want, need)
	l.addChunk(true, chunk{buf: make([]byte, size), head: size, tail: size, headroom: size})
}

// openBack makes room for an entry of need bytes after the last one, as
// openFront does before the first.
func (l *list) openBack(need int) {
	want := 2 * need
	if l.count > 0 {
		c := l.chunk(l.count - 1)
		live := c.tail - c.head
		if live <= mergeMax && live+need <= chunkMax {
			size := chunkSize(2*(live+need), live+need)
			buf := make([]byte, size)
			copy(buf, c.live())
			l.bytes += allocSize(size) - allocSize(len(c.buf))
			*c = chunk{buf: buf, tail: live, n: c.n, tailroom: size - live}
			return
		}
		if len(c.buf)-c.tail < need {
			want = 2 * live
		}
	}
	size := chunkSize(want, need)
	l.addChunk(false, chunk{buf: make([]byte, size), tailroom: size})
}

// addChunk puts c at the head of the list, or at its tail.
func (l *list) addChunk(front bool, c chunk) {
	if l.count == len(l.ring) {
		l.resize(max(2*len(l.ring), 1))
	}
	if front {
		l.first = (l.first - 1) & (len(l.ring) - 1)
	}
	l.count++
	if front {
		*l.chunk(0) = c
	} else {
		*l.chunk(l.count - 1) = c
	}
	l.bytes += allocSize(len(c.buf))
}

// dropChunk removes the first chunk, or the last.
func (l *list) dropChunk(front bool) {
	k := l.count - 1
	if front {
		k = 0
	}
	c := l.chunk(k)
	l.bytes -= allocSize(len(c.buf))
	*c = chunk{}
	if front {
		l.first = (l.first + 1) & (len(l.ring) - 1)
	}
	l.count--
}

// resize moves the chunks, head first, into a new ring of size slots.
func (l *list) resize(size int) {
	ring := make([]chunk, size)
	for k := range l.count {
		ring[k] = *l.chunk(k)
	}
	l.ring, l.first = ring, 0
}

// splice replaces the del chunks from the k'th on with cs.
func (l *list) splice(k, del int, cs []chunk) {
	for j := k; j < k+del; j++ {
		l.bytes -= allocSize(len(l.chunk(j).buf))
	}
	for _, c := range cs {
		l.bytes += allocSize(len(c.buf))
	}
	if len(cs) == del {
		for j, c := range cs {
			*l.chunk(k + j) = c
		}
		return
	}
	count := l.count - del + len(cs)
	size := 0
	if count > 0 {
		size = 1
		for size < count {
			size *= 2
		}
	}
	ring := make([]chunk, size)
	for j := range k {
		ring[j] = *l.chunk(j)
	}
	copy(ring[k:], cs)
	for j := k + del; j < l.count; j++ {
		ring[j-del+len(cs)] = *l.chunk(j)
	}
	l.ring, l.first, l.count = ring, 0, count
}

// pack returns chunks holding elems in order, each chunk as full as an
// even split of them into chunks of at most chunkMax bytes makes it; an
// element larger than that gets a chunk of its own.
func pack(elems [][]byte) []chunk {
	if len(elems) == 0 {
		return nil
	}
	total := 0
	for _, e := range elems {
		total += entrySize(len(e))
	}
	target := total / ((total + chunkMax - 1) / chunkMax)
	var out []chunk
	for len(elems) > 0 {
		size, m := 0, 0
		for ; m < len(elems); m++ {
			s := entrySize(len(elems[m]))
			if m > 0 && (size+s > chunkMax || size >= target) {
				break
			}
			size += s
		}
		c := chunk{buf: make([]byte, size), tail: size, n: m}
		off := 0
		for _, e := range elems[:m] {
			off += putEntry(c.buf[off:], e)
		}
		out = append(out, c)
		elems = elems[m:]
	}
	return out
}

// newListOf returns a list of copies of elems, head first.
func newListOf(elems [][]byte) *list {
	l := &list{}
	l.splice(0, 0, pack(elems))
	l.n = len(elems)
	return l
}

func (l *list) popFront() []byte {
	c := l.chunk(0)
	e, next := entryAt(c.buf, c.head)
	c.head, c.headroom = next, 0
	c.n--
	l.n--
	if c.n == 0 {
		l.dropChunk(true)
	}
	return e
}

func (l *list) popBack() []byte {
	c := l.chunk(l.count - 1)
	e, start := entryBefore(c.buf, c.tail)
	c.tail, c.tailroom = start, 0
	c.n--
	l.n--
	if c.n == 0 {
		l.dropChunk(false)
	}
	return e
}

// push adds a copy of b at the given end.
func (l *list) push(end listEnd, b []byte) {
	if end == listLeft {
		l.pushFront(b)
	} else {
		l.pushBack(b)
	}
}

// pop removes and returns the element at the given end; the list must
// not be empty.
func (l *list) pop(end listEnd) []byte {
	if end == listLeft {
		return l.popFront()
	}
	return l.popBack()
}

// insert puts a copy of b at index i, 0 <= i <= n, so that it becomes
// the i'th element.
func (l *list) insert(i int, b []byte) {
	switch i {
	case 0:
		l.pushFront(b)
	case l.n:
		l.pushBack(b)
	default:
		k, j := l.locate(i)
		l.splice(k, 1, pack(slices.Insert(l.chunk(k).elems(), j, b)))
		l.n++
	}
}

// find returns the index of the first element equal to b, or -1.
func (l *list) find(b []byte) int {
	i := 0
	for e := range l.from(0) {
		if string(e) == string(b) {
			return i
		}
		i++
	}
	return -1
}

// remove deletes up to limit elements equal to b, scanning from the head,
// or from the tail when fromTail is set; a limit of 0 (or, as in Redis,
// a negative one) means every match. The other elements keep their
// order. It returns how many were removed.
//
// It first counts, chunk by chunk, the matches to remove, then builds
// the chunks that lose elements anew, and copies those left small into
// their neighbours.
func (l *list) remove(b []byte, limit int64, fromTail bool) int64 {
	drop := make([]int, l.count) // matches to remove from each chunk
	var removed int64
	for step := 0; step < l.count && (limit <= 0 || removed != limit); step++ {
		k := step
		if fromTail {
			k = l.count - 1 - step
		}
		c := l.chunk(k)
		for off := c.head; off < c.tail && (limit <= 0 || removed != limit); {
			var e []byte
			e, off = entryAt(c.buf, off)
			if string(e) == string(b) {
				drop[k]++
				removed++
			}
		}
	}
	if removed == 0 {
		return 0
	}
	out := make([]chunk, 0, l.count)
	for k := range l.count {
		c := l.chunk(k)
		if drop[k] == 0 {
			out = append(out, *c)
			continue
		}
		out = append(out, pack(removeMatches(c.elems(), b, drop[k], fromTail))...)
	}
	l.splice(0, l.count, mergeSmall(out))
	l.n -= int(removed)
	l.shrink()
	return removed
}

// removeMatches returns elems without its first m elements equal to b,
// or its last m when fromTail is set.
func removeMatches(elems [][]byte, b []byte, m int, fromTail bool) [][]byte {
	if fromTail {
		slices.Reverse(elems)
	}
	kept := elems[:0]
	for _, e := range elems {
		if m > 0 && string(e) == string(b) {
			m--
			continue
		}
		kept = append(kept, e)
	}
	if fromTail {
		slices.Reverse(kept)
	}
	return kept
}

// mergeSmall copies each chunk of cs holding less than a quarter of
// chunkMax together with its neighbour when the two fit in one chunk.
func mergeSmall(cs []chunk) []chunk {
	out := cs[:0]
	for _, c := range cs {
		if len(out) > 0 {
			p := &out[len(out)-1]
			a, b := p.tail-p.head, c.tail-c.head
			if (a < chunkMax/4 || b < chunkMax/4) && a+b <= chunkMax {
				buf := make([]byte, a+b)
				copy(buf[copy(buf, p.live()):], c.live())
				*p = chunk{buf: buf, tail: a + b, n: p.n + c.n}
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// trim keeps the elements from lo to hi inclusive, dropping the rest;
// lo > hi drops every element.
func (l *list) trim(lo, hi int) {
	if lo > hi {
		lo, hi = l.n, l.n-1
	}
	l.cut(false, l.n-1-hi)
	l.cut(true, lo)
	l.shrink()
}

// cut drops m elements, m <= n, from the head of the list or its tail:
// whole chunks, then the entries of one.
func (l *list) cut(front bool, m int) {
	for m > 0 {
		k := l.count - 1
		if front {
			k = 0
		}
		c := l.chunk(k)
		if c.n <= m {
			m -= c.n
			l.n -= c.n
			l.dropChunk(front)
			continue
		}
		if front {
			c.head, c.headroom = c.offset(m), 0
		} else {
			c.tail, c.tailroom = c.offset(c.n-m), 0
		}
		c.n -= m
		l.n -= m
		return
	}
}

// shrink gives back memory the list holds and no longer needs, after it
// lost many elements: an end chunk with less than a quarter of its bytes
// in use moves into one of its size, and the ring halves while a quarter
// of it or less is in use.
func (l *list) shrink() {
	for _, k := range [2]int{0, l.count - 1} {
		if l.count == 0 {
			break
		}
		c := l.chunk(k)
		if live := c.tail - c.head; len(c.buf) > chunkMin && live < len(c.buf)/4 {
			buf := append([]byte(nil), c.live()...)
			l.bytes += allocSize(len(buf)) - allocSize(len(c.buf))
			*c = chunk{buf: buf, tail: live, n: c.n}
		}
	}
	size := len(l.ring)
	for size > 1 && l.count <= size/4 {
		size /= 2
	}
	if l.count == 0 {
		size = 0
	}
	if size != len(l.ring) {
		l.resize(size)
	}
}

func (l *list) kind() Kind { return KindList }

// encoding is always quicklist: Redis 7.0 keeps every list in one.
func (l *list) encoding() string { return "quicklist" }

// clone returns a list sharing l's chunks: only the ring is copied, with
// no room in any chunk, so that neither list writes where the other may.
func (l *list) clone() object {
	c := &list{ring: make([]chunk, len(l.ring)), count: l.count, n: l.n, bytes: l.bytes}
	for k := range l.count {
		ch := *l.chunk(k)
		ch.headroom, ch.tailroom = 0, 0
		c.ring[k] = ch
	}
	return c
}
