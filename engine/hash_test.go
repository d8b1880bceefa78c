package engine

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
)

// execLine runs a command given as space-separated words on s and fails
// the test on an error.
func execLine(t *testing.T, e *Engine, s *Session, line string) Reply {
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

// objectEncoding returns what OBJECT ENCODING would answer for key.
func objectEncoding(e *Engine, s *Session, key string) string {
	v, ok := e.dbs[s.db].keys.get([]byte(key))
	if !ok || v.obj == nil {
		return "(none)"
	}
	return v.obj.encoding()
}

// Ensure that hashes change from listpack to hashtable exactly when Redis
// 7.0 (with its built-in hash-max-listpack-entries, 512) converts them:
// on storing a field or value longer than 64 bytes, whichever command
// stores it, and on the 513th field; and never back.
func TestHash_Encoding(t *testing.T) {
	long := strings.Repeat("x", 65)
	fits := strings.Repeat("x", 64)
	pairs := func(n int, distinct bool) string {
		var b strings.Builder
		for i := range n {
			f := "f"
			if distinct {
				f = fmt.Sprint("f", i)
			}
			b.WriteString(" " + f + " v")
		}
		return b.String()
	}
	cases := []struct {
		name  string
		lines []string
		want  string
	}{
		{"value of 64 bytes", []string{"HSET h f " + fits}, "listpack"},
		{"field of 64 bytes", []string{"HSET h " + fits + " 1"}, "listpack"},
		{"value of 65 bytes", []string{"HSET h f " + long}, "hashtable"},
		{"long value after short ones", []string{"HSET h a 1 b " + long}, "hashtable"},
		{"512 fields", []string{"HSET h" + pairs(512, true)}, "listpack"},
		{"513 fields", []string{"HSET h" + pairs(512, true), "HSET h x y"}, "hashtable"},
		{"513 fields at once", []string{"HSET h" + pairs(513, true)}, "hashtable"},
		{"513 pairs of one field", []string{"HSET h" + pairs(513, false)}, "listpack"},
		{"no way back", []string{"HSET h" + pairs(513, true), "HDEL h f1 f2 f3"}, "hashtable"},
		{"HSETNX on an existing field", []string{"HSET h a 1", "HSETNX h a " + long}, "listpack"},
		{"HSETNX of a long value", []string{"HSET h a 1", "HSETNX h b " + long}, "hashtable"},
		{"HSETNX of a long field", []string{"HSETNX h " + long + " 1"}, "hashtable"},
		{"HINCRBY of a long field", []string{"HSET h a 1", "HINCRBY h " + long + " 1"}, "hashtable"},
		{"HINCRBYFLOAT to 60 digits", []string{"HSET h a 1", "HINCRBYFLOAT h a 1e59"}, "listpack"},
		{"HINCRBYFLOAT to 71 digits", []string{"HSET h a 1", "HINCRBYFLOAT h a 1e70"}, "hashtable"},
		{"HINCRBYFLOAT of a long field", []string{"HSET h a 1", "HINCRBYFLOAT h " + long + " 1"}, "hashtable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := New(Options{})
			s := e.NewSession()
			for _, line := range c.lines {
				execLine(t, e, s, line)
			}
			if got := objectEncoding(e, s, "h"); got != c.want {
				t.Errorf("encoding %s, want %s", got, c.want)
			}
		})
	}
}

// Ensure that a large hash's index stays true to its pairs through random
// sets and deletes, and that both forms agree with a map.
func TestHash_MatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, fields := range []int{20, 400} {
		h := newHash(0)
		model := map[string]string{}
		for op := range 20000 {
			f := fmt.Sprint("f", rng.IntN(fields))
			if rng.IntN(3) == 0 {
				_, had := model[f]
				if got := h.del([]byte(f)); got != had {
					t.Fatalf("op %d: del %s = %v, want %v", op, f, got, had)
				}
				delete(model, f)
			} else {
				v := fmt.Sprint(op)
				_, had := model[f]
				if got := h.set([]byte(f), []byte(v)); got == had {
					t.Fatalf("op %d: set %s = %v, want %v", op, f, got, !had)
				}
				model[f] = v
			}
		}
		got := map[string]string{}
		h.each(func(f, v []byte) bool {
			got[string(f)] = string(v)
			return true
		})
		if !maps.Equal(got, model) || h.len() != len(model) {
			t.Fatalf("%d fields: hash holds %d fields unlike the model's %d", fields, h.len(), len(model))
		}
		for i := 0; h.large() && i < len(h.pairs); i += 2 {
			if h.index[string(h.pairs[i])] != i {
				t.Fatalf("%d fields: index of %s is %d, want %d", fields, h.pairs[i], h.index[string(h.pairs[i])], i)
			}
		}
		if c := h.clone().(*hash); c.len() != h.len() || c.encoding() != h.encoding() {
			t.Errorf("clone: %d fields %s, want %d %s", c.len(), c.encoding(), h.len(), h.encoding())
		}
	}
}

