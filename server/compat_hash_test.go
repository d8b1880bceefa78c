package server_test

import (
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
)

// The hash commands beyond the original's, run against photon and a real
// redis-server by TestServer_MatchesRedis. HRANDFIELD appears only where
// its answer is certain: a hash of one field, or a count covering all.
func init() {
	compatScripts = append(compatScripts,
		struct {
			name  string
			lines []string
		}{"hash hsetnx hstrlen", []string{
			"HSETNX h f v", "HSETNX h f w", "HGET h f", "HSETNX h g 12345", "HSTRLEN h g", "HSTRLEN h f",
			"HSTRLEN h nope", "HSTRLEN nokey f", "HSETNX h a 1", "HGETALL h", "SET s v", "HSETNX s f v",
			"HSTRLEN s f", "HSETNX h", "HSTRLEN h", "HSET h e ''", "HSTRLEN h e",
		}},
		struct {
			name  string
			lines []string
		}{"hash hincrby", []string{
			"HINCRBY h n 5", "HINCRBY h n -7", "HINCRBY h n 0", "HGET h n", "HINCRBY h n x", "HINCRBY h n 1.5",
			"HINCRBY h n 99999999999999999999", "HINCRBY nokey f x", "EXISTS nokey", "HINCRBY nk f 0", "EXISTS nk",
			"HINCRBY h max 9223372036854775807", "HINCRBY h max 1", "HINCRBY h max -1", "HSET h min -9223372036854775808",
			"HINCRBY h min -1", "HINCRBY h min 1", "HINCRBY h min -9223372036854775807", "HINCRBY h min 9223372036854775807",
			"HSET h z 007", "HINCRBY h z 1", "HSET h sp ␣1", "HINCRBY h sp 1", "HSET h f 1.0", "HINCRBY h f 1",
			"HSET h p +1", "HINCRBY h p 1", "HSET h m -0", "HINCRBY h m 1", "HSET h str abc", "HINCRBY h str 1",
			"SET s v", "HINCRBY s f 1", "HINCRBY s f x", "HGETALL h",
		}},
		struct {
			name  string
			lines []string
		}{"hash hincrbyfloat", []string{
			"HINCRBYFLOAT h a 10.5", "HINCRBYFLOAT h a 0.1", "HINCRBYFLOAT h b 5.0e3", "HINCRBYFLOAT h c 0.1",
			"HINCRBYFLOAT h c 0.2", "HINCRBYFLOAT h c -0.3", "HINCRBYFLOAT h d 1e308", "HINCRBYFLOAT h d 1e308",
			"HINCRBYFLOAT h e 1.23456789012345678901234", "HINCRBYFLOAT h f 3.0", "HINCRBYFLOAT h f -3",
			"HINCRBYFLOAT h g -0.0", "HINCRBYFLOAT h g -5.5", "HINCRBYFLOAT h i +.5", "HINCRBYFLOAT h i 5.",
			"HINCRBYFLOAT h j 0x10", "HINCRBYFLOAT h j -0x1.8p1", "HINCRBYFLOAT h j 0X1P-2", "HINCRBYFLOAT h j 0x.8",
			"HINCRBYFLOAT h k 1E+5", "HINCRBYFLOAT h k 7.0e-1", "HINCRBYFLOAT h k 1e-4940", "HINCRBYFLOAT h l 0.00000000000000000001",
			"HINCRBYFLOAT h l 0.000000000000000005", "HINCRBYFLOAT h l 0.000000000000000015",
			"HINCRBYFLOAT h m 9223372036854775807", "HINCRBYFLOAT h m 1", "HINCRBYFLOAT h m 18446744073709551615",
			"HINCRBYFLOAT h m 0.5", "HINCRBYFLOAT h n 123456789012345678901234567890", "HINCRBYFLOAT h n 0.3",
			"HINCRBYFLOAT h o 1", "HINCRBYFLOAT h o 0.1", "HINCRBYFLOAT h o 0.1", "HINCRBYFLOAT h o 0.1",
			"HINCRBYFLOAT h o 0.1", "HINCRBYFLOAT h o 0.1", "HINCRBYFLOAT h o 0.1", "HINCRBYFLOAT h o 0.1",
			"HINCRBYFLOAT h q 3.14159265358979323846264338327950288", "HINCRBYFLOAT h q -3",
			"HINCRBYFLOAT h r 1e4932", "HINCRBYFLOAT h r 1e4931", "HINCRBYFLOAT h r 1e4931", "HINCRBYFLOAT h r -1e4932",
			"HINCRBYFLOAT h t -1.18973149535723176502e+4932", "HINCRBYFLOAT h t -1e4931", "HINCRBYFLOAT h u 1.2e4932",
			"HINCRBYFLOAT h u 1e-5000", "HINCRBYFLOAT h u 1e99999999999999999999", "HINCRBYFLOAT h u 0e99999999999999999999",
			"HINCRBYFLOAT h u inf", "HINCRBYFLOAT h u -inf", "HINCRBYFLOAT h u INFINITY", "HINCRBYFLOAT h u -Infinity",
			"HINCRBYFLOAT h u infin", "HINCRBYFLOAT h u nan", "HINCRBYFLOAT h u NaN", "HINCRBYFLOAT h u abc",
			"HINCRBYFLOAT h u ␣1", "HINCRBYFLOAT h u 1␣", "HINCRBYFLOAT h u 1e", "HINCRBYFLOAT h u 1e+",
			"HINCRBYFLOAT h u 0x", "HINCRBYFLOAT h u 0x1p", "HINCRBYFLOAT h u .", "HINCRBYFLOAT h u +", "HINCRBYFLOAT h u 1.2.3",
			"HINCRBYFLOAT h u 1_000", "HINCRBYFLOAT h u 1,5", "HINCRBYFLOAT h u ''", "EXISTS h2", "HINCRBYFLOAT h2 f x", "EXISTS h2",
			"HSET h str abc", "HINCRBYFLOAT h str 1", "HSET h infv inf", "HINCRBYFLOAT h infv 1", "HSET h ninf -inf",
			"HINCRBYFLOAT h ninf 1", "HSET h sp ␣1", "HINCRBYFLOAT h sp 1", "HSET h hex 0x1p3", "HINCRBYFLOAT h hex 1",
			"HSET h big 12345678901234567890", "HINCRBYFLOAT h big 1", "SET s v", "HINCRBYFLOAT s f 1",
			"HINCRBYFLOAT s f x", "HINCRBYFLOAT s f inf",
			"HGET h a", "HGET h c", "HGET h d", "HGET h o", "HGET h q", "HLEN h",
		}},
		struct {
			name  string
			lines []string
		}{"hash hrandfield", []string{
			"HSET one f v", "HRANDFIELD one", "HRANDFIELD one 1", "HRANDFIELD one -3", "HRANDFIELD one -3 WITHVALUES",
			"HRANDFIELD one 5 withvalues", "HRANDFIELD one -1 WITHVALUES", "HRANDFIELD one 9223372036854775807",
			"HSET h a 1 b 2 c 3", "HRANDFIELD h 3", "HRANDFIELD h 3 WITHVALUES", "HRANDFIELD h 100",
			"HRANDFIELD h 4611686018427387903 WITHVALUES", "HRANDFIELD h 0", "HRANDFIELD h 0 WITHVALUES",
			"HRANDFIELD h x", "HRANDFIELD h 1.5", "HRANDFIELD h 1 foo", "HRANDFIELD h 1 WITHVALUES foo", "HRANDFIELD h 0 foo",
			"HRANDFIELD h -9223372036854775808", "HRANDFIELD h 9223372036854775808", "HRANDFIELD h 4611686018427387904 WITHVALUES",
			"HRANDFIELD h -4611686018427387904 WITHVALUES", "HRANDFIELD h -9223372036854775807 WITHVALUES",
			"HRANDFIELD nokey", "HRANDFIELD nokey 3", "HRANDFIELD nokey -3 WITHVALUES", "HRANDFIELD nokey x",
			"HRANDFIELD nokey 5 WITHVALUES extra", "HRANDFIELD nokey 5 foo", "SET s v", "HRANDFIELD s", "HRANDFIELD s 1",
			"HRANDFIELD s x", "HRANDFIELD s 1 foo",
		}},
		struct {
			name  string
			lines []string
		}{"hash hscan", []string{
			"HSET h a 1 b 2 ab 3 ba 4 A* 5", "HSCAN h 0", "HSCAN h 0 MATCH a*", "HSCAN h 0 match *a", "HSCAN h 0 MATCH *",
			`HSCAN h 0 MATCH A\*`, "HSCAN h 0 MATCH [ab]", "HSCAN h 0 MATCH nomatch", "HSCAN h 0 COUNT 1", "HSCAN h 0 count 1 match a*",
			"HSCAN h 0 MATCH a* MATCH b*", "HSCAN h 0 MATCH b* COUNT 100 COUNT 2", "HSCAN h 7", "HSCAN h ''", "HSCAN h +5",
			"HSCAN h -1", "HSCAN h 007", "HSCAN h 18446744073709551615", "HSCAN h -18446744073709551615",
			"HSCAN h 18446744073709551616", "HSCAN h -18446744073709551616", "HSCAN h ␣1", "HSCAN h 1␣", "HSCAN h 0x1",
			"HSCAN h +", "HSCAN h -", "HSCAN h 1.0", "HSCAN h x", "HSCAN h 0 COUNT 0", "HSCAN h 0 COUNT -1", "HSCAN h 0 COUNT x",
			"HSCAN h 0 COUNT 9223372036854775808", "HSCAN h 0 MATCH", "HSCAN h 0 COUNT", "HSCAN h 0 TYPE string",
			"HSCAN h 0 NOVALUES", "HSCAN h 0 foo bar", "HSCAN nokey 0", "HSCAN nokey 0 COUNT 0", "HSCAN nokey 0 foo",
			"HSCAN nokey x", "SET s v", "HSCAN s 0", "HSCAN s 0 COUNT 0", "HSCAN s x", "HSCAN h",
		}},
	)
}

