package engine

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"unsafe"
)

// listElems are the elements the model tests draw from: few, so that
// finds and removals match, and of every shape a chunk must hold: empty,
// binary, a length that needs a two-byte prefix, one larger than a
// chunk.
var listElems = [][]byte{
	[]byte("a"), []byte("b"), []byte("xxx"), {}, {0, 0xff, 0x80, '\r', '\n'},
	bytes.Repeat([]byte("m"), 200), bytes.Repeat([]byte{0x81}, 1500),
	bytes.Repeat([]byte("L"), chunkMax+100),
}

// listModel is a list under test and the strings it should hold.
type listModel struct {
	l     *list
	model []string
}

// heldElem is a slice a list handed out and what it held then: replies
// keep such slices until they are encoded, so the bytes must never
// change.
type heldElem struct {
	got  []byte
	want string
}

// Ensure that the packed list matches a slice of strings through random
// pushes, pops, inserts, replacements, removals, trims, reads and clones,
// with a clone and its original then changed independently, and that no
// slice a list ever handed out changes afterwards.
func TestList_MatchesModel(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			lists := []*listModel{{l: &list{}}}
			var held []heldElem
			hold := func(e []byte) {
				h := heldElem{e, string(e)}
				if len(held) < 500 {
					held = append(held, h)
				} else {
					held[rng.IntN(len(held))] = h
				}
			}
			for op := range 6000 {
				m := lists[rng.IntN(len(lists))]
				what := listOp(t, rng, m, hold)
				if rng.IntN(40) == 0 {
					if len(lists) < 3 {
						lists = append(lists, &listModel{l: &list{}})
					}
					dst := lists[rng.IntN(len(lists))]
					switch {
					case dst == m:
					case rng.IntN(4) == 0:
						// As a snapshot or DUMP reads a list back.
						var elems [][]byte
						for _, e := range m.model {
							elems = append(elems, []byte(e))
						}
						dst.l = newListOf(elems)
						dst.model = slices.Clone(m.model)
						what += "; load"
					default:
						dst.l = m.l.clone().(*list)
						dst.model = slices.Clone(m.model)
						what += "; clone"
					}
				}
				for k, m := range lists {
					checkList(t, fmt.Sprintf("op %d (%s), list %d", op, what, k), m.l, m.model)
				}
				for _, h := range held {
					if string(h.got) != h.want {
						t.Fatalf("op %d (%s): a slice handed out changed from %q to %q", op, what, short(h.want), short(string(h.got)))
					}
				}
			}
		})
	}
}

