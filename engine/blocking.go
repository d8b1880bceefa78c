package engine

import (
	"math"
	"strconv"
	"time"
)

// blockingCommands are the blocking forms of the list and sorted set pops,
// rows of the list and sorted_set groups.
func blockingCommands() []*Command {
	const f = Write | NoScript | Blocking
	return []*Command{
		{Name: "BLMOVE", Group: "list", Arity: 6, Flags: f | DenyOOM, Keys: Keys{1, 2, 1},
			Args: "source destination LEFT|RIGHT LEFT|RIGHT timeout", Summary: "Pop an element from a list, push it to another list and return it; or block until one is available", Since: "6.2.0", Run: cmdBlmove},
		{Name: "BLMPOP", Group: "list", Arity: -5, Flags: Write | Blocking,
			Args: "timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]", Summary: "Pop elements from a list, or block until one is available", Since: "7.0.0", Run: cmdBlmpop},
		{Name: "BLPOP", Group: "list", Arity: -3, Flags: f, Keys: Keys{1, -2, 1},
			Args: "key [key ...] timeout", Summary: "Remove and get the first element in a list, or block until one is available", Since: "2.0.0", Run: cmdBlpop},
		{Name: "BRPOP", Group: "list", Arity: -3, Flags: f, Keys: Keys{1, -2, 1},
			Args: "key [key ...] timeout", Summary: "Remove and get the last element in a list, or block until one is available", Since: "2.0.0", Run: cmdBrpop},
		{Name: "BRPOPLPUSH", Group: "list", Arity: 4, Flags: f | DenyOOM, Keys: Keys{1, 2, 1},
			Args: "source destination timeout", Summary: "Pop an element from a list, push it to another list and return it; or block until one is available", Since: "2.2.0", Run: cmdBrpoplpush},
		{Name: "BZMPOP", Group: "sorted_set", Arity: -5, Flags: Write | Blocking,
			Args: "timeout numkeys key [key ...] MIN|MAX [COUNT count]", Summary: "Remove and return members with scores in a sorted set or block until one is available", Since: "7.0.0", Run: cmdBzmpop},
		{Name: "BZPOPMAX", Group: "sorted_set", Arity: -3, Flags: f | Fast, Keys: Keys{1, -2, 1},
			Args: "key [key ...] timeout", Summary: "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", Since: "5.0.0", Run: cmdBzpopmax},
		{Name: "BZPOPMIN", Group: "sorted_set", Arity: -3, Flags: f | Fast, Keys: Keys{1, -2, 1},
			Args: "key [key ...] timeout", Summary: "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", Since: "5.0.0", Run: cmdBzpopmin},
	}
}

// Blocking. A blocking pop that finds nothing to pop registers its session
// on its keys and answers blockedReply, under the write lock; Exec then
// releases the lock and waits. Every write that changes a key someone is
// blocked on marks the key ready, and when the outermost command ends,
// still under the lock, the clients blocked on each ready key run their
// command again in the order they blocked, until one finds nothing: so the
// longest-waiting client is served first, and a push reaches a blocked
// client before any other client's command can take the element. Inside
// MULTI, and when the wait could never end, the command answers its
// timeout reply at once instead, as Redis does.

var (
	errTimeoutFloat    = errf("timeout is not a float or out of range")
	errTimeoutNegative = errf("timeout is negative")
	errTimeoutRange    = errf("timeout is out of range")
	errUnblocked       = &Error{Code: "UNBLOCKED", Msg: "client unblocked via CLIENT UNBLOCK"}
)

// blockedReply is what a blocking command answers when it must wait: the
// wait it registered, which Exec hands to waitBlocked (s.blk itself is
// the lock's to read, and a push may already have cleared it).
type blockedReply struct{ b *block }