// Ensure that the list and hash commands whose replies have a RESP3 shape
// of their own answer a RESP3 client as a real redis-server does.
func TestServer_ListsHashesRESP3MatchRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	photon, redis := dial(t, addr), dial(t, real.Addr)
	for _, c := range []*conn{photon, redis} {
		c.do("HELLO", "3")
	}
	lines := []string{
		"HSET one f v", "HSET h a 1 b 2 c 3", "HRANDFIELD one -2 WITHVALUES", "HRANDFIELD one 1 WITHVALUES",
		"HRANDFIELD h 3 WITHVALUES", "HRANDFIELD h 5", "HRANDFIELD h 0 WITHVALUES", "HRANDFIELD nokey", "HRANDFIELD nokey 2",
		"HSCAN h 0", "HSCAN nokey 0", "HGETALL h", "HINCRBYFLOAT h f 1.5",
		"RPUSH l a b c", "LMPOP 1 l LEFT COUNT 2", "LMPOP 1 nokey LEFT", "LPOS l c", "LPOS l x", "LPOS l x COUNT 0",
		"LPOS nokey x", "LPOS nokey x COUNT 0", "LMOVE nokey l LEFT LEFT", "RPOPLPUSH l l",
	}
	for _, line := range lines {
		args := strings.Fields(line)
		photon.send(args...)
		redis.send(args...)
		if got, want := show(photon.read()), show(redis.read()); got != want {
			t.Errorf("%s\n photon: %s\n  redis: %s", line, got, want)
		}
	}
}
