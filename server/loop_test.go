package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/resp"
	"github.com/photondb/photon/server"
)

// wantLoop reports whether the servers of this run serve plain TCP
// clients in an event loop (see TestMain).
func wantLoop() bool { return testLoops >= 0 && runtime.GOOS == "linux" }

// Ensure that a plain TCP client is served by an event loop, unless the
// run asks for a goroutine per client.
func TestLoop_ServesPlainTCPClients(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{})
	c := dial(t, addr)
	if got := c.do("PING"); got != "+PONG" {
		t.Fatal(got)
	}
	if got, want := serving(t, srv).InLoop(), wantLoop(); got != want {
		t.Errorf("in an event loop: %v, want %v", got, want)
	}
}

// Ensure that a client whose command may hold it (a blocking pop,
// SUBSCRIBE) is handed to a goroutine of its own with the commands it
// pipelined after that one, and that every reply comes in order.
func TestLoop_HandsOverHeldClients(t *testing.T) {
	cases := []struct {
		name     string
		pipeline string                      // sent in one write
		ready    int                         // replies that come before then
		then     func(other *conn)           // what another client does next
		want     []string                    // the replies, in order
		after    func(t *testing.T, c *conn) // checks the client still works
	}{
		{
			name:     "blocking pop",
			pipeline: "SET a 1\r\nBLPOP l 0\r\nGET a\r\nPING\r\n",
			ready:    1,
			then:     func(o *conn) { o.do("RPUSH", "l", "x") },
			want:     []string{"+OK", `5["l" "x"]`, `"1"`, "+PONG"},
		},
		{
			name:     "subscribe",
			pipeline: "PING\r\nSUBSCRIBE ch\r\n",
			ready:    2,
			then: func(o *conn) {
				if got := o.do("PUBLISH", "ch", "hi"); got != "1" {
					o.t.Errorf("PUBLISH: %s", got)
				}
			},
			want: []string{"+PONG", `5["subscribe" "ch" 1]`, `5["message" "ch" "hi"]`},
			after: func(t *testing.T, c *conn) {
				if got := c.do("UNSUBSCRIBE"); got != `5["unsubscribe" "ch" 0]` {
					t.Errorf("UNSUBSCRIBE: %s", got)
				}
				if got := c.do("GET", "a"); got != "(nil)" {
					t.Errorf("GET after UNSUBSCRIBE: %s", got)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, addr := startServer(t, engine.Options{}, server.Options{})
			c := dial(t, addr)
			if _, err := io.WriteString(c.c, tc.pipeline); err != nil {
				t.Fatal(err)
			}
			// The other client connects after these replies, so that the
			// first is the only one serving until then.
			var got []string
			for range tc.ready {
				got = append(got, show(c.read()))
			}
			sc := serving(t, srv)
			tc.then(dial(t, addr))
			for len(got) < len(tc.want) {
				got = append(got, show(c.read()))
			}
			if strings.Join(got, " | ") != strings.Join(tc.want, " | ") {
				t.Errorf("replies:\n got %s\nwant %s", strings.Join(got, " | "), strings.Join(tc.want, " | "))
			}
			if sc.InLoop() {
				t.Error("still in the event loop")
			}
			if tc.after != nil {
				tc.after(t, c)
			}
		})
	}
}

// Ensure that commands that arrive a byte at a time, and a command too
// large for the event loop's buffer among them, are served exactly as a
// whole pipeline is.
func TestLoop_CommandsInPieces(t *testing.T) {
	big := strings.Repeat("v", 40<<10)
	pipeline := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nv1\r\n" +
		"GET k\r\n" +
		"\r\n*0\r\n" + // empty commands, skipped
		fmt.Sprintf("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n%s\r\n", len(big), big) +
		"STRLEN big\r\n" +
		"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n"
	want := []string{"+OK", `"v1"`, "+OK", fmt.Sprint(len(big)), `"hello"`}
	for _, step := range []int{1, 7, 4096} {
		t.Run(fmt.Sprint(step), func(t *testing.T) {
			_, addr := startServer(t, engine.Options{}, server.Options{})
			c := dial(t, addr)
			go func() {
				// Small writes, each its own segment on loopback.
				for i := 0; i < len(pipeline); i += step {
					if _, err := io.WriteString(c.c, pipeline[i:min(i+step, len(pipeline))]); err != nil {
						return
					}
				}
			}()
			for i, w := range want {
				if got := show(c.read()); got != w {
					t.Fatalf("reply %d = %.60s, want %.60s", i, got, w)
				}
			}
		})
	}
}

// Ensure that a client that pipelines without reading holds back its
// own input, not the server's memory: the loop stops reading from it
// while its replies wait, as a goroutine blocked writing would.
func TestLoop_SlowReaderHoldsBackItsInput(t *testing.T) {
	const (
		size = 1 << 20
		gets = 300
	)
	_, addr := startServer(t, engine.Options{}, server.Options{})
	// The value is set by another client: a command larger than the
	// loop's buffer would hand this one to a goroutine.
	if got := dial(t, addr).do("SET", "v", strings.Repeat("x", size)); got != "+OK" {
		t.Fatal(got)
	}
	c := dial(t, addr)
	before := heapAlloc()
	var peak atomic.Uint64
	go func() {
		var pipeline bytes.Buffer
		for range gets {
			pipeline.WriteString("GET v\r\n")
		}
		c.c.Write(pipeline.Bytes())
	}()
	// Read slowly, a little at a time, watching the heap.
	buf := make([]byte, 64<<10)
	total, want := 0, gets*(size+len(fmt.Sprintf("$%d\r\n\r\n", size)))
	for i := 0; total < want; i++ {
		n, err := c.c.Read(buf)
		if err != nil {
			t.Fatalf("after %d of %d bytes: %v", total, want, err)
		}
		total += n
		if i%200 == 0 {
			peak.Store(max(peak.Load(), heapAlloc()))
		}
	}
	// A batch of pipelined commands runs whole: at most 64 replies wait.
	if p := peak.Load(); p > before+80*size {
		t.Errorf("heap reached %d MiB while %d GETs of %d MiB were answered, from %d MiB", p>>20, gets, size>>20, before>>20)
	}
	if got := c.do("PING"); got != "+PONG" {
		t.Errorf("PING after: %s", got)
	}
}

// Ensure that clients spread over several event loops (io-threads) run
// their commands atomically with respect to one another.
func TestLoop_SeveralLoops(t *testing.T) {
	const clients, incrs = 8, 300
	so := server.Options{}
	if wantLoop() {
		so.EventLoops = 2
	}
	_, addr := startServer(t, engine.Options{}, so)
	done := make(chan string, clients)
	for range clients {
		c := dial(t, addr)
		go func() {
			var pipeline bytes.Buffer
			for range incrs {
				pipeline.WriteString("INCR n\r\n")
			}
			if _, err := c.c.Write(pipeline.Bytes()); err != nil {
				done <- err.Error()
				return
			}
			for range incrs {
				if v, err := c.r.ReadValue(); err != nil || v.Int <= 0 {
					done <- fmt.Sprintf("INCR: %v %v", v, err)
					return
				}
			}
			done <- ""
		}()
	}
	for range clients {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
	if got := dial(t, addr).do("GET", "n"); got != fmt.Sprintf("%q", fmt.Sprint(clients*incrs)) {
		t.Errorf("GET n = %s, want %d", got, clients*incrs)
	}
}

// Ensure that clients that move to goroutines of their own mid-stream
// (blocking pops, subscriptions, large commands), clients killed from
// another connection at any moment and plain pipelines all run together
// without a panic, a race or a connection left behind: afterwards a new
// client is answered and Shutdown finds every connection ended.
func TestLoop_Churn(t *testing.T) {
	const workers, rounds = 12, 150
	srv, addr := startServer(t, engine.Options{}, server.Options{})
	big := strings.Repeat("b", 20<<10)
	scripts := []string{
		"SET k v\r\nGET k\r\nINCR n\r\n",
		"BLPOP q 0.01\r\nPING\r\n",
		"SUBSCRIBE ch\r\nUNSUBSCRIBE ch\r\nPING\r\n",
		fmt.Sprintf("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$%d\r\n%s\r\nSTRLEN big\r\n", len(big), big),
		"RPUSH q x\r\nCLIENT ID\r\n",
	}
	replies := []int{3, 2, 3, 2, 2}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	// The killer closes random clients, the publisher publishes (and
	// connects again when it is the one killed).
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if conns := srv.Serving(); len(conns) > 0 {
				conns[i%len(conns)].Kill()
			}
			runtime.Gosched()
		}
	}()
	go func() {
		defer wg.Done()
		for {
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			nc.SetDeadline(time.Now().Add(30 * time.Second))
			r := resp.NewReader(nc)
			for err == nil {
				select {
				case <-stop:
					nc.Close()
					return
				default:
				}
				if _, err = io.WriteString(nc, "PUBLISH ch m\r\n"); err == nil {
					_, err = r.ReadValue()
				}
			}
			nc.Close()
		}
	}()
	var clients sync.WaitGroup
	for w := range workers {
		clients.Add(1)
		go func() {
			defer clients.Done()
			var c net.Conn
			var r *resp.Reader
			for i := range rounds {
				if c == nil {
					nc, err := net.Dial("tcp", addr)
					if err != nil {
						t.Error(err)
						return
					}
					nc.SetDeadline(time.Now().Add(30 * time.Second))
					c, r = nc, resp.NewReader(nc)
				}
				k := (w + i) % len(scripts)
				_, err := io.WriteString(c, scripts[k])
				for n := 0; err == nil && n < replies[k]; n++ {
					var v resp.Value
					if v, err = r.ReadValue(); err == nil && v.Kind == resp.Push {
						n-- // a message from the publisher
					}
				}
				if err != nil { // killed: connect again
					c.Close()
					c = nil
				}
			}
			if c != nil {
				c.Close()
			}
		}()
	}
	clients.Wait()
	close(stop)
	wg.Wait()
	if got := dial(t, addr).do("PING"); got != "+PONG" {
		t.Fatalf("PING after: %s", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}
