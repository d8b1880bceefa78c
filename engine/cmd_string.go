package engine

import (
	"math"
)

// stringCommands are the string group's rows of the command table.
func stringCommands() []*Command {
	return []*Command{
		{Name: "APPEND", Group: "string", Arity: 3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key value", Summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.", Since: "2.0.0", Run: cmdAppend},
		{Name: "DECR", Group: "string", Arity: 2, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", Since: "1.0.0", Run: cmdDecr},
		{Name: "DECRBY", Group: "string", Arity: 3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key decrement", Summary: "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", Since: "1.0.0", Run: cmdDecrby},
		{Name: "GET", Group: "string", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns the string value of a key.", Since: "1.0.0", Run: cmdGet},
		{Name: "INCR", Group: "string", Arity: 2, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", Since: "1.0.0", Run: cmdIncr},
		{Name: "INCRBY", Group: "string", Arity: 3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key increment", Summary: "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", Since: "1.0.0", Run: cmdIncrby},
		{Name: "MGET", Group: "string", Arity: -2, Flags: ReadOnly | Fast, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Atomically returns the string values of one or more keys.", Since: "1.0.0", Run: cmdMget},
		{Name: "MSET", Group: "string", Arity: -3, Flags: Write | DenyOOM, Keys: Keys{1, -1, 2},
			Args: "key value [key value ...]", Summary: "Atomically creates or modifies the string values of one or more keys.", Since: "1.0.1", Run: cmdMset},
		{Name: "SET", Group: "string", Arity: -3, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]", Summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", Since: "1.0.0", Run: cmdSet},
		{Name: "STRLEN", Group: "string", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Returns the length of a string value.", Since: "2.2.0", Run: cmdStrlen},
	}
}

// maxString is Redis's proto-max-bulk-len: the largest string a command
// may build.
const maxString = 512 << 20

func cmdGet(db *DB, args [][]byte) (Reply, error) {
	b, ok, err := db.getString(args[1])
	if err != nil || !ok {
		return nil, err
	}
	return db.bulk(b), nil
}

// setFlags are SET's options, parsed as Redis's
// parseExtendedStringArgumentsOrReply does.
type setFlags struct {
	nx, xx, get, keepTTL bool
	unit                 byte // 0, or one of "EX", "PX", "EXAT", "PXAT" as 's', 'm', 'S', 'M'
	expire               []byte
}

// expireUnit accepts EX, PX, EXAT or PXAT unless a different one was
// already given; Redis lets the same option repeat, the last one winning.
func (f *setFlags) expireUnit(a []byte) bool {
	var u byte
	switch {
	case equalFold(a, "EX"):
		u = 's'
	case equalFold(a, "PX"):
		u = 'm'
	case equalFold(a, "EXAT"):
		u = 'S'
	case equalFold(a, "PXAT"):
		u = 'M'
	default:
		return false
	}
	if f.unit != 0 && f.unit != u {
		return false
	}
	f.unit = u
	return true
}

func parseSetFlags(args [][]byte) (setFlags, error) {
	var f setFlags
	for j := 0; j < len(args); j++ {
		a := args[j]
		hasNext := j+1 < len(args)
		switch {
		case equalFold(a, "NX") && !f.xx:
			f.nx = true
		case equalFold(a, "XX") && !f.nx:
			f.xx = true
		case equalFold(a, "GET"):
			f.get = true
		case equalFold(a, "KEEPTTL") && f.unit == 0:
			f.keepTTL = true
		case hasNext && !f.keepTTL && f.expireUnit(a):
			j++
			f.expire = args[j]
		default:
			return f, ErrSyntax
		}
	}
	return f, nil
}

// expireAt turns SET's expire argument into unix milliseconds, with
// Redis's checks and error for the command name.
func (f setFlags) expireAt(now int64, cmd string) (int64, error) {
	n, err := intArg(f.expire)
	if err != nil {
		return 0, err
	}
	seconds := f.unit == 's' || f.unit == 'S'
	if n <= 0 || (seconds && n > math.MaxInt64/1000) {
		return 0, errExpireTime(cmd)
	}
	if seconds {
		n *= 1000
	}
	if f.unit == 's' || f.unit == 'm' {
		if n > math.MaxInt64-now {
			return 0, errExpireTime(cmd)
		}
		n += now
	}
	return n, nil
}

func cmdSet(db *DB, args [][]byte) (Reply, error) {
	if len(args) == 3 {
		// Without options nothing depends on the old value: one map write.
		db.set(args[1], stringValue(args[2]))
		return OK, nil
	}
	f, err := parseSetFlags(args[3:])
	if err != nil {
		return nil, err
	}
	var at int64
	if f.unit != 0 {
		if at, err = f.expireAt(db.now(), "set"); err != nil {
			return nil, err
		}
	}
	key := args[1]
	old, found := db.lookup(key)
	var reply Reply = OK
	if f.get {
		if found && old.obj != nil {
			return nil, ErrWrongType
		}
		reply = nil
		if found {
			reply = old.str
		}
	}
	if (f.nx && found) || (f.xx && !found) {
		if f.get {
			return reply, nil
		}
		return nil, nil
	}
	v := stringValue(args[2])
	if f.keepTTL {
		db.replace(key, v)
	} else {
		db.set(key, v)
	}
	if at != 0 {
		db.ks.expires[string(key)] = at
	}
	return reply, nil
}

func cmdMget(db *DB, args [][]byte) (Reply, error) {
	out := make(Bulks, len(args)-1)
	for i, k := range args[1:] {
		v, ok := db.lookupRead(k)
		if ok && v.obj == nil {
			out[i] = v.str
		}
	}
	return out, nil
}

func cmdMset(db *DB, args [][]byte) (Reply, error) {
	if len(args)%2 == 0 {
		return nil, errWrongArgs("mset")
	}
	for i := 1; i < len(args); i += 2 {
		db.set(args[i], stringValue(args[i+1]))
	}
	return OK, nil
}

func cmdAppend(db *DB, args [][]byte) (Reply, error) {
	old, ok := db.lookup(args[1])
	if ok && old.obj != nil {
		return nil, ErrWrongType
	}
	if len(old.str)+len(args[2]) > maxString {
		return nil, ErrStringTooLong
	}
	// Appending into spare capacity leaves the bytes an earlier reply may
	// alias untouched, so strings stay immutable as seen by readers.
	b := append(old.str, args[2]...)
	if ok {
		db.replace(args[1], value{str: b})
	} else {
		db.set(args[1], value{str: b})
	}
	return int64(len(b)), nil
}

func cmdStrlen(db *DB, args [][]byte) (Reply, error) {
	b, _, err := db.getString(args[1])
	if err != nil {
		return nil, err
	}
	return int64(len(b)), nil
}

func cmdIncr(db *DB, args [][]byte) (Reply, error) { return incrBy(db, args[1], 1) }
func cmdDecr(db *DB, args [][]byte) (Reply, error) { return incrBy(db, args[1], -1) }

func cmdIncrby(db *DB, args [][]byte) (Reply, error) {
	n, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	return incrBy(db, args[1], n)
}

func cmdDecrby(db *DB, args [][]byte) (Reply, error) {
	n, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	if n == math.MinInt64 {
		return nil, errf("decrement would overflow")
	}
	return incrBy(db, args[1], -n)
}

func incrBy(db *DB, key []byte, by int64) (Reply, error) {
	old, ok := db.lookup(key)
	var n int64
	if ok {
		if old.obj != nil {
			return nil, ErrWrongType
		}
		var valid bool
		if n, valid = parseInt(old.str); !valid {
			return nil, ErrNotInteger
		}
	}
	if (by < 0 && n < 0 && by < math.MinInt64-n) || (by > 0 && n > 0 && by > math.MaxInt64-n) {
		return nil, ErrOverflow
	}
	n += by
	if ok {
		db.replace(key, db.sess.intValue(n))
	} else {
		db.set(key, db.sess.intValue(n))
	}
	return n, nil
}
