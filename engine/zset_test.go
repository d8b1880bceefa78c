package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// checkZset verifies every invariant of a sorted set's skip list: level 0
// holds every member of the map once, in (score, member) order, with
// consistent back links and tail; every link's span is the distance in
// ranks it moves (a link to nowhere counts the nodes left, as Redis's);
// no node is taller than the list; and a set Redis would keep as a
// listpack is within the listpack's limits.
func checkZset(t testing.TB, z *zset) {
	t.Helper()
	rank := map[*zslNode]int{}
	var prev *zslNode
	r := 0
	for x := z.first(); x != nil; x = x.next() {
		r++
		rank[x] = r
		if x.prev != prev {
			t.Fatalf("rank %d (%q): prev link is wrong", r, x.member)
		}
		if prev != nil && !prev.before(x.score, x.member) {
			t.Fatalf("rank %d: (%v %q) does not sort after (%v %q)", r, x.score, x.member, prev.score, prev.member)
		}
		if len(x.levels) > z.level {
			t.Fatalf("rank %d: %d levels in a list of %d", r, len(x.levels), z.level)
		}
		if z.members[x.member] != x {
			t.Fatalf("rank %d: member %q does not map to its node", r, x.member)
		}
		prev = x
	}
	if z.tail != prev {
		t.Fatalf("tail is not the last node")
	}
	if r != z.length || r != len(z.members) {
		t.Fatalf("list holds %d nodes, length %d, map %d", r, z.length, len(z.members))
	}
	if z.level < 1 || (z.level > 1 && z.head.levels[z.level-1].next == nil) {
		t.Fatalf("level %d with an empty top level", z.level)
	}
	for i := 0; i < z.level; i++ {
		for x := z.head; x != nil; x = x.levels[i].next {
			next, span := x.levels[i].next, x.levels[i].span
			want := z.length - rank[x]
			if next != nil {
				want = rank[next] - rank[x]
			}
			if span != want {
				t.Fatalf("level %d after rank %d: span %d, want %d", i, rank[x], span, want)
			}
		}
	}
	if !z.big.Load() {
		if z.length > zsetMaxListpackEntries {
			t.Fatalf("listpack with %d members", z.length)
		}
		for m := range z.members {
			if len(m) > zsetMaxListpackValue {
				t.Fatalf("listpack with a member of %d bytes", len(m))
			}
		}
	}
}

// zmodel is the sorted slice a sorted set must equal.
type zmodel map[string]float64

func (m zmodel) sorted() []zsetEntry {
	out := make([]zsetEntry, 0, len(m))
	for k, v := range m {
		out = append(out, zsetEntry{k, v})
	}
	sortEntries(out)
	return out
}

func entriesOf(z *zset) []zsetEntry {
	var out []zsetEntry
	for x := z.first(); x != nil; x = x.next() {
		out = append(out, zsetEntry{x.member, x.score})
	}
	return out
}

