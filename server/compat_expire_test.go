package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
	"github.com/photondb/photon/resp"
)

// expireReads stores keys whose TTL has passed, as SET ... PXAT or EXAT
// in the past leaves them in Redis 7.0, and reads them. Each such SET is
// followed at once by a read of its key: Redis's active expiry may delete
// the key between any two commands, and what a client can see then (the
// reply, DBSIZE after the read, the events and their order) is the same
// whichever deleted it; DBSIZE right after the SET would not be.
var expireReads = []string{
	"SET live 1",
	"SET k v PXAT 1", "GET k", "DBSIZE",
	"SET k v EXAT 1", "MGET k k live", "DBSIZE",
	"SET k v PXAT 1", "EXISTS k live", "DBSIZE",
	"SET k v PXAT 1", "TOUCH k", "DBSIZE",
	"SET k v PXAT 1", "TTL k", "DBSIZE",
	"SET k v PXAT 1", "PTTL k", "DBSIZE",
	"SET k v PXAT 1", "EXPIRETIME k", "DBSIZE",
	"SET k v PXAT 1", "TYPE k", "DBSIZE",
	"SET k v PXAT 1", "STRLEN k", "DBSIZE",
	"SET k v PXAT 1", "GETRANGE k 0 -1", "DBSIZE",
	"SET k v PXAT 1", "OBJECT ENCODING k", "DBSIZE",
	"SET k v PXAT 1", "SORT k", "DBSIZE",
	"SET k v PXAT 1", "SORT_RO k", "DBSIZE",
	"RPUSH L 1", "SET w1 1 PXAT 1", "SORT L BY w*", "SET o1 1 PXAT 1", "SORT_RO L GET o*", "DBSIZE", "DEL L",
	"SET k v PXAT 1", "LRANGE k 0 -1", "DBSIZE",
	"SET k v PXAT 1", "HGETALL k", "DBSIZE",
	"SET k v PXAT 1", "SMEMBERS k", "DBSIZE",
	"SET k v PXAT 1", "ZRANGE k 0 -1", "DBSIZE",
	"SET k v PXAT 1", "LCS k live", "DBSIZE",
	"SET k v PXAT 1", "BITCOUNT k", "DBSIZE",
	"SET k v PXAT 1", "SCAN 0 MATCH k", "DBSIZE",
	"SET k v PXAT 1", "SCAN 0 TYPE string", "DBSIZE",
	"SET k v PXAT 1", "SCAN 0 TYPE none", "DBSIZE",
	"SET k v PXAT 1", "SCAN 0", "DBSIZE",
	"SET k v PXAT 1", "KEYS *", "GET k", "DBSIZE",
	"SET k v PXAT 1", "SET k w GET", "DBSIZE", "DEL k",
	// Writes over a key found expired delete it first, as lookupKeyWrite does.
	"SET k v PXAT 1", "SET k w", "DEL k",
	"SET k v PXAT 1", "MSET k w live 2", "DEL k",
	"SET k v PXAT 1", "SETEX k 100 w", "DEL k",
	"SET k v PXAT 1", "SETNX k w", "DEL k",
	"SET k v PXAT 1", "INCR k", "DEL k",
	"SET k v PXAT 1", "LPUSH k a", "DEL k",
	"SET k v PXAT 1", "HSET k f v", "DEL k",
	"SET k v PXAT 1", "MULTI", "GET k", "DBSIZE", "EXEC",
	"SET k v PXAT 1", "MULTI", "EXISTS k", "EXEC", "DBSIZE",
	"SELECT 1", "SET k v PXAT 1", "GET k", "DBSIZE", "SELECT 0",
	"DEL live", "SET k v PXAT 1", "RANDOMKEY", "DBSIZE",
	"SET k v PXAT 1", "GET k", "INFO keyspace",
}

func init() {
	compatScripts = append(compatScripts, struct {
		name  string
		lines []string
	}{"expire-on-read", expireReads})
}

// Ensure that reads of expired keys count in INFO stats as Redis's do:
// expired_keys, keyspace_hits and keyspace_misses.
func TestServer_ExpireStatsMatchRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	fields := []string{"expired_keys", "keyspace_hits", "keyspace_misses"}
	stats := func(a string) map[string]string {
		c := dial(t, a)
		c.do("FLUSHALL")
		c.do("CONFIG", "RESETSTAT")
		for _, line := range expireReads {
			c.do(strings.Fields(line)...)
		}
		c.send("INFO", "stats")
		info := c.read()
		out := map[string]string{}
		for _, l := range strings.Split(string(info.Str), "\r\n") {
			for _, f := range fields {
				if v, ok := strings.CutPrefix(l, f+":"); ok {
					out[f] = v
				}
			}
		}
		return out
	}
	got, want := stats(addr), stats(real.Addr)
	for _, f := range fields {
		if got[f] != want[f] {
			t.Errorf("%s: photon %s, redis %s", f, got[f], want[f])
		}
	}
}

