//go:build !linux

package persist

import "os"

// fdatasync forces f to disk; where there is no fdatasync, with fsync.
func fdatasync(f *os.File) error { return f.Sync() }
