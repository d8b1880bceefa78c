package client_test

import (
	"errors"
	"fmt"
	"net"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
)

// handler answers one command on w; returning false closes the connection
// after flushing what was written.
type handler func(w *resp.Writer, args [][]byte) bool

// newFake returns a Client connected over net.Pipe to a goroutine that
// reads commands and answers each one with h, as a server would, in RESP3.
func newFake(tb testing.TB, h handler) *client.Client {
	tb.Helper()
	cc, sc := net.Pipe()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer sc.Close()
		r := resp.NewReader(sc)
		w := resp.NewWriter(sc)
		w.Proto = 3
		for {
			args, err := r.ReadCommand()
			if err != nil {
				return
			}
			more := h(w, args)
			if !more || r.Buffered() == 0 {
				if w.Flush() != nil {
					return
				}
			}
			if !more {
				return
			}
		}
	}()
	c := client.New(cc)
	tb.Cleanup(func() {
		c.Close()
		wg.Wait()
	})
	return c
}

// echo answers GET-like commands with a fixed table and anything else
// with its own arguments as an array.
func echo(w *resp.Writer, args [][]byte) bool {
	switch strings.ToUpper(string(args[0])) {
	case "PING":
		w.WriteSimple("PONG")
	case "BAD":
		w.WriteError("ERR bad command")
	case "NIL":
		w.WriteNull()
	case "NUM":
		w.WriteInt(42)
	case "QUIT":
		w.WriteSimple("OK")
		return false
	case "GARBAGE":
		w.WriteRaw([]byte("?what\r\n"))
	default:
		w.WriteArray(len(args))
		for _, a := range args {
			w.WriteBulk(a)
		}
	}
	return true
}

func bulk(s string) resp.Value { return resp.Value{Kind: resp.BulkString, Str: []byte(s)} }

