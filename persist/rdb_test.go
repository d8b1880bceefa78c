package persist_test

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
)

// item is one key's contents in a form that compares across engines and
// real Redis.
type item struct {
	Kind     engine.Kind
	Str      string
	List     []string
	Hash     map[string]string
	Set      []string // sorted
	ZSet     []zm     // ascending by score, then member
	ExpireAt int64    // unix ms; 0: none
	Enc      string   // OBJECT ENCODING of a collection, when known; compared only when both sides know it
}

// zm is a sorted set member and its score.
type zm struct {
	Member string
	Score  float64
}

// setItem returns a set of members, which may repeat.
func setItem(members ...string) item {
	s := slices.Clone(members)
	slices.Sort(s)
	return item{Kind: engine.KindSet, Set: slices.Compact(s)}
}

// zsetItem returns a sorted set from alternating members and scores.
func zsetItem(pairs ...any) item {
	it := item{Kind: engine.KindZSet}
	for i := 0; i < len(pairs); i += 2 {
		it.ZSet = append(it.ZSet, zm{pairs[i].(string), pairs[i+1].(float64)})
	}
	sortZ(it.ZSet)
	return it
}

func sortZ(z []zm) {
	slices.SortFunc(z, func(a, b zm) int {
		if a.Score != b.Score {
			return cmp.Compare(a.Score, b.Score)
		}
		return strings.Compare(a.Member, b.Member)
	})
}

type dbKey struct {
	DB  int
	Key string
}

// dataset is the whole contents of a database server.
type dataset map[dbKey]item

// testNow is the clock of engines built by newEngine.
var testNow = time.UnixMilli(1_700_000_000_123)

func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	return engine.New(engine.Options{Now: func() time.Time { return testNow }})
}

func (it item) value() engine.Value {
	switch it.Kind {
	case engine.KindList:
		elems := make([][]byte, len(it.List))
		for i, s := range it.List {
			elems[i] = []byte(s)
		}
		return engine.ListValue(elems)
	case engine.KindHash:
		var pairs [][]byte
		for f, v := range it.Hash {
			pairs = append(pairs, []byte(f), []byte(v))
		}
		return engine.HashValue(pairs)
	case engine.KindSet:
		members := make([][]byte, len(it.Set))
		for i, m := range it.Set {
			members[i] = []byte(m)
		}
		return engine.SetValue(members)
	case engine.KindZSet:
		members := make([][]byte, len(it.ZSet))
		scores := make([]float64, len(it.ZSet))
		for i, m := range it.ZSet {
			members[i], scores[i] = []byte(m.Member), m.Score
		}
		return engine.ZSetValue(members, scores)
	}
	return engine.StringValue([]byte(it.Str))
}

// fill puts every key of data into e.
func fill(t testing.TB, e *engine.Engine, data dataset) {
	t.Helper()
	for k, it := range data {
		if err := e.Put(k.DB, k.Key, it.value(), it.ExpireAt); err != nil {
			t.Fatalf("put %v: %v", k, err)
		}
	}
}

func itemOf(v engine.Value, expireAt int64) item {
	it := item{Kind: v.Kind(), ExpireAt: expireAt}
	switch it.Kind {
	case engine.KindString:
		it.Str = string(v.Bytes())
	case engine.KindList:
		it.List = []string{}
		v.Elems(func(b []byte) error { it.List = append(it.List, string(b)); return nil })
	case engine.KindHash:
		it.Hash = map[string]string{}
		v.Pairs(func(f string, b []byte) error { it.Hash[f] = string(b); return nil })
	case engine.KindSet:
		it.Set = []string{}
		v.Members(func(m []byte) error { it.Set = append(it.Set, string(m)); return nil })
		slices.Sort(it.Set)
	case engine.KindZSet:
		v.ZMembers(func(m []byte, score float64) error { it.ZSet = append(it.ZSet, zm{string(m), score}); return nil })
	}
	if it.Kind != engine.KindString {
		it.Enc = v.Encoding()
	}
	return it
}

