package server_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/internal/redistest"
)

// The sorted set commands against a real redis-server: hand-written edge
// cases (scores and their text, ranges, options and their errors), then
// a long generated sequence of deterministic commands over sets both
// small (listpack) and large (skip list).
func init() {
	type script = struct {
		name  string
		lines []string
	}
	compatScripts = append(compatScripts,
		script{"zset_add", zsetAddLines},
		script{"zset_ranges", zsetRangeLines},
		script{"zset_lex", zsetLexLines},
		script{"zset_remove_and_pop", zsetRemoveLines},
		script{"zset_setops", zsetSetOpLines},
		script{"zset_random_and_scan", zsetRandScanLines},
		script{"zset_generated", zsetGenerated(1, 1500)},
	)
}

var zsetAddLines = []string{
	// Found by the differential tester: SORT converts a listpack to a
	// skip list, for good, which changes how its scores print.
	"ZADD zl 1 a 2 b", "OBJECT ENCODING zl", "SORT zl ALPHA", "OBJECT ENCODING zl", "ZADD zl2 -0 a 1e17 b",
	"SORT_RO zl2 BY nosort", "OBJECT ENCODING zl2", "ZRANGE zl2 0 -1 WITHSCORES", "SORT zl2 BY nosort DESC LIMIT 0 1",
	"ZADD z 1 a 2 b 3 c 4 d", "ZADD z 1.1 e -0 f 0x10 g 4e-320 h inf i -inf j +inf k 5. l .5 m 1e3 n",
	"ZRANGE z 0 -1 WITHSCORES", "ZSCORE z e", "ZSCORE z f", "ZSCORE z h", "ZSCORE z i", "ZSCORE z missing",
	"ZADD z 1e400 x", "ZADD z -1e400 x", "ZADD z 1e-400 x", "ZADD z nan x", "ZADD z -nan x", "ZADD z ␣1 x", "ZADD z 1␣ x",
	"ZADD z 0x x", "ZADD z 1e x", "ZADD z infinity y", "ZSCORE z y", "ZADD z -Infinity y", "ZSCORE z y", "ZADD z infinit y",
	"ZADD z 0x1.8p1 y", "ZSCORE z y", "ZADD z 1_0 y", "ZADD z -- y",
	"ZADD z nx xx 1 a", "ZADD z xx nx 1 a", "ZADD z gt lt 1 a", "ZADD z gt nx 1 a", "ZADD z lt nx 1 a",
	"ZADD z nx xx 1", "ZADD z incr 1 a 2 b", "ZADD z 1 a 2", "ZADD z incr x a", "ZADD z x a nx", "ZADD z ch 1",
	"ZADD z", "ZADD z xx", "ZADD z nx", "ZADD z bogus 1 a",
	"ZADD z ch 5 a 7 new", "ZADD z gt ch 1 a 10 b", "ZADD z lt ch 1 a 10 b", "ZADD z xx ch 99 a 99 nothere",
	"ZADD z XX INCR 1 nothere", "ZADD z NX INCR 1 a", "ZADD z GT INCR -1 a", "ZADD z LT INCR -1 a", "ZADD z GT INCR 1 a",
	"ZADD z incr inf i", "ZADD z incr -inf i", "ZINCRBY z -inf i", "ZINCRBY z nan i", "ZINCRBY z 1", "ZINCRBY z 1 a b",
	"ZINCRBY z 0.1 new2", "ZINCRBY z 0.2 new2", "ZSCORE z new2", "ZINCRBY z -0 newzero", "ZSCORE z newzero",
	"ZADD z incr -0 k2", "ZSCORE z k2", "ZADD z 1 dup 2 dup 3 dup", "ZSCORE z dup", "ZADD z ch 1 dup 1 dup",
	"ZADD nx-new NX 1 a", "ZADD xx-new XX 1 a", "EXISTS xx-new", "ZADD xx-new XX INCR 1 a",
	"ZRANGE z 0 -1 WITHSCORES", "ZCARD z", "ZCARD missing",
	"SET s x", "ZADD s 1 a", "ZADD s x a", "ZADD s nx xx 1 a", "ZINCRBY s 1 a", "ZSCORE s a", "ZCARD s",
	"ZADD big 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "ZADD big -0 m",
	"ZSCORE big m", "ZINCRBY big -0 m", "ZADD big 0 m", "ZSCORE big m", "ZRANGE big 0 -1 WITHSCORES",
	"ZADD small 1 a", "ZINCRBY small -1 a", "ZINCRBY small -0 a", "ZSCORE small a",
	"ZADD f 1.1 x 1e20 z 0.1 w 1.5e-7 v 123456789012345678 u 4611686018427387904 a 4611686018427388928 c 1e-310 d",
	"ZRANGE f 0 -1 WITHSCORES", "ZMSCORE f x z w v u a c d none", "ZMSCORE missing a b", "ZMSCORE s a", "ZMSCORE f",
	"ZRANK f x", "ZREVRANK f x", "ZRANK f none", "ZRANK missing x", "ZRANK s x", "ZRANK f x WITHSCORE", "ZREVRANK f x WITHSCORE",
	"ZADD e 1 a", "ZADD e 1 b 1 a", "ZRANGE e 0 -1",
}

