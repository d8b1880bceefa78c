package engine

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// serverCommands are the server group's rows of the command table.
func serverCommands() []*Command {
	return []*Command{
		{Name: "BGREWRITEAOF", Group: "server", Arity: 1, Flags: ReadOnly | Admin | NoScript,
			Summary: "Asynchronously rewrite the append-only file", Since: "1.0.0", Run: cmdBgrewriteaof},
		{Name: "BGSAVE", Group: "server", Arity: -1, Flags: ReadOnly | Admin | NoScript,
			Args: "[SCHEDULE]", Summary: "Asynchronously save the dataset to disk", Since: "1.0.0", Run: cmdBgsave},
		{Name: "COMMAND", Group: "server", Arity: -1, Flags: ReadOnly | Loading | Stale,
			Args: "[COUNT|DOCS [command-name ...]|INFO [command-name ...]|LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern]|GETKEYS command [arg ...]|GETKEYSANDFLAGS command [arg ...]]", Summary: "Get array of Redis command details", Since: "2.8.13", Run: cmdCommand,
			Subcommands: []*Subcommand{
				{Name: "COUNT", Arity: 2},
				{Name: "DOCS", Arity: -2},
				{Name: "GETKEYS", Arity: -4},
				{Name: "GETKEYSANDFLAGS", Arity: -4},
				{Name: "HELP", Arity: 2},
				{Name: "INFO", Arity: -2},
				{Name: "LIST", Arity: -2},
			}},
		{Name: "CONFIG", Group: "server", Arity: -2, Flags: ReadOnly | Loading | Stale,
			Args: "GET parameter [parameter ...]|SET parameter value [parameter value ...]|RESETSTAT", Summary: "A container for server configuration commands", Since: "2.0.0", Run: cmdConfig,
			Subcommands: []*Subcommand{
				{Name: "GET", Arity: -3, Flags: Admin | NoScript},
				{Name: "HELP", Arity: 2},
				{Name: "RESETSTAT", Arity: 2, Flags: Admin | NoScript},
				{Name: "SET", Arity: -4, Flags: Admin | NoScript},
			}},
		{Name: "DBSIZE", Group: "server", Arity: 1, Flags: ReadOnly | Fast,
			Summary: "Return the number of keys in the selected database", Since: "1.0.0", Run: cmdDbsize},
		{Name: "FLUSHALL", Group: "server", Arity: -1, Flags: Write,
			Args: "[ASYNC|SYNC]", Summary: "Remove all keys from all databases", Since: "1.0.0", Run: cmdFlushall},
		{Name: "FLUSHDB", Group: "server", Arity: -1, Flags: Write,
			Args: "[ASYNC|SYNC]", Summary: "Remove all keys from the current database", Since: "1.0.0", Run: cmdFlushdb},
		{Name: "INFO", Group: "server", Arity: -1, Flags: ReadOnly | Loading | Stale,
			Args: "[section [section ...]]", Summary: "Get information and statistics about the server", Since: "1.0.0", Run: cmdInfo},
		{Name: "LASTSAVE", Group: "server", Arity: 1, Flags: ReadOnly | Fast | Loading | Stale,
			Summary: "Get the UNIX time stamp of the last successful save to disk", Since: "1.0.0", Run: cmdLastsave},
		{Name: "MONITOR", Group: "server", Arity: 1, Flags: ReadOnly | Admin | NoScript | Loading | Stale,
			Summary: "Listen for all requests received by the server in real time", Since: "1.0.0", Run: cmdMonitor},
		{Name: "SAVE", Group: "server", Arity: 1, Flags: ReadOnly | Admin | NoScript,
			Summary: "Synchronously save the dataset to disk", Since: "1.0.0", Run: cmdSave},
		{Name: "SHUTDOWN", Group: "server", Arity: -1, Flags: ReadOnly | Admin | NoScript | Loading | Stale,
			Args: "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]", Summary: "Synchronously save the dataset to disk and then shut down the server", Since: "1.0.0", Run: cmdShutdown},
		{Name: "SLOWLOG", Group: "server", Arity: -2, Flags: ReadOnly | Loading | Stale,
			Args: "GET [count]|LEN|RESET|HELP", Summary: "A container for slow log commands", Since: "2.2.12", Run: cmdSlowlog,
			Subcommands: []*Subcommand{
				{Name: "GET", Arity: -2, Flags: Admin},
				{Name: "HELP", Arity: 2},
				{Name: "LEN", Arity: 2, Flags: Admin},
				{Name: "RESET", Arity: 2, Flags: Admin},
			}},
		{Name: "TIME", Group: "server", Arity: 1, Flags: ReadOnly | Fast | Loading | Stale,
			Summary: "Return the current server time", Since: "2.6.0", Run: cmdTime},
	}
}