// dump returns everything in a snapshot.
func dump(t testing.TB, s *engine.Snapshot) dataset {
	t.Helper()
	got := dataset{}
	for i := range s.DBs() {
		err := s.Each(i, func(key string, v engine.Value, expireAt int64) error {
			got[dbKey{i, key}] = itemOf(v, expireAt)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// compare reports every difference between two datasets.
func compare(t testing.TB, got, want dataset) {
	t.Helper()
	n := 0
	report := func(format string, args ...any) {
		t.Helper()
		if n++; n <= 10 {
			t.Errorf(format, args...)
		}
	}
	for _, k := range sortedKeys(want) {
		w := want[k]
		g, ok := got[k]
		switch {
		case !ok:
			report("db %d key %.40q: missing", k.DB, k.Key)
		case g.Kind != w.Kind:
			report("db %d key %.40q: type %v, want %v", k.DB, k.Key, g.Kind, w.Kind)
		case g.ExpireAt != w.ExpireAt:
			report("db %d key %.40q: expires at %d, want %d", k.DB, k.Key, g.ExpireAt, w.ExpireAt)
		case g.Str != w.Str:
			report("db %d key %.40q: value %s, want %s", k.DB, k.Key, short(g.Str), short(w.Str))
		case !slices.Equal(g.List, w.List):
			report("db %d key %.40q: list of %d elements differs from the %d wanted", k.DB, k.Key, len(g.List), len(w.List))
		case !maps.Equal(g.Hash, w.Hash):
			report("db %d key %.40q: hash of %d fields differs from the %d wanted", k.DB, k.Key, len(g.Hash), len(w.Hash))
		case !slices.Equal(g.Set, w.Set):
			report("db %d key %.40q: set of %d members differs from the %d wanted", k.DB, k.Key, len(g.Set), len(w.Set))
		case !slices.Equal(g.ZSet, w.ZSet):
			report("db %d key %.40q: sorted set of %d members differs from the %d wanted: %.200v", k.DB, k.Key, len(g.ZSet), len(w.ZSet), diffZ(g.ZSet, w.ZSet))
		case g.Enc != "" && w.Enc != "" && g.Enc != w.Enc:
			report("db %d key %.40q: encoding %s, want %s", k.DB, k.Key, g.Enc, w.Enc)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			report("db %d key %.40q: not wanted", k.DB, k.Key)
		}
	}
	if n > 10 {
		t.Errorf("... and %d more differences", n-10)
	}
}

// diffZ describes the first difference between two sorted sets.
func diffZ(got, want []zm) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("at %d: %q %v, want %q %v", i, got[i].Member, got[i].Score, want[i].Member, want[i].Score)
		}
	}
	return "one is longer"
}

func short(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%q... (%d bytes)", s[:40], len(s))
	}
	return strconv.Quote(s)
}

func sortedKeys(d dataset) []dbKey {
	keys := slices.Collect(maps.Keys(d))
	slices.SortFunc(keys, func(a, b dbKey) int {
		if a.DB != b.DB {
			return a.DB - b.DB
		}
		return strings.Compare(a.Key, b.Key)
	})
	return keys
}

// encode returns the RDB encoding of e's contents.
func encode(t testing.TB, e *engine.Engine) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := persist.Encode(&buf, e.Snapshot()); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

// decode loads an RDB file into a new engine.
func decode(t testing.TB, b []byte) (*engine.Engine, persist.Info) {
	t.Helper()
	e := newEngine(t)
	info, err := persist.Decode(bytes.NewReader(b), e.Put)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return e, info
}

// edgeStrings are values that exercise every string encoding.
func edgeStrings() []string {
	r := rand.New(rand.NewPCG(7, 7))
	random := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return string(b)
	}
	return []string{
		"", "a", "12", "-5", "007", "1e3", "-0", "+1", " 1", "1 ", "0", "00",
		"127", "128", "-128", "-129", "32767", "32768", "-32768", "-32769",
		"2147483647", "2147483648", "-2147483648", "-2147483649",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
		"3.14", "\x00", "\x00\xff\r\n\t", random(30), random(1000),
		strings.Repeat("abc", 7), strings.Repeat("abc", 8), // 21 and 24 bytes: LZF begins above 20
		strings.Repeat("compressible ", 5000), random(100 << 10), random(20) + strings.Repeat("z", 100<<10),
	}
}

