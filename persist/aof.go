package persist

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/photondb/photon/engine"
)

// Fsync is the appendfsync policy: when the append-only file's writes
// are forced to disk.
type Fsync int32

// The appendfsync policies.
const (
	FsyncEverysec Fsync = iota // once a second, in the background: at most a second of writes lost
	FsyncAlways                // before a write is acknowledged: nothing acknowledged is lost
	FsyncNo                    // when the operating system decides
)

// ParseFsync reads an appendfsync value, in any case.
func ParseFsync(s string) (Fsync, error) {
	switch strings.ToLower(s) {
	case "everysec":
		return FsyncEverysec, nil
	case "always":
		return FsyncAlways, nil
	case "no":
		return FsyncNo, nil
	}
	return 0, errors.New("argument(s) must be one of the following: everysec, always, no")
}

// String returns the policy as appendfsync spells it.
func (f Fsync) String() string {
	switch f {
	case FsyncAlways:
		return "always"
	case FsyncNo:
		return "no"
	}
	return "everysec"
}

// AOFOptions configure an append-only file.
type AOFOptions struct {
	Fsync    Fsync
	Preamble bool // aof-use-rdb-preamble: a rewrite writes the data as an RDB snapshot, not as commands
	// RewritePercentage and RewriteMinSize are auto-aof-rewrite-percentage
	// and auto-aof-rewrite-min-size: Status reports a rewrite due once the
	// file is larger than RewriteMinSize and has grown by RewritePercentage
	// percent since the last rewrite (0: never).
	RewritePercentage int64
	RewriteMinSize    int64
	LoadTruncated     bool // aof-load-truncated: Load drops an incomplete last command instead of failing
	// Load tunes the reading of an RDB preamble: with SkipUnsupported,
	// keys PhotonDB has no type for are left out with a warning, as
	// File.LoadWith leaves them out of a snapshot.
	Load   LoadOptions
	Logger *slog.Logger
	// Fatal is called, with the file's lock held, when a write or sync
	// that appendfsync always promised fails: the write it was for has
	// run but must not be acknowledged, and Redis exits there. Serve
	// logs and exits. When nil, the failure is only recorded.
	Fatal func(err error)
}

// The states of an append-only file.
const (
	aofOff     = iota // appendonly no: appends are dropped
	aofWaiting        // appendonly yes, but the rewrite that creates the file has not finished
	aofOn             // logging to the file
)

// AOF is an append-only file: it logs every write command in RESP, as
// Redis writes them, so that replaying the file rebuilds the data. It
// satisfies engine.AppendOnlyFile.
//
// PhotonDB keeps the log in one file, Redis 6's layout (appendfilename
// in dir), rather than Redis 7's directory of a base file, increments and
// a manifest: a rewrite writes a whole new file, a snapshot followed by
// the writes made meanwhile, and renames it over the old one.
type AOF struct {
	path string
	log  *slog.Logger
	opts AOFOptions // Logger and Fatal; the rest is read through the atomics

	fsync    atomic.Int32
	preamble atomic.Bool
	perc     atomic.Int64
	minSize  atomic.Int64
	active   atomic.Bool // on, or rewriting: Append has something to do
	logging  atomic.Bool // on: Flush has something to do

	mu       sync.Mutex
	state    int
	lock     *os.File // holds the flock on path+".lock"; nil until first needed
	f        *os.File // the file, open for appending while on
	buf      []byte   // appended since the last Flush
	db       int      // the database the file's last command ran in; -1: unknown
	size     int64    // bytes in the file
	baseSize int64    // bytes after the last rewrite, or at load
	unsynced bool     // written since the last sync
	writeErr error    // the last write failed; the data is still in buf
	syncErr  error    // the last background sync failed
	rw       *rewrite // the running rewrite, nil when none
	seq      int      // numbers temporary files
	closed   bool
	syncStop chan struct{} // closed to stop the background syncer
	syncDone chan struct{} // closed when it has stopped

	// Positions for appendfsync always count the bytes ever written, in
	// every file the AOF has had: lsn those written, durable those known
	// to be on disk. Sync makes one sync at a time (syncing), under smu,
	// and the others wait on synced for it.
	lsn     int64 // guarded by mu
	durable atomic.Int64
	smu     sync.Mutex
	synced  *sync.Cond // on smu
	syncing bool
}

var _ engine.AppendOnlyFile = (*AOF)(nil)

