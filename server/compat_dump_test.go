package server_test

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/persist"
	"github.com/photondb/photon/resp"
)

// dumpScripts are run against photon, with persist's DUMP format, and
// against a real redis-server. After a line "DUMP k", $k in later lines
// stands for the payload that server returned and %k for the one Redis
// returned, so that each server restores its own payloads and Redis's
// too. DUMP replies are compared byte for byte, except for hash tables,
// whose order is the servers' own ("DUMP~ k" compares only that a
// payload came back).
var dumpScripts = []struct {
	name  string
	lines []string
}{
	{"strings", []string{
		"SET s hello", "DUMP s", "SET i 12345", "DUMP i", "SET big 9223372036854775807", "DUMP big",
		"SET neg -129", "DUMP neg", "SET e ''", "DUMP e", "SET sp a␣b", "DUMP sp",
		"SET lzf aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "DUMP lzf",
		"RESTORE s2 0 %s", "GET s2", "RESTORE i2 0 %i", "GET i2", "OBJECT ENCODING i2", "RESTORE big2 0 %big", "GET big2",
		"RESTORE neg2 0 %neg", "GET neg2", "RESTORE e2 0 %e", "STRLEN e2", "RESTORE lzf2 0 %lzf", "GET lzf2",
		"RESTORE lzf3 0 $lzf", "GET lzf3", "RESTORE sp2 0 %sp", "GET sp2",
	}},
	{"collections", []string{
		"RPUSH l a 1 -2 300 70000 5000000000", "DUMP l",
		"HSET h f v n 7 long xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "DUMP h",
		"SADD ints 3 -1 70000", "DUMP ints", "SADD wide 1 9223372036854775807", "DUMP wide",
		"SADD letters a", "DUMP letters",
		"ZADD z 1 a 2.5 b -inf c inf d 1e300 e 0.1 f", "DUMP z",
		"RESTORE l2 0 %l", "LRANGE l2 0 -1", "RESTORE h2 0 %h", "HGETALL h2", "OBJECT ENCODING h2",
		"RESTORE ints2 0 %ints", "SMEMBERS ints2", "OBJECT ENCODING ints2",
		"RESTORE wide2 0 %wide", "SMEMBERS wide2", "RESTORE letters2 0 %letters", "SMEMBERS letters2", "OBJECT ENCODING letters2",
		"RESTORE z2 0 %z", "ZRANGE z2 0 -1 WITHSCORES", "OBJECT ENCODING z2",
		"RESTORE z3 0 $z", "ZRANGE z3 0 -1 WITHSCORES",
	}},
	{"ttl and options", []string{
		"SET s v", "DUMP s",
		"RESTORE t 100000 %s", "PTTL t", "RESTORE t 0 %s", "RESTORE t 0 %s REPLACE", "TTL t",
		"RESTORE a 4102444800000 %s ABSTTL", "PEXPIRETIME a", "RESTORE a 1 %s ABSTTL REPLACE", "EXISTS a",
		"RESTORE p 1 %s ABSTTL", "EXISTS p", "RESTORE w 9223372036854775807 %s", "EXISTS w",
		"RESTORE f 0 %s FREQ 0", "RESTORE f2 0 %s FREQ 255 REPLACE REPLACE", "RESTORE g 0 %s IDLETIME 100", "GET g",
		"RESTORE x 0 %s FREQ 256", "RESTORE x 0 %s FREQ -1", "RESTORE x 0 %s IDLETIME -1", "RESTORE x 0 %s IDLETIME 1 FREQ 1",
		"RESTORE x 0 %s FREQ 1 IDLETIME 1", "RESTORE x 0 %s FREQ", "RESTORE x 0 %s FREQ x", "RESTORE x 0 %s ABSTTL BOGUS",
		"RESTORE x -1 %s", "RESTORE x 1.5 %s", "RESTORE x abc %s", "RESTORE s abc %s", "RESTORE s abc %s BOGUS",
		"RESTORE x 0 junk", "RESTORE x 0 ''", "RESTORE x 0 0123456789", "RESTORE x", "RESTORE x 0", "DUMP", "DUMP a b",
		"DUMP nosuchkey", "LPUSH l a", "DUMP l", "RESTORE l 0 %s",
	}},
}

