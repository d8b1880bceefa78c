package engine

import (
	"math"
)

// keyspaceCommands are the generic group's rows of the command table.
func keyspaceCommands() []*Command {
	return []*Command{
		{Name: "DEL", Group: "generic", Arity: -2, Flags: Write, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Deletes one or more keys.", Since: "1.0.0", Run: cmdDel},
		{Name: "EXISTS", Group: "generic", Arity: -2, Flags: ReadOnly | Fast, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Determines whether one or more keys exist.", Since: "1.0.0", Run: cmdExists},
		{Name: "EXPIRE", Group: "generic", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key seconds [NX|XX|GT|LT]", Summary: "Sets the expiration time of a key in seconds.", Since: "1.0.0", Run: cmdExpire},
		{Name: "EXPIREAT", Group: "generic", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key unix-time-seconds [NX|XX|GT|LT]", Summary: "Sets the expiration time of a key to a Unix timestamp.", Since: "1.2.0", Run: cmdExpireat},
		{Name: "KEYS", Group: "generic", Arity: 2, Flags: ReadOnly,
			Args: "pattern", Summary: "Returns all key names that match a pattern.", Since: "1.0.0", Run: cmdKeys},
		{Name: "PERSIST", Group: "generic", Arity: 2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Removes the expiration time of a key.", Since: "2.2.0", Run: cmdPersist},
		{Name: "PEXPIRE", Group: "generic", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key milliseconds [NX|XX|GT|LT]", Summary: "Sets the expiration time of a key in milliseconds.", Since: "2.6.0", Run: cmdPexpire},
		{Name: "PEXPIREAT", Group: "generic", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key unix-time-milliseconds [NX|XX|GT|LT]", Summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.", Since: "2.6.0", Run: cmdPexpireat},
		{Name: "PTTL", Group: "generic", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns the expiration time in milliseconds of a key.", Since: "2.6.0", Run: cmdPttl},
		{Name: "RENAME", Group: "generic", Arity: 3, Flags: Write, Keys: Keys{1, 2, 1},
			Args: "key newkey", Summary: "Renames a key and overwrites the destination.", Since: "1.0.0", Run: cmdRename},
		{Name: "TTL", Group: "generic", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns the expiration time in seconds of a key.", Since: "1.0.0", Run: cmdTTL},
		{Name: "TYPE", Group: "generic", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Determines the type of value stored at a key.", Since: "1.0.0", Run: cmdType},
	}
}

func cmdDel(db *DB, args [][]byte) (Reply, error) {
	var n int64
	for _, k := range args[1:] {
		if db.del(k) {
			n++
		}
	}
	return n, nil
}

func cmdExists(db *DB, args [][]byte) (Reply, error) {
	var n int64
	for _, k := range args[1:] {
		if _, ok := db.lookup(k); ok {
			n++
		}
	}
	return n, nil
}

func cmdType(db *DB, args [][]byte) (Reply, error) {
	v, ok := db.lookup(args[1])
	if !ok {
		return Status("none"), nil
	}
	return Status(v.kind().String()), nil
}

func cmdKeys(db *DB, args [][]byte) (Reply, error) {
	pattern := args[1]
	all := len(pattern) == 1 && pattern[0] == '*'
	out := Bulks{}
	db.ks.keys.each(func(k []byte, _ value) bool {
		if !db.expired(str(k)) && (all || matchGlob(pattern, k, false)) {
			out = append(out, k)
		}
		return true
	})
	return out, nil
}

func cmdRename(db *DB, args [][]byte) (Reply, error) {
	src, dst := args[1], args[2]
	v, ok := db.lookup(src)
	if !ok {
		return nil, ErrNoSuchKey
	}
	if str(src) == str(dst) {
		return OK, nil
	}
	at := db.ttl(src)
	db.del(src)
	db.set(dst, v)
	if at != -1 {
		db.ks.expires[string(dst)] = at
	}
	return OK, nil
}

func cmdTTL(db *DB, args [][]byte) (Reply, error)  { return ttlReply(db, args[1], 1000) }
func cmdPttl(db *DB, args [][]byte) (Reply, error) { return ttlReply(db, args[1], 1) }

func ttlReply(db *DB, key []byte, unit int64) (Reply, error) {
	if _, ok := db.lookup(key); !ok {
		return int64(-2), nil
	}
	at := db.ttl(key)
	if at == -1 {
		return int64(-1), nil
	}
	ms := max(at-db.now(), 0)
	return (ms + unit/2) / unit, nil
}

func cmdPersist(db *DB, args [][]byte) (Reply, error) {
	if _, ok := db.lookup(args[1]); !ok || db.ttl(args[1]) == -1 {
		return zero, nil
	}
	delete(db.ks.expires, string(args[1]))
	db.changed(1)
	return one, nil
}

func cmdExpire(db *DB, args [][]byte) (Reply, error)   { return expireGeneric(db, args, db.now(), 1000) }
func cmdPexpire(db *DB, args [][]byte) (Reply, error)  { return expireGeneric(db, args, db.now(), 1) }
func cmdExpireat(db *DB, args [][]byte) (Reply, error) { return expireGeneric(db, args, 0, 1000) }
func cmdPexpireat(db *DB, args [][]byte) (Reply, error) {
	return expireGeneric(db, args, 0, 1)
}

// expireGeneric is EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT, following
// Redis's expireGenericCommand: options first, then the time, then the key.
func expireGeneric(db *DB, args [][]byte, base, unit int64) (Reply, error) {
	var nx, xx, gt, lt bool
	for _, a := range args[3:] {
		switch {
		case equalFold(a, "NX"):
			nx = true
		case equalFold(a, "XX"):
			xx = true
		case equalFold(a, "GT"):
			gt = true
		case equalFold(a, "LT"):
			lt = true
		default:
			return nil, errf(oneLine("Unsupported option " + string(a)))
		}
	}
	if nx && (xx || gt || lt) {
		return nil, errf("NX and XX, GT or LT options at the same time are not compatible")
	}
	if gt && lt {
		return nil, errf("GT and LT options at the same time are not compatible")
	}
	when, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	name := string(args[0])
	if unit == 1000 {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			return nil, errExpireTime(name)
		}
		when *= 1000
	}
	if when > math.MaxInt64-base {
		return nil, errExpireTime(name)
	}
	when += base
	key := args[1]
	if _, ok := db.lookup(key); !ok {
		return zero, nil
	}
	cur := db.ttl(key)
	switch {
	case nx && cur != -1,
		xx && cur == -1,
		gt && (cur == -1 || when <= cur),
		lt && cur != -1 && when >= cur:
		return zero, nil
	}
	if when <= db.now() {
		db.del(key)
		return one, nil
	}
	db.setExpire(key, when)
	return one, nil
}
