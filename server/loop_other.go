//go:build !linux

package server

// loop is Linux's event loop (loop_linux.go). Elsewhere each client has a
// goroutine of its own, and none of these is reached.
type loop struct{}

func (s *Server) startLoops(int)   {}
func (s *Server) adopt(*conn) bool { return false }
func (lp *loop) wake(*conn)        {}
func (lp *loop) wakeLoop()         {}

func (c *conn) readNow([]byte) (int, error)  { panic("server: no event loop") }
func (c *conn) writeNow([]byte) (int, error) { panic("server: no event loop") }
