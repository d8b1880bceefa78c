package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// AppendOnlyFile is the append-only file as the engine drives it. The
// AOF in package persist satisfies it; Options.Journal takes it.
//
// Append collects a write; Flush writes out what was collected. The
// engine calls Flush once after a run of writes, still holding the write
// lock. Under appendfsync always, no reply leaves before the writes it
// may have seen are synced: after releasing the lock, the engine waits in
// Sync, where one sync serves every client waiting, as Redis's one fsync
// an event loop serves every client of that loop.
type AppendOnlyFile interface {
	Journal
	// Flush writes what Append collected since the last Flush. It returns
	// the position the file must be synced to before the replies of these
	// writes (and of reads that see them) leave, 0 when the policy asks
	// for no such wait; and the file's trouble: the error of a failed
	// write or sync, until one succeeds again.
	Flush() (syncTo int64, err error)
	// Sync returns once the file is synced up to pos, syncing it unless
	// a sync already running covers pos.
	Sync(pos int64)
	// Rewrite starts writing a new file from s in the background. The
	// engine calls it with its lock held, in the same hold in which it
	// took s, so every Append after the call belongs after s. done is
	// called once, from another goroutine, when the rewrite ends; an
	// error wrapping context.Canceled means it was called off.
	Rewrite(s *Snapshot, done func(error)) error
	// Status reports the file's state for INFO, MISCONF and the schedule.
	Status() AOFStatus
}

// AOFStatus is the state of the append-only file.
type AOFStatus struct {
	Enabled    bool  // appendonly yes: logging, or waiting for the rewrite that starts it
	Size       int64 // bytes in the file
	BaseSize   int64 // bytes after the last rewrite, or at start
	Buffered   int64 // bytes collected but not written yet
	WriteErr   error // the last write or sync failed; nil once one succeeds
	RewriteDue bool  // the file has grown enough for an automatic rewrite
	Growth     int64 // how much it has grown since BaseSize, in percent
}

