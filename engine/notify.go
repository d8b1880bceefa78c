package engine

import (
	"errors"
	"slices"
	"strings"
)

// Keyspace notifications, as Redis's notify-keyspace-events: after a write
// that changed data, each key it changed is announced on
// __keyspace@<db>__:<key> (the message is the event) and on
// __keyevent@<db>__:<event> (the message is the key), for the classes of
// event the configuration asks for.
//
// Redis calls notifyKeyspaceEvent from inside every command. PhotonDB keeps
// the handlers free of it: notifyRules says, per command, which events a
// successful write emits, reading what it needs (the arguments, the reply,
// whether a key is still there) after the command ran. Only what no rule
// can see afterwards is announced where it happens: DEL's keys that
// existed, expiries and evictions.

// Notification flags, as Redis's NOTIFY_* bits.
const (
	notifyKeyspace = 1 << iota // K: __keyspace@<db>__:<key>
	notifyKeyevent             // E: __keyevent@<db>__:<event>
	notifyGeneric              // g: DEL, EXPIRE, RENAME, ...
	notifyString               // $
	notifyList                 // l
	notifySet                  // s
	notifyHash                 // h
	notifyZset                 // z
	notifyExpired              // x: a key's TTL ran out
	notifyEvicted              // e: maxmemory evicted a key
	notifyStream               // t
	notifyKeyMiss              // m: a read found no key
	notifyModule               // d
	notifyNew                  // n: a new key

	// notifyAll is what "A" stands for: every class but m and n.
	notifyAll = notifyGeneric | notifyString | notifyList | notifySet | notifyHash |
		notifyZset | notifyExpired | notifyEvicted | notifyStream | notifyModule
)

// notifyLetters maps each flag letter but "A" to its bit, in the order
// Redis writes them back.
var notifyLetters = []struct {
	letter byte
	flag   int32
}{
	{'g', notifyGeneric}, {'$', notifyString}, {'l', notifyList}, {'s', notifySet},
	{'h', notifyHash}, {'z', notifyZset}, {'x', notifyExpired}, {'e', notifyEvicted},
	{'t', notifyStream}, {'d', notifyModule}, {'n', notifyNew},
	{'K', notifyKeyspace}, {'E', notifyKeyevent}, {'m', notifyKeyMiss},
}

// errNotifyFlags is CONFIG SET's complaint about an unknown letter.
var errNotifyFlags = errors.New("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")

// parseNotifyFlags reads a notify-keyspace-events value, as Redis's
// keyspaceEventsStringToFlags.
func parseNotifyFlags(s string) (int32, error) {
	var f int32
	for i := 0; i < len(s); i++ {
		if s[i] == 'A' {
			f |= notifyAll
			continue
		}
		found := false
		for _, l := range notifyLetters {
			if l.letter == s[i] {
				f |= l.flag
				found = true
				break
			}
		}
		if !found {
			return 0, errNotifyFlags
		}
	}
	return f, nil
}

// formatNotifyFlags writes flags back as CONFIG GET shows them, as Redis's
// keyspaceEventsFlagsToString: "A" stands for all the classes (and then
// "n" is not written), followed by K, E and m.
func formatNotifyFlags(f int32) string {
	var b strings.Builder
	if f&notifyAll == notifyAll {
		b.WriteByte('A')
	}
	for _, l := range notifyLetters {
		switch {
		case l.flag == notifyKeyspace || l.flag == notifyKeyevent || l.flag == notifyKeyMiss:
		case f&notifyAll == notifyAll:
			continue
		}
		if f&l.flag != 0 {
			b.WriteByte(l.letter)
		}
	}
	return b.String()
}

// registerNotify adds notify-keyspace-events to CONFIG GET and SET.
func (e *Engine) registerNotify() {
	e.RegisterConfig(Param{
		Name: "notify-keyspace-events",
		Get:  func() string { return formatNotifyFlags(e.notifyFlags.Load()) },
		Set: func(v string) error {
			f, err := parseNotifyFlags(v)
			if err != nil {
				return err
			}
			e.notifyFlags.Store(f)
			return nil
		},
	})
}