// listOp applies one random operation to m's list and its model, checks
// what the operation returned, passes hold every element it handed out,
// and names the operation.
func listOp(t *testing.T, rng *rand.Rand, m *listModel, hold func([]byte)) string {
	t.Helper()
	e := listElems[rng.IntN(len(listElems))]
	if rng.IntN(200) == 0 {
		e = bytes.Repeat([]byte{byte(rng.IntN(256))}, 3*chunkMax+rng.IntN(chunkMax))
	}
	l, n := m.l, len(m.model)
	switch k := rng.IntN(13); {
	case k <= 3:
		// Pushes come in runs, so lists grow long enough to span chunks.
		end := listEnd(rng.IntN(2))
		run := 1 + rng.IntN(20)
		if rng.IntN(2) == 0 {
			// As LPUSH and RPUSH do.
			l.reserve(end, run*entrySize(len(e)))
		}
		for range run {
			l.push(end, e)
			if end == listLeft {
				m.model = slices.Insert(m.model, 0, string(e))
			} else {
				m.model = append(m.model, string(e))
			}
		}
		return fmt.Sprintf("push %d", end)
	case k <= 5 && n > 0:
		end := listEnd(rng.IntN(2))
		for range 1 + rng.IntN(min(n, 10)) {
			got := l.pop(end)
			want := m.model[0]
			if end == listRight {
				want = m.model[len(m.model)-1]
				m.model = m.model[:len(m.model)-1]
			} else {
				m.model = m.model[1:]
			}
			if got == nil || string(got) != want {
				t.Fatalf("pop %d = %q, want %q", end, short(string(got)), short(want))
			}
			hold(got)
		}
		if rng.IntN(2) == 0 {
			l.shrink()
		}
		return fmt.Sprintf("pop %d", end)
	case k == 6:
		i := rng.IntN(n + 1)
		l.insert(i, e)
		m.model = slices.Insert(m.model, i, string(e))
		return fmt.Sprintf("insert %d", i)
	case k == 7 && n > 0:
		i := rng.IntN(n)
		l.replace(i, e)
		m.model[i] = string(e)
		return fmt.Sprintf("replace %d", i)
	case k == 8 && rng.IntN(4) == 0:
		limit := int64(rng.IntN(6) - 1)
		fromTail := rng.IntN(2) == 0
		got := l.remove(e, limit, fromTail)
		if want := removeModel(&m.model, string(e), limit, fromTail); got != want {
			t.Fatalf("remove %q %d %v = %d, want %d", short(string(e)), limit, fromTail, got, want)
		}
		return fmt.Sprintf("remove %d %v", limit, fromTail)
	case k == 9 && rng.IntN(4) == 0:
		lo, hi := rng.IntN(n+2), rng.IntN(n+2)-1
		lo, hi = min(lo, n), min(hi, n-1)
		l.trim(lo, hi)
		if lo > hi {
			m.model = m.model[:0]
		} else {
			m.model = m.model[lo : hi+1]
		}
		return fmt.Sprintf("trim %d %d", lo, hi)
	case k == 10 && n > 0:
		i := rng.IntN(n)
		got := l.at(i)
		if string(got) != m.model[i] {
			t.Fatalf("at %d = %q, want %q", i, short(string(got)), short(m.model[i]))
		}
		hold(got)
		return fmt.Sprintf("at %d", i)
	case k == 11:
		got, want := l.find(e), slices.Index(m.model, string(e))
		if got != want {
			t.Fatalf("find %q = %d, want %d", short(string(e)), got, want)
		}
		return "find"
	case k == 12 && n > 0:
		// A read that stops part way, as LRANGE and LPOS do.
		i, stop := rng.IntN(n), rng.IntN(n)
		j := i
		if rng.IntN(2) == 0 {
			for got := range l.from(i) {
				if string(got) != m.model[j] {
					t.Fatalf("from %d: element %d = %q, want %q", i, j, short(string(got)), short(m.model[j]))
				}
				hold(got)
				if j++; j > stop {
					break
				}
			}
			return fmt.Sprintf("from %d to %d", i, stop)
		}
		for got := range l.backFrom(i) {
			if string(got) != m.model[j] {
				t.Fatalf("backFrom %d: element %d = %q, want %q", i, j, short(string(got)), short(m.model[j]))
			}
			hold(got)
			if j--; j < stop {
				break
			}
		}
		return fmt.Sprintf("backFrom %d to %d", i, stop)
	}
	return "nothing"
}

// removeModel is list.remove on a slice.
func removeModel(model *[]string, e string, limit int64, fromTail bool) int64 {
	var removed int64
	s := *model
	if fromTail {
		slices.Reverse(s)
	}
	out := s[:0]
	for _, x := range s {
		if x == e && (limit <= 0 || removed != limit) {
			removed++
			continue
		}
		out = append(out, x)
	}
	if fromTail {
		slices.Reverse(out)
	}
	*model = out
	return removed
}

// short shortens s for a failure message.
func short(s string) string {
	if len(s) > 20 {
		return fmt.Sprintf("%s... (%d bytes)", s[:20], len(s))
	}
	return s
}

// checkList checks that l holds model, read forwards, backwards and by
// index, and that its chunks are consistent.
func checkList(t *testing.T, where string, l *list, model []string) {
	t.Helper()
	if l.len() != len(model) {
		t.Fatalf("%s: len %d, want %d", where, l.len(), len(model))
	}
	i := 0
	for e := range l.from(0) {
		if i == len(model) || string(e) != model[i] {
			t.Fatalf("%s: element %d reads forwards as %q, want %q", where, i, short(string(e)), short(model[min(i, len(model)-1)]))
		}
		if e == nil {
			t.Fatalf("%s: element %d is nil", where, i)
		}
		if cap(e) != len(e) {
			t.Fatalf("%s: element %d has room to append into the chunk", where, i)
		}
		i++
	}
	if i != len(model) {
		t.Fatalf("%s: %d elements read forwards, want %d", where, i, len(model))
	}
	i = len(model) - 1
	for e := range l.backFrom(len(model) - 1) {
		if i < 0 || string(e) != model[i] {
			t.Fatalf("%s: element %d reads backwards as %q", where, i, short(string(e)))
		}
		i--
	}
	if i != -1 {
		t.Fatalf("%s: %d elements read backwards, want %d", where, len(model)-1-i, len(model))
	}
	if len(model) > 0 {
		for _, i := range []int{0, len(model) / 3, len(model) / 2, len(model) - 1} {
			if got := l.at(i); string(got) != model[i] {
				t.Fatalf("%s: at %d = %q, want %q", where, i, short(string(got)), short(model[i]))
			}
		}
	}
	checkChunks(t, where, l)
}

