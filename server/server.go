package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/photondb/photon/engine"
)

// Defaults for the zero values of Options. They are Redis 7's, except
// OutputBufferLimit: Redis lets a normal client's output grow without
// bound; PhotonDB caps the replies waiting for any client.
const (
	DefaultMaxClients        = 10000     // maxclients
	DefaultMaxQueryBuffer    = 1 << 30   // client-query-buffer-limit
	DefaultMaxBulk           = 512 << 20 // proto-max-bulk-len
	DefaultOutputBufferLimit = 256 << 20 // client-output-buffer-limit normal, hard
)

// BufferLimit is one class of client-output-buffer-limit: a client is
// closed when its waiting output exceeds Hard bytes, or stays above Soft
// bytes for Seconds. Zero disables either limit.
type BufferLimit struct{ Hard, Soft, Seconds int64 }

// DefaultPubSubLimit is Redis's "pubsub 32mb 8mb 60".
var DefaultPubSubLimit = BufferLimit{Hard: 32 << 20, Soft: 8 << 20, Seconds: 60}

// Options configure a Server. The zero value serves without snapshots,
// with Redis's default limits and protected mode off.
type Options struct {
	Save   []SaveRule   // snapshot in the background when one matches, as redis.conf's save points; none disables
	Logger *slog.Logger // slog.Default() when nil

	MaxClients int           // maxclients: more connections are refused; DefaultMaxClients when 0
	Timeout    time.Duration // timeout: close a client idle this long; 0 never does

	// MaxQueryBuffer is client-query-buffer-limit: a client whose command
	// being read, with any input received after it, grows beyond this many
	// bytes is closed without a reply, as Redis closes it.
	// DefaultMaxQueryBuffer when 0.
	MaxQueryBuffer int64
	// MaxBulk is proto-max-bulk-len: a longer bulk string is a protocol
	// error. DefaultMaxBulk when 0.
	MaxBulk int64
	// OutputBufferLimit caps, in bytes (estimated), the out-of-band
	// replies (MONITOR lines, pub/sub messages) waiting to be written to
	// one client; a client whose backlog would exceed it is closed.
	// DefaultOutputBufferLimit when 0.
	OutputBufferLimit int64
	// PubSubLimit is client-output-buffer-limit's pubsub class, for the
	// messages waiting for a subscribed client; DefaultPubSubLimit when
	// nil.
	PubSubLimit *BufferLimit

	// ProtectedMode refuses clients from addresses other than 127.0.0.1,
	// ::1 and Unix sockets while the default user has no password, with
	// Redis's -DENIED message. Like Redis 7.0, it compares addresses
	// exactly: 127.0.0.2 is refused.
	ProtectedMode bool
	// HasPassword reports whether the default user has a password now;
	// nil means it never has.
	HasPassword func() bool

	// EventLoops is how many event loops serve plain TCP clients (Linux
	// only), each on one goroutine, as Redis's event loop does; 0 means
	// one, and a negative number none: each client then has a goroutine
	// of its own, as TLS clients and the shell always have.
	EventLoops int
}

// Server serves one engine to many clients.
type Server struct {
	eng  *engine.Engine
	opts Options
	log  *slog.Logger

	// Settings CONFIG SET may change while clients are served.
	maxClients  atomic.Int64
	timeout     atomic.Int64 // a time.Duration
	outLimit    atomic.Int64
	pubsubLimit atomic.Pointer[BufferLimit]
	protected   atomic.Bool

	draining atomic.Bool // Shutdown has begun: finish the command at hand, then close
	stopping atomic.Bool // Close or Shutdown has begun: loops end once they serve no one

	loops    []*loop // event loops serving plain TCP clients; none: a goroutine each
	nextLoop atomic.Uint32

	mu       sync.Mutex
	ln       net.Listener
	conns    map[*conn]struct{} // every connection with a goroutine, refused ones too
	clients  int                // connections counted against maxclients
	closed   bool               // no more connections are accepted
	wg       sync.WaitGroup     // connection goroutines and the snapshot schedule
	stop     chan struct{}      // closed to end the snapshot schedule
	stopOnce sync.Once
}

// New returns a server for e.
func New(e *engine.Engine, o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxClients <= 0 {
		o.MaxClients = DefaultMaxClients
	}
	if o.MaxQueryBuffer <= 0 {
		o.MaxQueryBuffer = DefaultMaxQueryBuffer
	}
	if o.MaxBulk <= 0 {
		o.MaxBulk = DefaultMaxBulk
	}
	if o.OutputBufferLimit <= 0 {
		o.OutputBufferLimit = DefaultOutputBufferLimit
	}
	s := &Server{eng: e, opts: o, log: o.Logger, conns: map[*conn]struct{}{}, stop: make(chan struct{})}
	s.maxClients.Store(int64(o.MaxClients))
	s.timeout.Store(int64(max(o.Timeout, 0)))
	s.outLimit.Store(o.OutputBufferLimit)
	if o.PubSubLimit == nil {
		o.PubSubLimit = &DefaultPubSubLimit
	}
	s.pubsubLimit.Store(o.PubSubLimit)
	s.protected.Store(o.ProtectedMode)
	// The schedule runs even without rules: CONFIG SET save may add some.
	s.wg.Add(1)
	go s.saveLoop()
	if o.EventLoops == 0 {
		o.EventLoops = 1
	}
	s.startLoops(o.EventLoops)
	return s
}

