package server_test

import (
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
)

// The generic group's scripts, played against photon and a real Redis by
// TestServer_MatchesRedis.
func init() {
	compatScripts = append(compatScripts, []struct {
		name  string
		lines []string
	}{
		// Found by the differential tester: EXPIRETIME rounds a time at
		// the end of the range as Redis's unsigned division does.
		{"expiretime-range-end", []string{
			"RPUSH l a", "PEXPIREAT l 9223372036854775807", "EXPIRETIME l", "PEXPIRETIME l",
			"PEXPIREAT l 9223372036854775300", "EXPIRETIME l", "PEXPIREAT l 9223372036854775000", "EXPIRETIME l",
		}},
		{"generic-rename", []string{
			"SET a 1", "RENAMENX a a", "RENAMENX none a", "RENAMENX none none", "RENAME none none",
			"SET b 2", "RENAMENX a b", "GET a", "RENAMENX a c", "GET c", "EXISTS a",
			"SET t v EX 100", "RENAMENX t t2", "TTL t2", "EXISTS t",
			"SET d v EX 100", "RENAME c d", "TTL d", "GET d", "RENAME", "RENAMENX a", "RENAMENX a b c",
			"LPUSH l x", "RENAMENX l b", "RENAMENX l l2", "TYPE l2", "LRANGE l2 0 -1",
		}},
		{"generic-copy", []string{
			"SET s v", "COPY s s2", "GET s2", "COPY s s2", "COPY s s2 REPLACE", "COPY s s", "COPY s s DB 0",
			"COPY s s DB 1", "COPY s s db 1", "COPY s s DB 1 REPLACE", "COPY s s DB 16", "COPY s s DB -1",
			"COPY s s DB x", "COPY s s DB 99999999999", "COPY s s DB", "COPY s s FOO", "COPY s s REPLACE DB 0",
			"COPY none x", "COPY none none", "COPY s x DB 1 DB 0", "COPY", "COPY s",
			"SET ttl v EX 500", "COPY ttl ttl2", "TTL ttl2", "SET big 0123456789012345678901234567890123456789012345678901234567890123456789",
			"COPY big big2", "APPEND big2 xyz", "APPEND big abc", "GET big", "GET big2",
			"RPUSH l a b c", "COPY l l2", "RPUSH l2 d", "LRANGE l 0 -1", "LRANGE l2 0 -1",
			"HSET h f v", "COPY h h2", "HSET h2 g w", "HGETALL h", "HLEN h2", "COPY l s", "COPY l s REPLACE", "TYPE s",
			"SELECT 1", "GET s", "DEL s", "SELECT 0",
		}},
		{"generic-move", []string{
			"SET k v", "MOVE k 0", "MOVE k 1", "EXISTS k", "SELECT 1", "GET k", "SELECT 0", "SET k v2", "MOVE k 1",
			"GET k", "MOVE none 1", "MOVE k x", "MOVE k 16", "MOVE k -1", "MOVE k 99999999999", "MOVE k", "MOVE k 1 2",
			"SET t v EX 300", "MOVE t 2", "SELECT 2", "TTL t", "MOVE t 0", "SELECT 0", "TTL t",
			"RPUSH l a", "MOVE l 3", "SELECT 3", "LRANGE l 0 -1", "FLUSHDB", "SELECT 1", "FLUSHDB", "SELECT 0",
		}},
		{"generic-swapdb", []string{
			"SET k zero", "SELECT 1", "SET k one", "SWAPDB 0 1", "GET k", "SELECT 0", "GET k", "SWAPDB 0 0", "GET k",
			"SWAPDB 0 x", "SWAPDB x 0", "SWAPDB 0 16", "SWAPDB -1 0", "SWAPDB 99999999999 0", "SWAPDB 0 99999999999",
			"SWAPDB 0", "SWAPDB 1 0", "GET k", "DBSIZE", "SELECT 1", "FLUSHDB", "SELECT 0",
		}},
		{"generic-touch-unlink-randomkey", []string{
			"RANDOMKEY", "SET a 1", "RANDOMKEY", "TOUCH a b a", "TOUCH", "UNLINK a b a", "UNLINK", "EXISTS a",
			"SET a 1 PX 100000", "RANDOMKEY", "TOUCH a", "PEXPIRE a 0", "RANDOMKEY",
		}},
		{"generic-expiretime", []string{
			"SET a 1", "EXPIRETIME a", "PEXPIRETIME a", "EXPIRETIME none", "PEXPIRETIME none",
			"PEXPIREAT a 4102444800123", "EXPIRETIME a", "PEXPIRETIME a", "PEXPIREAT a 4102444800500", "EXPIRETIME a",
			"PEXPIREAT a 4102444800499", "EXPIRETIME a", "EXPIREAT a 4102444801", "PEXPIRETIME a", "EXPIRETIME", "EXPIRETIME a b",
			"PERSIST a", "PEXPIRETIME a",
		}},
		{"generic-object", []string{
			"SET i 12345", "OBJECT ENCODING i", "SET i -0", "OBJECT ENCODING i", "SET i 9223372036854775807",
			"OBJECT ENCODING i", "SET i 9223372036854775808", "OBJECT ENCODING i", "SET i 007", "OBJECT ENCODING i",
			"SET i -12", "OBJECT ENCODING i", "OBJECT REFCOUNT i", "SET i 0", "OBJECT REFCOUNT i", "SET i 9999", "OBJECT REFCOUNT i",
			"SET i 10000", "OBJECT REFCOUNT i", "INCR n", "OBJECT ENCODING n", "OBJECT REFCOUNT n",
			"SET e 12345678901234567890123456789012345678901234", "OBJECT ENCODING e",
			"SET e 123456789012345678901234567890123456789012345", "OBJECT ENCODING e", "OBJECT REFCOUNT e",
			"RPUSH l a", "OBJECT ENCODING l", "OBJECT REFCOUNT l", "HSET h f v", "OBJECT ENCODING h",
			"OBJECT IDLETIME h", "OBJECT FREQ h", "OBJECT FREQ none", "OBJECT IDLETIME none", "OBJECT ENCODING none",
			"OBJECT REFCOUNT none", "OBJECT HELP", "OBJECT help", "OBJECT", "OBJECT FOO", "OBJECT ENCODING",
			"OBJECT ENCODING a b", "OBJECT HELP x", "OBJECT refcount l",
		}},
		{"generic-scan-options", []string{
			"SCAN 0", "SCAN x", "SCAN -1", "SCAN ␣1", "SCAN 1␣", "SCAN +0", "SCAN 0x10", "SCAN 18446744073709551616",
			"SCAN 18446744073709551615", "SCAN -18446744073709551615", "SCAN 00",
			"SCAN 0 COUNT 0", "SCAN 0 COUNT -1", "SCAN 0 COUNT x", "SCAN 0 COUNT 9223372036854775807",
			"SCAN 0 COUNT 9223372036854775808", "SCAN 0 MATCH", "SCAN 0 TYPE", "SCAN 0 COUNT", "SCAN 0 BOGUS 1",
			"SCAN 0 COUNT x MATCH", "SCAN", "SCAN x COUNT 0",
			"SET a 1", "RPUSH l x", "HSET h f v", "SCAN 0 TYPE string", "SCAN 0 TYPE STRING", "SCAN 0 TYPE list COUNT 100",
			"SCAN 0 TYPE list TYPE hash", "SCAN 0 MATCH a COUNT 5 MATCH l", "SCAN 0 TYPE foo", "SCAN 0 MATCH h*",
			"SCAN 0 match [a] count 1000",
		}},
		{"generic-expire-journal-visible", []string{
			// What the journal gets is tested in the engine; here, that the
			// replies stay Redis's.
			"SET k v", "EXPIRE k 100 GT", "EXPIRE k 100 NX", "PEXPIRE k 100000 XX", "EXPIREAT k 1", "EXISTS k",
			"SET k v", "PEXPIREAT k 0 NX", "EXISTS k",
		}},
		{"generic-sort", []string{
			"RPUSH l 3 1 2 10 -5 2.5 1e1", "SORT l", "SORT l DESC", "SORT l ALPHA", "SORT l ALPHA DESC", "SORT l LIMIT 1 2",
			"SORT l LIMIT 1", "SORT l LIMIT -1 2", "SORT l LIMIT 2 -1", "SORT l LIMIT 0 0", "SORT l LIMIT 10 2",
			"SORT l LIMIT 2 9223372036854775807", "SORT l LIMIT 9223372036854775807 2", "SORT l LIMIT -9223372036854775808 3",
			"SORT l LIMIT x 1", "SORT l LIMIT 1 x", "SORT l LIMIT 1 2 LIMIT 0 1", "SORT l STORE", "SORT l FOO", "SORT_RO l STORE d",
			"SORT l BY nosort", "SORT l BY nosort DESC", "SORT l BY nosort LIMIT 1 2 DESC", "SORT l BY nosort LIMIT 1 2",
			"SORT l BY nosort BY w_*", "SORT l ASC DESC ASC", "SORT l GET", "SORT l BY", "SORT",
			"RPUSH bad 1 a 2", "SORT bad", "SORT bad ALPHA", "SORT bad BY nosort", "SORT bad STORE out", "EXISTS out",
			"SORT missing", "SORT missing STORE dst", "SORT missing BY nosort DESC LIMIT 0 5",
			"SET s x", "SORT s", "SORT s BY nosort", "SORT s STORE x", "SORT_RO s", "HSET hh f v", "SORT hh",
			"DEL l", "RPUSH l b a c d", "MSET w_a 3 w_b 1 w_c 2 o_a A o_b B", "HSET h_a f 10 g x", "HSET h_b f 5", "HSET h_c f 7",
			"SORT l BY w_*", "SORT l BY w_* DESC", "SORT l BY h_*->f", "SORT l BY h_*->f GET # GET o_* GET h_*->g GET h_*->",
			"SORT l BY w_* ALPHA", "SORT l BY o_* ALPHA", "SORT l BY o_* ALPHA DESC", "SORT l BY nosort GET o_*",
			"SORT l GET nostar ALPHA", "SORT l GET # GET ## ALPHA", "SORT l BY w_* LIMIT 0 2", "SORT l BY h_*->", "SORT l BY *->f",
			"SORT l BY o_*", "SORT l BY w_*->f", "SORT l BY h_*->nofield", "SORT l BY l", "SORT l BY w_* GET w_*",
			"SORT l ALPHA STORE dst", "LRANGE dst 0 -1", "TYPE dst", "SET str v EX 100", "SORT l ALPHA STORE str", "TTL str",
			"TYPE str", "SORT missing STORE str", "EXISTS str", "SORT l BY w_* GET o_* STORE dst2", "LRANGE dst2 0 -1",
			"SORT l LIMIT 0 0 STORE dst2 ALPHA", "EXISTS dst2", "SORT l BY nosort STORE l", "LRANGE l 0 -1",
			"SORT l ALPHA BY w_* GET o_* LIMIT 1 2 DESC", "SORT_RO l ALPHA", "SORT_RO l BY w_* GET # GET o_*",
			"SORT_RO l BY nosort DESC LIMIT 1 10", "SORT_RO missing",
			"RPUSH n 1 ␣2 0x10 +3 1e2 inf -inf 0X1P-2 1. .5 -0 0 00", "SORT n", "SORT n DESC",
			// Values out of range are in TestServer_SortScoresMatchRedis:
			// Redis's SORT reads a stale errno after one.
			"RPUSH v 0x1p-1074", "SORT v", "RPUSH y nan", "SORT y",
			"RPUSH z 1␣", "SORT z", "RPUSH z2 0x", "SORT z2", "RPUSH z3 infinity", "SORT z3",
			"SET w_a x", "SORT l BY w_*", "SORT l BY w_* ALPHA",
		}},
	}...)
}