var zsetRangeLines = []string{
	"ZADD z 1 a 2 b 3 c 4 d 4 e 5 f", "SET s x",
	"ZRANGE z 0 1 limit 0 1", "ZRANGE z a b bylex withscores", "ZRANGE z 0 1 byscore bylex", "ZRANGE z 0 1 bylex byscore",
	"ZRANGE z 0 1 rev rev", "ZRANGE z 0 1 limit 0", "ZRANGE z 0 1 limit x 1 bogus", "ZRANGE z 0 1 bogus limit x 1",
	"ZRANGE z x 1", "ZRANGE z 0 y", "ZRANGE z 1.5 2", "ZRANGE z (1 2 byscore limit 0 -1", "ZRANGE z 1 (2 byscore rev",
	"ZRANGE z (4 2 byscore rev withscores", "ZRANGE z -inf +inf byscore limit -1 2", "ZRANGE z -inf +inf byscore limit 1 -5",
	"ZRANGE z -inf +inf byscore limit 6 1", "ZRANGE z -inf +inf byscore limit 5 1", "ZRANGE z -inf +inf byscore limit 0 0",
	"ZRANGE z 0 -1 rev withscores", "ZRANGE z 1 2 rev", "ZRANGE z -3 -1", "ZRANGE z 5 2", "ZRANGE z -100 100",
	"ZRANGE z 0 9223372036854775807", "ZRANGE z -9223372036854775808 -1", "ZRANGE z 0 9223372036854775808",
	"ZRANGE z 1 4 byscore limit 9223372036854775807 1", "ZRANGE z 1 4 byscore limit 1 9223372036854775808",
	"ZRANGE z 0 -1 WITHSCORES WITHSCORES", "ZRANGE z 0 -1 REV WITHSCORES LIMIT 0 2", "ZRANGE missing 0 -1",
	"ZRANGE missing 0 -1 withscores", "ZRANGE s 0 -1", "ZRANGE s x 1", "ZRANGE s 0 1 limit 0 1",
	"ZRANGESTORE d z 0 -1 withscores", "ZRANGESTORE d s 0 -1", "ZRANGESTORE d missing 0 -1", "EXISTS d",
	"ZRANGESTORE d z 0 -1", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 1 2 rev", "ZRANGE d 0 -1 WITHSCORES",
	"ZRANGESTORE d z (1 3 byscore limit 1 1", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 5 1 byscore", "EXISTS d",
	"ZRANGESTORE d z 0 -1", "EXPIRE d 100", "ZRANGESTORE d z 0 0", "TTL d", "SET d str", "ZRANGESTORE d z 0 0", "TYPE d",
	"ZRANGESTORE d z", "ZRANGESTORE d z 0 1 limit 0 1",
	"ZREVRANGE z 0 1 byscore", "ZREVRANGE z 0 1 rev", "ZREVRANGE z 0 1 limit 0 1", "ZREVRANGE z 0 1 WITHSCORES", "ZREVRANGE z -2 -1",
	"ZRANGEBYSCORE z 1 2 rev", "ZRANGEBYSCORE z 1 2 byscore", "ZRANGEBYSCORE z 1 2 bylex", "ZRANGEBYSCORE z 1 2 withscores limit 0 1",
	"ZRANGEBYSCORE z 1 2 limit 0 1 withscores", "ZRANGEBYSCORE z 1 2 limit 0", "ZRANGEBYSCORE z -inf +inf LIMIT 2 2",
	"ZREVRANGEBYSCORE z 2 1", "ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 1 3", "ZREVRANGEBYSCORE z (4 (1",
	"ZREVRANGEBYSCORE z 1 2", "ZREVRANGEBYSCORE z +inf -inf LIMIT -1 1",
	"ZRANGEBYSCORE z a b", "ZRANGEBYSCORE z 1 b", "ZRANGEBYSCORE s 1 2", "ZRANGEBYSCORE s a 2", "ZRANGEBYSCORE missing a 2",
	"ZRANGEBYSCORE z ␣1 (", "ZRANGEBYSCORE z ( 5", "ZRANGEBYSCORE z 1e400 -1e400", "ZRANGEBYSCORE z -1e400 1e400",
	"ZRANGEBYSCORE z ␣ 5", "ZRANGEBYSCORE z nan 5", "ZRANGEBYSCORE z (nan 5", "ZRANGEBYSCORE z 0x1 2", "ZRANGEBYSCORE z ((1 2",
	"ZRANGEBYSCORE z (1 (1", "ZRANGEBYSCORE z 1 1", "ZRANGEBYSCORE z (4 4", "ZRANGEBYSCORE z 4 4 withscores", "ZRANGEBYSCORE z 2 1",
	"ZRANGEBYSCORE z 1␣ 5", "ZRANGEBYSCORE z -inf inf", "ZRANGEBYSCORE z -INF +Infinity",
	"ZCOUNT z -inf +inf", "ZCOUNT z (1 (4", "ZCOUNT z 5 1", "ZCOUNT z a 1", "ZCOUNT s 1 2", "ZCOUNT missing 1 2", "ZCOUNT z (4 4",
	"ZCOUNT z 4 4", "ZCOUNT z (0 +inf",
}

