package server

import (
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/resp"
)

// A loop serves many plain TCP clients on one goroutine, as Redis's event
// loop does: it waits on an epoll set of their sockets, reads each ready
// socket once, runs the commands that arrived whole, and writes the
// replies at once.
//
// Why not a goroutine per client, as before: a client that sends one
// command at a time (redis-benchmark -P 1) then costs, on top of the read
// and the write, a read that finds nothing before the goroutine parks,
// and a trip through the scheduler for every command. Measured on 2
// cores with 50 such clients, a goroutine per client had a p99 1.9-2.9x
// redis-server's, this loop 1.2-1.7x, before it learnt to look again
// before parking (spinFor; BENCHMARKS.md, "The event loop, A/B").
//
// The loop's goroutine parks in Go's own poller, which watches the epoll
// descriptor like any socket, so the runtime keeps its thread and the
// loop needs none of its own. Other goroutines reach the loop through
// wake, which queues a connection and writes to an eventfd in the set:
// pushes (a pub/sub message, a MONITOR line), CLIENT KILL, a change of
// timeout and Shutdown all arrive that way, and only the loop touches a
// connection's socket, so it is never closed under the loop's feet.
//
// What a loop does not do is wait. A client whose command may keep it
// waiting (a blocking pop), or have it listen to pushes (SUBSCRIBE,
// MONITOR), and one whose input is more than the read buffer holds or
// breaks the protocol, is handed to a goroutine of its own, for good,
// with what it has sent (migrate): it is served there as a TLS client
// is, and as every client was before loops.
type loop struct {
	srv      *Server
	epfd     int      // the epoll set
	ep       *os.File // epfd, as Go's poller sees it
	evfd     int      // the eventfd wake writes to
	conns    map[int32]*conn
	events   []syscall.EpollEvent
	now      int64     // monotonic nanoseconds, read once per round
	scan     time.Time // when idle clients were last looked for
	deadline time.Time // the deadline set on ep

	mu      sync.Mutex
	woken   []*conn // connections other goroutines want looked at
	spare   []*conn // woken's other buffer
	added   []*conn // connections handed to the loop, not yet in the set
	signal  bool    // the eventfd has been written and not yet read
	stopped bool    // the loop has ended: hand it no more connections
}

// spinFor is how long a loop that finds no events looks again before it
// parks. Measured with redis-benchmark -P 1 against GET (BENCHMARKS.md,
// one run alternating the builds): with 50 clients, p99 1.11 ms without,
// 0.83 ms with 20 us, 0.90 ms with 50 us (redis-server 1.10 ms); with one
// client, 10.9K requests/s without and 16.1K with 20 us, for less CPU in
// all, as the loop no longer parks and wakes between its requests.
const spinFor = 20 * time.Microsecond

// errWouldBlock is what a read returns, in a loop, when the socket has
// no input now.
var errWouldBlock = errors.New("no input now")

// epoch is the loop's clock's zero.
var epoch = time.Now()

// startLoops starts n event loops; with none (n < 0, or if epoll fails),
// every client gets a goroutine of its own.
func (s *Server) startLoops(n int) {
	for range n {
		lp, err := newLoop(s)
		if err != nil {
			s.log.Warn("event loop not started; serving each client on a goroutine of its own", "err", err)
			return
		}
		s.loops = append(s.loops, lp)
		s.wg.Add(1)
		go lp.run()
	}
}

// newLoop makes a loop for s: its epoll set, with an eventfd in it for
// wake, the set registered with Go's poller.
func newLoop(s *Server) (*loop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	r, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		syscall.Close(epfd)
		return nil, os.NewSyscallError("eventfd2", errno)
	}
	evfd := int(r)
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(evfd)}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, evfd, &ev); err != nil {
		syscall.Close(epfd)
		syscall.Close(evfd)
		return nil, os.NewSyscallError("epoll_ctl", err)
	}
	// Non-blocking, the descriptor goes to Go's poller.
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(epfd)
		syscall.Close(evfd)
		return nil, os.NewSyscallError("fcntl", err)
	}
	return &loop{
		srv:    s,
		epfd:   epfd,
		ep:     os.NewFile(uintptr(epfd), "epoll"),
		evfd:   evfd,
		conns:  map[int32]*conn{},
		events: make([]syscall.EpollEvent, 256),
	}, nil
}