// SetMaxClients changes maxclients for connections accepted from now on;
// n <= 0 means DefaultMaxClients. Clients already connected stay.
func (s *Server) SetMaxClients(n int) {
	if n <= 0 {
		n = DefaultMaxClients
	}
	s.maxClients.Store(int64(n))
}

// SetTimeout changes how long a client may stay idle before it is
// closed, for every client including those connected now; 0 turns the
// timeout off.
func (s *Server) SetTimeout(d time.Duration) {
	s.timeout.Store(int64(max(d, 0)))
	// Clients waiting for input hold a read deadline computed from the
	// old value: wake them to compute it again.
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.ready.Load() {
			c.interrupt()
		}
	}
}

// SetOutputBufferLimit changes the limit on the out-of-band replies
// waiting for one client, for the replies pushed from now on; n <= 0
// means DefaultOutputBufferLimit.
func (s *Server) SetOutputBufferLimit(n int64) {
	if n <= 0 {
		n = DefaultOutputBufferLimit
	}
	s.outLimit.Store(n)
}

// SetPubSubLimit changes the limit on the messages waiting for a
// subscribed client, for the messages pushed from now on.
func (s *Server) SetPubSubLimit(l BufferLimit) { s.pubsubLimit.Store(&l) }

// SetProtectedMode turns protected mode on or off for connections
// accepted from now on.
func (s *Server) SetProtectedMode(on bool) { s.protected.Store(on) }

// ErrClosed is returned by Serve after Close or Shutdown.
var ErrClosed = errors.New("server closed")

// Serve accepts connections on ln until Close or Shutdown. It returns
// ErrClosed after those, or the error that stopped accepting. ln may be a
// TLS listener (tls.NewListener): each connection's handshake then runs
// in its own goroutine, so a slow handshake holds up no one else.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrClosed
	}
	s.ln = ln
	s.mu.Unlock()
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return ErrClosed
			}
			if !retryAccept(err) {
				return err
			}
			// Out of file descriptors, or a connection that died in
			// the backlog: keep serving the clients there are, and try
			// again a little later, as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed; retrying", "err", err, "in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		s.ServeConn(c)
	}
}

// retryAccept reports whether Accept may succeed later after err.
func retryAccept(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM) ||
		errors.Is(err, syscall.ECONNABORTED)
}

// ServeConn serves one connection in a new goroutine. The shell uses it
// with one end of a net.Pipe, so that it speaks to its engine exactly as
// a remote client does.
//
// A connection beyond maxclients is told so and closed, as Redis does
// (over TLS it is closed before the handshake, with no message).
func (s *Server) ServeConn(nc net.Conn) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	c := newConn(s, nc)
	refused := int64(s.clients) >= s.maxClients.Load()
	if !refused {
		s.clients++
	}
	c.counted = !refused
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		if refused {
			c.refuseMaxClients()
			c.end()
			return
		}
		if !c.serve() {
			c.end()
		}
	}()
}

// Addr returns the listener's address, or nil before Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// stopAccepting closes the listener and the snapshot schedule; no new
// connection is served after it.
func (s *Server) stopAccepting() error {
	s.closed = true
	s.stopOnce.Do(func() { close(s.stop) })
	s.stopping.Store(true)
	for _, lp := range s.loops {
		lp.wakeLoop()
	}
	if s.ln == nil {
		return nil
	}
	if err := s.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// Close stops accepting, closes every connection at once (a command
// running finishes, but its reply is lost) and the snapshot schedule, and
// waits for their goroutines to end. It may follow Shutdown, to cut one
// short.
func (s *Server) Close() error {
	s.mu.Lock()
	var err error
	if !s.closed {
		err = s.stopAccepting()
	}
	for c := range s.conns {
		c.kill()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// Shutdown closes the server gracefully: it stops accepting, lets each
// connection finish the command it is running and write the replies it
// owes (commands received but not started are dropped, as Redis drops
// them when it exits), then closes it. It returns nil once every
// connection's goroutine has ended, or, when ctx ends first, closes the
// remaining connections at once and returns ctx's error without waiting
// for a command still running.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	var err error
	if !s.closed {
		err = s.stopAccepting()
	}
	s.draining.Store(true)
	for c := range s.conns {
		c.interrupt()
	}
	s.mu.Unlock()
	s.eng.DropBlocked()

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return err
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.kill()
		}
		s.mu.Unlock()
		return ctx.Err()
	}
}