// These errors can occur when a client asks for a background save or
// rewrite.
var (
	errRewriteInProgress = errf("Background append only file rewriting already in progress")
	errRewriteFailed     = errf("Can't execute an AOF background rewriting. Please check the server logs for more information.")
	// ErrRewriteRunning answers BGSAVE while the append-only file is
	// being rewritten: Redis runs one background job at a time.
	ErrRewriteRunning = errf("Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
	// errSaveFailed is Redis's bare "-ERR" for a SAVE that failed; the
	// log says why.
	errSaveFailed = &Error{Code: "ERR"}
	// errMisconfRDB refuses writes after a failed background save while
	// stop-writes-on-bgsave-error is on.
	errMisconfRDB = &Error{Code: "MISCONF", Msg: "Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
		"Commands that may modify the data set are disabled, because this instance is configured to report errors during writes " +
		"if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."}
)

// bgRetryDelay is Redis's CONFIG_BGSAVE_RETRY_DELAY: a scheduled BGSAVE
// waits this many seconds after a failed one.
const bgRetryDelay = 5

// persistence is the engine's bookkeeping of the append-only file and of
// background jobs, beyond the fields BGSAVE had before it: what INFO
// persistence shows, what the schedule starts, what MISCONF checks.
type persistence struct {
	aof AppendOnlyFile // nil when there is none (the shell, tests)

	jobs sync.Mutex // makes deciding to start a background job and marking it running one step

	rewriting        atomic.Bool
	rewriteScheduled atomic.Bool  // BGREWRITEAOF while a BGSAVE ran, or a rewrite that must be retried
	rewriteStart     atomic.Int64 // unix seconds the running rewrite started
	lastRewriteSecs  atomic.Int64 // how long the last rewrite took; -1 before the first
	rewriteFailed    atomic.Bool  // the last rewrite failed
	rewriteFailures  atomic.Int64 // consecutive failed rewrites
	rewriteFailedAt  atomic.Int64 // unix seconds of the last failure
	rewrites         atomic.Int64 // rewrites started

	bgsaveScheduled atomic.Bool  // BGSAVE SCHEDULE while a rewrite ran
	bgsaveStart     atomic.Int64 // unix seconds the running or last BGSAVE started
	lastBgsaveSecs  atomic.Int64 // how long the last BGSAVE took; -1 before the first
	saves           atomic.Int64 // SAVE and BGSAVE runs, as rdb_saves
	snapshotMicros  atomic.Int64 // how long the last background job's copy of the data held the lock, as latest_fork_usec
	snapshots       atomic.Int64 // background jobs started, as total_forks

	slotMu sync.Mutex
	// slots are slot tables, one a database, that the next background
	// snapshot copies into: a finished snapshot's, or ones warmSlots made
	// ready. Copying into mapped memory keeps the lock held for a few
	// milliseconds a million keys, where fresh pages took 50-250 ms to
	// fault in on this project's VM.
	slots [][]slot

	syncTo     atomic.Int64 // where the file must be synced before a reply leaves; 0: nothing owed
	stopWrites atomic.Bool  // stop-writes-on-bgsave-error
	// trouble is set when a background save or a write to the
	// append-only file fails, so that check looks closer at whether
	// writes must be refused; writeDenied clears it.
	trouble atomic.Bool
}

// registerPersistence sets up the append-only file's side of the engine
// and the directives it owns.
func (e *Engine) registerPersistence() {
	d := &e.disk
	if a, ok := e.journal.(AppendOnlyFile); ok {
		d.aof = a
	}
	d.lastRewriteSecs.Store(-1)
	d.lastBgsaveSecs.Store(-1)
	d.stopWrites.Store(true)
	e.RegisterConfig(Param{
		Name: "stop-writes-on-bgsave-error",
		Get:  func() string { return yesNo(d.stopWrites.Load()) },
		Set: func(v string) error {
			b, err := parseYesNo(v)
			if err == nil {
				d.stopWrites.Store(b)
			}
			return err
		},
	})
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// parseYesNo reads a boolean directive as Redis does.
func parseYesNo(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, errors.New("argument must be 'yes' or 'no'")
}

// flushAOF writes out the run of writes that just ran and records how far
// the file must be synced before replies leave. The caller holds the
// write lock.
func (e *Engine) flushAOF() {
	pos, err := e.disk.aof.Flush()
	if err != nil {
		e.disk.trouble.Store(true)
	}
	if pos > 0 {
		e.disk.syncTo.Store(pos)
	}
}

// awaitSync waits, without the lock, until every write flushed so far is
// synced, when appendfsync always asks for that before a reply leaves.
// A write flushed later only raises what is owed, so seeing nothing owed
// means nothing is.
func (e *Engine) awaitSync() {
	if pos := e.disk.syncTo.Load(); pos > 0 {
		e.disk.aof.Sync(pos)
		e.disk.syncTo.CompareAndSwap(pos, 0)
	}
}

// writeDenied returns the MISCONF error that refuses writes (and PING)
// while persisting to disk fails, as Redis's
// writeCommandsDeniedByDiskError, or nil. Once no failure is recorded
// any more it clears the trouble flag, so that check stops calling it;
// a failure that configuration merely excuses (stop-writes-on-bgsave-error
// no, save "") keeps it, since the configuration may change back.
func (e *Engine) writeDenied() error {
	if !e.diskFailing() {
		e.disk.trouble.Store(false)
		// A failure recorded between the look above and the store is
		// seen here, and sets the flag again.
		if !e.diskFailing() {
			return nil
		}
		e.disk.trouble.Store(true)
	}
	return e.diskError()
}

// diskFailing reports whether the last background save, or the last
// write to the append-only file, failed.
func (e *Engine) diskFailing() bool {
	if e.lastBgErr.Load() != nil {
		return true
	}
	return e.disk.aof != nil && e.disk.aof.Status().WriteErr != nil
}

func (e *Engine) diskError() error {
	if e.disk.stopWrites.Load() && e.lastBgErr.Load() != nil && e.hasSaveRules() {
		return errMisconfRDB
	}
	if a := e.disk.aof; a != nil {
		if st := a.Status(); st.Enabled && st.WriteErr != nil {
			return &Error{Code: "MISCONF", Msg: "Errors writing to the AOF file: " + strerror(st.WriteErr)}
		}
	}
	return nil
}

// hasSaveRules reports whether snapshots are scheduled (save is not
// ""), which Redis requires before a failed one stops writes. An engine
// without the save directive (the shell) counts as having them.
func (e *Engine) hasSaveRules() bool {
	v, ok := e.configValue("save")
	return !ok || v != ""
}

// strerror words err's errno as C's strerror does ("No space left on
// device"), which Redis puts in its messages; other errors as they are.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return err.Error()
}

func cmdBgrewriteaof(db *DB, args [][]byte) (Reply, error) {
	e := db.eng
	d := &e.disk
	d.jobs.Lock()
	switch {
	case d.rewriting.Load():
		d.jobs.Unlock()
		return nil, errRewriteInProgress
	case e.saving.Load():
		d.rewriteScheduled.Store(true)
		d.rewriteFailures.Store(0)
		d.jobs.Unlock()
		return Status("Background append only file rewriting scheduled"), nil
	}
	d.jobs.Unlock()
	if err := e.startRewrite(); err != nil {
		if errors.Is(err, errRewriteInProgress) {
			return nil, err
		}
		e.log.Error("Can't rewrite append only file in background", "err", err)
		return nil, errRewriteFailed
	}
	return Status("Background append only file rewriting started"), nil
}

// BGRewriteAOF starts rewriting the append-only file in the background,
// as BGREWRITEAOF does.
func (e *Engine) BGRewriteAOF() error {
	e.warmSlots()
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.startRewrite()
}

// startRewrite snapshots the data and has the append-only file rewrite
// itself from it. The caller holds the lock in either mode, which keeps
// writes out between the snapshot and the file's first buffered append.
func (e *Engine) startRewrite() error {
	d := &e.disk
	if d.aof == nil {
		return errors.New("no append-only file is configured")
	}
	d.jobs.Lock()
	switch {
	case d.rewriting.Load():
		d.jobs.Unlock()
		return errRewriteInProgress
	case e.saving.Load():
		d.jobs.Unlock()
		return ErrSaveInProgress
	}
	d.rewriting.Store(true)
	d.jobs.Unlock()

	start := time.Now()
	d.rewriteStart.Store(e.now().Unix())
	d.rewriteScheduled.Store(false)
	d.rewrites.Add(1)
	e.saveDone.Add(1)
	if e.opts.Background != nil {
		e.opts.Background(true)
	}
	s := e.timedSnapshot()
	s.pace = e.pacer() // as a background save's
	err := d.aof.Rewrite(s, func(err error) {
		d.recycle(s)
		e.rewriteDone(start, err)
	})
	if err != nil {
		d.recycle(s)
		e.rewriteDone(start, err)
		return err
	}
	e.log.Info("Background append only file rewriting started")
	return nil
}

// timedSnapshot is snapshot for a background job, which records how long
// it held the lock: Redis's fork time, which INFO shows as
// latest_fork_usec.
func (e *Engine) timedSnapshot() *Snapshot {
	d := &e.disk
	d.slotMu.Lock()
	bufs := d.slots
	d.slots = nil
	d.slotMu.Unlock()
	start := time.Now()
	s := e.snapshotInto(bufs)
	d.snapshotMicros.Store(time.Since(start).Microseconds())
	d.snapshots.Add(1)
	return s
}

// recycle releases a background snapshot that has been written and keeps
// its slot tables for the next one. Nothing may read s afterwards.
func (d *persistence) recycle(s *Snapshot) {
	s.Release()
	bufs := make([][]slot, len(s.dbs))
	for i, ks := range s.dbs {
		bufs[i] = ks.keys.slots[:0]
		ks.keys.slots = nil
	}
	d.slotMu.Lock()
	d.slots = bufs
	d.slotMu.Unlock()
}

// warmMinSlots is the smallest slot table worth preparing: below it, the
// copy is fast whatever the memory.
const warmMinSlots = 1 << 14

// warmSlots makes slot tables ready for the next background snapshot,
// with every page written once, before the caller takes the lock, unless
// the ones kept are large enough already. The first save of a process,
// and the first after the keyspace grew, then copy into mapped memory
// too. Paths that run inside a command, with the lock held (BGSAVE,
// BGREWRITEAOF), make do with what was kept.
func (e *Engine) warmSlots() {
	e.mu.RLock()
	sizes := make([]int, len(e.dbs))
	for i, ks := range e.dbs {
		sizes[i] = len(ks.keys.slots)
	}
	e.mu.RUnlock()
	// The tables are taken, not shared, while they are prepared: a
	// snapshot that starts meanwhile allocates its own.
	d := &e.disk
	d.slotMu.Lock()
	bufs := d.slots
	d.slots = nil
	d.slotMu.Unlock()
	if len(bufs) < len(sizes) {
		bufs = append(bufs, make([][]slot, len(sizes)-len(bufs))...)
	}
	for i, n := range sizes {
		if n < warmMinSlots || cap(bufs[i]) >= n {
			continue
		}
		b := make([]slot, n)
		for j := 0; j < n; j += 4096 / 16 { // one write a page maps it
			b[j].hash = slotDeleted
		}
		bufs[i] = b[:0]
	}
	d.slotMu.Lock()
	d.slots = bufs
	d.slotMu.Unlock()
}

// rewriteDone records how a rewrite ended. A rewrite that failed while
// the file waits for its first one (CONFIG SET appendonly yes) is
// scheduled again, as Redis does.
func (e *Engine) rewriteDone(start time.Time, err error) {
	d := &e.disk
	defer e.saveDone.Done()
	if e.opts.Background != nil {
		defer e.opts.Background(false)
	}
	d.lastRewriteSecs.Store(int64(time.Since(start) / time.Second))
	switch {
	case err == nil:
		d.rewriteFailed.Store(false)
		d.rewriteFailures.Store(0)
		e.log.Info("Background AOF rewrite finished successfully")
	case errors.Is(err, context.Canceled):
		e.log.Info("Background AOF rewrite stopped", "reason", err)
	default:
		d.rewriteFailed.Store(true)
		d.rewriteFailures.Add(1)
		d.rewriteFailedAt.Store(e.now().Unix())
		e.log.Error("Background AOF rewrite failed", "err", err)
		if st := d.aof.Status(); st.Enabled {
			d.rewriteScheduled.Store(true)
		}
	}
	d.rewriting.Store(false)
}

// Rewriting reports whether the append-only file is being rewritten.
func (e *Engine) Rewriting() bool { return e.disk.rewriting.Load() }

// AOFStatus returns the state of the append-only file; the zero status
// when the engine has none.
func (e *Engine) AOFStatus() AOFStatus {
	if e.disk.aof == nil {
		return AOFStatus{}
	}
	return e.disk.aof.Status()
}

// ScheduleAOFRewrite asks for a rewrite of the append-only file as soon
// as no background job runs: the next StartDueJobs starts it. CONFIG SET
// appendonly yes uses it, from inside a command that holds the lock a
// rewrite would need.
func (e *Engine) ScheduleAOFRewrite() {
	e.disk.rewriteFailures.Store(0)
	e.disk.rewriteScheduled.Store(true)
}

// StartDueJobs starts the background jobs that are due, as Redis's
// serverCron does: a rewrite that BGREWRITEAOF or CONFIG SET scheduled,
// an automatic rewrite when the append-only file has grown enough, and a
// BGSAVE SCHEDULE that waited for a rewrite. Nothing starts while a
// background job runs. The server's schedule calls it ten times a second.
func (e *Engine) StartDueJobs(now time.Time) {
	d := &e.disk
	if e.saving.Load() || d.rewriting.Load() {
		return
	}
	rewrite := d.aof != nil && !e.rewriteLimited(now) && (d.rewriteScheduled.Load() || d.aof.Status().RewriteDue)
	bgsave := d.bgsaveScheduled.Load()
	if !rewrite && !bgsave {
		return
	}
	e.warmSlots()
	e.mu.RLock()
	defer e.mu.RUnlock()
	if d.aof != nil && !e.rewriteLimited(now) {
		if d.rewriteScheduled.Load() {
			e.tryRewrite()
			return
		}
		if st := d.aof.Status(); st.RewriteDue {
			e.log.Info(fmt.Sprintf("Starting automatic rewriting of AOF on %d%% growth", st.Growth))
			e.tryRewrite()
			return
		}
	}
	if d.bgsaveScheduled.Load() && (now.Unix()-d.bgsaveStart.Load() > bgRetryDelay || e.lastBgErr.Load() == nil) {
		if err := e.bgsaveLocked(); err == nil {
			d.bgsaveScheduled.Store(false)
		}
	}
}

// tryRewrite starts a rewrite for the schedule, and logs why it could
// not.
func (e *Engine) tryRewrite() {
	err := e.startRewrite()
	if err != nil && !errors.Is(err, errRewriteInProgress) && !errors.Is(err, ErrSaveInProgress) {
		e.log.Error("Can't rewrite append only file in background", "err", err)
	}
}

// rewriteLimited reports whether rewrites that failed again and again
// hold off the next one, as Redis's aofRewriteLimited: after three
// failures in a row, a minute, doubling with each further failure up to
// an hour.
func (e *Engine) rewriteLimited(now time.Time) bool {
	n := e.disk.rewriteFailures.Load()
	if n < 3 {
		return false
	}
	delay := int64(60) << min(n-3, 6)
	delay = min(delay, 3600)
	return now.Unix()-e.disk.rewriteFailedAt.Load() < delay
}

// Loader replays commands read from the append-only file: as a client's,
// but not counted in INFO, not authenticated, and, since the file is not
// logging yet while it loads, not journaled again.
type Loader struct {
	s     *Session
	dirty int64 // the engine's changes before the replay
}

// NewLoader returns a loader whose commands start in database 0.
func (e *Engine) NewLoader() *Loader {
	return &Loader{s: &Session{eng: e, proto: 2, authed: true}, dirty: e.dirty.Load()}
}

// Close ends the replay. What it changed counts as saved, as Redis
// starts with no changes since the last save after loading a file: the
// file it came from holds them.
func (l *Loader) Close() { l.s.eng.dirty.Store(l.dirty) }

// Exec runs one command. As Redis does when it loads a file, it drops
// the reply, and the error of a command that ran and failed (WRONGTYPE,
// say); the error it returns is for a command that cannot run at all:
// unknown, with the wrong number of arguments, or a SELECT of a database
// this engine does not have, after which every command would land in the
// wrong one.
func (l *Loader) Exec(args [][]byte) error {
	e := l.s.eng
	cmd, call, flags, err := e.check(l.s, args)
	if err != nil {
		return err
	}
	l.s.recycle()
	if flags&Write == 0 {
		_, err = e.runRead(l.s, cmd, call, flags, args)
		if len(l.s.lazy) > 0 {
			e.expireLazy(l.s)
		}
	} else {
		e.mu.Lock()
		_, err = e.run(l.s, cmd, call, flags, args)
		e.mu.Unlock()
	}
	if err != nil && cmd.Name == "SELECT" {
		return err
	}
	return nil
}