// Ensure that the skip list keeps its invariants and answers like a
// sorted slice under random adds, updates, removals (one by one, by rank,
// by score and by lex range), rank and range queries, and that a clone
// taken along the way never changes.
func TestZset_MatchesSortedSliceModel(t *testing.T) {
	for seed := int64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			z := newZset()
			model := zmodel{}
			var snap *zset
			var snapWant []zsetEntry
			members := 20 + rng.Intn(400)
			sameScore := seed%3 == 0 // lex ranges are only meaningful with one score
			score := func() float64 {
				if sameScore {
					return 0
				}
				scores := []float64{0, 1, 1.5, -2, math.Inf(1), math.Inf(-1), 1e300}
				if rng.Intn(3) == 0 {
					return scores[rng.Intn(len(scores))]
				}
				return float64(rng.Intn(50)) - 25
			}
			for op := 0; op < 4000; op++ {
				m := fmt.Sprintf("m%03d", rng.Intn(members))
				switch r := rng.Intn(20); {
				case r < 9:
					s := score()
					_, had := model[m]
					if added := z.set([]byte(m), s); added == had {
						t.Fatalf("op %d: set(%s) added = %v, model had it = %v", op, m, added, had)
					}
					model[m] = s
				case r < 12:
					_, had := model[m]
					if got := z.remove([]byte(m)); got != had {
						t.Fatalf("op %d: remove(%s) = %v, want %v", op, m, got, had)
					}
					delete(model, m)
				case r == 12 && z.len() > 0:
					a, b := rng.Intn(z.len()), rng.Intn(z.len())
					a, b = min(a, b), max(a, b)
					want := model.sorted()
					if got := z.removeRank(a, b); got != b-a+1 {
						t.Fatalf("op %d: removeRank(%d, %d) = %d", op, a, b, got)
					}
					for _, e := range want[a : b+1] {
						delete(model, e.member)
					}
				case r == 13:
					lo := float64(rng.Intn(30)) - 15
					sr := scoreRange{min: lo, max: lo + float64(rng.Intn(10)), minex: rng.Intn(2) == 0, maxex: rng.Intn(2) == 0}
					n := 0
					for k, v := range model {
						if sr.gteMin(v) && sr.lteMax(v) {
							delete(model, k)
							n++
						}
					}
					if got := z.removeRange(&sr); got != n {
						t.Fatalf("op %d: removeRange(%+v) = %d, want %d", op, sr, got, n)
					}
				case r == 14 && sameScore:
					lr := lexRange{min: lexBound{s: fmt.Sprintf("m%03d", rng.Intn(members))}, max: lexBound{s: fmt.Sprintf("m%03d", rng.Intn(members))}, minex: rng.Intn(2) == 0}
					n := 0
					for k := range model {
						if lr.gteMin(k) && lr.lteMax(k) {
							delete(model, k)
							n++
						}
					}
					if got := z.removeLexRange(&lr); got != n {
						t.Fatalf("op %d: removeLexRange(%+v) = %d, want %d", op, lr, got, n)
					}
				case r == 15:
					snap, snapWant = z.clone().(*zset), model.sorted()
				default:
					checkQueries(t, op, z, model, rng)
				}
				if op%50 == 0 {
					checkZset(t, z)
				}
			}
			checkZset(t, z)
			if got, want := entriesOf(z), model.sorted(); !slices.Equal(got, want) {
				t.Fatalf("final contents differ:\n got %v\nwant %v", got, want)
			}
			if snap != nil {
				checkZset(t, snap)
				if got := entriesOf(snap); !slices.Equal(got, snapWant) {
					t.Fatalf("clone changed:\n got %v\nwant %v", got, snapWant)
				}
			}
		})
	}
}

// checkQueries compares ranks, nodes at ranks and score counts with the
// model.
func checkQueries(t *testing.T, op int, z *zset, model zmodel, rng *rand.Rand) {
	t.Helper()
	want := model.sorted()
	for i, e := range want {
		if r, ok := z.rank([]byte(e.member)); !ok || r != i {
			t.Fatalf("op %d: rank(%s) = %d %v, want %d", op, e.member, r, ok, i)
		}
		if x := z.at(i); x == nil || x.member != e.member {
			t.Fatalf("op %d: at(%d) is not %s", op, i, e.member)
		}
	}
	if z.at(len(want)) != nil || z.at(-1) != nil {
		t.Fatalf("op %d: at() out of range is not nil", op)
	}
	lo := float64(rng.Intn(40)) - 20
	sr := scoreRange{min: lo, max: lo + float64(rng.Intn(20)), minex: rng.Intn(2) == 0, maxex: rng.Intn(2) == 0}
	n := 0
	for _, e := range want {
		if sr.gteMin(e.score) && sr.lteMax(e.score) {
			n++
		}
	}
	if got := z.count(&sr); got != n {
		t.Fatalf("op %d: count(%+v) = %d, want %d", op, sr, got, n)
	}
}

// Ensure that the builder used by clone and by STORE results gives the
// same list invariants as inserting one by one.
func TestZset_FromEntries(t *testing.T) {
	for _, n := range []int{0, 1, 2, 50, 128, 129, 3000} {
		entries := make([]zsetEntry, n)
		for i := range entries {
			entries[i] = zsetEntry{fmt.Sprintf("m%d", i), float64(i % 7)}
		}
		z := zsetFrom(slices.Clone(entries))
		checkZset(t, z)
		if z.len() != n || z.big.Load() != (n > zsetMaxListpackEntries) {
			t.Errorf("n=%d: len %d, big %v", n, z.len(), z.big.Load())
		}
		c := z.clone().(*zset)
		checkZset(t, c)
		if !slices.Equal(entriesOf(c), entriesOf(z)) || c.big.Load() != z.big.Load() {
			t.Errorf("n=%d: clone differs", n)
		}
		if n > 0 {
			z.remove([]byte("m0"))
			if c.len() != n {
				t.Errorf("n=%d: removing from the original changed the clone", n)
			}
		}
	}
}

