package server_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
	"github.com/photondb/photon/server"
)

// startPhoton serves a new engine on a free loopback port until the test
// ends.
func startPhoton(t testing.TB, o engine.Options) (*server.Server, string) {
	t.Helper()
	return startServer(t, o, server.Options{})
}

// startServer serves a new engine with server options so on a free
// loopback port until the test ends.
func startServer(t testing.TB, o engine.Options, so server.Options) (*server.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveOn(t, ln, o, so), ln.Addr().String()
}

// serveOn serves a new engine on ln until the test ends.
func serveOn(t testing.TB, ln net.Listener, o engine.Options, so server.Options) *server.Server {
	t.Helper()
	e := engine.New(o)
	if so.EventLoops == 0 {
		so.EventLoops = testLoops
	}
	if so.Logger == nil {
		so.Logger = slog.New(slog.DiscardHandler)
	}
	srv := server.New(e, so)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, server.ErrClosed) {
			t.Errorf("Serve returned %v, want ErrClosed", err)
		}
	})
	return srv
}

// conn is a raw RESP connection for tests.
type conn struct {
	t testing.TB
	c net.Conn
	r *resp.Reader
	w *resp.Writer
}

func dial(t testing.TB, addr string) *conn {
	t.Helper()
	c := dialRaw(t, addr)
	return &conn{t: t, c: c, r: resp.NewReader(c), w: resp.NewWriter(c)}
}

// dialRaw connects to addr for a test that writes and reads raw bytes;
// the connection closes when the test ends and gives up after 30 s.
func dialRaw(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return c
}

func (c *conn) send(args ...string) {
	c.t.Helper()
	c.w.WriteCommandStrings(args...)
	if err := c.w.Flush(); err != nil {
		c.t.Fatal(err)
	}
}

func (c *conn) read() resp.Value {
	c.t.Helper()
	v, err := c.r.ReadValue()
	if err != nil {
		c.t.Fatalf("read reply: %v", err)
	}
	return v
}

func (c *conn) do(args ...string) string {
	c.t.Helper()
	c.send(args...)
	return show(c.read())
}

// show renders a reply compactly for comparisons.
func show(v resp.Value) string {
	switch v.Kind {
	case resp.SimpleString:
		return "+" + string(v.Str)
	case resp.Error:
		return "-" + string(v.Str)
	case resp.Integer:
		return fmt.Sprint(v.Int)
	case resp.BulkString, resp.Verbatim:
		return fmt.Sprintf("%q", v.Str)
	case resp.Null:
		return "(nil)"
	case resp.Double:
		return fmt.Sprint(v.Float)
	}
	parts := make([]string, len(v.Elems))
	for i, e := range v.Elems {
		parts[i] = show(e)
	}
	return fmt.Sprintf("%d[%s]", v.Kind, strings.Join(parts, " "))
}

// Ensure that pipelined commands are answered in order, in one flush.
func TestServer_Pipeline(t *testing.T) {
	_, addr := startPhoton(t, engine.Options{})
	c := dial(t, addr)
	const n = 1000
	for i := 0; i < n; i++ {
		c.w.WriteCommandStrings("INCR", "counter")
	}
	if err := c.w.Flush(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if got := show(c.read()); got != fmt.Sprint(i) {
			t.Fatalf("reply %d = %s", i, got)
		}
	}
}

// Ensure that the original telnet session works verbatim, inline commands
// and all.
func TestServer_InlineCommands(t *testing.T) {
	_, addr := startPhoton(t, engine.Options{})
	c := dialRaw(t, addr)
	fmt.Fprint(c, "SET name alice\r\nGET name\r\nLPUSH tasks \"task1\" \"task2\"\r\nLRANGE tasks 0 -1\r\nSET q \"a\\tb\\x41\"\r\nGET q\r\nSET 'it''s' x\r\nQUIT\r\n")
	var got strings.Builder
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		got.WriteString(line)
		if err != nil {
			break
		}
	}
	want := "+OK\r\n$5\r\nalice\r\n:2\r\n*2\r\n$5\r\ntask2\r\n$5\r\ntask1\r\n+OK\r\n$4\r\na\tbA\r\n" +
		"-ERR Protocol error: unbalanced quotes in request\r\n"
	if got.String() != want {
		t.Errorf("got %q\nwant %q", got.String(), want)
	}
}

