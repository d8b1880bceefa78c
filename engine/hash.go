package engine

// Redis keeps a small hash as a listpack, whose fields stay in insertion
// order, and converts it to a hash table once it has more than
// hash-max-listpack-entries fields or a field or value longer than
// hash-max-listpack-value bytes. Replies list a small hash's fields in
// that order, so PhotonDB keeps the same two forms and converts at the
// same points.
const (
	hashMaxListpackEntries = 128
	hashMaxListpackValue   = 64
)

// hash maps fields to values: a slice of pairs in insertion order while
// small, a map after. Values are replaced, never changed in place.
type hash struct {
	pairs [][]byte // field, value, field, value... while small
	m     map[string][]byte
}

func newHash(sizeHint int) *hash {
	if sizeHint > hashMaxListpackEntries {
		return &hash{m: make(map[string][]byte, sizeHint)}
	}
	return &hash{pairs: make([][]byte, 0, 2*sizeHint)}
}

func (h *hash) len() int {
	if h.m != nil {
		return len(h.m)
	}
	return len(h.pairs) / 2
}

// index returns the position of field's name in pairs, or -1.
func (h *hash) index(field []byte) int {
	for i := 0; i < len(h.pairs); i += 2 {
		if string(h.pairs[i]) == string(field) {
			return i
		}
	}
	return -1
}

func (h *hash) get(field []byte) ([]byte, bool) {
	if h.m != nil {
		v, ok := h.m[string(field)]
		return v, ok
	}
	if i := h.index(field); i >= 0 {
		return h.pairs[i+1], true
	}
	return nil, false
}

// set stores value (which the hash keeps) at field and reports whether
// the field is new. A new field goes last, an existing one keeps its place.
func (h *hash) set(field, value []byte) bool {
	if h.m == nil && (len(field) > hashMaxListpackValue || len(value) > hashMaxListpackValue) {
		h.toMap()
	}
	if h.m != nil {
		_, exists := h.m[string(field)]
		h.m[string(field)] = value
		return !exists
	}
	if i := h.index(field); i >= 0 {
		h.pairs[i+1] = value
		return false
	}
	h.pairs = append(h.pairs, clone(field), value)
	if len(h.pairs)/2 > hashMaxListpackEntries {
		h.toMap()
	}
	return true
}

func (h *hash) del(field []byte) bool {
	if h.m != nil {
		_, ok := h.m[string(field)]
		delete(h.m, string(field))
		return ok
	}
	i := h.index(field)
	if i < 0 {
		return false
	}
	n := len(h.pairs)
	copy(h.pairs[i:], h.pairs[i+2:])
	h.pairs[n-2], h.pairs[n-1] = nil, nil // let the removed pair go
	h.pairs = h.pairs[:n-2]
	return true
}

func (h *hash) toMap() {
	h.m = make(map[string][]byte, len(h.pairs))
	for i := 0; i < len(h.pairs); i += 2 {
		h.m[string(h.pairs[i])] = h.pairs[i+1]
	}
	h.pairs = nil
}

// each calls fn with every field and value, in insertion order while the
// hash is small, until fn returns false.
func (h *hash) each(fn func(field, value []byte) bool) {
	if h.m != nil {
		for f, v := range h.m {
			if !fn(bytesOf(f), v) {
				return
			}
		}
		return
	}
	for i := 0; i < len(h.pairs); i += 2 {
		if !fn(h.pairs[i], h.pairs[i+1]) {
			return
		}
	}
}

func (h *hash) kind() Kind { return KindHash }

func (h *hash) encoding() string {
	if h.m != nil {
		return "hashtable"
	}
	return "listpack"
}

func (h *hash) clone() object {
	if h.m != nil {
		c := &hash{m: make(map[string][]byte, len(h.m))}
		for k, v := range h.m {
			c.m[k] = v
		}
		return c
	}
	return &hash{pairs: append([][]byte(nil), h.pairs...)}
}