// thresholdLines are DUMP and RESTORE of collections on both sides of
// Redis's encoding limits, built here because the lines are long.
func thresholdLines() []string {
	cmd := func(prefix string, n int, f func(i int) string) string {
		var b strings.Builder
		b.WriteString(prefix)
		for i := range n {
			b.WriteString(" " + f(i))
		}
		return b.String()
	}
	var lines []string
	for _, n := range []int{512, 513} {
		k := "set" + strconv.Itoa(n)
		lines = append(lines, cmd("SADD "+k, n, func(i int) string { return strconv.Itoa(i * 7) }))
		dump := "DUMP " + k
		if n > 512 {
			dump = "DUMP~ " + k
		}
		lines = append(lines, dump, "RESTORE r"+k+" 0 %"+k, "SCARD r"+k, "OBJECT ENCODING r"+k, "SMEMBERS r"+k)
	}
	for _, n := range []int{128, 129} {
		k := "zset" + strconv.Itoa(n)
		lines = append(lines, cmd("ZADD "+k, n, func(i int) string { return fmt.Sprintf("%d.25 m%d", i%10, i) }),
			"DUMP "+k, "RESTORE r"+k+" 0 %"+k, "OBJECT ENCODING r"+k, "ZRANGE r"+k+" 0 -1 WITHSCORES")
	}
	for _, n := range []int{128, 129, 512, 513} {
		k := "hash" + strconv.Itoa(n)
		dump := "DUMP " + k
		if n > hashMaxEntries() {
			dump = "DUMP~ " + k
		}
		lines = append(lines, cmd("HSET "+k, n, func(i int) string { return fmt.Sprintf("f%d %d", i, i) }),
			dump, "RESTORE r"+k+" 0 %"+k, "OBJECT ENCODING r"+k, "HGETALL r"+k)
	}
	lines = append(lines, "ZADD long 1 "+strings.Repeat("m", 65), "DUMP long", "RESTORE rlong 0 %long", "OBJECT ENCODING rlong",
		"HSET hlong f "+strings.Repeat("v", 65), "DUMP hlong", "RESTORE rhlong 0 %hlong", "OBJECT ENCODING rhlong",
		cmd("RPUSH list", 3000, func(i int) string { return "element-" + strconv.Itoa(i) }), "DUMP list",
		"RESTORE rlist 0 %list", "LLEN rlist", "LINDEX rlist 2999")
	return lines
}

// hashMaxEntries is the engine's hash-max-listpack-entries, which the
// real Redis is given: 128 as Redis's shipped redis.conf says, or 512,
// its built-in default.
func hashMaxEntries() int {
	for _, n := range []int{128, 512} {
		var pairs [][]byte
		for i := range n + 1 {
			pairs = append(pairs, []byte("f"+strconv.Itoa(i)), []byte("v"))
		}
		if engine.HashValue(pairs).Encoding() == "hashtable" {
			return n
		}
	}
	panic("the engine keeps hashes of 513 fields as listpacks")
}

// Ensure that DUMP writes what Redis 7.0's DUMP writes, and that RESTORE
// answers as Redis's does, for payloads from either server.
func TestServer_DumpRestoreMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "", "--hash-max-listpack-entries", strconv.Itoa(hashMaxEntries()))
	_, addr := startPhoton(t, engine.Options{Serializer: persist.DumpFormat{}})
	photon, redis := dial(t, addr), dial(t, real.Addr)
	scripts := append(dumpScripts, struct {
		name  string
		lines []string
	}{"thresholds", thresholdLines()})
	for _, script := range scripts {
		t.Run(script.name, func(t *testing.T) {
			payloads := map[*conn]map[string]string{photon: {}, redis: {}}
			for _, c := range []*conn{photon, redis} {
				c.do("FLUSHALL")
			}
			for _, line := range script.lines {
				var replies [2]resp.Value
				for i, c := range []*conn{photon, redis} {
					args := strings.Fields(line)
					for j, a := range args {
						switch {
						case a == "''":
							args[j] = ""
						case strings.HasPrefix(a, "$"):
							args[j] = payloads[c][a[1:]]
						case strings.HasPrefix(a, "%"):
							args[j] = payloads[redis][a[1:]]
						default:
							args[j] = strings.ReplaceAll(a, "␣", " ")
						}
					}
					loose := args[0] == "DUMP~"
					if loose {
						args[0] = "DUMP"
					}
					c.send(args...)
					replies[i] = c.read()
					if strings.EqualFold(args[0], "DUMP") && len(args) == 2 {
						payloads[c][args[1]] = string(replies[i].Str)
						if loose && replies[i].Kind == resp.BulkString {
							replies[i] = resp.Value{Kind: resp.SimpleString, Str: []byte("a payload")}
						}
					}
				}
				got, want := dumpNormalize(line, replies[0]), dumpNormalize(line, replies[1])
				if got != want {
					at := 0
					for at < min(len(got), len(want)) && got[at] == want[at] {
						at++
					}
					t.Errorf("%.100s\n photon: %.300s\n  redis: %.300s\n first difference at %d: %.80q / %.80q",
						line, got, want, at, got[at:], want[at:])
				}
			}
		})
	}
}

// dumpNormalize is normalize, with the replies that list a hash table or
// a set in the server's own order sorted.
func dumpNormalize(line string, v resp.Value) string {
	cmd := strings.ToUpper(strings.Fields(line)[0])
	switch {
	case cmd == "SMEMBERS" && v.Kind == resp.Array:
		parts := make([]string, len(v.Elems))
		for i, e := range v.Elems {
			parts[i] = show(e)
		}
		sort.Strings(parts)
		return strings.Join(parts, ",")
	case cmd == "HGETALL" && v.Kind == resp.Array:
		return sortedPairs(v)
	}
	return normalize(cmd, v)
}
