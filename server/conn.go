package server

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/resp"
)

// Messages Redis 7 sends before it closes a connection it refuses.
const (
	msgMaxClients = "-ERR max number of clients reached\r\n"
	msgDenied     = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. " +
		"In this mode connections are only accepted from the loopback interface. " +
		"If you want to connect from external computers to Redis you may adopt one of the following solutions: " +
		"1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, " +
		"however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
		"2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. " +
		"3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. " +
		"4) Setup a an authentication password for the default user. " +
		"NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"
)

// These errors end a connection's goroutine from inside conn.Read.
var (
	errShutdown    = errors.New("server shutting down")
	errIdle        = errors.New("client idle longer than timeout")
	errQueryBuffer = errors.New("client reached max query buffer length")
)

// stale marks a read deadline that has passed, whoever set it.
var stale = time.Unix(1, 0)

// conn is one client connection, served by one goroutine, or by an
// event loop until it needs a goroutine (loop_linux.go). What follows
// is how a goroutine serves it; the loop's doc tells how a loop does.
//
// Replies to commands are written by that goroutine, in order, through a
// buffered resp.Writer flushed when the input is drained: a client that
// sends without reading blocks only its own goroutine, on a full socket,
// and what it costs in memory is its buffers.
//
// Out-of-band replies (MONITOR lines, pub/sub messages) come from other
// goroutines through push. They wait in a queue bounded by the output
// buffer limit, and the connection's goroutine writes them too, so the
// socket keeps a single writer and the command path takes no lock. That
// goroutine is usually blocked reading: push wakes it by moving the read
// deadline into the past. conn.Read, which sits below the resp.Reader's
// buffer, absorbs the timeout, writes the queue and reads on, so a
// command half received is not disturbed. The same wake-up serves a
// change of timeout and Shutdown, and the read deadline is also how idle
// clients are noticed. A writer goroutine per connection in push mode
// would instead need a lock around the Writer for every reply, and its
// own start and stop; the deadline costs nothing until it is used.
type conn struct {
	srv     *Server
	nc      net.Conn // commands are read from it and replies written to it
	raw     net.Conn // the socket under nc (nc itself unless TLS): closing it never blocks
	addr    string   // the client's address, for logs
	r       *resp.Reader
	w       *resp.Writer
	sess    *engine.Session
	replyTo func(engine.Reply, error) // c.reply, made once
	ready   atomic.Bool               // admitted and serving commands; set once
	done    chan struct{}             // closed when the connection has ended
	counted bool                      // counted against maxclients; set before the connection starts

	// Set while an event loop serves the connection (loop_linux.go); nc
	// is closed then, and the loop owns the fields below. Other
	// goroutines read lp under mu, to tell the loop what they want.
	lp      *loop
	fd      int    // the socket, which the loop reads and writes without waiting
	out     []byte // replies the socket has not taken yet
	active  int64  // when input last came, in the loop's clock
	closing bool   // to be closed once out has gone
	reset   bool   // close with a reset, not a FIN; under mu

	// Owned by the connection's goroutine.
	in        int64     // bytes read from nc
	cmdStart  int64     // the value of in where the command being read began
	idleSince time.Time // when the goroutine began waiting for input; zero after input came
	deadline  time.Time // the read deadline this goroutine last set (stale after one passed); zero: none

	pending atomic.Bool // the queue holds pushes

	mu        sync.Mutex
	queue     []engine.Reply
	spare     []engine.Reply // the queue's second buffer, reused
	queued    int64          // estimated bytes of the queue and of the batch being written
	dead      bool           // closing or closed: pushes are dropped
	softSince time.Time      // when the queue went over the pubsub soft limit; zero while under it
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{srv: s, nc: nc, raw: nc, addr: nc.RemoteAddr().String(), fd: -1, done: make(chan struct{})}
	if tc, ok := nc.(*tls.Conn); ok {
		c.raw = tc.NetConn()
	}
	return c
}

