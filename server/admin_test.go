package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
)

// Tests of the server administration commands (AUTH, CLIENT, RESET,
// SLOWLOG, MONITOR, SHUTDOWN) over real connections, most of them
// compared with a real redis-server.

// adminScripts are command sequences run on a new connection to each
// server, after setup ran on an administrator's connection, and compared
// reply by reply. A ␣ in an argument stands for a space. Replies that
// hold a client id are compared with the id masked.
var adminScripts = []struct {
	name   string
	setup  []string
	lines  []string
	teardn []string
}{
	{name: "auth without password", lines: []string{
		"AUTH x", "AUTH default x", "AUTH DEFAULT x", "AUTH bob x", "AUTH a b c", "AUTH",
		"HELLO 2 AUTH default x", "HELLO 2 AUTH bob x", "HELLO 2 AUTH default", "HELLO 2 AUTH",
		"HELLO AUTH default x", "HELLO 3 SETNAME a␣b", "HELLO 2 SETNAME ok", "CLIENT GETNAME",
		"CONFIG GET requirepass",
	}},
	{name: "auth with password", setup: []string{"CONFIG SET requirepass pw"}, lines: []string{
		"NOSUCH", "GET", "CLIENT FOO", "CLIENT SETNAME", "SLOWLOG LEN x", "PING", "GET k", "SELECT 1", "CLIENT ID",
		"CONFIG GET requirepass", "HELLO", "HELLO 3", "HELLO 3 AUTH default bad", "HELLO 4 AUTH default pw",
		"HELLO 2 AUTH bob pw", "HELLO x", "AUTH x", "AUTH default x", "AUTH bob pw", "AUTH a b c", "PING",
		"HELLO 2 SETNAME n AUTH default pw", "CLIENT GETNAME", "PING", "AUTH bad", "PING",
		"HELLO 2 AUTH default pw SETNAME a␣b", "CLIENT GETNAME", "RESET", "PING", "CLIENT GETNAME",
		"AUTH pw", "CONFIG GET requirepass",
	}, teardn: []string{"CONFIG SET requirepass ''"}},
	{name: "client", lines: []string{
		"CLIENT", "CLIENT FOO", "CLIENT ID x", "CLIENT GETNAME x", "CLIENT SETNAME", "CLIENT SETNAME a b",
		"CLIENT GETNAME", "CLIENT SETNAME a␣b", "CLIENT SETNAME é", "CLIENT SETNAME x", "CLIENT GETNAME",
		"CLIENT INFO x", "CLIENT help x", "CLIENT KILL", "CLIENT KILL 1.2.3.4:5", "CLIENT KILL nonsense",
		"CLIENT KILL ID", "CLIENT KILL ID 99999", "CLIENT KILL ID x", "CLIENT KILL ID 0", "CLIENT KILL ID -3",
		"CLIENT KILL ADDR 1.2.3.4:5", "CLIENT KILL LADDR 1.2.3.4:5", "CLIENT KILL SKIPME maybe",
		"CLIENT KILL ID 5 SKIPME", "CLIENT KILL USER nobody", "CLIENT KILL USER default SKIPME yes ID 99999",
		"CLIENT KILL TYPE bogus", "CLIENT KILL TYPE normal SKIPME yes ADDR 9.9.9.9:1", "CLIENT KILL MAXAGE 10",
		"CLIENT KILL FOO bar", "CLIENT LIST TYPE bogus", "CLIENT LIST ID 1 x", "CLIENT LIST ID", "CLIENT LIST FOO",
		"CLIENT LIST TYPE", "CLIENT LIST TYPE normal x", "CLIENT LIST ID 99999", "CLIENT LIST TYPE master",
		"CLIENT LIST TYPE replica", "CLIENT LIST TYPE slave", "CLIENT LIST TYPE pubsub", "CLIENT NO-EVICT ON",
		"CLIENT NO-EVICT maybe", "CLIENT NO-EVICT", "CLIENT NO-EVICT off", "RESET x", "RESET", "CLIENT GETNAME",
		"MONITOR x", "SHUTDOWN ABORT", "SHUTDOWN NOSAVE SAVE", "SHUTDOWN ABORT NOW", "SHUTDOWN FOO",
		"SHUTDOWN abort abort",
	}},
	{name: "slowlog", lines: []string{
		"CONFIG GET slowlog-*", "CONFIG SET slowlog-max-len -1", "CONFIG SET slowlog-max-len x",
		"CONFIG SET slowlog-log-slower-than x", "CONFIG SET slowlog-log-slower-than -5",
		"CONFIG SET slowlog-log-slower-than 1.5", "SLOWLOG", "SLOWLOG FOO", "SLOWLOG LEN x", "SLOWLOG RESET x",
		"SLOWLOG GET x", "SLOWLOG GET -2", "SLOWLOG GET 1 2", "SLOWLOG RESET", "SLOWLOG GET 0", "SLOWLOG GET -1",
		"SLOWLOG LEN", "CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET", "SLOWLOG LEN", "SET k v",
		"SLOWLOG LEN", "CONFIG SET slowlog-max-len 1 slowlog-log-slower-than -1", "PING", "SLOWLOG LEN",
		"CONFIG SET slowlog-log-slower-than 1000000000", "SLOWLOG LEN",
		"CONFIG SET slowlog-log-slower-than 0 slowlog-max-len 0", "SLOWLOG LEN", "PING", "SLOWLOG LEN",
		"CONFIG SET slowlog-max-len 5", "SLOWLOG LEN", "CONFIG GET slowlog-*",
	}, teardn: []string{"CONFIG SET slowlog-log-slower-than 10000 slowlog-max-len 128", "SLOWLOG RESET"}},
}

