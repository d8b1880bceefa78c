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
	if v, _ := d.getMut(key); v.obj != object(l) {
		t.Fatal("copied with no snapshot")
	}
	snap := d.share(nil)
	v, _ := d.getMut(key)
	if v.obj == object(l) {
		t.Fatal("not copied while a snapshot shares it")
	}
	if again, _ := d.getMut(key); again.obj != v.obj {
		t.Fatal("copied twice for one snapshot")
	}
	if old, _ := snap.get(key); old.obj != object(l) {
		t.Fatal("the snapshot lost its collection")
	}
	snap.release()
	d.share(nil).release()
	mine, _ := d.getMut(key)
	if mine.obj != v.obj {
		t.Fatal("copied after the snapshot was released")
	}
}
