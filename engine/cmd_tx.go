package engine

import (
	"sync"
	"sync/atomic"
)

// transactionCommands are the transactions group's rows of the command table.
func transactionCommands() []*Command {
	return []*Command{
		{Name: "DISCARD", Group: "transactions", Arity: 1, Flags: NoScript | Loading | Stale | Fast,
			Summary: "Discard all commands issued after MULTI", Since: "2.0.0", Run: cmdDiscard},
		{Name: "EXEC", Group: "transactions", Arity: 1, Flags: NoScript | Loading | Stale,
			Summary: "Execute all commands issued after MULTI", Since: "1.2.0", Run: cmdExec},
		{Name: "MULTI", Group: "transactions", Arity: 1, Flags: NoScript | Loading | Stale | Fast,
			Summary: "Mark the start of a transaction block", Since: "1.2.0", Run: cmdMulti},
		{Name: "UNWATCH", Group: "transactions", Arity: 1, Flags: NoScript | Loading | Stale | Fast,
			Summary: "Forget about all watched keys", Since: "2.2.0", Run: cmdUnwatch},
		{Name: "WATCH", Group: "transactions", Arity: -2, Flags: NoScript | Loading | Stale | Fast, Keys: Keys{1, -1, 1},
			Args: "key [key ...]", Summary: "Watch the given keys to determine execution of the MULTI/EXEC block", Since: "2.2.0", Run: cmdWatch},
	}
}

// Transactions. After MULTI a session queues every command but the few
// that steer the transaction (notQueued), answering QUEUED; EXEC runs the
// queue as one command, under one acquisition of the lock, so no other
// client's command interleaves. A command refused while queueing (unknown,
// wrong arity) aborts the transaction: EXEC answers EXECABORT. WATCH makes
// EXEC answer a null array when a watched key changed — written, deleted,
// flushed or expired — between WATCH and EXEC.

var (
	errMultiNested     = errf("MULTI calls can not be nested")
	errWatchInMulti    = errf("WATCH inside MULTI is not allowed")
	errExecWithoutMult = errf("EXEC without MULTI")
	errDiscardNoMulti  = errf("DISCARD without MULTI")
	errExecAbort       = &Error{Code: "EXECABORT", Msg: "Transaction discarded because of previous errors."}
)

// tx is a session's transaction state.
type tx struct {
	multi   bool        // between MULTI and EXEC/DISCARD
	aborted bool        // a command was refused while queueing
	queue   []queuedCmd // the commands EXEC will run
	pending queuedCmd   // the command being queued, between check and run
	watched []watchedKey
	dirty   atomic.Bool  // a watched key changed; set by other sessions' writes
	inExec  bool         // EXEC is running the queue
	queued  atomic.Int64 // len(queue) in MULTI, -1 outside, for CLIENT LIST
	log     []journaled  // the writes EXEC ran, journaled together when it ends
}

// queuedCmd is a command checked and copied at queueing time.
type queuedCmd struct {
	cmd   *Command
	call  uint16
	flags Flag
	args  [][]byte
}

// journaled is a write as the journal receives it.
type journaled struct {
	db   int
	args [][]byte
}

// watchedKey is a key a session watches. expired records that the key was
// already logically expired at WATCH time, so that its deletion by expiry
// is no change, as in Redis.
type watchedKey struct {
	db      int
	key     string
	expired bool
}

// queueCommand stands in for a command that check decided to queue.
var queueCommand = &Command{Name: "QUEUED"}

// execCommand is EXEC's row, which run must not journal: EXEC journals
// the writes it ran itself.
var execCommand *Command

// notQueued marks the commands that run at once inside MULTI, as Redis's
// processCommand lists them.
func notQueued(c *Command) bool {
	switch c.Name {
	case "EXEC", "DISCARD", "MULTI", "WATCH", "QUIT", "RESET":
		return true
	}
	return false
}

// refused handles a command check refused with err before it ran, as
// Redis's rejectCommand does: inside MULTI it aborts the transaction, so
// that EXEC answers EXECABORT; a refused EXEC, inside MULTI or not,
// discards the transaction (and the watched keys) and answers EXECABORT
// with the reason.
func (s *Session) refused(cmd *Command, err error) error {
	if s.tx.multi {
		s.tx.aborted = true
	}
	if cmd != execCommand {
		return err
	}
	s.discard()
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	// Redis quotes the reason as it would have sent it, without the '-',
	// and its own messages carry no "ERR" of their own.
	reason := e.Msg
	if e.Code != "ERR" {
		reason = e.Error()
	}
	return &Error{Code: "EXECABORT", Msg: "Transaction discarded because of: " + reason}
}

