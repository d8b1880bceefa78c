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
	Journal     Journal          // optional
	Snapshotter Snapshotter      // for SAVE and BGSAVE; optional
	Logger      *slog.Logger     // slog.Default() when nil
	Port        int              // reported by INFO server
	ConfigFile  string           // reported by INFO server
	// Shutdown asks the process to shut down, as SHUTDOWN does: stop
	// accepting, finish in-flight commands, save when save is true, exit.
	// It must return at once; nil means SHUTDOWN is refused.
	Shutdown func(save bool) error
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
	stats     stats
	nextID    atomic.Int64
	config    params
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
	}
	for i := range e.dbs {
		e.dbs[i] = newKeyspace()
	}
	e.stats.sessions = map[*Session]struct{}{}
	e.RegisterConfig(Param{Name: "databases", Get: func() string { return strconv.Itoa(len(e.dbs)) }})
	e.lastSave.Store(e.started.Unix())
	return e
}

// Session is one client's state as the engine sees it: the selected
// database and protocol version. A Session is used by one goroutine at a
// time.
type Session struct {
	eng   *Engine
	id    int64
	db    int
	proto int
	name  string
	quit  bool
	call  DB // reused by each command, so Exec does not allocate one

	conn ConnInfo // where the client is, for CLIENT LIST and the logs

	counters counters
}

// NewSession returns the state for a new client, counted in INFO clients.
func (e *Engine) NewSession() *Session {
	e.stats.clients.Add(1)
	e.stats.connections.Add(1)
	s := &Session{eng: e, id: e.nextID.Add(1), proto: 2}
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
}

// SetConn records where the client is connected from.
func (s *Session) SetConn(c ConnInfo) { s.conn = c }

// Close releases the session.
func (s *Session) Close() {
	st := &s.eng.stats
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

// ID returns the client's unique id.
func (s *Session) ID() int64 { return s.id }

// Quitting reports whether the client sent QUIT: the caller writes the
// reply, then closes the connection.
func (s *Session) Quitting() bool { return s.quit }

// Exec runs one command for a session. args[0] is the command name; the
// slices are only read, and not retained after Exec returns. A returned
// error is an *Error for everything a client did wrong.
func (e *Engine) Exec(s *Session, args [][]byte) (Reply, error) {
	if len(args) == 0 {
		return nil, errUnknownCommand([][]byte{nil})
	}
	cmd := lookupBytes(args[0])
	if cmd == nil {
		return nil, errUnknownCommand(args)
	}
	if !cmd.ArityOK(len(args)) {
		return nil, errWrongArgs(cmd.Name)
	}
	s.counters.commands.Add(1)
	if cmd.Flags&Write == 0 {
		e.mu.RLock()
		defer e.mu.RUnlock()
		return cmd.Run(s.prepare(false), args)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	before := e.dirty.Load()
	db := s.db
	r, err := cmd.Run(s.prepare(true), args)
	if err == nil && e.journal != nil && e.dirty.Load() != before {
		if jerr := e.journal.Append(db, args); jerr != nil {
			e.log.Error("journal append failed", "command", cmd.Name, "err", jerr)
		}
	}
	return r, err
}

func (s *Session) prepare(write bool) *DB {
	e := s.eng
	s.call = DB{eng: e, sess: s, ks: e.dbs[s.db], write: write}
	return &s.call
}

// CountRejected counts a connection the server refused, for INFO's
// rejected_connections.
func (e *Engine) CountRejected() { e.stats.rejected.Add(1) }

// Dirty returns the number of changes since the last successful save.
func (e *Engine) Dirty() int64 { return e.dirty.Load() }

// LastSave returns the time of the last successful save (or of start).
func (e *Engine) LastSave() time.Time { return time.Unix(e.lastSave.Load(), 0) }
