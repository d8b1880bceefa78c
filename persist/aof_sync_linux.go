package persist

import (
	"os"
	"syscall"
)

// fdatasync forces f's data, and the metadata needed to read it back
// (its size), to disk, as Redis's redis_fsync does on Linux: cheaper
// than fsync, which also writes timestamps.
func fdatasync(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			if serr = syscall.Fdatasync(int(fd)); serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return serr
}