// zexec runs a command, given as words, and fails the test on an error.
func zexec(t testing.TB, e *Engine, s *Session, line string) Reply {
	t.Helper()
	var args [][]byte
	for _, w := range strings.Fields(line) {
		args = append(args, []byte(w))
	}
	r, err := e.Exec(s, args)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return r
}

// zsetEncodingOf returns the OBJECT ENCODING of key in database 0.
func zsetEncodingOf(t testing.TB, e *Engine, key string) string {
	t.Helper()
	v, ok := e.dbs[0].keys.get([]byte(key))
	if !ok {
		return "(missing)"
	}
	return v.obj.encoding()
}

// Ensure that sorted sets name the encoding Redis 7.0 gives the same
// history (each case checked against redis-server 7.0.15): a listpack
// until 128 members or a member over 64 bytes, then a skip list for good,
// while STORE results take the encoding their contents call for.
func TestZset_Encoding(t *testing.T) {
	pairs := func(n int, prefix string) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, " %d %s%d", i, prefix, i)
		}
		return b.String()
	}
	long := strings.Repeat("x", 65)
	cases := []struct {
		name  string
		lines []string
		key   string
		want  string
	}{
		{"128 members", []string{"ZADD k" + pairs(128, "m")}, "k", "listpack"},
		{"129 members", []string{"ZADD k" + pairs(129, "m")}, "k", "skiplist"},
		{"one by one past 128", []string{"ZADD k" + pairs(128, "m"), "ZADD k 0 extra"}, "k", "skiplist"},
		{"a member given 200 times", []string{"ZADD k" + strings.Repeat(" 1 a", 200)}, "k", "listpack"},
		{"200 updates", []string{"ZADD k 1 a", "ZADD k" + strings.Repeat(" 2 a", 200)}, "k", "listpack"},
		{"64-byte member", []string{"ZADD k 1 " + long[:64]}, "k", "listpack"},
		{"65-byte member", []string{"ZADD k 1 " + long}, "k", "skiplist"},
		{"long member added later", []string{"ZADD k 1 a", "ZINCRBY k 1 " + long}, "k", "skiplist"},
		{"shrunk stays a skip list", []string{"ZADD k 1 a 2 " + long, "ZREM k " + long}, "k", "skiplist"},
		{"popped stays a skip list", []string{"ZADD k" + pairs(129, "m"), "ZPOPMIN k 100"}, "k", "skiplist"},
		{"union of a small skip list", []string{"ZADD k" + pairs(129, "m"), "ZREMRANGEBYRANK k 0 100", "ZUNIONSTORE d 1 k"}, "d", "listpack"},
		{"union past 128", []string{"ZADD k" + pairs(129, "m"), "ZUNIONSTORE d 1 k"}, "d", "skiplist"},
		{"inter with a long member", []string{"ZADD k 1 " + long, "ZINTERSTORE d 1 k"}, "d", "skiplist"},
		{"diff of a shrunk long set", []string{"ZADD k 1 a 2 " + long, "ZREM k " + long, "ZDIFFSTORE d 1 k"}, "d", "listpack"},
		{"rank range of 128", []string{"ZADD k" + pairs(129, "m"), "ZRANGESTORE d k 0 127"}, "d", "listpack"},
		{"rank range of 129", []string{"ZADD k" + pairs(129, "m"), "ZRANGESTORE d k 0 128"}, "d", "skiplist"},
		{"score range limited to 128", []string{"ZADD k" + pairs(129, "m"), "ZRANGESTORE d k -inf +inf BYSCORE LIMIT 0 128"}, "d", "listpack"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := New(Options{})
			s := e.NewSession()
			for _, l := range c.lines {
				zexec(t, e, s, l)
			}
			if got := zsetEncodingOf(t, e, c.key); got != c.want {
				t.Errorf("encoding %s, want %s", got, c.want)
			}
			v, _ := e.dbs[0].keys.get([]byte(c.key))
			checkZset(t, v.obj.(*zset))
		})
	}
}