// Ensure that a subscriber receives from PhotonDB the same "expired" and
// "keymiss" events, in the same order, as from redis-server when reads
// find keys expired.
func TestServer_ExpireNotifyMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, flags := range []string{"KEA", "KEAm", "Ex"} {
		t.Run(flags, func(t *testing.T) {
			got, want := scriptEvents(t, addr, flags, expireReads), scriptEvents(t, real.Addr, flags, expireReads)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("events differ\nphoton:\n%s\nredis:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if !strings.Contains(strings.Join(want, "\n"), "expired") {
				t.Errorf("redis-server announced no expiry: %q", want)
			}
		})
	}
}

// scriptEvents runs script on the server at addr with the notification
// flags and returns what a pattern subscriber received, each event as
// "channel message". A line SLEEP waits 20 ms; an argument "" is empty.
func scriptEvents(t *testing.T, addr, flags string, script []string) []string {
	t.Helper()
	cmd, sub := dial(t, addr), dial(t, addr)
	cmd.do("FLUSHALL")
	if r := cmd.do("CONFIG", "SET", "notify-keyspace-events", flags); r != "+OK" {
		t.Fatalf("CONFIG SET notify-keyspace-events: %s", r)
	}
	defer cmd.do("CONFIG", "SET", "notify-keyspace-events", "")
	sub.send("PSUBSCRIBE", "__key*__:*")
	sub.read()
	for _, line := range script {
		if line == "SLEEP" { // let a short TTL pass
			time.Sleep(20 * time.Millisecond)
			continue
		}
		args := strings.Fields(line)
		for i, a := range args {
			if a == `""` {
				args[i] = ""
			}
		}
		cmd.do(args...)
	}
	cmd.do("PUBLISH", "__keyend__:done", "end")
	var out []string
	for {
		v := sub.read()
		if len(v.Elems) != 4 {
			t.Fatalf("unexpected push: %s", show(v))
		}
		ch, msg := string(v.Elems[2].Str), string(v.Elems[3].Str)
		if ch == "__keyend__:done" {
			return out
		}
		out = append(out, ch+" "+msg)
	}
}

// Ensure that a RESP3 client subscribed to its own keyspace events gets
// the "expired" event of a key its read found expired before the read's
// reply, as from redis-server, and the events of its writes before their
// replies.
func TestServer_ExpireOwnEventBeforeReply(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	// Not MGET: Redis 7.0 writes the events of its lookups inside its
	// array reply, which breaks the stream (Redis 7.2 fixed it).
	script := []string{
		"SET k v PXAT 1", "GET k", "SET k v EXAT 1", "EXISTS k", "SET k v PXAT 1", "STRLEN k", "GET x", "SET x 1", "GET x",
	}
	run := func(a string) []string {
		c := dial(t, a)
		c.do("HELLO", "3")
		c.do("FLUSHALL")
		c.do("CONFIG", "SET", "notify-keyspace-events", "KEAm")
		defer c.do("CONFIG", "SET", "notify-keyspace-events", "")
		c.do("SUBSCRIBE", "__keyspace@0__:k", "__keyspace@0__:x")
		c.read() // the second subscription's confirmation
		var seen []string
		for _, line := range script {
			c.send(strings.Fields(line)...)
			for { // the pushes that came first, then the reply
				v := c.read()
				if v.Kind != resp.Push {
					seen = append(seen, line+" -> "+show(v))
					break
				}
				seen = append(seen, "  "+string(v.Elems[1].Str)+" "+string(v.Elems[2].Str))
			}
		}
		return seen
	}
	got, want := run(addr), run(real.Addr)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("photon:\n%s\nredis:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Ensure that a read deleting an expired key touches the clients that
// watch it as Redis's does: EXEC fails for a client that watched the key
// while it was live, and runs for one that watched it already expired.
func TestServer_ExpireWatchMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	scenarios := []struct {
		name  string
		lines []string // "A: cmd" or "B: cmd"; "SLEEP" lets a TTL run out
	}{
		{"watched live, read by another", []string{
			"A: SET k v PX 30", "A: WATCH k", "SLEEP", "B: GET k", "B: DBSIZE", "A: MULTI", "A: SET x 1", "A: EXEC",
		}},
		{"watched live, read by itself", []string{
			"A: SET k v PX 30", "A: WATCH k", "SLEEP", "A: EXISTS k", "A: MULTI", "A: SET x 1", "A: EXEC",
		}},
		{"watched expired", []string{
			"A: SET k v PXAT 1", "A: WATCH k", "B: GET k", "B: DBSIZE", "A: MULTI", "A: SET x 1", "A: EXEC",
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			type pair struct{ photon, redis *conn }
			clients := map[string]pair{
				"A": {dial(t, addr), dial(t, real.Addr)},
				"B": {dial(t, addr), dial(t, real.Addr)},
			}
			clients["A"].photon.do("FLUSHALL")
			clients["A"].redis.do("FLUSHALL")
			for _, line := range sc.lines {
				if line == "SLEEP" {
					time.Sleep(100 * time.Millisecond)
					continue
				}
				who, cmd, _ := strings.Cut(line, ": ")
				c, args := clients[who], strings.Fields(cmd)
				if got, want := c.photon.do(args...), c.redis.do(args...); got != want {
					t.Errorf("%s\n photon: %s\n  redis: %s", line, got, want)
				}
			}
		})
	}
}
