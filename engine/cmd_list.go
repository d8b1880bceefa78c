package engine

// listCommands are the list group's rows of the command table.
func listCommands() []*Command {
	return []*Command{
		{Name: "LINDEX", Group: "list", Arity: 3, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key index", Summary: "Returns an element from a list by its index.", Since: "1.0.0", Run: cmdLindex},
		{Name: "LLEN", Group: "list", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns the length of a list.", Since: "1.0.0", Run: cmdLlen},
		{Name: "LPOP", Group: "list", Arity: -2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key [count]", Summary: "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", Since: "1.0.0", Run: cmdLpop},
		{Name: "LPUSH", Group: "list", Arity: -3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key element [element ...]", Summary: "Prepends one or more elements to a list. Creates the key if it doesn't exist.", Since: "1.0.0", Run: cmdLpush},
		{Name: "LRANGE", Group: "list", Arity: 4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key start stop", Summary: "Returns a range of elements from a list.", Since: "1.0.0", Run: cmdLrange},
		{Name: "LSIZE", Group: "list", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns the length of a list (PhotonDB's original name for LLEN).", Since: "photon", Run: cmdLlen},
		{Name: "RPOP", Group: "list", Arity: -2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key [count]", Summary: "Returns and removes the last elements of a list. Deletes the list if the last element was popped.", Since: "1.0.0", Run: cmdRpop},
		{Name: "RPUSH", Group: "list", Arity: -3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key element [element ...]", Summary: "Appends one or more elements to a list. Creates the key if it doesn't exist.", Since: "1.0.0", Run: cmdRpush},
	}
}

// getList returns key's list; ok is false when key is missing.
func (db *DB) getList(key []byte) (l *list, ok bool, err error) {
	v, ok := db.lookupRead(key)
	if !ok {
		return nil, false, nil
	}
	l, isList := v.obj.(*list)
	if !isList {
		return nil, false, ErrWrongType
	}
	return l, true, nil
}

func cmdLpush(db *DB, args [][]byte) (Reply, error) { return push(db, args, true) }
func cmdRpush(db *DB, args [][]byte) (Reply, error) { return push(db, args, false) }

func push(db *DB, args [][]byte, front bool) (Reply, error) {
	l, ok, err := db.getList(args[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		l = &list{}
		db.create(args[1], value{obj: l})
	}
	for _, e := range args[2:] {
		if front {
			l.pushFront(clone(e))
		} else {
			l.pushBack(clone(e))
		}
	}
	db.changed(int64(len(args) - 2))
	return int64(l.len()), nil
}

func cmdLpop(db *DB, args [][]byte) (Reply, error) { return pop(db, args, true) }
func cmdRpop(db *DB, args [][]byte) (Reply, error) { return pop(db, args, false) }

func pop(db *DB, args [][]byte, front bool) (Reply, error) {
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
	l, ok, err := db.getList(args[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		if count >= 0 {
			return NullArray{}, nil
		}
		return nil, nil
	}
	take := func() []byte {
		if front {
			return l.popFront()
		}
		return l.popBack()
	}
	var r Reply
	if count < 0 {
		r = take()
		db.changed(1)
	} else {
		n := min(int(count), l.len())
		out := make(Bulks, n)
		for i := range out {
			out[i] = take()
		}
		db.changed(int64(n))
		r = out
	}
	if l.len() == 0 {
		db.del(args[1])
	}
	return r, nil
}

func cmdLlen(db *DB, args [][]byte) (Reply, error) {
	l, ok, err := db.getList(args[1])
	if err != nil || !ok {
		return zero, err
	}
	return int64(l.len()), nil
}

func cmdLindex(db *DB, args [][]byte) (Reply, error) {
	i, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	l, ok, err := db.getList(args[1])
	if err != nil || !ok {
		return nil, err
	}
	if i < 0 {
		i += int64(l.len())
	}
	if i < 0 || i >= int64(l.len()) {
		return nil, nil
	}
	return l.at(int(i)), nil
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
	out := make(Bulks, hi-lo+1)
	for i := range out {
		out[i] = l.at(int(lo) + i)
	}
	return out, nil
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
