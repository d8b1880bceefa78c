package server_test

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/resp"
	"github.com/photondb/photon/server"
)

// serving returns the only connection srv serves.
func serving(t testing.TB, srv *server.Server) server.Conn {
	t.Helper()
	conns := srv.Serving()
	if len(conns) != 1 {
		t.Fatalf("%d connections serving, want 1", len(conns))
	}
	return conns[0]
}

// Ensure that pushes reach a client waiting for input, encoded for its
// protocol, and that a push that arrives while half a command has been
// received leaves that command intact.
func TestServer_Push(t *testing.T) {
	push := engine.Push{[]byte("message"), []byte("ch"), []byte("hello")}
	cases := []struct {
		name  string
		hello []string
		reply engine.Reply
		want  string
	}{
		{"MONITOR line", nil, engine.Status(`1700000000.000000 [0 127.0.0.1:1] "GET" "k"`), `+1700000000.000000 [0 127.0.0.1:1] "GET" "k"` + "\r\n"},
		{"RESP2 message", nil, push, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n"},
		{"RESP3 message", []string{"HELLO", "3"}, push, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, addr := startServer(t, engine.Options{}, server.Options{})
			c := dial(t, addr)
			if tc.hello != nil {
				c.send(tc.hello...)
				c.read()
			} else if got := c.do("PING"); got != "+PONG" {
				t.Fatal(got)
			}
			sc := serving(t, srv)
			br := c.r // replies so far were read through it; nothing is buffered past them
			if br.Buffered() != 0 {
				t.Fatalf("%d bytes buffered", br.Buffered())
			}
			raw := make([]byte, len(tc.want))

			sc.Push(tc.reply) // the connection waits for input
			if _, err := io.ReadFull(c.c, raw); err != nil || string(raw) != tc.want {
				t.Fatalf("push while idle: %q, %v; want %q", raw, err, tc.want)
			}

			io.WriteString(c.c, "*2\r\n$4\r\nECHO\r\n$5\r\nab") // half a command
			sc.Push(tc.reply)
			if _, err := io.ReadFull(c.c, raw); err != nil || string(raw) != tc.want {
				t.Fatalf("push mid-command: %q, %v; want %q", raw, err, tc.want)
			}
			io.WriteString(c.c, "cde\r\n")
			if got := show(c.read()); got != `"abcde"` {
				t.Errorf("command around the push: %s", got)
			}
		})
	}
}

// Ensure that a client that does not read its pushes is closed once they
// exceed the output buffer limit, that this is logged, and that the
// memory they held is returned; the server and its other clients go on.
func TestServer_PushOutputBufferLimit(t *testing.T) {
	const (
		limit = 4 << 20
		size  = 64 << 10
	)
	var logs safeBuffer
	srv, addr := startServer(t, engine.Options{}, server.Options{
		OutputBufferLimit: limit,
		Logger:            slog.New(slog.NewTextHandler(&logs, nil)),
	})
	slow := dial(t, addr)
	slow.c.(*net.TCPConn).SetReadBuffer(4 << 10)
	if got := slow.do("PING"); got != "+PONG" {
		t.Fatal(got)
	}
	sc := serving(t, srv)
	before := heapAlloc()

	// The socket buffers take what they can; then the queue grows until
	// the limit closes the client. Each push is a new value, as a
	// stream of pub/sub messages would be.
	pushes := 0
	for !sc.Closed() {
		if pushes == 100000 {
			t.Fatalf("still open after %d pushes of %d bytes", pushes, size)
		}
		if q := sc.Queued(); q > limit {
			t.Fatalf("%d bytes queued, over the limit of %d", q, limit)
		}
		sc.Push(bytes.Repeat([]byte{'x'}, size))
		pushes++
	}
	<-sc.Done()
	after := heapAlloc()
	if after > before+limit/2 {
		t.Errorf("heap %d bytes after the client was closed, %d before it filled its queue", after, before)
	}
	t.Logf("%d pushes of %d bytes; heap %d bytes before, %d after", pushes, size, before, after)
	if n, err := io.Copy(io.Discard, slow.c); isTimeout(err) {
		t.Errorf("slow client still open after %d bytes, %d pushes: %v", n, pushes, err)
	}
	if !strings.Contains(logs.String(), "output buffer limits") {
		t.Errorf("log has no output buffer line:\n%s", logs.String())
	}
	if got := dial(t, addr).do("PING"); got != "+PONG" {
		t.Errorf("PING from another client: %s", got)
	}
}

// Ensure that a MONITOR client that does not read is closed at the output
// buffer limit while the clients it watches are served on.
func TestServer_MonitorSlowConsumer(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{OutputBufferLimit: 1 << 20})
	mon := dial(t, addr)
	if got := mon.do("MONITOR"); got != "+OK" {
		t.Fatalf("MONITOR = %s", got)
	}
	sc := serving(t, srv)
	busy := dial(t, addr)
	value := strings.Repeat("x", 10<<10)
	for i := 0; !sc.Closed(); i++ {
		if i == 100000 {
			t.Fatalf("monitor still open after %d commands", i)
		}
		if got := busy.do("SET", "k", value); got != "+OK" {
			t.Fatalf("SET = %s", got)
		}
	}
	<-sc.Done()
	if got := busy.do("DBSIZE"); got != "1" {
		t.Errorf("DBSIZE = %s", got)
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// Ensure that SetOutputBufferLimit applies to the next push.
func TestServer_SetOutputBufferLimit(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{})
	c := dial(t, addr)
	if got := c.do("PING"); got != "+PONG" {
		t.Fatal(got)
	}
	sc := serving(t, srv)
	srv.SetOutputBufferLimit(1 << 10)
	sc.Push(bytes.Repeat([]byte{'x'}, 2<<10))
	if !sc.Closed() {
		t.Fatal("a push over the new limit did not close the client")
	}
	if got := readToClose(t, c.c); got != "" {
		t.Errorf("got %q", got)
	}
}

// Ensure that Kill (CLIENT KILL) closes a connection, and that pushes
// to it afterwards are dropped.
func TestServer_Kill(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{})
	c := dial(t, addr)
	if got := c.do("PING"); got != "+PONG" {
		t.Fatal(got)
	}
	sc := serving(t, srv)
	sc.Kill()
	if got := readToClose(t, c.c); got != "" {
		t.Errorf("got %q", got)
	}
	<-sc.Done()
	sc.Push(engine.Status("late"))
	sc.Kill()
}

// Ensure that replies and pushes never interleave inside a reply when
// pushes arrive while the client pipelines commands.
func TestServer_PushDuringPipeline(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{})
	c := dial(t, addr)
	if got := c.do("PING"); got != "+PONG" {
		t.Fatal(got)
	}
	sc := serving(t, srv)
	const n, pushes = 2000, 500
	value := strings.Repeat("v", 1000)
	go func() {
		for range pushes {
			sc.Push(engine.Status("push"))
		}
	}()
	w := resp.NewWriter(c.c)
	go func() {
		for range n {
			w.WriteCommandStrings("ECHO", value)
		}
		w.Flush()
	}()
	echoes, seen := 0, 0
	for echoes < n || seen < pushes {
		switch got := show(c.read()); got {
		case "+push":
			seen++
		case `"` + value + `"`:
			echoes++
		default:
			t.Fatalf("unexpected reply %.80s", got)
		}
	}
}
