package engine

import (
	"runtime"
	"syscall"
)

// backgroundNice is the scheduling priority of a background save's
// thread: below the threads that serve clients, so that on a machine
// with few cores the encoding of the file yields the CPU to them.
const backgroundNice = 19

// backgroundThread gives the calling goroutine, which runs a background
// save or rewrite, a thread of its own at a lower priority. The goroutine
// must end without unlocking: Go then ends the thread, and the lowered
// priority with it.
func backgroundThread() {
	runtime.LockOSThread()
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), backgroundNice)
}