// block is a session's wait: what it runs again when a key is ready,
// where it waits, until when, and how it ends.
type block struct {
	cmd      *Command
	call     uint16
	flags    Flag
	args     [][]byte // a copy
	db       int
	keys     []string
	deadline time.Time // zero: forever
	timedOut Reply     // the reply when the wait ends without data
	done     chan result
	cancel   chan Reply // CLIENT UNBLOCK's reply, or nil to drop the client
}

type result struct {
	r   Reply
	err error
}

// blockWait registers db's session, running args, as blocked on keys until timeout
// passes (0: forever) and returns blockedReply; timedOut is the reply
// when nothing came. A command running inside EXEC answers timedOut.
func (db *DB) blockWait(args, keys [][]byte, timeout time.Duration, timedOut Reply) Reply {
	s, e := db.sess, db.eng
	if s.serving {
		return blockedReply{} // served again and still nothing: it stays blocked
	}
	if s.tx.inExec {
		return timedOut
	}
	cmd := lookupBytes(args[0])
	b := &block{
		cmd: cmd, call: cmd.call, flags: cmd.Flags, db: s.db, timedOut: timedOut,
		done: make(chan result, 1), cancel: make(chan Reply, 1),
	}
	b.args = copyArgs(args)
	if timeout > 0 {
		b.deadline = time.Now().Add(timeout)
	}
	for _, k := range keys {
		key := string(k)
		b.keys = append(b.keys, key)
		wk := watchedKey{db: s.db, key: key}
		if e.blocked == nil {
			e.blocked = make(map[watchedKey][]*Session)
		}
		e.blocked[wk] = append(e.blocked[wk], s)
	}
	s.blk = b
	e.nblocked.Add(1)
	return blockedReply{b}
}

// copyArgs copies args into one allocation.
func copyArgs(args [][]byte) [][]byte {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	buf := make([]byte, 0, n)
	out := make([][]byte, len(args))
	for i, a := range args {
		buf = append(buf, a...)
		out[i] = buf[len(buf)-len(a) : len(buf) : len(buf)]
	}
	return out
}