// Ensure that a protocol error closes only the connection that sent it.
func TestServer_ProtocolErrorClosesOnlyThatConnection(t *testing.T) {
	_, addr := startPhoton(t, engine.Options{})
	good := dial(t, addr)
	good.do("SET", "k", "v")
	cases := []struct{ name, input, want string }{
		{"bad multibulk length", "*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
		{"bad bulk length", "*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
		{"dollar expected", "*1\r\n+OK\r\n", "-ERR Protocol error: expected '$', got '+'\r\n"},
		{"unbalanced quotes", "SET \"a b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			fmt.Fprint(c, tc.input)
			var all []byte
			buf := make([]byte, 512)
			for {
				n, err := c.Read(buf)
				all = append(all, buf[:n]...)
				if err != nil {
					break // closed by the server
				}
			}
			if string(all) != tc.want {
				t.Errorf("got %q, want %q", all, tc.want)
			}
		})
	}
	if got := good.do("GET", "k"); got != `"v"` {
		t.Errorf("other client after protocol errors: GET k = %s", got)
	}
}

// Ensure that many clients at once see each other's writes and none is
// lost.
func TestServer_ConcurrentClients(t *testing.T) {
	_, addr := startPhoton(t, engine.Options{})
	const clients, each = 200, 50
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			r, w := resp.NewReader(c), resp.NewWriter(c)
			for j := 0; j < each; j++ {
				w.WriteCommandStrings("RPUSH", "shared", fmt.Sprintf("%d:%d", i, j))
				w.WriteCommandStrings("SET", fmt.Sprintf("own:%d:%d", i, j), "x")
			}
			if err := w.Flush(); err != nil {
				errs <- err
				return
			}
			for j := 0; j < 2*each; j++ {
				if v, err := r.ReadValue(); err != nil || v.Kind == resp.Error {
					errs <- fmt.Errorf("client %d reply %d: %v %s", i, j, err, v.Str)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	c := dial(t, addr)
	if got := c.do("LLEN", "shared"); got != fmt.Sprint(clients*each) {
		t.Errorf("LLEN shared = %s, want %d", got, clients*each)
	}
	if got := c.do("DBSIZE"); got != fmt.Sprint(clients*each+1) {
		t.Errorf("DBSIZE = %s, want %d", got, clients*each+1)
	}
}

// Ensure that HELLO 3 switches the connection to RESP3.
func TestServer_Hello3(t *testing.T) {
	_, addr := startPhoton(t, engine.Options{})
	c := dial(t, addr)
	c.send("HELLO", "3")
	if v := c.read(); v.Kind != resp.Map {
		t.Fatalf("HELLO 3 reply kind %d, want map", v.Kind)
	}
	c.do("HSET", "h", "f", "v")
	c.send("HGETALL", "h")
	if v := c.read(); v.Kind != resp.Map {
		t.Errorf("HGETALL under RESP3 kind %d, want map", v.Kind)
	}
	if got := c.do("GET", "missing"); got != "(nil)" {
		t.Errorf("GET missing = %s", got)
	}
}

// unordered lists the commands whose reply order Redis leaves undefined;
// their replies are compared sorted.
var unordered = map[string]bool{"KEYS": true}

// sortedPairs renders a map sent as a flat array (CONFIG GET) with its
// pairs sorted, for replies whose order Redis leaves undefined.
func sortedPairs(v resp.Value) string {
	var pairs []string
	for i := 0; i+1 < len(v.Elems); i += 2 {
		pairs = append(pairs, show(v.Elems[i])+"="+show(v.Elems[i+1]))
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ",")
}

func normalize(cmd string, v resp.Value) string {
	if strings.EqualFold(cmd, "PTTL") && v.Kind == resp.Integer && v.Int > 0 {
		// The two servers run a command a millisecond or so apart:
		// compare what is left in whole seconds, rounded up.
		return fmt.Sprintf("%d s", (v.Int+999)/1000)
	}
	if unordered[strings.ToUpper(cmd)] && v.Kind == resp.Array {
		parts := make([]string, len(v.Elems))
		for i, e := range v.Elems {
			parts[i] = show(e)
		}
		sort.Strings(parts)
		return strings.Join(parts, ",")
	}
	return show(v)
}

// Ensure that every command of this release answers exactly as a real
// redis-server does: replies, error strings and edge cases.
func TestServer_MatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	photon, redis := dial(t, addr), dial(t, real.Addr)
	for _, script := range compatScripts {
		t.Run(script.name, func(t *testing.T) {
			for _, c := range []*conn{photon, redis} {
				c.do("FLUSHALL")
				c.do("SELECT", "0")
			}
			for _, line := range script.lines {
				args := strings.Fields(line)
				for i, a := range args {
					args[i] = strings.ReplaceAll(a, "␣", " ")
				}
				photon.send(args...)
				redis.send(args...)
				got, want := normalize(args[0], photon.read()), normalize(args[0], redis.read())
				if got != want {
					t.Errorf("%s\n photon: %s\n  redis: %s", line, got, want)
				}
			}
		})
	}
}

// compatScripts are command sequences run against both servers. A ␣ in an
// argument stands for a space.
var compatScripts = []struct {
	name  string
	lines []string
}{
	{"errors", []string{
		"NOSUCHCOMMAND a b", "NOSUCH", "GET", "GET a b", "SET k", "MSET a", "MSET a 1 b",
		"HSET h f", "HSET h f v g", "LPUSH l", "EXPIRE k", "SELECT", "PING a b",
	}},
	{"strings", []string{
		"SET k v", "GET k", "SET k v2 NX", "SET k v3 XX", "SET nope v XX", "GET nope",
		"SET k v4 GET", "SET new v GET", "SET k v NX XX", "SET k v XX NX", "SET k v EX", "SET k v EX 10 PX 10",
		"SET k v EX 10 EX 20", "TTL k", "SET k v EX 0", "SET k v PX -5", "SET k v EX abc", "SET k v EX 9223372036854775",
		"SET k v PXAT 9223372036854775807", "SET k v KEEPTTL EX 1", "SET k v EX 1 KEEPTTL", "SET k v BOGUS",
		"SET k v EX 100", "SET k v2 KEEPTTL", "TTL k", "SET k v3", "TTL k", "SET k v NX GET", "SET k2 v NX GET", "GET k2",
		"SET k v PX 100000", "PTTL k", "SET k v EXAT 1", "GET k", "EXISTS k",
		"APPEND a hello", "APPEND a world", "GET a", "STRLEN a", "STRLEN none", "MSET x 1 y 2", "MGET x y none",
		"SET sp a␣b", "GET sp", "SET empty ''", "SET e2 \"\"", "STRLEN e2",
	}},
	{"integers", []string{
		"INCR n", "INCRBY n 10", "DECR n", "DECRBY n 20", "INCRBY n -5", "GET n",
		"SET n 9223372036854775807", "INCR n", "INCRBY n 0", "SET n -9223372036854775808", "DECR n",
		"DECRBY n -9223372036854775808", "DECRBY x -9223372036854775808", "INCRBY n 9223372036854775808",
		"SET s abc", "INCR s", "SET s 012", "INCR s", "SET s +1", "INCR s", "SET s -0", "INCR s",
		"SET s ␣1", "INCR s", "SET s 1␣", "INCR s", "INCRBY n x", "INCRBY n 1.5", "SET f 10", "INCRBY f 01",
		"LPUSH l a", "INCR l", "DECRBY l 1", "APPEND l x", "GET l", "MGET l f",
	}},
	{"keys", []string{
		"MSET a 1 b 2 c 3", "EXISTS a a b none", "DEL a b none", "EXISTS a b c", "DEL none",
		"MSET hello 1 hallo 2 hxllo 3 hllo 4 heeello 5 a*b 6 a?c 7", "KEYS h?llo", "KEYS h*llo", "KEYS h[ae]llo",
		"KEYS h[^e]llo", "KEYS h[a-b]llo", "KEYS h[b-a]llo", `KEYS a\*b`, `KEYS a\?c`, "KEYS *", "KEYS nomatch*", "KEYS [", "KEYS h[a",
		"RENAME hello greeting", "GET greeting", "GET hello", "RENAME none x", "RENAME greeting greeting",
		"SET t v EX 100", "RENAME t t2", "TTL t2", "TYPE t2", "TYPE none", "LPUSH l x", "TYPE l", "HSET h f v", "TYPE h",
		"RENAME l greeting", "TYPE greeting", "DBSIZE",
	}},
	{"expire", []string{
		"SET k v", "EXPIRE k 100 XX", "EXPIRE k 100 NX", "EXPIRE k 50 NX", "EXPIRE k 50 GT", "EXPIRE k 200 GT",
		"EXPIRE k 300 LT", "EXPIRE k 10 LT", "TTL k", "EXPIRE k 10 NX XX", "EXPIRE k 10 GT LT", "EXPIRE k 10 FOO",
		"EXPIRE k 10 nx", "EXPIRE k x", "EXPIRE k 9223372036854775807", "PEXPIRE k 9223372036854775807",
		"EXPIRE k -9223372036854775808", "EXPIRE none 10", "PERSIST k", "PERSIST k", "PERSIST none", "TTL k", "TTL none", "PTTL none",
		"SET k2 v", "EXPIRE k2 10 LT", "EXPIRE k2 20 GT", "TTL k2", "PEXPIRE k2 5000", "PTTL k2",
		"EXPIREAT k2 4102444800", "TTL k2", "PEXPIREAT k2 4102444800000", "EXPIRETIME_NOT_HERE k2",
		"EXPIRE k 0", "EXISTS k", "SET k v", "EXPIRE k -1", "EXISTS k", "SET k v", "EXPIREAT k 1", "GET k",
		"SET k v", "PEXPIREAT k 1", "EXISTS k", "EXPIRE k",
	}},
	{"lists", []string{
		"LPUSH tasks task1 task2", "RPUSH tasks task3", "LRANGE tasks 0 -1", "LRANGE tasks -2 -1",
		"LRANGE tasks -100 100", "LRANGE tasks 2 1", "LRANGE tasks 5 10", "LRANGE tasks -1 -2", "LRANGE none 0 -1",
		"LRANGE tasks a 1", "LRANGE tasks 0 b", "LLEN tasks", "LLEN none", "LINDEX tasks 0", "LINDEX tasks -1", "LINDEX tasks 3",
		"LINDEX tasks -4", "LINDEX tasks x", "LINDEX none 0", "LINDEX none abc", "LPOP tasks", "RPOP tasks", "LPOP tasks 5", "EXISTS tasks",
		"LPOP tasks", "LPOP tasks 2", "RPOP tasks 0", "RPUSH l a b c", "LPOP l 0", "LPOP l -1", "LPOP l x", "LPOP l 1 2",
		"RPOP l 2", "RPOP l 1", "SET s v", "LPUSH s a", "RPUSH s a", "LLEN s", "LRANGE s 0 1", "LPOP s", "LINDEX s 0",
		"RPUSH big 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18", "LPUSH big 0 -1 -2", "LRANGE big 0 -1", "LRANGE big 3 7",
		"RPOP big 4", "LPOP big 4", "LRANGE big 0 -1", "LINDEX big 5",
	}},
	{"hashes", []string{
		"HSET h f1 v1 f2 v2", "HSET h f1 x f3 v3", "HGET h f1", "HGET h nope", "HGET none f", "HLEN h", "HLEN none",
		"HEXISTS h f2", "HEXISTS h nope", "HEXISTS none f", "HMGET h f1 nope", "HMGET none a b", "HDEL h f1 f2 nope",
		"HDEL none f", "HGETALL h", "HKEYS h", "HVALS h", "HGETALL none", "HKEYS none", "HVALS none", "HDEL h f3", "EXISTS h",
		"HMSET h a 1 b 2", "HMSET h a", "HGETALL h", "HSET h a 1 a 2", "HGET h a", "SET s v", "HGET s f", "HSET s f v",
		"HGETALL s", "HLEN s", "HDEL s f",
		"HSET o c 1 a 2 b 3", "HSET o a 20 d 4", "HDEL o c", "HSET o c 5", "HGETALL o", "HKEYS o", "HVALS o",
		"MGET o nope s", "HMGET o a nope c",
	}},
	{"server", []string{
		"PING", "PING hi", "ECHO x", "ECHO", "DBSIZE", "SET k v", "DBSIZE", "SELECT 1", "DBSIZE", "GET k", "SET k other",
		"SELECT 16", "SELECT -1", "SELECT x", "SELECT 9999999999", "SELECT -2147483649", "SELECT 2147483647", "SELECT 0", "GET k", "FLUSHDB", "DBSIZE", "SELECT 1", "GET k",
		"FLUSHDB ASYNC", "FLUSHDB SYNC", "FLUSHDB x", "FLUSHALL a b", "FLUSHALL", "SELECT 0",
		"COMMAND FOO", "COMMAND INFO nosuchcmd", "HELLO 4", "HELLO x", "HELLO 2 FOO",
	}},
}

// Ensure that the replies to complete commands are sent even when the
// input ends in the middle of the next command.
func TestServer_RepliesBeforePartialCommand(t *testing.T) {
	_, addr := startPhoton(t, engine.Options{})
	c := dialRaw(t, addr)
	if _, err := io.WriteString(c, "PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*1\r\n$4\r\nPI"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	want := "+PONG\r\n$2\r\nhi\r\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil || string(got) != want {
		t.Fatalf("replies before the partial command: %q, %v; want %q", got, err, want)
	}
	io.WriteString(c, "NG\r\n")
	if line, err := r.ReadString('\n'); err != nil || line != "+PONG\r\n" {
		t.Fatalf("reply to the completed command: %q, %v", line, err)
	}
}