// Ensure that -0 survives only where Redis keeps it: in a skip list, and
// in a reply computed before the score was stored. A listpack stores it
// as the integer 0 (checked against redis-server 7.0.15).
func TestZset_NegativeZero(t *testing.T) {
	long := strings.Repeat("x", 65)
	e := New(Options{})
	s := e.NewSession()
	for _, c := range []struct{ cmd, want string }{
		{"ZADD small -0 a", "1"},
		{"ZSCORE small a", "0"},
		{"ZADD small INCR -0 b", "-0"},
		{"ZSCORE small b", "0"},
		{"ZADD big 1 " + long, "1"},
		{"ZADD big -0 a", "1"},
		{"ZSCORE big a", "-0"},
		{"ZADD big 0 a", "0"},
		{"ZSCORE big a", "-0"},
		{"ZUNIONSTORE d 1 big", "2"},
		{"ZSCORE d a", "-0"},
		{"ZRANGESTORE d big 0 0", "1"},
		{"ZSCORE d a", "0"},
		{"ZINTERSTORE d 1 small WEIGHTS -1", "2"},
		{"ZSCORE d a", "0"},
	} {
		r := zexec(t, e, s, c.cmd)
		got := fmt.Sprint(r)
		if d, ok := r.(Double); ok {
			got = string(formatScore(nil, float64(d)))
		}
		if got != c.want {
			t.Errorf("%s: got %s, want %s", c.cmd, got, c.want)
		}
	}
}

// Ensure that scores parse as Redis's string2d and range ends as its
// zslParseRange (both on C's strtod), each case checked against
// redis-server 7.0.15.
func TestZset_ParseScores(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true}, {"-1.5", -1.5, true}, {"+2", 2, true}, {"5.", 5, true}, {".5", 0.5, true},
		{"1e3", 1000, true}, {"1E-2", 0.01, true}, {"1e", 0, false}, {"1e+", 0, false},
		{"inf", math.Inf(1), true}, {"+inf", math.Inf(1), true}, {"-INF", math.Inf(-1), true},
		{"Infinity", math.Inf(1), true}, {"infinit", 0, false}, {"nan", 0, false}, {"-nan", 0, false},
		{"0x10", 16, true}, {"0x1.8p1", 3, true}, {"0X.8", 0.5, true}, {"0x", 0, false}, {"0xg", 0, false},
		{"", 0, false}, {" 1", 0, false}, {"1 ", 0, false}, {"1\x00", 0, false}, {"abc", 0, false},
		{"1e400", 0, false}, {"-1e400", 0, false}, {"1e-400", 0, false}, {"0e-400", 0, true},
		{"4e-320", 4e-320, true}, {"1_0", 0, false}, {"--1", 0, false}, {".", 0, false},
	} {
		got, ok := parseScore([]byte(c.in))
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("parseScore(%q) = %v %v, want %v %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for _, c := range []struct {
		in     string
		want   float64
		ex, ok bool
	}{
		{"1", 1, false, true}, {"(1", 1, true, true}, {"", 0, false, true}, {"(", 0, true, true},
		{" 1", 1, false, true}, {"( 1", 1, true, true}, {"1 ", 0, false, false}, {" ", 0, false, false},
		{"1e400", math.Inf(1), false, true}, {"1\x00junk", 1, false, true}, {"nan", 0, false, false},
		{"(nan", 0, false, false}, {"((1", 0, false, false}, {"-inf", math.Inf(-1), false, true},
	} {
		got, ex, ok := parseScoreBound([]byte(c.in))
		if ok != c.ok || (ok && (got != c.want || ex != c.ex)) {
			t.Errorf("parseScoreBound(%q) = %v %v %v, want %v %v %v", c.in, got, ex, ok, c.want, c.ex, c.ok)
		}
	}
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"0", true}, {"", true}, {"-1", true}, {"+5", true}, {"18446744073709551615", true},
		{"18446744073709551616", false}, {" 1", false}, {"1 ", false}, {"+", false}, {"x", false}, {"1\x00x", true},
	} {
		if got := validCursor([]byte(c.in)); got != c.ok {
			t.Errorf("validCursor(%q) = %v, want %v", c.in, got, c.ok)
		}
	}
}

