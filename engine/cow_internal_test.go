package engine

import "testing"

// Ensure that a collection is copied before a change only while a
// snapshot that shares it is live, and at most once a snapshot.
func TestDict_OwnCopiesOnlyWhileShared(t *testing.T) {
	d := newDict()
	key := []byte("l")
	l := &list{}
	l.pushBack([]byte("a"))
	d.put(key, value{obj: l})
	if v, _, _ := d.getMut(key); v.obj != object(l) {
		t.Fatal("copied with no snapshot")
	}
	snap := d.share(nil)
	v, _, _ := d.getMut(key)
	if v.obj == object(l) {
		t.Fatal("not copied while a snapshot shares it")
	}
	if again, _, _ := d.getMut(key); again.obj != v.obj {
		t.Fatal("copied twice for one snapshot")
	}
	if old, _ := snap.get(key); old.obj != object(l) {
		t.Fatal("the snapshot lost its collection")
	}
	snap.release()
	d.share(nil).release()
	mine, _, _ := d.getMut(key)
	if mine.obj != v.obj {
		t.Fatal("copied after the snapshot was released")
	}
}

// Ensure that a snapshot's TTLs stay as they were while the live table
// changes, that only a shard being changed is copied, and only while
// shared.
func TestExpiries_ShareCopiesShardsOnWrite(t *testing.T) {
	x := newExpiries()
	for i := range 1000 {
		x.set(string(rune('a'+i%26))+string(rune(i)), int64(i+1))
	}
	snap := x.share()
	before := map[string]int64{}
	snap.sample(0, func(k string, at int64) bool { before[k] = at; return true })
	if len(before) != 1000 || snap.len() != 1000 {
		t.Fatalf("snapshot holds %d TTLs (len %d), want 1000", len(before), snap.len())
	}
	key := "a" + string(rune(0))
	shard := x.shard(key)
	orig := x.shards[shard]
	x.set(key, 99999)
	x.del("b" + string(rune(1)))
	if x.shards[shard] == orig {
		t.Fatal("the shard a snapshot shares was changed in place")
	}
	if at, _ := snap.get(key); at != 1 {
		t.Fatalf("snapshot's TTL of %q = %d, want 1", key, at)
	}
	if at, _ := x.get(key); at != 99999 {
		t.Fatalf("live TTL of %q = %d, want 99999", key, at)
	}
	after := map[string]int64{}
	snap.sample(7, func(k string, at int64) bool { after[k] = at; return true })
	if len(after) != len(before) {
		t.Fatalf("snapshot holds %d TTLs after writes, want %d", len(after), len(before))
	}
	for k, at := range before {
		if after[k] != at {
			t.Fatalf("snapshot's TTL of %q changed: %d, was %d", k, after[k], at)
		}
	}
	if x.len() != 999 {
		t.Fatalf("live len = %d, want 999", x.len())
	}
	snap.release()
	copied := x.shards[shard]
	x.set(key, 5)
	if x.shards[shard] != copied {
		t.Fatal("a shard was copied with no snapshot live")
	}
}

// Ensure that Each paces a background snapshot every 1024 keys, and that
// a snapshot without a pace is read straight through.
func TestSnapshot_EachPaces(t *testing.T) {
	e := New(Options{})
	for i := range 5000 {
		e.dbs[0].keys.put([]byte("key:"+itoa(i)), value{str: []byte("v")})
	}
	s := e.Snapshot()
	defer s.Release()
	paced := 0
	s.pace = func() { paced++ }
	keys := 0
	if err := s.Each(0, func(string, Value, int64) error { keys++; return nil }); err != nil {
		t.Fatal(err)
	}
	if keys != 5000 || paced != 5000/1024 {
		t.Errorf("Each read %d keys and paced %d times, want 5000 and %d", keys, paced, 5000/1024)
	}
}