// queueCheck decides what happens to a command sent inside MULTI, after
// check accepted it: all but the notQueued ones are queued.
func (s *Session) queueCheck(cmd *Command, call uint16, flags Flag) (*Command, uint16, Flag, error) {
	if notQueued(cmd) {
		if cmd == execCommand {
			// EXEC takes the write lock even for reads only: they
			// delete the expired keys they find at once, as Redis's
			// do, so that the commands after them see them gone.
			flags |= Write
		}
		return cmd, call, flags, nil
	}
	s.tx.pending = queuedCmd{cmd: cmd, call: call, flags: flags}
	return queueCommand, call, flags, nil
}

// enqueue copies the command queueCheck chose to queue and answers QUEUED.
func (s *Session) enqueue(args [][]byte) Reply {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	buf := make([]byte, 0, n)
	copied := make([][]byte, len(args))
	for i, a := range args {
		buf = append(buf, a...)
		copied[i] = buf[len(buf)-len(a) : len(buf) : len(buf)]
	}
	q := s.tx.pending
	q.args = copied
	s.tx.queue = append(s.tx.queue, q)
	s.tx.queued.Store(int64(len(s.tx.queue)))
	return Status("QUEUED")
}

// discard ends the transaction and forgets the watched keys.
func (s *Session) discard() {
	s.tx.multi, s.tx.aborted = false, false
	s.tx.queued.Store(-1)
	clear(s.tx.queue)
	s.tx.queue = s.tx.queue[:0]
	s.eng.unwatchAll(s)
}

func cmdMulti(db *DB, args [][]byte) (Reply, error) {
	s := db.sess
	if s.tx.multi {
		return nil, errMultiNested
	}
	s.tx.multi = true
	s.tx.queued.Store(0)
	return OK, nil
}

func cmdDiscard(db *DB, args [][]byte) (Reply, error) {
	s := db.sess
	if !s.tx.multi {
		return nil, errDiscardNoMulti
	}
	s.discard()
	return OK, nil
}

func cmdExec(db *DB, args [][]byte) (Reply, error) {
	s, e := db.sess, db.eng
	if !s.tx.multi {
		return nil, errExecWithoutMult
	}
	defer s.discard()
	if s.tx.aborted {
		return nil, errExecAbort
	}
	if s.tx.dirty.Load() || e.watchedExpired(db, s) {
		return NullArray{}, nil
	}
	queue := s.tx.queue
	s.tx.multi = false // commands in the queue run as themselves
	s.tx.queued.Store(-1)
	s.tx.inExec = true
	replies := make([]Reply, len(queue))
	for i, q := range queue {
		r, err := e.run(s, q.cmd, q.call, q.flags, q.args)
		if err != nil {
			if ee, ok := err.(*Error); ok {
				r = ee
			} else {
				r = &Error{Code: "ERR", Msg: err.Error()}
			}
		}
		replies[i] = r
	}
	s.tx.inExec = false
	e.journalExec(s)
	return replies, nil
}

// journalExec hands the writes of an EXEC to the journal: alone when there
// was one, else between MULTI and EXEC, as Redis propagates a transaction.
func (e *Engine) journalExec(s *Session) {
	log := s.tx.log
	defer func() {
		clear(s.tx.log)
		s.tx.log = s.tx.log[:0]
	}()
	if e.journal == nil || len(log) == 0 {
		return
	}
	if len(log) > 1 {
		log = append([]journaled{{db: log[0].db, args: [][]byte{[]byte("MULTI")}}}, log...)
		log = append(log, journaled{db: log[len(log)-1].db, args: [][]byte{[]byte("EXEC")}})
	}
	for _, j := range log {
		if err := e.journal.Append(j.db, j.args); err != nil {
			e.log.Error("journal append failed", "command", "EXEC", "err", err)
			return
		}
	}
}

func cmdWatch(db *DB, args [][]byte) (Reply, error) {
	s := db.sess
	if s.tx.multi {
		return nil, errWatchInMulti
	}
	for _, k := range args[1:] {
		db.eng.watch(db, s, string(k))
	}
	return OK, nil
}

func cmdUnwatch(db *DB, args [][]byte) (Reply, error) {
	db.eng.unwatchAll(db.sess)
	return OK, nil
}

// watchers index the watching sessions by key, for the writes that touch
// them. n counts the watched keys, so that writes skip the index when
// nobody watches.
type watchers struct {
	n    atomic.Int64
	mu   sync.Mutex
	keys map[watchedKey][]*Session // by db and key; expired is always false
}