// Ensure that scores print as Redis 7.0 prints them: %.17g in replies,
// and in ZSCAN of a listpack whole numbers within ±2^62 as integers.
func TestZset_FormatScores(t *testing.T) {
	for _, c := range []struct {
		f         float64
		reply, lp string
	}{
		{1.1, "1.1000000000000001", "1.1000000000000001"},
		{0.5, "0.5", "0.5"},
		{3, "3", "3"},
		{math.Copysign(0, -1), "-0", "0"},
		{1e20, "1e+20", "1e+20"},
		{123456789012345678, "1.2345678901234568e+17", "123456789012345680"},
		{1 << 62, "4.6116860184273879e+18", "4611686018427387904"},
		{1<<62 + 1024, "4.6116860184273889e+18", "4.6116860184273889e+18"},
		{1.5e-7, "1.4999999999999999e-07", "1.4999999999999999e-07"},
		{math.Inf(-1), "-inf", "-inf"},
	} {
		if got := string(formatScore(nil, c.f)); got != c.reply {
			t.Errorf("formatScore(%v) = %s, want %s", c.f, got, c.reply)
		}
		small := newZset()
		if got := string(small.scoreText(c.f)); got != c.lp {
			t.Errorf("listpack scoreText(%v) = %s, want %s", c.f, got, c.lp)
		}
	}
}

// Ensure that members of different scores out of lex order give, on a
// listpack, the answers Redis's element-by-element walk gives (checked
// against redis-server 7.0.15).
func TestZset_LexRangeOnListpackWalks(t *testing.T) {
	e := New(Options{})
	s := e.NewSession()
	zexec(t, e, s, "ZADD m 1 d 2 a 3 c 4 b 5 e")
	for _, c := range []struct{ cmd, want string }{
		{"ZRANGEBYLEX m [b [d", "[d a c b]"},
		{"ZRANGEBYLEX m (a [c", "[]"},
		{"ZREVRANGEBYLEX m [d [b", "[b c]"},
		{"ZREVRANGEBYLEX m [c (a", "[]"},
		{"ZRANGEBYLEX m [a +", "[d a c b e]"},
		{"ZREVRANGEBYLEX m + [c", "[e]"},
		{"ZLEXCOUNT m [a +", "5"},
		{"ZLEXCOUNT m [b [d", "4"},
		{"ZREMRANGEBYLEX m - [c", "0"},
		{"ZREMRANGEBYLEX m [a [c", "0"},
		{"ZCARD m", "5"},
	} {
		r := zexec(t, e, s, c.cmd)
		got := fmt.Sprint(r)
		if b, ok := r.(Bulks); ok {
			got = fmt.Sprintf("%s", [][]byte(b))
		}
		if got != c.want {
			t.Errorf("%s: got %s, want %s", c.cmd, got, c.want)
		}
	}
}

// Ensure that ZSetValue and ZMembers carry a set to and from snapshots in
// ascending order, with the encoding Redis gives a loaded set.
func TestZset_ValueView(t *testing.T) {
	v := ZSetValue([][]byte{[]byte("b"), []byte("a"), []byte("c"), []byte("a")}, []float64{2, 5, math.Copysign(0, -1), 1})
	if v.Kind() != KindZSet || v.Len() != 3 || v.v.obj.encoding() != "listpack" {
		t.Fatalf("kind %v len %d encoding %s", v.Kind(), v.Len(), v.v.obj.encoding())
	}
	var got []string
	err := v.ZMembers(func(m []byte, s float64) error {
		got = append(got, fmt.Sprintf("%s=%s", m, formatScore(nil, s)))
		return nil
	})
	if err != nil || strings.Join(got, " ") != "c=0 a=1 b=2" {
		t.Errorf("ZMembers: %v %v", got, err)
	}
	stop := errors.New("stop")
	n := 0
	if err := v.ZMembers(func([]byte, float64) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("ZMembers did not stop at the first error: %v after %d", err, n)
	}
	members := make([][]byte, 200)
	scores := make([]float64, 200)
	for i := range members {
		members[i] = []byte(fmt.Sprint(i))
		scores[i] = float64(-i)
	}
	big := ZSetValue(members, scores)
	if big.v.obj.encoding() != "skiplist" {
		t.Errorf("200 members: encoding %s", big.v.obj.encoding())
	}
	checkZset(t, big.v.obj.(*zset))
}

