package engine

import "maps"

// Redis keeps a small hash as a listpack, whose fields stay in insertion
// order, and converts it to a hash table for good once it has more than
// hash-max-listpack-entries fields or once a field or value longer than
// hash-max-listpack-value bytes is stored in it. Replies list a small
// hash's fields in that order, so PhotonDB keeps the same two forms and
// converts at the same points. The limits are Redis 7.0's built-in
// defaults (its shipped redis.conf lowers the entries to 128).
const (
	hashMaxListpackEntries = 512
	hashMaxListpackValue   = 64
)

// hash maps fields to values. Both forms keep the pairs in one slice,
// field, value, field, value...: the small form in insertion order,
// searched from the start, as Redis's listpack; the large form adds an
// index from field to position and deletes by moving the last pair into
// the gap, so every operation, and picking a random field, is O(1).
// Fields and values are never changed in place, only replaced.
type hash struct {
	cowMark // see cow.go
	pairs   [][]byte
	index   map[string]int // position of each field in pairs; nil while small
	bytes   int64          // allocSize of every field and value, for used memory
}

// newHash returns an empty small hash with room for sizeHint fields.
func newHash(sizeHint int) *hash {
	return &hash{pairs: make([][]byte, 0, 2*min(sizeHint, hashMaxListpackEntries))}
}

func (h *hash) len() int { return len(h.pairs) / 2 }

// large reports whether the hash has been converted to a hash table.
func (h *hash) large() bool { return h.index != nil }

// find returns the position of field's name in pairs, or -1.
func (h *hash) find(field []byte) int {
	if h.large() {
		if i, ok := h.index[str(field)]; ok {
			return i
		}
		return -1
	}
	for i := 0; i < len(h.pairs); i += 2 {
		if string(h.pairs[i]) == string(field) {
			return i
		}
	}
	return -1
}

// get returns field's value; a nil hash, for a missing key, has none.
func (h *hash) get(field []byte) ([]byte, bool) {
	if h == nil {
		return nil, false
	}
	if i := h.find(field); i >= 0 {
		return h.pairs[i+1], true
	}
	return nil, false
}

// set stores value (which the hash keeps) at field and reports whether
// the field is new. A new field goes last, an existing one keeps its
// place. A field or value too long for a listpack converts the hash
// first, and a field beyond the listpack's count converts it after.
func (h *hash) set(field, value []byte) bool {
	if len(field) > hashMaxListpackValue || len(value) > hashMaxListpackValue {
		h.convert()
	}
	if i := h.find(field); i >= 0 {
		h.bytes += allocSize(len(value)) - allocSize(len(h.pairs[i+1]))
		h.pairs[i+1] = value
		return false
	}
	field = clone(field)
	h.bytes += allocSize(len(field)) + allocSize(len(value))
	if h.large() {
		// The index's key shares the field's bytes, which the hash
		// owns and never changes.
		h.index[str(field)] = len(h.pairs)
	}
	h.pairs = append(h.pairs, field, value)
	if h.len() > hashMaxListpackEntries {
		h.convert()
	}
	return true
}

func (h *hash) del(field []byte) bool {
	i := h.find(field)
	if i < 0 {
		return false
	}
	n := len(h.pairs)
	h.bytes -= allocSize(len(h.pairs[i])) + allocSize(len(h.pairs[i+1]))
	if h.large() {
		delete(h.index, str(field))
		if i != n-2 {
			h.pairs[i], h.pairs[i+1] = h.pairs[n-2], h.pairs[n-1]
			h.index[str(h.pairs[i])] = i
		}
	} else {
		copy(h.pairs[i:], h.pairs[i+2:])
	}
	h.pairs[n-2], h.pairs[n-1] = nil, nil // let the removed pair go
	h.pairs = h.pairs[:n-2]
	return true
}

// convert turns a small hash into a large one; a large one stays.
func (h *hash) convert() {
	if h.large() {
		return
	}
	h.index = make(map[string]int, len(h.pairs)/2)
	for i := 0; i < len(h.pairs); i += 2 {
		h.index[str(h.pairs[i])] = i
	}
}

// pair returns the i'th field and value, 0 <= i < len: in insertion order
// while the hash is small.
func (h *hash) pair(i int) (field, value []byte) { return h.pairs[2*i], h.pairs[2*i+1] }

// each calls fn with every field and value, in insertion order while the
// hash is small, until fn returns false.
func (h *hash) each(fn func(field, value []byte) bool) {
	for i := 0; i < len(h.pairs); i += 2 {
		if !fn(h.pairs[i], h.pairs[i+1]) {
			return
		}
	}
}

func (h *hash) kind() Kind { return KindHash }

func (h *hash) encoding() string {
	if h.large() {
		return "hashtable"
	}
	return "listpack"
}

func (h *hash) clone() object {
	c := &hash{pairs: append([][]byte(nil), h.pairs...), bytes: h.bytes}
	if h.large() {
		c.index = maps.Clone(h.index)
	}
	return c
}
