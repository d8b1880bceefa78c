package server_test

import (
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
)

func init() {
	compatScripts = append(compatScripts, []struct {
		name  string
		lines []string
	}{
		{"transactions", []string{
			"MULTI", "MULTI", "WATCH x", "GET", "SET a 1", "EXEC",
			"MULTI", "SET a 1", "EXEC x", "EXEC", "DISCARD",
			"MULTI", "SET a 1", "INCR a", "LPUSH a x", "GET a", "EXEC",
			"MULTI", "EXEC", "MULTI", "PING", "DISCARD", "GET a",
			"MULTI", "NOSUCH", "SET b 1", "EXEC", "EXISTS b",
			"MULTI", "SELECT 1", "SET b 2", "EXEC", "GET b", "SELECT 0", "GET b",
			"WATCH", "UNWATCH x", "UNWATCH", "WATCH a b", "MULTI", "GET a", "EXEC",
			"SET w 1", "WATCH w", "SET w 2", "MULTI", "GET w", "EXEC",
			"WATCH w", "MULTI", "EXEC", "WATCH w", "UNWATCH", "SET w 3", "MULTI", "GET w", "EXEC",
			"WATCH nothere", "MULTI", "EXEC", "WATCH w", "DEL w", "MULTI", "EXEC",
			"WATCH w", "FLUSHDB", "MULTI", "EXEC", "WATCH w", "FLUSHDB", "MULTI", "EXEC",
			// A watched key expiring is TestTx_WatchExpiry's, on a clock
			// the test sets: here it would race the two servers' clocks.
		}},
	}...)
}