// edgeDataset holds every kind of value in several databases, with TTLs.
func edgeDataset(now int64) dataset {
	d := dataset{}
	strs := edgeStrings()
	for i, s := range strs {
		d[dbKey{0, "s:" + strconv.Itoa(i)}] = item{Kind: engine.KindString, Str: s}
		d[dbKey{1, s}] = item{Kind: engine.KindString, Str: strconv.Itoa(i)} // the edge cases as keys
	}
	d[dbKey{0, "list:edges"}] = item{Kind: engine.KindList, List: strs}
	d[dbKey{0, "list:one"}] = item{Kind: engine.KindList, List: []string{"x"}}
	d[dbKey{0, "list:empty-element"}] = item{Kind: engine.KindList, List: []string{""}}
	long := make([]string, 10000)
	for i := range long {
		long[i] = strconv.Itoa(i*7919 - 30000)
		if i%3 == 0 {
			long[i] = "element-" + long[i]
		}
	}
	d[dbKey{0, "list:long"}] = item{Kind: engine.KindList, List: long}
	d[dbKey{0, "list:big-elements"}] = item{Kind: engine.KindList, List: []string{"a", strings.Repeat("b", 9000), "c", strings.Repeat("d", 70000), strings.Repeat("e", 8180)}}
	h := map[string]string{}
	for i, s := range strs {
		h[s] = strconv.Itoa(i)
		h["v"+strconv.Itoa(i)] = s
	}
	d[dbKey{0, "hash:edges"}] = item{Kind: engine.KindHash, Hash: h}
	d[dbKey{0, "hash:small"}] = item{Kind: engine.KindHash, Hash: map[string]string{"f": "v", "n": "42"}}
	big := map[string]string{}
	for i := range 5000 {
		big["field:"+strconv.Itoa(i)] = strings.Repeat("v", i%100)
	}
	d[dbKey{0, "hash:big"}] = item{Kind: engine.KindHash, Hash: big}
	d[dbKey{3, "ttl:string"}] = item{Kind: engine.KindString, Str: "soon", ExpireAt: now + 1}
	d[dbKey{3, "ttl:list"}] = item{Kind: engine.KindList, List: []string{"1", "2"}, ExpireAt: now + 86_400_000}
	d[dbKey{3, "ttl:hash"}] = item{Kind: engine.KindHash, Hash: map[string]string{"a": "b"}, ExpireAt: now + 365*86_400_000}
	d[dbKey{3, "no-ttl"}] = item{Kind: engine.KindString, Str: "forever"}
	d[dbKey{15, "last db"}] = item{Kind: engine.KindString, Str: "15"}
	for k, it := range thresholdDataset() {
		d[k] = it
	}
	return d
}

// thresholdDataset holds sets, sorted sets and hashes on both sides of
// every limit where Redis 7.0 changes their encoding (512 intset entries,
// 128 sorted set listpack entries, 128 or 512 hash listpack entries as
// redis.conf or the built-in default says, 64-byte listpack values), every intset width,
// scores of every kind, and values over a megabyte.
func thresholdDataset() dataset {
	d := dataset{}
	ints := func(n int, f func(i int) int64) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = strconv.FormatInt(f(i), 10)
		}
		return out
	}
	for _, n := range []int{1, 511, 512, 513} {
		d[dbKey{4, "set:ints:" + strconv.Itoa(n)}] = setItem(ints(n, func(i int) int64 { return int64(i*37 - 5000) })...)
	}
	d[dbKey{4, "set:int16"}] = setItem("-32768", "0", "32767")
	d[dbKey{4, "set:int32"}] = setItem("-32769", "5", "2147483647")
	d[dbKey{4, "set:int64"}] = setItem("-9223372036854775808", "1", "2147483648", "9223372036854775807")
	d[dbKey{4, "set:not-canonical"}] = setItem("1", "007", "-0", "+5")
	d[dbKey{4, "set:mixed"}] = setItem(append(ints(100, func(i int) int64 { return int64(i) }), "member")...)
	d[dbKey{4, "set:edges"}] = setItem(edgeStrings()...)
	d[dbKey{4, "set:big"}] = setItem(ints(5000, func(i int) int64 { return int64(i) * 1000003 })...)

	members := func(n, width int) []any {
		out := make([]any, 0, 2*n)
		for i := range n {
			m := fmt.Sprintf("m%0*d", width-1, i)
			out = append(out, m, float64(i%17)*1.5)
		}
		return out
	}
	for _, n := range []int{1, 128, 129, 1000} {
		d[dbKey{5, "zset:" + strconv.Itoa(n)}] = zsetItem(members(n, 8)...)
	}
	d[dbKey{5, "zset:member64"}] = zsetItem(members(3, 64)...)
	d[dbKey{5, "zset:member65"}] = zsetItem(members(3, 65)...)
	scores := []float64{
		math.Inf(-1), math.Inf(1), 0, 0.1, -2.5, 1e300, -1e-300, 5e-324, math.MaxFloat64,
		1 << 53, 1<<53 + 2, math.MaxInt64 / 2, math.MaxInt64/2 + 1024, 1 << 62, -(1 << 62), 1e18, 123456789012345678,
	}
	var pairs []any
	for i, f := range scores {
		pairs = append(pairs, "score:"+strconv.Itoa(i), f)
	}
	d[dbKey{5, "zset:scores"}] = zsetItem(pairs...)
	big := slices.Clone(pairs)
	for i := range 200 {
		big = append(big, "filler:"+strconv.Itoa(i), float64(i))
	}
	d[dbKey{5, "zset:scores-skiplist"}] = zsetItem(big...)
	var edges []any
	for i, m := range edgeStrings() {
		edges = append(edges, m, float64(i))
	}
	d[dbKey{5, "zset:edges"}] = zsetItem(edges...)

	fields := func(n, vlen int) map[string]string {
		h := map[string]string{}
		for i := range n {
			h["f"+strconv.Itoa(i)] = strings.Repeat("v", vlen)
		}
		return h
	}
	for _, n := range []int{128, 129, 512, 513} {
		d[dbKey{6, "hash:" + strconv.Itoa(n)}] = item{Kind: engine.KindHash, Hash: fields(n, 5)}
	}
	d[dbKey{6, "hash:value64"}] = item{Kind: engine.KindHash, Hash: fields(3, 64)}
	d[dbKey{6, "hash:value65"}] = item{Kind: engine.KindHash, Hash: fields(3, 65)}
	d[dbKey{6, "hash:field65"}] = item{Kind: engine.KindHash, Hash: map[string]string{strings.Repeat("f", 65): "v", "n": "1"}}

	r := rand.New(rand.NewPCG(3, 3))
	huge := make([]byte, 3<<20/2)
	for i := range huge {
		huge[i] = byte(r.Uint32())
	}
	d[dbKey{7, "big:string"}] = item{Kind: engine.KindString, Str: string(huge)}
	d[dbKey{7, "big:list"}] = item{Kind: engine.KindList, List: []string{"a", string(huge[:1<<20+1]), "b"}}
	d[dbKey{7, "big:set"}] = setItem("a", string(huge[1:1<<20+2]))
	d[dbKey{7, "big:zset"}] = zsetItem("a", 1.0, string(huge[2:1<<20+3]), 2.0)
	d[dbKey{7, "big:hash"}] = item{Kind: engine.KindHash, Hash: map[string]string{"f": string(huge[3 : 1<<20+4])}}
	var text strings.Builder
	for i := 0; text.Len() < 2<<20; i++ {
		fmt.Fprintf(&text, "line %d of a compressible value\n", i)
	}
	d[dbKey{7, "big:compressible"}] = item{Kind: engine.KindString, Str: text.String()}
	d[dbKey{7, "big:compressible-list"}] = item{Kind: engine.KindList, List: []string{text.String()[:1<<20+5], "tail"}}
	for db := range 16 {
		d[dbKey{db, "db:" + strconv.Itoa(db)}] = item{Kind: engine.KindString, Str: strconv.Itoa(db)}
	}
	return d
}

