package engine

// list is a double-ended queue of elements in a ring buffer: push and pop
// at either end are O(1), and so is access by index. Inserting or
// removing in the middle moves the elements on the shorter side.
//
// len(buf) is zero or a power of two, so that an index wraps with a mask.
type list struct {
	cowMark // see cow.go
	buf     [][]byte
	head    int // index in buf of the first element
	n       int
	bytes   int64 // allocSize of every element, for used memory
}

// listMinBuf is the smallest ring a list allocates.
const listMinBuf = 4

func (l *list) len() int { return l.n }

// slot returns the position in buf of the i'th element.
func (l *list) slot(i int) int { return (l.head + i) & (len(l.buf) - 1) }

// at returns the i'th element, 0 <= i < n.
func (l *list) at(i int) []byte { return l.buf[l.slot(i)] }

// setAt puts b at the i'th position, 0 <= i < n, moving elements within
// the list; replace is for a new element.
func (l *list) setAt(i int, b []byte) { l.buf[l.slot(i)] = b }

// replace replaces the i'th element, 0 <= i < n, with b.
func (l *list) replace(i int, b []byte) {
	l.bytes += allocSize(len(b)) - allocSize(len(l.at(i)))
	l.setAt(i, b)
}

// resize moves the elements, head first, into a new ring of size slots.
func (l *list) resize(size int) {
	buf := make([][]byte, size)
	for i := 0; i < l.n; i++ {
		buf[i] = l.at(i)
	}
	l.buf, l.head = buf, 0
}

func (l *list) grow() { l.resize(max(len(l.buf)*2, listMinBuf)) }

// shrink halves the ring while a quarter of it or less is in use, so that
// a list trimmed from millions of elements to a few does not keep the
// memory it once needed.
func (l *list) shrink() {
	size := len(l.buf)
	for size > listMinBuf && l.n <= size/4 {
		size /= 2
	}
	if size != len(l.buf) {
		l.resize(size)
	}
}

func (l *list) pushFront(b []byte) {
	if l.n == len(l.buf) {
		l.grow()
	}
	l.head = (l.head - 1) & (len(l.buf) - 1)
	l.buf[l.head] = b
	l.n++
	l.bytes += allocSize(len(b))
}

func (l *list) pushBack(b []byte) {
	if l.n == len(l.buf) {
		l.grow()
	}
	l.buf[l.slot(l.n)] = b
	l.n++
	l.bytes += allocSize(len(b))
}

func (l *list) popFront() []byte {
	b := l.buf[l.head]
	l.buf[l.head] = nil
	l.head = (l.head + 1) & (len(l.buf) - 1)
	l.n--
	l.bytes -= allocSize(len(b))
	return b
}

func (l *list) popBack() []byte {
	i := l.slot(l.n - 1)
	b := l.buf[i]
	l.buf[i] = nil
	l.n--
	l.bytes -= allocSize(len(b))
	return b
}

// push adds b at the given end.
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

// insert puts b at index i, 0 <= i <= n, so that it becomes the i'th
// element; the elements on the shorter side of i move by one.
func (l *list) insert(i int, b []byte) {
	if l.n == len(l.buf) {
		l.grow()
	}
	if i < l.n/2 {
		l.head = (l.head - 1) & (len(l.buf) - 1)
		for j := 0; j < i; j++ {
			l.setAt(j, l.at(j+1))
		}
	} else {
		for j := l.n; j > i; j-- {
			l.buf[l.slot(j)] = l.at(j - 1)
		}
	}
	l.n++
	l.setAt(i, b)
	l.bytes += allocSize(len(b))
}

// find returns the index of the first element equal to b, or -1.
func (l *list) find(b []byte) int {
	for i := 0; i < l.n; i++ {
		if string(l.at(i)) == string(b) {
			return i
		}
	}
	return -1
}

// remove deletes up to limit elements equal to b, scanning from the head,
// or from the tail when fromTail is set; a limit of 0 (or, as in Redis,
// a negative one) means every match. The other elements keep their
// order. It returns how many were removed.
func (l *list) remove(b []byte, limit int64, fromTail bool) int64 {
	var removed int64
	keep := func(e []byte) bool {
		if string(e) == string(b) && (limit == 0 || removed != limit) {
			removed++
			l.bytes -= allocSize(len(e))
			return false
		}
		return true
	}
	kept := 0
	if !fromTail {
		for i := 0; i < l.n; i++ {
			if e := l.at(i); keep(e) {
				l.setAt(kept, e)
				kept++
			}
		}
		for i := kept; i < l.n; i++ {
			l.setAt(i, nil)
		}
	} else {
		for i := l.n - 1; i >= 0; i-- {
			if e := l.at(i); keep(e) {
				l.setAt(l.n-1-kept, e)
				kept++
			}
		}
		for i := 0; i < l.n-kept; i++ {
			l.setAt(i, nil)
		}
		l.head = l.slot(l.n - kept)
	}
	l.n = kept
	l.shrink()
	return removed
}

// trim keeps the elements from lo to hi inclusive, dropping the rest;
// lo > hi drops every element.
func (l *list) trim(lo, hi int) {
	if lo > hi {
		lo, hi = l.n, l.n-1
	}
	for l.n > hi+1 {
		l.popBack()
	}
	for range lo {
		l.popFront()
	}
	l.shrink()
}

func (l *list) kind() Kind { return KindList }

// encoding is always quicklist: Redis 7.0 keeps every list in one.
func (l *list) encoding() string { return "quicklist" }

func (l *list) clone() object {
	c := &list{}
	c.buf = make([][]byte, len(l.buf))
	for i := 0; i < l.n; i++ {
		c.buf[i] = l.at(i)
	}
	c.n, c.bytes = l.n, l.bytes
	return c
}
