package difftest

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/photondb/photon/resp"
)

// Ensure that every argument survives FormatCommand and ParseCommand,
// binary bytes and quotes included.
func TestQuote_RoundTrip(t *testing.T) {
	g := NewG(1)
	args := []string{"", "a b", `"`, `'`, `\`, "\x00\xff\r\n\t", "plain", "ünï"}
	for range 200 {
		args = append(args, g.Value(), g.Field())
	}
	line := FormatCommand(args)
	got, err := ParseCommand(line)
	if err != nil {
		t.Fatalf("ParseCommand(%q): %v", line, err)
	}
	if !slices.Equal(got, args) {
		t.Errorf("round trip changed the arguments:\n got %q\nwant %q", got, args)
	}
}

// Ensure that a seed always generates the same commands, and that every
// registered command is generated.
func TestDriver_DeterministicAndComplete(t *testing.T) {
	a, b := newDriver(7, families), newDriver(7, families)
	seen := map[string]bool{}
	for range 20000 {
		x, y := a.next(), b.next()
		if !slices.Equal(x, y) {
			t.Fatalf("same seed, different commands: %q and %q", x, y)
		}
		if knownSkip(x) != "" {
			t.Fatalf("the driver sent %q, which the known list skips", x)
		}
		seen[a.pick().Name] = true
		b.pick()
	}
	for _, f := range families {
		for _, c := range f.Commands {
			if !seen[c.Name] {
				t.Errorf("family %s: command %s was never generated", f.Name, c.Name)
			}
		}
	}
}

// Ensure that shrinking keeps the target and what it needs, and drops
// the rest.
func TestShrink_KeepsWhatTheDifferenceNeeds(t *testing.T) {
	var seq []step
	for i := range 300 {
		seq = append(seq, step{args: []string{"CMD", string(rune('a' + i%26)), strings.Repeat("x", i)}})
	}
	needs := []int{17, 140} // with the target, 200, the difference shows
	target := 200
	fails := func(s []step, at int) bool {
		if at < 0 || len(s[at].args[2]) != target {
			t.Fatalf("the target was dropped or moved")
		}
		n := 0
		for _, st := range s[:at] {
			if slices.Contains(needs, len(st.args[2])) {
				n++
			}
		}
		return n == len(needs)
	}
	r := &Runner{}
	out, at, ok := r.shrink(seq, target, fails)
	if !ok {
		t.Fatal("shrinking ran out of time")
	}
	var got []int
	for _, s := range out {
		got = append(got, len(s.args[2]))
	}
	if want := []int{17, 140, 200}; !slices.Equal(got, want) || at != 2 {
		t.Errorf("shrunk to %v (target at %d), want %v (target at 2)", got, at, want)
	}
}

func bulk(s string) resp.Value { return resp.Value{Kind: resp.BulkString, Str: []byte(s)} }

func array(kind resp.Kind, elems ...resp.Value) resp.Value {
	return resp.Value{Kind: kind, Elems: elems}
}

func integer(n int64) resp.Value { return resp.Value{Kind: resp.Integer, Int: n} }

// Ensure that each rule tells agreeing replies from differing ones.
func TestRules(t *testing.T) {
	ab := array(resp.Array, bulk("a"), bulk("b"))
	ba := array(resp.Array, bulk("b"), bulk("a"))
	pairs1 := array(resp.Array, bulk("f"), bulk("1"), bulk("g"), bulk("2"))
	pairs2 := array(resp.Array, bulk("g"), bulk("2"), bulk("f"), bulk("1"))
	crossed := array(resp.Array, bulk("f"), bulk("2"), bulk("g"), bulk("1"))
	hashtable, listpack := bulk("hashtable"), bulk("listpack")
	tests := []struct {
		name        string
		rule        Rule
		p, r, probe resp.Value
		want        bool
	}{
		{"exact same", Rule{Same: exactRule}, ab, ab, resp.Value{}, true},
		{"exact order", Rule{Same: exactRule}, ab, ba, resp.Value{}, false},
		{"exact kind", Rule{Same: exactRule}, bulk("1"), integer(1), resp.Value{}, false},
		{"unordered", Unordered, ab, ba, resp.Value{}, true},
		{"unordered length", Unordered, ab, array(resp.Array, bulk("a")), resp.Value{}, false},
		{"pairs", UnorderedPairs, pairs1, pairs2, resp.Value{}, true},
		{"pairs crossed", UnorderedPairs, pairs1, crossed, resp.Value{}, false},
		{"map pairs", Unordered, array(resp.Map, pairs1.Elems...), array(resp.Map, pairs2.Elems...), resp.Value{}, true},
		{"hashtable", UnorderedUnlessEncoding(2, "listpack"), pairs1, pairs2, hashtable, true},
		{"listpack", UnorderedUnlessEncoding(2, "listpack"), pairs1, pairs2, listpack, false},
		{"ttl near", Approx(2), integer(100), integer(99), resp.Value{}, true},
		{"ttl far", Approx(2), integer(100), integer(90), resp.Value{}, false},
		{"ttl none", Approx(2), integer(-1), integer(-2), resp.Value{}, false},
		{"shape", Shape, array(resp.Array, bulk("1"), bulk("2")), array(resp.Array, bulk("3"), bulk("4")), resp.Value{}, true},
		{"shape kinds", Shape, array(resp.Array, bulk("1")), array(resp.Array, integer(1)), resp.Value{}, false},
		{"shape lengths", Shape, array(resp.Array, bulk("1")), array(resp.Array, bulk("1"), bulk("2")), resp.Value{}, false},
		{"shape errors", Shape, resp.Value{Kind: resp.Error, Str: []byte("ERR a")}, resp.Value{Kind: resp.Error, Str: []byte("ERR b")}, resp.Value{}, false},
		{"map except", MapExcept("id"), array(resp.Map, bulk("id"), integer(1), bulk("proto"), integer(3)),
			array(resp.Map, bulk("id"), integer(9), bulk("proto"), integer(3)), resp.Value{}, true},
		{"map except other", MapExcept("id"), array(resp.Map, bulk("proto"), integer(2)),
			array(resp.Map, bulk("proto"), integer(3)), resp.Value{}, false},
	}
	for _, tt := range tests {
		if got := tt.rule.Same(tt.p, tt.r, tt.probe); got != tt.want {
			t.Errorf("%s: Same(%v, %v, %v) = %v, want %v", tt.name, tt.p, tt.r, tt.probe, got, tt.want)
		}
	}
}

// Ensure that the known list and testdata/difftest/known.txt name the
// same differences, each case once.
func TestKnown_MatchesKnownTxt(t *testing.T) {
	f, err := os.Open("../../testdata/difftest/known.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := ParseCases(f)
	if err != nil {
		t.Fatal(err)
	}
	inFile := map[string]bool{}
	for _, c := range cases {
		if inFile[c.ID] {
			t.Errorf("known.txt:%d: case %s appears twice", c.Line, c.ID)
		}
		inFile[c.ID] = true
	}
	inList := map[string]bool{}
	for _, k := range knownDiffs {
		inList[k.ID] = true
		if !inFile[k.ID] {
			t.Errorf("knownDiffs has %s, which known.txt has no case for", k.ID)
		}
	}
	for _, c := range cases {
		if id, _, _ := strings.Cut(c.ID, "."); !inList[id] {
			t.Errorf("known.txt:%d: case %s has no entry %s in knownDiffs", c.Line, c.ID, id)
		}
	}
}
