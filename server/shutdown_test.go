package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/server"
)

// pipeClient serves one end of a net.Pipe on srv and returns the other.
// On a pipe a write returns only when the server has read it, and the
// server's write of a reply stays blocked until the client has read it
// all: the test knows exactly where the connection's goroutine is.
func pipeClient(t testing.TB, srv *server.Server) net.Conn {
	t.Helper()
	client, end := net.Pipe()
	srv.ServeConn(end)
	t.Cleanup(func() { client.Close() })
	client.SetDeadline(time.Now().Add(30 * time.Second))
	return client
}

// midReply sets k to a large value through c, sends GET k and reads the
// first byte of the reply: the connection's goroutine is then blocked
// writing the rest. It returns the rest of the reply as it will arrive.
func midReply(t testing.TB, c net.Conn) string {
	t.Helper()
	value := strings.Repeat("v", 100<<10)
	if _, err := fmt.Fprintf(c, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n", len(value), value); err != nil {
		t.Fatal(err)
	}
	ok := make([]byte, 5)
	if _, err := io.ReadFull(c, ok); err != nil || string(ok) != "+OK\r\n" {
		t.Fatalf("SET: %q, %v", ok, err)
	}
	if _, err := io.WriteString(c, "GET k\r\n"); err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 1)
	if _, err := io.ReadFull(c, first); err != nil || first[0] != '$' {
		t.Fatalf("first byte of GET's reply: %q, %v", first, err)
	}
	return fmt.Sprintf("%d\r\n%s\r\n", len(value), value)
}

// Ensure that Shutdown lets a command in flight write its whole reply,
// closes idle connections, refuses new ones, and returns nil once every
// connection has ended.
func TestServer_Shutdown(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{})
	idle := dial(t, addr)
	if got := idle.do("PING"); got != "+PONG" {
		t.Fatal(got)
	}
	busy := pipeClient(t, srv)
	rest := midReply(t, busy)

	got := make(chan string, 1)
	go func() {
		b, err := io.ReadAll(busy) // until the server closes the pipe
		if err != nil {
			b = append(b, fmt.Sprintf("<%v>", err)...)
		}
		got <- string(b)
	}()
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if g := <-got; g != rest {
		t.Errorf("the reply in flight: got %d bytes ending %q, want %d bytes", len(g), g[max(len(g)-20, 0):], len(rest))
	}
	if g := readToClose(t, idle.c); g != "" {
		t.Errorf("idle client got %q", g)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("a connection was accepted after Shutdown")
	}
	late := pipeClient(t, srv)
	if _, err := io.WriteString(late, "PING\r\n"); err == nil {
		t.Error("a connection was served after Shutdown")
	}
}

// Ensure that pipelined replies written during Shutdown are whole: the
// connection stops between commands, never inside a reply, and commands
// received but not started are dropped. The replies to all of them would
// not fit in the sockets' buffers, so the server is still writing when
// Shutdown begins.
func TestServer_ShutdownPipeline(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{})
	c := dial(t, addr)
	value := strings.Repeat("v", 1<<20)
	if got := c.do("SET", "k", value); got != "+OK" {
		t.Fatal(got)
	}
	const n = 256 // MiB of replies
	for range n {
		c.w.WriteCommandStrings("GET", "k")
	}
	if err := c.w.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.r.ReadValue(); err != nil { // the server is writing
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(context.Background()) }()
	replies := 1
	for {
		v, err := c.r.ReadValue()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("after %d whole replies: %v", replies, err)
			}
			break
		}
		if string(v.Str) != value {
			t.Fatalf("reply %d is not the value", replies)
		}
		replies++
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if replies == n {
		t.Errorf("all %d pipelined commands were answered", n)
	}
	t.Logf("%d of %d pipelined commands answered", replies, n)
}

// Ensure that when ctx ends before the connections do, Shutdown closes
// them at once and returns ctx's error.
func TestServer_ShutdownDeadline(t *testing.T) {
	srv, _ := startServer(t, engine.Options{}, server.Options{})
	stuck := pipeClient(t, srv)
	midReply(t, stuck) // and never read the rest

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown = %v, want context.Canceled", err)
	}
	if _, err := io.ReadAll(stuck); err != nil {
		t.Errorf("reading after the forced close: %v", err)
	}
}