// unblock removes s from the blocked lists. The write lock is held.
func (e *Engine) unblock(s *Session) {
	b := s.blk
	if b == nil {
		return
	}
	for _, key := range b.keys {
		wk := watchedKey{db: b.db, key: key}
		list := e.blocked[wk]
		for i, x := range list {
			if x == s {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(e.blocked, wk)
		} else {
			e.blocked[wk] = list
		}
	}
	s.blk = nil
	e.nblocked.Add(-1)
}

// keyReady notes that key of database db may have what a blocked client
// waits for. The write lock is held.
func (e *Engine) keyReady(db int, key []byte) {
	if _, ok := e.blocked[watchedKey{db: db, key: string(key)}]; ok {
		e.ready = append(e.ready, watchedKey{db: db, key: string(key)})
	}
}

// serveBlocked runs the commands of the clients blocked on ready keys,
// each key's in the order they blocked, while commands find something to
// pop; serving one may make other keys ready. The write lock is held.
func (e *Engine) serveBlocked() {
	for len(e.ready) > 0 {
		wk := e.ready[0]
		e.ready = e.ready[1:]
		for _, w := range append([]*Session(nil), e.blocked[wk]...) {
			b := w.blk
			if b == nil {
				continue
			}
			w.serving = true
			saved := w.db
			w.db = b.db
			r, err := e.run(w, b.cmd, b.call, b.flags, b.args)
			w.db = saved
			w.serving = false
			if _, still := r.(blockedReply); still || err == ErrWrongType {
				break // nothing left here, or not of the kind it waits for
			}
			e.unblock(w)
			b.done <- result{r, err}
		}
	}
	e.ready = e.ready[:0]
}

// waitBlocked waits, without the lock, until s's blocked command is
// served, times out, or is cancelled, and answers what the command
// answers.
func (e *Engine) waitBlocked(s *Session, b *block) (Reply, error) {
	stop := make(chan struct{})
	closed := make(chan struct{})
	watched := make(chan struct{})
	s.mu.Lock()
	watch := s.conn.WatchClosed
	s.mu.Unlock()
	if watch != nil {
		go func() {
			defer close(watched)
			if watch(stop) {
				close(closed)
			}
		}()
	} else {
		close(watched)
	}
	defer func() {
		close(stop)
		<-watched
	}()
	var timer <-chan time.Time
	if !b.deadline.IsZero() {
		t := time.NewTimer(time.Until(b.deadline))
		defer t.Stop()
		timer = t.C
	}
	var end Reply // what the client gets if the wait ends unserved
	var endErr error
	select {
	case res := <-b.done:
		return res.r, res.err
	case <-timer:
		end = b.timedOut
	case <-closed:
		s.quit = true
	case r := <-b.cancel:
		switch r := r.(type) {
		case nil:
			s.quit = true
		case *Error:
			endErr = r
		case nilReply:
		default:
			end = r
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case res := <-b.done: // served while the lock was being taken
		return res.r, res.err
	default:
	}
	e.unblock(s)
	return end, endErr
}

// Unblock ends s's blocking command, if one waits: with its timeout reply
// when asError is false, else with the UNBLOCKED error, as CLIENT UNBLOCK
// does. It reports whether a command was waiting. Any goroutine may call
// it.
func (e *Engine) Unblock(s *Session, asError bool) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.unblockLocked(s, asError)
}

func (e *Engine) unblockLocked(s *Session, asError bool) bool {
	b := s.blk
	if b == nil {
		return false
	}
	var r Reply = b.timedOut
	if asError {
		r = errUnblocked
	}
	if r == nil {
		r = nilReply{}
	}
	select {
	case b.cancel <- r:
	default:
	}
	return true
}

// DropBlocked ends every blocking command without a reply, for shutdown.
func (e *Engine) DropBlocked() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, list := range e.blocked {
		for _, s := range list {
			select {
			case s.blk.cancel <- nil:
			default:
			}
		}
	}
}

// nilReply stands for a null bulk string on the cancel channel, where a
// nil Reply means "drop the client".
type nilReply struct{}

// parseTimeout reads a blocking command's timeout in seconds, as Redis's
// getTimeoutFromObjectOrReply does: a long double, to the millisecond.
func parseTimeout(b []byte) (time.Duration, error) {
	f, ok := parseLongDouble(b)
	if !ok {
		return 0, errTimeoutFloat
	}
	ms, _ := f.Float64()
	ms *= 1000
	// Redis converts to a long long: on x86-64 a value out of its range,
	// infinities included, becomes the smallest one, which is negative.
	if ms <= -1 || math.IsInf(ms, 0) || math.IsNaN(ms) || ms >= math.MaxInt64 {
		return 0, errTimeoutNegative
	}
	if int64(ms) > math.MaxInt64-time.Now().UnixMilli() {
		return 0, errTimeoutRange
	}
	if int64(ms) > int64(math.MaxInt64/time.Millisecond) {
		return 0, nil // beyond what a Duration holds: as good as forever
	}
	return time.Duration(int64(ms)) * time.Millisecond, nil
}

func cmdBlpop(db *DB, args [][]byte) (Reply, error) { return bpop(db, args, listLeft) }
func cmdBrpop(db *DB, args [][]byte) (Reply, error) { return bpop(db, args, listRight) }