// rewrite is a rewrite in progress: the writes made since its snapshot,
// to be appended to the new file.
type rewrite struct {
	buf, spare []byte
	db         int  // the database of the last command in buf; -1 at first, so that it starts with SELECT
	canceled   bool // appendonly was turned off or the file closed
}

// errCanceled is returned to a rewrite's done when it was called off.
var errCanceled = fmt.Errorf("append-only file turned off: %w", context.Canceled)

// NewAOF returns the append-only file at path, off: it opens nothing
// until Load, Create, Enable or Rewrite.
func NewAOF(path string, o AOFOptions) *AOF {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	a := &AOF{path: path, log: o.Logger, opts: o, db: -1}
	a.synced = sync.NewCond(&a.smu)
	a.SetFsync(o.Fsync)
	a.SetPreamble(o.Preamble)
	a.SetAutoRewrite(o.RewritePercentage, o.RewriteMinSize)
	return a
}

// Path returns the file's path.
func (a *AOF) Path() string { return a.path }

// SetFsync changes the fsync policy, for CONFIG SET appendfsync.
func (a *AOF) SetFsync(f Fsync) { a.fsync.Store(int32(f)) }

// SetPreamble sets whether rewrites start with an RDB snapshot.
func (a *AOF) SetPreamble(on bool) { a.preamble.Store(on) }

// SetAutoRewrite sets when Status reports an automatic rewrite due.
func (a *AOF) SetAutoRewrite(percentage, minSize int64) {
	a.perc.Store(percentage)
	a.minSize.Store(minSize)
}

// SetLoadTruncated sets whether Load accepts a truncated last command.
func (a *AOF) SetLoadTruncated(on bool) {
	a.mu.Lock()
	a.opts.LoadTruncated = on
	a.mu.Unlock()
}

func (a *AOF) policy() Fsync { return Fsync(a.fsync.Load()) }

// setState changes the state and the flags Append and Flush read
// without the lock. The caller holds a.mu.
func (a *AOF) setState(s int) {
	a.state = s
	a.updateFlags()
}

func (a *AOF) updateFlags() {
	a.logging.Store(a.state == aofOn)
	a.active.Store(a.state == aofOn || a.rw != nil)
}

// Append logs a write made in database db, with a SELECT first when the
// file's last command ran in another. While a rewrite runs it is also
// kept for the new file. It only buffers: Flush writes.
func (a *AOF) Append(db int, args [][]byte) error {
	if !a.active.Load() {
		return nil
	}
	a.mu.Lock()
	if a.state == aofOn {
		a.buf = appendLogged(a.buf, &a.db, db, args)
	}
	if rw := a.rw; rw != nil {
		rw.buf = appendLogged(rw.buf, &rw.db, db, args)
	}
	a.mu.Unlock()
	return nil
}

// appendLogged appends args to b as a RESP array, after a SELECT when
// *cur is not db, and records db as current.
func appendLogged(b []byte, cur *int, db int, args [][]byte) []byte {
	if *cur != db {
		b = append(b, "*2\r\n$6\r\nSELECT\r\n"...)
		b = appendBulk(b, strconv.AppendInt(nil, int64(db), 10))
		*cur = db
	}
	b = appendArrayHeader(b, len(args))
	for _, arg := range args {
		b = appendBulk(b, arg)
	}
	return b
}

func appendArrayHeader(b []byte, n int) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '\r', '\n')
}

func appendBulk[T string | []byte](b []byte, s T) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, '\r', '\n')
	b = append(b, s...)
	return append(b, '\r', '\n')
}