// idField masks the value after "id" in a HELLO reply.
var idField = regexp.MustCompile(`"id" \d+`)

// normalizeAdmin hides what differs between two servers by nature:
// client ids, and the order of CONFIG GET's pairs, which is a hash
// table's in Redis.
func normalizeAdmin(args []string, v resp.Value) string {
	got := show(v)
	switch {
	case strings.EqualFold(args[0], "CLIENT") && len(args) == 2 && strings.EqualFold(args[1], "ID") && v.Kind == resp.Integer:
		return "<id>"
	case strings.EqualFold(args[0], "CONFIG") && v.Kind == resp.Array:
		return sortedPairs(v)
	}
	return idField.ReplaceAllString(got, `"id" <id>`)
}

func scriptArgs(line string) []string {
	args := strings.Fields(line)
	for i, a := range args {
		a = strings.ReplaceAll(a, "␣", " ")
		if a == "''" {
			a = ""
		}
		args[i] = a
	}
	return args
}

// Ensure that the administration commands answer as Redis 7 does:
// errors, authentication, CLIENT's checks, SLOWLOG's counts.
func TestAdmin_MatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, script := range adminScripts {
		t.Run(script.name, func(t *testing.T) {
			admin := map[string]*conn{"photon": dial(t, addr), "redis": dial(t, real.Addr)}
			for _, line := range script.setup {
				for name, c := range admin {
					if got := c.do(scriptArgs(line)...); got != "+OK" {
						t.Fatalf("%s: setup %s = %s", name, line, got)
					}
				}
			}
			defer func() {
				for _, line := range script.teardn {
					for name, c := range admin {
						if got := c.do(scriptArgs(line)...); got != "+OK" {
							t.Errorf("%s: teardown %s = %s", name, line, got)
						}
					}
				}
			}()
			photon, redis := dial(t, addr), dial(t, real.Addr)
			for _, line := range script.lines {
				args := scriptArgs(line)
				photon.send(args...)
				redis.send(args...)
				got, want := normalizeAdmin(args, photon.read()), normalizeAdmin(args, redis.read())
				if got != want {
					t.Errorf("%s\n photon: %s\n  redis: %s", line, got, want)
				}
			}
		})
	}
}