// checkChunks checks l's bookkeeping: the ring, each chunk's offsets,
// room and count of entries, the total count and bytes.
func checkChunks(t *testing.T, where string, l *list) {
	t.Helper()
	if len(l.ring)&(len(l.ring)-1) != 0 || l.count > len(l.ring) {
		t.Fatalf("%s: %d chunks in a ring of %d", where, l.count, len(l.ring))
	}
	n, bytes := 0, int64(0)
	for k := range l.count {
		c := l.chunk(k)
		if c.n < 1 || c.head < 0 || c.head > c.tail || c.tail > len(c.buf) ||
			c.headroom < 0 || c.headroom > c.head || c.tailroom < 0 || c.tailroom > len(c.buf)-c.tail {
			t.Fatalf("%s: chunk %d: n %d, head %d, tail %d, %d bytes, headroom %d, tailroom %d",
				where, k, c.n, c.head, c.tail, len(c.buf), c.headroom, c.tailroom)
		}
		entries := 0
		for off := c.head; off < c.tail; entries++ {
			_, off = entryAt(c.buf, off)
			if off > c.tail {
				t.Fatalf("%s: chunk %d: an entry runs past the tail", where, k)
			}
		}
		if entries != c.n {
			t.Fatalf("%s: chunk %d holds %d entries, counts %d", where, k, entries, c.n)
		}
		n += c.n
		bytes += allocSize(len(c.buf))
	}
	if n != l.n || bytes != l.bytes {
		t.Fatalf("%s: chunks hold %d elements in %d bytes, the list counts %d in %d", where, n, bytes, l.n, l.bytes)
	}
	for k := l.count; k < len(l.ring); k++ {
		if l.ring[(l.first+k)&(len(l.ring)-1)].buf != nil {
			t.Fatalf("%s: ring slot %d past the chunks holds one", where, k)
		}
	}
}

// Ensure that a list read by another goroutine, as a background save
// reads the collection it shares, is never written while its clone is
// changed at both ends and in the middle. Run with -race.
func TestList_CloneLeavesOriginalAlone(t *testing.T) {
	l := &list{}
	for i := range 3000 {
		l.pushBack(fmt.Appendf(nil, "e%d", i))
		l.pushFront(fmt.Appendf(nil, "f%d", i))
	}
	var want []string
	for e := range l.from(0) {
		want = append(want, string(e))
	}
	c := l.clone().(*list)
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 5 {
			checkList(t, "original", l, want)
		}
	})
	for i := range 3000 {
		c.pushBack([]byte("new"))
		c.pushFront([]byte("new"))
		if i%100 == 0 {
			c.insert(c.len()/2, []byte("mid"))
			c.replace(i, []byte("set"))
			c.popBack()
			c.popFront()
		}
	}
	c.remove([]byte("e7"), 0, false)
	c.trim(10, c.len()-10)
	wg.Wait()
	checkList(t, "original after", l, want)
}