// Flush writes what Append buffered. Under appendfsync always it
// returns the position Sync must reach before the writes' replies go (0
// when nothing is owed). A failed write keeps the data for the next try
// and is retried every second; under always it is fatal (see
// AOFOptions.Fatal). Flush returns the file's trouble: a failed write or
// sync, until one succeeds.
func (a *AOF) Flush() (int64, error) {
	if !a.logging.Load() {
		return 0, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.state != aofOn {
		return 0, nil
	}
	always := a.policy() == FsyncAlways
	if len(a.buf) > 0 {
		if err := a.writeLocked(); err != nil {
			if always {
				a.fatal(fmt.Errorf("can't recover from AOF write error when the AOF fsync policy is 'always': %w", err))
			}
			return 0, err
		}
	}
	var pos int64
	if always && a.lsn > a.durable.Load() {
		pos = a.lsn
	}
	return pos, a.troubleLocked()
}

// Sync returns once the file is synced up to pos, a position Flush
// returned. The first caller syncs; callers that come while it does wait
// for it and, if it did not cover them, sync once more for all of them:
// a sync serves every write flushed before it started, whichever client
// made it. Under appendfsync always a failed sync is fatal.
func (a *AOF) Sync(pos int64) {
	a.smu.Lock()
	defer a.smu.Unlock()
	for a.durable.Load() < pos {
		if a.syncing {
			a.synced.Wait()
			continue
		}
		a.syncing = true
		a.smu.Unlock()
		a.syncOnce()
		a.smu.Lock()
		a.syncing = false
		a.synced.Broadcast()
	}
}

// syncOnce syncs the file as it is now and moves durable to what it
// covered. A file replaced or closed meanwhile was synced whole by
// whatever replaced or closed it, which moved durable itself.
func (a *AOF) syncOnce() {
	a.mu.Lock()
	f, end := a.f, a.lsn
	a.mu.Unlock()
	var err error
	if f != nil {
		err = fdatasync(f)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case f != a.f || f == nil:
	case err != nil:
		a.fatal(fmt.Errorf("can't recover from AOF fsync error when the AOF fsync policy is 'always': %w", err))
		a.syncErr = err
	default:
		a.unsynced = a.lsn > end
	}
	// Whatever happened, this much is owed to no one any more: it is on
	// disk, or the process has been told it cannot be.
	a.advanceDurable(end)
}

// advanceDurable records that the first lsn bytes ever written are on
// disk.
func (a *AOF) advanceDurable(lsn int64) {
	for {
		d := a.durable.Load()
		if d >= lsn || a.durable.CompareAndSwap(d, lsn) {
			return
		}
	}
}

func (a *AOF) fatal(err error) {
	a.log.Error("AOF write failed", "file", a.path, "err", err)
	if a.opts.Fatal != nil {
		a.opts.Fatal(err)
	}
}

func (a *AOF) troubleLocked() error {
	if a.writeErr != nil {
		return a.writeErr
	}
	return a.syncErr
}

// maxIdleBuf is the largest buffer kept between flushes; a larger one,
// left by a burst of big writes, is given back.
const maxIdleBuf = 4 << 20

// writeLocked writes the buffer to the file. When the write fails part
// way, it cuts what was written off the file again, so that the file
// does not end in half a command, and keeps the buffer for the next try;
// if the file cannot be cut, it keeps only what was not written.
func (a *AOF) writeLocked() error {
	n, err := a.f.Write(a.buf)
	if err == nil {
		a.size += int64(n)
		a.lsn += int64(n)
		a.unsynced = true
		if cap(a.buf) > maxIdleBuf {
			a.buf = nil
		} else {
			a.buf = a.buf[:0]
		}
		if a.writeErr != nil {
			a.log.Warn("AOF write error looks solved, Redis can write again.", "file", a.path)
			a.writeErr = nil
		}
		return nil
	}
	if n > 0 {
		if terr := a.f.Truncate(a.size); terr != nil {
			a.log.Error("Could not remove short write from the append-only file; the rest will be written after it", "file", a.path, "err", terr)
			a.size += int64(n)
			a.lsn += int64(n)
			a.buf = a.buf[:copy(a.buf, a.buf[n:])]
		}
	}
	if a.writeErr == nil {
		a.log.Error("Error writing to the AOF file", "file", a.path, "err", err)
	}
	a.writeErr = err
	return err
}

// syncLoop retries failed writes and, under appendfsync everysec, syncs
// the file once a second, until stop is closed.
func (a *AOF) syncLoop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			a.tick()
		}
	}
}

// tick is one second of syncLoop. The sync itself runs without the
// lock, so that writers do not wait for the disk.
func (a *AOF) tick() {
	a.mu.Lock()
	if a.state != aofOn {
		a.mu.Unlock()
		return
	}
	if a.writeErr != nil && len(a.buf) > 0 {
		a.writeLocked()
	}
	if a.policy() != FsyncEverysec || !a.unsynced {
		a.mu.Unlock()
		return
	}
	f := a.f
	a.unsynced = false
	a.mu.Unlock()

	err := fdatasync(f)
	a.mu.Lock()
	defer a.mu.Unlock()
	if f != a.f {
		return // the file was replaced meanwhile, by a rewrite that synced its own
	}
	switch {
	case err != nil:
		if a.syncErr == nil {
			a.log.Error("Error syncing the AOF file", "file", a.path, "err", err)
		}
		a.syncErr = err
		a.unsynced = true
	case a.syncErr != nil:
		a.log.Warn("AOF fsync error looks solved, Redis can write again.", "file", a.path)
		a.syncErr = nil
	}
}

