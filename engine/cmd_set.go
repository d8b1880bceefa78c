package engine

import (
	"bytes"
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// setCommands are the set group's rows of the command table.
func setCommands() []*Command {
	return []*Command{
		{Name: "SADD", Group: "set", Arity: -3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key member [member ...]", Summary: "Add one or more members to a set", Since: "1.0.0", Run: cmdSadd},
		{Name: "SCARD", Group: "set", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the number of members in a set", Since: "1.0.0", Run: cmdScard},
		{Name: "SDIFF", Group: "set", Arity: -2, Flags: ReadOnly, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Subtract multiple sets", Since: "1.0.0", Run: cmdSdiff},
		{Name: "SDIFFSTORE", Group: "set", Arity: -3, Flags: Write | DenyOOM, Keys: Keys{1, -1, 1},
			Args: "destination key [key ...]", Summary: "Subtract multiple sets and store the resulting set in a key", Since: "1.0.0", Run: cmdSdiffstore},
		{Name: "SINTER", Group: "set", Arity: -2, Flags: ReadOnly, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Intersect multiple sets", Since: "1.0.0", Run: cmdSinter},
		// SINTERCARD's keys follow a count, which Redis's first/last/step
		// cannot state; COMMAND reports 0 0 0 for it, as Redis does.
		{Name: "SINTERCARD", Group: "set", Arity: -3, Flags: ReadOnly,
			Args: "numkeys key [key ...] [LIMIT limit]", Summary: "Intersect multiple sets and return the cardinality of the result", Since: "7.0.0", Run: cmdSintercard},
		{Name: "SINTERSTORE", Group: "set", Arity: -3, Flags: Write | DenyOOM, Keys: Keys{1, -1, 1},
			Args: "destination key [key ...]", Summary: "Intersect multiple sets and store the resulting set in a key", Since: "1.0.0", Run: cmdSinterstore},
		{Name: "SISMEMBER", Group: "set", Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key member", Summary: "Determine if a given value is a member of a set", Since: "1.0.0", Run: cmdSismember},
		{Name: "SMEMBERS", Group: "set", Arity: 2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get all the members in a set", Since: "1.0.0", Run: cmdSmembers},
		{Name: "SMISMEMBER", Group: "set", Arity: -3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key member [member ...]", Summary: "Returns the membership associated with the given elements for a set", Since: "6.2.0", Run: cmdSmismember},
		{Name: "SMOVE", Group: "set", Arity: 4, Flags: Write | Fast, Keys: Keys{1, 2, 1},
			Args: "source destination member", Summary: "Move a member from one set to another", Since: "1.0.0", Run: cmdSmove},
		{Name: "SPOP", Group: "set", Arity: -2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key [count]", Summary: "Remove and return one or multiple random members from a set", Since: "1.0.0", Run: cmdSpop},
		{Name: "SRANDMEMBER", Group: "set", Arity: -2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key [count]", Summary: "Get one or multiple random members from a set", Since: "1.0.0", Run: cmdSrandmember},
		{Name: "SREM", Group: "set", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key member [member ...]", Summary: "Remove one or more members from a set", Since: "1.0.0", Run: cmdSrem},
		{Name: "SSCAN", Group: "set", Arity: -3, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key cursor [MATCH pattern] [COUNT count]", Summary: "Incrementally iterate Set elements", Since: "2.8.0", Run: cmdSscan},
		{Name: "SUNION", Group: "set", Arity: -2, Flags: ReadOnly, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Add multiple sets", Since: "1.0.0", Run: cmdSunion},
		{Name: "SUNIONSTORE", Group: "set", Arity: -3, Flags: Write | DenyOOM, Keys: Keys{1, -1, 1},
			Args: "destination key [key ...]", Summary: "Add multiple sets and store the resulting set in a key", Since: "1.0.0", Run: cmdSunionstore},
	}
}

// srandmemberMaxRepeat is the largest count SRANDMEMBER with a negative
// count answers. Redis has no limit and runs out of memory building the
// reply; PhotonDB refuses instead, keeping a reply's array under 200 MB.
const srandmemberMaxRepeat = 1 << 23

// These errors can occur when a set command's count, cursor or options
// are out of range.
var (
	errSetCountRange  = errf("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	errSetRepeatCount = errf("count is too large: SRANDMEMBER with a negative count returns at most " + strconv.Itoa(srandmemberMaxRepeat) + " members")
	errSetNumkeys     = errf("numkeys should be greater than 0")
	errSetNumkeysArgs = errf("Number of keys can't be greater than number of args")
	errSetLimit       = errf("LIMIT can't be negative")
	errSetScanCursor  = errf("invalid cursor")
)

// getSet returns key's set for a command that reads it, or nil when key
// is missing, and counts a keyspace hit or miss.
func (db *DB) getSet(key []byte) (*set, error) {
	v, ok := db.lookupRead(key)
	return setOf(v, ok)
}

// writableSet returns key's set for a command that changes it, or nil
// when key is missing. Like Redis's lookupKeyWrite, it counts no hit.
func (db *DB) writableSet(key []byte) (*set, error) {
	v, ok := db.lookup(key)
	return setOf(v, ok)
}

func setOf(v value, ok bool) (*set, error) {
	if !ok {
		return nil, nil
	}
	s, isSet := v.obj.(*set)
	if !isSet {
		return nil, ErrWrongType
	}
	return s, nil
}

// setsAt returns the sets at keys, nil standing for a missing key (an
// empty set). Like Redis 7.0 it checks every key before any work, so a
// key of another type is an error even after a missing one. It reads
// them as Redis 7.0 does for the STORE forms too: a missing source
// counts as a keyspace miss and announces a key-miss event.
func (db *DB) setsAt(keys [][]byte) ([]*set, error) {
	sets := make([]*set, len(keys))
	for i, k := range keys {
		var err error
		if sets[i], err = db.getSet(k); err != nil {
			return nil, err
		}
	}
	return sets, nil
}

// setReply answers members as a set, which RESP3 clients see as one.
func setReply(members [][]byte) Set {
	out := make(Set, len(members))
	for i, m := range members {
		out[i] = m
	}
	return out
}

func cmdSadd(db *DB, args [][]byte) (Reply, error) {
	s, err := db.writableSet(args[1])
	if err != nil {
		return nil, err
	}
	if s == nil {
		s = newSetFor(args[2])
		db.create(args[1], value{obj: s})
	}
	var added int64
	for _, m := range args[2:] {
		if s.add(m) {
			added++
		}
	}
	db.changed(added)
	return added, nil
}

func cmdSrem(db *DB, args [][]byte) (Reply, error) {
	s, err := db.writableSet(args[1])
	if err != nil || s == nil {
		return zero, err
	}
	var removed int64
	for _, m := range args[2:] {
		if s.remove(m) {
			removed++
			if s.len() == 0 {
				break
			}
		}
	}
	db.changed(removed)
	if s.len() == 0 {
		db.del(args[1])
	}
	return removed, nil
}

func cmdSmembers(db *DB, args [][]byte) (Reply, error) {
	s, err := db.getSet(args[1])
	if err != nil || s == nil {
		return Set{}, err
	}
	return setReply(s.list()), nil
}

func cmdSismember(db *DB, args [][]byte) (Reply, error) {
	s, err := db.getSet(args[1])
	if err != nil || s == nil {
		return zero, err
	}
	return boolReply(s.has(args[2])), nil
}

func cmdSmismember(db *DB, args [][]byte) (Reply, error) {
	s, err := db.getSet(args[1])
	if err != nil {
		return nil, err
	}
	out := make([]Reply, len(args)-2)
	for i, m := range args[2:] {
		out[i] = boolReply(s != nil && s.has(m))
	}
	return out, nil
}

func cmdScard(db *DB, args [][]byte) (Reply, error) {
	s, err := db.getSet(args[1])
	if err != nil || s == nil {
		return zero, err
	}
	return int64(s.len()), nil
}

// cmdSmove checks its keys in Redis's order: a missing source answers 0
// before either key's type is looked at.
func cmdSmove(db *DB, args [][]byte) (Reply, error) {
	src, srcErr := db.writableSet(args[1])
	dst, dstErr := db.writableSet(args[2])
	member := args[3]
	switch {
	case srcErr == nil && src == nil:
		return zero, nil
	case srcErr != nil:
		return nil, srcErr
	case dstErr != nil:
		return nil, dstErr
	case src == dst:
		return boolReply(src.has(member)), nil
	case !src.remove(member):
		return zero, nil
	}
	db.changed(1)
	db.touch(args[1])
	if src.len() == 0 {
		db.del(args[1])
	}
	if dst == nil {
		dst = newSetFor(member)
		db.create(args[2], value{obj: dst})
	}
	// As in Redis, the destination changed only if it lacked member.
	if dst.add(member) {
		db.changed(1)
		db.touch(args[2])
	}
	return one, nil
}

func cmdSpop(db *DB, args [][]byte) (Reply, error) {
	switch len(args) {
	case 2:
		return spopOne(db, args[1])
	case 3:
		return spopCount(db, args[1], args[2])
	}
	return nil, ErrSyntax
}

// spopOne pops one random member and journals SREM key member.
func spopOne(db *DB, key []byte) (Reply, error) {
	s, err := db.writableSet(key)
	if err != nil || s == nil {
		return nil, err
	}
	i := s.randomIndex()
	m := s.at(i)
	s.removeAt(i)
	db.changed(1)
	db.propagate([]byte("SREM"), clone(key), m)
	if s.len() == 0 {
		db.del(key)
	}
	return m, nil
}

// spopCount pops count random members and journals them as one SREM, or,
// when count covers the whole set, as DEL, as Redis does.
func spopCount(db *DB, key, countArg []byte) (Reply, error) {
	count, ok := parseInt(countArg)
	if !ok || count < 0 {
		return nil, ErrNotPositive
	}
	s, err := db.writableSet(key)
	if err != nil {
		return nil, err
	}
	if s == nil || count == 0 {
		return Set{}, nil
	}
	if size := s.len(); count >= int64(size) {
		members := setUnion([]*set{s}).list()
		db.changed(int64(size))
		db.del(key)
		db.propagate([]byte("DEL"), clone(key))
		return setReply(members), nil
	}
	srem := make([][]byte, 2, 2+count)
	srem[0], srem[1] = []byte("SREM"), clone(key)
	for range count {
		i := s.randomIndex()
		srem = append(srem, s.at(i))
		s.removeAt(i)
	}
	db.changed(count)
	db.propagate(srem...)
	return setReply(srem[2:]), nil
}

func cmdSrandmember(db *DB, args [][]byte) (Reply, error) {
	switch len(args) {
	case 2:
		s, err := db.getSet(args[1])
		if err != nil || s == nil {
			return nil, err
		}
		return s.at(s.randomIndex()), nil
	case 3:
		return srandmemberCount(db, args[1], args[2])
	}
	return nil, ErrSyntax
}

// srandmemberCount answers SRANDMEMBER with a count: as many distinct
// members when it is positive, -count members that may repeat when it is
// negative. Redis parses the count before it looks at the key.
func srandmemberCount(db *DB, key, countArg []byte) (Reply, error) {
	count, ok := parseInt(countArg)
	if !ok {
		return nil, ErrNotInteger
	}
	if count == math.MinInt64 {
		return nil, errSetCountRange
	}
	s, err := db.getSet(key)
	if err != nil {
		return nil, err
	}
	switch {
	case s == nil || count == 0:
		return Bulks{}, nil
	case count < 0:
		if -count > srandmemberMaxRepeat {
			return nil, errSetRepeatCount
		}
		return Bulks(s.randomMembers(int(-count))), nil
	case count >= int64(s.len()):
		return Bulks(setUnion([]*set{s}).list()), nil
	}
	return Bulks(s.sample(int(count))), nil
}

// randomMembers returns n members chosen at random, which may repeat.
func (s *set) randomMembers(n int) [][]byte {
	out := make([][]byte, n)
	if s.isIntset() {
		all := s.list()
		for i := range out {
			out[i] = all[rand.IntN(len(all))]
		}
		return out
	}
	for i := range out {
		out[i] = bytesOf(s.members[rand.IntN(len(s.members))])
	}
	return out
}

// sample returns n distinct members chosen at random; n is less than the
// set's size. Like Redis, it shuffles when n is near the size and draws
// until it has n distinct ones when n is small.
func (s *set) sample(n int) [][]byte {
	size := s.len()
	var picked []int
	if n*3 > size {
		picked = make([]int, size)
		for i := range picked {
			picked[i] = i
		}
		for i := range n {
			j := i + rand.IntN(size-i)
			picked[i], picked[j] = picked[j], picked[i]
		}
		picked = picked[:n]
	} else {
		seen := make(map[int]bool, n)
		for len(picked) < n {
			if i := s.randomIndex(); !seen[i] {
				seen[i] = true
				picked = append(picked, i)
			}
		}
	}
	out := make([][]byte, n)
	for k, i := range picked {
		out[k] = s.at(i)
	}
	return out
}

func cmdSinter(db *DB, args [][]byte) (Reply, error) {
	sets, err := db.setsAt(args[1:])
	if err != nil {
		return nil, err
	}
	return setReply(setInter(sets, 0)), nil
}

func cmdSinterstore(db *DB, args [][]byte) (Reply, error) {
	sets, err := db.setsAt(args[2:])
	if err != nil {
		return nil, err
	}
	result := &set{}
	for _, m := range setInter(sets, 0) {
		result.add(m)
	}
	return storeSet(db, args[1], result), nil
}

func cmdSintercard(db *DB, args [][]byte) (Reply, error) {
	numkeys, ok := parseInt(args[1])
	if !ok || numkeys < 1 {
		return nil, errSetNumkeys
	}
	if numkeys > int64(len(args)-2) {
		return nil, errSetNumkeysArgs
	}
	var limit int64
	for i := 2 + int(numkeys); i < len(args); i++ {
		if !equalFold(args[i], "LIMIT") || i+1 == len(args) {
			return nil, ErrSyntax
		}
		i++
		if limit, ok = parseInt(args[i]); !ok || limit < 0 {
			return nil, errSetLimit
		}
	}
	sets, err := db.setsAt(args[2 : 2+numkeys])
	if err != nil {
		return nil, err
	}
	return int64(len(setInter(sets, int(limit)))), nil
}

func cmdSunion(db *DB, args [][]byte) (Reply, error) {
	sets, err := db.setsAt(args[1:])
	if err != nil {
		return nil, err
	}
	return setReply(setUnion(sets).list()), nil
}

func cmdSunionstore(db *DB, args [][]byte) (Reply, error) {
	sets, err := db.setsAt(args[2:])
	if err != nil {
		return nil, err
	}
	return storeSet(db, args[1], setUnion(sets)), nil
}

func cmdSdiff(db *DB, args [][]byte) (Reply, error) {
	sets, err := db.setsAt(args[1:])
	if err != nil {
		return nil, err
	}
	return setReply(setDiff(sets).list()), nil
}

func cmdSdiffstore(db *DB, args [][]byte) (Reply, error) {
	sets, err := db.setsAt(args[2:])
	if err != nil {
		return nil, err
	}
	return storeSet(db, args[1], setDiff(sets)), nil
}

// storeSet stores the result of a *STORE command at dest, replacing what
// was there and its TTL, or deletes dest when result is empty, and
// answers result's size. Only dest changed, not the sources the row names.
func storeSet(db *DB, dest []byte, result *set) Reply {
	if result.len() == 0 {
		if db.del(dest) {
			db.touch(dest)
		}
		return zero
	}
	db.set(dest, value{obj: result})
	db.touch(dest)
	return int64(result.len())
}

// setInter returns the members every set has, in the order of the
// smallest set, as Redis lists them; with limit > 0 it stops after limit
// members. A nil set (a missing key) makes the intersection empty.
func setInter(sets []*set, limit int) [][]byte {
	if slices.Contains(sets, nil) {
		return nil
	}
	sets = slices.Clone(sets)
	slices.SortStableFunc(sets, func(a, b *set) int { return cmp.Compare(a.len(), b.len()) })
	small, others := sets[0], sets[1:]
	full := func(n int) bool { return limit > 0 && n >= limit }
	if small.isIntset() {
		var ints []int64
		for _, n := range small.ints {
			if allHaveInt(others, n) {
				if ints = append(ints, n); full(len(ints)) {
					break
				}
			}
		}
		return (&set{ints: ints}).list()
	}
	var out [][]byte
	for _, m := range small.members {
		if allHave(others, bytesOf(m)) {
			if out = append(out, bytesOf(m)); full(len(out)) {
				break
			}
		}
	}
	return out
}

func allHaveInt(sets []*set, n int64) bool {
	for _, s := range sets {
		if !s.hasInt(n) {
			return false
		}
	}
	return true
}

func allHave(sets []*set, member []byte) bool {
	for _, s := range sets {
		if !s.has(member) {
			return false
		}
	}
	return true
}

// setUnion returns a new set of the members of every set, built as
// Redis builds it: an intset as long as the members allow, so that a
// union of integers lists them in ascending order. A nil set is empty.
func setUnion(sets []*set) *set {
	out := &set{}
	for _, s := range sets {
		if s == nil {
			continue
		}
		if s.isIntset() {
			for _, n := range s.ints {
				out.addInt(n)
			}
			continue
		}
		for _, m := range s.members {
			out.addString(m)
		}
	}
	return out
}

// setDiff returns a new set of the members of the first set that none of
// the others has, built as setUnion builds its result. A nil set is empty.
func setDiff(sets []*set) *set {
	out := &set{}
	first := sets[0]
	others := slices.DeleteFunc(slices.Clone(sets[1:]), func(s *set) bool { return s == nil })
	switch {
	case first == nil:
	case first.isIntset():
		for _, n := range first.ints {
			if !anyHasInt(others, n) {
				out.addInt(n)
			}
		}
	default:
		for _, m := range first.members {
			if !anyHas(others, bytesOf(m)) {
				out.addString(m)
			}
		}
	}
	return out
}

func anyHasInt(sets []*set, n int64) bool {
	for _, s := range sets {
		if s.hasInt(n) {
			return true
		}
	}
	return false
}

func anyHas(sets []*set, member []byte) bool {
	for _, s := range sets {
		if s.has(member) {
			return true
		}
	}
	return false
}

// cmdSscan answers every matching member in one reply with cursor 0, as
// Redis does for an intset, after checking the cursor, the key and the
// options in Redis's order.
func cmdSscan(db *DB, args [][]byte) (Reply, error) {
	if !scanCursorOK(args[2]) {
		return nil, errSetScanCursor
	}
	s, err := db.getSet(args[1])
	if err != nil {
		return nil, err
	}
	if s == nil {
		return []Reply{[]byte("0"), Bulks{}}, nil
	}
	pattern, err := setScanOptions(args[3:])
	if err != nil {
		return nil, err
	}
	members := s.list()
	if pattern != nil {
		members = slices.DeleteFunc(members, func(m []byte) bool { return !matchGlob(pattern, m, false) })
	}
	return []Reply{[]byte("0"), Bulks(members)}, nil
}

// scanCursorOK reports whether b is a cursor Redis's
// parseScanCursorOrReply accepts: what C's strtoul reads whole in base
// 10, an optional sign then digits (leading zeros too, and the empty
// string), not starting with a space and within 64 bits. Like C, it
// reads up to the first NUL byte.
func scanCursorOK(b []byte) bool {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return true
	}
	if b[0] == '+' || b[0] == '-' {
		b = b[1:]
		if len(b) == 0 {
			return false
		}
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return false
		}
		v = v*10 + d
	}
	return true
}

// setScanOptions parses SSCAN's MATCH and COUNT options and returns the
// pattern, nil when it matches everything. COUNT is checked, as Redis
// checks it, and otherwise ignored.
func setScanOptions(opts [][]byte) (pattern []byte, err error) {
	for i := 0; i < len(opts); i += 2 {
		more := i+1 < len(opts)
		switch {
		case more && equalFold(opts[i], "COUNT"):
			n, ok := parseInt(opts[i+1])
			if !ok {
				return nil, ErrNotInteger
			}
			if n < 1 {
				return nil, ErrSyntax
			}
		case more && equalFold(opts[i], "MATCH"):
			pattern = opts[i+1]
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil
			}
		default:
			return nil, ErrSyntax
		}
	}
	return pattern, nil
}