// Ensure that a full SCAN returns the same keys as Redis's, whatever
// MATCH, COUNT and TYPE ask, and never an expired key: the cursors
// differ, so the sets of keys are compared once each iteration is done.
func TestServer_ScanMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	photon, redis := dial(t, addr), dial(t, real.Addr)
	for _, c := range []*conn{photon, redis} {
		c.do("FLUSHALL")
		for i := range 300 {
			switch i % 4 {
			case 0:
				c.do("SET", fmt.Sprint("str:", i), "v")
			case 1:
				c.do("RPUSH", fmt.Sprint("list:", i), "v")
			case 2:
				c.do("HSET", fmt.Sprint("hash:", i), "f", "v")
			case 3:
				c.do("SET", fmt.Sprint("gone:", i), "v", "PX", "1")
			}
		}
	}
	time.Sleep(10 * time.Millisecond) // for the gone: keys to expire
	for _, opts := range [][]string{
		nil, {"COUNT", "1"}, {"COUNT", "7"}, {"COUNT", "1000"}, {"MATCH", "str:1*"}, {"MATCH", "*:2?", "COUNT", "3"},
		{"TYPE", "list"}, {"TYPE", "HASH", "COUNT", "2"}, {"TYPE", "string", "MATCH", "*5"}, {"MATCH", "gone:*"},
	} {
		got, want := scanAll(t, photon, opts), scanAll(t, redis, opts)
		if got != want {
			t.Errorf("SCAN %v\n photon: %s\n  redis: %s", opts, got, want)
		}
	}
}

