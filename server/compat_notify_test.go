package server_test

import (
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
)

func init() {
	compatScripts = append(compatScripts, struct {
		name  string
		lines []string
	}{"notify-keyspace-events", []string{
		"CONFIG GET notify-keyspace-events",
		"CONFIG SET notify-keyspace-events KEA",
		"CONFIG GET notify-keyspace-events",
		"CONFIG SET notify-keyspace-events Kg",
		"CONFIG GET notify-keyspace-events",
		"CONFIG SET notify-keyspace-events An",
		"CONFIG GET notify-keyspace-events",
		"CONFIG SET notify-keyspace-events g$lshzxetdKEmn",
		"CONFIG GET notify-keyspace-events",
		"CONFIG SET notify-keyspace-events Eelx",
		"CONFIG GET notify-keyspace-events",
		"CONFIG SET notify-keyspace-events n",
		"CONFIG GET notify-keyspace-events",
		"CONFIG SET notify-keyspace-events KEq",
		"CONFIG SET notify-keyspace-events a",
		"CONFIG GET notify-keyspace-events",
		"CONFIG SET notify-keyspace-events ␣",
		"CONFIG SET notify-keyspace-events \"\"",
		"CONFIG GET notify-keyspace-events",
	}})
}

// notifyScript is the writes whose notifications both servers must send
// alike; SLEEP waits for a TTL to run out. Random pops touch one-element
// collections only, so that both servers pop the same.
var notifyScript = []string{
	"SET a 1", "SET b 2 EX 100", "SET b 3 KEEPTTL", "SET b 4 PXAT 99999999999999", "SETEX c 100 x", "PSETEX c 100 x",
	"SETNX c y", "SETNX d y", "GETSET a 5", "GETDEL a", "GETDEL a", "MSET a 1 b 2", "MSETNX a 1 z 2", "MSETNX y 1 z 2",
	"INCR n", "INCRBY n 3", "DECR n", "DECRBY n 2", "INCRBYFLOAT n 1.5", "INCR a x",
	"APPEND s x", "SETRANGE s 3 y", "SETRANGE nope 0 \"\"", "SETBIT bits 3 1", "GETEX s EX 100", "GETEX s PERSIST", "GETEX s",
	"DEL s nope b", "UNLINK y z nope",
	"EXPIRE n 100", "PERSIST n", "PERSIST n", "PEXPIRE n 100", "EXPIREAT n 99999999999", "EXPIRE n -1", "EXPIRE nope 10",
	"SET e 1", "PEXPIREAT e 1",
	"SET r 1", "RENAME r r2", "RENAMENX r2 r3", "SET r4 1", "RENAMENX r3 r4", "RENAME r3 r3",
	"LPUSH l a b c", "RPUSH l d", "LPUSHX l e", "RPUSHX nope x", "LINSERT l BEFORE a q", "LPOP l", "RPOP l", "LSET l 0 z",
	"LTRIM l 0 0", "LTRIM l 0 -1", "LREM l 0 z", "RPUSH l2 a", "LMOVE l2 l3 LEFT RIGHT", "RPUSH l4 a b", "LMOVE l4 l4 LEFT RIGHT",
	"RPOPLPUSH l4 l5", "RPUSH l6 a b c", "LPOP l6 5", "RPUSH l7 a", "LMPOP 2 nope l7 RIGHT", "RPUSH l8 a b", "BLPOP l8 0",
	"BRPOP l8 0", "RPUSH l9 a", "BLMOVE l9 l10 RIGHT LEFT 0", "BLMPOP 0 1 l10 LEFT",
	"HSET h a 1 b 2", "HSETNX h a 2", "HSETNX h c 2", "HMSET h d 1", "HDEL h a nope", "HINCRBY h b 2", "HINCRBYFLOAT h b 1.5",
	"HDEL h b c d",
	"SADD s1 a b c", "SADD s1 a", "SREM s1 a", "SREM s1 nope", "SMOVE s1 s2 b", "SMOVE s1 s2 c", "SADD s3 z", "SPOP s3",
	"SADD s3 z", "SPOP s3 5", "SADD s4 x", "SINTERSTORE s5 s4 s4", "SINTERSTORE s5 s4 nope", "SINTERSTORE s6 nope",
	"SUNIONSTORE s7 s4", "SDIFFSTORE s7 s4 s4",
	"ZADD z 1 a 2 b", "ZADD z 1 a", "ZADD z INCR 5 a", "ZINCRBY z 1 a", "ZREM z a", "ZPOPMIN z", "ZADD z 1 a 2 b 3 c",
	"ZPOPMAX z", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYSCORE z 2 2", "ZADD z 1 a 2 b",
	"ZREMRANGEBYLEX z [a [a", "ZUNIONSTORE z2 2 z nope", "ZINTERSTORE z2 2 z nope", "ZINTERSTORE z2 2 z nope",
	"ZDIFFSTORE z3 1 z", "ZRANGESTORE z4 z 0 -1", "ZMPOP 1 z MIN", "ZADD z 1 a", "BZPOPMAX z 0",
	"ZADD z 1 a", "BZMPOP 0 1 z MAX COUNT 3",
	"SET cp 1", "COPY cp cp2", "COPY cp cp2", "MOVE cp2 1", "SELECT 1", "DEL cp2", "SELECT 0",
	"SET t 1 PX 1", "SLEEP", "LPUSH t x",
	"SORT l3 STORE so", "SORT nope STORE so",
	"FLUSHDB", "SET x 1", "FLUSHALL",
}

// Ensure that a subscriber to __key*__:* receives from PhotonDB the same
// keyspace and keyevent messages, in the same order, as from redis-server
// for the same writes.
func TestServer_NotifyMatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	for _, flags := range []string{"KEA", "KEAn", "KEAnm"} { // A leaves out new-key and key-miss events
		t.Run(flags, func(t *testing.T) { compareNotifications(t, addr, real.Addr, flags) })
	}
}

func compareNotifications(t *testing.T, addr, redisAddr, flags string) {
	got := notifyMessages(t, addr, flags)
	want := notifyMessages(t, redisAddr, flags)
	if len(want) < 100 {
		t.Fatalf("redis-server sent only %d notifications: %v", len(want), want)
	}
	n := max(len(got), len(want))
	for i := 0; i < n; i++ {
		g, w := "(none)", "(none)"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("message %d differs\n photon: %s\n  redis: %s\n photon all: %v\n  redis all: %v", i, g, w, got, want)
		}
	}
}

// notifyMessages runs notifyScript on the server at addr with the
// notifications flags asks for and returns what a pattern subscriber
// received, each as "channel message".
func notifyMessages(t *testing.T, addr, flags string) []string {
	t.Helper()
	return scriptEvents(t, addr, flags, notifyScript)
}