// engineHashMax is the engine's hash-max-listpack-entries: 128 as in
// Redis's shipped redis.conf, or 512, Redis 7.0's built-in default.
func engineHashMax() int {
	for _, n := range []int{128, 512} {
		pairs := make([][]byte, 0, 2*(n+1))
		for i := range n + 1 {
			pairs = append(pairs, []byte("f"+strconv.Itoa(i)), []byte("v"))
		}
		if engine.HashValue(pairs).Encoding() == "hashtable" {
			return n
		}
	}
	panic("the engine keeps hashes of 513 fields as listpacks")
}

// randomString draws a value from a mix of the shapes that matter to
// the encoder: short text, integers, binary, compressible runs.
func randomString(r *rand.Rand) string {
	switch r.IntN(10) {
	case 0:
		return strconv.FormatInt(r.Int64N(1<<40)-1<<39, 10)
	case 1:
		return strconv.Itoa(r.IntN(300) - 150)
	case 2:
		return []string{"", "007", "-0", "1e3", "+5", "9223372036854775807", "-9223372036854775808"}[r.IntN(7)]
	case 3:
		b := make([]byte, r.IntN(100))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return string(b)
	case 4:
		return strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(5000))
	case 5:
		if r.IntN(20) == 0 {
			b := make([]byte, 1000+r.IntN(30000))
			for i := range b {
				b[i] = "abcdefgh"[r.IntN(8)]
			}
			return string(b)
		}
	}
	return "value:" + strconv.Itoa(r.IntN(1e6))
}

// randomScore draws a score: small integers, fractions, huge and tiny
// magnitudes, infinities.
func randomScore(r *rand.Rand) float64 {
	switch r.IntN(6) {
	case 0:
		return float64(r.IntN(100) - 50)
	case 1:
		return r.Float64()*200 - 100
	case 2:
		return math.Ldexp(r.Float64(), r.IntN(2000)-1000)
	case 3:
		return []float64{math.Inf(1), math.Inf(-1), 0, 1 << 62, -(1 << 62), math.MaxInt64 / 2}[r.IntN(6)]
	}
	return float64(r.Int64N(1<<40) - 1<<39)
}

