package repl

import (
	"bytes"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/resp"
)

// This file is in package repl so that both the white-box tests and the
// repl_test package can use FakeServer.

// FakeServer is an in-memory server for tests: each Dial opens a
// net.Pipe served by a goroutine that knows a handful of commands and
// answers in RESP2, as a Redis server would.
//
//	PING, ECHO msg, SET k v, GET k, DEL k, LPUSH k v (WRONGTYPE on a string),
//	SELECT n (0 to 15), MULTI, EXEC, DISCARD, RESET,
//	AUTH [user] pass (the password is "secret"), HELLO 3 (a short map),
//	SCAN cursor MATCH prefix* COUNT n (one round over the keys of the db),
//	CONFIG GET * (two directives), SUBSCRIBE ch ... (then Publish reaches
//	it), MONITOR (then Publish sends a line), BLOCK (never answers),
//	BIG n (an array of n strings), NESTED (a nested array),
//	DROP (closes the connection without a reply)
type FakeServer struct {
	tb testing.TB

	mu       sync.Mutex
	data     map[string]string
	dials    int
	conns    []net.Conn
	streams  []*fakeStream // subscribed and monitoring connections
	commands []string      // every command received, space-separated
	wg       sync.WaitGroup
}

// fakeStream is a connection that Publish writes to.
type fakeStream struct {
	mu      *sync.Mutex // held while writing to w: the connection's own
	w       *resp.Writer
	channel string // "" for MONITOR
}

// NewFakeServer returns a FakeServer that is shut down when the test ends.
func NewFakeServer(tb testing.TB) *FakeServer {
	tb.Helper()
	f := &FakeServer{tb: tb, data: map[string]string{}}
	tb.Cleanup(func() {
		f.DropAll()
		f.wg.Wait()
	})
	return f
}

// Dial opens a new connection; it is a Config.Dial.
func (f *FakeServer) Dial() (*client.Client, error) {
	cc, sc := net.Pipe()
	f.mu.Lock()
	f.dials++
	f.conns = append(f.conns, sc)
	f.mu.Unlock()
	f.wg.Add(1)
	go f.serve(sc)
	return client.New(cc), nil
}

// Dials returns how many connections were opened.
func (f *FakeServer) Dials() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dials
}

// DropAll closes every connection from the server side.
func (f *FakeServer) DropAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conns {
		c.Close()
	}
	f.conns = nil
}

// Publish sends msg to the connections subscribed to channel, and a line
// naming it to the monitoring ones. It returns how many it reached.
func (f *FakeServer) Publish(channel, msg string) int {
	f.mu.Lock()
	streams := append([]*fakeStream(nil), f.streams...)
	f.mu.Unlock()
	n := 0
	for _, st := range streams {
		st.mu.Lock()
		switch st.channel {
		case "":
			st.w.WriteSimple("1700000000.000000 [0 fake] \"publish\" \"" + channel + "\" \"" + msg + "\"")
		case channel:
			st.w.WriteArray(3)
			st.w.WriteBulkString("message")
			st.w.WriteBulkString(channel)
			st.w.WriteBulkString(msg)
		default:
			st.mu.Unlock()
			continue
		}
		if st.w.Flush() == nil {
			n++
		}
		st.mu.Unlock()
	}
	return n
}

// Streams returns how many connections are subscribed or monitoring.
func (f *FakeServer) Streams() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.streams)
}

// Commands returns the commands received so far, each as its arguments
// joined by spaces.
func (f *FakeServer) Commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.commands...)
}

// fakeConn is the state of one connection.
type fakeConn struct {
	db     int
	multi  bool
	queue  [][][]byte
	stream *fakeStream // non-nil once subscribed or monitoring
	wmu    *sync.Mutex // held while writing replies
}

func (f *FakeServer) serve(conn net.Conn) {
	defer f.wg.Done()
	defer conn.Close()
	r, w := resp.NewReader(conn), resp.NewWriter(conn)
	st := &fakeConn{wmu: new(sync.Mutex)}
	defer func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.streams = slices.DeleteFunc(f.streams, func(s *fakeStream) bool { return s == st.stream })
	}()
	for {
		args, err := r.ReadCommand()
		if err != nil {
			return
		}
		name := strings.ToUpper(string(args[0]))
		f.mu.Lock()
		f.commands = append(f.commands, string(bytes.Join(args, []byte(" "))))
		f.mu.Unlock()
		if name == "DROP" {
			return
		}
		st.wmu.Lock()
		switch {
		case st.multi && name == "EXEC":
			st.multi = false
			w.WriteArray(len(st.queue))
			for _, q := range st.queue {
				f.answer(w, st, q)
			}
			st.queue = nil
		case st.multi && name == "DISCARD":
			st.multi = false
			st.queue = nil
			w.WriteSimple("OK")
		case st.multi && name != "MULTI":
			st.queue = append(st.queue, args)
			w.WriteSimple("QUEUED")
		default:
			f.answer(w, st, args)
		}
		if r.Buffered() == 0 && w.Flush() != nil {
			st.wmu.Unlock()
			return
		}
		st.wmu.Unlock()
	}
}

