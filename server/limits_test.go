package server_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/server"
)

const (
	msgMaxClients = "-ERR max number of clients reached\r\n"
	// msgDenied is Redis 7.0's protected mode refusal, from networking.c.
	msgDenied = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"
)

// exchange connects to addr from the local address from (any when
// empty), sends input (from another goroutine, so that a server that
// closes early cannot block it), and returns everything received until
// the server closes the connection.
func exchange(t testing.TB, addr, from, input string) string {
	t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		io.WriteString(c, input) // fails once the server has closed: that is fine
	}()
	got := readToClose(t, c)
	c.Close()
	<-sent
	return got
}

// readToClose reads until the server closes the connection, and fails the
// test if it does not.
func readToClose(t testing.TB, c net.Conn) string {
	t.Helper()
	var buf bytes.Buffer
	_, err := io.Copy(&buf, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection still open after %q", buf.String())
	}
	return buf.String() // io.EOF or a reset: closed either way
}

// canBind reports whether this host can use ip as a source address.
func canBind(t testing.TB, ip string) bool {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// bigCommand is a SET whose value is n bytes.
func bigCommand(n int) string {
	return fmt.Sprintf("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n%s\r\n", n, strings.Repeat("x", n))
}

// multiArgCommand is an MSET of count values of n bytes each.
func multiArgCommand(count, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n$4\r\nMSET\r\n", 1+2*count)
	for i := range count {
		fmt.Fprintf(&b, "$1\r\n%c\r\n$%d\r\n%s\r\n", 'a'+i, n, strings.Repeat("x", n))
	}
	return b.String()
}

// Ensure that input beyond the limits gets Redis's protocol errors, or is
// closed without a reply as Redis closes it, and that input within them
// is served.
func TestServer_InputLimits(t *testing.T) {
	bulk := server.Options{MaxBulk: 1 << 20}
	query := server.Options{MaxBulk: 4 << 20, MaxQueryBuffer: 1 << 20}
	cases := []struct {
		name        string
		opts        server.Options
		input, want string
	}{
		{"bulk over proto-max-bulk-len", bulk, "*2\r\n$3\r\nGET\r\n$1048577\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
		{"bulk of proto-max-bulk-len", bulk, bigCommand(1<<20) + "QUIT\r\n", "+OK\r\n+OK\r\n"},
		{"inline over 64 KiB", bulk, strings.Repeat("a", 100000), "-ERR Protocol error: too big inline request\r\n"},
		{"inline of 64 KiB", bulk, "ECHO " + strings.Repeat("a", 64<<10-5) + "\r\nQUIT\r\n", "$65531\r\n" + strings.Repeat("a", 64<<10-5) + "\r\n+OK\r\n"},
		{"bulk over client-query-buffer-limit", query, bigCommand(1<<20+1) + "PING\r\n", ""},
		{"bulk under client-query-buffer-limit", query, bigCommand(1<<20-64) + "QUIT\r\n", "+OK\r\n+OK\r\n"},
		{"arguments under the limit, command over it", query, multiArgCommand(3, 600000) + "PING\r\n", ""},
		{"pipeline over the limit, each command under it", query, strings.Repeat(bigCommand(1000), 2000) + "QUIT\r\n", strings.Repeat("+OK\r\n", 2001)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := startServer(t, engine.Options{}, tc.opts)
			got := exchange(t, addr, "", tc.input)
			if got != tc.want {
				t.Errorf("got %.200q (%d bytes), want %.200q", got, len(got), tc.want)
			}
		})
	}
}

// Ensure that the limits answer exactly as a real redis-server with the
// same settings does. (Redis 7.0 lets a command of several arguments,
// each under client-query-buffer-limit, exceed it in total; PhotonDB
// holds a whole command in memory before it runs it, and closes such a
// client too, so that case is not compared.)
func TestServer_InputLimitsMatchRedis(t *testing.T) {
	real := redistest.Start(t, "", "--proto-max-bulk-len", "4mb", "--client-query-buffer-limit", "1mb")
	_, addr := startServer(t, engine.Options{}, server.Options{MaxBulk: 4 << 20, MaxQueryBuffer: 1 << 20})
	cases := []struct{ name, input string }{
		{"bulk over proto-max-bulk-len", "*2\r\n$3\r\nGET\r\n$4194305\r\n"},
		{"negative bulk length", "*2\r\n$3\r\nGET\r\n$-2\r\n"},
		{"inline over 64 KiB", strings.Repeat("a", 100000)},
		{"inline of 64 KiB", "ECHO " + strings.Repeat("a", 64<<10-5) + "\r\nQUIT\r\n"},
		{"bulk over client-query-buffer-limit", bigCommand(2<<20) + "PING\r\n"},
		{"bulk under client-query-buffer-limit", bigCommand(1<<20-64) + "QUIT\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, want := exchange(t, addr, "", tc.input), exchange(t, real.Addr, "", tc.input)
			if got != want {
				t.Errorf("photon: %.200q\n redis: %.200q", got, want)
			}
		})
	}
}

