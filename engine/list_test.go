package engine

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// Ensure that the ring deque matches a plain slice through random pushes,
// pops, inserts, removals, trims and replacements, wrapping around its
// buffer and growing and shrinking as it goes.
func TestList_MatchesSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	l := &list{}
	var model [][]byte
	elems := [][]byte{[]byte("a"), []byte("b"), []byte("c")}
	for op := range 20000 {
		e := elems[rng.IntN(len(elems))]
		n := len(model)
		switch k := rng.IntN(8); {
		case k == 0:
			l.pushFront(e)
			model = slices.Insert(model, 0, e)
		case k == 1:
			l.pushBack(e)
			model = append(model, e)
		case k == 2 && n > 0:
			end := listEnd(rng.IntN(2))
			got := l.pop(end)
			want := model[0]
			if end == listRight {
				want = model[n-1]
				model = model[:n-1]
			} else {
				model = model[1:]
			}
			if string(got) != string(want) {
				t.Fatalf("op %d: pop %d = %s, want %s", op, end, got, want)
			}
		case k == 3:
			i := rng.IntN(n + 1)
			l.insert(i, e)
			model = slices.Insert(model, i, e)
		case k == 4 && rng.IntN(10) == 0:
			limit := int64(rng.IntN(4))
			fromTail := rng.IntN(2) == 0
			got := l.remove(e, limit, fromTail)
			want := removeModel(&model, e, limit, fromTail)
			if got != want {
				t.Fatalf("op %d: remove %s %d %v = %d, want %d", op, e, limit, fromTail, got, want)
			}
		case k == 5 && rng.IntN(20) == 0:
			lo, hi := rng.IntN(n+2), rng.IntN(n+2)-1
			lo, hi = min(lo, n), min(hi, n-1)
			l.trim(lo, hi)
			if lo > hi {
				model = model[:0]
			} else {
				model = model[lo : hi+1]
			}
		case k == 6 && n > 0:
			i := rng.IntN(n)
			l.setAt(i, e)
			model[i] = e
		}
		checkList(t, op, l, model)
	}
}

// removeModel is list.remove on a slice.
func removeModel(model *[][]byte, e []byte, limit int64, fromTail bool) int64 {
	var removed int64
	s := *model
	if fromTail {
		slices.Reverse(s)
	}
	out := s[:0]
	for _, x := range s {
		if string(x) == string(e) && (limit == 0 || removed != limit) {
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

func checkList(t *testing.T, op int, l *list, model [][]byte) {
	t.Helper()
	if l.len() != len(model) {
		t.Fatalf("op %d: len %d, want %d", op, l.len(), len(model))
	}
	for i, want := range model {
		if string(l.at(i)) != string(want) {
			t.Fatalf("op %d: element %d = %s, want %s", op, i, l.at(i), want)
		}
	}
	if len(l.buf)&(len(l.buf)-1) != 0 {
		t.Fatalf("op %d: buffer of %d slots is not a power of two", op, len(l.buf))
	}
}

// Ensure that a list trimmed or emptied by removals gives back the
// buffer it no longer needs, and that the slots it leaves hold nothing.
func TestList_ShrinksAndClears(t *testing.T) {
	l := &list{}
	for range 1 << 16 {
		l.pushBack([]byte("x"))
	}
	l.pushBack([]byte("y"))
	l.trim(1<<16-1, 1<<16)
	if l.len() != 2 || len(l.buf) > 16 {
		t.Fatalf("after trim: len %d in %d slots", l.len(), len(l.buf))
	}
	for i := 0; i < 1000; i++ {
		l.pushFront([]byte("x"))
	}
	l.remove([]byte("x"), 0, true)
	if l.len() != 1 || string(l.at(0)) != "y" || len(l.buf) > 16 {
		t.Fatalf("after remove: len %d in %d slots", l.len(), len(l.buf))
	}
	held := 0
	for _, b := range l.buf {
		if b != nil {
			held++
		}
	}
	if held != 1 {
		t.Errorf("%d slots hold an element, want 1", held)
	}
}