func randPCG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(42, seed)) }

// randomDataset returns up to n keys of random types in random databases.
func randomDataset(r *rand.Rand, n int, now int64) dataset {
	d := dataset{}
	for range r.IntN(n + 1) {
		k := dbKey{r.IntN(16), randomString(r)}
		if r.IntN(4) == 0 {
			k.DB = 0
		}
		var it item
		switch r.IntN(5) {
		case 0:
			it = item{Kind: engine.KindString, Str: randomString(r)}
		case 1:
			it = item{Kind: engine.KindList}
			for range 1 + r.IntN([]int{3, 30, 3000}[r.IntN(3)]) {
				it.List = append(it.List, randomString(r))
			}
		case 2:
			it = item{Kind: engine.KindHash, Hash: map[string]string{}}
			for range 1 + r.IntN([]int{3, 30, 300}[r.IntN(3)]) {
				it.Hash[randomString(r)] = randomString(r)
			}
		case 3:
			var members []string
			ints := r.IntN(2) == 0
			for range 1 + r.IntN([]int{3, 30, 600}[r.IntN(3)]) {
				if ints {
					members = append(members, strconv.FormatInt(r.Int64N(1<<(8*(1+r.IntN(7))))-1000, 10))
				} else {
					members = append(members, randomString(r))
				}
			}
			it = setItem(members...)
		case 4:
			var pairs []any
			seen := map[string]bool{}
			for range 1 + r.IntN([]int{3, 30, 300}[r.IntN(3)]) {
				m := randomString(r)
				if !seen[m] {
					seen[m] = true
					pairs = append(pairs, m, randomScore(r))
				}
			}
			it = zsetItem(pairs...)
		}
		if r.IntN(3) == 0 {
			it.ExpireAt = now + 1 + r.Int64N(1e10)
		}
		d[k] = it
	}
	return d
}

// Ensure that what Encode writes, Decode reads back unchanged.
func TestEncodeDecode_RoundTrip(t *testing.T) {
	now := testNow.UnixMilli()
	tests := []struct {
		name string
		data dataset
	}{
		{"empty", dataset{}},
		{"one string", dataset{{0, "k"}: {Kind: engine.KindString, Str: "v"}}},
		{"edge cases", edgeDataset(now)},
		{"random", randomDataset(rand.New(rand.NewPCG(1, 1)), 300, now)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t)
			fill(t, e, tt.data)
			compare(t, dump(t, e.Snapshot()), tt.data)
			b := encode(t, e)
			got, info := decode(t, b)
			compare(t, dump(t, got.Snapshot()), tt.data)
			compare(t, dump(t, got.Snapshot()), dump(t, e.Snapshot())) // encodings too
			if info.Version != 10 || info.Keys != len(tt.data) {
				t.Errorf("info = version %d, %d keys; want 10, %d", info.Version, info.Keys, len(tt.data))
			}
			if info.Aux["redis-ver"] != engine.RedisVersion || info.Aux["redis-bits"] != "64" ||
				info.Aux["ctime"] != strconv.FormatInt(testNow.Unix(), 10) {
				t.Errorf("aux = %v", info.Aux)
			}
			again, _ := decode(t, encode(t, got))
			compare(t, dump(t, again.Snapshot()), tt.data)
		})
	}
}

// Ensure that random datasets round-trip, over many seeded iterations.
func TestEncodeDecode_Random(t *testing.T) {
	iterations := 200
	if testing.Short() {
		iterations = 20
	}
	now := testNow.UnixMilli()
	for i := range iterations {
		r := randPCG(uint64(i))
		data := randomDataset(r, 20, now)
		e := newEngine(t)
		fill(t, e, data)
		got, _ := decode(t, encode(t, e))
		compare(t, dump(t, got.Snapshot()), data)
		if t.Failed() {
			t.Fatalf("iteration %d failed", i)
		}
	}
}

// Ensure that keys expired at snapshot time and empty aggregates are not
// written, and that a file's past expiry times drop keys on load.
func TestEncode_Skips(t *testing.T) {
	now := testNow.UnixMilli()
	e := newEngine(t)
	fill(t, e, dataset{
		{0, "live"}:       {Kind: engine.KindString, Str: "x", ExpireAt: now + 1000},
		{0, "empty list"}: {Kind: engine.KindList},
		{0, "empty hash"}: {Kind: engine.KindHash, Hash: map[string]string{}},
	})
	b := encode(t, e)
	got, info := decode(t, b)
	want := dataset{{0, "live"}: {Kind: engine.KindString, Str: "x", ExpireAt: now + 1000}}
	compare(t, dump(t, got.Snapshot()), want)
	if info.Keys != 1 {
		t.Errorf("file holds %d keys, want 1", info.Keys)
	}

	// Loaded later, the key has expired and is dropped by the engine.
	later := engine.New(engine.Options{Now: func() time.Time { return testNow.Add(time.Hour) }})
	if _, err := persist.Decode(bytes.NewReader(b), later.Put); err != nil {
		t.Fatal(err)
	}
	compare(t, dump(t, later.Snapshot()), dataset{})
}

