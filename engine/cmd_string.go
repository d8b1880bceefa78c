package engine

import (
	"math"
	"math/big"
	"slices"
	"strconv"
)

// stringCommands are the string group's rows of the command table.
func stringCommands() []*Command {
	return []*Command{
		{Name: "APPEND", Group: "string", Arity: 3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key value", Summary: "Append a value to a key", Since: "2.0.0", Run: cmdAppend},
		{Name: "DECR", Group: "string", Arity: 2, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Decrement the integer value of a key by one", Since: "1.0.0", Run: cmdDecr},
		{Name: "DECRBY", Group: "string", Arity: 3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key decrement", Summary: "Decrement the integer value of a key by the given number", Since: "1.0.0", Run: cmdDecrby},
		{Name: "GET", Group: "string", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the value of a key", Since: "1.0.0", Run: cmdGet},
		{Name: "GETDEL", Group: "string", Arity: 2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the value of a key and delete the key", Since: "6.2.0", Run: cmdGetdel},
		{Name: "GETEX", Group: "string", Arity: -2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]", Summary: "Get the value of a key and optionally set its expiration", Since: "6.2.0", Run: cmdGetex},
		{Name: "GETRANGE", Group: "string", Arity: 4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key start end", Summary: "Get a substring of the string stored at a key", Since: "2.4.0", Run: cmdGetrange},
		{Name: "GETSET", Group: "string", Arity: 3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key value", Summary: "Set the string value of a key and return its old value", Since: "1.0.0", Run: cmdGetset},
		{Name: "INCR", Group: "string", Arity: 2, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Increment the integer value of a key by one", Since: "1.0.0", Run: cmdIncr},
		{Name: "INCRBY", Group: "string", Arity: 3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key increment", Summary: "Increment the integer value of a key by the given amount", Since: "1.0.0", Run: cmdIncrby},
		{Name: "INCRBYFLOAT", Group: "string", Arity: 3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key increment", Summary: "Increment the float value of a key by the given amount", Since: "2.6.0", Run: cmdIncrbyfloat},
		{Name: "LCS", Group: "string", Arity: -3, Flags: ReadOnly, Keys: Keys{1, 2, 1},
			Args: "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]", Summary: "Find longest common substring", Since: "7.0.0", Run: cmdLcs},
		{Name: "MGET", Group: "string", Arity: -2, Flags: ReadOnly | Fast, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Get the values of all the given keys", Since: "1.0.0", Run: cmdMget},
		{Name: "MSET", Group: "string", Arity: -3, Flags: Write | DenyOOM, Keys: Keys{1, -1, 2},
			Args: "key value [key value ...]", Summary: "Set multiple keys to multiple values", Since: "1.0.1", Run: cmdMset},
		{Name: "MSETNX", Group: "string", Arity: -3, Flags: Write | DenyOOM, Keys: Keys{1, -1, 2},
			Args: "key value [key value ...]", Summary: "Set multiple keys to multiple values, only if none of the keys exist", Since: "1.0.1", Run: cmdMsetnx},
		{Name: "PSETEX", Group: "string", Arity: 4, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "key milliseconds value", Summary: "Set the value and expiration in milliseconds of a key", Since: "2.6.0", Run: cmdPsetex},
		{Name: "SET", Group: "string", Arity: -3, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]", Summary: "Set the string value of a key", Since: "1.0.0", Run: cmdSet},
		{Name: "SETEX", Group: "string", Arity: 4, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "key seconds value", Summary: "Set the value and expiration of a key", Since: "2.0.0", Run: cmdSetex},
		{Name: "SETNX", Group: "string", Arity: 3, Flags: Write | DenyOOM | Fast, Keys: Keys{1, 1, 1},
			Args: "key value", Summary: "Set the value of a key, only if the key does not exist", Since: "1.0.0", Run: cmdSetnx},
		{Name: "SETRANGE", Group: "string", Arity: 4, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "key offset value", Summary: "Overwrite part of a string at key starting at the specified offset", Since: "2.2.0", Run: cmdSetrange},
		{Name: "STRLEN", Group: "string", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the length of the value stored in a key", Since: "2.2.0", Run: cmdStrlen},
		{Name: "SUBSTR", Group: "string", Arity: 4, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key start end", Summary: "Get a substring of the string stored at a key", Since: "1.0.0", Run: cmdGetrange},
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
	var old value
	var found bool
	if f.get {
		old, found = db.lookupRead(key) // a read, as Redis's GET option: a hit or a miss
	} else {
		old, found = db.lookup(key)
	}
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
		db.ks.expires.set(string(key), at)
		if f.unit != 'M' {
			journalSetPXAT(db, key, args[2], at)
		}
	}
	return reply, nil
}

// journalSetPXAT makes a write that set key to val with an expiry
// journal as SET key val PXAT <unix-ms>, as Redis 7.0 propagates SET EX,
// SETEX and PSETEX: replaying the journal later restores the same
// deadline, not one counted from the time of the replay.
func journalSetPXAT(db *DB, key, val []byte, at int64) {
	db.propagate([]byte("SET"), clone(key), clone(val), []byte("PXAT"), strconv.AppendInt(nil, at, 10))
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

// strEnc records how Redis encodes a string value when that depends on how
// the value was made rather than on its bytes alone, for OBJECT ENCODING
// and OBJECT REFCOUNT.
type strEnc uint8

const (
	// encAuto is a string as SET stores it: "int" when it is an integer
	// (shared below 10000), else "embstr" up to 44 bytes, else "raw".
	encAuto strEnc = iota
	// encNoInt is a string Redis made from a buffer without trying the
	// integer encoding (INCRBYFLOAT): "embstr" or "raw" by length.
	encNoInt
	// encRaw is a string changed in place or built as raw (APPEND to a
	// key, SETRANGE, SETBIT, BITFIELD, BITOP): "raw" whatever its bytes.
	encRaw
	// encUnshared is encAuto but never shared: a COPY of one.
	encUnshared
)

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
		db.replace(args[1], value{str: b, enc: encRaw})
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
	return db.int(n), nil
}

// These errors can occur when a string command's arguments or the value
// it finds do not fit it.
var (
	errSetrangeOffset   = errf("offset is out of range")
	errIncrbyfloatNaN   = errf("increment would produce NaN or Infinity")
	errLcsWrongType     = errf("The specified keys must contain string values")
	errLcsLenAndIdx     = errf("If you want both the length and indexes, please just use IDX.")
	errLcsTooMuchMemory = errf("Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
	errMsetnxWrongArgs  = errWrongArgs("msetnx")
)

func cmdSetnx(db *DB, args [][]byte) (Reply, error) {
	if _, found := db.lookup(args[1]); found {
		return zero, nil
	}
	db.set(args[1], stringValue(args[2]))
	return one, nil
}

func cmdSetex(db *DB, args [][]byte) (Reply, error) { return setex(db, args, 's', "setex") }

func cmdPsetex(db *DB, args [][]byte) (Reply, error) { return setex(db, args, 'm', "psetex") }

// setex sets key to value with a TTL in the unit ('s' or 'm') that
// SETEX and PSETEX take, and journals the deadline it reached.
func setex(db *DB, args [][]byte, unit byte, cmd string) (Reply, error) {
	f := setFlags{unit: unit, expire: args[2]}
	at, err := f.expireAt(db.now(), cmd)
	if err != nil {
		return nil, err
	}
	key, val := args[1], args[3]
	db.set(key, stringValue(val))
	db.ks.expires.set(string(key), at)
	journalSetPXAT(db, key, val, at)
	return OK, nil
}

// cmdGetset answers the old value, and journals SET as Redis does.
func cmdGetset(db *DB, args [][]byte) (Reply, error) {
	old, found, err := db.getString(args[1])
	if err != nil {
		return nil, err
	}
	db.set(args[1], stringValue(args[2]))
	db.propagate([]byte("SET"), clone(args[1]), clone(args[2]))
	if !found {
		return nil, nil
	}
	return old, nil
}

// cmdGetdel answers the value it deletes, and journals DEL as Redis does.
func cmdGetdel(db *DB, args [][]byte) (Reply, error) {
	b, found, err := db.getString(args[1])
	if err != nil || !found {
		return nil, err
	}
	db.del(args[1])
	db.propagate([]byte("DEL"), clone(args[1]))
	return b, nil
}

// getexFlags are GETEX's options, parsed as Redis's
// parseExtendedStringArgumentsOrReply parses them for GET: one of EX, PX,
// EXAT, PXAT (the same one may repeat, the last winning) or PERSIST.
type getexFlags struct {
	setFlags
	persist bool
}

func parseGetexFlags(args [][]byte) (getexFlags, error) {
	var f getexFlags
	for j := 0; j < len(args); j++ {
		a := args[j]
		switch {
		case equalFold(a, "PERSIST") && f.unit == 0:
			f.persist = true
		case j+1 < len(args) && !f.persist && f.expireUnit(a):
			j++
			f.expire = args[j]
		default:
			return f, ErrSyntax
		}
	}
	return f, nil
}

// cmdGetex answers the value and then changes its TTL. Like Redis it
// journals the change, never itself: PEXPIREAT with the deadline, DEL
// when EXAT or PXAT is already past, or PERSIST.
func cmdGetex(db *DB, args [][]byte) (Reply, error) {
	f, err := parseGetexFlags(args[2:])
	if err != nil {
		return nil, err
	}
	key := args[1]
	b, found, err := db.getString(key)
	if err != nil || !found {
		return nil, err
	}
	switch {
	case f.unit != 0:
		at, err := f.expireAt(db.now(), "getex")
		if err != nil {
			return nil, err
		}
		if (f.unit == 'S' || f.unit == 'M') && at <= db.now() {
			db.del(key)
			db.propagate([]byte("DEL"), clone(key))
			break
		}
		db.setExpire(key, at)
		db.propagate([]byte("PEXPIREAT"), clone(key), strconv.AppendInt(nil, at, 10))
	case f.persist:
		if db.ks.expires.del(str(key)) {
			db.changed(1)
			db.propagate([]byte("PERSIST"), clone(key))
		}
	}
	return b, nil
}

// cmdIncrbyfloat adds in long double arithmetic, as Redis does (see
// longdouble.go), keeps the key's TTL, and journals the result as SET key
// result KEEPTTL so that replaying it cannot round differently.
func cmdIncrbyfloat(db *DB, args [][]byte) (Reply, error) {
	key := args[1]
	old, found := db.lookup(key)
	if found && old.obj != nil {
		return nil, ErrWrongType
	}
	cur := new(big.Float)
	if found {
		var ok bool
		if cur, ok = parseLongDouble(old.str); !ok {
			return nil, ErrNotFloat
		}
	}
	incr, ok := parseLongDouble(args[2])
	if !ok {
		return nil, ErrNotFloat
	}
	sum, ok := addLongDouble(cur, incr)
	if !ok {
		return nil, errIncrbyfloatNaN
	}
	b := formatLongDouble(sum)
	b = b[:len(b):len(b)] // the reply and the journal share it: APPEND must not grow into it
	if found {
		db.replace(key, value{str: b, enc: encNoInt})
	} else {
		db.set(key, value{str: b, enc: encNoInt})
	}
	db.propagate([]byte("SET"), clone(key), b, []byte("KEEPTTL"))
	return b, nil
}

// cmdGetrange answers GETRANGE and SUBSTR: the bytes from start to end,
// both inclusive, negative counting from the end.
func cmdGetrange(db *DB, args [][]byte) (Reply, error) {
	start, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	end, err := intArg(args[3])
	if err != nil {
		return nil, err
	}
	b, _, err := db.getString(args[1])
	if err != nil {
		return nil, err
	}
	n := int64(len(b))
	if start < 0 && end < 0 && start > end {
		return []byte{}, nil
	}
	if start < 0 {
		start = max(n+start, 0)
	}
	if end < 0 {
		end = max(n+end, 0)
	}
	end = min(end, n-1)
	if start > end || n == 0 {
		return []byte{}, nil
	}
	return b[start : end+1 : end+1], nil
}

// cmdSetrange writes value at offset, padding with zero bytes. Stored
// bytes are never changed: an overwrite copies the string, while a write
// at or past its end appends, into spare capacity when there is some, as
// APPEND does.
func cmdSetrange(db *DB, args [][]byte) (Reply, error) {
	offset, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	if offset < 0 {
		return nil, errSetrangeOffset
	}
	key, val := args[1], args[3]
	old, found := db.lookup(key)
	if found && old.obj != nil {
		return nil, ErrWrongType
	}
	if len(val) == 0 {
		return int64(len(old.str)), nil
	}
	if offset > maxString-int64(len(val)) {
		return nil, ErrStringTooLong
	}
	b := writeAt(old.str, int(offset), val)
	if found {
		db.replace(key, value{str: b, enc: encRaw})
	} else {
		db.set(key, value{str: b, enc: encRaw})
	}
	return int64(len(b)), nil
}

// writeAt returns a string holding old with p written at offset and any
// gap filled with zero bytes, leaving old's bytes unchanged.
func writeAt(old []byte, offset int, p []byte) []byte {
	end := offset + len(p)
	if offset < len(old) {
		b := make([]byte, max(len(old), end))
		copy(b, old)
		copy(b[offset:], p)
		return b
	}
	b := slices.Grow(old, end-len(old))[:end]
	clear(b[len(old):offset])
	copy(b[offset:], p)
	return b
}

func cmdMsetnx(db *DB, args [][]byte) (Reply, error) {
	if len(args)%2 == 0 {
		return nil, errMsetnxWrongArgs
	}
	for i := 1; i < len(args); i += 2 {
		if _, found := db.lookup(args[i]); found {
			return zero, nil
		}
	}
	for i := 1; i < len(args); i += 2 {
		db.set(args[i], stringValue(args[i+1]))
	}
	return one, nil
}

// lcsOptions are LCS's options.
type lcsOptions struct {
	getLen, getIdx, withMatchLen bool
	minMatchLen                  int64
}

func parseLcsOptions(args [][]byte) (lcsOptions, error) {
	var o lcsOptions
	for j := 0; j < len(args); j++ {
		a := args[j]
		switch {
		case equalFold(a, "IDX"):
			o.getIdx = true
		case equalFold(a, "LEN"):
			o.getLen = true
		case equalFold(a, "WITHMATCHLEN"):
			o.withMatchLen = true
		case equalFold(a, "MINMATCHLEN") && j+1 < len(args):
			n, err := intArg(args[j+1])
			if err != nil {
				return o, err
			}
			o.minMatchLen = max(n, 0)
			j++
		default:
			return o, ErrSyntax
		}
	}
	if o.getLen && o.getIdx {
		return o, errLcsLenAndIdx
	}
	return o, nil
}

// cmdLcs finds the longest common subsequence of two strings with
// Redis's dynamic programming table, and walks the table back the way
// Redis does, so that among equally long answers it finds the same one
// and reports the same matching ranges, last first.
func cmdLcs(db *DB, args [][]byte) (Reply, error) {
	va, okA := db.lookupRead(args[1])
	vb, okB := db.lookupRead(args[2])
	if (okA && va.obj != nil) || (okB && vb.obj != nil) {
		return nil, errLcsWrongType
	}
	o, err := parseLcsOptions(args[3:])
	if err != nil {
		return nil, err
	}
	a, b := va.str, vb.str
	rows, cols := len(a)+1, len(b)+1
	if uint64(rows)*uint64(cols)*4 > maxString {
		return nil, errLcsTooMuchMemory
	}
	// t[i*cols+j] is the LCS length of a[:i] and b[:j].
	t := make([]uint32, rows*cols)
	for i := 1; i < rows; i++ {
		for j := 1; j < cols; j++ {
			switch {
			case a[i-1] == b[j-1]:
				t[i*cols+j] = t[(i-1)*cols+j-1] + 1
			default:
				t[i*cols+j] = max(t[(i-1)*cols+j], t[i*cols+j-1])
			}
		}
	}
	total := t[rows*cols-1]
	if o.getLen {
		return int64(total), nil
	}
	lcs := make([]byte, total)
	var matches []Reply
	// The open range of matching bytes, which grows backwards; aStart is
	// -1 while none is open.
	aStart, aEnd, bStart, bEnd := -1, 0, 0, 0
	for i, j, k := len(a), len(b), total; i > 0 && j > 0; {
		emit := false
		if a[i-1] == b[j-1] {
			lcs[k-1] = a[i-1]
			switch {
			case aStart == -1:
				aStart, aEnd, bStart, bEnd = i-1, i-1, j-1, j-1
			case aStart == i && bStart == j:
				aStart, bStart = i-1, j-1
			default:
				emit = true
			}
			// A range that reached the start of either string is complete.
			emit = emit || aStart == 0 || bStart == 0
			i, j, k = i-1, j-1, k-1
		} else {
			if t[(i-1)*cols+j] > t[i*cols+j-1] {
				i--
			} else {
				j--
			}
			emit = aStart != -1
		}
		if !emit {
			continue
		}
		if n := int64(aEnd - aStart + 1); o.getIdx && (o.minMatchLen == 0 || n >= o.minMatchLen) {
			m := []Reply{[]Reply{int64(aStart), int64(aEnd)}, []Reply{int64(bStart), int64(bEnd)}}
			if o.withMatchLen {
				m = append(m, n)
			}
			matches = append(matches, m)
		}
		aStart = -1
	}
	if !o.getIdx {
		return lcs, nil
	}
	if matches == nil {
		matches = []Reply{}
	}
	return Map{[]byte("matches"), matches, []byte("len"), int64(total)}, nil
}
