package engine

// list is a double-ended queue of elements in a ring buffer: push and pop
// at either end are O(1), and so is access by index.
type list struct {
	buf  [][]byte
	head int // index in buf of the first element
	n    int
}

func (l *list) len() int { return l.n }

// at returns the i'th element, 0 <= i < n.
func (l *list) at(i int) []byte { return l.buf[(l.head+i)&(len(l.buf)-1)] }

func (l *list) grow() {
	size := max(len(l.buf)*2, 4)
	buf := make([][]byte, size)
	for i := 0; i < l.n; i++ {
		buf[i] = l.at(i)
	}
	l.buf, l.head = buf, 0
}

func (l *list) pushFront(b []byte) {
	if l.n == len(l.buf) {
		l.grow()
	}
	l.head = (l.head - 1) & (len(l.buf) - 1)
	l.buf[l.head] = b
	l.n++
}

func (l *list) pushBack(b []byte) {
	if l.n == len(l.buf) {
		l.grow()
	}
	l.buf[(l.head+l.n)&(len(l.buf)-1)] = b
	l.n++
}

func (l *list) popFront() []byte {
	b := l.buf[l.head]
	l.buf[l.head] = nil
	l.head = (l.head + 1) & (len(l.buf) - 1)
	l.n--
	return b
}

func (l *list) popBack() []byte {
	i := (l.head + l.n - 1) & (len(l.buf) - 1)
	b := l.buf[i]
	l.buf[i] = nil
	l.n--
	return b
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
	c.n = l.n
	return c
}
