//go:build !linux

package engine

// backgroundThread does nothing where threads have no priority of their
// own that the engine knows how to set.
func backgroundThread() {}