var zsetLexLines = []string{
	"ZADD l 0 a 0 b 0 c 0 d 0 e 0 bb 0 B 0 aa", "SET s x",
	"ZRANGEBYLEX l - +", "ZRANGEBYLEX l [b [d", "ZRANGEBYLEX l (b (d", "ZRANGEBYLEX l [b (bb", "ZRANGEBYLEX l (a +",
	"ZRANGEBYLEX l - (c LIMIT 1 2", "ZRANGEBYLEX l - + LIMIT -1 2", "ZRANGEBYLEX l - + LIMIT 2 -1", "ZRANGEBYLEX l - + LIMIT 0 0",
	"ZRANGEBYLEX l a b", "ZRANGEBYLEX l [ (", "ZRANGEBYLEX l +x +", "ZRANGEBYLEX l - -x", "ZRANGEBYLEX l - -", "ZRANGEBYLEX l + +",
	"ZRANGEBYLEX l + -", "ZRANGEBYLEX l (a (a", "ZRANGEBYLEX l [a [a", "ZRANGEBYLEX l [d [b", "ZRANGEBYLEX l - + WITHSCORES",
	"ZRANGEBYLEX l - + LIMIT 0", "ZRANGEBYLEX s - +", "ZRANGEBYLEX s a b", "ZRANGEBYLEX missing - +",
	"ZREVRANGEBYLEX l + -", "ZREVRANGEBYLEX l [d [b", "ZREVRANGEBYLEX l [b [d", "ZREVRANGEBYLEX l (d - LIMIT 1 2",
	"ZRANGE l [b [d BYLEX", "ZRANGE l [d [b BYLEX REV", "ZRANGE l - + BYLEX REV LIMIT 0 3", "ZRANGE l (a + BYLEX LIMIT 1 1",
	"ZLEXCOUNT l - +", "ZLEXCOUNT l (a [c", "ZLEXCOUNT l [c (a", "ZLEXCOUNT l a b", "ZLEXCOUNT s - +", "ZLEXCOUNT missing - +",
	"ZRANGESTORE d l [b + BYLEX REV", "ZRANGE d 0 -1",
	"ZREMRANGEBYLEX l [b (c", "ZRANGE l 0 -1", "ZREMRANGEBYLEX l + -", "ZREMRANGEBYLEX l - +", "EXISTS l",
	// Members out of lex order on a listpack: Redis walks from either end.
	"ZADD m 1 d 2 a 3 c 4 b 5 e", "ZRANGEBYLEX m [b [d", "ZRANGEBYLEX m (a [c", "ZREVRANGEBYLEX m [d [b", "ZREVRANGEBYLEX m [c (a",
	"ZRANGEBYLEX m [a +", "ZREVRANGEBYLEX m + [c", "ZLEXCOUNT m [a +", "ZLEXCOUNT m [b [d", "ZREMRANGEBYLEX m - [c",
	"ZREMRANGEBYLEX m [a [c", "ZRANGE m [b [d BYLEX LIMIT 1 5", "ZRANGESTORE d m [a + BYLEX", "ZRANGE d 0 -1",
	"ZADD n 1 d 2 a 3 c 4 b 5 e", "ZREMRANGEBYLEX n [a [c", "ZRANGE n 0 -1",
}

