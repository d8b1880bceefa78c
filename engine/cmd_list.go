package engine

// listCommands are the list group's rows of the command table.
func listCommands() []*Command {
	return []*Command{
		{Name: "LINDEX", Group: "list", Arity: 3, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key index", Summary: "Get an element from a list by its index", Since: "1.0.0", Run: cmdLindex},
		{Name: "LINSERT", Group: "list", Arity: 5, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "key BEFORE|AFTER pivot element", Summary: "Insert an element before or after another element in a list", Since: "2.2.0", Run: cmdLinsert},
		{Name: "LLEN", Group: "list", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the length of a list", Since: "1.0.0", Run: cmdLlen},
		{Name: "LMOVE", Group: "list", Arity: 5, Flags: Write | DenyOOM, Keys: Keys{1, 2, 1},
			Args: "source destination LEFT|RIGHT LEFT|RIGHT", Summary: "Pop an element from a list, push it to another list and return it", Since: "6.2.0", Run: cmdLmove},
		// LMPOP's keys follow its numkeys argument, so like Redis it
		// declares none by position (COMMAND INFO shows 0 0 0).
		{Name: "LMPOP", Group: "list", Arity: -4, Flags: Write, Keys: Keys{0, 0, 0},
			Args: "numkeys key [key ...] LEFT|RIGHT [COUNT count]", Summary: "Pop elements from a list", Since: "7.0.0", Run: cmdLmpop},
		{Name: "LPOP", Group: "list", Arity: -2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key [count]", Summary: "Remove and get the first elements in a list", Since: "1.0.0", Run: cmdLpop},
		{Name: "LPOS", Group: "list", Arity: -3, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key element [RANK rank] [COUNT num-matches] [MAXLEN len]", Summary: "Return the index of matching elements on a list", Since: "6.0.6", Run: cmdLpos},
		{Name: "LPUSH", Group: "list", Arity: -3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key element [element ...]", Summary: "Prepend one or multiple elements to a list", Since: "1.0.0", Run: cmdLpush},
		{Name: "LPUSHX", Group: "list", Arity: -3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key element [element ...]", Summary: "Prepend an element to a list, only if the list exists", Since: "2.2.0", Run: cmdLpushx},
		{Name: "LRANGE", Group: "list", Arity: 4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key start stop", Summary: "Get a range of elements from a list", Since: "1.0.0", Run: cmdLrange},
		{Name: "LREM", Group: "list", Arity: 4, Flags: Write, Keys: Keys{1, 1, 1},
			Args: "key count element", Summary: "Remove elements from a list", Since: "1.0.0", Run: cmdLrem},
		{Name: "LSET", Group: "list", Arity: 4, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "key index element", Summary: "Set the value of an element in a list by its index", Since: "1.0.0", Run: cmdLset},
		{Name: "LSIZE", Group: "list", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns the length of a list (PhotonDB's original name for LLEN).", Since: "photon", Run: cmdLlen},
		{Name: "LTRIM", Group: "list", Arity: 4, Flags: Write, Keys: Keys{1, 1, 1},
			Args: "key start stop", Summary: "Trim a list to the specified range", Since: "1.0.0", Run: cmdLtrim},
		{Name: "RPOP", Group: "list", Arity: -2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key [count]", Summary: "Remove and get the last elements in a list", Since: "1.0.0", Run: cmdRpop},
		{Name: "RPOPLPUSH", Group: "list", Arity: 3, Flags: Write | DenyOOM, Keys: Keys{1, 2, 1},
			Args: "source destination", Summary: "Remove the last element in a list, prepend it to another list and return it", Since: "1.2.0", Run: cmdRpoplpush},
		{Name: "RPUSH", Group: "list", Arity: -3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key element [element ...]", Summary: "Append one or multiple elements to a list", Since: "1.0.0", Run: cmdRpush},
		{Name: "RPUSHX", Group: "list", Arity: -3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key element [element ...]", Summary: "Append an element to a list, only if the list exists", Since: "2.2.0", Run: cmdRpushx},
	}
}

// These errors can occur when LPOS or LMPOP (or ZMPOP) get an option
// they cannot use.
var (
	errLposRank    = errf("RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
	errLposCount   = errf("COUNT can't be negative")
	errLposMaxlen  = errf("MAXLEN can't be negative")
	errMpopNumkeys = errf("numkeys should be greater than 0")
	errMpopCount   = errf("count should be greater than 0")
)

// listEnd names an end of a list: LEFT is the head, RIGHT the tail.
type listEnd uint8

const (
	listLeft listEnd = iota
	listRight
)

// parseListEnd reads LEFT or RIGHT, in any case.
func parseListEnd(b []byte) (listEnd, error) {
	switch {
	case equalFold(b, "LEFT"):
		return listLeft, nil
	case equalFold(b, "RIGHT"):
		return listRight, nil
	}
	return 0, ErrSyntax
}

// getList returns key's list for a command that reads it, counting a
// keyspace hit or miss; ok is false when key is missing.
func (db *DB) getList(key []byte) (l *list, ok bool, err error) {
	v, ok := db.lookupRead(key)
	return asList(v, ok)
}

// listToWrite is getList for a command that changes the list: as Redis's
// lookupKeyWrite, it counts no hit or miss.
func (db *DB) listToWrite(key []byte) (l *list, ok bool, err error) {
	v, ok := db.lookup(key)
	return asList(v, ok)
}

// asList returns the list a lookup found, or WRONGTYPE for another type.
func asList(v value, ok bool) (*list, bool, error) {
	if !ok {
		return nil, false, nil
	}
	l, isList := v.obj.(*list)
	if !isList {
		return nil, false, ErrWrongType
	}
	return l, true, nil
}

// removeIfEmpty deletes key once its list has no elements left, as Redis
// never keeps an empty list.
func (db *DB) removeIfEmpty(key []byte, o object) {
	if o.len() == 0 {
		db.del(key)
	}
}

func cmdLpush(db *DB, args [][]byte) (Reply, error) { return push(db, args, listLeft, false) }
func cmdRpush(db *DB, args [][]byte) (Reply, error) { return push(db, args, listRight, false) }
func cmdLpushx(db *DB, args [][]byte) (Reply, error) {
	return push(db, args, listLeft, true)
}
func cmdRpushx(db *DB, args [][]byte) (Reply, error) {
	return push(db, args, listRight, true)
}

// push adds the elements args[2:] one by one at the end of the list at
// args[1], creating it unless onlyExisting is set (LPUSHX, RPUSHX), and
// answers the list's new length.
func push(db *DB, args [][]byte, end listEnd, onlyExisting bool) (Reply, error) {
	l, ok, err := db.listToWrite(args[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		if onlyExisting {
			return zero, nil
		}
		l = &list{}
		db.create(args[1], value{obj: l})
	}
	size := 0
	for _, e := range args[2:] {
		size += entrySize(len(e))
	}
	l.reserve(end, size)
	for _, e := range args[2:] {
		l.push(end, e)
	}
	db.changed(int64(len(args) - 2))
	return db.int(int64(l.len())), nil
}

func cmdLpop(db *DB, args [][]byte) (Reply, error) { return pop(db, args, listLeft) }
func cmdRpop(db *DB, args [][]byte) (Reply, error) { return pop(db, args, listRight) }

// pop removes one element, or with a count argument up to that many, from
// an end of the list at args[1].
func pop(db *DB, args [][]byte, end listEnd) (Reply, error) {
	if len(args) > 3 {
		return nil, errWrongArgs(string(args[0]))
	}
	count := int64(-1)
	if len(args) == 3 {
		n, ok := parseInt(args[2])
		if !ok || n < 0 {
			return nil, ErrNotPositive
		}
		count = n
	}
	l, ok, err := db.listToWrite(args[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		if count >= 0 {
			return NullArray{}, nil
		}
		return nil, nil
	}
	var r Reply
	if count < 0 {
		r = db.bulk(l.pop(end))
		db.changed(1)
	} else {
		r = popElems(db, l, end, count)
	}
	db.removeIfEmpty(args[1], l)
	return r, nil
}

// popElems removes up to count elements from an end of l and returns
// them in the order they were removed.
func popElems(db *DB, l *list, end listEnd, count int64) Bulks {
	n := int(min(count, int64(l.len())))
	out := make(Bulks, n)
	for i := range out {
		out[i] = l.pop(end)
	}
	db.changed(int64(n))
	l.shrink()
	return out
}

func cmdLlen(db *DB, args [][]byte) (Reply, error) {
	l, ok, err := db.getList(args[1])
	if err != nil || !ok {
		return zero, err
	}
	return db.int(int64(l.len())), nil
}

// cmdLindex answers LINDEX. As Redis does, it looks the key up before it
// reads the index: a missing key answers nil whatever the index.
func cmdLindex(db *DB, args [][]byte) (Reply, error) {
	l, ok, err := db.getList(args[1])
	if err != nil || !ok {
		return nil, err
	}
	i, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	i, ok = listIndex(i, l.len())
	if !ok {
		return nil, nil
	}
	return l.at(int(i)), nil
}

// listIndex turns an index that may count from the end (-1 is the last
// element) into a position in a list of n elements; ok is false when it
// is out of range.
func listIndex(i int64, n int) (int64, bool) {
	if i < 0 {
		i += int64(n)
	}
	return i, i >= 0 && i < int64(n)
}

func cmdLrange(db *DB, args [][]byte) (Reply, error) {
	start, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	stop, err := intArg(args[3])
	if err != nil {
		return nil, err
	}
	l, ok, err := db.getList(args[1])
	if err != nil || !ok {
		return Bulks{}, err
	}
	lo, hi, ok := clampRange(start, stop, int64(l.len()))
	if !ok {
		return Bulks{}, nil
	}
	m := int(hi - lo + 1)
	return Bulks(l.appendRange(db.bulks(m), int(lo), m)), nil
}

// clampRange turns Redis's inclusive start and stop indexes, which may be
// negative (from the end), into a valid range of a sequence of n elements.
// ok is false when the range is empty.
func clampRange(start, stop, n int64) (lo, hi int64, ok bool) {
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	start = max(start, 0)
	if start > stop || start >= n {
		return 0, 0, false
	}
	return start, min(stop, n-1), true
}

// cmdLset replaces the element at an index. As in Redis, a missing key is
// an error, and the key is looked up before the index is read.
func cmdLset(db *DB, args [][]byte) (Reply, error) {
	l, ok, err := db.listToWrite(args[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNoSuchKey
	}
	i, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	i, ok = listIndex(i, l.len())
	if !ok {
		return nil, ErrIndexRange
	}
	l.replace(int(i), args[3])
	db.changed(1)
	return OK, nil
}

// cmdLrem removes elements equal to element: the first count from the
// head when count is positive, the last -count from the tail when it is
// negative, all of them when it is zero.
func cmdLrem(db *DB, args [][]byte) (Reply, error) {
	count, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	l, ok, err := db.listToWrite(args[1])
	if err != nil || !ok {
		return zero, err
	}
	fromTail := count < 0
	if fromTail {
		// Like Redis, -count of the smallest integer stays negative
		// and so never limits the removals.
		count = -count
	}
	n := l.remove(args[3], count, fromTail)
	db.changed(n)
	db.removeIfEmpty(args[1], l)
	return n, nil
}

// cmdLtrim keeps the elements from start to stop, which may count from
// the end, and deletes the list when none remain.
func cmdLtrim(db *DB, args [][]byte) (Reply, error) {
	start, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	stop, err := intArg(args[3])
	if err != nil {
		return nil, err
	}
	l, ok, err := db.listToWrite(args[1])
	if err != nil || !ok {
		return OK, err
	}
	n := l.len()
	lo, hi, ok := clampRange(start, stop, int64(n))
	if !ok {
		lo, hi = int64(n), int64(n)-1
	}
	l.trim(int(lo), int(hi))
	if removed := n - l.len(); removed > 0 {
		db.changed(int64(removed))
		db.removeIfEmpty(args[1], l)
	} else {
		// As Redis's ltrimCommand: a trim that keeps every element
		// still counts as touching the key, for WATCH and the ltrim
		// event, though there is nothing to journal.
		db.touch(args[1])
		db.notify(notifyList, "ltrim", args[1])
	}
	return OK, nil
}

// cmdLinsert inserts element next to the first occurrence of pivot,
// answering the new length, -1 when pivot is absent, 0 when the key is.
func cmdLinsert(db *DB, args [][]byte) (Reply, error) {
	var after bool
	switch {
	case equalFold(args[2], "AFTER"):
		after = true
	case equalFold(args[2], "BEFORE"):
	default:
		return nil, ErrSyntax
	}
	l, ok, err := db.listToWrite(args[1])
	if err != nil || !ok {
		return zero, err
	}
	i := l.find(args[3])
	if i < 0 {
		return int64(-1), nil
	}
	if after {
		i++
	}
	l.insert(i, args[4])
	db.changed(1)
	return db.int(int64(l.len())), nil
}

// lposOptions are LPOS's RANK, COUNT and MAXLEN; count is -1 when COUNT
// was not given, and maxlen 0 means no limit.
type lposOptions struct {
	rank, count, maxlen int64
}

func parseLposOptions(args [][]byte) (lposOptions, error) {
	o := lposOptions{rank: 1, count: -1}
	for i := 0; i < len(args); i++ {
		more := i+1 < len(args)
		switch {
		case equalFold(args[i], "RANK") && more:
			i++
			n, err := intArg(args[i])
			if err != nil {
				return o, err
			}
			if n == 0 {
				return o, errLposRank
			}
			o.rank = n
		case equalFold(args[i], "COUNT") && more:
			i++
			n, ok := parseInt(args[i])
			if !ok || n < 0 {
				return o, errLposCount
			}
			o.count = n
		case equalFold(args[i], "MAXLEN") && more:
			i++
			n, ok := parseInt(args[i])
			if !ok || n < 0 {
				return o, errLposMaxlen
			}
			o.maxlen = n
		default:
			return o, ErrSyntax
		}
	}
	return o, nil
}

// cmdLpos answers the index of the rank'th match of element (negative
// ranks count matches from the tail), or with COUNT an array of up to
// that many indexes (all of them for COUNT 0), looking at no more than
// MAXLEN elements.
func cmdLpos(db *DB, args [][]byte) (Reply, error) {
	o, err := parseLposOptions(args[3:])
	if err != nil {
		return nil, err
	}
	fromTail := o.rank < 0
	if fromTail {
		// As in Redis, the smallest integer stays negative here, which
		// makes every match count.
		o.rank = -o.rank
	}
	l, ok, err := db.getList(args[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		if o.count != -1 {
			return []Reply{}, nil
		}
		return nil, nil
	}
	n := int64(l.len())
	elems := l.from(0)
	if fromTail {
		elems = l.backFrom(int(n - 1))
	}
	var out []Reply
	var matches, i int64
	for e := range elems {
		if o.maxlen != 0 && i == o.maxlen {
			break
		}
		pos := i
		if fromTail {
			pos = n - 1 - i
		}
		i++
		if string(e) != string(args[2]) {
			continue
		}
		matches++
		if matches < o.rank {
			continue
		}
		if o.count == -1 {
			return pos, nil
		}
		out = append(out, pos)
		// The sum wraps as Redis's does when rank is the smallest integer.
		if o.count != 0 && matches-o.rank+1 >= o.count {
			break
		}
	}
	if o.count == -1 {
		return nil, nil
	}
	if out == nil {
		out = []Reply{}
	}
	return out, nil
}

func cmdLmove(db *DB, args [][]byte) (Reply, error) {
	from, to, err := parseMoveEnds(args[3], args[4])
	if err != nil {
		return nil, err
	}
	return lmoveReply(lmoveCore(db, args[1], args[2], from, to))
}

// parseMoveEnds reads LMOVE's and BLMOVE's wherefrom and whereto.
func parseMoveEnds(from, to []byte) (f, t listEnd, err error) {
	if f, err = parseListEnd(from); err == nil {
		t, err = parseListEnd(to)
	}
	return f, t, err
}

func cmdRpoplpush(db *DB, args [][]byte) (Reply, error) {
	return lmoveReply(lmoveCore(db, args[1], args[2], listRight, listLeft))
}

func lmoveReply(elem []byte, err error) (Reply, error) {
	if err != nil || elem == nil {
		return nil, err
	}
	return elem, nil
}

// lmoveCore pops an element from the from end of the list at src and
// pushes it at the to end of the list at dst, creating dst when missing
// and deleting src when it empties; src and dst may be the same list,
// which then rotates. It returns the element moved, or nil when src is
// missing. As Redis does, it checks dst's type only once src has an
// element, and changes nothing when either has the wrong type. LMOVE,
// RPOPLPUSH, and their blocking forms once a list has elements, call it.
func lmoveCore(db *DB, src, dst []byte, from, to listEnd) ([]byte, error) {
	s, ok, err := db.listToWrite(src)
	if err != nil || !ok || s.len() == 0 {
		return nil, err
	}
	d, ok, err := db.listToWrite(dst)
	if err != nil {
		return nil, err
	}
	elem := s.pop(from)
	if !ok {
		d = &list{}
		db.create(dst, value{obj: d})
	}
	d.push(to, elem)
	db.changed(1)
	db.removeIfEmpty(src, s)
	return elem, nil
}

func cmdLmpop(db *DB, args [][]byte) (Reply, error) {
	keys, end, count, err := parseLmpop(args, 1)
	if err != nil {
		return nil, err
	}
	key, elems, err := lmpopCore(db, keys, end, count)
	return lmpopReply(key, elems, err)
}

// parseLmpop reads LMPOP's numkeys key ... LEFT|RIGHT [COUNT count],
// starting at args[at] (BLMPOP's come after its timeout).
func parseLmpop(args [][]byte, at int) (keys [][]byte, end listEnd, count int64, err error) {
	keys, count, err = parseMpop(args, at, func(where []byte) (err error) {
		end, err = parseListEnd(where)
		return err
	})
	return keys, end, count, err
}

// parseMpop reads the numkeys key ... WHERE [COUNT count] that LMPOP,
// BLMPOP, ZMPOP and BZMPOP share, starting at args[at], in Redis's order
// (numkeys, then where, which parseWhere checks, then COUNT). count is 1
// when absent.
func parseMpop(args [][]byte, at int, parseWhere func(where []byte) error) (keys [][]byte, count int64, err error) {
	numkeys, ok := parseInt(args[at])
	if !ok || numkeys < 1 {
		return nil, 0, errMpopNumkeys
	}
	if numkeys >= int64(len(args)-at-1) {
		return nil, 0, ErrSyntax
	}
	where := at + 1 + int(numkeys)
	if err := parseWhere(args[where]); err != nil {
		return nil, 0, err
	}
	count = -1
	for i := where + 1; i < len(args); i++ {
		if count != -1 || !equalFold(args[i], "COUNT") || i+1 == len(args) {
			return nil, 0, ErrSyntax
		}
		i++
		n, ok := parseInt(args[i])
		if !ok || n < 1 {
			return nil, 0, errMpopCount
		}
		count = n
	}
	return args[at+1 : where], max(count, 1), nil
}

// lmpopCore pops up to count elements from an end of the first of keys
// that holds a non-empty list, deleting it if it empties. It returns that
// key (a copy) and the elements in the order popped, or a nil key when no
// key holds a list; a key of another type first is an error. LMPOP, and
// BLMPOP once a list has elements, call it.
func lmpopCore(db *DB, keys [][]byte, end listEnd, count int64) (key []byte, elems [][]byte, err error) {
	for _, k := range keys {
		l, ok, err := db.listToWrite(k)
		if err != nil {
			return nil, nil, err
		}
		if !ok || l.len() == 0 {
			continue
		}
		elems = popElems(db, l, end, count)
		db.removeIfEmpty(k, l)
		db.touch(k) // the row names no keys
		return clone(k), elems, nil
	}
	return nil, nil, nil
}

// lmpopReply answers as LMPOP does: the key and its popped elements, or a
// null array when nothing was popped.
func lmpopReply(key []byte, elems [][]byte, err error) (Reply, error) {
	if err != nil {
		return nil, err
	}
	if key == nil {
		return NullArray{}, nil
	}
	return []Reply{key, Bulks(elems)}, nil
}