// watch adds key of db's database to what s watches.
func (e *Engine) watch(db *DB, s *Session, key string) {
	for _, w := range s.tx.watched {
		if w.db == s.db && w.key == key {
			return
		}
	}
	_, exists := db.ks.keys.get(bytesOf(key))
	w := &e.watchers
	w.mu.Lock()
	defer w.mu.Unlock()
	s.tx.watched = append(s.tx.watched, watchedKey{db: s.db, key: key, expired: exists && db.expired(key)})
	if w.keys == nil {
		w.keys = make(map[watchedKey][]*Session)
	}
	k := watchedKey{db: s.db, key: key}
	w.keys[k] = append(w.keys[k], s)
	w.n.Add(1)
}

// unwatchAll forgets every key s watches and clears its dirty mark.
func (e *Engine) unwatchAll(s *Session) {
	s.tx.dirty.Store(false)
	if len(s.tx.watched) == 0 {
		return
	}
	w := &e.watchers
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, wk := range s.tx.watched {
		k := watchedKey{db: wk.db, key: wk.key}
		list := w.keys[k]
		for i, x := range list {
			if x == s {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(w.keys, k)
		} else {
			w.keys[k] = list
		}
		w.n.Add(-1)
	}
	s.tx.watched = s.tx.watched[:0]
}

// touch marks the sessions watching key in database db: their EXEC will
// fail. byExpiry is set when the key is being deleted because it expired;
// that is no change for a session that watched it already expired.
func (e *Engine) touch(db int, key []byte, byExpiry bool) {
	if len(e.blocked) > 0 && !byExpiry {
		e.keyReady(db, key)
	}
	w := &e.watchers
	if w.n.Load() == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.keys[watchedKey{db: db, key: string(key)}] {
		if byExpiry && s.watchedExpired(db, key) {
			continue
		}
		s.tx.dirty.Store(true)
	}
}

// touchDB marks the sessions watching any key of database db for which
// exists is true, as FLUSHDB, FLUSHALL and SWAPDB do.
func (e *Engine) touchDB(db int, exists func(key string) bool) {
	w := &e.watchers
	if w.n.Load() == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, list := range w.keys {
		if k.db != db || !exists(k.key) {
			continue
		}
		for _, s := range list {
			s.tx.dirty.Store(true)
		}
	}
}

// watchedExpired reports whether s watched key already expired.
func (s *Session) watchedExpired(db int, key []byte) bool {
	for _, w := range s.tx.watched {
		if w.db == db && w.key == string(key) {
			return w.expired
		}
	}
	return false
}

// watchedExpired reports whether a key s watched while it was live has
// expired since, which fails EXEC even before anything deleted it.
func (e *Engine) watchedExpired(db *DB, s *Session) bool {
	for _, w := range s.tx.watched {
		if w.expired {
			continue
		}
		ks := e.dbs[w.db]
		if at, ok := ks.expires.get(w.key); ok && at < db.now() {
			return true
		}
	}
	return false
}

// touchKeys marks the watchers of the keys a write command named, in the
// session's database. Commands whose table row names keys they only read
// (the STORE forms) mark their destination themselves with DB.touch.
func (e *Engine) touchKeys(s *Session, cmd *Command, args [][]byte) {
	for _, i := range cmd.KeyArgs(len(args)) {
		e.touch(s.db, args[i], false)
	}
}

// touch marks the sessions watching key as changed. Write commands call
// it for keys their table row does not name; the rest are marked for them.
func (db *DB) touch(key []byte) {
	db.sess.touched = true
	db.eng.touch(db.sess.db, key, false)
}

// touchIn is touch for key in database n, which a command changed from
// another (MOVE, COPY ... DB).
func (db *DB) touchIn(n int, key []byte) {
	db.sess.touched = true
	db.eng.touch(n, key, false)
}

// touchSwap marks the sessions watching a key of database a or b that
// exists in either, before SWAPDB swaps them, as Redis's
// touchAllWatchedKeysInDb does both ways: a watch stays clean only for a
// key in neither database, or for one that had expired when watched and
// that the other database lacks (its deletion is no change).
func (e *Engine) touchSwap(a, b int) {
	w := &e.watchers
	if w.n.Load() == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, list := range w.keys {
		if k.db != a && k.db != b {
			continue
		}
		other := a
		if k.db == a {
			other = b
		}
		_, inOwn := e.dbs[k.db].keys.get(bytesOf(k.key))
		_, inOther := e.dbs[other].keys.get(bytesOf(k.key))
		if !inOwn && !inOther {
			continue
		}
		for _, s := range list {
			if inOther || !s.watchedExpired(k.db, bytesOf(k.key)) {
				s.tx.dirty.Store(true)
			}
		}
	}
}
