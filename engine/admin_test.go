package engine_test

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

// exec runs a command given as separate arguments, so that they may hold
// spaces or be empty, and renders the reply as do does.
func exec(t testing.TB, e *engine.Engine, s *engine.Session, args ...string) string {
	t.Helper()
	r, err := e.Exec(s, bytesArgs(args))
	if err != nil {
		var ee *engine.Error
		if !errors.As(err, &ee) {
			t.Fatalf("%q: error %v is not an *engine.Error", args, err)
		}
		return ee.Error()
	}
	if _, ok := r.(engine.NoReply); ok {
		return "(no reply)"
	}
	return render(r, false)
}

func bytesArgs(args []string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}

// steps runs each step on s and reports the replies that differ. Replies
// are rendered in the order the engine gives them.
func steps(t *testing.T, e *engine.Engine, s *engine.Session, sts []step) {
	t.Helper()
	for _, st := range sts {
		if got := exec(t, e, s, strings.Fields(st.cmd)...); got != st.want {
			t.Errorf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
}

const (
	noauth    = "NOAUTH Authentication required."
	wrongpass = "WRONGPASS invalid username-password pair or user is disabled."
	helloMap  = `["server" "redis" "version" "7.0.15" "proto" 2 "id" %d "mode" "standalone" "role" "master" "modules" []]`
)

func TestAuth_NoPassword(t *testing.T) {
	e, s, _ := newEngine(t)
	if e.RequiresAuth() {
		t.Fatal("RequiresAuth without a password")
	}
	steps(t, e, s, []step{
		{"AUTH x", "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"},
		{"AUTH default x", "OK"},
		{"AUTH DEFAULT x", wrongpass},
		{"AUTH bob x", wrongpass},
		{"AUTH a b c", "ERR syntax error"},
		{"AUTH", "ERR wrong number of arguments for 'auth' command"},
		{"HELLO 2 AUTH default x", fmt.Sprintf(helloMap, s.ID())},
		{"HELLO 2 AUTH bob x", wrongpass},
		{"HELLO 2 AUTH default", "ERR Syntax error in HELLO option 'AUTH'"},
		{"HELLO AUTH default x", "ERR Protocol version is not an integer or out of range"},
		{"CONFIG GET requirepass", `["requirepass" ""]`},
	})
}

func TestAuth_Password(t *testing.T) {
	e, admin, _ := newEngine(t)
	steps(t, e, admin, []step{
		{"CONFIG SET requirepass pw", "OK"},
		{"PING", "PONG"}, // setting a password logs nobody out
		{"CONFIG GET requirepass", `["requirepass" "pw"]`},
	})
	if !e.RequiresAuth() {
		t.Fatal("RequiresAuth = false with a password set")
	}
	s := e.NewSession()
	defer s.Close()
	steps(t, e, s, []step{
		// Unknown commands and argument counts are checked first.
		{"NOSUCH", "ERR unknown command 'NOSUCH', with args beginning with: "},
		{"GET", "ERR wrong number of arguments for 'get' command"},
		{"CLIENT FOO", "ERR unknown subcommand 'FOO'. Try CLIENT HELP."},
		{"CLIENT SETNAME", "ERR wrong number of arguments for 'client|setname' command"},
		{"PING", noauth},
		{"GET k", noauth},
		{"SELECT 1", noauth},
		{"CLIENT ID", noauth},
		{"HELLO", "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"},
		{"HELLO 3", "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"},
		{"HELLO 3 AUTH default bad", wrongpass},
		{"HELLO 4 AUTH default pw", "NOPROTO unsupported protocol version"},
		{"HELLO 2 AUTH bob pw", wrongpass},
		{"AUTH x", wrongpass},
		{"AUTH default x", wrongpass},
		{"AUTH pw2", wrongpass},
		{"AUTH p", wrongpass},
		{"AUTH bob pw", wrongpass},
		{"AUTH a b c", "ERR syntax error"},
		{"PING", noauth},
		{"AUTH pw", "OK"},
		{"PING", "PONG"},
		{"AUTH bad", wrongpass}, // a failed AUTH does not log out
		{"PING", "PONG"},
		{"RESET", "RESET"},
		{"PING", noauth},
		{"AUTH default pw", "OK"},
		{"GET k", "(nil)"},
	})

	h := e.NewSession()
	defer h.Close()
	steps(t, e, h, []step{
		{"HELLO 2 SETNAME n AUTH default pw", fmt.Sprintf(helloMap, h.ID())},
		{"CLIENT GETNAME", `"n"`},
	})
	h2 := e.NewSession()
	defer h2.Close()
	if got := exec(t, e, h2, "HELLO", "3", "AUTH", "default", "pw", "SETNAME", "a\nb"); got != "ERR Client names cannot contain spaces, newlines or special characters." {
		t.Errorf("HELLO 3 AUTH default pw SETNAME 'a\\nb' = %s", got)
	}
	steps(t, e, h2, []step{{"PING", "PONG"}}) // authenticated before the name was refused
	if h2.Proto() != 2 {
		t.Errorf("a HELLO 3 that failed switched to RESP%d", h2.Proto())
	}

	// Removing the password lets everyone in; setting one again does not.
	q := e.NewSession()
	defer q.Close()
	if got := exec(t, e, admin, "CONFIG", "SET", "requirepass", ""); got != "OK" {
		t.Fatalf("CONFIG SET requirepass '' = %s", got)
	}
	steps(t, e, q, []step{{"PING", "PONG"}, {"QUIT", "OK"}})
	do(t, e, admin, "CONFIG SET requirepass again")
	steps(t, e, q, []step{{"PING", noauth}, {"QUIT", "OK"}, {"RESET", "RESET"}})
}

func TestClient_Commands(t *testing.T) {
	e, s, _ := newEngine(t)
	id := s.ID()
	steps(t, e, s, []step{
		{"CLIENT ID", fmt.Sprint(id)},
		{"CLIENT", "ERR wrong number of arguments for 'client' command"},
		{"CLIENT FOO", "ERR unknown subcommand 'FOO'. Try CLIENT HELP."},
		{"CLIENT ID x", "ERR wrong number of arguments for 'client|id' command"},
		{"CLIENT GETNAME x", "ERR wrong number of arguments for 'client|getname' command"},
		{"CLIENT SETNAME", "ERR wrong number of arguments for 'client|setname' command"},
		{"CLIENT SETNAME a b", "ERR wrong number of arguments for 'client|setname' command"},
		{"CLIENT INFO x", "ERR wrong number of arguments for 'client|info' command"},
		{"CLIENT KILL", "ERR wrong number of arguments for 'client|kill' command"},
		{"CLIENT help x", "ERR wrong number of arguments for 'client|help' command"},
		{"CLIENT GETNAME", "(nil)"},
		{"CLIENT SETNAME é", "ERR Client names cannot contain spaces, newlines or special characters."},
		{"CLIENT SETNAME x", "OK"},
		{"client getname", `"x"`},
		{"CLIENT KILL 1.2.3.4:5", "ERR No such client"},
		{"CLIENT KILL nonsense", "ERR No such client"},
		{"CLIENT KILL ID", "ERR No such client"},
		{"CLIENT KILL ID 999", "0"},
		{"CLIENT KILL ID x", "ERR client-id should be greater than 0"},
		{"CLIENT KILL ID 0", "ERR client-id should be greater than 0"},
		{"CLIENT KILL ADDR 1.2.3.4:5", "0"},
		{"CLIENT KILL LADDR 1.2.3.4:5", "0"},
		{"CLIENT KILL SKIPME maybe", "ERR syntax error"},
		{"CLIENT KILL ID 5 SKIPME", "ERR syntax error"},
		{"CLIENT KILL USER nobody", "ERR No such user 'nobody'"},
		{"CLIENT KILL USER default SKIPME yes ID 99999", "0"},
		{"CLIENT KILL TYPE bogus", "ERR Unknown client type 'bogus'"},
		{"CLIENT KILL MAXAGE 10", "ERR syntax error"},
		{"CLIENT LIST TYPE bogus", "ERR Unknown client type 'bogus'"},
		{"CLIENT LIST ID 1 x", "ERR Invalid client ID"},
		{"CLIENT LIST ID", "ERR syntax error"},
		{"CLIENT LIST TYPE", "ERR syntax error"},
		{"CLIENT LIST FOO", "ERR syntax error"},
		{"CLIENT LIST ID 999", ""},
		{"CLIENT LIST TYPE master", ""},
		{"CLIENT LIST TYPE replica", ""},
		{"CLIENT LIST TYPE pubsub", ""},
		{"CLIENT NO-EVICT maybe", "ERR syntax error"},
		{"CLIENT NO-EVICT", "ERR wrong number of arguments for 'client|no-evict' command"},
		{"CLIENT NO-EVICT on", "OK"},
		{"CLIENT NO-TOUCH ON", "OK"},
		{"CLIENT NO-TOUCH off", "OK"},
		{"CLIENT SETINFO LIB-NAME go-redis(v9)", "OK"},
		{"CLIENT SETINFO lib-ver 9.7.0", "OK"},
		{"CLIENT SETINFO FOO x", "ERR Unrecognized option 'FOO'"},
		{"CLIENT SETINFO LIB-NAME", "ERR wrong number of arguments for 'client|setinfo' command"},
	})
	if got := exec(t, e, s, "CLIENT", "SETINFO", "lib-ver", "a b"); got != "ERR lib-ver cannot contain spaces, newlines or special characters." {
		t.Errorf("CLIENT SETINFO lib-ver 'a b' = %s", got)
	}
	if got := exec(t, e, s, "CLIENT", "SETNAME", "a b"); got != "ERR Client names cannot contain spaces, newlines or special characters." {
		t.Errorf("CLIENT SETNAME 'a b' = %s", got)
	}
	if got := exec(t, e, s, "CLIENT", "SETNAME", ""); got != "OK" {
		t.Errorf("CLIENT SETNAME '' = %s", got)
	}
	if got := do(t, e, s, "CLIENT GETNAME"); got != "(nil)" {
		t.Errorf("CLIENT GETNAME after an empty name = %s", got)
	}
	help := do(t, e, s, "CLIENT HELP")
	if !strings.HasPrefix(help, "[CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are: CACHING (YES|NO) ") || !strings.HasSuffix(help, " HELP     Prints this help.]") {
		t.Errorf("CLIENT HELP = %s", help)
	}

	// IDs grow with each client.
	s2 := e.NewSession()
	defer s2.Close()
	if got, want := do(t, e, s2, "CLIENT ID"), fmt.Sprint(id+1); got != want {
		t.Errorf("second client's CLIENT ID = %s, want %s", got, want)
	}
}

// clientLine is a CLIENT LIST line in Redis 7's field order.
var clientLine = regexp.MustCompile(`^id=(\d+) addr=(\S*) laddr=(\S*) fd=-1 name=(\S*) age=(\d+) idle=(\d+) flags=([A-Za-z]+) db=(\d+) ` +
	`sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=(\d+) multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=(\d+) ` +
	`events=r cmd=(\S+) user=default redir=-1 resp=([23]) lib-name=(\S*) lib-ver=(\S*)$`)

func TestClient_List(t *testing.T) {
	e, s, _ := newEngine(t)
	s.SetConn(engine.ConnInfo{Addr: "127.0.0.1:5000", LocalAddr: "127.0.0.1:6379"})
	o := e.NewSession()
	defer o.Close()
	o.SetConn(engine.ConnInfo{Addr: "127.0.0.1:5001", LocalAddr: "127.0.0.1:6379"})
	steps(t, e, o, []step{{"SELECT 3", "OK"}, {"HELLO 3", fmt.Sprintf(strings.Replace(helloMap, `"proto" 2`, `"proto" 3`, 1), o.ID())}, {"CLIENT SETNAME other", "OK"}, {"CLIENT SETINFO LIB-NAME lib", "OK"}, {"GET k", "(nil)"}})
	steps(t, e, s, []step{{"CLIENT NO-EVICT ON", "OK"}})

	r, err := e.Exec(s, bytesArgs([]string{"CLIENT", "LIST"}))
	if err != nil {
		t.Fatal(err)
	}
	list, ok := r.(engine.Verbatim)
	if !ok || !strings.HasSuffix(string(list), "\n") {
		t.Fatalf("CLIENT LIST = %#v, want verbatim lines", r)
	}
	lines := strings.Split(strings.TrimSuffix(string(list), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("CLIENT LIST has %d lines, want 2:\n%s", len(lines), list)
	}
	type want struct{ id, addr, name, flags, db, cmd, resp, lib, argvMem string }
	for i, w := range []want{
		{fmt.Sprint(s.ID()), "127.0.0.1:5000", "", "e", "0", "client|list", "2", "", "10"},
		{fmt.Sprint(o.ID()), "127.0.0.1:5001", "other", "N", "3", "get", "3", "lib", "0"},
	} {
		m := clientLine.FindStringSubmatch(lines[i])
		if m == nil {
			t.Errorf("line %d does not match Redis's format:\n%s", i, lines[i])
			continue
		}
		got := want{m[1], m[2], m[4], m[7], m[8], m[11], m[12], m[13], m[9]}
		if got != w {
			t.Errorf("line %d = %+v, want %+v", i, got, w)
		}
		if m[3] != "127.0.0.1:6379" || m[5] != "0" || m[6] != "0" {
			t.Errorf("line %d: laddr, age, idle = %s %s %s", i, m[3], m[5], m[6])
		}
	}

	if normal := listOf(t, e, o, "CLIENT", "LIST", "TYPE", "normal"); len(normal) != 2 {
		t.Errorf("CLIENT LIST TYPE normal = %q, want both clients", normal)
	}
	ids := listOf(t, e, s, "CLIENT", "LIST", "ID", fmt.Sprint(o.ID()), "999", fmt.Sprint(o.ID()))
	if len(ids) != 2 || !strings.HasPrefix(ids[0], fmt.Sprintf("id=%d ", o.ID())) || ids[0] != ids[1] {
		t.Errorf("CLIENT LIST ID o 999 o = %q, want o's line twice", ids)
	}
	info := listOf(t, e, o, "CLIENT", "INFO")
	if len(info) != 1 || !strings.Contains(info[0], " cmd=client|info ") || !strings.HasPrefix(info[0], fmt.Sprintf("id=%d ", o.ID())) {
		t.Errorf("CLIENT INFO = %q", info)
	}
	if got := do(t, e, s, "CLIENT LIST TYPE pubsub"); got != "" {
		t.Errorf("CLIENT LIST TYPE pubsub = %q", got)
	}
}

// listOf runs a command answered with CLIENT LIST lines and returns them,
// each with its newline.
func listOf(t testing.TB, e *engine.Engine, s *engine.Session, args ...string) []string {
	t.Helper()
	r, err := e.Exec(s, bytesArgs(args))
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	v, ok := r.(engine.Verbatim)
	if !ok {
		t.Fatalf("%q = %#v, want verbatim", args, r)
	}
	return strings.SplitAfter(string(v), "\n")[:strings.Count(string(v), "\n")]
}

// Ensure that CLIENT KILL closes the matching connections through
// ConnInfo.Kill, never the caller's unless asked, and counts them.
func TestClient_Kill(t *testing.T) {
	e, s, _ := newEngine(t)
	var mu sync.Mutex
	killed := map[string]int{}
	conn := func(addr string) engine.ConnInfo {
		return engine.ConnInfo{Addr: addr, LocalAddr: "127.0.0.1:6379", Kill: func() {
			mu.Lock()
			killed[addr]++
			mu.Unlock()
		}}
	}
	s.SetConn(conn("10.0.0.1:1"))
	a, b := e.NewSession(), e.NewSession()
	defer a.Close()
	defer b.Close()
	a.SetConn(conn("10.0.0.2:2"))
	b.SetConn(conn("10.0.0.3:3"))
	steps(t, e, s, []step{
		{"CLIENT KILL 10.0.0.2:2", "OK"},
		{"CLIENT KILL ADDR 10.0.0.3:3 ID " + fmt.Sprint(a.ID()), "0"},
		{"CLIENT KILL ID " + fmt.Sprint(b.ID()), "1"},
		{"CLIENT KILL LADDR 127.0.0.1:6379", "2"},
		{"CLIENT KILL TYPE normal USER default", "2"},
		{"CLIENT KILL TYPE pubsub", "0"},
	})
	if s.Quitting() {
		t.Fatal("CLIENT KILL killed the caller without SKIPME no")
	}
	mu.Lock()
	if want := map[string]int{"10.0.0.2:2": 3, "10.0.0.3:3": 3}; fmt.Sprint(killed) != fmt.Sprint(want) {
		t.Errorf("killed = %v, want %v", killed, want)
	}
	mu.Unlock()
	steps(t, e, s, []step{{"CLIENT KILL ID " + fmt.Sprint(s.ID()) + " SKIPME no", "1"}})
	if !s.Quitting() {
		t.Error("CLIENT KILL ... SKIPME no did not close the caller after its reply")
	}
	s2 := e.NewSession()
	defer s2.Close()
	s2.SetConn(conn("10.0.0.4:4"))
	steps(t, e, s2, []step{{"CLIENT KILL 10.0.0.4:4", "OK"}})
	if !s2.Quitting() {
		t.Error("CLIENT KILL <own address> did not close the caller after its reply")
	}
}

// Ensure that RESET leaves the connection as it was when it connected.
func TestReset(t *testing.T) {
	e, s, _ := newEngine(t)
	resets := 0
	s.SetConn(engine.ConnInfo{Addr: "127.0.0.1:1", Push: func(engine.Reply) {}, Reset: func() { resets++ }})
	steps(t, e, s, []step{
		{"SELECT 3", "OK"},
		{"HELLO 3 SETNAME me", fmt.Sprintf(strings.Replace(helloMap, `"proto" 2`, `"proto" 3`, 1), s.ID())},
		{"CLIENT NO-EVICT ON", "OK"},
		{"MONITOR", "OK"},
		{"RESET x", "ERR wrong number of arguments for 'reset' command"},
		{"RESET", "RESET"},
		{"CLIENT GETNAME", "(nil)"},
		{"GET k", "(nil)"}, // not monitoring any more
	})
	if s.DB() != 0 || s.Proto() != 2 || s.PushMode() || resets != 1 {
		t.Errorf("after RESET: db %d, RESP%d, push mode %v, %d server resets", s.DB(), s.Proto(), s.PushMode(), resets)
	}
	info := listOf(t, e, s, "CLIENT", "INFO")[0]
	if !strings.Contains(info, " flags=e db=0 ") || !strings.Contains(info, " resp=2 ") {
		t.Errorf("CLIENT INFO after RESET = %s", info)
	}
}

func TestSlowlog(t *testing.T) {
	e, s, _ := newEngine(t)
	s.SetConn(engine.ConnInfo{Addr: "127.0.0.1:4242"})
	steps(t, e, s, []step{
		{"CONFIG GET slowlog-*", `["slowlog-log-slower-than" "10000" "slowlog-max-len" "128"]`},
		{"CONFIG SET slowlog-max-len -1", "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive"},
		{"CONFIG SET slowlog-max-len x", "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument couldn't be parsed into an integer"},
		{"CONFIG SET slowlog-log-slower-than x", "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument couldn't be parsed into an integer"},
		{"CONFIG SET slowlog-log-slower-than -5", "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive"},
		{"SLOWLOG", "ERR wrong number of arguments for 'slowlog' command"},
		{"SLOWLOG FOO", "ERR unknown subcommand 'FOO'. Try SLOWLOG HELP."},
		{"SLOWLOG LEN x", "ERR wrong number of arguments for 'slowlog|len' command"},
		{"SLOWLOG RESET x", "ERR wrong number of arguments for 'slowlog|reset' command"},
		{"SLOWLOG GET x", "ERR count should be greater than or equal to -1"},
		{"SLOWLOG GET -2", "ERR count should be greater than or equal to -1"},
		{"SLOWLOG GET 1 2", "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."},
		{"SLOWLOG GET -1", "[]"},
		{"SLOWLOG LEN", "0"},
		{"CONFIG SET slowlog-log-slower-than 0", "OK"},
		{"SLOWLOG RESET", "OK"},
		{"SET k v", "OK"},
		{"SLOWLOG LEN", "2"}, // SLOWLOG RESET and SET: each entry is added once its command is done, with its id
		{"AUTH default x", "OK"},
		{"AUTH x y z", "ERR syntax error"},
		{"HELLO 2 AUTH default x SETNAME n", fmt.Sprintf(helloMap, s.ID())},
		{"GET", "ERR wrong number of arguments for 'get' command"}, // refused before it ran: not logged
	})
	got := do(t, e, s, "SLOWLOG GET 4")
	entry := regexp.MustCompile(`\[(\d+) 1700000000 (\d+) \[([^\]]*)\] "127\.0\.0\.1:4242" "(\w*)"\]`)
	var shown []string
	for _, m := range entry.FindAllStringSubmatch(got, -1) {
		shown = append(shown, m[1]+" "+m[3]+" "+m[4])
	}
	want := []string{
		`6 "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n" n`,
		`5 "AUTH" "x" "y" "z" `,
		`4 "AUTH" "(redacted)" "(redacted)" `,
		`3 "SLOWLOG" "LEN" `,
	}
	if strings.Join(shown, "\n") != strings.Join(want, "\n") {
		t.Errorf("SLOWLOG GET 4 =\n%s\nwant\n%s\n(raw %s)", strings.Join(shown, "\n"), strings.Join(want, "\n"), got)
	}

	// Long commands and long arguments are cut as Redis cuts them.
	long := strings.Repeat("x", 200)
	mset := []string{"MSET"}
	for i := 0; i < 20; i++ {
		mset = append(mset, "a", "1")
	}
	exec(t, e, s, "SET", "k", long)
	exec(t, e, s, mset...)
	r, err := e.Exec(s, bytesArgs([]string{"SLOWLOG", "GET", "2"}))
	if err != nil {
		t.Fatal(err)
	}
	entries := r.([]engine.Reply)
	msetArgs := entries[0].([]engine.Reply)[3].([]engine.Reply)
	setArgs := entries[1].([]engine.Reply)[3].([]engine.Reply)
	if len(msetArgs) != 32 || string(msetArgs[31].([]byte)) != "... (10 more arguments)" || string(msetArgs[30].([]byte)) != "1" {
		t.Errorf("MSET with 41 arguments logged as %d: last %q", len(msetArgs), msetArgs[len(msetArgs)-1])
	}
	if got, want := string(setArgs[2].([]byte)), long[:128]+"... (72 more bytes)"; got != want {
		t.Errorf("SET's 200-byte value logged as %q", got)
	}

	// Lowering the length trims at the next command; a negative
	// threshold turns the log off, trimming included, as in Redis.
	steps(t, e, s, []step{
		{"SLOWLOG LEN", "10"},
		{"CONFIG SET slowlog-max-len 1 slowlog-log-slower-than -1", "OK"},
		{"PING", "PONG"},
		{"SLOWLOG LEN", "11"},
		{"CONFIG SET slowlog-log-slower-than 1000000000", "OK"},
		{"SLOWLOG LEN", "1"},
		{"CONFIG SET slowlog-log-slower-than 0 slowlog-max-len 0", "OK"},
		{"SLOWLOG LEN", "0"},
		{"PING", "PONG"},
		{"SLOWLOG LEN", "0"},
		{"CONFIG SET slowlog-max-len 5", "OK"},
		{"SLOWLOG LEN", "1"},
	})
	last := regexp.MustCompile(`^\[\[17 1700000000 \d+ \["SLOWLOG" "LEN"\] "127.0.0.1:4242" "n"\] \[16 1700000000 \d+ \["CONFIG" "SET" "slowlog-max-len" "5"\] "127.0.0.1:4242" "n"\]\]$`)
	if got := do(t, e, s, "SLOWLOG GET"); !last.MatchString(got) {
		t.Errorf("SLOWLOG GET = %s", got)
	}
	help := do(t, e, s, "SLOWLOG HELP")
	if !strings.HasPrefix(help, "[SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are: GET [<count>] ") {
		t.Errorf("SLOWLOG HELP = %s", help)
	}
}

// pushes collects what a connection is pushed.
type pushes struct {
	mu    sync.Mutex
	lines []string
}

func (p *pushes) push(r engine.Reply) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, ok := r.(engine.Status)
	if !ok {
		p.lines = append(p.lines, fmt.Sprintf("unexpected %T", r))
		return
	}
	p.lines = append(p.lines, string(st))
}

func (p *pushes) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.lines
	p.lines = nil
	return out
}

func TestMonitor(t *testing.T) {
	e, m, c := newEngine(t)
	c.advance(123456 * time.Microsecond)
	var got pushes
	m.SetConn(engine.ConnInfo{Addr: "127.0.0.1:1111", Push: got.push})
	s := e.NewSession()
	defer s.Close()
	s.SetConn(engine.ConnInfo{Addr: "127.0.0.1:2222"})
	do(t, e, s, "SET before 1")
	steps(t, e, m, []step{{"MONITOR x", "ERR wrong number of arguments for 'monitor' command"}, {"MONITOR", "OK"}})
	if !m.PushMode() {
		t.Error("PushMode = false after MONITOR")
	}
	if r := exec(t, e, m, "MONITOR"); r != "(no reply)" {
		t.Errorf("second MONITOR = %s, want no reply", r)
	}
	for _, args := range [][]string{
		{"SET", "k", "a b\"\\\n\r\t\a\b\x01\xff~"},
		{"GET", "k"},
		{"NOSUCH"},
		{"GET"},
		{"SELECT", "3"},
		{"SET", "x", "1"},
		{"SELECT", "0"},
		{"CONFIG", "GET", "maxmemory"},
		{"CLIENT", "ID"},
		{"CLIENT", "LIST"},
		{"CLIENT", "SETNAME", "cc"},
		{"SLOWLOG", "LEN"},
		{"SLOWLOG", "HELP"},
		{"AUTH", "default", "pw"},
		{"AUTH", "pw"},
		{"HELLO", "2", "AUTH", "u", "p", "SETNAME", "n"},
		{"SHUTDOWN", "ABORT"},
		{"SET", "n", "12345"},
	} {
		exec(t, e, s, args...)
	}
	steps(t, e, m, []step{
		{"GET k", "ERR Replica can't interact with the keyspace"},
		{"KEYS *", "ERR Replica can't interact with the keyspace"},
		{"SET k v", "ERR Replica can't interact with the keyspace"},
		{"PING", "PONG"},
	})
	want := []string{
		`1700000000.123456 [0 127.0.0.1:2222] "SET" "k" "a b\"\\\n\r\t\a\b\x01\xff~"`,
		`1700000000.123456 [0 127.0.0.1:2222] "GET" "k"`,
		`1700000000.123456 [3 127.0.0.1:2222] "SELECT" "3"`,
		`1700000000.123456 [3 127.0.0.1:2222] "SET" "x" "1"`,
		`1700000000.123456 [0 127.0.0.1:2222] "SELECT" "0"`,
		`1700000000.123456 [0 127.0.0.1:2222] "CLIENT" "ID"`,
		`1700000000.123456 [0 127.0.0.1:2222] "CLIENT" "SETNAME" "cc"`,
		`1700000000.123456 [0 127.0.0.1:2222] "SLOWLOG" "HELP"`,
		`1700000000.123456 [0 127.0.0.1:2222] "AUTH" "(redacted)" "(redacted)"`,
		`1700000000.123456 [0 127.0.0.1:2222] "AUTH" "(redacted)"`,
		`1700000000.123456 [0 127.0.0.1:2222] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"`,
		`1700000000.123456 [0 127.0.0.1:2222] "SET" "n" "12345"`,
		`1700000000.123456 [0 127.0.0.1:1111] "PING"`,
	}
	if lines := got.take(); strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("monitor saw\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	c.advance(-123450 * time.Microsecond)
	do(t, e, s, "PING")
	if lines := got.take(); len(lines) != 1 || !strings.HasPrefix(lines[0], "1700000000.000006 [0 ") {
		t.Errorf("monitor line with 6 µs = %q", lines)
	}
	steps(t, e, m, []step{{"RESET", "RESET"}})
	do(t, e, s, "PING")
	if lines := got.take(); len(lines) != 0 || m.PushMode() {
		t.Errorf("after RESET the monitor still saw %q", lines)
	}
	// Closing a monitoring session stops its feed.
	do(t, e, m, "MONITOR")
	m.Close()
	do(t, e, s, "PING")
	if lines := got.take(); len(lines) != 0 {
		t.Errorf("a closed monitor saw %q", lines)
	}
}

func ptr[T any](v T) *T { return &v }

func TestShutdown(t *testing.T) {
	var calls []bool
	fail := false
	hook := func(save bool) error {
		calls = append(calls, save)
		if fail {
			return errors.New("disk on fire")
		}
		return nil
	}
	quiet := slog.New(slog.DiscardHandler)
	for _, tc := range []struct {
		name     string
		opts     engine.Options
		cmd      string
		want     string
		wantSave []bool
		save     *string // the save directive, when registered
	}{
		{"no hook", engine.Options{}, "SHUTDOWN", "ERR Errors trying to SHUTDOWN. Check logs.", nil, nil},
		{"abort", engine.Options{Shutdown: hook}, "SHUTDOWN ABORT", "ERR No shutdown in progress.", nil, nil},
		{"abort twice", engine.Options{Shutdown: hook}, "SHUTDOWN abort ABORT", "ERR No shutdown in progress.", nil, nil},
		{"abort now", engine.Options{Shutdown: hook}, "SHUTDOWN ABORT NOW", "ERR syntax error", nil, nil},
		{"nosave save", engine.Options{Shutdown: hook}, "SHUTDOWN NOSAVE SAVE", "ERR syntax error", nil, nil},
		{"unknown flag", engine.Options{Shutdown: hook}, "SHUTDOWN FOO", "ERR syntax error", nil, nil},
		{"no snapshots", engine.Options{Shutdown: hook}, "SHUTDOWN", "(no reply)", []bool{false}, nil},
		{"save asked", engine.Options{Shutdown: hook}, "SHUTDOWN SAVE NOW FORCE", "(no reply)", []bool{true}, nil},
		{"snapshots", engine.Options{Shutdown: hook, Snapshotter: nopSnapshotter{}}, "SHUTDOWN", "(no reply)", []bool{true}, nil},
		{"nosave", engine.Options{Shutdown: hook, Snapshotter: nopSnapshotter{}}, "SHUTDOWN nosave", "(no reply)", []bool{false}, nil},
		{"save points off", engine.Options{Shutdown: hook, Snapshotter: nopSnapshotter{}}, "SHUTDOWN", "(no reply)", []bool{false}, ptr("")},
		{"save points on", engine.Options{Shutdown: hook, Snapshotter: nopSnapshotter{}}, "SHUTDOWN", "(no reply)", []bool{true}, ptr("3600 1")},
		{"save points off, SAVE", engine.Options{Shutdown: hook, Snapshotter: nopSnapshotter{}}, "SHUTDOWN SAVE", "(no reply)", []bool{true}, ptr("")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls = nil
			tc.opts.Logger = quiet
			e := engine.New(tc.opts)
			if tc.save != nil {
				e.RegisterConfig(engine.Param{Name: "save", Get: func() string { return *tc.save }})
			}
			s := e.NewSession()
			if got := exec(t, e, s, strings.Fields(tc.cmd)...); got != tc.want {
				t.Errorf("%s = %s, want %s", tc.cmd, got, tc.want)
			}
			if fmt.Sprint(calls) != fmt.Sprint(tc.wantSave) {
				t.Errorf("Shutdown called with %v, want %v", calls, tc.wantSave)
			}
			if s.Quitting() != (tc.want == "(no reply)") {
				t.Errorf("Quitting = %v", s.Quitting())
			}
		})
	}
	fail = true
	e := engine.New(engine.Options{Shutdown: hook, Logger: quiet})
	s := e.NewSession()
	if got := do(t, e, s, "SHUTDOWN NOSAVE"); got != "ERR Errors trying to SHUTDOWN. Check logs." || s.Quitting() {
		t.Errorf("SHUTDOWN whose hook fails = %s, quitting %v", got, s.Quitting())
	}
}

type nopSnapshotter struct{}

func (nopSnapshotter) Save(*engine.Snapshot) error { return nil }

func TestInfo_ClientsAndStats(t *testing.T) {
	e, s, _ := newEngine(t)
	o := e.NewSession()
	defer o.Close()
	clients := do(t, e, s, "INFO clients")
	for _, want := range []string{"# Clients\r\n", "connected_clients:2\r\n", "maxclients:10000\r\n", "blocked_clients:0\r\n"} {
		if !strings.Contains(clients, want) {
			t.Errorf("INFO clients lacks %q:\n%s", want, clients)
		}
	}
	e.RegisterConfig(engine.Param{Name: "maxclients", Get: func() string { return "42" }})
	if got := do(t, e, s, "INFO clients"); !strings.Contains(got, "maxclients:42\r\n") {
		t.Errorf("INFO clients does not show the registered maxclients:\n%s", got)
	}
	if got := do(t, e, s, "INFO stats"); !strings.Contains(got, "\r\ninstantaneous_ops_per_sec:0\r\n") {
		t.Errorf("INFO stats lacks instantaneous_ops_per_sec:\n%s", got)
	}
}

// Ensure that every command that may run before AUTH is flagged, and
// only those Redis 7 flags no_auth; and that subcommands are well formed.
func TestCommandTable_AuthAndSubcommands(t *testing.T) {
	var noAuth []string
	for _, c := range engine.Commands() {
		if c.Flags&engine.NoAuth != 0 {
			noAuth = append(noAuth, c.Name)
		}
		if c.Subcommands == nil {
			continue
		}
		// COMMAND also runs without a subcommand, as in Redis.
		if c.Arity != -2 && !(c.Name == "COMMAND" && c.Arity == -1) {
			t.Errorf("%s: a container's arity must be -2, is %d", c.Name, c.Arity)
		}
		seen := map[string]bool{}
		for _, sub := range c.Subcommands {
			if sub.Name != strings.ToUpper(sub.Name) || seen[sub.Name] || sub.Arity == 0 || (sub.Arity > 0 && sub.Arity < 2) {
				t.Errorf("%s %s: name must be upper case and unique, arity at least 2", c.Name, sub.Name)
			}
			seen[sub.Name] = true
		}
	}
	if got := strings.Join(noAuth, " "); got != "AUTH HELLO QUIT RESET" {
		t.Errorf("commands flagged NoAuth: %s, want AUTH HELLO QUIT RESET", got)
	}
	if got := engine.Lookup("auth").Flags.Names(); strings.Join(got, " ") != "readonly noscript loading stale fast no_auth" {
		t.Errorf("AUTH flags = %v", got)
	}
}

// Ensure that CLIENT LIST, KILL and MONITOR are safe while other clients
// run commands, rename themselves, select databases, come and go (run
// with -race).
func TestClient_Concurrent(t *testing.T) {
	e, admin, _ := newEngine(t)
	var p pushes
	mon := e.NewSession()
	mon.SetConn(engine.ConnInfo{Addr: "127.0.0.1:9", Push: p.push})
	do(t, e, mon, "MONITOR")
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				s := e.NewSession()
				s.SetConn(engine.ConnInfo{Addr: fmt.Sprintf("127.0.0.1:%d", 1000+i), Kill: func() {}})
				do(t, e, s, fmt.Sprintf("SELECT %d", j%16))
				do(t, e, s, fmt.Sprintf("CLIENT SETNAME c%d", j))
				do(t, e, s, "HELLO 3")
				do(t, e, s, "SET k v")
				do(t, e, s, "RESET")
				s.Close()
			}
		}(i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; j < 200; j++ {
			do(t, e, admin, "CLIENT LIST")
			do(t, e, admin, "CLIENT KILL ADDR 127.0.0.1:1000")
			do(t, e, admin, "INFO")
			if j == 100 {
				do(t, e, mon, "RESET")
			}
		}
	}()
	wg.Wait()
	if len(p.take()) == 0 {
		t.Error("the monitor saw nothing")
	}
}