var zsetRemoveLines = []string{
	"ZADD z 1 a 2 b 3 c 4 d 5 e 6 f 7 g", "SET s x",
	"ZREM z a nope b", "ZREM z nope", "ZREM missing a", "ZREM s a", "ZREM z",
	"ZREMRANGEBYRANK z x 1", "ZREMRANGEBYRANK z 1 x", "ZREMRANGEBYSCORE z a 1", "ZREMRANGEBYLEX z a b",
	"ZREMRANGEBYRANK missing 0 1", "ZREMRANGEBYRANK s 0 1", "ZREMRANGEBYSCORE s 0 1", "ZREMRANGEBYLEX s - +",
	"ZREMRANGEBYRANK z 1 1", "ZRANGE z 0 -1", "ZREMRANGEBYRANK z 5 1", "ZREMRANGEBYRANK z 10 20", "ZREMRANGEBYRANK z -1 -1",
	"ZREMRANGEBYRANK z -100 0", "ZRANGE z 0 -1 WITHSCORES", "ZREMRANGEBYSCORE z (4 5", "ZREMRANGEBYSCORE z 6 4", "ZRANGE z 0 -1",
	"ZREMRANGEBYSCORE z -inf +inf", "EXISTS z",
	"ZADD p 1 a 2 b 3 c 4 d", "ZPOPMIN s 0", "ZPOPMIN missing 0", "ZPOPMIN p 0", "ZPOPMIN p -1", "ZPOPMIN p x",
	"ZPOPMIN p 1 2", "ZPOPMIN missing -1", "ZPOPMIN missing", "ZPOPMIN s", "ZPOPMIN p", "ZPOPMAX p", "ZPOPMAX p 1",
	"ZPOPMAX p 10", "EXISTS p",
	"ZADD p 1 a 2 b 3 c 4 d", "ZMPOP 0 p min", "ZMPOP x p min", "ZMPOP -1 p min", "ZMPOP 2 p min", "ZMPOP 1 p",
	"ZMPOP 1 p foo", "ZMPOP 1 p min count 0", "ZMPOP 1 p min count -1", "ZMPOP 1 p min count x", "ZMPOP 1 p min count",
	"ZMPOP 1 p min count 1 count 1", "ZMPOP 1 p min foo 1", "ZMPOP 1 s min", "ZMPOP 2 missing p max count 2",
	"ZMPOP 1 missing min", "ZMPOP 9223372036854775807 p min", "ZMPOP 2 missing s min", "ZMPOP 2 p s MIN COUNT 10",
	"EXISTS p", "ZADD p 1 a", "ZMPOP 3 missing p s max",
}

