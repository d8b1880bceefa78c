package engine

import (
	"bytes"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// Ensure that the dict behaves as a map under random puts, replaces and
// deletes of every kind of value, through rehashes and compactions, and
// that clones and handed-out slices never change.
func TestDict_MatchesMapModel(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			d := newDict()
			model := map[string]value{}
			type held struct {
				got  []byte
				want string
			}
			var holds []held
			var snap *dict
			var snapModel map[string]string
			keyspace := 50 + rng.Intn(3000)
			randValue := func() value {
				switch rng.Intn(6) {
				case 0:
					return value{obj: &list{}}
				case 1:
					return value{obj: newHash(0)}
				case 2:
					return value{str: bytes.Repeat([]byte{byte(rng.Intn(256))}, inlineMax+1+rng.Intn(300))}
				case 3:
					return value{str: []byte{}}
				}
				b := []byte(strings.Repeat("v", rng.Intn(inlineMax)) + fmt.Sprint(rng.Int()))
				return value{str: b[:min(len(b), rng.Intn(inlineMax+1))]}
			}
			for op := 0; op < 20000; op++ {
				key := []byte(fmt.Sprintf("key:%d", rng.Intn(keyspace)))
				if rng.Intn(50) == 0 {
					key = bytes.Repeat(key, 1+rng.Intn(20000)) // some keys larger than a segment
				}
				switch r := rng.Intn(10); {
				case r < 5:
					v := randValue()
					d.put(key, v)
					model[string(key)] = v
				case r < 8:
					_, inModel := model[string(key)]
					if got := d.delete(key); got != inModel {
						t.Fatalf("op %d: delete(%.40q) = %v, want %v", op, key, got, inModel)
					}
					delete(model, string(key))
				default:
					got, ok := d.get(key)
					want, inModel := model[string(key)]
					if ok != inModel || !sameValue(got, want) {
						t.Fatalf("op %d: get(%.40q) = %s %v, want %s %v", op, key, describe(got), ok, describe(want), inModel)
					}
					if ok && got.obj == nil && rng.Intn(4) == 0 {
						holds = append(holds, held{got.str, string(got.str)})
					}
				}
				if d.len() != len(model) {
					t.Fatalf("op %d: len %d, want %d", op, d.len(), len(model))
				}
				if op == 10000 {
					snap = d.share(nil)
					snapModel = map[string]string{}
					for k, v := range model {
						snapModel[k] = describeCopy(v)
					}
				}
			}
			for i, h := range holds {
				if string(h.got) != h.want {
					t.Fatalf("a slice handed out earlier changed: #%d %q, was %q", i, h.got, h.want)
				}
			}
			checkAll(t, d, model)
			seen := 0
			snap.each(func(k []byte, v value) bool {
				seen++
				if want, ok := snapModel[string(k)]; !ok || describeCopy(v) != want {
					t.Fatalf("snapshot changed at %.40q: %s, want %s (present %v)", k, describeCopy(v), want, ok)
				}
				return true
			})
			if seen != len(snapModel) {
				t.Fatalf("snapshot has %d keys, want %d", seen, len(snapModel))
			}
		})
	}
}

// Ensure that overwriting the same keys again and again keeps memory
// bounded: compaction reclaims the dead records.
func TestDict_CompactionBoundsSegments(t *testing.T) {
	d := newDict()
	for round := 0; round < 200; round++ {
		for i := 0; i < 1000; i++ {
			d.put([]byte(fmt.Sprint("key:", i)), value{str: []byte(fmt.Sprint("value:", round, ":", i))})
		}
	}
	total, live := 0, 0
	for i, s := range d.segs {
		total += len(s)
		live += d.live[i]
	}
	if total > 4*live+2*segSize {
		t.Fatalf("segments hold %d bytes for %d live bytes: compaction is not keeping up", total, live)
	}
	checkAll(t, d, func() map[string]value {
		m := map[string]value{}
		for i := 0; i < 1000; i++ {
			m[fmt.Sprint("key:", i)] = value{str: []byte(fmt.Sprint("value:", 199, ":", i))}
		}
		return m
	}())
}