// bpop answers BLPOP and BRPOP: the first key holding a list and the
// element popped from it.
func bpop(db *DB, args [][]byte, end listEnd) (Reply, error) {
	timeout, err := parseTimeout(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	keys := args[1 : len(args)-1]
	key, elems, err := lmpopCore(db, keys, end, 1)
	if err != nil {
		return nil, err
	}
	if key == nil {
		return db.blockWait(args, keys, timeout, NullArray{}), nil
	}
	db.propagate([]byte(popName(end)), key)
	return []Reply{key, elems[0]}, nil
}

func popName(end listEnd) string {
	if end == listLeft {
		return "LPOP"
	}
	return "RPOP"
}

func endName(end listEnd) []byte {
	if end == listLeft {
		return []byte("LEFT")
	}
	return []byte("RIGHT")
}

func cmdBlmove(db *DB, args [][]byte) (Reply, error) {
	from, to, err := parseMoveEnds(args[3], args[4])
	if err != nil {
		return nil, err
	}
	return blmove(db, args, from, to, args[5])
}

func cmdBrpoplpush(db *DB, args [][]byte) (Reply, error) {
	return blmove(db, args, listRight, listLeft, args[3])
}

// blmove answers BLMOVE and BRPOPLPUSH: the element moved.
func blmove(db *DB, args [][]byte, from, to listEnd, timeoutArg []byte) (Reply, error) {
	src, dst := args[1], args[2]
	timeout, err := parseTimeout(timeoutArg)
	if err != nil {
		return nil, err
	}
	elem, err := lmoveCore(db, src, dst, from, to)
	if err != nil {
		return nil, err
	}
	if elem == nil {
		return db.blockWait(args, [][]byte{src}, timeout, nil), nil
	}
	db.propagate([]byte("LMOVE"), clone(src), clone(dst), endName(from), endName(to))
	return elem, nil
}

// cmdBlmpop answers BLMPOP timeout numkeys key ... LEFT|RIGHT [COUNT n].
// As Redis's lmpopGenericCommand, it reads the timeout after the other
// arguments, so that a bad one of those is reported first.
func cmdBlmpop(db *DB, args [][]byte) (Reply, error) {
	keys, end, count, err := parseLmpop(args, 2)
	if err != nil {
		return nil, err
	}
	timeout, err := parseTimeout(args[1])
	if err != nil {
		return nil, err
	}
	key, elems, err := lmpopCore(db, keys, end, count)
	if err != nil {
		return nil, err
	}
	if key == nil {
		return db.blockWait(args, keys, timeout, NullArray{}), nil
	}
	db.propagate([]byte(popName(end)), key, strconv.AppendInt(nil, int64(len(elems)), 10))
	return lmpopReply(key, elems, nil)
}

func cmdBzpopmin(db *DB, args [][]byte) (Reply, error) { return bzpop(db, args, false) }
func cmdBzpopmax(db *DB, args [][]byte) (Reply, error) { return bzpop(db, args, true) }

// bzpop answers BZPOPMIN and BZPOPMAX: the key, the member and its score.
func bzpop(db *DB, args [][]byte, high bool) (Reply, error) {
	timeout, err := parseTimeout(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	keys := args[1 : len(args)-1]
	z, key, err := firstZset(db, keys)
	if err != nil {
		return nil, err
	}
	if z == nil {
		return db.blockWait(args, keys, timeout, NullArray{}), nil
	}
	e := zpop(db, key, z, 1, high)[0]
	db.propagate([]byte(zpopName(high)), clone(key))
	return []Reply{clone(key), memberBytes(e.member), Double(e.score)}, nil
}

func zpopName(high bool) string {
	if high {
		return "ZPOPMAX"
	}
	return "ZPOPMIN"
}

// cmdBzmpop answers BZMPOP timeout numkeys key ... MIN|MAX [COUNT n],
// reading the timeout after the other arguments as BLMPOP does.
func cmdBzmpop(db *DB, args [][]byte) (Reply, error) {
	keys, isMax, count, err := parseZmpop(args[1:])
	if err != nil {
		return nil, err
	}
	timeout, err := parseTimeout(args[1])
	if err != nil {
		return nil, err
	}
	r, err := zmpop(db, keys, isMax, count)
	if err != nil {
		return nil, err
	}
	if _, none := r.(NullArray); none {
		return db.blockWait(args, keys, timeout, NullArray{}), nil
	}
	return r, nil
}