// slowlogArgs returns what SLOWLOG GET shows of each entry, newest first,
// without what differs between servers: ids, times, durations and
// addresses.
func slowlogArgs(t testing.TB, c *conn, count string) []string {
	t.Helper()
	c.send("SLOWLOG", "GET", count)
	v := c.read()
	if v.Kind != resp.Array {
		t.Fatalf("SLOWLOG GET = %s", show(v))
	}
	var out []string
	for _, e := range v.Elems {
		if len(e.Elems) != 6 || e.Elems[0].Kind != resp.Integer || e.Elems[1].Kind != resp.Integer || e.Elems[2].Kind != resp.Integer {
			t.Fatalf("SLOWLOG entry %s is not id, time, duration, args, addr, name", show(e))
		}
		out = append(out, show(e.Elems[3])+" name="+show(e.Elems[5]))
	}
	return out
}

// Ensure that SLOWLOG entries keep, cut and redact arguments as Redis
// does, and carry the client's name.
func TestAdmin_SlowlogEntriesMatchRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	long := strings.Repeat("x", 200)
	mset := []string{"MSET"}
	for i := 0; i < 20; i++ {
		mset = append(mset, "a", "1")
	}
	var logs [2][]string
	for i, a := range []string{addr, real.Addr} {
		c := dial(t, a)
		for _, args := range [][]string{
			{"CONFIG", "SET", "slowlog-log-slower-than", "0"},
			{"SLOWLOG", "RESET"},
			{"SET", "k", long},
			mset,
			{"AUTH", "default", "x"},
			{"AUTH", "x", "y", "z"},
			{"AUTH", "onlyone"},
			{"HELLO", "2", "AUTH", "default", "x", "SETNAME", "n"},
			{"HELLO", "2", "AUTH", "u", "p", "FOO"},
			{"GET"}, // refused before it ran: not logged
			{"CLIENT", "SETNAME", "named"},
		} {
			c.do(args...)
		}
		logs[i] = slowlogArgs(t, c, "-1")
		c.do("CONFIG", "SET", "slowlog-log-slower-than", "10000")
	}
	if got, want := strings.Join(logs[0], "\n"), strings.Join(logs[1], "\n"); got != want {
		t.Errorf("slow log\nphoton:\n%s\nredis:\n%s", got, want)
	}
}

// monitorLine masks a MONITOR line's time and client address.
var monitorLine = regexp.MustCompile(`^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\] `)

// Ensure that MONITOR shows what Redis shows, as Redis formats it: every
// command that ran, after it ran, with arguments quoted and passwords
// redacted, but no administrative commands and nothing refused.
func TestAdmin_MonitorMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	var seen [2][]string
	for i, a := range []string{addr, real.Addr} {
		mon, c := dial(t, a), dial(t, a)
		mon.send("HELLO", "3")
		mon.read()
		if got := mon.do("MONITOR"); got != "+OK" {
			t.Fatalf("MONITOR = %s", got)
		}
		mon.send("MONITOR") // ignored, without a reply
		cmds := [][]string{
			{"SET", "k", "a b\"\\\n\r\t\a\b\x01\xff~"}, {"GET", "k"}, {"NOSUCH"}, {"GET"}, {"INCR", "k"},
			{"SELECT", "3"}, {"SET", "x", "1"}, {"SELECT", "0"}, {"CONFIG", "GET", "maxmemory"},
			{"CLIENT", "ID"}, {"CLIENT", "LIST"}, {"CLIENT", "SETNAME", "cc"}, {"CLIENT", "KILL", "ID", "99999"},
			{"SLOWLOG", "LEN"}, {"SLOWLOG", "HELP"}, {"AUTH", "default", "pw"}, {"AUTH", "pw"},
			{"HELLO", "2", "AUTH", "u", "p", "SETNAME", "n"}, {"INFO", "server"}, {"DBSIZE"}, {"PING"},
			{"ECHO", "12"}, {"SET", "n", "12345"}, {"SHUTDOWN", "ABORT"},
		}
		for _, args := range cmds {
			c.do(args...)
		}
		c.w.WriteRaw([]byte("PING inline\r\n"))
		c.w.Flush()
		c.read()
		var lines []string
		read := func(n int) {
			for ; n > 0; n-- {
				v, err := mon.r.ReadValue()
				if err != nil {
					t.Fatalf("reading the monitor after %q: %v", lines, err)
				}
				lines = append(lines, monitorLine.ReplaceAllString(show(v), "+T [$1 ADDR] "))
			}
		}
		read(18) // nothing for the second MONITOR, the rest for what c ran
		// The monitor's own commands: it may not touch keys, and sees
		// what it runs after the reply.
		for _, tc := range []struct {
			args    []string
			replies int
		}{{[]string{"GET", "k"}, 1}, {[]string{"PING"}, 2}, {[]string{"CLIENT", "GETNAME"}, 2}, {[]string{"RESET"}, 1}} {
			mon.send(tc.args...)
			read(tc.replies)
		}
		c.do("PING") // after RESET, not shown
		if got := mon.do("ECHO", "last"); got != `"last"` {
			t.Errorf("after RESET, the monitor got %s", got)
		}
		seen[i] = lines
	}
	if got, want := strings.Join(seen[0], "\n"), strings.Join(seen[1], "\n"); got != want {
		t.Errorf("monitor saw\nphoton:\n%s\nredis:\n%s", got, want)
	}
}