// BenchmarkExec_Admin measures what the slow log and MONITOR add to a
// command: compare with BenchmarkExec/GET.
func BenchmarkExec_Admin(b *testing.B) {
	for _, bc := range []struct{ name, setup string }{
		{"slowlog-off", "CONFIG SET slowlog-log-slower-than -1"},
		{"slowlog-on", ""},
		{"monitored", "MONITOR"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e, s, _ := newEngine(b)
			do(b, e, s, "SET key:1 value")
			if bc.setup != "" {
				m := e.NewSession()
				m.SetConn(engine.ConnInfo{Push: func(engine.Reply) {}})
				do(b, e, m, bc.setup)
			}
			args := bytesArgs([]string{"GET", "key:1"})
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Exec(s, args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Ensure that a background save tells Options.Background when it starts
// and when it ends, so the process can lend it a thread.
func TestBGSave_Background(t *testing.T) {
	events := make(chan bool, 2)
	e := engine.New(engine.Options{Snapshotter: nopSnapshotter{}, Background: func(running bool) { events <- running }})
	s := e.NewSession()
	if got := exec(t, e, s, "BGSAVE"); got != "Background saving started" {
		t.Fatalf("BGSAVE = %s", got)
	}
	e.WaitSaves()
	if a, b := <-events, <-events; !a || b {
		t.Errorf("Background called with %v then %v, want true then false", a, b)
	}
}