// scanAll runs SCAN with opts until the cursor returns to 0 and renders
// the keys it returned, sorted and without repeats.
func scanAll(t *testing.T, c *conn, opts []string) string {
	t.Helper()
	seen := map[string]bool{}
	cursor := "0"
	for calls := 0; ; calls++ {
		c.send(append([]string{"SCAN", cursor}, opts...)...)
		v := c.read()
		if v.Kind != resp.Array || len(v.Elems) != 2 {
			t.Fatalf("SCAN %s %v: %s", cursor, opts, show(v))
		}
		for _, k := range v.Elems[1].Elems {
			seen[string(k.Str)] = true
		}
		if cursor = string(v.Elems[0].Str); cursor == "0" {
			break
		}
		if calls > 100000 {
			t.Fatalf("SCAN %v never returned to cursor 0", opts)
		}
	}
	keys := slices.Sorted(maps.Keys(seen))
	return fmt.Sprintf("%d keys: %s", len(keys), strings.Join(keys, ","))
}

// Ensure that SORT reads numbers as Redis does, with C's strtod: hex,
// infinities, white space, and the range errors of values too large or
// too small for a double. Redis's SORT does not clear errno before strtod,
// so after a range error every later SORT on the same connection fails
// until a system call resets errno; each value gets a new connection, whose
// accept leaves EAGAIN in errno.
func TestServer_SortScoresMatchRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, score := range []string{
		"1e-310", "1e-400", "4.9e-324", "2.2250738585072011e-308", "2.2250738585072014e-308", "1e308", "1.8e308",
		"1e5000000000000000", "0e-9999999999", "0x1p-1074", "0x1p-1060", "0x1p-1022", "0x1.8p-1030", "0x1p-1080",
		"0x1p99999", "0x.8", "0x1.", "0x1.p1", "0x.p1", "-.5e-3", "1e-5x", "+-1", "0x1p", "0x1p+", "0xg", "infinityx",
		"-nan", "nan(1)", "infinit", "INF", "-Infinity", " 5", "\t5", "5 ", "1_0", "0x_1p0", ".", "1e", "   ",
	} {
		var got, want string
		for _, side := range []struct {
			addr string
			out  *string
		}{{addr, &got}, {real.Addr, &want}} {
			c := dial(t, side.addr)
			c.do("DEL", "scores")
			c.do("RPUSH", "scores", score, "7")
			*side.out = c.do("SORT", "scores")
		}
		if got != want {
			t.Errorf("SORT of %q\n photon: %s\n  redis: %s", score, got, want)
		}
	}
}

