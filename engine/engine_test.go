package engine_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

// clock is a settable time source, so expiry tests never sleep.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newEngine(t testing.TB) (*engine.Engine, *engine.Session, *clock) {
	t.Helper()
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	e := engine.New(engine.Options{Now: c.now})
	return e, e.NewSession(), c
}

// do runs a command given as space-separated words and renders its reply
// compactly: "OK", "\"v\"", "(nil)", "3", "[a b]", or "ERR ...".
func do(t testing.TB, e *engine.Engine, s *engine.Session, line string) string {
	t.Helper()
	var args [][]byte
	for _, w := range strings.Fields(line) {
		args = append(args, []byte(w))
	}
	r, err := e.Exec(s, args)
	if err != nil {
		var ee *engine.Error
		if !errors.As(err, &ee) {
			t.Fatalf("%s: error %v is not an *engine.Error", line, err)
		}
		return ee.Error()
	}
	unordered := strings.HasPrefix(line, "KEYS") || strings.HasPrefix(line, "H")
	return render(r, unordered)
}

func render(r engine.Reply, unordered bool) string {
	switch r := r.(type) {
	case nil:
		return "(nil)"
	case engine.NullArray:
		return "(nil array)"
	case engine.Status:
		return string(r)
	case []byte:
		return fmt.Sprintf("%q", r)
	case *engine.Bulk:
		return fmt.Sprintf("%q", r.B)
	case int64:
		return fmt.Sprint(r)
	case *engine.Int:
		return fmt.Sprint(r.N)
	case engine.Verbatim:
		return string(r)
	case []engine.Reply:
		return renderList(r, unordered)
	case engine.Map:
		return renderList(r, unordered)
	case engine.Set:
		return renderList(r, true)
	case engine.Bulks:
		return renderList(bulks(r), unordered)
	case engine.BulkMap:
		return renderList(bulks(r), unordered)
	}
	return fmt.Sprintf("?%T", r)
}

// bulks turns an array of bulk strings into replies, nil into a null.
func bulks(bs [][]byte) []engine.Reply {
	out := make([]engine.Reply, len(bs))
	for i, b := range bs {
		if b != nil {
			out[i] = b
		}
	}
	return out
}