// adopt hands a plain TCP client, admitted and with its session, to an
// event loop, and reports whether one took it.
func (s *Server) adopt(c *conn) bool {
	tc, ok := c.nc.(*net.TCPConn)
	if !ok || len(s.loops) == 0 {
		return false
	}
	lp := s.loops[s.nextLoop.Add(1)%uint32(len(s.loops))]
	fd, err := dupSocket(tc)
	if err != nil {
		s.log.Warn("serving a client on a goroutine of its own", "addr", c.addr, "err", err)
		return false
	}
	c.mu.Lock()
	c.fd, c.lp = fd, lp
	c.mu.Unlock()
	if !lp.add(c) {
		c.mu.Lock()
		c.fd, c.lp = -1, nil
		c.mu.Unlock()
		syscall.Close(fd)
		return false
	}
	// The loop has its own descriptor of the socket.
	tc.Close()
	return true
}

// dupSocket returns a descriptor of its own for tc's socket,
// non-blocking and closed on exec.
func dupSocket(tc *net.TCPConn) (int, error) {
	rc, err := tc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	var derr error
	err = rc.Control(func(s uintptr) {
		r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, s, syscall.F_DUPFD_CLOEXEC, 0)
		if errno != 0 {
			derr = os.NewSyscallError("fcntl", errno)
			return
		}
		fd = int(r)
	})
	if err == nil {
		err = derr
	}
	if err == nil {
		err = syscall.SetNonblock(fd, true)
	}
	if err != nil && fd >= 0 {
		syscall.Close(fd)
		fd = -1
	}
	return fd, err
}

// add queues c for the loop to take in; false if the loop has ended.
func (lp *loop) add(c *conn) bool {
	lp.mu.Lock()
	if lp.stopped {
		lp.mu.Unlock()
		return false
	}
	lp.added = append(lp.added, c)
	lp.signalLocked()
	return true
}

// wake has the loop look at c soon: for pushes to write, a kill, a new
// timeout, Shutdown. Safe from any goroutine.
func (lp *loop) wake(c *conn) {
	lp.mu.Lock()
	lp.woken = append(lp.woken, c)
	lp.signalLocked()
}

// wakeLoop has the loop look at the server's state: it is stopping.
func (lp *loop) wakeLoop() {
	lp.mu.Lock()
	lp.signalLocked()
}

// signalLocked writes to the eventfd, once until the loop reads it, and
// unlocks lp.mu. It writes under the lock, which stop takes to close the
// eventfd.
func (lp *loop) signalLocked() {
	defer lp.mu.Unlock()
	if lp.signal || lp.stopped {
		return
	}
	lp.signal = true
	one := [8]byte{1}
	syscall.Write(lp.evfd, one[:])
}

// run is the loop's goroutine.
func (lp *loop) run() {
	defer lp.srv.wg.Done()
	rc, err := lp.ep.SyscallConn()
	if err != nil {
		lp.srv.log.Error("event loop ended", "err", err)
		lp.stop()
		return
	}
	for {
		n := lp.wait(rc)
		lp.now = int64(time.Since(epoch))
		for _, ev := range lp.events[:n] {
			if ev.Fd == int32(lp.evfd) {
				lp.woke()
				continue
			}
			if c := lp.conns[ev.Fd]; c != nil {
				lp.event(c, ev.Events)
			}
		}
		lp.idle()
		if lp.ended() {
			return
		}
		// Let the rest of the program have the thread between rounds, as
		// Redis runs its timers between rounds of its loop: the engine's
		// clock and expiry cycle, clients served on goroutines of their
		// own (a subscriber, a blocked pop). Under load the loop would
		// otherwise keep it until the scheduler preempts it, 10 ms on.
		runtime.Gosched()
	}
}