// Ensure that KEYS and SCAN MATCH read glob patterns as Redis does, on
// random patterns and keys made of the characters that mean something to
// a glob, the empty key among them.
func TestServer_GlobMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	photon, redis := dial(t, addr), dial(t, real.Addr)
	rng := rand.New(rand.NewSource(7))
	const alphabet = `ab*?[]^-\`
	word := func(max int) string {
		b := make([]byte, rng.Intn(max+1))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return string(b)
	}
	keys := []string{"", strings.Repeat("a", 1100)}
	for range 60 {
		keys = append(keys, word(6))
	}
	for _, c := range []*conn{photon, redis} {
		c.do("FLUSHALL")
		for _, k := range keys {
			c.do("SET", k, "v")
		}
	}
	patterns := []string{"", "**", strings.Repeat("*a", 1000), strings.Repeat("*a", 1001), strings.Repeat("a*", 1002)}
	for range 1500 {
		patterns = append(patterns, word(7))
	}
	for _, p := range patterns {
		for _, cmd := range [][]string{{"KEYS", p}, {"SCAN", "0", "MATCH", p, "COUNT", "1000"}} {
			photon.send(cmd...)
			redis.send(cmd...)
			got, want := sortedKeys(photon.read()), sortedKeys(redis.read())
			if got != want {
				t.Errorf("%s %.40q\n photon: %s\n  redis: %s", cmd[0], p, got, want)
			}
		}
	}
}

// sortedKeys renders a KEYS reply, or the keys of a SCAN reply, sorted.
func sortedKeys(v resp.Value) string {
	if v.Kind == resp.Array && len(v.Elems) == 2 && v.Elems[1].Kind == resp.Array {
		v = v.Elems[1]
	}
	keys := make([]string, len(v.Elems))
	for i, e := range v.Elems {
		keys[i] = fmt.Sprintf("%.40q", e.Str)
	}
	slices.Sort(keys)
	return strings.Join(keys, ",")
}
