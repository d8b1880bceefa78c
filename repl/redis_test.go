package repl_test

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/repl"
)

// Ensure that Format prints what redis-cli prints, byte for byte, for
// replies of a real redis-server: each command runs once through our
// client and Format, and once through redis-cli --no-raw and --raw, over
// RESP2 and RESP3 (redis-cli -3).
func TestFormat_RedisCLI(t *testing.T) {
	cli := lookTool(t, "redis-cli")
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
			for _, raw := range []bool{false, true} {
				mode := "--no-raw"
				if raw {
					mode = "--raw"
				}
				name := "RESP" + proto + "/" + mode + "/" + strings.Join(cmd, " ")
				t.Run(name, func(t *testing.T) {
					v, err := c.Do(cmd...)
					if err != nil {
						t.Fatal(err)
					}
					got := repl.Format(v, raw)
					args := []string{"-p", port, mode}
					if proto == "3" {
						args = append(args, "-3")
					}
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

// lookTool returns the path of an installed program. Without it the test
// is skipped, or fails when PHOTON_REQUIRE_TOOLS=1.
func lookTool(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("PHOTON_REQUIRE_TOOLS") == "1" {
			tb.Fatalf("%s not found and PHOTON_REQUIRE_TOOLS=1", name)
		}
		tb.Skipf("%s not installed", name)
	}
	return path
}

// startRedis starts a redis-server with DEBUG enabled on a free loopback
// port for the test and returns its address.
func startRedis(tb testing.TB) string {
	tb.Helper()
	bin := lookTool(tb, "redis-server")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	dir := tb.TempDir()
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"), "--enable-debug-command", "yes")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", port)
	for deadline := time.Now().Add(5 * time.Second); ; {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
			return addr
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redis-server did not start on %s: %v %s", addr, err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