// Ensure that HRANDFIELD gives distinct fields for a positive count (in
// the hash's order while it is small, as Redis's listpack sampling does),
// -count fields for a negative one, every field about as often, and
// field-value pairs to a RESP3 client.
func TestHrandfield(t *testing.T) {
	e := New(Options{})
	s := e.NewSession()
	execLine(t, e, s, "HSET small a 1 b 2 c 3 d 4 e 5 f 6")
	var b strings.Builder
	for i := range 300 {
		fmt.Fprintf(&b, " f%03d %d", i, i)
	}
	execLine(t, e, s, "HSET large"+b.String())
	for _, key := range []string{"small", "large"} {
		n := int(execLine(t, e, s, "HLEN "+key).(int64))
		for _, count := range []int{2, 3, n / 3, n / 2, n - 1} {
			got := execLine(t, e, s, fmt.Sprintf("HRANDFIELD %s %d", key, count)).(Bulks)
			seen := map[string]bool{}
			for i, f := range got {
				if seen[string(f)] {
					t.Fatalf("%s %d: %s twice in %q", key, count, f, got)
				}
				seen[string(f)] = true
				if key == "small" && i > 0 && string(got[i-1]) > string(f) {
					t.Errorf("%s %d: %q not in the hash's order", key, count, got)
				}
			}
			if len(got) != count {
				t.Errorf("%s %d: %d fields", key, count, len(got))
			}
		}
	}
	counts := map[string]int{}
	const draws = 60000
	for _, f := range execLine(t, e, s, fmt.Sprintf("HRANDFIELD small -%d", draws)).(Bulks) {
		counts[string(f)]++
	}
	for f, c := range counts {
		if c < draws/6*9/10 || c > draws/6*11/10 {
			t.Errorf("field %s drawn %d times of %d, want about a sixth", f, c, draws)
		}
	}
	if len(counts) != 6 {
		t.Errorf("%d distinct fields drawn, want 6", len(counts))
	}
	s.proto = 3
	got := execLine(t, e, s, "HRANDFIELD small -2 WITHVALUES").([]Reply)
	for _, p := range got {
		if pair, ok := p.(Bulks); !ok || len(pair) != 2 || pair[0][0]-'a'+'1' != pair[1][0] {
			t.Errorf("RESP3 WITHVALUES element %#v, want a field and its value", p)
		}
	}
	if len(got) != 2 {
		t.Errorf("RESP3 WITHVALUES: %d pairs, want 2", len(got))
	}
}

// journal records what the engine journals.
type journal struct{ lines []string }

func (j *journal) Append(db int, args [][]byte) error {
	var parts []string
	for _, a := range args {
		parts = append(parts, string(a))
	}
	j.lines = append(j.lines, strings.Join(parts, " "))
	return nil
}

// Ensure that HINCRBYFLOAT journals the HSET of its result, so that a
// replay stores the same digits, and that a failed one journals nothing.
func TestHincrbyfloat_Propagates(t *testing.T) {
	j := &journal{}
	e := New(Options{Journal: j})
	s := e.NewSession()
	execLine(t, e, s, "HINCRBYFLOAT h f 10.5")
	execLine(t, e, s, "HINCRBYFLOAT h f 0.1")
	execLine(t, e, s, "HINCRBY h n 2")
	e.Exec(s, [][]byte{[]byte("HINCRBYFLOAT"), []byte("h"), []byte("f"), []byte("inf")})
	want := []string{"HSET h f 10.5", "HSET h f 10.6", "HINCRBY h n 2"}
	if strings.Join(j.lines, "|") != strings.Join(want, "|") {
		t.Errorf("journal %q, want %q", j.lines, want)
	}
}