// Ensure that Do returns each kind of reply, and Redis errors as values.
func TestClient_Do(t *testing.T) {
	c := newFake(t, echo)
	tests := []struct {
		name string
		args []string
		want resp.Value
	}{
		{"status", []string{"PING"}, resp.Value{Kind: resp.SimpleString, Str: []byte("PONG")}},
		{"error reply", []string{"BAD"}, resp.Value{Kind: resp.Error, Str: []byte("ERR bad command")}},
		{"null", []string{"NIL"}, resp.Value{Kind: resp.Null}},
		{"integer", []string{"NUM"}, resp.Value{Kind: resp.Integer, Int: 42}},
		{"binary arguments", []string{"ECHO", "a b", "\r\n\x00", ""},
			resp.Value{Kind: resp.Array, Elems: []resp.Value{bulk("ECHO"), bulk("a b"), bulk("\r\n\x00"), bulk("")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Do(tt.args...)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// Ensure that DoArgs sends byte slices as they are.
func TestClient_DoArgs(t *testing.T) {
	c := newFake(t, echo)
	got, err := c.DoArgs([][]byte{[]byte("ECHO"), {0xff, 0x00}})
	if err != nil {
		t.Fatal(err)
	}
	want := resp.Value{Kind: resp.Array, Elems: []resp.Value{bulk("ECHO"), bulk("\xff\x00")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// Ensure that pipelined commands get their replies in order.
func TestClient_Pipeline(t *testing.T) {
	c := newFake(t, echo)
	const n = 100
	for i := range n {
		if err := c.Send([]byte("ECHO"), []byte(strconv.Itoa(i))); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	for i := range n {
		v, err := c.Receive()
		if err != nil {
			t.Fatalf("Receive %d: %v", i, err)
		}
		if got, want := string(v.Elems[1].Str), strconv.Itoa(i); got != want {
			t.Fatalf("reply %d: got %q, want %q", i, got, want)
		}
	}
	// Do still works after a pipeline.
	if v, err := c.Do("PING"); err != nil || string(v.Str) != "PONG" {
		t.Fatalf("Do after pipeline: %+v, %v", v, err)
	}
}

// Ensure that Do may be called from several goroutines at once.
func TestClient_Concurrent(t *testing.T) {
	c := newFake(t, echo)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				arg := fmt.Sprintf("%d-%d", g, i)
				v, err := c.Do("ECHO", arg)
				if err != nil {
					errs <- err
					return
				}
				if got := string(v.Elems[1].Str); got != arg {
					errs <- fmt.Errorf("got %q, want %q", got, arg)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Ensure that failures of the connection and the protocol are Go errors
// that stick: the Client is unusable after them.
func TestClient_Failures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(c *client.Client) // runs before the failing call
		args  []string
		check func(err error) bool
	}{
		{"server closed", func(c *client.Client) { c.Do("QUIT") }, []string{"PING"},
			func(err error) bool { return errors.Is(err, client.ErrServerClosed) }},
		{"protocol error", nil, []string{"GARBAGE"},
			func(err error) bool { var pe *resp.ProtocolError; return errors.As(err, &pe) }},
		{"closed locally", func(c *client.Client) { c.Close() }, []string{"PING"},
			func(err error) bool { return errors.Is(err, net.ErrClosed) }},
		{"no command", nil, nil,
			func(err error) bool { return errors.Is(err, client.ErrNoCommand) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newFake(t, echo)
			if tt.setup != nil {
				tt.setup(c)
			}
			_, err := c.Do(tt.args...)
			if err == nil || !tt.check(err) {
				t.Fatalf("Do: got error %v", err)
			}
			if len(tt.args) == 0 {
				return
			}
			// The failure sticks.
			if _, err2 := c.Do("PING"); err2 == nil || !tt.check(err2) {
				t.Errorf("second Do: got error %v, want the first one (%v)", err2, err)
			}
			if err := c.Send([]byte("PING")); err == nil {
				t.Errorf("Send after failure: no error")
			}
		})
	}
}

// Ensure that Close interrupts a goroutine waiting for a reply.
func TestClient_CloseWhileReceiving(t *testing.T) {
	c := newFake(t, func(w *resp.Writer, args [][]byte) bool { return true }) // never answers
	done := make(chan error)
	go func() {
		_, err := c.Do("BLPOP", "k", "0")
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Do: got %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Do still waiting after Close")
	}
}

// Ensure that the Client works against a real Redis, RESP2 and RESP3.
func TestClient_Redis(t *testing.T) {
	addr := startRedis(t)
	c, err := client.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Addr() != addr {
		t.Errorf("Addr: got %q, want %q", c.Addr(), addr)
	}
	tests := []struct {
		name string
		args []string
		want resp.Value
	}{
		{"set", []string{"SET", "k", "v\r\n"}, resp.Value{Kind: resp.SimpleString, Str: []byte("OK")}},
		{"get", []string{"GET", "k"}, bulk("v\r\n")},
		{"missing", []string{"GET", "nokey"}, resp.Value{Kind: resp.Null}},
		{"integer", []string{"RPUSH", "l", "a", "b"}, resp.Value{Kind: resp.Integer, Int: 2}},
		{"array", []string{"LRANGE", "l", "0", "-1"}, resp.Value{Kind: resp.Array, Elems: []resp.Value{bulk("a"), bulk("b")}}},
		{"error", []string{"LPUSH", "k", "x"},
			resp.Value{Kind: resp.Error, Str: []byte("WRONGTYPE Operation against a key holding the wrong kind of value")}},
		{"resp3 hello", []string{"HELLO", "3", "SETNAME", "t"}, resp.Value{}}, // checked below
		{"resp3 map", []string{"HGETALL", "nohash"}, resp.Value{Kind: resp.Map, Elems: []resp.Value{}}},
		{"resp3 double", []string{"ZINCRBY", "z", "1.5", "m"}, resp.Value{Kind: resp.Double, Float: 1.5, Str: []byte("1.5")}},
		{"resp3 null", []string{"GET", "nokey"}, resp.Value{Kind: resp.Null}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Do(tt.args...)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if tt.want.Kind == 0 {
				if got.Kind != resp.Map {
					t.Fatalf("got %+v, want a map", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	t.Run("pipeline", func(t *testing.T) {
		for range 1000 {
			if err := c.Send([]byte("INCR"), []byte("n")); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 1000 {
			v, err := c.Receive()
			if err != nil || v.Int != int64(i+1) {
				t.Fatalf("reply %d: %+v, %v", i, v, err)
			}
		}
	})
	t.Run("quit", func(t *testing.T) {
		c.Do("QUIT")
		if _, err := c.Do("PING"); !errors.Is(err, client.ErrServerClosed) {
			t.Errorf("Do after QUIT: got %v, want ErrServerClosed", err)
		}
	})
}

// Ensure that Dial reports a refused connection.
func TestDial_Refused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if c, err := client.Dial(addr); err == nil {
		c.Close()
		t.Fatal("Dial succeeded on a closed port")
	}
}

// startRedis starts a real redis-server for the test and returns its
// address (see internal/redistest).
func startRedis(tb testing.TB) string {
	tb.Helper()
	return redistest.Start(tb, "").Addr
}