func TestDecode_Corrupt(t *testing.T) {
	now := testNow.UnixMilli()
	e := newEngine(t)
	fill(t, e, dataset{
		{0, "str"}:  {Kind: engine.KindString, Str: "hello"},
		{0, "list"}: {Kind: engine.KindList, List: []string{"a", "b", "300"}},
		{2, "hash"}: {Kind: engine.KindHash, Hash: map[string]string{"f": "v"}, ExpireAt: now + 5000},
	})
	good := encode(t, e)
	withCRC0 := func(b []byte) []byte {
		b = bytes.Clone(b)
		copy(b[len(b)-8:], make([]byte, 8))
		return b
	}
	header := []byte("REDIS0010")
	tests := []struct {
		name   string
		in     []byte
		offset int64  // where the error must be found; -1: anywhere
		want   error  // errors.Is target, if any
		msg    string // substring of the message
	}{
		{"empty", nil, 0, nil, "not an RDB file"},
		{"bad magic", []byte("RODIS0010\xff"), 0, nil, `starts with "RODIS"`},
		{"bad version", []byte("REDIS00x0\xff"), 5, nil, "bad RDB version"},
		{"future version", []byte("REDIS0013\xff"), 5, nil, "version 13 is not supported"},
		{"no EOF", header, 9, io.ErrUnexpectedEOF, "unexpected end of file"},
		{"truncated checksum", good[:len(good)-3], int64(len(good) - 3), io.ErrUnexpectedEOF, "unexpected end"},
		{"bad checksum", append(bytes.Clone(good[:len(good)-1]), good[len(good)-1]^1), int64(len(good) - 8), persist.ErrChecksum, "checksum mismatch"},
		{"changed byte", bytes.Replace(good, []byte("hello"), []byte("jello"), 1), int64(len(good) - 8), persist.ErrChecksum, "checksum"},
		{"unknown type", append(bytes.Clone(header), 99, 1, 'k'), 9, nil, "unknown value type 99"},
		{"set member twice", append(bytes.Clone(header), 2, 3, 'k', 'e', 'y', 2, 1, 'm', 1, 'm'), 14, nil, `key "key": set of 2 members holds 1 duplicates`},
		{"intset width", append(bytes.Clone(header), 11, 1, 'k', 10, 3, 0, 0, 0, 1, 0, 0, 0, 7, 0), 13, nil, "intset width 3"},
		{"intset order", append(bytes.Clone(header), 11, 1, 'k', 12, 2, 0, 0, 0, 2, 0, 0, 0, 7, 0, 7, 0), 23, nil, "not in strictly ascending order"},
		{"intset length", append(bytes.Clone(header), 11, 1, 'k', 10, 2, 0, 0, 0, 2, 0, 0, 0, 7, 0), 17, nil, "should take 12 bytes"},
		{"zset NaN", append(bytes.Clone(header), 3, 1, 'z', 1, 1, 'm', 253), 12, nil, `member "m" has a score that is not a number`},
		{"zset text score", append(bytes.Clone(header), 3, 1, 'z', 1, 1, 'm', 2, 'x', 'y'), 15, nil, `bad score "xy"`},
		{"zset member twice", append(bytes.Clone(header), 5, 1, 'z', 2, 1, 'm', 0, 0, 0, 0, 0, 0, 0, 0, 1, 'm', 0, 0, 0, 0, 0, 0, 0, 0), 12, nil, "holds 1 duplicates"},
		{"odd zset listpack", append(bytes.Clone(header), 17, 1, 'k', 9, 9, 0, 0, 0, 1, 0, 1, 1, 0xFF), 13, nil, "odd number"},
		{"stream", append(bytes.Clone(header), 21, 1, 's'), 9, persist.ErrUnsupportedType, `key "s" in database 0 holds a stream (RDB type 21, listpacks)`},
		{"module", append(bytes.Clone(header), 7, 1, 'm'), 9, persist.ErrUnsupportedType, `key "m" in database 0 holds a module (RDB type 7`},
		{"hash with field expiry", append(bytes.Clone(header), 24, 1, 'h'), 9, persist.ErrUnsupportedType, `key "h" in database 0 holds a hash (RDB type 24, hash table with field expiry)`},
		{"huge string length", append(bytes.Clone(header), 0, 0x81, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 10, nil, "string length 9223372036854775807 is too large"},
		{"4 GiB string in a short file", append(bytes.Clone(header), 0, 1, 'k', 0x80, 0xff, 0xff, 0xff, 0xf0, 'a'), 18, io.ErrUnexpectedEOF, "unexpected end"},
		{"huge list", append(bytes.Clone(header), 1, 1, 'k', 0x81, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 12, nil, "list length 9223372036854775807 is too large"},
		{"4 billion list elements", append(bytes.Clone(header), 1, 1, 'k', 0x80, 0xff, 0xff, 0xff, 0xf0, 1, 'a'), 19, io.ErrUnexpectedEOF, "unexpected end"},
		{"bad length encoding", append(bytes.Clone(header), 0, 1, 'k', 0x82), 12, nil, "bad length encoding 0x82"},
		{"bad string encoding", append(bytes.Clone(header), 0, 1, 'k', 0xC5), 12, nil, "unknown string encoding 5"},
		{"LZF lengths", append(bytes.Clone(header), 0, 1, 'k', 0xC3, 2, 0x80, 0, 0x10, 0, 0, 1, 'a'), 12, nil, "bad LZF uncompressed length"},
		{"LZF data", append(bytes.Clone(header), 0, 1, 'k', 0xC3, 2, 5, 3, 'a'), 15, nil, "LZF literal run"},
		{"bad listpack", append(bytes.Clone(header), 18, 1, 'k', 1, 2, 8, 7, 0, 0, 0, 1, 0, 0xF9, 0xFF), 15, nil, "listpack header says 7 bytes, the string holds 8"},
		{"bad listpack entry", append(bytes.Clone(header), 18, 1, 'k', 1, 2, 8, 8, 0, 0, 0, 1, 0, 0xF9, 0xFF), 21, nil, "bad listpack entry encoding 0xf9"},
		{"bad quicklist container", append(bytes.Clone(header), 18, 1, 'k', 1, 3), 13, nil, "bad quicklist node container 3"},
		{"odd hash listpack", append(bytes.Clone(header), 16, 1, 'k', 9, 9, 0, 0, 0, 1, 0, 1, 1, 0xFF), 13, nil, "odd number"},
		{"function", append(append(bytes.Clone(header), 245, 24), "#!lua name=mylib\nreturn 1"...), 9, persist.ErrUnsupportedType, `function library "mylib" (FUNCTION LOAD) is stored here`},
		{"pre-GA function", append(append(bytes.Clone(header), 246, 3), "lib\x03LUA\x00\x08return 1"...), 9, persist.ErrUnsupportedType, `function library "lib"`},
		{"database out of range", append(bytes.Clone(header), 254, 20, 0, 1, 'k', 1, 'v'), 11, nil, `key "k": database 20 out of range`},
	}
	tests = append(tests, struct {
		name   string
		in     []byte
		offset int64
		want   error
		msg    string
	}{"zero checksum is accepted", withCRC0(good), 0, nil, ""})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := persist.Decode(bytes.NewReader(tt.in), newEngine(t).Put)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			var fe *persist.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FormatError", err)
			}
			if tt.offset >= 0 && fe.Offset != tt.offset {
				t.Errorf("offset = %d, want %d (%v)", fe.Offset, tt.offset, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want one wrapping %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to say %q", err, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("byte %d: ", fe.Offset)) {
				t.Errorf("err = %q does not start with its offset", err)
			}
		})
	}
}

