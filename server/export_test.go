package server

import "github.com/photondb/photon/engine"

// IsLocal is isLocal, for tests.
var IsLocal = isLocal

// WriteReply is writeReply, for benchmarks of a reply's encoding.
var WriteReply = writeReply

// Conn is a connection being served, as the engine reaches it through
// engine.ConnInfo, for tests.
type Conn struct{ c *conn }

// Serving returns the connections admitted and serving commands.
func (s *Server) Serving() []Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Conn
	for c := range s.conns {
		if c.ready.Load() {
			out = append(out, Conn{c})
		}
	}
	return out
}

// Push is ConnInfo.Push.
func (c Conn) Push(r engine.Reply) { c.c.push(r) }

// Kill is ConnInfo.Kill.
func (c Conn) Kill() { c.c.kill() }

// Done is closed when the connection's goroutine has ended.
func (c Conn) Done() <-chan struct{} { return c.c.done }

// Closed reports whether the connection refuses pushes because it is
// closing.
func (c Conn) Closed() bool {
	c.c.mu.Lock()
	defer c.c.mu.Unlock()
	return c.c.dead
}

// Queued returns the estimated bytes of pushes not yet written.
func (c Conn) Queued() int64 {
	c.c.mu.Lock()
	defer c.c.mu.Unlock()
	return c.c.queued
}

// InLoop reports whether an event loop serves the connection.
func (c Conn) InLoop() bool {
	c.c.mu.Lock()
	defer c.c.mu.Unlock()
	return c.c.lp != nil
}