func checkAll(t *testing.T, d *dict, model map[string]value) {
	t.Helper()
	n := 0
	d.each(func(k []byte, v value) bool {
		n++
		if want, ok := model[string(k)]; !ok || !sameValue(v, want) {
			t.Fatalf("each: %.40q = %s, want %s (present %v)", k, describe(v), describe(want), ok)
		}
		return true
	})
	if n != len(model) {
		t.Fatalf("each saw %d keys, want %d", n, len(model))
	}
	for k, want := range model {
		if got, ok := d.get([]byte(k)); !ok || !sameValue(got, want) {
			t.Fatalf("get(%.40q) = %s, want %s", k, describe(got), describe(want))
		}
	}
}

func sameValue(a, b value) bool {
	if a.obj != nil || b.obj != nil {
		return a.obj == b.obj
	}
	return bytes.Equal(a.str, b.str)
}

// describeCopy describes a value as a snapshot's copy must keep it: the
// copy has its own lists and hashes, so only their type is compared.
func describeCopy(v value) string {
	if v.obj != nil {
		return fmt.Sprintf("%T", v.obj)
	}
	return describe(v)
}

func describe(v value) string {
	if v.obj != nil {
		return fmt.Sprintf("%T@%p", v.obj, v.obj)
	}
	return fmt.Sprintf("%q", v.str)
}

func BenchmarkDict(b *testing.B) {
	const n = 1_000_000
	keys := make([][]byte, n)
	vals := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte(fmt.Sprint("key:", i))
		vals[i] = []byte(fmt.Sprint("value:", i))
	}
	var d *dict
	b.Run("put-1M", func(b *testing.B) {
		for b.Loop() {
			d = newDict()
			for i := range keys {
				d.put(keys[i], value{str: vals[i]})
			}
		}
	})
	b.Run("get-1M", func(b *testing.B) {
		for b.Loop() {
			for i := range keys {
				if _, ok := d.get(keys[i]); !ok {
					b.Fatal("missing")
				}
			}
		}
	})
}

// Ensure that an empty member or field read back from a collection is an
// empty bulk string, not nil (a null reply), as the differential tester
// found for hash table sets and hashes.
func TestBytesOf_EmptyIsNotNil(t *testing.T) {
	if b := bytesOf(""); b == nil {
		t.Fatal(`bytesOf("") is nil`)
	}
	e := New(Options{})
	s := e.NewSession()
	for _, cmd := range [][]string{
		{"SADD", "s", "", "a"},
		{"HSET", "h", "f", strings.Repeat("x", 100)},
		{"HSET", "h", "", "v"},
	} {
		args := make([][]byte, len(cmd))
		for i, a := range cmd {
			args[i] = []byte(a)
		}
		if _, err := e.Exec(s, args); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range []string{"SMEMBERS s", "SRANDMEMBER s 10", "SORT s ALPHA", "HKEYS h"} {
		args := [][]byte{}
		for _, w := range strings.Fields(cmd) {
			args = append(args, []byte(w))
		}
		r, err := e.Exec(s, args)
		if err != nil {
			t.Fatal(err)
		}
		var elems [][]byte
		switch r := r.(type) {
		case Bulks:
			elems = r
		case Set:
			for _, x := range r {
				elems = append(elems, x.([]byte))
			}
		case []Reply:
			for _, x := range r {
				elems = append(elems, x.([]byte))
			}
		default:
			t.Fatalf("%s: reply %T", cmd, r)
		}
		if slices.ContainsFunc(elems, func(b []byte) bool { return b == nil }) {
			t.Errorf("%s: an empty member came out as nil: %q", cmd, elems)
		}
	}
}