func (f *FakeServer) answer(w *resp.Writer, st *fakeConn, args [][]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := strings.ToUpper(string(args[0]))
	key := func() string { return strconv.Itoa(st.db) + ":" + string(args[1]) }
	switch {
	case name == "PING" && len(args) == 1:
		w.WriteSimple("PONG")
	case name == "ECHO" && len(args) == 2:
		w.WriteBulk(args[1])
	case name == "SET" && len(args) == 3:
		f.data[key()] = string(args[2])
		w.WriteSimple("OK")
	case name == "GET" && len(args) == 2:
		if v, ok := f.data[key()]; ok {
			w.WriteBulkString(v)
		} else {
			w.WriteNull()
		}
	case name == "DEL" && len(args) == 2:
		_, ok := f.data[key()]
		delete(f.data, key())
		if ok {
			w.WriteInt(1)
		} else {
			w.WriteInt(0)
		}
	case name == "LPUSH" && len(args) == 3:
		if _, ok := f.data[key()]; ok {
			w.WriteError("WRONGTYPE Operation against a key holding the wrong kind of value")
		} else {
			w.WriteInt(1)
		}
	case name == "SELECT" && len(args) == 2:
		n, err := strconv.Atoi(string(args[1]))
		switch {
		case err != nil:
			w.WriteError("ERR value is not an integer or out of range")
		case n < 0 || n > 15:
			w.WriteError("ERR DB index is out of range")
		default:
			st.db = n
			w.WriteSimple("OK")
		}
	case name == "MULTI" && len(args) == 1:
		if st.multi {
			w.WriteError("ERR MULTI calls can not be nested")
		} else {
			st.multi = true
			w.WriteSimple("OK")
		}
	case name == "EXEC" && len(args) == 1:
		w.WriteError("ERR EXEC without MULTI")
	case name == "DISCARD" && len(args) == 1:
		w.WriteError("ERR DISCARD without MULTI")
	case name == "RESET" && len(args) == 1:
		st.db, st.multi, st.queue = 0, false, nil
		w.WriteSimple("RESET")
	case name == "AUTH" && (len(args) == 2 || len(args) == 3):
		if string(args[len(args)-1]) == "secret" {
			w.WriteSimple("OK")
		} else {
			w.WriteError("WRONGPASS invalid username-password pair or user is disabled.")
		}
	case name == "HELLO" && len(args) == 2 && string(args[1]) == "3":
		w.WriteArray(2) // a RESP2 writer: the map's pairs
		w.WriteBulkString("proto")
		w.WriteInt(3)
	case name == "SCAN" && len(args) == 6:
		prefix := strings.TrimSuffix(string(args[3]), "*")
		var keys []string
		for k := range f.data {
			if db, key, _ := strings.Cut(k, ":"); db == strconv.Itoa(st.db) && strings.HasPrefix(key, prefix) {
				keys = append(keys, key)
			}
		}
		slices.Sort(keys)
		w.WriteArray(2)
		w.WriteBulkString("0")
		w.WriteArray(len(keys))
		for _, k := range keys {
			w.WriteBulkString(k)
		}
	case name == "CONFIG" && len(args) == 3 && string(args[2]) == "*":
		w.WriteArray(4)
		for _, s := range []string{"maxmemory", "0", "maxclients", "10000"} {
			w.WriteBulkString(s)
		}
	case name == "SUBSCRIBE" && len(args) >= 2:
		if st.stream == nil {
			st.stream = &fakeStream{mu: st.wmu, w: w, channel: string(args[1])}
			f.streams = append(f.streams, st.stream)
		}
		for i, ch := range args[1:] {
			w.WriteArray(3)
			w.WriteBulkString("subscribe")
			w.WriteBulk(ch)
			w.WriteInt(int64(i + 1))
		}
	case name == "MONITOR" && len(args) == 1:
		if st.stream == nil {
			st.stream = &fakeStream{mu: st.wmu, w: w}
			f.streams = append(f.streams, st.stream)
		}
		w.WriteSimple("OK")
	case name == "BLOCK":
	case name == "BIG" && len(args) == 2:
		n, _ := strconv.Atoi(string(args[1]))
		w.WriteArray(n)
		for i := range n {
			w.WriteBulkString("element " + strconv.Itoa(i))
		}
	case name == "NESTED":
		w.WriteArray(3)
		w.WriteInt(1)
		w.WriteArray(2)
		w.WriteBulkString("a")
		w.WriteNull()
		w.WriteArray(0)
	default:
		var b bytes.Buffer
		for _, a := range args[1:] {
			b.WriteString("'" + string(a) + "' ")
		}
		w.WriteError("ERR unknown command '" + string(args[0]) + "', with args beginning with: " + b.String())
	}
}
