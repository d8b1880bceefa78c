package server

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// watchClosed is ConnInfo.WatchClosed: while the client waits on a
// blocking command, the connection's goroutine is inside the engine and
// reads nothing, so a client that goes away would stay blocked, and could
// even be served an element nobody receives. This watches the socket
// without consuming from it (MSG_PEEK) until the client closes it (true)
// or stop is closed (false). Input that arrives meanwhile stays for the
// connection's goroutine, and ends the watch: a client that sends more
// is still there.
func (c *conn) watchClosed(stop <-chan struct{}) bool {
	c.w.Flush() // the replies before the blocking command
	sc, ok := c.raw.(syscall.Conn)
	if !ok {
		<-stop // an in-memory pipe: the shell, which cannot go away alone
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		<-stop
		return false
	}
	// Whatever deadline this leaves, the connection's goroutine sets its
	// own again on its next read.
	defer func() { c.deadline = stale }()
	stopped := make(chan struct{})
	go func() {
		select {
		case <-stop:
			c.raw.SetReadDeadline(stale) // ends the wait in rc.Read below
		case <-stopped:
		}
	}()
	defer close(stopped)
	for {
		var closed, data bool
		err := rc.Read(func(fd uintptr) bool {
			var b [1]byte
			n, _, rerr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
			switch {
			case errors.Is(rerr, syscall.EAGAIN):
				return false // not readable yet: wait for the poller
			case rerr != nil || n == 0:
				closed = true
			default:
				data = true
			}
			return true
		})
		switch {
		case closed:
			return true
		case data:
			<-stop
			return false
		case errors.Is(err, os.ErrDeadlineExceeded):
			select {
			case <-stop:
				return false
			default:
				// A timeout change or Shutdown woke the connection: keep
				// watching; Shutdown drops blocked clients itself.
				c.raw.SetReadDeadline(time.Time{})
			}
		default:
			return err != nil // the socket is closed or broken
		}
	}
}