// wait returns the number of events ready, parking in Go's poller until
// there are some, or until it is time to look for idle clients.
func (lp *loop) wait(rc syscall.RawConn) int {
	n := lp.poll()
	if n > 0 {
		return n
	}
	// Look again for a little while before parking: a client that has
	// just had its reply often sends its next command within
	// microseconds, and parking and waking again costs more than that.
	for start := time.Now(); time.Since(start) < spinFor; {
		runtime.Gosched() // let the rest of the program run meanwhile
		if n = lp.poll(); n > 0 {
			return n
		}
	}
	var deadline time.Time
	if t := lp.idleTimeout(); t > 0 {
		deadline = lp.scan.Add(scanPeriod(t))
	}
	if !deadline.Equal(lp.deadline) {
		lp.deadline = deadline
		lp.ep.SetReadDeadline(deadline)
	}
	err := rc.Read(func(uintptr) bool {
		n = lp.poll()
		return n > 0
	})
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		// Go's poller will not wait on the set: wait in the kernel,
		// briefly, so that idle clients are still looked for.
		n, _ = syscall.EpollWait(lp.epfd, lp.events, 100)
	}
	return max(n, 0)
}

// poll returns the events ready now, without waiting.
func (lp *loop) poll() int {
	for {
		n, err := syscall.EpollWait(lp.epfd, lp.events, 0)
		if err != syscall.EINTR {
			return n
		}
	}
}

// woke takes in the connections handed to the loop and looks at those
// other goroutines woke it for.
func (lp *loop) woke() {
	var b [8]byte
	syscall.Read(lp.evfd, b[:])
	lp.mu.Lock()
	lp.signal = false
	added := lp.added
	lp.added = nil
	woken := lp.woken
	lp.woken, lp.spare = lp.spare[:0], nil
	lp.mu.Unlock()
	for _, c := range added {
		lp.take(c)
	}
	for i, c := range woken {
		if lp.conns[int32(c.fd)] == c {
			lp.look(c)
		}
		woken[i] = nil
	}
	lp.mu.Lock()
	if cap(woken) <= 1024 {
		lp.spare = woken[:0]
	}
	lp.mu.Unlock()
}

// take puts a new connection in the epoll set.
func (lp *loop) take(c *conn) {
	c.active = lp.now
	lp.conns[int32(c.fd)] = c
	if err := lp.watch(c, syscall.EPOLL_CTL_ADD, syscall.EPOLLIN); err != nil {
		lp.srv.log.Warn("closing client the event loop cannot watch", "addr", c.addr, "err", err)
		lp.close(c)
		return
	}
	lp.look(c) // it may have been killed, or sent input, meanwhile
}

// watch sets which events of c's socket the loop waits for.
func (lp *loop) watch(c *conn, op int, events uint32) error {
	ev := syscall.EpollEvent{Events: events, Fd: int32(c.fd)}
	return os.NewSyscallError("epoll_ctl", syscall.EpollCtl(lp.epfd, op, c.fd, &ev))
}

// look does what other goroutines may want of c: close it when killed or
// at Shutdown, write the pushes queued for it.
func (lp *loop) look(c *conn) {
	switch {
	case lp.dead(c):
		lp.close(c)
	case lp.srv.draining.Load():
		if len(c.out) == 0 {
			lp.close(c) // else once the replies it is owed are written
		}
	case c.closing:
	case c.pending.Load() && len(c.out) == 0:
		lp.flush(c)
	}
}

// dead reports whether c was killed.
func (lp *loop) dead(c *conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dead
}