// Ensure that a file cut short anywhere, or with any one byte changed, is
// refused with a FormatError, never a panic or a silent success.
func TestDecode_EveryTruncationAndFlip(t *testing.T) {
	e := newEngine(t)
	fill(t, e, edgeDataset(testNow.UnixMilli()))
	small := newEngine(t)
	fill(t, small, dataset{
		{0, "s"}:             {Kind: engine.KindString, Str: strings.Repeat("ab", 30)},
		{0, "n"}:             {Kind: engine.KindString, Str: "123456"},
		{1, "l"}:             {Kind: engine.KindList, List: []string{"x", "42", strings.Repeat("y", 70)}},
		{1, "h"}:             {Kind: engine.KindHash, Hash: map[string]string{"f": "v"}, ExpireAt: testNow.UnixMilli() + 10},
		{2, "long key....."}: {Kind: engine.KindString, Str: ""},
	})
	b := encode(t, small)
	for n := range len(b) {
		_, err := persist.Decode(bytes.NewReader(b[:n]), func(int, string, engine.Value, int64) error { return nil })
		var fe *persist.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("truncated to %d bytes: err = %v, want a FormatError", n, err)
		}
		if fe.Offset > int64(n) {
			t.Fatalf("truncated to %d bytes: error at byte %d", n, fe.Offset)
		}
	}
	for i := range len(b) {
		for _, mask := range []byte{1, 0x80, 0xff} {
			c := bytes.Clone(b)
			c[i] ^= mask
			_, err := persist.Decode(bytes.NewReader(c), func(int, string, engine.Value, int64) error { return nil })
			var fe *persist.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("byte %d ^ %#x: err = %v, want a FormatError", i, mask, err)
			}
		}
	}
	big := encode(t, e)
	for _, n := range []int{len(big) / 3, len(big) / 2, len(big) - 9} {
		if _, err := persist.Decode(bytes.NewReader(big[:n]), newEngine(t).Put); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("truncated to %d bytes: err = %v", n, err)
		}
	}
}