// startSyncer starts syncLoop. The caller holds a.mu.
func (a *AOF) startSyncer() {
	a.syncStop, a.syncDone = make(chan struct{}), make(chan struct{})
	go a.syncLoop(a.syncStop, a.syncDone)
}

// stopSyncer stops syncLoop and returns a channel closed once it has
// stopped, to wait on without the lock. The caller holds a.mu.
func (a *AOF) stopSyncer() <-chan struct{} {
	if a.syncStop == nil {
		return nil
	}
	close(a.syncStop)
	done := a.syncDone
	a.syncStop, a.syncDone = nil, nil
	return done
}

// lockLocked takes the file's lock if it does not hold it yet: an
// advisory flock on path+".lock", as File locks its snapshot, so that
// two processes never log to one file. The caller holds a.mu.
func (a *AOF) lockLocked() error {
	if a.closed {
		return fmt.Errorf("%s: append-only file is closed", a.path)
	}
	if a.lock != nil {
		return nil
	}
	lockPath := a.path + ".lock"
	lf, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lf.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return &lockedError{path: a.path, lockPath: lockPath}
		}
		return fmt.Errorf("lock %s: %w", lockPath, err)
	}
	a.lock = lf
	return nil
}

// Enable turns the file on from off, for CONFIG SET appendonly yes: it
// waits for a rewrite (which the caller schedules) to create the file
// from the data as it is then, and logs from there on. Until that rewrite
// has finished, writes are not durable, as in Redis.
func (a *AOF) Enable() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.state != aofOff {
		return nil
	}
	if err := a.lockLocked(); err != nil {
		return err
	}
	a.setState(aofWaiting)
	return nil
}

// Disable turns the file off, for CONFIG SET appendonly no: a running
// rewrite is called off, and what was buffered is written and synced
// before the file is closed.
func (a *AOF) Disable() error {
	a.mu.Lock()
	err := a.disableLocked()
	stopped := a.stopSyncer()
	a.mu.Unlock()
	if stopped != nil {
		<-stopped
	}
	return err
}

func (a *AOF) disableLocked() error {
	if a.rw != nil {
		a.rw.canceled = true
		a.rw = nil
	}
	var err error
	if a.state == aofOn {
		if len(a.buf) > 0 {
			err = a.writeLocked()
		}
		if serr := fdatasync(a.f); err == nil {
			err = serr
		}
		if cerr := a.f.Close(); err == nil {
			err = cerr
		}
		a.f = nil
	}
	a.advanceDurable(a.lsn) // synced above, or there is no file to wait for
	a.buf, a.writeErr, a.syncErr, a.db = nil, nil, nil, -1
	a.setState(aofOff)
	if err != nil {
		return fmt.Errorf("close %s: %w", a.path, err)
	}
	return nil
}

// Close turns the file off as Disable does and releases its lock. An AOF
// cannot be used after Close; closing twice is harmless.
func (a *AOF) Close() error {
	a.mu.Lock()
	err := a.disableLocked()
	stopped := a.stopSyncer()
	if a.lock != nil {
		a.lock.Close() // closing the descriptor releases the flock
		a.lock = nil
	}
	a.closed = true
	a.mu.Unlock()
	if stopped != nil {
		<-stopped
	}
	return err
}

// Status reports the file's state; RewriteDue as auto-aof-rewrite-*
// say, computed as Redis computes it.
func (a *AOF) Status() engine.AOFStatus {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := engine.AOFStatus{
		Enabled:  a.state != aofOff,
		Size:     a.size,
		BaseSize: a.baseSize,
		Buffered: int64(len(a.buf)),
		WriteErr: a.troubleLocked(),
	}
	if perc := a.perc.Load(); a.state == aofOn && perc > 0 && a.size > a.minSize.Load() {
		st.Growth = a.size*100/max(a.baseSize, 1) - 100
		st.RewriteDue = st.Growth >= perc
	}
	return st
}