func cmdPing(db *DB, args [][]byte) (Reply, error) {
	if len(args) > 2 {
		return nil, errWrongArgs("ping") // before the subscribed form, as in Redis
	}
	if s := db.sess; s.proto == 2 && s.subs.n.Load() > 0 {
		// A subscribed RESP2 client tells replies from messages by shape.
		msg := []byte{}
		if len(args) == 2 {
			msg = clone(args[1])
		}
		return Bulks{[]byte("pong"), msg}, nil
	}
	if len(args) == 1 {
		return Pong, nil
	}
	return clone(args[1]), nil
}

func cmdEcho(db *DB, args [][]byte) (Reply, error) { return clone(args[1]), nil }

func cmdQuit(db *DB, args [][]byte) (Reply, error) {
	db.sess.quit = true
	return OK, nil
}

func cmdSelect(db *DB, args [][]byte) (Reply, error) {
	n, ok := parseInt(args[1])
	switch {
	case !ok:
		return nil, ErrNotInteger
	case n < math.MinInt32 || n > math.MaxInt32:
		return nil, errIntRange
	case n < 0 || n >= int64(len(db.eng.dbs)):
		return nil, ErrDBIndex
	}
	db.sess.db = int(n)
	return OK, nil
}

// cmdHello answers HELLO [protover [AUTH user pass] [SETNAME name]]. As
// in Redis, it acts on each option in turn and stops at the first that
// fails (a wrong password, a bad name, an unknown option), keeping what
// the ones before it did; then it refuses a client that still has not
// authenticated, and switches the protocol only when all that succeeded.
// Options are matched as Redis's strcasecmp matches them, up to a NUL byte.
func cmdHello(db *DB, args [][]byte) (Reply, error) {
	s := db.sess
	proto := s.proto
	if len(args) > 1 {
		v, ok := parseInt(args[1])
		if !ok {
			return nil, errf("Protocol version is not an integer or out of range")
		}
		if v < 2 || v > 3 {
			return nil, &Error{Code: "NOPROTO", Msg: "unsupported protocol version"}
		}
		proto = int(v)
	}
	for j := 2; j < len(args); j++ {
		more := len(args) - j - 1
		switch {
		case equalFoldC(args[j], "AUTH") && more >= 2:
			s.redact(j + 1)
			s.redact(j + 2)
			if !db.eng.authenticate(args[j+1], args[j+2]) {
				return nil, ErrWrongPass
			}
			s.authed = true
			j += 2
		case equalFoldC(args[j], "SETNAME") && more >= 1:
			if err := s.setName(args[j+1]); err != nil {
				return nil, err
			}
			j++
		default:
			return nil, errf(oneLine("Syntax error in HELLO option '" + quote(args[j]) + "'"))
		}
	}
	if !s.authed && db.eng.RequiresAuth() {
		return nil, ErrHelloNoAuth
	}
	s.proto = proto
	return Map{
		[]byte("server"), []byte("redis"),
		[]byte("version"), []byte(RedisVersion),
		[]byte("proto"), int64(proto),
		[]byte("id"), s.id,
		[]byte("mode"), []byte("standalone"),
		[]byte("role"), []byte("master"),
		[]byte("modules"), []Reply{},
	}, nil
}

func cmdDbsize(db *DB, args [][]byte) (Reply, error) { return int64(db.ks.size()), nil }

func cmdTime(db *DB, args [][]byte) (Reply, error) {
	t := db.eng.now()
	return []Reply{
		strconv.AppendInt(nil, t.Unix(), 10),
		strconv.AppendInt(nil, int64(t.Nanosecond()/1000), 10),
	}, nil
}

func flushMode(args [][]byte) error {
	if len(args) > 2 || (len(args) == 2 && !equalFold(args[1], "ASYNC") && !equalFold(args[1], "SYNC")) {
		return ErrSyntax
	}
	return nil
}

func cmdFlushdb(db *DB, args [][]byte) (Reply, error) {
	if err := flushMode(args); err != nil {
		return nil, err
	}
	db.changed(int64(db.ks.size()))
	db.eng.touchDB(db.sess.db, db.ks.exists)
	*db.ks = *newKeyspace()
	return OK, nil
}

func cmdFlushall(db *DB, args [][]byte) (Reply, error) {
	if err := flushMode(args); err != nil {
		return nil, err
	}
	var n int64
	for i, ks := range db.eng.dbs {
		db.eng.touchDB(i, ks.exists)
		n += int64(ks.size())
		*ks = *newKeyspace()
	}
	// Redis counts FLUSHALL as at least one change, so it is journaled
	// and saved even when the databases were already empty.
	db.changed(max(n, 1))
	return OK, nil
}

func cmdLastsave(db *DB, args [][]byte) (Reply, error) { return db.eng.lastSave.Load(), nil }