// Ensure that every sorted set command, given random arguments (options,
// numbers, ranges and garbage in any order), answers without panicking,
// fails only with an *Error, and leaves every set's invariants intact.
func TestZset_RandomArgumentsNeverBreakIt(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	words := []string{"k1", "k2", "str", "missing", "0", "1", "-1", "2", "3", "10", "-0", "1.5", "inf", "-inf", "(1", "(inf",
		"[a", "(b", "-", "+", "nan", "x", "a", "b", "c", "NX", "XX", "GT", "LT", "CH", "INCR", "BYSCORE", "BYLEX", "REV",
		"LIMIT", "WITHSCORES", "WEIGHTS", "AGGREGATE", "SUM", "MIN", "MAX", "COUNT", "MATCH", "*", "9223372036854775807",
		"-9223372036854775808", "", strings.Repeat("y", 70)}
	var names []string
	for _, c := range Commands() {
		if c.Group == "sorted_set" && c.Flags&Blocking == 0 { // a blocking pop on nothing would wait forever
			names = append(names, c.Name)
		}
	}
	e := New(Options{})
	s := e.NewSession()
	zexec(t, e, s, "SET str v")
	okCount := 0
	for i := 0; i < 20000; i++ {
		args := [][]byte{[]byte(names[rng.Intn(len(names))]), []byte([]string{"k1", "k2", "1", "2"}[rng.Intn(4)])}
		for j := rng.Intn(8); j > 0; j-- {
			args = append(args, []byte(words[rng.Intn(len(words))]))
		}
		if rng.Intn(4) == 0 {
			args = append(args, []byte(fmt.Sprint(rng.Intn(5))), []byte(fmt.Sprintf("m%d", rng.Intn(300))))
		}
		if _, err := e.Exec(s, args); err == nil {
			okCount++
		} else {
			var ee *Error
			if !errors.As(err, &ee) {
				t.Fatalf("%q: error %v is not an *Error", args, err)
			}
		}
		if i%500 == 0 {
			zexec(t, e, s, "ZADD k1"+strings.Repeat(fmt.Sprintf(" %d m%d", i%7, i), 1)+" 1 a 2 b 0 c")
		}
	}
	t.Logf("%d of 20000 commands succeeded", okCount)
	e.dbs[0].keys.each(func(k []byte, v value) bool {
		if z, ok := v.obj.(*zset); ok {
			checkZset(t, z)
			if z.len() == 0 {
				t.Errorf("%s: an empty sorted set was kept", k)
			}
		}
		return true
	})
}

// zjournal records what the engine journals.
type zjournal struct{ lines []string }

func (j *zjournal) Append(db int, args [][]byte) error {
	j.lines = append(j.lines, fmt.Sprintf("%s", args))
	return nil
}

// Ensure that writes that changed nothing are not journaled and that
// ZMPOP journals the ZPOPMIN or ZPOPMAX of the key it chose, as Redis
// replicates it.
func TestZset_Journal(t *testing.T) {
	j := &zjournal{}
	e := New(Options{Journal: j})
	s := e.NewSession()
	for _, line := range []string{
		"ZADD k 1 a 2 b 3 c", "ZADD k XX 5 nothere", "ZADD k NX 9 a", "ZADD k 1 a", "ZINCRBY k 0.5 a",
		"ZMPOP 2 missing k MAX COUNT 2", "ZMPOP 1 missing MIN", "ZREM k nothere", "ZPOPMIN k 5", "ZPOPMIN k",
		"ZUNIONSTORE d 1 missing", "ZRANGESTORE d missing 0 -1",
	} {
		zexec(t, e, s, line)
	}
	want := []string{"[ZADD k 1 a 2 b 3 c]", "[ZINCRBY k 0.5 a]", "[ZPOPMAX k 2]", "[ZPOPMIN k 5]"}
	if !slices.Equal(j.lines, want) {
		t.Errorf("journal:\n got %q\nwant %q", j.lines, want)
	}
}
