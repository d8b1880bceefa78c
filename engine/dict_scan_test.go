package engine

import (
	"fmt"
	"math/rand"
	"testing"
	"unsafe"
)

// Ensure that a full scan returns every key present from its first call
// to its last, while between calls the table grows, shrinks, and is
// rebuilt at the same size to drop tombstones, and that it never returns
// a key that is not there.
func TestDict_ScanReturnsEveryKeyThroughRehashes(t *testing.T) {
	var grew, shrank, rebuilt int
	for seed := int64(1); seed <= 10; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			d := newDict()
			// Stable keys stay for the whole scan and must all be returned;
			// volatile ones come and go to resize the table.
			stable, volatile := map[string]bool{}, map[string]bool{}
			for i := range 1 + rng.Intn(500) {
				k := fmt.Sprintf("stable:%d", i)
				d.put([]byte(k), value{str: []byte(k)})
				stable[k] = true
			}
			next := 0
			add := func() {
				k := fmt.Sprintf("volatile:%d", next)
				next++
				d.put([]byte(k), value{str: []byte(k)})
				volatile[k] = true
			}
			remove := func() {
				for k := range volatile {
					d.delete([]byte(k))
					delete(volatile, k)
					return
				}
			}
			for range rng.Intn(2000) {
				add()
			}
			seen := map[string]bool{}
			cursor, calls := uint64(0), 0
			for {
				cursor = d.scan(cursor, func(k []byte, _ value) {
					if !stable[string(k)] && !volatile[string(k)] {
						t.Fatalf("scan returned %q, which is not in the table", k)
					}
					seen[string(k)] = true
				})
				calls++
				if cursor == 0 {
					break
				}
				size, base := len(d.slots), unsafe.SliceData(d.slots)
				// Between calls: a burst that grows the table, one that
				// shrinks it, or churn at a steady size whose tombstones
				// force a rebuild at the same size.
				switch phase := (calls / 8) % 3; {
				case phase == 0:
					for range rng.Intn(200) {
						add()
					}
				case phase == 1:
					for range rng.Intn(len(volatile)/3 + 1) {
						remove()
					}
				default:
					for range rng.Intn(100) {
						remove()
						add()
					}
				}
				switch {
				case len(d.slots) > size:
					grew++
				case len(d.slots) < size:
					shrank++
				case unsafe.SliceData(d.slots) != base:
					rebuilt++
				}
				if calls > 1<<20 {
					t.Fatal("scan never finished")
				}
			}
			for k := range stable {
				if !seen[k] {
					t.Fatalf("key %q was present throughout but never returned (%d calls)", k, calls)
				}
			}
		})
	}
	if grew == 0 || shrank == 0 || rebuilt == 0 {
		t.Fatalf("scans saw %d growths, %d shrinks, %d same-size rebuilds; want each at least once", grew, shrank, rebuilt)
	}
}

// Ensure that scanning a table nobody changes returns each key exactly
// once, from any table size.
func TestDict_ScanReturnsEachKeyOnce(t *testing.T) {
	for _, n := range []int{0, 1, 5, 6, 100, 5000} {
		d := newDict()
		for i := range n {
			d.put(fmt.Appendf(nil, "key:%d", i), value{str: []byte("v")})
		}
		seen := map[string]int{}
		cursor := uint64(0)
		for {
			cursor = d.scan(cursor, func(k []byte, _ value) { seen[string(k)]++ })
			if cursor == 0 {
				break
			}
		}
		if len(seen) != n {
			t.Fatalf("%d keys: scan returned %d", n, len(seen))
		}
		for k, c := range seen {
			if c != 1 {
				t.Fatalf("%d keys: %q returned %d times", n, k, c)
			}
		}
	}
}

// Ensure that deleting most keys shrinks the table and that random finds
// a key whenever there is one.
func TestDict_ShrinksAndPicksRandomKeys(t *testing.T) {
	d := newDict()
	for i := range 10000 {
		d.put(fmt.Appendf(nil, "key:%d", i), value{str: []byte("v")})
	}
	big := len(d.slots)
	for i := range 9990 {
		d.delete(fmt.Appendf(nil, "key:%d", i))
	}
	if len(d.slots) >= big/16 {
		t.Fatalf("%d slots for %d keys, down from %d: the table did not shrink", len(d.slots), d.used, big)
	}
	for r := range uint64(100) {
		k, _, ok := d.random(r * 0x9E3779B97F4A7C15)
		if !ok {
			t.Fatal("random found nothing in a table with keys")
		}
		if _, there := d.get(k); !there {
			t.Fatalf("random returned %q, which is not in the table", k)
		}
	}
	if _, _, ok := newDict().random(7); ok {
		t.Fatal("random found a key in an empty table")
	}
}