var zsetSetOpLines = []string{
	"ZADD z 1 a 2 b 3 c 4 d", "ZADD y 10 b 20 c 30 e", "SET s x",
	"ZUNIONSTORE d 0 z", "ZUNIONSTORE d -1 z", "ZUNIONSTORE d x z", "ZUNIONSTORE d 3 z", "ZUNION 0 z", "ZINTER 0 z",
	"ZDIFF 0 z", "ZINTERCARD 0 z", "ZINTERCARD x z", "ZINTERCARD 3 z", "ZINTERCARD -1 z", "zintercard 0 z", "ZunionStore d 0 z",
	"ZINTERCARD 1 z limit -1", "ZINTERCARD 1 z limit x", "ZINTERCARD 1 z limit", "ZINTERCARD 1 z weights 1",
	"ZINTERCARD 1 z withscores", "ZINTERCARD 1 z aggregate sum",
	"ZUNIONSTORE d 1 z weights", "ZUNIONSTORE d 1 z weights x", "ZUNIONSTORE d 1 z weights nan", "ZUNIONSTORE d 1 z weights 1e400",
	"ZUNIONSTORE d 1 z aggregate foo", "ZUNIONSTORE d 1 z aggregate", "ZUNIONSTORE d 1 z withscores", "ZUNION 1 z withscores",
	"ZDIFF 1 z weights 1", "ZDIFF 1 z aggregate sum", "ZDIFFSTORE d 1 z aggregate sum", "ZDIFFSTORE d 1 z withscores",
	"ZUNIONSTORE d 1 s weights x", "ZUNION 2 z s", "ZINTER 2 s z", "ZDIFF 2 z s", "ZINTERCARD 2 z s", "ZDIFFSTORE d 2 missing s",
	"ZUNION 2 z y withscores", "ZUNION 2 z y weights 2 3 withscores", "ZUNION 2 z y weights 2 3 aggregate min withscores",
	"ZUNION 2 z y weights 2 3 aggregate max withscores", "ZUNION 2 z y aggregate max aggregate min withscores",
	"ZUNION 2 z y weights 1 withscores", "ZUNION 2 z y weights 1 2 3 withscores", "ZUNION 2 z y weights 1 2 weights 3 4 withscores",
	"ZUNION 2 z y withscores withscores", "ZUNION 2 z y", "ZUNION 2 z y WEIGHTS 0.5 -1 WITHSCORES",
	"ZINTER 2 z y withscores", "ZINTER 2 z y weights 0 inf withscores", "ZINTER 2 z y weights -inf inf withscores",
	"ZINTER 2 z y weights -inf inf aggregate min withscores", "ZINTER 2 z y aggregate max", "ZINTER 2 z missing withscores",
	"ZDIFF 2 z y withscores", "ZDIFF 2 y z withscores", "ZDIFF 2 z missing withscores", "ZDIFF 2 missing z withscores",
	"ZDIFF 2 z z", "ZDIFF 1 z",
	"ZINTERCARD 2 z y", "ZINTERCARD 2 z y limit 1", "ZINTERCARD 2 z y limit 0", "ZINTERCARD 2 z missing", "ZINTERCARD 1 z LIMIT 2",
	"ZUNIONSTORE d 2 z y", "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 2 z y aggregate max", "ZRANGE d 0 -1 WITHSCORES",
	"ZDIFFSTORE d 2 z y", "ZRANGE d 0 -1 WITHSCORES", "ZDIFFSTORE d 2 z z", "EXISTS d", "SET d x", "EXPIRE d 100",
	"ZUNIONSTORE d 1 z", "TTL d", "TYPE d", "ZINTERSTORE d 2 z missing", "EXISTS d",
	"ZUNIONSTORE z 2 z y", "ZRANGE z 0 -1 WITHSCORES", "ZUNION 3 z y z withscores", "ZINTER 3 z y z withscores",
	"ZADD i1 1 a", "ZADD i2 inf a", "ZADD i3 -inf a", "ZUNION 3 i1 i2 i3 withscores", "ZUNION 2 i2 i3 withscores",
	"ZUNION 2 i2 i3 weights 0 1 withscores", "ZINTER 2 i2 i3 withscores", "ZUNION 1 i1 weights 0x10 withscores",
	"ZUNION 1 i2 weights 0 withscores", "ZUNION 1 i2 weights -1 withscores",
	// Sums of three sources run from the smallest source to the largest.
	"ZADD a 1e17 m", "ZADD b 1 m 2 x 3 y", "ZADD c -1e17 m 5 x", "ZUNION 3 a b c withscores", "ZUNION 3 b a c withscores",
	"ZUNION 3 b c a withscores", "ZINTER 3 b c a withscores", "ZINTER 2 b c withscores",
	"ZADD neg -0 a 1 b", "ZUNIONSTORE nz 1 neg WEIGHTS -1", "ZRANGE nz 0 -1 WITHSCORES",
}