// event handles what epoll reported for c's socket.
func (lp *loop) event(c *conn, events uint32) {
	defer func() {
		if p := recover(); p != nil {
			lp.srv.log.Error("connection panicked; closing it", "addr", c.addr, "panic", p, "stack", string(debug.Stack()))
			lp.close(c)
		}
	}()
	if lp.dead(c) {
		lp.close(c)
		return
	}
	if len(c.out) > 0 {
		// Waiting for the socket to take the replies it is owed; input
		// waits meanwhile.
		if err := lp.send(c); err != nil {
			lp.close(c)
			return
		}
		if len(c.out) > 0 {
			return
		}
		if c.closing || lp.srv.draining.Load() {
			lp.close(c)
			return
		}
		if err := lp.watch(c, syscall.EPOLL_CTL_MOD, syscall.EPOLLIN); err != nil {
			lp.close(c)
			return
		}
		lp.serve(c) // commands that arrived while the replies waited
		return
	}
	if lp.srv.draining.Load() {
		lp.close(c) // commands not started are dropped at Shutdown
		return
	}
	switch err := c.r.Fill(); {
	case err == nil:
		c.active = lp.now
	case err == errWouldBlock:
	default:
		// The client left, or broke the connection; the commands it sent
		// whole were served when they arrived.
		if errors.Is(err, errQueryBuffer) {
			c.readFailed(err)
		}
		lp.close(c)
		return
	}
	lp.serve(c)
}

// serve runs the commands that lie whole in c's buffer, writes their
// replies, and the pushes queued for it.
func (lp *loop) serve(c *conn) {
	s := lp.srv
	for {
		if len(c.out) > 0 {
			// The client is not reading: read no more from it until it
			// has taken its replies, as a goroutine blocked writing
			// would not.
			lp.flush(c)
			return
		}
		switch c.r.Ready() {
		case resp.Incomplete:
			lp.flush(c)
			return
		case resp.Unknown:
			lp.migrate(c, nil)
			return
		}
		cmds, err := c.r.ReadCommands(maxPipeline)
		if err == errWouldBlock {
			lp.flush(c) // only empty commands were buffered
			return
		}
		if err != nil {
			c.readFailed(err)
			lp.finish(c)
			return
		}
		c.cmdStart = c.in - int64(c.r.Buffered())
		held := len(cmds)
		for i, args := range cmds {
			if engine.Holds(args) {
				held = i
				break
			}
		}
		s.eng.ExecBatch(c.sess, cmds[:held], c.replyTo)
		if c.sess.Quitting() {
			lp.finish(c)
			return
		}
		if held < len(cmds) {
			lp.migrate(c, cmds[held:])
			return
		}
	}
}

// finish closes c once it has taken the replies it is owed.
func (lp *loop) finish(c *conn) {
	lp.flush(c)
	if len(c.out) > 0 {
		c.closing = true
		return
	}
	lp.close(c)
}

// flush writes c's pending pushes and buffered replies, and waits for the
// socket to take what it would not take now.
func (lp *loop) flush(c *conn) {
	if c.pending.Load() {
		c.writeQueue(false)
	}
	if c.w.Buffered() > 0 {
		if err := c.w.Flush(); err != nil {
			lp.close(c)
			return
		}
	}
	if len(c.out) > 0 {
		if err := lp.watch(c, syscall.EPOLL_CTL_MOD, syscall.EPOLLOUT); err != nil {
			lp.close(c)
		}
	}
}

// send writes what the socket did not take before.
func (lp *loop) send(c *conn) error {
	n, err := write(c.fd, c.out)
	c.out = c.out[:copy(c.out, c.out[n:])]
	if len(c.out) == 0 && cap(c.out) > 64<<10 {
		c.out = nil
	}
	return err
}

// write writes p to the socket fd, as much as it takes now.
func write(fd int, p []byte) (int, error) {
	for {
		n, err := syscall.Write(fd, p)
		switch err {
		case nil:
			return n, nil
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return 0, nil
		default:
			return 0, err
		}
	}
}