// oneByteReader returns one byte per Read, to exercise buffer refills.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func TestDecode_SlowReader(t *testing.T) {
	e := newEngine(t)
	data := edgeDataset(testNow.UnixMilli())
	fill(t, e, data)
	got := newEngine(t)
	if _, err := persist.Decode(oneByteReader{bytes.NewReader(encode(t, e))}, got.Put); err != nil {
		t.Fatal(err)
	}
	compare(t, dump(t, got.Snapshot()), data)
}

type failingReader struct{ n int }

var errDisk = errors.New("disk on fire")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errDisk
	}
	k := min(len(p), f.n)
	clear(p[:k])
	copy(p, "REDIS0010")
	f.n -= k
	return k, nil
}

func TestDecode_ReadError(t *testing.T) {
	_, err := persist.Decode(&failingReader{n: 9}, newEngine(t).Put)
	if !errors.Is(err, errDisk) || !strings.HasPrefix(err.Error(), "byte 9: ") {
		t.Fatalf("err = %v, want the read error at byte 9", err)
	}
}

func FuzzDecode(f *testing.F) {
	e := newEngine(f)
	fill(f, e, dataset{
		{0, "s"}:   {Kind: engine.KindString, Str: strings.Repeat("ab", 30)},
		{0, "n"}:   {Kind: engine.KindString, Str: "-70000"},
		{1, "l"}:   {Kind: engine.KindList, List: []string{"x", "42", strings.Repeat("y", 70), "-3000000000"}},
		{1, "h"}:   {Kind: engine.KindHash, Hash: map[string]string{"f": "v", "long": strings.Repeat("z", 30)}, ExpireAt: testNow.UnixMilli() + 10},
		{15, "lz"}: {Kind: engine.KindList, List: slices.Repeat([]string{"abcabcabc"}, 30)},
	})
	f.Add(encode(f, e))
	f.Add([]byte("REDIS0010\xff\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("REDIS0003\x00\x01k\x01v\xff"))
	for _, fx := range fixtureFiles(f) {
		f.Add(fx)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := newEngine(t)
		_, err := persist.Decode(bytes.NewReader(b), got.Put)
		if err != nil {
			var fe *persist.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FormatError", err)
			}
			return
		}
		// Whatever decodes must survive a round trip.
		want := dump(t, got.Snapshot())
		again, _ := decode(t, encode(t, got))
		compare(t, dump(t, again.Snapshot()), want)
	})
}

// Ensure that Decode reports keys to put in file order with their database.
func TestDecode_Callback(t *testing.T) {
	e := newEngine(t)
	fill(t, e, dataset{{0, "a"}: {Kind: engine.KindString, Str: "1"}, {5, "b"}: {Kind: engine.KindString, Str: "2", ExpireAt: math.MaxInt64}})
	var got []string
	_, err := persist.Decode(bytes.NewReader(encode(t, e)), func(db int, key string, v engine.Value, at int64) error {
		got = append(got, fmt.Sprintf("%d %s %s %d", db, key, v.Bytes(), at))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"0 a 1 0", fmt.Sprintf("5 b 2 %d", int64(math.MaxInt64))}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	stop := errors.New("stop")
	_, err = persist.Decode(bytes.NewReader(encode(t, e)), func(int, string, engine.Value, int64) error { return stop })
	var fe *persist.FormatError
	if !errors.Is(err, stop) || !errors.As(err, &fe) || !strings.Contains(err.Error(), `key "a"`) {
		t.Fatalf("err = %v, want the callback's error naming key a", err)
	}
}