// notifyKey announces event on key in database dbi when the configuration
// asks for events of class, as Redis's notifyKeyspaceEvent. The caller
// holds the lock; only key misses come under the read lock.
func (e *Engine) notifyKey(dbi int, class int32, event string, key []byte) {
	f := e.notifyFlags.Load()
	if f&class == 0 {
		return
	}
	prefix := "__keyspace@" + itoa(dbi) + "__:"
	if f&notifyKeyspace != 0 {
		ch := make([]byte, 0, len(prefix)+len(key))
		ch = append(append(ch, prefix...), key...)
		e.publish(channelKind, ch, []byte(event))
	}
	if f&notifyKeyevent != 0 {
		e.publish(channelKind, []byte("__keyevent@"+itoa(dbi)+"__:"+event), key)
	}
}

// itoa is strconv.Itoa for the small numbers of databases.
func itoa(n int) string {
	if n >= 0 && n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// notify announces event on key in the command's database. Handlers call
// it only for what notifyRules cannot see after the command ran.
func (db *DB) notify(class int32, event string, key []byte) {
	if db.eng.notifyFlags.Load() != 0 {
		db.eng.notifyKey(db.sess.db, class, event, key)
	}
}

// notifyNew announces a key about to be added, as Redis's dbAdd does
// with "new" (class n), when nothing is stored at key yet.
// Redis announces it inside the command, just before the command's own
// event on that key; PhotonDB announces a command's events once it ran,
// so the key waits in the session until then (see notifier.emit).
func (db *DB) notifyNew(key []byte) {
	if db.eng.notifyFlags.Load()&notifyNew != 0 && !db.ks.exists(string(key)) {
		i := slices.Index(db.eng.dbs, db.ks) // a command may write another database (MOVE, COPY … DB)
		db.sess.newKeys = append(db.sess.newKeys, newKey{i, string(key)})
	}
}

// newKey is a key a command created, in database db.
type newKey struct {
	db  int
	key string
}

// notifier is what a notifyRule announces through: the command's database.
type notifier struct {
	e   *Engine
	db  *DB
	dbi int
}

// emit announces event on key, after "new" if the command created it.
func (n notifier) emit(class int32, event string, key []byte) {
	s := n.db.sess
	for i, k := range s.newKeys {
		if k.key == string(key) && k.db == n.dbi {
			n.e.notifyKey(n.dbi, notifyNew, "new", key)
			s.newKeys = append(s.newKeys[:i], s.newKeys[i+1:]...)
			break
		}
	}
	n.e.notifyKey(n.dbi, class, event, key)
}

// exists reports whether key is in the database now.
func (n notifier) exists(key []byte) bool { return n.e.dbs[n.dbi].exists(string(key)) }

// emitOrDel announces event on key when the command left it, "del" when
// it did not: a collection emptied or a store of nothing.
func (n notifier) emitOrDel(class int32, event string, key []byte) {
	if n.exists(key) {
		n.emit(class, event, key)
	} else {
		n.emit(notifyGeneric, "del", key)
	}
}

// emitThenDel announces event on key, then "del" when the command left
// the key empty and so deleted it.
func (n notifier) emitThenDel(class int32, event string, key []byte) {
	n.emit(class, event, key)
	if !n.exists(key) {
		n.emit(notifyGeneric, "del", key)
	}
}

// notifyRule announces the events of one successful write that changed
// data, given its arguments and its reply.
type notifyRule func(n notifier, args [][]byte, r Reply)

// notifyCommand announces the events of a write that changed data; run
// calls it only while notifications are on.
func (e *Engine) notifyCommand(s *Session, dbi int, cmd *Command, args [][]byte, r Reply) {
	n := notifier{e: e, db: &s.call, dbi: dbi}
	switch cmd.Name {
	case "RENAME", "RENAMENX", "MOVE", "COPY":
		n.flushNew() // Redis adds the new key before it announces anything
	}
	if rule := notifyRules[cmd.Name]; rule != nil {
		rule(n, args, r)
	}
	n.flushNew() // created keys no event named
}

// flushNew announces "new" for every key the command created that no
// event has announced yet.
func (n notifier) flushNew() {
	s := n.db.sess
	for _, k := range s.newKeys {
		n.e.notifyKey(k.db, notifyNew, "new", []byte(k.key))
	}
	s.newKeys = s.newKeys[:0]
}

// onKey is a rule announcing event on the first key.
func onKey(class int32, event string) notifyRule {
	return func(n notifier, args [][]byte, _ Reply) { n.emit(class, event, args[1]) }
}

// onKeyThenDel is a rule announcing event on the first key, then "del"
// when it was emptied.
func onKeyThenDel(class int32, event string) notifyRule {
	return func(n notifier, args [][]byte, _ Reply) { n.emitThenDel(class, event, args[1]) }
}

// onStore is a rule for a *STORE: event on the destination, or "del" when
// the result was empty and the destination was deleted.
func onStore(class int32, event string, dst int) notifyRule {
	return func(n notifier, args [][]byte, _ Reply) {
		if dst < len(args) {
			n.emitOrDel(class, event, args[dst])
		}
	}
}

// onExpire is EXPIRE and its kin: "expire", or "del" when the time had
// passed and the key was deleted.
func onExpire(n notifier, args [][]byte, _ Reply) {
	n.emitOrDel(notifyGeneric, "expire", args[1])
}

// hasExpireOption reports whether SET's or GETEX's options from args[i]
// on set a TTL.
func hasExpireOption(args [][]byte, from int) bool {
	for _, a := range args[from:] {
		if equalFold(a, "EX") || equalFold(a, "PX") || equalFold(a, "EXAT") || equalFold(a, "PXAT") {
			return true
		}
	}
	return false
}

// onSetWithTTL is SETEX and PSETEX: "set", then "expire".
func onSetWithTTL(n notifier, args [][]byte, _ Reply) {
	n.emit(notifyString, "set", args[1])
	n.emit(notifyGeneric, "expire", args[1])
}

// onPush is a rule for the commands that move an element from one list
// to another: the push on the destination, the pop on the source, "del"
// when the source was emptied. to and from say where each end is in args,
// -1 for a fixed end given by push or pop.
func onMove(push, pop string, to, from int) notifyRule {
	return func(n notifier, args [][]byte, _ Reply) {
		pu, po := push, pop
		if to > 0 {
			pu = endEvent(args[to], "lpush", "rpush")
		}
		if from > 0 {
			po = endEvent(args[from], "lpop", "rpop")
		}
		n.emit(notifyList, pu, args[2])
		n.emitThenDel(notifyList, po, args[1])
	}
}

// endEvent is left when the LEFT|RIGHT argument a says LEFT, else right.
func endEvent(a []byte, left, right string) string {
	if equalFold(a, "LEFT") {
		return left
	}
	return right
}

// onPopReply is a rule for the pops whose key is the first element of
// the reply: BLPOP, LMPOP, BZPOPMIN, ZMPOP and their kin. event says the
// pop, or when "" the LEFT|RIGHT or MIN|MAX argument at dir does.
func onPopReply(class int32, event string, dir func(args [][]byte) string) notifyRule {
	return func(n notifier, args [][]byte, r Reply) {
		key := replyKey(r)
		if key == nil {
			return
		}
		ev := event
		if dir != nil {
			ev = dir(args)
		}
		n.emitThenDel(class, ev, key)
	}
}

// replyKey is the first element of an array reply, where the blocking
// pops and the *MPOPs name the key they popped; nil when there is none.
func replyKey(r Reply) []byte {
	var first Reply
	switch a := r.(type) {
	case []Reply:
		if len(a) > 0 {
			first = a[0]
		}
	case Bulks:
		if len(a) > 0 {
			return a[0]
		}
	}
	switch k := first.(type) {
	case []byte:
		return k
	case *Bulk:
		return k.B
	}
	return nil
}

// mpopDir finds LMPOP's or ZMPOP's direction after its keys: numkeys is
// args[at].
func mpopDir(at int, left, right string) func(args [][]byte) string {
	return func(args [][]byte) string {
		nk, ok := parseInt(args[at])
		i := at + 1 + int(nk)
		if !ok || nk < 0 || i >= len(args) {
			return left
		}
		if equalFold(args[i], "LEFT") || equalFold(args[i], "MIN") {
			return left
		}
		return right
	}
}

// notifyRules are the events each write command emits, as Redis 7.0's
// calls to notifyKeyspaceEvent in its handlers. Commands absent emit
// nothing (FLUSHDB, FLUSHALL and SWAPDB do not announce keys) or announce
// from inside the handler (DEL and UNLINK, which delete only some keys).
var notifyRules = map[string]notifyRule{}

func init() {
	each := func(class int32, event string) notifyRule {
		return func(n notifier, args [][]byte, _ Reply) {
			for i := 1; i+1 < len(args); i += 2 {
				n.emit(class, event, args[i])
			}
		}
	}
	r := map[string]notifyRule{
		// strings
		"SET": func(n notifier, args [][]byte, _ Reply) {
			n.emit(notifyString, "set", args[1])
			if hasExpireOption(args, 3) {
				n.emit(notifyGeneric, "expire", args[1])
			}
		},
		"SETNX":       onKey(notifyString, "set"),
		"SETEX":       onSetWithTTL,
		"PSETEX":      onSetWithTTL,
		"GETSET":      onKey(notifyString, "set"),
		"GETDEL":      onKey(notifyGeneric, "del"),
		"MSET":        each(notifyString, "set"),
		"MSETNX":      each(notifyString, "set"),
		"INCR":        onKey(notifyString, "incrby"),
		"DECR":        onKey(notifyString, "incrby"),
		"INCRBY":      onKey(notifyString, "incrby"),
		"DECRBY":      onKey(notifyString, "incrby"),
		"INCRBYFLOAT": onKey(notifyString, "incrbyfloat"),
		"APPEND":      onKey(notifyString, "append"),
		"SETRANGE":    onKey(notifyString, "setrange"),
		"SETBIT":      onKey(notifyString, "setbit"),
		"BITFIELD":    onKey(notifyString, "setbit"),
		"BITOP":       onStore(notifyString, "set", 2),
		"GETEX": func(n notifier, args [][]byte, _ Reply) {
			switch {
			case !n.exists(args[1]):
				n.emit(notifyGeneric, "del", args[1])
			case hasExpireOption(args, 2):
				n.emit(notifyGeneric, "expire", args[1])
			default:
				n.emit(notifyGeneric, "persist", args[1])
			}
		},

		// keys
		"EXPIRE":    onExpire,
		"PEXPIRE":   onExpire,
		"EXPIREAT":  onExpire,
		"PEXPIREAT": onExpire,
		"PERSIST":   onKey(notifyGeneric, "persist"),
		"RENAME":    onRename,
		"RENAMENX":  onRename,
		"COPY": func(n notifier, args [][]byte, _ Reply) {
			n.emit(notifyGeneric, "copy_to", args[2])
		},
		"MOVE": func(n notifier, args [][]byte, _ Reply) {
			n.emit(notifyGeneric, "move_from", args[1])
			if to, ok := parseInt(args[2]); ok && to >= 0 && int(to) < len(n.e.dbs) {
				n.e.notifyKey(int(to), notifyGeneric, "move_to", args[1])
			}
		},
		"RESTORE": onKey(notifyGeneric, "restore"),
		"SORT": func(n notifier, args [][]byte, _ Reply) {
			for i := 2; i+1 < len(args); i++ {
				if equalFold(args[i], "STORE") {
					n.emitOrDel(notifyList, "sortstore", args[i+1])
					return
				}
			}
		},

		// lists
		"LPUSH":      onKey(notifyList, "lpush"),
		"LPUSHX":     onKey(notifyList, "lpush"),
		"RPUSH":      onKey(notifyList, "rpush"),
		"RPUSHX":     onKey(notifyList, "rpush"),
		"LINSERT":    onKey(notifyList, "linsert"),
		"LSET":       onKey(notifyList, "lset"),
		"LPOP":       onKeyThenDel(notifyList, "lpop"),
		"RPOP":       onKeyThenDel(notifyList, "rpop"),
		"LTRIM":      onKeyThenDel(notifyList, "ltrim"),
		"LREM":       onKeyThenDel(notifyList, "lrem"),
		"LMOVE":      onMove("", "", 4, 3),
		"BLMOVE":     onMove("", "", 4, 3),
		"RPOPLPUSH":  onMove("lpush", "rpop", -1, -1),
		"BRPOPLPUSH": onMove("lpush", "rpop", -1, -1),
		"BLPOP":      onPopReply(notifyList, "lpop", nil),
		"BRPOP":      onPopReply(notifyList, "rpop", nil),
		"LMPOP":      onPopReply(notifyList, "", mpopDir(1, "lpop", "rpop")),
		"BLMPOP":     onPopReply(notifyList, "", mpopDir(2, "lpop", "rpop")),

		// hashes
		"HSET":         onKey(notifyHash, "hset"),
		"HMSET":        onKey(notifyHash, "hset"),
		"HSETNX":       onKey(notifyHash, "hset"),
		"HDEL":         onKeyThenDel(notifyHash, "hdel"),
		"HINCRBY":      onKey(notifyHash, "hincrby"),
		"HINCRBYFLOAT": onKey(notifyHash, "hincrbyfloat"),

		// sets
		"SADD":        onKey(notifySet, "sadd"),
		"SREM":        onKeyThenDel(notifySet, "srem"),
		"SPOP":        onKeyThenDel(notifySet, "spop"),
		"SMOVE":       onSmove,
		"SINTERSTORE": onStore(notifySet, "sinterstore", 1),
		"SUNIONSTORE": onStore(notifySet, "sunionstore", 1),
		"SDIFFSTORE":  onStore(notifySet, "sdiffstore", 1),

		// sorted sets
		"ZADD": func(n notifier, args [][]byte, _ Reply) {
			ev := "zadd"
			for _, a := range args[2:] {
				if equalFold(a, "INCR") {
					ev = "zincr"
				}
			}
			n.emit(notifyZset, ev, args[1])
		},
		"ZINCRBY":          onKey(notifyZset, "zincr"),
		"ZREM":             onKeyThenDel(notifyZset, "zrem"),
		"ZREMRANGEBYRANK":  onKeyThenDel(notifyZset, "zremrangebyrank"),
		"ZREMRANGEBYSCORE": onKeyThenDel(notifyZset, "zremrangebyscore"),
		"ZREMRANGEBYLEX":   onKeyThenDel(notifyZset, "zremrangebylex"),
		"ZPOPMIN":          onKeyThenDel(notifyZset, "zpopmin"),
		"ZPOPMAX":          onKeyThenDel(notifyZset, "zpopmax"),
		"BZPOPMIN":         onPopReply(notifyZset, "zpopmin", nil),
		"BZPOPMAX":         onPopReply(notifyZset, "zpopmax", nil),
		"ZMPOP":            onPopReply(notifyZset, "", mpopDir(1, "zpopmin", "zpopmax")),
		"BZMPOP":           onPopReply(notifyZset, "", mpopDir(2, "zpopmin", "zpopmax")),
		"ZUNIONSTORE":      onStore(notifyZset, "zunionstore", 1),
		"ZINTERSTORE":      onStore(notifyZset, "zinterstore", 1),
		"ZDIFFSTORE":       onStore(notifyZset, "zdiffstore", 1),
		"ZRANGESTORE":      onStore(notifyZset, "zrangestore", 1),
	}
	for name, rule := range r {
		notifyRules[name] = rule
	}
}

// onRename is RENAME and RENAMENX: "rename_from" on the source, then
// "rename_to" on the destination.
func onRename(n notifier, args [][]byte, _ Reply) {
	n.emit(notifyGeneric, "rename_from", args[1])
	n.emit(notifyGeneric, "rename_to", args[2])
}

// onSmove is SMOVE: "srem" on the source, "del" when it was emptied, then
// "sadd" on the destination.
func onSmove(n notifier, args [][]byte, _ Reply) {
	n.emitThenDel(notifySet, "srem", args[1])
	n.emit(notifySet, "sadd", args[2])
}