var zsetRandScanLines = []string{
	"ZADD z 1 a 2 b 3 c 4 d", "SET s x", "ZADD one 5 only",
	"ZRANDMEMBER z x", "ZRANDMEMBER z -9223372036854775808", "ZRANDMEMBER z 9223372036854775807 withscores",
	"ZRANDMEMBER z -4611686018427387904 withscores", "ZRANDMEMBER z 4611686018427387904 withscores",
	"ZRANDMEMBER z 4611686018427387903 withscores", "ZRANDMEMBER z -4611686018427387903 withscores x",
	"ZRANDMEMBER z 1 withscore", "ZRANDMEMBER z 1 withscores x", "ZRANDMEMBER s", "ZRANDMEMBER s 1", "ZRANDMEMBER s x",
	"ZRANDMEMBER missing", "ZRANDMEMBER missing 1", "ZRANDMEMBER missing x", "ZRANDMEMBER missing 1 withscores",
	"ZRANDMEMBER z 0", "ZRANDMEMBER z 0 withscores", "ZRANDMEMBER z 10 withscores", "ZRANDMEMBER z 4", "ZRANDMEMBER one",
	"ZRANDMEMBER one -3 withscores", "ZRANDMEMBER one -2", "ZRANDMEMBER one 1 withscores", "ZRANDMEMBER one 1",
	"ZSCAN z 0", "ZSCAN z x", "ZSCAN z -1", "ZSCAN z ␣1", "ZSCAN z 1␣", "ZSCAN z 18446744073709551616",
	"ZSCAN z 18446744073709551615", "ZSCAN z -18446744073709551615", "ZSCAN z +", "ZSCAN z +5", "ZSCAN z 0x1", "ZSCAN z 5",
	"ZSCAN z 0 count 0", "ZSCAN z 0 count -1", "ZSCAN missing 0 count 0", "ZSCAN missing x", "ZSCAN s 0 count 0", "ZSCAN s x",
	"ZSCAN z 0 count x", "ZSCAN z 0 match [ab] count 1", "ZSCAN z 0 match", "ZSCAN z 0 novalues", "ZSCAN z 0 type string",
	"ZSCAN z 0 match * count 1000", "ZSCAN z 0 count 1 count 2 match a match b", "ZSCAN z 0 MATCH c*", "ZSCAN z 0 count",
	"ZADD f 1.1 x -0 y 1e20 z 0.1 w 1.5e-7 v 123456789012345678 u 4611686018427387904 a -4611686018427387904 b 4611686018427388928 c inf d",
	"ZSCAN f 0",
}