// Ensure that a connection beyond maxclients gets Redis's error and is
// closed, is counted in rejected_connections, and that SetMaxClients
// applies to the next connection.
func TestServer_MaxClients(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{MaxClients: 2})
	a, b := dial(t, addr), dial(t, addr)
	for _, c := range []*conn{a, b} {
		if got := c.do("PING"); got != "+PONG" {
			t.Fatalf("PING = %s", got)
		}
	}
	if got := exchange(t, addr, "", ""); got != msgMaxClients {
		t.Errorf("third client got %q, want %q", got, msgMaxClients)
	}
	if got := infoField(t, a, "rejected_connections"); got != "1" {
		t.Errorf("rejected_connections = %s, want 1", got)
	}
	srv.SetMaxClients(3)
	if got := dial(t, addr).do("PING"); got != "+PONG" {
		t.Errorf("after SetMaxClients(3): PING = %s", got)
	}
	srv.SetMaxClients(1)
	if got := exchange(t, addr, "", ""); got != msgMaxClients {
		t.Errorf("after SetMaxClients(1): got %q", got)
	}
}

// Ensure that maxclients refuses as a real redis-server does.
func TestServer_MaxClientsMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "", "--maxclients", "1")
	_, addr := startServer(t, engine.Options{}, server.Options{MaxClients: 1})
	for name, a := range map[string]string{"photon": addr, "redis": real.Addr} {
		t.Run(name, func(t *testing.T) {
			if got := dial(t, a).do("PING"); got != "+PONG" {
				t.Fatalf("first client: %s", got)
			}
			if got := exchange(t, a, "", ""); got != msgMaxClients {
				t.Errorf("second client got %q, want %q", got, msgMaxClients)
			}
		})
	}
}

// infoField returns one field of INFO.
func infoField(t testing.TB, c *conn, name string) string {
	t.Helper()
	c.send("INFO", "everything")
	for _, line := range strings.Split(string(c.read().Str), "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO has no %s", name)
	return ""
}

// Ensure that protected mode refuses clients from any address but
// 127.0.0.1 and ::1 while no password is set, as Redis 7.0 does. A
// source address of 127.0.0.2 stands for a remote client: it reaches the
// server through a real socket, and Redis 7.0 refuses it too. A refused
// client sends nothing: the server closes without reading, and input it
// never read would turn the close into a reset that may discard the
// message before the client reads it.
func TestServer_ProtectedMode(t *testing.T) {
	const remote = "127.0.0.2"
	if !canBind(t, remote) {
		t.Skip("this host cannot use 127.0.0.2 as a source address")
	}
	cases := []struct {
		name      string
		protected bool
		password  bool
		from      string
		input     string
		want      string
	}{
		{"remote refused", true, false, remote, "", msgDenied},
		{"127.0.0.1 served", true, false, "127.0.0.1", "PING\r\nQUIT\r\n", "+PONG\r\n+OK\r\n"},
		{"remote with a password served", true, true, remote, "PING\r\nQUIT\r\n", "+PONG\r\n+OK\r\n"},
		{"remote without protected mode served", false, false, remote, "PING\r\nQUIT\r\n", "+PONG\r\n+OK\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, addr := startServer(t, engine.Options{}, server.Options{
				ProtectedMode: tc.protected,
				HasPassword:   func() bool { return tc.password },
			})
			if got := exchange(t, addr, tc.from, tc.input); got != tc.want {
				t.Errorf("got %.100q, want %.100q", got, tc.want)
			}
			if tc.want == msgDenied {
				srv.SetProtectedMode(false)
				if got := exchange(t, addr, tc.from, "PING\r\nQUIT\r\n"); got != "+PONG\r\n+OK\r\n" {
					t.Errorf("after SetProtectedMode(false): got %.100q", got)
				}
				c := dial(t, addr)
				if got := infoField(t, c, "rejected_connections"); got != "1" {
					t.Errorf("rejected_connections = %s, want 1", got)
				}
			}
		})
	}
}

