package engine

import (
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// RedisVersion is the Redis version whose behaviour PhotonDB follows; INFO
// and HELLO report it so that clients enable the matching features.
const RedisVersion = "7.0.15"

// Journal receives every write command that changed data, in execution
// order, while the write lock is held. The append-only file satisfies it.
// Append must copy what it keeps of args: they may be the caller's read
// buffer, reused for the next command.
type Journal interface {
	Append(db int, args [][]byte) error
}

// Snapshotter writes a point-in-time snapshot somewhere durable. The
// RDB file writer in package persist satisfies it.
type Snapshotter interface {
	Save(s *Snapshot) error
}

// Options configure an Engine. The zero value is usable.
type Options struct {
	Databases   int              // number of databases; 16 when zero
	Now         func() time.Time // clock; time.Now when nil
	Journal     Journal          // optional; an AppendOnlyFile is also flushed, rewritten and reported on
	Snapshotter Snapshotter      // for SAVE and BGSAVE; optional
	Serializer  Serializer       // DUMP and RESTORE's payload format; optional
	Logger      *slog.Logger     // slog.Default() when nil
	Port        int              // reported by INFO server
	ConfigFile  string           // reported by INFO server
	// Shutdown asks the process to shut down, as SHUTDOWN does: stop
	// accepting, finish in-flight commands, save when save is true, exit.
	// It must return at once; nil means SHUTDOWN is refused.
	Shutdown func(save bool) error
	// Background, when set, is told when a background save or rewrite
	// of the append-only file starts (running true) and ends, so the
	// process can give it resources.
	Background func(running bool)
}

// Engine is the database: numbered keyspaces, the lock that makes every
// command atomic, and the counters INFO reports.
type Engine struct {
	mu  sync.RWMutex
	dbs []*keyspace

	now     func() time.Time
	journal Journal
	snap    Snapshotter
	log     *slog.Logger
	opts    Options
	started time.Time

	dirty     atomic.Int64 // changes since the last successful save
	lastSave  atomic.Int64 // unix seconds of the last successful save
	saving    atomic.Bool  // a background save is running
	saveDone  sync.WaitGroup
	lastBgErr atomic.Pointer[error]
	disk      persistence // the append-only file, background jobs, MISCONF; see aof.go
	stats     stats
	nextID    atomic.Int64
	config    params

	base     time.Time                // start, on the monotonic clock: durations, CLIENT LIST's age and idle
	clock    atomic.Int64             // mono, refreshed every millisecond by Run; 0 when Run is not running or idle
	ticked   atomic.Bool              // coarse was read since Run last refreshed clock
	idle     atomic.Bool              // Run let the clock go; the next coarse wakes it through wake
	wake     chan struct{}            // capacity 1
	pass     atomic.Pointer[password] // requirepass; nil when the default user has none
	slowlog  slowlog
	monitors monitors
	watchers watchers                  // WATCHed keys
	pubsub   pubsub                    // SUBSCRIBE and PUBLISH
	blocked  map[watchedKey][]*Session // sessions blocked on each key, longest waiting first; under the write lock
	nblocked atomic.Int64              // blocked sessions, for INFO
	ready    []watchedKey              // keys written since blocked sessions were last served
	ops      opsSampler                // instantaneous_ops_per_sec
	mem      memory                    // accounting, maxmemory and eviction; see memory.go

	notifyFlags atomic.Int32 // notify-keyspace-events as notify* bits; 0 when off, see notify.go
}

type stats struct {
	rejected    atomic.Int64 // connections refused: maxclients, protected mode
	clients     atomic.Int64
	connections atomic.Int64
	expired     atomic.Int64

	mu       sync.Mutex
	sessions map[*Session]struct{}
	closed   counters // of sessions closed already
}

// counters are kept per session, so that concurrent readers never write
// a shared cache line; INFO adds them up.
type counters struct {
	commands atomic.Int64
	hits     atomic.Int64
	misses   atomic.Int64
}

func (c *counters) add(o *counters) {
	c.commands.Add(o.commands.Load())
	c.hits.Add(o.hits.Load())
	c.misses.Add(o.misses.Load())
}

// totals returns the counters of every session, open or closed.
func (st *stats) totals() *counters {
	var t counters
	st.mu.Lock()
	defer st.mu.Unlock()
	t.add(&st.closed)
	for s := range st.sessions {
		t.add(&s.counters)
	}
	return &t
}

// New returns an empty engine.
func New(o Options) *Engine {
	if o.Databases <= 0 {
		o.Databases = 16
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	e := &Engine{
		dbs:     make([]*keyspace, o.Databases),
		now:     o.Now,
		journal: o.Journal,
		snap:    o.Snapshotter,
		log:     o.Logger,
		opts:    o,
		started: o.Now(),
		base:    time.Now(),
		wake:    make(chan struct{}, 1),
	}
	for i := range e.dbs {
		e.dbs[i] = newKeyspace()
	}
	e.stats.sessions = map[*Session]struct{}{}
	e.RegisterConfig(Param{Name: "databases", Get: func() string { return strconv.Itoa(len(e.dbs)) }})
	e.registerAuth()
	e.registerSlowlog()
	e.registerPersistence()
	e.registerMemory()
	e.registerNotify()
	e.lastSave.Store(e.started.Unix())
	return e
}

// mono returns the nanoseconds since the engine started, on the
// monotonic clock, which is cheaper to read than the wall clock.
func (e *Engine) mono() int64 { return int64(time.Since(e.base)) }

// coarseSlowlogMin is the smallest slow-log threshold, in microseconds,
// that the coarse clock serves; below it commands are timed precisely.
const coarseSlowlogMin = 5000

// coarse returns mono as Run last stored it, at most about a millisecond
// old, or mono itself where Run is not running or has let the clock go
// while nobody read it (then it asks Run to keep it again).
func (e *Engine) coarse() int64 {
	if c := e.clock.Load(); c != 0 {
		if !e.ticked.Load() {
			e.ticked.Store(true)
		}
		return c
	}
	if e.idle.Load() && e.idle.CompareAndSwap(true, false) {
		e.wake <- struct{}{}
	}
	return e.mono()
}

// Session is one client's state as the engine sees it: the selected
// database, protocol version, authentication, name, and what CLIENT LIST
// and MONITOR need to know. A Session is used by one goroutine at a time;
// the fields other clients read (CLIENT LIST, CLIENT KILL) are atomic or
// copied into view under mu.
type Session struct {
	eng    *Engine
	id     int64
	db     int
	proto  int
	quit   bool
	authed bool // AUTH succeeded, or no password was set when the client connected or sent RESET
	call   DB   // reused by each command, so Exec does not allocate one

	lastCmd *Command // the last command without subcommands, for resolve

	batchReplies []Reply // reused by ExecBatch
	batchErrs    []error
	sink         uint64   // what ExecBatch's prefetch loaded; only kept
	num          [20]byte // scratch for a decimal integer, see intValue
	bulks        []Bulk   // the *Bulk replies of the running command or run, see DB.bulk
	ints         []Int    // the *Int replies of the running command or run, see DB.int
	elems        [][]byte // the elements of the Bulks replies of the running command or run, see DB.bulks

	created  int64        // Engine.mono when the session began
	last     atomic.Int64 // the last command: Engine.mono in milliseconds << 16 | its callNames index
	monitor  atomic.Bool  // MONITOR is on
	redacted []int        // arguments of the running command that MONITOR and SLOWLOG show as "(redacted)"
	props    [][][]byte   // what the running command journals instead of itself; see DB.propagate
	touched  bool         // the running command marked its changed keys itself; see DB.touch
	newKeys  []newKey     // keys the running command created, for "new" notifications
	lazy     []lazyEvent  // expired keys a read-only command found, to delete under the write lock; see DB.expireFound
	tx       tx           // MULTI and WATCH
	blk      *block       // the blocking command waiting; nil when none
	serving  bool         // its command runs again because a key it waits on is ready
	subs     subscriptions

	mu   sync.Mutex // guards view and conn against readers on other connections
	view clientView // written only by the session's own goroutine
	conn ConnInfo   // where the client is, for CLIENT LIST and the logs

	counters counters
}

// clientView is what CLIENT LIST shows of a session, beyond its atomics.
type clientView struct {
	db, proto        int
	name             string // CLIENT SETNAME; "" for none
	libName, libVer  string // CLIENT SETINFO
	noEvict, noTouch bool
}

// NewSession returns the state for a new client, counted in INFO clients.
// Like Redis, a client that connects while no password is set is
// authenticated for good: setting one later does not log it out.
func (e *Engine) NewSession() *Session {
	e.stats.clients.Add(1)
	e.stats.connections.Add(1)
	s := &Session{eng: e, id: e.nextID.Add(1), proto: 2, authed: e.pass.Load() == nil, created: e.mono()}
	s.view.proto = 2
	s.last.Store(s.created / 1e6 << 16)
	s.tx.queued.Store(-1)
	e.stats.mu.Lock()
	e.stats.sessions[s] = struct{}{}
	e.stats.mu.Unlock()
	return s
}

// ConnInfo describes a client's connection. The server fills it in.
type ConnInfo struct {
	Addr      string // the client's address, "ip:port"
	LocalAddr string // the server's address the client reached
	Kill      func() // closes the connection, for CLIENT KILL; may be nil
	// Push delivers an out-of-band reply (a MONITOR line, later pub/sub
	// messages) to the connection without waiting for it to be written;
	// may be nil where the connection cannot take pushes.
	Push func(r Reply)
	// Reset clears what the server keeps for the connection (a MULTI
	// queue, subscriptions) when the client sends RESET; may be nil.
	Reset func()
	// WatchClosed runs while a blocking command waits, on a goroutine of
	// its own: it sends the replies written so far, then returns true as
	// soon as it sees the client close the connection, or false once stop
	// is closed. May be nil.
	WatchClosed func(stop <-chan struct{}) bool
}

// SetConn records where the client is connected from.
func (s *Session) SetConn(c ConnInfo) {
	s.mu.Lock()
	s.conn = c
	s.mu.Unlock()
}

// Close releases the session.
func (s *Session) Close() {
	e := s.eng
	e.stopMonitor(s)
	e.unwatchAll(s)
	e.unsubscribeAll(s)
	st := &e.stats
	st.clients.Add(-1)
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.sessions[s]; ok {
		delete(st.sessions, s)
		st.closed.add(&s.counters)
	}
}

// Proto returns the protocol version the client chose with HELLO: 2 or 3.
func (s *Session) Proto() int { return s.proto }

// DB returns the selected database's number.
func (s *Session) DB() int { return s.db }

// Subscribed reports whether the client has any pub/sub subscription.
func (s *Session) Subscribed() bool { return s.subs.n.Load() > 0 }

// ID returns the client's unique id.
func (s *Session) ID() int64 { return s.id }

// Quitting reports whether the connection is to be closed once the
// reply is written: the client sent QUIT or SHUTDOWN, or killed itself
// with CLIENT KILL.
func (s *Session) Quitting() bool { return s.quit }

// PushMode reports whether the client is in a mode where the server
// pushes to it unasked (MONITOR), which exempts it from the idle timeout.
func (s *Session) PushMode() bool { return s.monitor.Load() || s.subs.n.Load() > 0 }

// Exec runs one command for a session. args[0] is the command name; the
// slices are only read, and not retained after Exec returns. A returned
// error is an *Error for everything a client did wrong.
//
// As Redis does, Exec refuses an unknown command or subcommand and a
// wrong argument count first, then a client that has not authenticated.
func (e *Engine) Exec(s *Session, args [][]byte) (Reply, error) {
	cmd, call, flags, err := e.check(s, args)
	if err != nil {
		return nil, err
	}
	s.recycle()
	if flags&Write == 0 {
		r, err := e.runRead(s, cmd, call, flags, args)
		if len(s.lazy) > 0 {
			e.expireLazy(s)
		}
		if e.disk.aof != nil {
			e.awaitSync()
		}
		return r, err
	}
	e.mu.Lock()
	r, err := e.run(s, cmd, call, flags, args)
	if e.disk.aof != nil {
		e.flushAOF()
		e.awaitSync() // under the lock: Exec serves one client, and need not share syncs
	}
	e.mu.Unlock()
	if br, blocked := r.(blockedReply); blocked {
		return e.waitBlocked(s, br.b)
	}
	return r, err
}

// runRead runs a read-only command under the read lock. Expired keys it
// found are left on the session for expireLazy, which the caller runs
// once the lock is released and before the reply leaves.
func (e *Engine) runRead(s *Session, cmd *Command, call uint16, flags Flag, args [][]byte) (Reply, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.run(s, cmd, call, flags, args)
}

// ExecBatch runs a client's pipelined commands in order, as Exec would
// one by one, and passes each reply to out, after releasing the lock; it
// stops after a command that makes the session quit. Consecutive
// commands that take the same lock run under one acquisition of it, as
// Redis runs all of a client's buffered commands before it serves
// another client, and the slots and records of their keys are fetched
// into the cache together before the first runs, so that their cache
// misses overlap instead of following one another. HELLO and RESET run
// alone, since out encodes a reply in the protocol in force when it is
// called: the replies before them must go out before they switch it. A
// read that found expired keys ends its run: they are deleted (see
// expireLazy) after the replies before it went out and before its own,
// so that the commands after it see them gone, and a client subscribed
// to its own keyspace events gets "expired" before the reply, as from
// Redis.
func (e *Engine) ExecBatch(s *Session, cmds [][][]byte, out func(Reply, error)) {
	if len(cmds) == 0 {
		return
	}
	cmd, call, flags, err := e.check(s, cmds[0])
	for i := 0; i < len(cmds) && !s.quit; {
		if err != nil {
			out(nil, err)
			if i++; i < len(cmds) {
				cmd, call, flags, err = e.check(s, cmds[i])
			}
			continue
		}
		write := flags&Write != 0
		if write {
			e.mu.Lock()
		} else {
			e.mu.RLock()
		}
		s.sink += e.dbs[s.db].keys.prefetch(cmds[i:])
		s.recycle()
		replies, errs := s.batchReplies[:0], s.batchErrs[:0]
		blocked := false
		for {
			r, rerr := e.run(s, cmd, call, flags, cmds[i])
			replies, errs = append(replies, r), append(errs, rerr)
			i++
			_, blocked = r.(blockedReply)
			if i == len(cmds) || s.quit || len(replies) == maxBatchRun || blocked || cmd.switchesProto || len(s.lazy) > 0 {
				err = nil
				if i < len(cmds) && !s.quit {
					cmd, call, flags, err = e.check(s, cmds[i])
				}
				break
			}
			// The next command is checked once, here: it joins this run
			// when it may run and takes the same lock, else it starts the
			// next one.
			if cmd, call, flags, err = e.check(s, cmds[i]); err != nil || (flags&Write != 0) != write || cmd.switchesProto {
				break
			}
		}
		if write {
			if e.disk.aof != nil {
				e.flushAOF()
			}
			e.mu.Unlock()
		} else {
			e.mu.RUnlock()
		}
		if e.disk.aof != nil {
			e.awaitSync()
		}
		n := len(replies)
		lazy := len(s.lazy) > 0
		if blocked || lazy {
			n-- // the run ends with a command that waits or found expired keys: answer it last
		}
		for j := range n {
			out(replies[j], errs[j])
			replies[j], errs[j] = nil, nil
		}
		if lazy {
			e.expireLazy(s)
			out(replies[n], errs[n])
			replies[n], errs[n] = nil, nil
		}
		if blocked {
			out(e.waitBlocked(s, replies[n].(blockedReply).b))
			replies[n], errs[n] = nil, nil
		}
		if cap(replies) != cap(s.batchReplies) || cap(errs) != cap(s.batchErrs) {
			// Kept for the next run only when append grew them: storing
			// a pointer costs a write barrier while the collector marks.
			s.batchReplies, s.batchErrs = replies, errs
		}
	}
}

// maxBatchRun bounds how many commands of one client run under one
// acquisition of the lock, so that others wait at most that long.
const maxBatchRun = 64

// check resolves a command and decides whether the session may run it.
func (e *Engine) check(s *Session, args [][]byte) (cmd *Command, call uint16, flags Flag, err error) {
	if len(args) == 0 {
		return nil, 0, 0, errUnknownCommand([][]byte{nil})
	}
	cmd, sub, err := s.resolve(args)
	switch {
	case sub != nil:
		call, flags = sub.call, cmd.Flags|sub.Flags
	case cmd != nil:
		call, flags = cmd.call, cmd.Flags
	}
	switch {
	case err != nil:
	case !s.authed && flags&NoAuth == 0 && e.pass.Load() != nil:
		err = ErrNoAuth
	case s.monitor.Load() && readsKeyspace(cmd):
		err = ErrMonitorKeyspace
	case s.subs.n.Load() > 0 && s.proto == 2 && !allowedSubscribed(cmd):
		err = subscribedOnly(callNames[call])
	case e.disk.trouble.Load() && (flags&Write != 0 || cmd.Name == "PING"):
		err = e.writeDenied() // MISCONF while saving to disk fails
	case flags&DenyOOM != 0 && e.overLimit() && e.mem.policy.Load() == policyNoeviction:
		// As Redis's processCommand: refused before it runs. Under
		// the other policies run evicts first, and refuses only when
		// nothing could be evicted.
		err = ErrOOM
	}
	if err != nil {
		s.ran(call, e.coarse())
		return cmd, call, flags, s.refused(cmd, err)
	}
	if s.tx.multi {
		return s.queueCheck(cmd, call, flags)
	}
	return cmd, call, flags, nil
}

// run runs a checked command; the caller holds the lock its flags ask
// for. A write that changed data is journaled.
func (e *Engine) run(s *Session, cmd *Command, call uint16, flags Flag, args [][]byte) (Reply, error) {
	if cmd == queueCommand {
		return s.enqueue(args), nil
	}
	s.counters.commands.Add(1)
	write := flags&Write != 0
	var before int64
	db := s.db
	if write {
		before = e.dirty.Load()
	}
	if write && e.mem.max.Load() > 0 && cmd != execCommand {
		if err := e.freeMemory(s.prepare(true), flags); err != nil {
			s.ran(call, e.coarse())
			return nil, err
		}
		before = e.dirty.Load() // evictions are journaled on their own
	}
	r, err := e.call(s, cmd, call, flags, args, write)
	if write && err == nil && cmd != execCommand {
		e.afterWrite(&s.call, cmd, args)
	}
	if write && err == nil && e.dirty.Load() != before && cmd != execCommand {
		if e.journal != nil {
			e.journalWrite(s, db, cmd, args)
		}
		if !s.touched && (e.watchers.n.Load() > 0 || len(e.blocked) > 0) {
			e.touchKeys(s, cmd, args)
		}
		if e.notifyFlags.Load() != 0 {
			e.notifyCommand(s, db, cmd, args, r)
		}
	}
	s.touched = false
	if len(s.newKeys) > 0 { // created by a command that then failed
		s.newKeys = s.newKeys[:0]
	}
	if len(e.ready) > 0 && !s.serving && !s.tx.inExec {
		e.serveBlocked()
	}
	if len(s.props) > 0 {
		s.props = s.props[:0]
	}
	if s.db != s.view.db || s.proto != s.view.proto {
		s.publish()
	}
	if len(s.redacted) > 0 {
		s.redacted = s.redacted[:0]
	}
	return r, err
}

// journalWrite hands a write to the journal: the command as it ran, or
// what it chose to propagate instead.
func (e *Engine) journalWrite(s *Session, db int, cmd *Command, args [][]byte) {
	if s.tx.inExec {
		if len(s.props) == 0 {
			s.tx.log = append(s.tx.log, journaled{db: db, args: args})
		}
		for _, p := range s.props {
			s.tx.log = append(s.tx.log, journaled{db: db, args: p})
		}
		return
	}
	if len(s.props) == 0 {
		if err := e.journal.Append(db, args); err != nil {
			e.log.Error("journal append failed", "command", cmd.Name, "err", err)
		}
		return
	}
	for _, p := range s.props {
		if err := e.journal.Append(db, p); err != nil {
			e.log.Error("journal append failed", "command", cmd.Name, "err", err)
			return
		}
	}
}

// resolve is resolve with a one-entry cache of the session's last plain
// command: clients repeat commands, and comparing a name is cheaper than
// hashing it.
func (s *Session) resolve(args [][]byte) (*Command, *Subcommand, error) {
	if c := s.lastCmd; c != nil && equalFold(args[0], c.Name) && c.ArityOK(len(args)) {
		return c, nil, nil
	}
	cmd, sub, err := resolve(args)
	if err == nil && cmd != nil && cmd.Subcommands == nil {
		s.lastCmd = cmd
	}
	return cmd, sub, err
}

func resolve(args [][]byte) (cmd *Command, sub *Subcommand, err error) {
	cmd = lookupBytes(args[0])
	if cmd == nil {
		return nil, nil, errUnknownCommand(args)
	}
	if !cmd.ArityOK(len(args)) {
		return cmd, nil, errWrongArgs(cmd.Name)
	}
	if cmd.Subcommands == nil || len(args) < 2 {
		return cmd, nil, nil
	}
	if sub = cmd.subcommand(args[1]); sub == nil {
		return nil, nil, errSubcommand(cmd.Name, args[1])
	}
	if !sub.ArityOK(len(args)) {
		return cmd, sub, errWrongArgs(cmd.Name + "|" + sub.Name)
	}
	return cmd, sub, nil
}

// call runs a command's handler with the lock held, records it as the
// session's last command, and shows it to SLOWLOG and MONITOR. That
// costs one reading of the monotonic clock, two while the slow log is
// on (as it is by default), and one atomic load for MONITOR.
func (e *Engine) call(s *Session, cmd *Command, call uint16, flags Flag, args [][]byte, write bool) (Reply, error) {
	// The clock is read twice a command only when the slow log wants
	// microseconds; for the default threshold (10 ms) the coarse clock,
	// which Run keeps to the millisecond, tells slow from fast at the cost
	// of an atomic load (a clock read costs 25-35 ns on this VM, a fifth
	// of a GET).
	slower := e.slowlog.slowerThan.Load()
	precise := slower >= 0 && slower < coarseSlowlogMin
	var start int64
	if precise {
		start = e.mono()
	} else {
		start = e.coarse()
	}
	r, err := cmd.Run(s.prepare(write), args)
	end := start
	if precise {
		end = e.mono()
	} else {
		end = e.coarse()
	}
	s.ran(call, end)
	// As in Redis, the threshold after the command decides, so that
	// CONFIG SET turning the log off is not logged. A command that
	// turned it on was not timed, and is logged as taking no time.
	if after := e.slowlog.slowerThan.Load(); after >= 0 {
		micros := int64(0)
		if slower >= 0 {
			micros = (end - start) / 1e3
		}
		e.slowlog.record(e, s, args, micros, after)
	}
	if e.monitors.n.Load() > 0 && flags&Admin == 0 {
		e.feedMonitors(s, args)
	}
	return r, err
}

// ran records the session's last command (its callNames index) and when
// it ran (Engine.mono), for CLIENT LIST's cmd= and idle=.
func (s *Session) ran(call uint16, mono int64) { s.last.Store(mono/1e6<<16 | int64(call)) }

// recycle lets the session reuse what its replies were held in (see
// DB.bulk, DB.int and DB.bulks): the replies of its last command or run
// have been written. The array elements are cleared, so that they keep
// no list alive that has since been deleted.
func (s *Session) recycle() {
	s.bulks = s.bulks[:0]
	s.ints = s.ints[:0]
	if len(s.elems) > 0 {
		clear(s.elems)
		s.elems = s.elems[:0]
	}
}

// prepare returns the session's DB handle, set for a command about to
// run. Its pointers are stored only when the keyspace changed: while the
// garbage collector marks, each store of a pointer costs a write barrier,
// and storing the whole handle took 8% of an INCR's time.
func (s *Session) prepare(write bool) *DB {
	c := &s.call
	if ks := s.eng.dbs[s.db]; c.ks != ks {
		*c = DB{eng: s.eng, sess: s, ks: ks}
	}
	c.nowMs, c.write, c.slot = 0, write, 0
	return c
}

// publish copies the database and protocol, which SELECT, HELLO and
// RESET change without the session's lock, to where CLIENT LIST on other
// connections reads them.
func (s *Session) publish() {
	s.mu.Lock()
	s.view.db, s.view.proto = s.db, s.proto
	s.mu.Unlock()
}

// redact hides argument i of the running command from MONITOR and
// SLOWLOG, as Redis hides passwords.
func (s *Session) redact(i int) { s.redacted = append(s.redacted, i) }

// CountRejected counts a connection the server refused, for INFO's
// rejected_connections.
func (e *Engine) CountRejected() { e.stats.rejected.Add(1) }

// Dirty returns the number of changes since the last successful save.
func (e *Engine) Dirty() int64 { return e.dirty.Load() }

// LastSave returns the time of the last successful save (or of start).
func (e *Engine) LastSave() time.Time { return time.Unix(e.lastSave.Load(), 0) }