// refuseMaxClients tells a connection beyond maxclients so and closes
// it. Like Redis, it writes once, without waiting for the client, and
// writes nothing on a TLS connection, whose handshake has not begun.
func (c *conn) refuseMaxClients() {
	c.srv.eng.CountRejected()
	c.srv.log.Debug("refused a connection: max number of clients reached", "addr", c.addr)
	defer c.raw.Close()
	if _, ok := c.nc.(*tls.Conn); ok {
		return
	}
	c.raw.SetWriteDeadline(time.Now().Add(time.Second))
	io.WriteString(c.raw, msgMaxClients)
}

// serve admits the client, then hands it to an event loop, or runs its
// commands until it leaves, breaks the protocol, or the server closes it.
// It reports whether a loop took the client, and with it the
// connection's end.
func (c *conn) serve() (adopted bool) {
	defer func() {
		if !adopted {
			c.close()
		}
	}()
	if tc, ok := c.nc.(*tls.Conn); ok {
		// The idle timeout bounds a handshake that never ends.
		if t := time.Duration(c.srv.timeout.Load()); t > 0 {
			tc.SetDeadline(time.Now().Add(t))
		}
		if err := tc.Handshake(); err != nil {
			c.srv.log.Debug("TLS handshake failed", "addr", c.addr, "err", err)
			return false
		}
		tc.SetDeadline(time.Time{})
	}
	if c.srv.protected.Load() && !c.srv.passwordSet() && !isLocal(c.nc.RemoteAddr()) {
		c.srv.eng.CountRejected()
		c.srv.log.Debug("refused a connection: protected mode", "addr", c.addr)
		io.WriteString(c.nc, msgDenied)
		return false
	}

	sess := c.srv.eng.NewSession()
	sess.SetConn(engine.ConnInfo{
		Addr:        c.addr,
		LocalAddr:   c.nc.LocalAddr().String(),
		Kill:        c.kill,
		Push:        c.push,
		WatchClosed: c.watchClosed,
	})
	c.sess = sess
	c.replyTo = c.reply
	c.r = resp.NewReader(c)
	c.r.MaxBulk = c.srv.opts.MaxBulk
	// Each command runs before the next is read and engine.Exec keeps no
	// argument, so the arguments can point into the read buffer.
	c.r.Borrow = true
	c.w = resp.NewWriter(c)
	c.ready.Store(true)
	if c.srv.adopt(c) {
		return true
	}
	c.run(nil)
	return false
}

