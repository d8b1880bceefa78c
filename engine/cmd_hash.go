package engine

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// hashCommands are the hash group's rows of the command table.
func hashCommands() []*Command {
	return []*Command{
		{Name: "HDEL", Group: "hash", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key field [field ...]", Summary: "Delete one or more hash fields", Since: "2.0.0", Run: cmdHdel},
		{Name: "HEXISTS", Group: "hash", Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key field", Summary: "Determine if a hash field exists", Since: "2.0.0", Run: cmdHexists},
		{Name: "HGET", Group: "hash", Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key field", Summary: "Get the value of a hash field", Since: "2.0.0", Run: cmdHget},
		{Name: "HGETALL", Group: "hash", Arity: 2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get all the fields and values in a hash", Since: "2.0.0", Run: cmdHgetall},
		{Name: "HINCRBY", Group: "hash", Arity: 4, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key field increment", Summary: "Increment the integer value of a hash field by the given number", Since: "2.0.0", Run: cmdHincrby},
		{Name: "HINCRBYFLOAT", Group: "hash", Arity: 4, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key field increment", Summary: "Increment the float value of a hash field by the given amount", Since: "2.6.0", Run: cmdHincrbyfloat},
		{Name: "HKEYS", Group: "hash", Arity: 2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get all the fields in a hash", Since: "2.0.0", Run: cmdHkeys},
		{Name: "HLEN", Group: "hash", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the number of fields in a hash", Since: "2.0.0", Run: cmdHlen},
		{Name: "HMGET", Group: "hash", Arity: -3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key field [field ...]", Summary: "Get the values of all the given hash fields", Since: "2.0.0", Run: cmdHmget},
		{Name: "HMSET", Group: "hash", Arity: -4, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key field value [field value ...]", Summary: "Set multiple hash fields to multiple values", Since: "2.0.0", Run: cmdHmset},
		{Name: "HRANDFIELD", Group: "hash", Arity: -2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key [count [WITHVALUES]]", Summary: "Get one or multiple random fields from a hash", Since: "6.2.0", Run: cmdHrandfield},
		{Name: "HSCAN", Group: "hash", Arity: -3, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key cursor [MATCH pattern] [COUNT count]", Summary: "Incrementally iterate hash fields and associated values", Since: "2.8.0", Run: cmdHscan},
		{Name: "HSET", Group: "hash", Arity: -4, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key field value [field value ...]", Summary: "Set the string value of a hash field", Since: "2.0.0", Run: cmdHset},
		{Name: "HSETNX", Group: "hash", Arity: 4, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key field value", Summary: "Set the value of a hash field, only if the field does not exist", Since: "2.0.0", Run: cmdHsetnx},
		{Name: "HSTRLEN", Group: "hash", Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key field", Summary: "Get the length of the value of a hash field", Since: "3.2.0", Run: cmdHstrlen},
		{Name: "HVALS", Group: "hash", Arity: 2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get all the values in a hash", Since: "2.0.0", Run: cmdHvals},
	}
}

// These errors can occur when a hash field holds what HINCRBY or
// HINCRBYFLOAT cannot add to, or would make what a field cannot hold.
var (
	errHashNotInteger = errf("hash value is not an integer")
	errHashNotFloat   = errf("hash value is not a float")
	errHashNaNInf     = errf("value is NaN or Infinity")
	errHashIncrNaNInf = errf("increment would produce NaN or Infinity")
)

// These errors can occur when HRANDFIELD or HSCAN get arguments they
// cannot use.
var (
	// errHrandfieldCount answers a count below -LONG_MAX, which Redis
	// cannot negate.
	errHrandfieldCount = errf("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	// errHrandfieldRange answers a count Redis cannot double for WITHVALUES,
	// and a negative count that would build a reply too large to hold.
	errHrandfieldRange = errf("value is out of range")
	errHscanCursor     = errf("invalid cursor")
)

// getHash returns key's hash for a command that reads it, counting a
// keyspace hit or miss; ok is false when key is missing.
func (db *DB) getHash(key []byte) (h *hash, ok bool, err error) {
	v, ok := db.lookupRead(key)
	return asHash(v, ok)
}

// hashToWrite is getHash for a command that changes the hash: as Redis's
// lookupKeyWrite, it counts no hit or miss.
func (db *DB) hashToWrite(key []byte) (h *hash, ok bool, err error) {
	v, ok := db.lookup(key)
	return asHash(v, ok)
}

// asHash returns the hash a lookup found, or WRONGTYPE for another type.
func asHash(v value, ok bool) (*hash, bool, error) {
	if !ok {
		return nil, false, nil
	}
	h, isHash := v.obj.(*hash)
	if !isHash {
		return nil, false, ErrWrongType
	}
	return h, true, nil
}

// ensureHash returns h, the hash found at key, or when there was none
// (h is nil) an empty one it stores there, for a command about to set a
// field in it.
func (db *DB) ensureHash(key []byte, h *hash) *hash {
	if h == nil {
		h = newHash(1)
		db.create(key, value{obj: h})
	}
	return h
}

func cmdHset(db *DB, args [][]byte) (Reply, error) {
	n, err := hset(db, args)
	if err != nil {
		return nil, err
	}
	return n, nil
}

func cmdHmset(db *DB, args [][]byte) (Reply, error) {
	if _, err := hset(db, args); err != nil {
		return nil, err
	}
	return OK, nil
}

// hset sets field, value pairs and returns how many fields were new.
func hset(db *DB, args [][]byte) (int64, error) {
	if len(args)%2 != 0 {
		return 0, errWrongArgs(string(args[0]))
	}
	h, ok, err := db.hashToWrite(args[1])
	if err != nil {
		return 0, err
	}
	if !ok {
		h = newHash((len(args) - 2) / 2)
		db.create(args[1], value{obj: h})
	}
	var added int64
	for i := 2; i < len(args); i += 2 {
		if h.set(args[i], clone(args[i+1])) {
			added++
		}
	}
	db.changed(int64(len(args)-2) / 2)
	return added, nil
}

func cmdHget(db *DB, args [][]byte) (Reply, error) {
	h, ok, err := db.getHash(args[1])
	if err != nil || !ok {
		return nil, err
	}
	if v, ok := h.get(args[2]); ok {
		return v, nil
	}
	return nil, nil
}

func cmdHmget(db *DB, args [][]byte) (Reply, error) {
	h, _, err := db.getHash(args[1])
	if err != nil {
		return nil, err
	}
	out := make(Bulks, len(args)-2)
	for i, f := range args[2:] {
		if v, ok := h.get(f); ok {
			out[i] = v
		}
	}
	return out, nil
}

func cmdHdel(db *DB, args [][]byte) (Reply, error) {
	h, ok, err := db.hashToWrite(args[1])
	if err != nil || !ok {
		return zero, err
	}
	var n int64
	for _, f := range args[2:] {
		if h.del(f) {
			n++
		}
	}
	db.changed(n)
	db.removeIfEmpty(args[1], h)
	return n, nil
}

func cmdHlen(db *DB, args [][]byte) (Reply, error) {
	h, ok, err := db.getHash(args[1])
	if err != nil || !ok {
		return zero, err
	}
	return int64(h.len()), nil
}

func cmdHexists(db *DB, args [][]byte) (Reply, error) {
	h, ok, err := db.getHash(args[1])
	if err != nil || !ok {
		return zero, err
	}
	_, exists := h.get(args[2])
	return boolReply(exists), nil
}

func cmdHgetall(db *DB, args [][]byte) (Reply, error) {
	return hashReply(db, args[1], true, true)
}

func cmdHkeys(db *DB, args [][]byte) (Reply, error) {
	return hashReply(db, args[1], true, false)
}

func cmdHvals(db *DB, args [][]byte) (Reply, error) {
	return hashReply(db, args[1], false, true)
}

// hashReply lists a hash's fields, values or both. Both is a map, which
// RESP3 clients see as one.
func hashReply(db *DB, key []byte, fields, values bool) (Reply, error) {
	h, ok, err := db.getHash(key)
	if err != nil {
		return nil, err
	}
	n := 0
	if ok {
		n = h.len()
	}
	if fields && values {
		n *= 2
	}
	out := make([][]byte, 0, n)
	if ok {
		h.each(func(f, v []byte) bool {
			if fields {
				out = append(out, f)
			}
			if values {
				out = append(out, v)
			}
			return true
		})
	}
	if fields && values {
		return BulkMap(out), nil
	}
	return Bulks(out), nil
}

func cmdHsetnx(db *DB, args [][]byte) (Reply, error) {
	h, _, err := db.hashToWrite(args[1])
	if err != nil {
		return nil, err
	}
	if _, exists := h.get(args[2]); exists {
		return zero, nil
	}
	h = db.ensureHash(args[1], h)
	h.set(args[2], clone(args[3]))
	db.changed(1)
	return one, nil
}

func cmdHstrlen(db *DB, args [][]byte) (Reply, error) {
	h, _, err := db.getHash(args[1])
	if err != nil {
		return nil, err
	}
	v, _ := h.get(args[2])
	return int64(len(v)), nil
}

// cmdHincrby adds an integer to a field, which must hold one (a missing
// field holds 0), and answers the sum.
func cmdHincrby(db *DB, args [][]byte) (Reply, error) {
	by, err := intArg(args[3])
	if err != nil {
		return nil, err
	}
	h, _, err := db.hashToWrite(args[1])
	if err != nil {
		return nil, err
	}
	var n int64
	if v, exists := h.get(args[2]); exists {
		var isInt bool
		if n, isInt = parseInt(v); !isInt {
			return nil, errHashNotInteger
		}
	}
	if (by < 0 && n < math.MinInt64-by) || (by > 0 && n > math.MaxInt64-by) {
		return nil, ErrOverflow
	}
	n += by
	h = db.ensureHash(args[1], h)
	h.set(args[2], strconv.AppendInt(nil, n, 10))
	db.changed(1)
	return n, nil
}

// cmdHincrbyfloat adds a number to a field, computing in a C long double
// as Redis does, and answers the sum as Redis formats it. It journals
// the HSET of that sum, so that a replay stores the same digits.
func cmdHincrbyfloat(db *DB, args [][]byte) (Reply, error) {
	by, ok := parseLongDouble(args[3])
	if !ok {
		return nil, ErrNotFloat
	}
	if by.IsInf() {
		return nil, errHashNaNInf
	}
	h, _, err := db.hashToWrite(args[1])
	if err != nil {
		return nil, err
	}
	sum := by
	if v, exists := h.get(args[2]); exists {
		n, isFloat := parseLongDouble(v)
		if !isFloat {
			return nil, errHashNotFloat
		}
		if sum, ok = addLongDouble(n, by); !ok {
			return nil, errHashIncrNaNInf
		}
	}
	b := formatLongDouble(sum)
	h = db.ensureHash(args[1], h)
	h.set(args[2], b)
	db.changed(1)
	db.propagate([]byte("HSET"), clone(args[1]), clone(args[2]), b)
	return b, nil
}

// hrandfieldMaxRepeat bounds the reply of HRANDFIELD with a negative
// count, which repeats fields: Redis streams such a reply, PhotonDB
// builds it whole, and a count of billions would exhaust memory.
const hrandfieldMaxRepeat = 1 << 24

// cmdHrandfield answers a random field; with a count, up to that many
// distinct fields, or for a negative count exactly -count fields that may
// repeat, with their values after WITHVALUES. As in Redis 7.0, the count
// and WITHVALUES are checked before the key is looked up.
func cmdHrandfield(db *DB, args [][]byte) (Reply, error) {
	if len(args) == 2 {
		h, ok, err := db.getHash(args[1])
		if err != nil || !ok {
			return nil, err
		}
		f, _ := h.pair(rand.IntN(h.len()))
		return f, nil
	}
	count, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	if count == math.MinInt64 {
		return nil, errHrandfieldCount
	}
	withValues := false
	if len(args) > 4 || (len(args) == 4 && !equalFold(args[3], "WITHVALUES")) {
		return nil, ErrSyntax
	}
	if len(args) == 4 {
		withValues = true
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			return nil, errHrandfieldRange
		}
	}
	h, ok, err := db.getHash(args[1])
	if err != nil || !ok || count == 0 {
		return Bulks{}, err
	}
	if count < -hrandfieldMaxRepeat {
		return nil, errHrandfieldRange
	}
	return hrandfieldReply(db, h, hrandfieldPick(h, count), withValues), nil
}

// hrandfieldPick returns the positions of the fields HRANDFIELD answers
// with for count: -count random ones, repeating, for a negative count;
// count distinct ones, or every field, for a positive one. Like Redis,
// it gives distinct fields of a small hash in the hash's order.
func hrandfieldPick(h *hash, count int64) []int {
	n := h.len()
	switch {
	case count < 0 || count == 1:
		out := make([]int, max(-count, 1))
		for i := range out {
			out[i] = rand.IntN(n)
		}
		return out
	case count >= int64(n):
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	case h.large() && count*3 <= int64(n):
		// Few of many: draw until count distinct ones came up.
		out := make([]int, 0, count)
		seen := make(map[int]bool, count)
		for int64(len(out)) < count {
			if i := rand.IntN(n); !seen[i] {
				seen[i] = true
				out = append(out, i)
			}
		}
		return out
	}
	// Selection sampling: each position is taken with the chance that
	// leaves every subset of count positions equally likely.
	out := make([]int, 0, count)
	for i := 0; i < n && int64(len(out)) < count; i++ {
		if rand.Int64N(int64(n-i)) < count-int64(len(out)) {
			out = append(out, i)
		}
	}
	return out
}

// hrandfieldReply lists the fields at the positions picked, with their
// values after WITHVALUES: a flat array in RESP2, an array of field and
// value pairs in RESP3, as Redis answers.
func hrandfieldReply(db *DB, h *hash, picked []int, withValues bool) Reply {
	if !withValues {
		out := make(Bulks, len(picked))
		for i, p := range picked {
			out[i], _ = h.pair(p)
		}
		return out
	}
	if db.sess.proto >= 3 {
		out := make([]Reply, len(picked))
		for i, p := range picked {
			f, v := h.pair(p)
			out[i] = Bulks{f, v}
		}
		return out
	}
	out := make(Bulks, 0, 2*len(picked))
	for _, p := range picked {
		f, v := h.pair(p)
		out = append(out, f, v)
	}
	return out
}

// cmdHscan answers every field and value whose field matches the MATCH
// pattern, with cursor 0: Redis does so for a small hash, and may for any
// (a scan promises each field at least once, not a page size). As in
// Redis, the cursor is checked first and the options only when the key
// holds a hash.
func cmdHscan(db *DB, args [][]byte) (Reply, error) {
	if !hscanCursorValid(args[2]) {
		return nil, errHscanCursor
	}
	h, ok, err := db.getHash(args[1])
	if err != nil {
		return nil, err
	}
	out := Bulks{}
	if ok {
		pattern, err := parseHscanOptions(args[3:])
		if err != nil {
			return nil, err
		}
		h.each(func(f, v []byte) bool {
			if pattern == nil || matchGlob(pattern, f, false) {
				out = append(out, f, v)
			}
			return true
		})
	}
	return []Reply{[]byte("0"), out}, nil
}

// hscanCursorValid reports whether b is a cursor as Redis reads one with
// C's strtoul: no leading space, an optional sign, decimal digits up to
// 2^64-1, and nothing after them up to a NUL. An empty string is cursor 0.
func hscanCursorValid(b []byte) bool {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) == 0 {
		return true
	}
	if isCSpace(b[0]) {
		return false
	}
	if b[0] == '+' || b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return false
		}
		n = n*10 + d
	}
	return true
}

// parseHscanOptions reads MATCH pattern and COUNT count, each as often as
// given (the last one counts), and returns the pattern, nil for none or
// "*". COUNT must be a positive integer; PhotonDB answers every match at
// once, so it has no other effect.
func parseHscanOptions(args [][]byte) (pattern []byte, err error) {
	for i := 0; i < len(args); i += 2 {
		if i+1 == len(args) {
			return nil, ErrSyntax
		}
		switch {
		case equalFold(args[i], "COUNT"):
			n, err := intArg(args[i+1])
			if err != nil {
				return nil, err
			}
			if n < 1 {
				return nil, ErrSyntax
			}
		case equalFold(args[i], "MATCH"):
			pattern = args[i+1]
			if string(pattern) == "*" {
				pattern = nil
			}
		default:
			return nil, ErrSyntax
		}
	}
	return pattern, nil
}