// Create writes a new file holding s, for a start with appendonly yes
// and no file yet, and turns logging on. It writes synchronously, so
// that every write acknowledged afterwards lands in a file that exists.
func (a *AOF) Create(s *engine.Snapshot) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.state != aofOff {
		return fmt.Errorf("%s: append-only file is already open", a.path)
	}
	if err := a.lockLocked(); err != nil {
		return err
	}
	tmp, err := a.createTemp()
	if err != nil {
		return fmt.Errorf("create %s: %w", a.path, err)
	}
	size, err := a.writeBase(tmp, s)
	if err == nil {
		err = a.install(tmp)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("create %s: %w", a.path, err)
	}
	a.f, a.size, a.baseSize, a.db = tmp, size, size, -1
	a.setState(aofOn)
	a.startSyncer()
	return nil
}

// createTemp creates a new temporary file beside the append-only file,
// named as Redis names its rewrite's. The caller holds a.mu.
func (a *AOF) createTemp() (*os.File, error) {
	dir := filepath.Dir(a.path)
	for {
		a.seq++
		name := filepath.Join(dir, fmt.Sprintf("temp-rewriteaof-bg-%d-%d.aof", os.Getpid(), a.seq))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
		if errors.Is(err, fs.ErrExist) && a.seq%1000 != 0 {
			continue
		}
		return f, err
	}
}

