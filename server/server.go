package server

import (
	"errors"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/resp"
)

// Options configure a Server. The zero value serves without snapshots.
type Options struct {
	SaveInterval time.Duration // snapshot in the background this often when data changed; 0 disables
	Logger       *slog.Logger  // slog.Default() when nil
}

// Server serves one engine to many clients.
type Server struct {
	eng  *engine.Engine
	opts Options
	log  *slog.Logger

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
	stop   chan struct{}
}

// New returns a server for e.
func New(e *engine.Engine, o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Server{eng: e, opts: o, log: o.Logger, conns: map[net.Conn]struct{}{}, stop: make(chan struct{})}
	if o.SaveInterval > 0 {
		s.wg.Add(1)
		go s.saveLoop()
	}
	return s
}

// ErrClosed is returned by Serve after Close.
var ErrClosed = errors.New("server closed")

// Serve accepts connections on ln until Close. It returns ErrClosed after
// Close, or the error that stopped accepting.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrClosed
	}
	s.ln = ln
	s.mu.Unlock()
	for {
		c, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return ErrClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return err
		}
		s.ServeConn(c)
	}
}

// ServeConn serves one connection in a new goroutine. The shell uses it
// with one end of a net.Pipe, so that it speaks to its engine exactly as
// a remote client does.
func (s *Server) ServeConn(c net.Conn) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.Close()
		}()
		s.handle(c)
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

// Close stops accepting, closes every connection and the snapshot
// schedule, and waits for their goroutines to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.stop)
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

// handle runs one connection: read as many commands as are buffered,
// execute each, and flush the replies once the input is drained.
func (s *Server) handle(c net.Conn) {
	sess := s.eng.NewSession()
	defer sess.Close()
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("connection panicked; closing it", "remote", c.RemoteAddr(), "panic", p, "stack", string(debug.Stack()))
		}
	}()
	r := resp.NewReader(c)
	w := resp.NewWriter(c)
	for {
		args, err := r.ReadCommand()
		if err != nil {
			var pe *resp.ProtocolError
			if errors.As(err, &pe) {
				w.WriteError("ERR " + pe.Error())
				w.Flush()
			}
			return
		}
		reply, err := s.eng.Exec(sess, args)
		w.Proto = sess.Proto()
		if err != nil {
			s.writeError(w, err)
		} else {
			writeReply(w, reply)
		}
		if sess.Quitting() {
			w.Flush()
			return
		}
		if r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return
			}
		}
	}
}

func (s *Server) writeError(w *resp.Writer, err error) {
	var ee *engine.Error
	if errors.As(err, &ee) {
		w.WriteError(ee.Error())
		return
	}
	s.log.Error("command failed", "err", err)
	w.WriteError("ERR internal error")
}

// writeReply encodes an engine reply; the Writer chooses RESP2 or RESP3.
func writeReply(w *resp.Writer, r engine.Reply) {
	switch r := r.(type) {
	case nil:
		w.WriteNull()
	case engine.Status:
		w.WriteSimple(string(r))
	case []byte:
		w.WriteBulk(r)
	case int64:
		w.WriteInt(r)
	case []engine.Reply:
		w.WriteArray(len(r))
		for _, e := range r {
			writeReply(w, e)
		}
	case engine.NullArray:
		w.WriteNullArray()
	case engine.Double:
		w.WriteDouble(float64(r))
	case engine.Map:
		w.WriteMap(len(r) / 2)
		for _, e := range r {
			writeReply(w, e)
		}
	case engine.Set:
		w.WriteSet(len(r))
		for _, e := range r {
			writeReply(w, e)
		}
	case engine.Push:
		w.WritePush(len(r))
		for _, e := range r {
			writeReply(w, e)
		}
	case engine.Verbatim:
		w.WriteVerbatim("txt", []byte(r))
	case *engine.Error:
		w.WriteError(r.Error())
	default:
		w.WriteError("ERR internal error: unknown reply type")
	}
}