func cmdSave(db *DB, args [][]byte) (Reply, error) {
	e := db.eng
	if e.saving.Load() {
		return nil, ErrSaveInProgress
	}
	if err := e.saveLocked(); err != nil {
		var ee *Error
		if errors.As(err, &ee) {
			return nil, ee
		}
		e.log.Error("save failed", "err", err)
		return nil, errSaveFailed
	}
	return OK, nil
}

// cmdBgsave answers BGSAVE [SCHEDULE] as Redis 7.0 does: a save already
// running is an error even with SCHEDULE, which only waits for a rewrite
// of the append-only file.
func cmdBgsave(db *DB, args [][]byte) (Reply, error) {
	schedule := false
	if len(args) == 2 && equalFold(args[1], "SCHEDULE") {
		schedule = true
	} else if len(args) > 1 {
		return nil, ErrSyntax
	}
	e := db.eng
	err := e.bgsaveLocked()
	switch {
	case errors.Is(err, ErrRewriteRunning) && schedule:
		e.disk.bgsaveScheduled.Store(true)
		return Status("Background saving scheduled"), nil
	case err != nil:
		var ee *Error
		if errors.As(err, &ee) {
			return nil, ee
		}
		e.log.Error("Can't save in background", "err", err)
		return nil, errSaveFailed
	}
	return Status("Background saving started"), nil
}

// Saving. SAVE writes the live keyspaces while its read lock keeps
// writers out; BGSAVE copies them under the lock and writes the copy in a
// goroutine.

// Save writes a snapshot now, holding the read lock while it writes. The
// shell calls it on exit and the server on shutdown.
func (e *Engine) Save() error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.saveLocked()
}

// saveLocked writes a snapshot of the live data. As in Redis, its
// success clears a failed background save's status (and MISCONF with
// it), and its failure leaves that status alone.
func (e *Engine) saveLocked() error {
	if e.snap == nil {
		return ErrNoSnapshotter
	}
	dirty := e.dirty.Load()
	e.disk.saves.Add(1)
	s := &Snapshot{Time: e.now(), dbs: e.dbs}
	if err := e.snap.Save(s); err != nil {
		return err
	}
	e.lastBgErr.Store(nil)
	e.saved(dirty, s)
	return nil
}

// BGSave starts a background save unless one is running.
func (e *Engine) BGSave() error {
	e.warmSlots()
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.bgsaveLocked()
}

// bgsaveLocked starts a background save unless a save or a rewrite of the
// append-only file runs. A failed save is logged, shown in INFO and,
// with stop-writes-on-bgsave-error, refuses writes until a save succeeds.
func (e *Engine) bgsaveLocked() error {
	if e.snap == nil {
		return ErrNoSnapshotter
	}
	d := &e.disk
	d.jobs.Lock()
	switch {
	case e.saving.Load():
		d.jobs.Unlock()
		return ErrSaveInProgress
	case d.rewriting.Load():
		d.jobs.Unlock()
		return ErrRewriteRunning
	}
	e.saving.Store(true)
	d.jobs.Unlock()
	dirty := e.dirty.Load()
	s := e.timedSnapshot()
	s.pace = e.pacer()
	start := time.Now()
	d.bgsaveStart.Store(e.now().Unix())
	d.saves.Add(1)
	e.saveDone.Add(1)
	if e.opts.Background != nil {
		e.opts.Background(true)
	}
	go func() {
		backgroundThread()
		defer e.saveDone.Done()
		defer e.saving.Store(false)
		if e.opts.Background != nil {
			defer e.opts.Background(false)
		}
		err := e.snap.Save(s)
		d.recycle(s)
		d.lastBgsaveSecs.Store(int64(time.Since(start) / time.Second))
		if err != nil {
			e.lastBgErr.Store(&err)
			d.trouble.Store(true)
			e.log.Error("Background saving error", "err", err)
			return
		}
		e.lastBgErr.Store(nil)
		e.saved(dirty, s)
		e.log.Info("Background saving terminated with success", "changes", dirty)
	}()
	return nil
}

// saved records a successful save of a snapshot taken when dirty changes
// were pending; changes made since then still count.
func (e *Engine) saved(dirty int64, s *Snapshot) {
	e.dirty.Add(-dirty)
	e.lastSave.Store(s.Time.Unix())
}

// WaitSaves waits for a running background save, or rewrite of the
// append-only file, to finish.
func (e *Engine) WaitSaves() { e.saveDone.Wait() }

// Saving reports whether a background save is running.
func (e *Engine) Saving() bool { return e.saving.Load() }

func helpReply(cmd string, lines ...string) Reply {
	out := []Reply{Status(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")}
	for _, l := range lines {
		out = append(out, Status(l))
	}
	out = append(out, Status("HELP"), Status("    Prints this help."))
	return out
}