// run serves the client on the calling goroutine until it leaves: first
// the commands in rest, read already, then what it sends. The session
// ends with it; the connection is closed by the caller.
func (c *conn) run(rest [][][]byte) {
	defer c.sess.Close()
	defer func() {
		if p := recover(); p != nil {
			c.srv.log.Error("connection panicked; closing it", "addr", c.addr, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	if len(rest) > 0 {
		c.srv.eng.ExecBatch(c.sess, rest, c.replyTo)
		if c.sess.Quitting() {
			c.w.Flush()
			return
		}
	}
	c.handle()
}

// handle runs the client's commands: read as many as are buffered and
// execute them as a batch (engine.ExecBatch); Read flushes the replies
// before it waits for input.
func (c *conn) handle() {
	s, r, w, sess := c.srv, c.r, c.w, c.sess
	for {
		cmds, err := r.ReadCommands(maxPipeline)
		if err != nil {
			c.readFailed(err)
			return
		}
		c.cmdStart = c.in - int64(r.Buffered())
		if s.draining.Load() {
			w.Flush()
			return
		}
		s.eng.ExecBatch(sess, cmds, c.replyTo)
		if sess.Quitting() {
			w.Flush()
			return
		}
		// Replies are flushed by Read, when the next command needs input
		// that has not arrived.
	}
}

// reply writes the reply to one command; it is ExecBatch's out.
func (c *conn) reply(rep engine.Reply, err error) {
	if c.pending.Load() && c.sess.Subscribed() {
		// Messages queued while the command ran (its own keyspace
		// events, say) go before its reply, where Redis's output
		// buffer holds them. A monitor's lines stay after it: Redis
		// feeds monitors once a command has answered.
		c.writeQueue(false)
	}
	c.w.Proto = c.sess.Proto()
	if err != nil {
		c.srv.writeError(c.w, err)
	} else {
		writeReply(c.w, rep)
	}
}

// maxPipeline is how many of a client's pipelined commands are read and
// run as one batch.
const maxPipeline = 64

// readFailed answers and logs what ended reading, before the connection
// is closed.
func (c *conn) readFailed(err error) {
	var pe *resp.ProtocolError
	switch {
	case errors.As(err, &pe):
		c.w.WriteError("ERR " + pe.Error())
		c.w.Flush()
	case errors.Is(err, errShutdown):
		c.w.Flush()
	case errors.Is(err, errQueryBuffer):
		// Redis logs this and closes without a reply.
		c.srv.log.Warn("closing client that reached max query buffer length",
			"addr", c.addr, "qbuf", c.in-c.cmdStart, "limit", c.srv.opts.MaxQueryBuffer)
	case errors.Is(err, errIdle):
		c.srv.log.Debug("closing idle client", "addr", c.addr)
	}
}

// Read reads client input for the resp.Reader. Around the read it writes
// queued pushes, stops at Shutdown, enforces the query buffer limit, and
// closes an idle client; the read deadlines used to wake it or time it
// out never reach the resp.Reader.
func (c *conn) Read(p []byte) (int, error) {
	if c.lp != nil {
		return c.readNow(p)
	}
	for {
		c.armTimeout()
		if c.pending.Load() {
			if err := c.writePushes(); err != nil {
				return 0, err
			}
		}
		if c.srv.draining.Load() {
			return 0, errShutdown
		}
		// Replies go out before the goroutine waits for more input, also
		// when the input ends in the middle of a command: pipelined
		// replies are flushed once per batch, and never held back.
		if c.w.Buffered() > 0 {
			if err := c.w.Flush(); err != nil {
				return 0, err
			}
			// Let the other clients run before this one reads on. A
			// client whose next pipeline is already there when its
			// replies have gone would otherwise keep the only thread
			// for the scheduler's whole 10 ms slice, and the network
			// would not be polled for the others meanwhile; Redis's
			// event loop serves every ready client each turn. Measured
			// with redis-benchmark -t hset -c 50 -P 16: p99 14-16 ms
			// (half the pipelines answered at once, the rest after a
			// slice) before, 3.7-4.4 ms after, redis-server 3.1-3.5 ms.
			runtime.Gosched()
		}
		n, err := c.nc.Read(p)
		if n > 0 {
			c.idleSince = time.Time{}
			if err := c.received(n); err != nil {
				return 0, err
			}
			if errors.Is(err, os.ErrDeadlineExceeded) {
				err = nil
			}
			return n, err
		}
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return n, err
		}
		// A wake-up, or the idle deadline.
		c.deadline = stale
		if t := c.timeout(); t > 0 && !c.idleSince.IsZero() && time.Since(c.idleSince) >= t {
			return 0, errIdle
		}
	}
}

// Write sends what the resp.Writer flushes: to the socket, or in an
// event loop as much as the socket takes now, keeping the rest.
func (c *conn) Write(p []byte) (int, error) {
	if c.lp != nil {
		return c.writeNow(p)
	}
	return c.nc.Write(p)
}

// received accounts for n bytes of input, and fails once the command
// being read, with the input after it, is over the query buffer limit.
func (c *conn) received(n int) error {
	c.in += int64(n)
	if c.in-c.cmdStart > c.srv.opts.MaxQueryBuffer {
		return errQueryBuffer
	}
	return nil
}

// timeout returns the idle timeout that applies to the client now, or 0.
func (c *conn) timeout() time.Duration {
	t := time.Duration(c.srv.timeout.Load())
	if t <= 0 || c.exempt() {
		return 0
	}
	return t
}

// exempt reports whether the client is in a push mode (MONITOR), where
// Redis does not time it out.
func (c *conn) exempt() bool { return c.sess.PushMode() }

// armTimeout sets the read deadline at which the client will have been
// idle for the timeout, or clears it. An earlier deadline still in force
// is kept: when it passes, Read finds the client not idle long enough and
// comes back here. So a busy client costs one clock reading per read,
// and a deadline change per timeout period at most.
func (c *conn) armTimeout() {
	t := c.timeout()
	if t == 0 {
		if !c.deadline.IsZero() {
			c.setDeadline(time.Time{})
		}
		return
	}
	now := time.Now()
	if c.idleSince.IsZero() {
		c.idleSince = now
	}
	want := c.idleSince.Add(t)
	if c.deadline.IsZero() || !c.deadline.After(now) || c.deadline.After(want) {
		c.setDeadline(want)
	}
}

func (c *conn) setDeadline(t time.Time) {
	c.deadline = t
	c.nc.SetReadDeadline(t)
}

// interrupt wakes the connection's goroutine if it is blocked reading,
// or makes its next read return at once; in an event loop, it has the
// loop look at the connection.
func (c *conn) interrupt() {
	c.mu.Lock()
	lp, nc := c.lp, c.nc
	c.mu.Unlock()
	if lp != nil {
		lp.wake(c)
		return
	}
	nc.SetReadDeadline(stale)
}

// push queues an out-of-band reply for the client; it is ConnInfo.Push.
// It never blocks on the client: a client whose queue would grow beyond
// the output buffer limit is closed instead, as Redis closes a client
// over its client-output-buffer-limit.
func (c *conn) push(r engine.Reply) {
	n := replySize(r)
	c.mu.Lock()
	if c.dead {
		c.mu.Unlock()
		return
	}
	if limit, over := c.overLimit(n); over {
		queued := c.queued
		c.drop()
		// What the kernel still holds for the client is of no use to
		// it now, and may be megabytes: reset the connection rather
		// than let an orphaned socket trickle it out.
		c.reset = true
		lp, raw := c.lp, c.raw
		c.mu.Unlock()
		c.srv.log.Warn("client closed for overcoming of output buffer limits",
			"addr", c.addr, "queued", queued, "limit", limit)
		if lp != nil {
			lp.wake(c)
			return
		}
		if tc, ok := raw.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		raw.Close()
		return
	}
	c.queue = append(c.queue, r)
	c.queued += n
	wake := !c.pending.Swap(true)
	c.mu.Unlock()
	if wake {
		c.interrupt()
	}
}

// overLimit reports whether n more bytes of pushes would put the client
// over its output buffer limit: a subscriber's is client-output-buffer-
// limit's pubsub class, hard or soft, everyone else's the normal class's
// hard limit. c.mu is held.
func (c *conn) overLimit(n int64) (limit int64, over bool) {
	after := c.queued + n
	if !c.sess.Subscribed() {
		limit = c.srv.outLimit.Load()
		return limit, after > limit
	}
	l := c.srv.pubsubLimit.Load()
	if l.Hard > 0 && after > l.Hard {
		return l.Hard, true
	}
	if l.Soft == 0 || after <= l.Soft {
		c.softSince = time.Time{}
		return l.Soft, false
	}
	now := time.Now()
	if c.softSince.IsZero() {
		c.softSince = now
	}
	return l.Soft, now.Sub(c.softSince) > time.Duration(l.Seconds)*time.Second
}

// writePushes writes the queued pushes and flushes them, with any replies
// buffered before them.
func (c *conn) writePushes() error { return c.writeQueue(true) }

// writeQueue writes the queued pushes, then flushes when flush is set;
// without it, a failed write shows at the next flush.
func (c *conn) writeQueue(flush bool) error {
	c.mu.Lock()
	batch, n := c.queue, c.queued
	c.queue, c.spare = c.spare, nil
	c.pending.Store(false)
	c.mu.Unlock()
	for _, r := range batch {
		writeReply(c.w, r)
	}
	var err error
	if flush {
		err = c.w.Flush()
	}
	clear(batch)
	c.mu.Lock()
	c.queued -= n
	if !c.dead && cap(batch) <= 1024 {
		c.spare = batch[:0]
	}
	c.mu.Unlock()
	return err
}

// kill closes the connection at once; it is ConnInfo.Kill, and safe to
// call from any goroutine, any number of times.
func (c *conn) kill() {
	c.mu.Lock()
	c.drop()
	lp, raw := c.lp, c.raw
	c.mu.Unlock()
	if lp != nil {
		lp.wake(c)
		return
	}
	raw.Close()
}

// drop discards the queue and refuses further pushes. c.mu is held.
func (c *conn) drop() {
	c.dead = true
	c.queue, c.spare, c.queued = nil, nil, 0
}

// close ends the connection once its goroutine is done with it.
func (c *conn) close() {
	c.mu.Lock()
	c.drop()
	c.mu.Unlock()
	c.nc.Close()
}

// end takes the closed connection off the server's books.
func (c *conn) end() {
	s := c.srv
	s.mu.Lock()
	delete(s.conns, c)
	if c.counted {
		s.clients--
	}
	s.mu.Unlock()
	close(c.done)
	s.wg.Done()
}

// replySize estimates the memory a queued reply holds, for the output
// buffer limit: its bytes plus a little for each value's header.
func replySize(r engine.Reply) int64 {
	const overhead = 16
	switch r := r.(type) {
	case engine.Status:
		return overhead + int64(len(r))
	case []byte:
		return overhead + int64(len(r))
	case *engine.Bulk:
		return overhead + int64(len(r.B))
	case engine.Verbatim:
		return overhead + int64(len(r))
	case *engine.Error:
		return overhead + int64(len(r.Msg))
	case []engine.Reply:
		return overhead + sumSizes(r)
	case engine.Bulks:
		return overhead + bulkSizes(r)
	case engine.BulkMap:
		return overhead + bulkSizes(r)
	case engine.Map:
		return overhead + sumSizes(r)
	case engine.Set:
		return overhead + sumSizes(r)
	case engine.Push:
		return overhead + sumSizes(r)
	case engine.Replies:
		return sumSizes(r)
	}
	return overhead
}

func bulkSizes(bs [][]byte) int64 {
	var n int64
	for _, b := range bs {
		n += 16 + int64(len(b))
	}
	return n
}

func sumSizes(rs []engine.Reply) int64 {
	var n int64
	for _, r := range rs {
		n += replySize(r)
	}
	return n
}

// passwordSet reports whether the default user has a password.
func (s *Server) passwordSet() bool { return s.opts.HasPassword != nil && s.opts.HasPassword() }

// isLocal reports whether a client at a is local as protected mode means
// it: exactly 127.0.0.1 or ::1, as Redis 7.0 compares them (127.0.0.2 is
// not), or not on a network at all (a Unix socket, net.Pipe).
func isLocal(a net.Addr) bool {
	var ip net.IP
	switch a := a.(type) {
	case *net.TCPAddr:
		ip = a.IP
	case *net.UDPAddr:
		ip = a.IP
	case *net.IPAddr:
		ip = a.IP
	case *net.UnixAddr:
		return true
	case nil:
		return false
	default:
		host, _, err := net.SplitHostPort(a.String())
		if ip = net.ParseIP(host); err != nil || ip == nil {
			return true
		}
	}
	return ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback)
}