// infoLine parses a CLIENT INFO line into its keys, in order, and values.
func infoLine(line string) (keys []string, vals map[string]string) {
	vals = map[string]string{}
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		keys = append(keys, k)
		vals[k] = v
	}
	return keys, vals
}

// Ensure that CLIENT INFO and CLIENT LIST show Redis 7.0's fields in its
// order (PhotonDB adds 7.2's lib-name and lib-ver at the end), and the
// same values for what both know.
func TestAdmin_ClientInfoMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	var keys [2][]string
	var vals [2]map[string]string
	for i, a := range []string{addr, real.Addr} {
		c := dial(t, a)
		for _, args := range [][]string{{"SELECT", "2"}, {"CLIENT", "SETNAME", "me"}, {"CLIENT", "NO-EVICT", "ON"}, {"HELLO", "3"}} {
			c.do(args...)
		}
		c.send("CLIENT", "INFO")
		info := string(c.read().Str)
		keys[i], vals[i] = infoLine(strings.TrimSuffix(info, "\n"))
		c.send("CLIENT", "LIST", "ID", vals[i]["id"])
		if list := string(c.read().Str); !strings.HasPrefix(list, "id="+vals[i]["id"]+" ") || !strings.Contains(list, " cmd=client|list ") {
			t.Errorf("CLIENT LIST ID own-id = %q", list)
		}
		if got, want := vals[i]["addr"], c.c.LocalAddr().String(); got != want {
			t.Errorf("addr = %s, want %s", got, want)
		}
		if got, want := vals[i]["laddr"], c.c.RemoteAddr().String(); got != want {
			t.Errorf("laddr = %s, want %s", got, want)
		}
	}
	if got, want := strings.Join(keys[0], " "), strings.Join(keys[1], " ")+" lib-name lib-ver"; got != want {
		t.Errorf("CLIENT INFO fields\nphoton: %s\n redis: %s", got, want)
	}
	for _, k := range []string{"name", "age", "idle", "flags", "db", "sub", "psub", "ssub", "multi", "multi-mem", "obl", "oll", "omem", "events", "cmd", "user", "redir", "resp"} {
		if vals[0][k] != vals[1][k] {
			t.Errorf("CLIENT INFO %s: photon %q, redis %q", k, vals[0][k], vals[1][k])
		}
	}
}

// closed reports whether the server has closed c, waiting a little.
func closed(c *conn) bool {
	c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	defer c.c.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err := c.r.ReadValue()
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isReset(err)
}

func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && !ne.Timeout()
}