// Ensure that protected mode refuses as a real redis-server does.
func TestServer_ProtectedModeMatchesRedis(t *testing.T) {
	const remote = "127.0.0.2"
	if !canBind(t, remote) {
		t.Skip("this host cannot use 127.0.0.2 as a source address")
	}
	real := redistest.Start(t, "", "--protected-mode", "yes")
	_, addr := startServer(t, engine.Options{}, server.Options{ProtectedMode: true})
	cases := []struct{ from, input string }{{remote, ""}, {"127.0.0.1", "PING\r\nQUIT\r\n"}}
	for _, tc := range cases {
		t.Run(tc.from, func(t *testing.T) {
			got, want := exchange(t, addr, tc.from, tc.input), exchange(t, real.Addr, tc.from, tc.input)
			if got != want {
				t.Errorf("photon: %.100q\n redis: %.100q", got, want)
			}
		})
	}
}

// Ensure that what protected mode counts as local is what Redis 7.0 does.
func TestIsLocal(t *testing.T) {
	cases := []struct {
		name string
		addr net.Addr
		want bool
	}{
		{"127.0.0.1", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, true},
		{"::1", &net.TCPAddr{IP: net.IPv6loopback, Port: 1}, true},
		{"127.0.0.2", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2), Port: 1}, false},
		{"192.0.2.2", &net.TCPAddr{IP: net.IPv4(192, 0, 2, 2), Port: 1}, false},
		{"fd00::2", &net.TCPAddr{IP: net.ParseIP("fd00::2"), Port: 1}, false},
		{"unix socket", &net.UnixAddr{Name: "/tmp/photon.sock", Net: "unix"}, true},
		{"net.Pipe", pipeAddr(t), true},
		{"nil", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := server.IsLocal(tc.addr); got != tc.want {
				t.Errorf("IsLocal(%v) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
}

func pipeAddr(t testing.TB) net.Addr {
	a, b := net.Pipe()
	a.Close()
	b.Close()
	return a.RemoteAddr()
}

// Ensure that a client idle for the timeout is closed without a word, as
// Redis closes it.
func TestServer_Timeout(t *testing.T) {
	_, addr := startServer(t, engine.Options{}, server.Options{Timeout: 20 * time.Millisecond})
	idle := dial(t, addr)
	if got := readToClose(t, idle.c); got != "" {
		t.Errorf("idle client got %q before it was closed", got)
	}
}

// Ensure that a client in MONITOR is not timed out, as Redis exempts it,
// and goes on receiving what other clients do. The monitor is set up
// before the timeout is turned on, so that no pause of the test can let
// it time out first; the idle client has been idle for less time than
// the monitor when it is closed.
func TestServer_TimeoutMonitor(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{})
	mon := dial(t, addr)
	if got := mon.do("MONITOR"); got != "+OK" {
		t.Fatalf("MONITOR = %s", got)
	}
	srv.SetTimeout(20 * time.Millisecond)
	idle := dial(t, addr)
	if got := readToClose(t, idle.c); got != "" {
		t.Errorf("idle client got %q before it was closed", got)
	}
	srv.SetTimeout(0) // so that the next client cannot be timed out before it speaks
	if got := dial(t, addr).do("ECHO", "still there?"); got != `"still there?"` {
		t.Fatal(got)
	}
	if got := show(mon.read()); !strings.HasSuffix(got, `"ECHO" "still there?"`) {
		t.Errorf("monitor got %s", got)
	}
}

// Ensure that SetTimeout reaches clients already waiting for input.
func TestServer_SetTimeout(t *testing.T) {
	srv, addr := startServer(t, engine.Options{}, server.Options{})
	c := dial(t, addr)
	if got := c.do("PING"); got != "+PONG" {
		t.Fatal(got)
	}
	srv.SetTimeout(20 * time.Millisecond)
	if got := readToClose(t, c.c); got != "" {
		t.Errorf("idle client got %q before it was closed", got)
	}
}

// Ensure that a client that sends half a command and stops is timed out
// too.
func TestServer_TimeoutMidCommand(t *testing.T) {
	_, addr := startServer(t, engine.Options{}, server.Options{Timeout: 20 * time.Millisecond})
	c := dial(t, addr)
	io.WriteString(c.c, "*2\r\n$4\r\nECHO\r\n$3\r\nab")
	if got := readToClose(t, c.c); got != "" {
		t.Errorf("got %q before close", got)
	}
}

// safeBuffer is a bytes.Buffer for a logger that several goroutines use.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Ensure that the query buffer limit is logged, as Redis logs it.
func TestServer_QueryBufferLimitLogged(t *testing.T) {
	var logs safeBuffer
	srv, addr := startServer(t, engine.Options{}, server.Options{
		MaxQueryBuffer: 1 << 20,
		Logger:         slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if got := exchange(t, addr, "", bigCommand(2<<20)); got != "" {
		t.Errorf("got %q", got)
	}
	srv.Close() // the connection's goroutine has logged by the time Close returns
	if !strings.Contains(logs.String(), "max query buffer length") {
		t.Errorf("log has no query buffer line:\n%s", logs.String())
	}
}