// zsetGenerated returns n deterministic commands drawn at random (from
// seed) over a few keys: small sets and sets grown past the listpack's
// limits, scores whose sums are exact (so that the order Redis adds them
// in cannot matter), lex ranges only on a set whose scores are all equal.
func zsetGenerated(seed int64, n int) []string {
	rng := rand.New(rand.NewSource(seed))
	keys := []string{"g1", "g2", "g3", "big"}
	scores := []string{"0", "1", "-1", "2", "0.5", "-2.5", "3", "10", "-0", "100", "7"}
	member := func() string {
		if rng.Intn(40) == 0 {
			return "long" + strings.Repeat("x", 61+rng.Intn(10))
		}
		return fmt.Sprintf("m%d", rng.Intn(60))
	}
	key := func() string { return keys[rng.Intn(len(keys))] }
	score := func() string { return scores[rng.Intn(len(scores))] }
	bound := func() string {
		s := score()
		switch rng.Intn(5) {
		case 0:
			return "(" + s
		case 1:
			return []string{"-inf", "+inf", "(-inf", "(+inf"}[rng.Intn(4)]
		}
		return s
	}
	lexBound := func() string {
		switch rng.Intn(6) {
		case 0:
			return "-"
		case 1:
			return "+"
		}
		return []string{"[", "("}[rng.Intn(2)] + fmt.Sprintf("m%d", rng.Intn(60))
	}
	index := func() string { return fmt.Sprint(rng.Intn(40) - 20) }
	var out []string
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	var big strings.Builder
	for i := 0; i < 140; i++ {
		fmt.Fprintf(&big, " %d b%d", i%9, i)
	}
	add("ZADD big%s", big.String())
	for len(out) < n {
		switch r := rng.Intn(24); r {
		case 0, 1, 2:
			var b strings.Builder
			for j := 1 + rng.Intn(6); j > 0; j-- {
				fmt.Fprintf(&b, " %s %s", score(), member())
			}
			opts := []string{"", "NX ", "XX ", "GT ", "LT ", "CH ", "XX GT CH ", "NX CH "}[rng.Intn(8)]
			add("ZADD %s %s%s", key(), opts, strings.TrimSpace(b.String()))
		case 3:
			add("ZINCRBY %s %s %s", key(), score(), member())
		case 4:
			add("ZREM %s %s %s", key(), member(), member())
		case 5:
			add("ZRANGE %s %s %s%s", key(), index(), index(), []string{"", " WITHSCORES", " REV", " REV WITHSCORES"}[rng.Intn(4)])
		case 6:
			add("ZRANGE %s %s %s BYSCORE%s LIMIT %d %d WITHSCORES", key(), bound(), bound(), []string{"", " REV"}[rng.Intn(2)], rng.Intn(6)-1, rng.Intn(8)-1)
		case 7:
			add("ZRANGEBYSCORE %s %s %s WITHSCORES", key(), bound(), bound())
		case 8:
			add("ZREVRANGEBYSCORE %s %s %s", key(), bound(), bound())
		case 9:
			add("ZCOUNT %s %s %s", key(), bound(), bound())
		case 10:
			add("ZRANK %s %s", key(), member())
			add("ZREVRANK %s %s", key(), member())
			add("ZSCORE %s %s", key(), member())
		case 11:
			add("ZMSCORE %s %s %s %s", key(), member(), member(), member())
			add("ZCARD %s", key())
		case 12:
			add("ZREMRANGEBYRANK %s %s %s", key(), index(), index())
		case 13:
			add("ZREMRANGEBYSCORE %s %s %s", key(), bound(), bound())
		case 14:
			add("ZPOP%s %s %d", []string{"MIN", "MAX"}[rng.Intn(2)], key(), rng.Intn(4))
		case 15:
			add("ZMPOP 2 %s %s %s COUNT %d", key(), key(), []string{"MIN", "MAX"}[rng.Intn(2)], 1+rng.Intn(3))
		case 16:
			op := []string{"ZUNIONSTORE", "ZINTERSTORE"}[rng.Intn(2)]
			add("%s dst 3 %s %s %s WEIGHTS %s %s %s AGGREGATE %s", op, key(), key(), key(), score(), score(), score(),
				[]string{"SUM", "MIN", "MAX"}[rng.Intn(3)])
			add("ZRANGE dst 0 -1 WITHSCORES")
		case 17:
			add("ZDIFFSTORE dst 2 %s %s", key(), key())
			add("ZRANGE dst 0 -1 WITHSCORES")
		case 18:
			op := []string{"ZUNION", "ZINTER", "ZDIFF"}[rng.Intn(3)]
			add("%s 2 %s %s WITHSCORES", op, key(), key())
			add("ZINTERCARD 2 %s %s LIMIT %d", key(), key(), rng.Intn(4))
		case 19:
			add("ZRANGESTORE dst %s %s %s BYSCORE LIMIT 0 %d", key(), bound(), bound(), rng.Intn(10)-1)
			add("ZRANGE dst 0 -1 WITHSCORES")
		case 20:
			// Lex ranges only where every score is 0.
			add("ZADD lex %s %s %s %s", "0", member(), "0", member())
			add("ZRANGEBYLEX lex %s %s LIMIT %d %d", lexBound(), lexBound(), rng.Intn(3)-1, rng.Intn(5)-1)
		case 21:
			add("ZREVRANGEBYLEX lex %s %s", lexBound(), lexBound())
			add("ZLEXCOUNT lex %s %s", lexBound(), lexBound())
		case 22:
			add("ZREMRANGEBYLEX lex %s %s", lexBound(), lexBound())
		case 23:
			add("ZRANGESTORE dst lex %s %s BYLEX REV", lexBound(), lexBound())
			add("ZRANGE dst 0 -1 WITHSCORES")
		}
	}
	for _, k := range append(keys, "lex", "dst") {
		add("ZRANGE %s 0 -1 WITHSCORES", k)
	}
	return out
}