// Ensure that an element far larger than a chunk, and empty and binary
// ones, go in and come out whole at either end and in the middle.
func TestList_BigAndOddElements(t *testing.T) {
	size := 100 << 20
	if testing.Short() {
		size = 1 << 20
	}
	big := bytes.Repeat([]byte{0, 1, 0xfe, 0xff}, size/4)
	l := &list{}
	l.pushBack([]byte("x"))
	l.pushBack(big)
	l.pushFront([]byte{})
	l.pushBack([]byte("y"))
	l.insert(2, big)
	l.pushFront(big)
	model := []string{string(big), "", "x", string(big), string(big), "y"}
	checkList(t, "built", l, model)
	if got := l.popFront(); !bytes.Equal(got, big) {
		t.Fatalf("popFront returned %d bytes, want the big element", len(got))
	}
	if got := l.at(3); !bytes.Equal(got, big) {
		t.Fatalf("at 3 returned %d bytes, want the big element", len(got))
	}
	if got := l.at(0); got == nil || len(got) != 0 {
		t.Fatalf("at 0 = %v, want an empty, non-nil element", got)
	}
	l.replace(2, []byte("z"))
	checkList(t, "replaced", l, []string{"", "x", "z", string(big), "y"})
	if l.bytes < int64(size) {
		t.Fatalf("the list counts %d bytes, less than the big element", l.bytes)
	}
}

// Ensure that a list trimmed or emptied by removals and pops gives back
// the chunks and ring slots it no longer needs.
func TestList_ShrinksAfterLosingElements(t *testing.T) {
	l := &list{}
	for range 1 << 16 {
		l.pushBack([]byte("x"))
	}
	l.pushBack([]byte("y"))
	l.trim(1<<16-1, 1<<16)
	if l.len() != 2 || len(l.ring) > 2 || l.bytes > 64 {
		t.Fatalf("after trim: %d elements in %d chunks, a ring of %d, %d bytes", l.len(), l.count, len(l.ring), l.bytes)
	}
	for range 100000 {
		l.pushFront([]byte("x"))
	}
	l.remove([]byte("x"), 0, true)
	checkList(t, "after remove", l, []string{"y"})
	if len(l.ring) > 1 || l.bytes > 64 {
		t.Fatalf("after remove: %d chunks in a ring of %d, %d bytes", l.count, len(l.ring), l.bytes)
	}
	for range 100000 {
		l.pushBack([]byte("x"))
	}
	for l.len() > 3 {
		l.popFront()
	}
	l.shrink()
	checkList(t, "after pops", l, []string{"x", "x", "x"})
	if len(l.ring) > 2 || l.bytes > 64 {
		t.Fatalf("after pops: %d chunks in a ring of %d, %d bytes", l.count, len(l.ring), l.bytes)
	}
}

// Ensure that pushes and pops at the ends allocate only when a chunk
// fills, however long the list, and that a long list packs its elements
// in a few bytes each.
func TestList_PushPopAllocations(t *testing.T) {
	l := &list{}
	e := []byte("xxx")
	for range 100000 {
		l.pushBack(e)
	}
	if per := float64(l.bytes) / float64(l.n); per > 6 {
		t.Errorf("%.1f bytes an element of 3 bytes, want at most 6", per)
	}
	for _, tc := range []struct {
		name string
		op   func()
	}{
		{"pushBack", func() { l.pushBack(e) }},
		{"pushFront", func() { l.pushFront(e) }},
		{"popFront", func() { l.popFront() }},
		{"popBack", func() { l.popBack() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := testing.AllocsPerRun(1000, tc.op); got > 0.01 {
				t.Errorf("%.3f allocations a call, want about one a chunk", got)
			}
		})
	}
}

// Ensure that a chunk's entry reads the same from either end, for
// lengths whose prefixes take one, two and three bytes.
func TestList_EntryRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 16383, 16384, 70000} {
		e := bytes.Repeat([]byte{byte(n)}, n)
		buf := make([]byte, entrySize(n)+2)
		if got := putEntry(buf[1:], e); got != entrySize(n) {
			t.Fatalf("putEntry of %d bytes wrote %d, entrySize says %d", n, got, entrySize(n))
		}
		fwd, next := entryAt(buf, 1)
		back, start := entryBefore(buf, 1+entrySize(n))
		if !bytes.Equal(fwd, e) || !bytes.Equal(back, e) || next != 1+entrySize(n) || start != 1 {
			t.Fatalf("%d bytes: read %d forwards (next %d), %d backwards (start %d)", n, len(fwd), next, len(back), start)
		}
	}
}

// Ensure that memory accounting counts a chunk's header at its size.
func TestList_ChunkBytes(t *testing.T) {
	if got := unsafe.Sizeof(chunk{}); got != chunkBytes {
		t.Errorf("a chunk takes %d bytes, chunkBytes says %d", got, chunkBytes)
	}
}
