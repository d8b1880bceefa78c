package engine

// hashCommands are the hash group's rows of the command table.
func hashCommands() []*Command {
	return []*Command{
		{Name: "HDEL", Group: "hash", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key field [field ...]", Summary: "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", Since: "2.0.0", Run: cmdHdel},
		{Name: "HEXISTS", Group: "hash", Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key field", Summary: "Determines whether a field exists in a hash.", Since: "2.0.0", Run: cmdHexists},
		{Name: "HGET", Group: "hash", Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key field", Summary: "Returns the value of a field in a hash.", Since: "2.0.0", Run: cmdHget},
		{Name: "HGETALL", Group: "hash", Arity: 2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns all fields and values in a hash.", Since: "2.0.0", Run: cmdHgetall},
		{Name: "HKEYS", Group: "hash", Arity: 2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns all fields in a hash.", Since: "2.0.0", Run: cmdHkeys},
		{Name: "HLEN", Group: "hash", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns the number of fields in a hash.", Since: "2.0.0", Run: cmdHlen},
		{Name: "HMGET", Group: "hash", Arity: -3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key field [field ...]", Summary: "Returns the values of all fields in a hash.", Since: "2.0.0", Run: cmdHmget},
		{Name: "HMSET", Group: "hash", Arity: -4, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key field value [field value ...]", Summary: "Sets the values of multiple fields.", Since: "2.0.0", Run: cmdHmset},
		{Name: "HSET", Group: "hash", Arity: -4, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key field value [field value ...]", Summary: "Creates or modifies the value of a field in a hash.", Since: "2.0.0", Run: cmdHset},
		{Name: "HVALS", Group: "hash", Arity: 2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns all values in a hash.", Since: "2.0.0", Run: cmdHvals},
	}
}

// getHash returns key's hash; ok is false when key is missing.
func (db *DB) getHash(key []byte) (h *hash, ok bool, err error) {
	v, ok := db.lookupRead(key)
	if !ok {
		return nil, false, nil
	}
	h, isHash := v.obj.(*hash)
	if !isHash {
		return nil, false, ErrWrongType
	}
	return h, true, nil
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
	h, ok, err := db.getHash(args[1])
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
		if h == nil {
			continue
		}
		if v, ok := h.get(f); ok {
			out[i] = v
		}
	}
	return out, nil
}

func cmdHdel(db *DB, args [][]byte) (Reply, error) {
	h, ok, err := db.getHash(args[1])
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
	if h.len() == 0 {
		db.del(args[1])
	}
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
