package repl_test

import (
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/repl"
)

// Ensure that FormatMode prints what redis-cli prints, byte for byte, for
// replies of a real redis-server: each command runs once through our
// client and FormatMode, and once through redis-cli in each output mode
// (--no-raw, --raw, --csv, --json, --quoted-json), over RESP2 and RESP3
// (redis-cli -2 and -3).
func TestFormat_RedisCLI(t *testing.T) {
	cli := redistest.Tool(t, "redis-cli")
	addr := startRedis(t)
	_, port, _ := net.SplitHostPort(addr)

	setup, err := client.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close()
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, cmd := range [][]string{
		{"RPUSH", "l", "a", "b", "c d", "e\nf", "\x01\xe4\x7f", `"q"`, `back\slash`, "\t\r\a\b", ""},
		{"SET", "bytes", string(all)},
		{"SET", "str", "hello world"},
		{"SET", "j", "a/b\\c\t\x7f\x1f\xc3\xa9\"\b\f\r\n\x00"},
		{"HSET", "h", "f1", "v1", "f2", "two\nlines"},
		{"SADD", "s", "member"},
		{"ZADD", "z", "1.5", "m", "2", "n", "-inf", "o"},
		{"RPUSH", "twelve", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
	} {
		if v, err := setup.Do(cmd...); err != nil || v.Kind == 2 {
			t.Fatalf("%q: %+v, %v", cmd, v, err)
		}
	}

	commands := [][]string{
		{"PING"},
		{"ECHO", "two words"},
		{"GET", "str"},
		{"GET", "bytes"},
		{"GET", "nokey"},
		{"STRLEN", "bytes"},
		{"LRANGE", "l", "0", "-1"},
		{"LRANGE", "nolist", "0", "-1"},
		{"LRANGE", "twelve", "0", "-1"},
		{"HGETALL", "h"},
		{"HGETALL", "nohash"},
		{"SMEMBERS", "s"},
		{"SMEMBERS", "noset"},
		{"ZRANGE", "z", "0", "-1", "WITHSCORES"},
		{"ZSCORE", "z", "m"},
		{"ZSCORE", "z", "o"},
		{"LPUSH", "str", "x"},
		{"NOSUCHCOMMAND", "arg"},
		{"CONFIG", "GET", "maxmemory*"},
		{"EVAL", `return {1, "a", {"b", {"c", 2}, {}}, {err="boom"}, "z"}`, "0"},
		{"EVAL", `local t={} for i=1,12 do t[i]={i, "x", {i}} end return t`, "0"},
		{"EVAL", `return {{}, {{}}, "", false}`, "0"},
		{"EVAL", `redis.setresp(3); return {map={a={1,2,{x="y"}}, b={map={c=3, d={}}}}}`, "0"},
		{"EVAL", `redis.setresp(3); return {1, {map={k="v"}}, {map={a={1}, b={map={c={1,2}}}, e={set={"x"}}}}, {set={"only"}}}`, "0"},
		{"EVAL", `redis.setresp(3); return {map={a={map={b={map={c="d"}}}}}}`, "0"},
		{"EVAL", `redis.setresp(3); return {true, false, {double=0.5}, {double=-1/0}, {verbatim_string={format="txt", string="hi\nthere"}}}`, "0"},
		{"DEBUG", "PROTOCOL", "string"},
		{"DEBUG", "PROTOCOL", "integer"},
		{"DEBUG", "PROTOCOL", "double"},
		{"DEBUG", "PROTOCOL", "null"},
		{"DEBUG", "PROTOCOL", "array"},
		{"DEBUG", "PROTOCOL", "set"},
		{"DEBUG", "PROTOCOL", "map"},
		{"DEBUG", "PROTOCOL", "verbatim"},
		{"DEBUG", "PROTOCOL", "true"},
		{"DEBUG", "PROTOCOL", "false"},
		{"INFO", "keyspace"},
		{"GET", "j"},
		{"EVAL", `return {err="ERR with \"quotes\""}`, "0"},
	}
	for _, proto := range []string{"2", "3"} {
		c, err := client.Dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if proto == "3" {
			if v, err := c.Do("HELLO", "3"); err != nil || v.Kind == 2 {
				t.Fatalf("HELLO 3: %+v, %v", v, err)
			}
		}
		for _, cmd := range commands {
			for _, mode := range []repl.Mode{repl.Standard, repl.Raw, repl.CSV, repl.JSON, repl.QuotedJSON} {
				name := "RESP" + proto + "/" + mode.String() + "/" + strings.Join(cmd, " ")
				t.Run(name, func(t *testing.T) {
					v, err := c.Do(cmd...)
					if err != nil {
						t.Fatal(err)
					}
					got := repl.FormatMode(cmd, v, mode)
					args := []string{"-p", port, mode.String(), "-" + proto}
					out, err := exec.Command(cli, append(args, cmd...)...).Output()
					if err != nil {
						t.Fatalf("redis-cli: %v", err)
					}
					if got != string(out) {
						t.Errorf("got\n%q\nredis-cli printed\n%q", got, out)
					}
				})
			}
		}
	}
}

// startRedis starts a real redis-server with DEBUG enabled for the test
// and returns its address (see internal/redistest).
func startRedis(tb testing.TB) string {
	tb.Helper()
	return redistest.Start(tb, "", "--enable-debug-command", "yes").Addr
}