// A transaction scenario: "A:" and "B:" lines run on two connections, so
// that one client's writes meet the other's WATCH, in the same order on
// photon and on a real redis-server.
var txScenarios = []struct {
	name  string
	lines []string
}{
	{"watched key written by another client", []string{
		"A: SET k 1", "A: WATCH k", "B: SET k 2", "A: MULTI", "A: GET k", "A: EXEC", "A: GET k",
	}},
	{"watched list popped by LMPOP and BLMPOP, trimmed to itself", []string{
		"A: RPUSH w a b c", "A: WATCH w", "B: LMPOP 2 nosuch w LEFT", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH w", "B: BLMPOP 0.01 1 w RIGHT", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH w", "B: LTRIM w 0 -1", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH w", "B: LTRIM nosuch 0 -1", "B: LPOS w b", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"watched key written by the same value", []string{
		"A: SET k 1", "A: WATCH k", "B: SET k 1", "A: MULTI", "A: INCR k", "A: EXEC",
	}},
	{"unrelated key written", []string{
		"A: WATCH k", "B: SET other 1", "A: MULTI", "A: SET k 5", "A: EXEC", "A: GET k",
	}},
	{"write that changes nothing", []string{
		"A: SET k 1", "A: WATCH k", "B: SET k 9 NX", "B: DEL k2", "A: MULTI", "A: GET k", "A: EXEC",
	}},
	{"watched key deleted and flushed", []string{
		"A: SET k 1", "A: WATCH k", "B: DEL k", "A: MULTI", "A: PING", "A: EXEC",
		"A: SET k 1", "A: WATCH k", "B: FLUSHALL", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH k", "B: FLUSHALL", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"watch in another database", []string{
		"A: SELECT 1", "A: SET k 1", "A: WATCH k", "B: SET k 2", "A: MULTI", "A: GET k", "A: EXEC",
		"A: WATCH k", "B: SELECT 1", "B: SET k 3", "A: MULTI", "A: GET k", "A: EXEC",
	}},
	{"queued commands do not run before EXEC", []string{
		"A: MULTI", "A: SET q 1", "B: GET q", "A: EXEC", "B: GET q",
	}},
	// Writes whose row names keys they only read must not fail a WATCH of
	// those keys, and must fail one of the key they write.
	{"set STORE forms touch only the destination", []string{
		"A: SADD s1 a b", "A: SADD s2 b c", "A: WATCH s1 s2", "B: SINTERSTORE d s1 s2", "B: SUNIONSTORE d s1 s2",
		"B: SDIFFSTORE d s1 s2", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH d", "B: SINTERSTORE d s1 s2", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH d", "B: SDIFFSTORE d s1 s1", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH d", "B: SINTERSTORE d s1 nosuch", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"SMOVE touches what it changed", []string{
		"A: SADD src a b", "A: SADD dst b", "A: WATCH src dst", "B: SMOVE src dst nosuch", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH dst", "B: SMOVE src dst b", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH src", "B: SMOVE src dst a", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH dst", "B: SADD src c", "B: SMOVE src dst c", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"sorted set STORE forms and ZMPOP", []string{
		"A: ZADD z 1 a 2 b", "A: WATCH z", "B: ZRANGESTORE d z 0 -1", "B: ZUNIONSTORE d 1 z", "B: ZINTERSTORE d 1 z",
		"B: ZDIFFSTORE d 1 z", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH d", "B: ZRANGESTORE d z 0 0", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH d", "B: ZRANGESTORE d z 5 6", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH z", "B: ZMPOP 2 nosuch z MIN", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH z", "B: ZMPOP 1 nosuch MIN", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"SORT STORE and BITOP touch only the destination", []string{
		"A: RPUSH l 3 1 2", "A: SET b1 x", "A: WATCH l b1", "B: SORT l STORE out", "B: BITOP NOT nb b1",
		"A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH out", "B: SORT l DESC STORE out", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH out", "B: SORT nosuch STORE out", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH nb", "B: BITOP OR nb b1 b1", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH nb", "B: BITOP AND nb nosuch", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"DEL touches only the keys it deleted", []string{
		"A: SET k1 v", "A: WATCH k2", "B: DEL k1 k2", "A: MULTI", "A: PING", "A: EXEC",
		"A: SET k1 v", "A: WATCH k1", "B: UNLINK k2 k1", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"COPY touches the copy, in its database", []string{
		"A: SET src v", "A: WATCH src", "B: COPY src dst", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH dst", "B: COPY src dst REPLACE", "A: MULTI", "A: PING", "A: EXEC",
		"A: SELECT 1", "A: WATCH dst", "B: COPY src dst DB 1", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"MOVE touches the key in both databases", []string{
		"A: SET k v", "A: SELECT 1", "A: WATCH k", "B: MOVE k 1", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH k", "B: SELECT 1", "B: MOVE k 0", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"SWAPDB touches keys that exist in either database", []string{
		"A: SET k v", "A: SELECT 1", "A: WATCH k", "B: SWAPDB 0 1", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH k", "B: SWAPDB 1 0", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH nosuch", "B: SWAPDB 0 1", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH k", "B: SWAPDB 1 1", "A: MULTI", "A: PING", "A: EXEC",
	}},
	{"SETBIT and BITFIELD that change no bit", []string{
		"A: SET k a", "A: WATCH k", "B: SETBIT k 1 1", "B: BITFIELD k SET u8 0 97", "B: BITFIELD k INCRBY i8 0 256",
		"B: BITFIELD k OVERFLOW FAIL INCRBY u8 0 200", "A: MULTI", "A: PING", "A: EXEC", "B: OBJECT ENCODING k",
		"A: WATCH k", "B: SETBIT k 0 1", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH k", "B: SETBIT k 100 0", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH k", "B: BITFIELD k SET u8 200 0", "A: MULTI", "A: PING", "A: EXEC",
		"A: WATCH nb", "B: BITFIELD nb OVERFLOW FAIL INCRBY u2 0 100", "A: MULTI", "A: PING", "A: EXEC", "B: EXISTS nb",
	}},
	{"hash and list writes touch", []string{
		"A: HSET h f v", "A: WATCH h", "B: HSET h f v2", "A: MULTI", "A: HGET h f", "A: EXEC",
		"A: RPUSH l a", "A: WATCH l", "B: LPOP l", "A: MULTI", "A: LLEN l", "A: EXEC",
	}},
}

// Ensure that MULTI, EXEC and WATCH answer as a real redis-server's do when
// two clients interleave.
func TestServer_TransactionsMatchRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, sc := range txScenarios {
		t.Run(sc.name, func(t *testing.T) {
			type pair struct{ photon, redis *conn }
			clients := map[string]pair{
				"A": {dial(t, addr), dial(t, real.Addr)},
				"B": {dial(t, addr), dial(t, real.Addr)},
			}
			clients["A"].photon.do("FLUSHALL")
			clients["A"].redis.do("FLUSHALL")
			for _, line := range sc.lines {
				who, cmd, _ := strings.Cut(line, ": ")
				args := strings.Fields(cmd)
				c := clients[who]
				got, want := c.photon.do(args...), c.redis.do(args...)
				if got != want {
					t.Errorf("%s\n photon: %s\n  redis: %s", line, got, want)
				}
			}
		})
	}
}
