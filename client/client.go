package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/photondb/photon/resp"
)

// DialTimeout is how long Dial waits for a TCP connection.
const DialTimeout = 5 * time.Second

// These errors can occur when a Client sends a command or reads a reply.
var (
	// ErrServerClosed means the server closed the connection: the reply
	// never came, or came only in part.
	ErrServerClosed = errors.New("server closed the connection")

	// ErrNoCommand means Do, DoArgs or Send was called without arguments;
	// a server does not answer an empty command, so it is not sent.
	ErrNoCommand = errors.New("no command to send")
)

// Client is a connection to a RESP server.
//
// Do and DoArgs may be called from several goroutines: each round trip
// holds the connection until its reply arrives. Send and Receive leave
// the pairing of commands and replies to the caller. Close may be called
// at any time, also to interrupt a goroutine waiting in Receive.
type Client struct {
	conn net.Conn
	addr string

	rmu sync.Mutex // held while reading a reply; Do holds it for the whole round trip
	r   *resp.Reader

	wmu sync.Mutex // held while writing or flushing commands
	w   *resp.Writer

	emu sync.Mutex
	err error // first connection or protocol failure; the Client is unusable after it
}

// Dial connects to a server at addr ("host:port") over TCP, waiting at
// most DialTimeout.
func Dial(addr string) (*Client, error) {
	conn, err := net.DialTimeout("tcp", addr, DialTimeout)
	if err != nil {
		return nil, err
	}
	c := New(conn)
	c.addr = addr
	return c, nil
}

// DialTLS connects to a server at addr ("host:port") over TLS with
// config, waiting at most DialTimeout for the connection and the
// handshake.
func DialTLS(addr string, config *tls.Config) (*Client, error) {
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: DialTimeout}, Config: config}
	ctx, cancel := context.WithTimeout(context.Background(), DialTimeout)
	defer cancel()
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c := New(conn)
	c.addr = addr
	return c, nil
}

// New returns a Client that talks over conn, which may be any connection,
// such as one end of net.Pipe. The Client owns conn and closes it in
// Close.
func New(conn net.Conn) *Client {
	addr := ""
	if ra := conn.RemoteAddr(); ra != nil {
		addr = ra.String()
	}
	return &Client{
		conn: conn,
		addr: addr,
		r:    resp.NewReader(conn),
		w:    resp.NewWriter(conn),
	}
}

// Addr returns the address of the server: the one given to Dial, or the
// remote address of the connection given to New.
func (c *Client) Addr() string { return c.addr }

// Do sends a command made of args and returns its reply.
func (c *Client) Do(args ...string) (resp.Value, error) {
	if len(args) == 0 {
		return resp.Value{}, ErrNoCommand
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if err := c.write(func(w *resp.Writer) { w.WriteCommandStrings(args...) }, true); err != nil {
		return resp.Value{}, err
	}
	return c.read()
}

// DoArgs is Do for arguments that are byte slices. The Client does not
// keep args after it returns.
func (c *Client) DoArgs(args [][]byte) (resp.Value, error) {
	if len(args) == 0 {
		return resp.Value{}, ErrNoCommand
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if err := c.write(func(w *resp.Writer) { w.WriteCommand(args...) }, true); err != nil {
		return resp.Value{}, err
	}
	return c.read()
}

// Send buffers a command without waiting for its reply. Commands reach
// the server when the buffer fills, at Flush, or at the next Receive, Do
// or DoArgs. Each Send must be matched by one Receive, in order. The
// Client does not keep args after it returns.
func (c *Client) Send(args ...[]byte) error {
	if len(args) == 0 {
		return ErrNoCommand
	}
	return c.write(func(w *resp.Writer) { w.WriteCommand(args...) }, false)
}

// Flush sends the commands buffered by Send.
func (c *Client) Flush() error {
	return c.write(func(*resp.Writer) {}, true)
}

// Receive sends any commands still buffered, then reads the next reply:
// the reply to the oldest Send not yet received, or a message the server
// pushed on its own (a pub/sub message, for example).
func (c *Client) Receive() (resp.Value, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if err := c.write(func(*resp.Writer) {}, true); err != nil {
		return resp.Value{}, err
	}
	return c.read()
}

// Close closes the connection. Calls waiting for a reply return an error;
// later calls return an error that wraps net.ErrClosed.
func (c *Client) Close() error {
	c.emu.Lock()
	already := c.err != nil
	if !already {
		c.err = fmt.Errorf("connection to %s: %w", c.addr, net.ErrClosed)
	}
	c.emu.Unlock()
	err := c.conn.Close()
	if already {
		return nil // a failure closed the connection already
	}
	return err
}

// write runs fn on the Writer and flushes when flush is set or the buffer
// has filled. Any failure is kept and breaks the Client.
func (c *Client) write(fn func(*resp.Writer), flush bool) error {
	if err := c.failed(); err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	fn(c.w)
	if !flush || c.w.Buffered() == 0 {
		return nil
	}
	if err := c.w.Flush(); err != nil {
		return c.fail(fmt.Errorf("send to %s: %w", c.addr, peerClosed(err)))
	}
	return nil
}

// read reads one reply; c.rmu must be held.
func (c *Client) read() (resp.Value, error) {
	if err := c.failed(); err != nil {
		return resp.Value{}, err
	}
	v, err := c.r.ReadValue()
	if err != nil {
		return resp.Value{}, c.fail(fmt.Errorf("read reply from %s: %w", c.addr, peerClosed(err)))
	}
	return v, nil
}

// peerClosed returns ErrServerClosed for an end of input, and wraps
// ErrServerClosed around the errors a write or read gets from a
// connection the other side closed; other errors it returns unchanged.
func peerClosed(err error) error {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrServerClosed
	case errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrClosedPipe):
		return fmt.Errorf("%w: %w", ErrServerClosed, err)
	}
	return err
}

// failed returns the error that broke the Client, if any.
func (c *Client) failed() error {
	c.emu.Lock()
	defer c.emu.Unlock()
	return c.err
}

// fail records err as the reason the Client is broken and closes the
// connection: after a failed read or write, replies can no longer be
// matched to commands. It returns the first recorded error, which is err
// unless Close came first.
func (c *Client) fail(err error) error {
	c.emu.Lock()
	defer c.emu.Unlock()
	if c.err == nil {
		c.err = err
		c.conn.Close()
	}
	return c.err
}
