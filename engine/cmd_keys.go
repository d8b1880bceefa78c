package engine

import (
	"bytes"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// keyspaceCommands are the generic group's rows of the command table,
// and SWAPDB's, which Redis files under server but which moves keys.
func keyspaceCommands() []*Command {
	return []*Command{
		{Name: "COPY", Group: "generic", Arity: -3, Flags: Write | DenyOOM, Keys: Keys{1, 2, 1},
			Args: "source destination [DB destination-db] [REPLACE]", Summary: "Copy a key", Since: "6.2.0", Run: cmdCopy},
		{Name: "DEL", Group: "generic", Arity: -2, Flags: Write, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Delete a key", Since: "1.0.0", Run: cmdDel},
		{Name: "EXISTS", Group: "generic", Arity: -2, Flags: ReadOnly | Fast, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Determine if a key exists", Since: "1.0.0", Run: cmdExists},
		{Name: "EXPIRE", Group: "generic", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key seconds [NX|XX|GT|LT]", Summary: "Set a key's time to live in seconds", Since: "1.0.0", Run: cmdExpire},
		{Name: "EXPIREAT", Group: "generic", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key unix-time-seconds [NX|XX|GT|LT]", Summary: "Set the expiration for a key as a UNIX timestamp", Since: "1.2.0", Run: cmdExpireat},
		{Name: "EXPIRETIME", Group: "generic", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the expiration Unix timestamp for a key", Since: "7.0.0", Run: cmdExpiretime},
		{Name: "KEYS", Group: "generic", Arity: 2, Flags: ReadOnly,
			Args: "pattern", Summary: "Find all keys matching the given pattern", Since: "1.0.0", Run: cmdKeys},
		{Name: "MOVE", Group: "generic", Arity: 3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key db", Summary: "Move a key to another database", Since: "1.0.0", Run: cmdMove},
		{Name: "OBJECT", Group: "generic", Arity: -2, Flags: ReadOnly,
			Args: "ENCODING key|FREQ key|IDLETIME key|REFCOUNT key|HELP", Summary: "A container for object introspection commands", Since: "2.2.3", Run: cmdObject,
			Subcommands: []*Subcommand{
				{Name: "ENCODING", Arity: 3},
				{Name: "FREQ", Arity: 3},
				{Name: "HELP", Arity: 2, Flags: Loading | Stale},
				{Name: "IDLETIME", Arity: 3},
				{Name: "REFCOUNT", Arity: 3},
			}},
		{Name: "PERSIST", Group: "generic", Arity: 2, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Remove the expiration from a key", Since: "2.2.0", Run: cmdPersist},
		{Name: "PEXPIRE", Group: "generic", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key milliseconds [NX|XX|GT|LT]", Summary: "Set a key's time to live in milliseconds", Since: "2.6.0", Run: cmdPexpire},
		{Name: "PEXPIREAT", Group: "generic", Arity: -3, Flags: Write | Fast, Keys: Keys{1, 1, 1},
			Args: "key unix-time-milliseconds [NX|XX|GT|LT]", Summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds", Since: "2.6.0", Run: cmdPexpireat},
		{Name: "PEXPIRETIME", Group: "generic", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the expiration Unix timestamp for a key in milliseconds", Since: "7.0.0", Run: cmdPexpiretime},
		{Name: "PTTL", Group: "generic", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the time to live for a key in milliseconds", Since: "2.6.0", Run: cmdPttl},
		{Name: "RANDOMKEY", Group: "generic", Arity: 1, Flags: ReadOnly,
			Summary: "Return a random key from the keyspace", Since: "1.0.0", Run: cmdRandomkey},
		{Name: "RENAME", Group: "generic", Arity: 3, Flags: Write, Keys: Keys{1, 2, 1},
			Args: "key newkey", Summary: "Rename a key", Since: "1.0.0", Run: cmdRename},
		{Name: "RENAMENX", Group: "generic", Arity: 3, Flags: Write | Fast, Keys: Keys{1, 2, 1},
			Args: "key newkey", Summary: "Rename a key, only if the new key does not exist", Since: "1.0.0", Run: cmdRenamenx},
		{Name: "SCAN", Group: "generic", Arity: -2, Flags: ReadOnly,
			Args: "cursor [MATCH pattern] [COUNT count] [TYPE type]", Summary: "Incrementally iterate the keys space", Since: "2.8.0", Run: cmdScan},
		{Name: "SORT", Group: "generic", Arity: -2, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args:    "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA] [STORE destination]",
			Summary: "Sort the elements in a list, set or sorted set", Since: "1.0.0", Run: cmdSort},
		{Name: "SORT_RO", Group: "generic", Arity: -2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args:    "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]",
			Summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", Since: "7.0.0", Run: cmdSortRO},
		{Name: "SWAPDB", Group: "server", Arity: 3, Flags: Write | Fast,
			Args: "index1 index2", Summary: "Swaps two Redis databases", Since: "4.0.0", Run: cmdSwapdb},
		{Name: "TOUCH", Group: "generic", Arity: -2, Flags: ReadOnly | Fast, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.", Since: "3.2.1", Run: cmdExists},
		{Name: "TTL", Group: "generic", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Get the time to live for a key in seconds", Since: "1.0.0", Run: cmdTTL},
		{Name: "TYPE", Group: "generic", Arity: 2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key", Summary: "Determine the type stored at key", Since: "1.0.0", Run: cmdType},
		{Name: "UNLINK", Group: "generic", Arity: -2, Flags: Write | Fast, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", Since: "4.0.0", Run: cmdDel},
	}
}

// These errors can occur when a command names the same key, or database,
// as its source and its destination, or a cursor or score it cannot read.
var (
	ErrSameObject    = errf("source and destination objects are the same")
	ErrCursor        = errf("invalid cursor")
	ErrSortScore     = errf("One or more scores can't be converted into double")
	ErrNoLFU         = errf("An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
	errIntRange      = errf("value is out of range, value must between -2147483648 and 2147483647")
	errFirstDBIndex  = errf("invalid first DB index")
	errSecondDBIndex = errf("invalid second DB index")
)

// cmdDel is DEL and UNLINK, which frees memory no later than DEL does.
func cmdDel(db *DB, args [][]byte) (Reply, error) {
	var n int64
	for _, k := range args[1:] {
		if db.del(k) {
			db.touch(k) // only the keys deleted, not every key named
			db.notify(notifyGeneric, "del", k)
			n++
		}
	}
	return n, nil
}

// cmdExists is EXISTS and TOUCH: PhotonDB keeps no access times to touch.
// Each key is a read, counted as a hit or a miss, as in Redis.
func cmdExists(db *DB, args [][]byte) (Reply, error) {
	var n int64
	for _, k := range args[1:] {
		if _, ok := db.lookupRead(k); ok {
			n++
		}
	}
	return n, nil
}

func cmdType(db *DB, args [][]byte) (Reply, error) {
	v, ok := db.lookupRead(args[1])
	if !ok {
		return Status("none"), nil
	}
	return Status(v.kind().String()), nil
}

// cmdKeys lists the live keys matching a pattern. As in Redis 7.0, it
// skips expired keys without deleting them.
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

// scanCount is how many keys SCAN looks at when COUNT does not say.
const scanCount = 10

// cmdScan walks the keyspace a few buckets a call, as Redis's SCAN does:
// it visits buckets until it has seen COUNT keys or ten times COUNT
// buckets, then filters what it saw by MATCH, TYPE and expiry, deleting
// the expired keys that MATCH lets through, as Redis does. A key that
// stays in the database from the first call to the last is returned at
// least once, however the table is resized in between (see dict.scan).
func cmdScan(db *DB, args [][]byte) (Reply, error) {
	cursor, ok := parseCursor(args[1])
	if !ok {
		return nil, ErrCursor
	}
	count := int64(scanCount)
	var pattern, typ []byte
	var matching, typed bool
	for i := 2; i < len(args); i += 2 {
		if i+1 == len(args) {
			return nil, ErrSyntax
		}
		switch opt := args[i]; {
		case equalFold(opt, "COUNT"):
			n, err := intArg(args[i+1])
			if err != nil {
				return nil, err
			}
			if n < 1 {
				return nil, ErrSyntax
			}
			count = n
		case equalFold(opt, "MATCH"):
			pattern = args[i+1]
			matching = !(len(pattern) == 1 && pattern[0] == '*')
		case equalFold(opt, "TYPE"):
			typ, typed = args[i+1], true
		default:
			return nil, ErrSyntax
		}
	}
	// As Redis, collect the keys visited, then filter them: filtering
	// may delete expired keys, which must not happen during the walk.
	var seen [][]byte
	visit := func(k []byte, _ value) { seen = append(seen, k) }
	budget := count * 10
	if budget/10 != count {
		budget = math.MaxInt64
	}
	for {
		cursor = db.ks.keys.scan(cursor, visit)
		if cursor == 0 || budget == 0 {
			break
		}
		budget--
		if int64(len(seen)) >= count {
			break
		}
	}
	keys := Bulks{}
	for _, k := range seen {
		switch {
		case matching && !matchGlob(pattern, k, false):
		case typed:
			if scanTyped(db, k, typ) {
				keys = append(keys, k)
			}
		case !db.expireIfNeeded(k):
			keys = append(keys, k)
		}
	}
	return []Reply{strconv.AppendUint(nil, cursor, 10), keys}, nil
}

// scanTyped reports whether SCAN ... TYPE typ returns key. As Redis 7.0's
// SCAN, it reads the key as TYPE does (a keyspace hit or miss; an expired
// key is deleted and its miss announced) and compares the type: so an
// expired key, whose type is then "none", is returned for TYPE none.
func scanTyped(db *DB, key, typ []byte) bool {
	kind := "none"
	if v, ok := db.lookupRead(key); ok {
		kind = v.kind().String()
	}
	return bytes.EqualFold(typ, []byte(kind))
}

// parseCursor reads a SCAN cursor as Redis does, with C's strtoul: an
// optional sign and decimal digits, "-n" wrapping around, "" being 0,
// refusing a leading space, trailing bytes and values beyond 64 bits.
func parseCursor(b []byte) (uint64, bool) {
	b = cString(b)
	if len(b) == 0 {
		return 0, true
	}
	neg := false
	switch b[0] {
	case '-':
		neg = true
		b = b[1:]
	case '+':
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return n, true
}

// cString is b up to its first NUL byte, what C's string functions see
// of it.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// cmdRandomkey answers a random live key. Like Redis, it deletes each
// expired key it draws and draws again, until it draws a live key or
// none is left. Under the read lock the expired keys drawn are only
// recorded for deletion (see DB.expireFound) and may be drawn again, so
// after maxRandomDraws it walks the keyspace instead: it takes the first
// live key, deleting the expired keys before it, or, when every key has
// expired, deletes them all and answers nil, as Redis would.
func cmdRandomkey(db *DB, args [][]byte) (Reply, error) {
	for range maxRandomDraws {
		k, _, ok := db.ks.keys.random(rand.Uint64())
		if !ok {
			return nil, nil
		}
		if !db.expireIfNeeded(k) {
			return k, nil
		}
	}
	var live []byte
	var expired [][]byte
	db.ks.keys.each(func(k []byte, _ value) bool {
		if !db.expired(str(k)) {
			live = k
			return false
		}
		expired = append(expired, k)
		return true
	})
	for _, k := range expired { // not while each walks the table
		db.expireFound(k)
	}
	if live == nil {
		return nil, nil
	}
	return live, nil
}

// maxRandomDraws is how many keys RANDOMKEY draws before it walks.
const maxRandomDraws = 100

func cmdRename(db *DB, args [][]byte) (Reply, error)   { return rename(db, args[1], args[2], false) }
func cmdRenamenx(db *DB, args [][]byte) (Reply, error) { return rename(db, args[1], args[2], true) }

// rename is RENAME and, with nx, RENAMENX: the value and its TTL move to
// dst, which is overwritten unless nx. A missing src is an error even when
// dst is src.
func rename(db *DB, src, dst []byte, nx bool) (Reply, error) {
	v, ok := db.lookup(src)
	if !ok {
		return nil, ErrNoSuchKey
	}
	if str(src) == str(dst) {
		if nx {
			return zero, nil
		}
		return OK, nil
	}
	if nx {
		if _, exists := db.lookup(dst); exists {
			return zero, nil
		}
	}
	at := db.ttl(src)
	db.remove(src)
	db.store(dst, v, at)
	db.changed(1)
	return boolOK(!nx), nil
}

// boolOK is RENAME's OK, or RENAMENX's 1.
func boolOK(ok bool) Reply {
	if ok {
		return OK
	}
	return one
}

// remove deletes a key known to be there, without counting a change.
func (db *DB) remove(key []byte) {
	db.ks.keys.delete(key)
	db.ks.expires.del(str(key))
}

// store puts v at key with the absolute expiry at (-1: none), without
// counting a change.
func (db *DB) store(key []byte, v value, at int64) {
	db.notifyNew(key)
	db.ks.keys.put(key, v)
	if at != -1 {
		db.ks.expires.set(string(key), at)
	} else {
		db.ks.expires.del(str(key))
	}
}

// in returns a handle on database n for the running command: same
// session, same time, same lock.
func (db *DB) in(n int) *DB {
	return &DB{eng: db.eng, sess: db.sess, ks: db.eng.dbs[n], nowMs: db.now(), write: db.write}
}

// dbIndex reads a database number as Redis's getIntFromObjectOrReply
// and selectDb do: an integer, within int32, naming a database.
func (db *DB) dbIndex(b []byte) (int, error) {
	n, err := intArg(b)
	if err != nil {
		return 0, err
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, errIntRange
	}
	if n < 0 || n >= int64(len(db.eng.dbs)) {
		return 0, ErrDBIndex
	}
	return int(n), nil
}

func cmdCopy(db *DB, args [][]byte) (Reply, error) {
	src, dst := args[1], args[2]
	to, toIndex, replace := db, db.sess.db, false
	for i := 3; i < len(args); i++ {
		switch {
		case equalFold(args[i], "REPLACE"):
			replace = true
		case equalFold(args[i], "DB") && i+1 < len(args):
			n, err := db.dbIndex(args[i+1])
			if err != nil {
				return nil, err
			}
			to, toIndex = db.in(n), n
			i++
		default:
			return nil, ErrSyntax
		}
	}
	if to.ks == db.ks && str(src) == str(dst) {
		return nil, ErrSameObject
	}
	v, ok := db.lookupRead(src)
	if !ok {
		return zero, nil
	}
	if _, exists := to.lookup(dst); exists && !replace {
		return zero, nil
	}
	to.store(dst, copyValue(v), db.ttl(src))
	db.changed(1)
	db.touchIn(toIndex, dst) // the copy, in its database; not the source
	return one, nil
}

// copyValue returns a value that shares nothing a command may change in
// place: collections are cloned, and so is a long string, whose spare
// capacity APPEND writes into.
func copyValue(v value) value {
	if v.obj != nil {
		return value{obj: v.obj.clone()}
	}
	c := stringValue(v.str[:len(v.str):len(v.str)])
	// Redis duplicates the object: a shared integer's copy is its own.
	c.enc = v.enc
	if c.enc == encAuto {
		c.enc = encUnshared
	}
	return c
}

func cmdMove(db *DB, args [][]byte) (Reply, error) {
	key := args[1]
	n, err := db.dbIndex(args[2])
	if err != nil {
		return nil, err
	}
	to := db.in(n)
	if to.ks == db.ks {
		return nil, ErrSameObject
	}
	v, ok := db.lookup(key)
	if !ok {
		return zero, nil
	}
	if _, exists := to.lookup(key); exists {
		return zero, nil
	}
	to.store(key, v, db.ttl(key))
	db.remove(key)
	db.changed(1)
	db.touch(key)
	db.touchIn(n, key)
	return one, nil
}

func cmdSwapdb(db *DB, args [][]byte) (Reply, error) {
	a, ok := parseInt(args[1])
	if !ok || a < math.MinInt32 || a > math.MaxInt32 {
		return nil, errFirstDBIndex
	}
	b, ok := parseInt(args[2])
	if !ok || b < math.MinInt32 || b > math.MaxInt32 {
		return nil, errSecondDBIndex
	}
	dbs := db.eng.dbs
	if a < 0 || b < 0 || a >= int64(len(dbs)) || b >= int64(len(dbs)) {
		return nil, ErrDBIndex
	}
	if a != b {
		db.eng.touchSwap(int(a), int(b))
	}
	dbs[a], dbs[b] = dbs[b], dbs[a]
	db.changed(1)
	return OK, nil
}

func cmdTTL(db *DB, args [][]byte) (Reply, error)  { return ttlReply(db, args[1], 1000, false) }
func cmdPttl(db *DB, args [][]byte) (Reply, error) { return ttlReply(db, args[1], 1, false) }
func cmdExpiretime(db *DB, args [][]byte) (Reply, error) {
	return ttlReply(db, args[1], 1000, true)
}
func cmdPexpiretime(db *DB, args [][]byte) (Reply, error) {
	return ttlReply(db, args[1], 1, true)
}

// ttlReply is TTL, PTTL, EXPIRETIME and PEXPIRETIME: what is left of the
// key's life, or with abs when it ends, in units of unit milliseconds,
// rounded to the nearest; -2 for a missing key, -1 for one without a TTL.
func ttlReply(db *DB, key []byte, unit int64, abs bool) (Reply, error) {
	if _, ok := db.lookupRead(key); !ok {
		return int64(-2), nil
	}
	at := db.ttl(key)
	if at == -1 {
		return int64(-1), nil
	}
	ms := at
	if !abs {
		ms = max(at-db.now(), 0)
	}
	// Redis's (ttl+500)/1000 wraps past the int64 range for a time near
	// its end, and its compiler divides the sum as unsigned.
	return int64(uint64(ms+unit/2) / uint64(unit)), nil
}

func cmdPersist(db *DB, args [][]byte) (Reply, error) {
	if _, ok := db.lookup(args[1]); !ok || db.ttl(args[1]) == -1 {
		return zero, nil
	}
	db.ks.expires.del(str(args[1]))
	db.changed(1)
	return one, nil
}

func cmdExpire(db *DB, args [][]byte) (Reply, error) {
	return expireGeneric(db, args, db.now(), 1000)
}
func cmdPexpire(db *DB, args [][]byte) (Reply, error) {
	return expireGeneric(db, args, db.now(), 1)
}
func cmdExpireat(db *DB, args [][]byte) (Reply, error) { return expireGeneric(db, args, 0, 1000) }
func cmdPexpireat(db *DB, args [][]byte) (Reply, error) {
	return expireGeneric(db, args, 0, 1)
}

// expireGeneric is EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT, following
// Redis's expireGenericCommand: options first, then the time, then the key.
// As in Redis, the journal gets PEXPIREAT with the absolute time in
// milliseconds, so that replaying it later sets the same deadline, or DEL
// when the time has already passed.
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
			// Redis trims line breaks off the end of an error message
			// before it turns the others into spaces.
			return nil, errf(oneLine(strings.TrimRight("Unsupported option "+string(cString(a)), "\r\n")))
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
		db.propagate([]byte("DEL"), clone(key))
		return one, nil
	}
	db.setExpire(key, when)
	if base != 0 || unit != 1 {
		p := [][]byte{[]byte("PEXPIREAT"), clone(key), strconv.AppendInt(nil, when, 10)}
		for _, a := range args[3:] {
			p = append(p, clone(a))
		}
		db.propagate(p...)
	}
	return one, nil
}

// OBJECT.

// Redis keeps the strings of integers 0 to 9999 as shared objects, which
// OBJECT REFCOUNT reports as referenced this many times.
const (
	sharedIntegers = 10000
	sharedRefcount = math.MaxInt32
	embstrMax      = 44 // longest string Redis allocates with its object header
)

// cmdObject answers OBJECT's subcommands; Exec has already checked that
// the subcommand exists and its argument count.
func cmdObject(db *DB, args [][]byte) (Reply, error) {
	sub := args[1]
	if equalFold(sub, "HELP") {
		return objectHelp, nil
	}
	meta, tracked := db.keyMeta(args[2])
	v, ok := db.lookupStats(args[2]) // a miss is not announced, as Redis's LOOKUP_NONOTIFY
	if !ok {
		return nil, nil
	}
	db.setKeyMeta(args[2], meta, tracked) // OBJECT is no access, as Redis's LOOKUP_NOTOUCH
	switch {
	case equalFold(sub, "ENCODING"):
		return []byte(encodingOf(v)), nil
	case equalFold(sub, "REFCOUNT"):
		if n, isInt := parseInt(v.str); v.obj == nil && v.enc == encAuto && isInt && n >= 0 && n < sharedIntegers {
			return int64(sharedRefcount), nil
		}
		return one, nil
	case equalFold(sub, "IDLETIME"):
		return db.objectIdle(meta, tracked)
	}
	return db.objectFreq(meta, tracked)
}

// encodingOf names v's representation as OBJECT ENCODING does. A string
// is "int" when it is an integer Redis would store as one, "embstr" when
// short, else "raw"; unless its history decided (see strEnc).
func encodingOf(v value) string {
	if v.obj != nil {
		return v.obj.encoding()
	}
	if v.enc == encRaw {
		return "raw"
	}
	if _, ok := parseInt(v.str); ok && (v.enc == encAuto || v.enc == encUnshared) {
		return "int"
	}
	if len(v.str) <= embstrMax {
		return "embstr"
	}
	return "raw"
}

// objectHelp is OBJECT HELP's reply, in Redis 7.0's words: unlike other
// containers' help, its last line says "Prints".
var objectHelp Reply = []Reply{
	Status("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
	Status("ENCODING <key>"),
	Status("    Return the kind of internal representation used in order to store the value"),
	Status("    associated with a <key>."),
	Status("FREQ <key>"),
	Status("    Return the access frequency index of the <key>. The returned integer is"),
	Status("    proportional to the logarithm of the recent access frequency of the key."),
	Status("IDLETIME <key>"),
	Status("    Return the idle time of the <key>, that is the approximated number of"),
	Status("    seconds elapsed since the last access to the key."),
	Status("REFCOUNT <key>"),
	Status("    Return the number of references of the value associated with the specified"),
	Status("    <key>."),
	Status("HELP"),
	Status("    Prints this help."),
}

// SORT.

// sortOptions are what SORT and SORT_RO were asked to do.
type sortOptions struct {
	by       []byte   // BY pattern, when byValues
	byValues bool     // sort by what BY names rather than by the elements
	dontsort bool     // a BY pattern had no '*': keep the value's own order
	gets     [][]byte // GET patterns, in order; none: reply with the elements
	start    int64    // LIMIT offset
	count    int64    // LIMIT count; -1: all
	desc     bool
	alpha    bool
	store    []byte // STORE destination, when storing
	storing  bool
}

func cmdSort(db *DB, args [][]byte) (Reply, error)   { return sortGeneric(db, args, false) }
func cmdSortRO(db *DB, args [][]byte) (Reply, error) { return sortGeneric(db, args, true) }

// parseSort reads SORT's options as Redis does: any order, later ones
// winning, STORE only when not readonly.
func parseSort(args [][]byte, readonly bool) (*sortOptions, error) {
	o := &sortOptions{count: -1}
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch a := args[j]; {
		case equalFold(a, "ASC"):
			o.desc = false
		case equalFold(a, "DESC"):
			o.desc = true
		case equalFold(a, "ALPHA"):
			o.alpha = true
		case equalFold(a, "LIMIT") && left >= 2:
			var err error
			if o.start, err = intArg(args[j+1]); err != nil {
				return nil, err
			}
			if o.count, err = intArg(args[j+2]); err != nil {
				return nil, err
			}
			j += 2
		case !readonly && equalFold(a, "STORE") && left >= 1:
			o.store, o.storing = args[j+1], true
			j++
		case equalFold(a, "BY") && left >= 1:
			o.by, o.byValues = args[j+1], true
			if bytes.IndexByte(cString(o.by), '*') < 0 {
				o.dontsort = true
			}
			j++
		case equalFold(a, "GET") && left >= 1:
			o.gets = append(o.gets, args[j+1])
			j++
		default:
			return nil, ErrSyntax
		}
	}
	return o, nil
}

// sortElements returns the elements SORT works on, in the value's own
// order, and whether that order is one SORT keeps when told not to sort
// (a list's or a sorted set's, not a set's). The slice is the caller's
// to reorder. This is the one place that knows which kinds SORT accepts.
func sortElements(v value) (elems [][]byte, ordered bool, err error) {
	switch v.kind() {
	case KindList:
		l := v.obj.(*list)
		return l.appendRange(make([][]byte, 0, l.len()), 0, l.len()), true, nil
	case KindSet:
		return v.obj.(*set).list(), false, nil
	case KindZSet:
		z := v.obj.(*zset)
		// Redis converts a listpack to a skip list, for good, to sort it.
		z.big.Store(true)
		elems = make([][]byte, 0, z.len())
		for x := z.first(); x != nil; x = x.next() {
			elems = append(elems, bytesOf(x.member))
		}
		return elems, true, nil
	}
	return nil, false, ErrWrongType
}

// sortItem is one element being sorted and what it is sorted by.
type sortItem struct {
	elem  []byte
	score float64 // numeric sort: the element's, or its BY value's, number
	by    []byte  // ALPHA with BY: the BY value, when found
	found bool    // ALPHA with BY: BY named a value
}

// sortGeneric is SORT and SORT_RO, following Redis's sortCommandGeneric.
func sortGeneric(db *DB, args [][]byte, readonly bool) (Reply, error) {
	o, err := parseSort(args, readonly)
	if err != nil {
		return nil, err
	}
	var elems [][]byte
	ordered := true
	if v, ok := db.lookupRead(args[1]); ok {
		if elems, ordered, err = sortElements(v); err != nil {
			return nil, err
		}
	}
	if o.dontsort && !ordered && o.storing {
		// A set's order is arbitrary: what is stored, and so journaled,
		// must not depend on it.
		o.dontsort, o.alpha, o.byValues = false, true, false
	}
	start, end := sortWindow(int64(len(elems)), o.start, o.count)
	if o.dontsort {
		if ordered && o.desc {
			slices.Reverse(elems)
		}
	} else if err := sortBy(db, elems, o); err != nil {
		return nil, err
	}
	var window [][]byte
	if end >= start {
		window = elems[start : end+1]
	}
	if o.storing {
		return sortStore(db, window, o), nil
	}
	if len(o.gets) == 0 {
		return Bulks(window), nil
	}
	out := make(Bulks, 0, len(window)*len(o.gets))
	for _, e := range window {
		for _, g := range o.gets {
			val, _ := sortLookup(db, g, e)
			out = append(out, val)
		}
	}
	return out, nil
}

// sortWindow turns LIMIT's offset and count into the first and last
// positions to return out of n, as Redis does; end < start is none.
func sortWindow(n, offset, count int64) (start, end int64) {
	start = min(max(offset, 0), n)
	count = min(max(count, -1), n)
	end = n - 1
	if count >= 0 {
		end = start + count - 1
	}
	if start >= n {
		start, end = n-1, n-2
	}
	return start, min(end, n-1)
}

// sortBy sorts elems in place, numerically or with ALPHA bytewise, by
// the elements themselves or the values BY names. Elements compare equal
// by number compare by their bytes; equal otherwise, they keep their order.
func sortBy(db *DB, elems [][]byte, o *sortOptions) error {
	items := make([]sortItem, len(elems))
	for i, e := range elems {
		items[i].elem = e
		val := e
		if o.byValues {
			var ok bool
			if val, ok = sortLookup(db, o.by, e); !ok {
				continue // sorts as 0, or before every value with ALPHA
			}
		}
		if o.alpha {
			if o.byValues {
				items[i].by, items[i].found = val, true
			}
			continue
		}
		f, ok := sortStrtod(val)
		if !ok {
			return ErrSortScore
		}
		items[i].score = f
	}
	slices.SortStableFunc(items, func(a, b sortItem) int {
		c := compareSortItems(&a, &b, o)
		if o.desc {
			return -c
		}
		return c
	})
	for i := range items {
		elems[i] = items[i].elem
	}
	return nil
}

func compareSortItems(a, b *sortItem, o *sortOptions) int {
	switch {
	case !o.alpha:
		if a.score != b.score {
			if a.score < b.score {
				return -1
			}
			return 1
		}
		return bytes.Compare(a.elem, b.elem)
	case !o.byValues:
		return o.collate(a.elem, b.elem)
	case !a.found || !b.found:
		switch {
		case !a.found && !b.found:
			return 0
		case !a.found:
			return -1
		}
		return 1
	}
	return o.collate(a.by, b.by)
}

// collate compares two strings for ALPHA as Redis does: binary-safe when
// storing, else with strcoll, which in the C locale compares the bytes
// up to the first NUL, so that strings equal that far tie.
func (o *sortOptions) collate(a, b []byte) int {
	if o.storing {
		return bytes.Compare(a, b)
	}
	return bytes.Compare(cString(a), cString(b))
}

// sortStore replaces dst with a list of the window's elements, or their
// GET values ("" for a missing one), or deletes dst when there are none;
// it answers the list's length.
func sortStore(db *DB, window [][]byte, o *sortOptions) Reply {
	elems := window
	if len(o.gets) > 0 {
		elems = make([][]byte, 0, len(window)*len(o.gets))
		for _, e := range window {
			for _, g := range o.gets {
				val, _ := sortLookup(db, g, e)
				elems = append(elems, val)
			}
		}
	}
	l := newListOf(elems)
	// Only the destination changes, not the source the row names.
	if l.len() == 0 {
		if db.del(o.store) {
			db.touch(o.store)
		}
		return zero
	}
	db.create(o.store, value{obj: l})
	db.changed(int64(l.len()))
	db.touch(o.store)
	return int64(l.len())
}

// sortLookup finds what a BY or GET pattern names for elem, as Redis's
// lookupKeyByPattern does: "#" is elem itself; otherwise the first '*' is
// replaced by elem to name a string key, or, with "->field" after the
// '*', a hash key and its field. ok is false when there is no such string
// or field, or the pattern has no '*'.
func sortLookup(db *DB, pattern, elem []byte) (val []byte, ok bool) {
	c := cString(pattern)
	if len(c) == 1 && c[0] == '#' {
		return elem, true
	}
	star := bytes.IndexByte(c, '*')
	if star < 0 {
		return nil, false
	}
	keyEnd, field := len(pattern), []byte(nil)
	if f := bytes.Index(c[star+1:], []byte("->")); f >= 0 && star+1+f+2 < len(c) {
		keyEnd = star + 1 + f
		field = pattern[keyEnd+2:]
	}
	key := make([]byte, 0, star+len(elem)+keyEnd-star-1)
	key = append(append(append(key, pattern[:star]...), elem...), pattern[star+1:keyEnd]...)
	v, found := db.lookupRead(key)
	if !found {
		return nil, false
	}
	if field == nil {
		if v.obj != nil {
			return nil, false
		}
		return v.str, true
	}
	h, isHash := v.obj.(*hash)
	if !isHash {
		return nil, false
	}
	return h.get(field)
}

// sortStrtod reads b as a number the way Redis's SORT does, with C's strtod
// and nothing left over: leading white space, a sign, decimal or
// hexadecimal ("0x1.8p3") digits, "inf" and "infinity". "" is 0, as
// strtod leaves nothing over. Like glibc it fails on NaN and on a value
// out of range: too large, or too small to hold without losing bits.
func sortStrtod(b []byte) (float64, bool) {
	b = cString(b)
	if len(b) == 0 {
		return 0, true
	}
	i := 0
	for i < len(b) && isCSpace(b[i]) {
		i++
	}
	s := b[i:]
	neg := len(s) > 0 && s[0] == '-'
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if bytes.EqualFold(s, []byte("inf")) || bytes.EqualFold(s, []byte("infinity")) {
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	text, nonzero, ok := cNumber(s)
	if !ok {
		return 0, false
	}
	if neg {
		text = "-" + text
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, false
	}
	if math.Abs(f) < 0x1p-1022 && nonzero {
		// Zero or subnormal from digits that are not zero: glibc reports a
		// range error unless the value is exact.
		exact, _, perr := big.ParseFloat(text, 0, 4096, big.ToNearestEven)
		if perr != nil || f == 0 || exact.Cmp(big.NewFloat(f)) != 0 {
			return 0, false
		}
	}
	return f, true
}

// cNumber checks that s is all one number as strtod reads it, without
// sign, and returns it as strconv.ParseFloat and big.ParseFloat read it,
// and whether any of its digits is not zero.
func cNumber(s []byte) (text string, nonzero, ok bool) {
	hex := len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
	digit, exp := isDigit, byte('e')
	p := 0
	if hex {
		digit, exp, p = isHexDigit, 'p', 2
	}
	digits := 0
	for ; p < len(s) && (digit(s[p]) || s[p] == '.'); p++ {
		if s[p] == '.' {
			if bytes.IndexByte(s[:p], '.') >= 0 {
				return "", false, false
			}
			continue
		}
		digits++
		nonzero = nonzero || s[p] != '0'
	}
	if digits == 0 {
		return "", false, false
	}
	mantissa := string(s[:p])
	rest := s[p:]
	if len(rest) == 0 {
		if hex {
			return mantissa + "p0", nonzero, true
		}
		return mantissa, nonzero, true
	}
	if lower(rest[0]) != exp {
		return "", false, false
	}
	e := rest[1:]
	if len(e) > 0 && (e[0] == '+' || e[0] == '-') {
		e = e[1:]
	}
	if len(e) == 0 {
		return "", false, false
	}
	for _, c := range e {
		if !isDigit(c) {
			return "", false, false
		}
	}
	return mantissa + string(rest), nonzero, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