// writeBase writes s to w, as an RDB snapshot or as commands, syncs it,
// and returns its size.
func (a *AOF) writeBase(w *os.File, s *engine.Snapshot) (int64, error) {
	var err error
	if a.preamble.Load() {
		err = Encode(w, s)
	} else {
		bw := bufio.NewWriterSize(w, writeBufSize)
		if err = writeCommands(bw, s); err == nil {
			err = bw.Flush()
		}
	}
	if err != nil {
		return 0, err
	}
	if err := fdatasync(w); err != nil {
		return 0, err
	}
	fi, err := w.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// install renames a synced temporary file over the append-only file and
// syncs the directory, so that the rename survives a crash.
func (a *AOF) install(tmp *os.File) error {
	if err := os.Rename(tmp.Name(), a.path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(a.path))
}

// rewriteItems is how many elements a rewritten command carries at
// most, as Redis's AOF_REWRITE_ITEMS_PER_CMD.
const rewriteItems = 64

// writeCommands writes s as the commands that rebuild it, as Redis
// rewrites without aof-use-rdb-preamble: SELECT, then SET, RPUSH or
// HMSET for each key, with PEXPIREAT for keys with a TTL.
func writeCommands(w *bufio.Writer, s *engine.Snapshot) error {
	var b []byte
	for i := range s.DBs() {
		if keys, _ := s.Size(i); keys == 0 {
			continue
		}
		b = appendArrayHeader(b[:0], 2)
		b = appendBulk(b, "SELECT")
		b = appendBulk(b, strconv.Itoa(i))
		if _, err := w.Write(b); err != nil {
			return err
		}
		err := s.Each(i, func(key string, v engine.Value, expireAt int64) error {
			var err error
			if b, err = appendKeyCommands(b[:0], key, v); err != nil {
				return err
			}
			if expireAt != 0 {
				b = appendArrayHeader(b, 3)
				b = appendBulk(b, "PEXPIREAT")
				b = appendBulk(b, key)
				b = appendBulk(b, strconv.FormatInt(expireAt, 10))
			}
			_, err = w.Write(b)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// appendKeyCommands appends the commands that create key with value v.
func appendKeyCommands(b []byte, key string, v engine.Value) ([]byte, error) {
	switch v.Kind() {
	case engine.KindString:
		b = appendArrayHeader(b, 3)
		b = appendBulk(b, "SET")
		b = appendBulk(b, key)
		return appendBulk(b, v.Bytes()), nil
	case engine.KindList:
		var batch [][]byte
		flush := func() {
			b = appendArrayHeader(b, 2+len(batch))
			b = appendBulk(b, "RPUSH")
			b = appendBulk(b, key)
			for _, e := range batch {
				b = appendBulk(b, e)
			}
			batch = batch[:0]
		}
		v.Elems(func(e []byte) error {
			if batch = append(batch, e); len(batch) == rewriteItems {
				flush()
			}
			return nil
		})
		if len(batch) > 0 {
			flush()
		}
		return b, nil
	case engine.KindHash:
		var batch []string
		var vals [][]byte
		flush := func() {
			b = appendArrayHeader(b, 2+2*len(batch))
			b = appendBulk(b, "HMSET")
			b = appendBulk(b, key)
			for i := range batch {
				b = appendBulk(b, batch[i])
				b = appendBulk(b, vals[i])
			}
			batch, vals = batch[:0], vals[:0]
		}
		v.Pairs(func(f string, val []byte) error {
			batch, vals = append(batch, f), append(vals, val)
			if len(batch) == rewriteItems {
				flush()
			}
			return nil
		})
		if len(batch) > 0 {
			flush()
		}
		return b, nil
	}
	return b, fmt.Errorf("key %q: cannot rewrite a %v value as commands; set aof-use-rdb-preamble yes", key, v.Kind())
}

// Rewrite starts writing a new file from s in the background, as
// BGREWRITEAOF does, while the writes that follow are both logged to the
// old file and kept for the new one. When s is written, the kept writes
// are appended in a few rounds without the lock, the last few under it;
// the new file is synced, renamed over the old one and logged to from
// then on. A file waiting for its first rewrite turns on. If anything
// fails, the old file is left as it was.
func (a *AOF) Rewrite(s *engine.Snapshot, done func(error)) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.rw != nil {
		return errors.New("a rewrite of the append-only file is already running")
	}
	if err := a.lockLocked(); err != nil {
		return err
	}
	tmp, err := a.createTemp()
	if err != nil {
		return fmt.Errorf("rewrite %s: %w", a.path, err)
	}
	rw := &rewrite{db: -1}
	a.rw = rw
	a.updateFlags()
	go func() { done(a.rewrite(tmp, s, rw)) }()
	return nil
}

// catchUpRounds bounds the rounds in which a rewrite appends the writes
// made meanwhile without the lock; catchUpSmall is a round small enough
// to finish under it.
const (
	catchUpRounds = 10
	catchUpSmall  = 256 << 10
)

func (a *AOF) rewrite(tmp *os.File, s *engine.Snapshot, rw *rewrite) error {
	err := a.writeRewrite(tmp, s, rw)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		a.mu.Lock()
		if a.rw == rw {
			a.rw = nil
			a.updateFlags()
		}
		a.mu.Unlock()
		if rw.canceled {
			return errCanceled
		}
		return fmt.Errorf("rewrite %s: %w", a.path, err)
	}
	return nil
}

func (a *AOF) writeRewrite(tmp *os.File, s *engine.Snapshot, rw *rewrite) error {
	if _, err := a.writeBase(tmp, s); err != nil {
		return err
	}
	for range catchUpRounds {
		a.mu.Lock()
		if rw.canceled {
			a.mu.Unlock()
			return errCanceled
		}
		chunk := rw.buf
		rw.buf, rw.spare = rw.spare[:0], chunk
		a.mu.Unlock()
		if _, err := tmp.Write(chunk); err != nil {
			return err
		}
		if len(chunk) < catchUpSmall {
			break
		}
	}
	if err := fdatasync(tmp); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if rw.canceled {
		return errCanceled
	}
	if _, err := tmp.Write(rw.buf); err != nil {
		return err
	}
	if err := fdatasync(tmp); err != nil {
		return err
	}
	fi, err := tmp.Stat()
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), a.path); err != nil {
		return err
	}
	// From here the new file is the file, whatever else fails.
	a.switchTo(tmp, fi.Size(), rw)
	if err := syncDir(filepath.Dir(a.path)); err != nil {
		a.log.Error("could not sync the directory after renaming the rewritten AOF", "file", a.path, "err", err)
	}
	return nil
}

// switchTo makes the rewritten file, of size bytes, the one logged to.
// What the old file had buffered is dropped: it was in the snapshot or
// among the writes the rewrite kept. The caller holds a.mu.
func (a *AOF) switchTo(f *os.File, size int64, rw *rewrite) {
	a.rw = nil
	if a.state == aofOff {
		f.Close() // BGREWRITEAOF with appendonly no: the file is written, not logged to
		a.updateFlags()
		return
	}
	if a.f != nil {
		a.f.Close()
	}
	a.f, a.size, a.baseSize, a.db = f, size, size, rw.db
	a.buf, a.unsynced, a.writeErr, a.syncErr = a.buf[:0], false, nil, nil
	// The new file was synced whole before the rename: every write
	// flushed to the old one is in it and on disk.
	a.advanceDurable(a.lsn)
	if a.state == aofWaiting {
		a.startSyncer()
	}
	a.setState(aofOn)
	a.log.Info("Background AOF rewrite terminated with success", "file", a.path, "size", size)
}
