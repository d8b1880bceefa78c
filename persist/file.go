package persist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/photondb/photon/engine"
)

// File is an RDB snapshot at a path, locked against other processes for
// as long as it is open. It satisfies engine.Snapshotter.
type File struct {
	path     string
	lockPath string

	mu   sync.Mutex // serializes Save and Close
	lock *os.File   // holds the flock; nil once closed
	seq  int        // numbers temporary files
}

var _ engine.Snapshotter = (*File)(nil)

// lockedError is returned by Open when the lock is taken.
type lockedError struct{ path, lockPath string }

func (e *lockedError) Error() string {
	return fmt.Sprintf("%s is in use by another photon process (lock %s held)", e.path, e.lockPath)
}

func (e *lockedError) Unwrap() error { return ErrLocked }

// Open locks the RDB file at path for this process and returns it; the
// file itself need not exist yet. The lock is an advisory flock on
// path+".lock", created if needed, since the RDB file is replaced on every
// save. If another process (or another File) holds the lock, Open fails
// with an error that wraps ErrLocked.
func Open(path string) (*File, error) {
	lockPath := path + ".lock"
	lf, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lf.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &lockedError{path: path, lockPath: lockPath}
		}
		return nil, fmt.Errorf("lock %s: %w", lockPath, err)
	}
	return &File{path: path, lockPath: lockPath, lock: lf}, nil
}

// Path returns the path of the RDB file.
func (f *File) Path() string { return f.path }

// Load reads the file into e with e.Put and returns what it found. A
// missing file is an empty database: Load returns a zero Info and no
// error. Errors name the file; a *FormatError inside says what was wrong
// and where. After an error e may hold some of the file's keys.
func (f *File) Load(e *engine.Engine) (Info, error) { return f.LoadWith(e, LoadOptions{}) }

// LoadWith is Load with options: what to do with values PhotonDB has no
// type for, where warnings go, and a progress callback that learns the
// file's size.
func (f *File) LoadWith(e *engine.Engine, o LoadOptions) (Info, error) {
	r, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, nil
	}
	if err != nil {
		return Info{}, err
	}
	defer r.Close()
	info, err := DecodeWith(r, o, e.Put)
	if err != nil {
		return info, fmt.Errorf("%s: %w", f.path, err)
	}
	return info, nil
}

// Save writes s to the file atomically: to a temporary file in the same
// directory, synced to disk, then renamed over the old file, and the
// directory synced. If anything fails the old file is left as it was and
// the temporary file removed. Concurrent calls run one at a time.
func (f *File) Save(s *engine.Snapshot) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lock == nil {
		return fmt.Errorf("save %s: file is closed", f.path)
	}
	dir := filepath.Dir(f.path)
	w, err := f.createTemp(dir)
	if err != nil {
		return fmt.Errorf("save %s: %w", f.path, err)
	}
	tmp := w.Name()
	if err := writeFile(w, s); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", f.path, err)
	}
	if err := os.Rename(tmp, f.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", f.path, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("save %s: %w", f.path, err)
	}
	return nil
}

// createTemp creates a new file temp-<pid>-<n>.rdb in dir, as Redis
// names its temporary files, skipping names already taken.
func (f *File) createTemp(dir string) (*os.File, error) {
	for {
		f.seq++
		name := filepath.Join(dir, fmt.Sprintf("temp-%d-%d.rdb", os.Getpid(), f.seq))
		w, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) && f.seq%1000 != 0 {
			continue
		}
		return w, err
	}
}

// writeFile writes s to w, syncs and closes it.
func writeFile(w *os.File, s *engine.Snapshot) error {
	if err := Encode(w, s); err != nil {
		w.Close()
		return err
	}
	if err := w.Sync(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close releases the lock. A File cannot be used after Close; closing
// twice is harmless.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lock == nil {
		return nil
	}
	err := f.lock.Close() // closing the descriptor releases the flock
	f.lock = nil
	return err
}