// Ensure that CLIENT KILL closes the connections it names, the caller's
// own after its reply, as Redis does.
func TestAdmin_ClientKillMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, a := range []string{addr, real.Addr} {
		killer, victim := dial(t, a), dial(t, a)
		id := victim.do("CLIENT", "ID")
		if got := killer.do("CLIENT", "KILL", "ID", id); got != "1" {
			t.Errorf("%s: CLIENT KILL ID victim = %s", a, got)
		}
		if !closed(victim) {
			t.Errorf("%s: the victim is still connected", a)
		}
		if got := killer.do("CLIENT", "KILL", "ADDR", killer.c.LocalAddr().String()); got != "0" {
			t.Errorf("%s: CLIENT KILL ADDR own = %s, want 0 (SKIPME yes)", a, got)
		}
		if got := killer.do("CLIENT", "KILL", killer.c.LocalAddr().String()); got != "+OK" {
			t.Errorf("%s: CLIENT KILL own-address = %s", a, got)
		}
		if !closed(killer) {
			t.Errorf("%s: a client that killed itself is still connected", a)
		}
		self := dial(t, a)
		if got := self.do("CLIENT", "KILL", "LADDR", self.c.RemoteAddr().String(), "SKIPME", "no"); got == "0" || strings.HasPrefix(got, "-") {
			t.Errorf("%s: CLIENT KILL LADDR server SKIPME no = %s", a, got)
		}
		if !closed(self) {
			t.Errorf("%s: CLIENT KILL SKIPME no left the caller connected", a)
		}
	}
}

// Ensure that go-redis authenticates with a password, over RESP3 (HELLO
// AUTH) and RESP2 (AUTH), and that its CLIENT SETINFO is accepted.
func TestAdmin_GoRedisWithPassword(t *testing.T) {
	_, addr := startPhoton(t, engine.Options{})
	admin := dial(t, addr)
	if got := admin.do("CONFIG", "SET", "requirepass", "s3cret"); got != "+OK" {
		t.Fatal(got)
	}
	ctx := context.Background()
	for _, proto := range []int{3, 2} {
		t.Run(fmt.Sprint("RESP", proto), func(t *testing.T) {
			bad := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, Password: "wrong", MaxRetries: -1})
			defer bad.Close()
			if err := bad.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "WRONGPASS") {
				t.Errorf("PING with a wrong password: %v", err)
			}
			rdb := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, Password: "s3cret", ClientName: "app"})
			defer rdb.Close()
			if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatalf("SET with the password: %v", err)
			}
			info, err := rdb.Do(ctx, "CLIENT", "INFO").Text()
			if err != nil {
				t.Fatal(err)
			}
			_, vals := infoLine(info)
			if vals["name"] != "app" || !strings.HasPrefix(vals["lib-name"], "go-redis(") || vals["lib-ver"] == "" || vals["resp"] != fmt.Sprint(proto) {
				t.Errorf("CLIENT INFO = %s", info)
			}
		})
	}
	none := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer none.Close()
	if err := none.Ping(ctx).Err(); err == nil || err.Error() != "NOAUTH Authentication required." {
		t.Errorf("PING without a password: %v", err)
	}
}

// Ensure that SHUTDOWN asks the process to stop, saving by default when
// snapshots are configured, and closes the connection without a reply;
// and that a refused shutdown answers Redis's error.
func TestAdmin_Shutdown(t *testing.T) {
	var mu sync.Mutex
	var calls []bool
	hook := func(save bool) error {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, save)
		return nil
	}
	quiet := slog.New(slog.DiscardHandler)
	_, addr := startPhoton(t, engine.Options{Shutdown: hook, Logger: quiet})
	c := dial(t, addr)
	c.send("SHUTDOWN", "NOSAVE")
	if !closed(c) {
		t.Fatal("SHUTDOWN left the connection open")
	}
	c = dial(t, addr)
	c.send("SHUTDOWN")
	if !closed(c) {
		t.Fatal("SHUTDOWN left the connection open")
	}
	mu.Lock()
	if fmt.Sprint(calls) != "[false false]" {
		t.Errorf("Shutdown hook called with %v, want [false false] (no snapshots configured)", calls)
	}
	mu.Unlock()

	_, addr = startPhoton(t, engine.Options{Logger: quiet})
	if got := dial(t, addr).do("SHUTDOWN"); got != "-ERR Errors trying to SHUTDOWN. Check logs." {
		t.Errorf("SHUTDOWN without a hook = %s", got)
	}
}