func renderList(rs []engine.Reply, sorted bool) string {
	parts := make([]string, len(rs))
	for i, e := range rs {
		parts[i] = render(e, false)
	}
	if sorted {
		sort.Strings(parts)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// step is one command and the reply it must get.
type step struct{ cmd, want string }

func run(t *testing.T, steps []step) {
	t.Helper()
	e, s, _ := newEngine(t)
	for _, st := range steps {
		if got := do(t, e, s, st.cmd); got != st.want {
			t.Errorf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
}

func TestExec_Commands(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"unknown command", []step{
			{"FOO a b", "ERR unknown command 'FOO', with args beginning with: 'a' 'b' "},
			{"FOO", "ERR unknown command 'FOO', with args beginning with: "},
		}},
		{"arity", []step{
			{"GET", "ERR wrong number of arguments for 'get' command"},
			{"get a b", "ERR wrong number of arguments for 'get' command"},
			{"MSET a", "ERR wrong number of arguments for 'mset' command"},
			{"MSET a 1 b", "ERR wrong number of arguments for 'mset' command"},
		}},
		{"set and get", []step{
			{"GET k", "(nil)"},
			{"SET k v", "OK"},
			{"get k", `"v"`},
			{"SET k v2 NX", "(nil)"},
			{"SET k v3 XX", "OK"},
			{"SET k2 v XX", "(nil)"},
			{"SET k v4 GET", `"v3"`},
			{"SET new v GET", "(nil)"},
			{"SET k v NX XX", "ERR syntax error"},
			{"SET k v EX", "ERR syntax error"},
			{"SET k v EX 10 PX 10", "ERR syntax error"},
			{"SET k v EX 10 EX 20", "OK"},
			{"SET k v EX 0", "ERR invalid expire time in 'set' command"},
			{"SET k v EX -1", "ERR invalid expire time in 'set' command"},
			{"SET k v EX abc", "ERR value is not an integer or out of range"},
			{"SET k v EX 9223372036854775", "ERR invalid expire time in 'set' command"},
			{"SET k v KEEPTTL EX 1", "ERR syntax error"},
			{"SET k v BOGUS", "ERR syntax error"},
		}},
		{"set get wrongtype", []step{
			{"LPUSH l a", "1"},
			{"SET l v GET", "WRONGTYPE Operation against a key holding the wrong kind of value"},
			{"SET l v", "OK"},
			{"TYPE l", "string"},
		}},
		{"incr", []step{
			{"INCR n", "1"},
			{"INCRBY n 10", "11"},
			{"DECR n", "10"},
			{"DECRBY n 20", "-10"},
			{"SET n 9223372036854775807", "OK"},
			{"INCR n", "ERR increment or decrement would overflow"},
			{"SET n -9223372036854775808", "OK"},
			{"DECR n", "ERR increment or decrement would overflow"},
			{"DECRBY n -9223372036854775808", "ERR decrement would overflow"},
			{"SET s abc", "OK"},
			{"INCR s", "ERR value is not an integer or out of range"},
			{"SET s 012", "OK"},
			{"INCR s", "ERR value is not an integer or out of range"},
			{"SET s +1", "OK"},
			{"INCR s", "ERR value is not an integer or out of range"},
			{"INCRBY n x", "ERR value is not an integer or out of range"},
			{"LPUSH l a", "1"},
			{"INCR l", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		}},
		{"incr values do not share memory", []step{
			{"INCR a", "1"},
			{"INCRBY b 12345", "12345"},
			{"INCR b", "12346"},
			{"DECR c", "-1"},
			{"MGET a b c", `["1" "12346" "-1"]`},
		}},
		{"append strlen mget mset", []step{
			{"APPEND a hello", "5"},
			{"APPEND a world", "10"},
			{"GET a", `"helloworld"`},
			{"STRLEN a", "10"},
			{"STRLEN none", "0"},
			{"MSET x 1 y 2", "OK"},
			{"LPUSH l a", "1"},
			{"MGET x y none l", `["1" "2" (nil) (nil)]`},
			{"STRLEN l", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		}},
		{"del exists", []step{
			{"MSET a 1 b 2 c 3", "OK"},
			{"EXISTS a a b none", "3"},
			{"DEL a b none", "2"},
			{"EXISTS a b c", "1"},
		}},
		{"lists", []step{
			{"LPUSH tasks task1 task2", "2"},
			{"RPUSH tasks task3", "3"},
			{"LRANGE tasks 0 -1", `["task2" "task1" "task3"]`},
			{"LRANGE tasks -2 -1", `["task1" "task3"]`},
			{"LRANGE tasks -100 100", `["task2" "task1" "task3"]`},
			{"LRANGE tasks 2 1", "[]"},
			{"LRANGE tasks 5 10", "[]"},
			{"LRANGE none 0 -1", "[]"},
			{"LRANGE tasks a 1", "ERR value is not an integer or out of range"},
			{"LLEN tasks", "3"},
			{"LSIZE tasks", "3"},
			{"LINDEX tasks 0", `"task2"`},
			{"LINDEX tasks -1", `"task3"`},
			{"LINDEX tasks 3", "(nil)"},
			{"LINDEX tasks x", "ERR value is not an integer or out of range"},
			{"LPOP tasks", `"task2"`},
			{"RPOP tasks", `"task3"`},
			{"LPOP tasks 5", `["task1"]`},
			{"EXISTS tasks", "0"},
			{"LPOP tasks", "(nil)"},
			{"LPOP tasks 2", "(nil array)"},
			{"RPUSH l a b c", "3"},
			{"LPOP l 0", "[]"},
			{"LPOP l -1", "ERR value is out of range, must be positive"},
			{"LPOP l x", "ERR value is out of range, must be positive"},
			{"LPOP l 1 2", "ERR wrong number of arguments for 'lpop' command"},
			{"RPOP l 2", `["c" "b"]`},
			{"SET s v", "OK"},
			{"LPUSH s a", "WRONGTYPE Operation against a key holding the wrong kind of value"},
			{"LLEN s", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		}},
		{"hashes", []step{
			{"HSET h f1 v1 f2 v2", "2"},
			{"HSET h f1 x f3 v3", "1"},
			{"HSET h f1", "ERR wrong number of arguments for 'hset' command"},
			{"HSET h f1 v f2", "ERR wrong number of arguments for 'hset' command"},
			{"HGET h f1", `"x"`},
			{"HGET h nope", "(nil)"},
			{"HGET none f", "(nil)"},
			{"HLEN h", "3"},
			{"HEXISTS h f2", "1"},
			{"HEXISTS h nope", "0"},
			{"HMGET h f1 nope", `["x" (nil)]`},
			{"HDEL h f1 f2 nope", "2"},
			{"HGETALL h", `["f3" "v3"]`},
			{"HKEYS h", `["f3"]`},
			{"HVALS h", `["v3"]`},
			{"HDEL h f3", "1"},
			{"EXISTS h", "0"},
			{"HGETALL h", "[]"},
			{"HMSET h a 1", "OK"},
			{"SET s v", "OK"},
			{"HGET s f", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		}},
		{"keys and rename", []step{
			{"MSET hello 1 hallo 2 hxllo 3 hllo 4 heeello 5 a*b 6", "OK"},
			{"KEYS h?llo", `["hallo" "hello" "hxllo"]`},
			{"KEYS h*llo", `["hallo" "heeello" "hello" "hllo" "hxllo"]`},
			{"KEYS h[ae]llo", `["hallo" "hello"]`},
			{"KEYS h[^e]llo", `["hallo" "hxllo"]`},
			{"KEYS h[a-b]llo", `["hallo"]`},
			{`KEYS a\*b`, `["a*b"]`},
			{"RENAME hello greeting", "OK"},
			{"GET greeting", `"1"`},
			{"RENAME none x", "ERR no such key"},
			{"RENAME greeting greeting", "OK"},
		}},
		{"select", []step{
			{"SET k db0", "OK"},
			{"SELECT 1", "OK"},
			{"GET k", "(nil)"},
			{"DBSIZE", "0"},
			{"SELECT 16", "ERR DB index is out of range"},
			{"SELECT -1", "ERR DB index is out of range"},
			{"SELECT x", "ERR value is not an integer or out of range"},
			{"SELECT 0", "OK"},
			{"DBSIZE", "1"},
			{"FLUSHALL", "OK"},
			{"DBSIZE", "0"},
		}},
		{"ping echo", []step{
			{"PING", "PONG"},
			{"PING hi", `"hi"`},
			{"PING a b", "ERR wrong number of arguments for 'ping' command"},
			{"ECHO x", `"x"`},
		}},
		{"expire options", []step{
			{"SET k v", "OK"},
			{"EXPIRE k 100 XX", "0"},
			{"EXPIRE k 100 NX", "1"},
			{"EXPIRE k 50 NX", "0"},
			{"EXPIRE k 50 GT", "0"},
			{"EXPIRE k 200 GT", "1"},
			{"EXPIRE k 300 LT", "0"},
			{"EXPIRE k 10 LT", "1"},
			{"TTL k", "10"},
			{"EXPIRE k 10 NX XX", "ERR NX and XX, GT or LT options at the same time are not compatible"},
			{"EXPIRE k 10 GT LT", "ERR GT and LT options at the same time are not compatible"},
			{"EXPIRE k 10 FOO", "ERR Unsupported option FOO"},
			{"EXPIRE k x", "ERR value is not an integer or out of range"},
			{"EXPIRE k 9223372036854775807", "ERR invalid expire time in 'expire' command"},
			{"EXPIRE none 10", "0"},
			{"PERSIST k", "1"},
			{"PERSIST k", "0"},
			{"TTL k", "-1"},
			{"TTL none", "-2"},
			{"SET k2 v", "OK"},
			{"EXPIRE k2 10 LT", "1"},
			{"EXPIRE k 0", "1"},
			{"EXISTS k", "0"},
		}},
		{"command", []step{
			{"COMMAND FOO", "ERR unknown subcommand 'FOO'. Try COMMAND HELP."},
			{"COMMAND INFO nosuch", "[(nil)]"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc.steps) })
	}
}

// Ensure that an expired key is invisible to every command at once, and
// that TTLs round as Redis rounds them.
func TestExec_Expiry(t *testing.T) {
	e, s, c := newEngine(t)
	for _, st := range []step{
		{"SET k v PX 1500", "OK"},
		{"PTTL k", "1500"},
		{"TTL k", "2"},
		{"SET k2 v EX 100", "OK"},
		{"SET k2 v2 KEEPTTL", "OK"},
		{"TTL k2", "100"},
		{"SET k2 v3", "OK"},
		{"TTL k2", "-1"},
		{"SET at v EXAT 1700000010", "OK"},
		{"TTL at", "10"},
		{"SET pat v PXAT 1700000020000", "OK"},
		{"PTTL pat", "20000"},
		{"LPUSH l a", "1"},
		{"PEXPIRE l 500", "1"},
	} {
		if got := do(t, e, s, st.cmd); got != st.want {
			t.Fatalf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
	c.advance(1501 * time.Millisecond)
	for _, st := range []step{
		{"GET k", "(nil)"},
		{"EXISTS k", "0"},
		{"TTL k", "-2"},
		{"LLEN l", "0"},
		{"KEYS *", `["at" "k2" "pat"]`},
		{"TTL at", "8"},
	} {
		if got := do(t, e, s, st.cmd); got != st.want {
			t.Errorf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
}

// Ensure that the active cycle reclaims keys nobody reads.
func TestExpireCycle_ReclaimsUntouchedKeys(t *testing.T) {
	e, s, c := newEngine(t)
	const n = 100_000
	for i := 0; i < n; i++ {
		do(t, e, s, fmt.Sprintf("SET key:%d v PX 100", i))
	}
	do(t, e, s, "SET keep v")
	if got := do(t, e, s, "DBSIZE"); got != fmt.Sprint(n+1) {
		t.Fatalf("DBSIZE before expiry = %s", got)
	}
	c.advance(time.Second)
	for i := 0; i < 10_000 && do(t, e, s, "DBSIZE") != "1"; i++ {
		e.ExpireCycle()
	}
	if got := do(t, e, s, "DBSIZE"); got != "1" {
		t.Fatalf("DBSIZE after expiry cycles = %s, want 1", got)
	}
	if got := do(t, e, s, "GET keep"); got != `"v"` {
		t.Fatalf("GET keep = %s", got)
	}
}

// Ensure the table states each fact consistently.
func TestCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range engine.Commands() {
		if c.Name != strings.ToUpper(c.Name) || seen[c.Name] {
			t.Errorf("%s: name must be upper case and unique", c.Name)
		}
		seen[c.Name] = true
		if c.Arity == 0 {
			t.Errorf("%s: arity 0", c.Name)
		}
		if c.Flags&engine.Write != 0 && c.Flags&engine.ReadOnly != 0 {
			t.Errorf("%s: cannot be both Write and ReadOnly", c.Name)
		}
		if c.Summary == "" || c.Run == nil || c.Group == "" || c.Since == "" {
			t.Errorf("%s: summary, handler, group and since are required", c.Name)
		}
		if c.Keys.First > 0 && c.Arity > 0 && c.Keys.Last >= c.Arity {
			t.Errorf("%s: keys beyond arity", c.Name)
		}
		if engine.Lookup(strings.ToLower(c.Name)) != c {
			t.Errorf("%s: Lookup does not find it", c.Name)
		}
	}
}

func TestParseArgs(t *testing.T) {
	args := engine.ParseArgs("key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]")
	var names []string
	for _, a := range args {
		names = append(names, fmt.Sprintf("%s:%s:%v", a.Name, a.Type, a.Optional))
	}
	got := strings.Join(names, " ")
	want := "key:key:false value:string:false nx-xx:oneof:true get:pure-token:true seconds-milliseconds-keepttl:oneof:true"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	pairs := engine.ParseArgs("key field value [field value ...]")
	if len(pairs) != 4 || !pairs[3].Multiple || !pairs[3].Optional || pairs[3].Type != "block" || pairs[3].Args[1].Multiple {
		t.Errorf("[field value ...] = %+v, want an optional, multiple block of two", pairs[3])
	}
	multi := engine.ParseArgs("key [key ...]")
	if len(multi) != 1 || !multi[0].Multiple {
		t.Errorf("key [key ...] = %+v, want one multiple key", multi)
	}
}

func BenchmarkExec(b *testing.B) {
	for _, bc := range []struct{ name, cmd string }{
		{"GET", "GET key:1"},
		{"SET", "SET key:1 value"},
		{"INCR", "INCR counter"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e, s, _ := newEngine(b)
			do(b, e, s, "SET key:1 value")
			var args [][]byte
			for _, w := range strings.Fields(bc.cmd) {
				args = append(args, []byte(w))
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Exec(s, args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Ensure that a small hash lists its fields in insertion order, as
// Redis's listpack does, through updates and deletes, and that a hash
// past Redis's listpack limits still answers correctly.
func TestHash_OrderAndConversion(t *testing.T) {
	e, s, _ := newEngine(t)
	steps := []step{
		{"HSET h c 1 a 2 b 3", "3"},
		{"HSET h a 20 d 4", "1"},
		{"HDEL h c", "1"},
		{"HSET h c 5", "1"},
	}
	for _, st := range steps {
		if got := do(t, e, s, st.cmd); got != st.want {
			t.Fatalf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
	r, _ := e.Exec(s, [][]byte{[]byte("HGETALL"), []byte("h")})
	if got, want := render(r, false), `["a" "20" "b" "3" "d" "4" "c" "5"]`; got != want {
		t.Errorf("HGETALL order: got %s, want %s", got, want)
	}
	for i := 0; i < 200; i++ {
		do(t, e, s, fmt.Sprintf("HSET big f%d v%d", i, i))
	}
	do(t, e, s, "HSET long f "+strings.Repeat("x", 65))
	for _, st := range []step{
		{"HLEN big", "200"}, {"HGET big f199", `"v199"`}, {"HDEL big f0 f1", "2"}, {"HLEN big", "198"},
		{"HGET long f", fmt.Sprintf("%q", strings.Repeat("x", 65))}, {"HSET long g 1", "1"}, {"HLEN long", "2"},
	} {
		if got := do(t, e, s, st.cmd); got != st.want {
			t.Errorf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
}

// Ensure that ExecBatch answers a pipeline exactly as Exec answers its
// commands one by one: errors, a change of database, writes seen by the
// reads after them, and QUIT ending the batch.
func TestExecBatch_MatchesExec(t *testing.T) {
	lines := []string{
		"SET x 1", "SET y 2", "GET x", "GET y", "GET x", "GET nosuch", "GET y",
		"SET a 1", "GET a", "INCR a", "NOSUCH x", "GET", "LPUSH l x y", "LRANGE l 0 -1", "SELECT 2", "GET a",
		"SET a 2", "SELECT 0", "MGET a b", "HSET h f v", "HGETALL h", "DEL a", "EXISTS a", "PING", "QUIT", "SET after quit",
	}
	var cmds [][][]byte
	for _, l := range lines {
		var args [][]byte
		for _, w := range strings.Fields(l) {
			args = append(args, []byte(w))
		}
		cmds = append(cmds, args)
	}
	e1, s1, _ := newEngine(t)
	var want []string
	for _, args := range cmds {
		r, err := e1.Exec(s1, args)
		want = append(want, fmt.Sprint(render(r, false), err))
		if s1.Quitting() {
			break
		}
	}
	e2, s2, _ := newEngine(t)
	var got []string
	e2.ExecBatch(s2, cmds, func(r engine.Reply, err error) { got = append(got, fmt.Sprint(render(r, false), err)) })
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ExecBatch:\n%s\nExec one by one:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(got) != len(lines)-1 { // all but the command after QUIT
		t.Errorf("%d replies, want %d: QUIT ends the batch", len(got), len(lines)-1)
	}
}

// Ensure that many GET replies in one run stay distinct while the
// session's storage for them grows.
func TestExecBatch_ManyBulkReplies(t *testing.T) {
	e, s, _ := newEngine(t)
	var cmds [][][]byte
	for i := 0; i < 200; i++ {
		do(t, e, s, fmt.Sprintf("SET k%d v%d", i, i))
		cmds = append(cmds, [][]byte{[]byte("GET"), []byte(fmt.Sprintf("k%d", i))})
	}
	// A reply lasts until the next run of commands: out renders it at once,
	// as the server writes it.
	var got []string
	e.ExecBatch(s, cmds, func(r engine.Reply, err error) { got = append(got, render(r, false)) })
	for i, r := range got {
		if want := fmt.Sprintf("%q", fmt.Sprintf("v%d", i)); r != want {
			t.Fatalf("reply %d = %s, want %s", i, r, want)
		}
	}
}