// zsetRESP3Lines are answered with RESP3's doubles and nested pairs.
var zsetRESP3Lines = []string{
	"ZADD z 1.5 a 2 b 3 c 4 d -0 e", "ZADD big 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	"ZADD big -0 e inf i", "ZRANGE z 0 1 WITHSCORES", "ZRANGE z 0 1", "ZRANGE big 0 -1 WITHSCORES", "ZRANGE missing 0 -1 WITHSCORES",
	"ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 1 2", "ZREVRANGE z 0 -1 WITHSCORES", "ZSCORE z a", "ZSCORE big e", "ZSCORE big i",
	"ZSCORE z none", "ZMSCORE z a none b", "ZRANK z a", "ZRANK z none", "ZADD z INCR 1 c", "ZADD z NX INCR 1 c",
	"ZINCRBY z 0.1 c", "ZPOPMIN z", "ZPOPMIN z 1", "ZPOPMAX z 0", "ZPOPMIN missing", "ZPOPMIN missing 2",
	"ZMPOP 1 z MAX", "ZMPOP 1 missing MAX", "ZRANDMEMBER missing", "ZRANDMEMBER missing 1", "ZRANDMEMBER big 5 WITHSCORES",
	"ZRANDMEMBER z 0 WITHSCORES", "ZUNION 2 z big WITHSCORES", "ZINTER 2 z big WITHSCORES", "ZDIFF 2 big z WITHSCORES",
	"ZUNION 2 z big", "ZSCAN z 0", "ZSCAN missing 0", "ZADD z 1 a 2 b", "ZPOPMAX z 5", "ZADD one 3 a", "ZRANDMEMBER one -2 WITHSCORES",
}

// Ensure that the sorted set commands answer a RESP3 client exactly as a
// real redis-server does: scores as doubles, pairs of member and score
// nested, nulls as RESP3 nulls.
func TestServer_ZsetRESP3MatchesRedis(t *testing.T) {
	real := redistest.Start(t, "")
	_, addr := startPhoton(t, engine.Options{})
	photon, redis := dial(t, addr), dial(t, real.Addr)
	for _, c := range []*conn{photon, redis} {
		c.do("HELLO", "3")
		c.do("FLUSHALL")
	}
	for _, line := range zsetRESP3Lines {
		args := strings.Fields(line)
		photon.send(args...)
		redis.send(args...)
		got, want := normalize(args[0], photon.read()), normalize(args[0], redis.read())
		if got != want {
			t.Errorf("%s\n photon: %s\n  redis: %s", line, got, want)
		}
	}
}