// readNow is conn.Read in a loop: one read of what the socket holds.
func (c *conn) readNow(p []byte) (int, error) {
	for {
		n, err := syscall.Read(c.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return 0, errWouldBlock
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, c.received(n)
	}
}

// writeNow is conn.Write in a loop: what the socket does not take now is
// kept, after anything kept before, for the loop to write when it can.
func (c *conn) writeNow(p []byte) (int, error) {
	rest := p
	if len(c.out) == 0 {
		n, err := write(c.fd, p)
		if err != nil {
			return 0, err
		}
		rest = p[n:]
	}
	c.out = append(c.out, rest...)
	return len(p), nil
}

// migrate hands c to a goroutine of its own, for good, to run rest
// (commands read already) and all that follows.
func (lp *loop) migrate(c *conn, rest [][][]byte) {
	delete(lp.conns, int32(c.fd))
	syscall.EpollCtl(lp.epfd, syscall.EPOLL_CTL_DEL, c.fd, nil)
	f := os.NewFile(uintptr(c.fd), "")
	nc, err := net.FileConn(f) // a descriptor of its own, in Go's poller
	f.Close()
	c.mu.Lock()
	c.fd, c.lp = -1, nil
	if err != nil || c.dead {
		c.mu.Unlock()
		if err != nil {
			lp.srv.log.Warn("closing client the event loop could not hand over", "addr", c.addr, "err", err)
		} else {
			nc.Close()
		}
		lp.end(c)
		return
	}
	c.nc, c.raw = nc, nc
	c.mu.Unlock()
	out := c.out
	c.out = nil
	go func() {
		defer c.end()
		defer c.close()
		if len(out) > 0 {
			if _, err := nc.Write(out); err != nil {
				c.sess.Close()
				return
			}
		}
		c.run(rest)
	}()
}

// close closes c's socket and ends it.
func (lp *loop) close(c *conn) {
	if lp.conns[int32(c.fd)] != c {
		return // closed already
	}
	delete(lp.conns, int32(c.fd))
	c.mu.Lock()
	c.drop()
	reset := c.reset
	c.mu.Unlock()
	if reset {
		syscall.SetsockoptLinger(c.fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
	}
	syscall.Close(c.fd)
	c.mu.Lock()
	c.fd, c.lp = -1, nil
	c.mu.Unlock()
	lp.end(c)
}

// end ends c's session and takes it off the server's books.
func (lp *loop) end(c *conn) {
	c.sess.Close()
	c.end()
}

// idle closes clients idle longer than the timeout, when it is time to
// look for them.
func (lp *loop) idle() {
	t := lp.idleTimeout()
	if t <= 0 {
		return
	}
	now := time.Now()
	if now.Sub(lp.scan) < scanPeriod(t) {
		return
	}
	lp.scan = now
	mono := int64(now.Sub(epoch))
	for _, c := range lp.conns {
		if len(c.out) == 0 && mono-c.active >= int64(t) && !c.exempt() {
			lp.srv.log.Debug("closing idle client", "addr", c.addr)
			lp.close(c)
		}
	}
}

// idleTimeout returns the server's timeout.
func (lp *loop) idleTimeout() time.Duration { return time.Duration(lp.srv.timeout.Load()) }

// scanPeriod is how often a loop looks for clients idle longer than t: a
// tenth of it, within 1 ms and 100 ms.
func scanPeriod(t time.Duration) time.Duration {
	return min(max(t/10, time.Millisecond), 100*time.Millisecond)
}

// ended reports whether the loop is done: the server is closing and it
// serves no one. It then refuses more connections and releases its
// descriptors.
func (lp *loop) ended() bool {
	if !lp.srv.stopping.Load() || len(lp.conns) > 0 {
		return false
	}
	lp.mu.Lock()
	if len(lp.added) > 0 {
		lp.mu.Unlock()
		return false
	}
	lp.mu.Unlock()
	lp.stop()
	return true
}

// stop refuses more connections and closes the loop's descriptors.
func (lp *loop) stop() {
	lp.mu.Lock()
	lp.stopped = true
	syscall.Close(lp.evfd)
	lp.mu.Unlock()
	lp.ep.Close()
}
