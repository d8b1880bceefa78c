package engine

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// setRecorder is a Journal that keeps what it is given.
type setRecorder struct{ cmds []string }

func (j *setRecorder) Append(db int, args [][]byte) error {
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = string(a)
	}
	j.cmds = append(j.cmds, strings.Join(words, " "))
	return nil
}

// setExec runs a command given as space-separated words and renders its
// reply: "3", "\"a\"", "(nil)", "[a b]" (a Set sorted, as its order is
// undefined), "{a b}" for Bulks and []Reply, in order, or the error.
func setExec(t testing.TB, e *Engine, s *Session, line string) string {
	t.Helper()
	var args [][]byte
	for _, w := range strings.Fields(line) {
		args = append(args, []byte(w))
	}
	r, err := e.Exec(s, args)
	if err != nil {
		var ee *Error
		if !errors.As(err, &ee) {
			t.Fatalf("%s: error %v is not an *Error", line, err)
		}
		return ee.Error()
	}
	return setRender(r)
}

func setRender(r Reply) string {
	switch r := r.(type) {
	case nil:
		return "(nil)"
	case int64:
		return strconv.FormatInt(r, 10)
	case []byte:
		return strconv.Quote(string(r))
	case Set:
		parts := make([]string, len(r))
		for i, e := range r {
			parts[i] = setRender(e)
		}
		slices.Sort(parts)
		return "[" + strings.Join(parts, " ") + "]"
	case Bulks:
		parts := make([]string, len(r))
		for i, b := range r {
			parts[i] = strconv.Quote(string(b))
		}
		return "{" + strings.Join(parts, " ") + "}"
	case []Reply:
		parts := make([]string, len(r))
		for i, e := range r {
			parts[i] = setRender(e)
		}
		return "{" + strings.Join(parts, " ") + "}"
	case Status:
		return string(r)
	}
	return fmt.Sprintf("?%T", r)
}

// setEncoding returns the encoding of the set at key, or "" when there is
// none.
func setEncoding(e *Engine, key string) string {
	v, ok := e.dbs[0].keys.get([]byte(key))
	if !ok {
		return ""
	}
	if s, ok := v.obj.(*set); ok {
		return s.encoding()
	}
	return "not a set"
}

// Ensure that every set command answers as Redis 7.0 does, errors and
// edge cases included.
func TestSet_Commands(t *testing.T) {
	e := New(Options{})
	s := e.NewSession()
	for _, st := range []struct{ cmd, want string }{
		{"SADD s 3 1 2 -5 10 1", "5"},
		{"SADD s 1 2", "0"},
		{"SMEMBERS s", `["-5" "1" "10" "2" "3"]`},
		{"SCARD s", "5"},
		{"SISMEMBER s 10", "1"},
		{"SISMEMBER s 010", "0"},
		{"SISMEMBER s x", "0"},
		{"SISMEMBER none x", "0"},
		{"SMISMEMBER s 1 x 3", "{1 0 1}"},
		{"SMISMEMBER none a", "{0}"},
		{"SREM s 1 x 99", "1"},
		{"SREM none a", "0"},
		{"SREM s -5 2 3 10", "4"},
		{"EXISTS s", "0"},
		{"SMEMBERS none", "[]"},
		{"SCARD none", "0"},
		{"TYPE s", "none"},
		{"SADD s a", "1"},
		{"TYPE s", "set"},
		{"SET str x", "OK"},
		{"SADD str a", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"SMISMEMBER str a", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"SINTER none str", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"SUNIONSTORE d none str", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"SMOVE none str a", "0"},
		{"SMOVE s str a", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"SMOVE str s a", "WRONGTYPE Operation against a key holding the wrong kind of value"},
		{"SADD", "ERR wrong number of arguments for 'sadd' command"},
		{"SPOP s 1 2", "ERR syntax error"},
		{"SRANDMEMBER s 1 2", "ERR syntax error"},

		// SMOVE
		{"SADD src a b 1", "3"},
		{"SMOVE src src a", "1"},
		{"SMOVE src src z", "0"},
		{"SMOVE src dst z", "0"},
		{"SMOVE src dst a", "1"},
		{"SMOVE src dst 1", "1"},
		{"SMOVE src dst b", "1"},
		{"EXISTS src", "0"},
		{"SMEMBERS dst", `["1" "a" "b"]`},

		// Algebra.
		{"SADD a 1 2 3 4 x", "5"},
		{"SADD b 3 4 5 x", "4"},
		{"SADD c 4 x y", "3"},
		{"SINTER a b c", `["4" "x"]`},
		{"SINTER a none", "[]"},
		{"SUNION a b none", `["1" "2" "3" "4" "5" "x"]`},
		{"SDIFF a b", `["1" "2"]`},
		{"SDIFF a none c", `["1" "2" "3"]`},
		{"SDIFF a a", "[]"},
		{"SDIFF none a", "[]"},
		{"SINTERCARD 3 a b c", "2"},
		{"SINTERCARD 2 a b LIMIT 2", "2"},
		{"SINTERCARD 2 a b LIMIT 0", "3"},
		{"SINTERCARD 2 a none", "0"},
		{"SINTERCARD 0 a", "ERR numkeys should be greater than 0"},
		{"SINTERCARD x a", "ERR numkeys should be greater than 0"},
		{"SINTERCARD 2 a", "ERR Number of keys can't be greater than number of args"},
		{"SINTERCARD 1 a LIMIT", "ERR syntax error"},
		{"SINTERCARD 1 a LIMIT -1", "ERR LIMIT can't be negative"},
		{"SINTERCARD 1 a LIMIT x", "ERR LIMIT can't be negative"},
		{"SINTERCARD 1 a b", "ERR syntax error"},
		{"SINTERSTORE d a b", "3"},
		{"SMEMBERS d", `["3" "4" "x"]`},
		{"EXPIRE d 100", "1"},
		{"SUNIONSTORE d d c", "4"},
		{"TTL d", "-1"},
		{"SDIFFSTORE d d d", "0"},
		{"EXISTS d", "0"},
		{"SINTERSTORE str a none", "0"},
		{"EXISTS str", "0"},
		{"SDIFFSTORE a a b", "2"},
		{"SMEMBERS a", `["1" "2"]`},

		// SPOP and SRANDMEMBER where the answer is certain.
		{"SPOP none", "(nil)"},
		{"SPOP none 3", "[]"},
		{"SPOP a -1", "ERR value is out of range, must be positive"},
		{"SPOP a x", "ERR value is out of range, must be positive"},
		{"SPOP a 0", "[]"},
		{"SRANDMEMBER none", "(nil)"},
		{"SRANDMEMBER none -3", "{}"},
		{"SRANDMEMBER a 0", "{}"},
		{"SRANDMEMBER a x", "ERR value is not an integer or out of range"},
		{"SRANDMEMBER a -9223372036854775808", "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"},
		{"SRANDMEMBER none -9223372036854775807", "{}"},
		{"SRANDMEMBER a -9223372036854775807", "ERR count is too large: SRANDMEMBER with a negative count returns at most 8388608 members"},
		{"SRANDMEMBER a 9223372036854775807", `{"1" "2"}`},
		{"SADD one m", "1"},
		{"SRANDMEMBER one", `"m"`},
		{"SRANDMEMBER one -3", `{"m" "m" "m"}`},
		{"SPOP one", `"m"`},
		{"EXISTS one", "0"},
		{"SPOP a 2", `["1" "2"]`},
		{"EXISTS a", "0"},

		// SSCAN
		{"SADD sc 10 2 33 4", "4"},
		{"SSCAN sc 0", `{"0" {"2" "4" "10" "33"}}`},
		{"SSCAN sc 0 MATCH 3* COUNT 1", `{"0" {"33"}}`},
		{"SSCAN sc 0 MATCH 3* MATCH *", `{"0" {"2" "4" "10" "33"}}`},
		{"SSCAN sc 0 COUNT 0", "ERR syntax error"},
		{"SSCAN sc 0 COUNT x", "ERR value is not an integer or out of range"},
		{"SSCAN sc 0 MATCH", "ERR syntax error"},
		{"SSCAN sc 0 TYPE set", "ERR syntax error"},
		{"SSCAN sc x", "ERR invalid cursor"},
		{"SSCAN sc -1", `{"0" {"2" "4" "10" "33"}}`},
		{"SSCAN none 0 COUNT 0", `{"0" {}}`},
		{"SSCAN str2 x", "ERR invalid cursor"},
	} {
		if got := setExec(t, e, s, st.cmd); got != st.want {
			t.Errorf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
}

// Ensure that a set is an intset exactly while Redis 7.0 keeps it as one:
// every member an integer in string2ll's canonical form and at most 512
// of them; that it never converts back; and that the *STORE commands
// build their result as Redis does, starting from an intset.
func TestSet_Encoding(t *testing.T) {
	e := New(Options{})
	s := e.NewSession()
	ints := func(from, to int) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			fmt.Fprintf(&b, " %d", i)
		}
		return b.String()
	}
	for _, st := range []struct{ cmd, key, want string }{
		{"SADD i 5 -3 9223372036854775807 -9223372036854775808 0", "i", "intset"},
		{"SADD i x", "i", "hashtable"},
		{"SREM i x", "i", "hashtable"},
		{"SADD h x 1 5", "h", "hashtable"},
		{"SADD hx x", "hx", "hashtable"},
		{"SADD m" + ints(1, 512), "m", "intset"},
		{"SADD m 512", "m", "intset"},
		{"SADD m 513", "m", "hashtable"},
		{"SREM m 513 1 2 3", "m", "hashtable"},
		{"SADD dup" + strings.Repeat(" 7", 600), "dup", "intset"},
		{"SADD zero -0", "zero", "hashtable"},
		{"SADD plus +1", "plus", "hashtable"},
		{"SADD lead 01", "lead", "hashtable"},
		{"SADD big 9223372036854775808", "big", "hashtable"},
		{"SADD empty ''", "empty", "hashtable"},
		{"SINTERSTORE d h i", "d", "intset"},
		{"SUNIONSTORE d m", "d", "intset"},
		{"SUNIONSTORE d m h", "d", "hashtable"},
		{"SADD n" + ints(600, 1200), "n", "hashtable"},
		{"SUNIONSTORE d n", "d", "hashtable"},
		{"SDIFFSTORE d h zero", "d", "hashtable"},
		{"SDIFFSTORE d h hx", "d", "intset"},
		{"SMOVE h mv 1", "mv", "intset"},
		{"SMOVE h mv2 x", "mv2", "hashtable"},
	} {
		setExec(t, e, s, st.cmd)
		if got := setEncoding(e, st.key); got != st.want {
			t.Errorf("after %.40s: %s is %q, want %q", st.cmd, st.key, got, st.want)
		}
	}
	if got := setExec(t, e, s, "SCARD m"); got != "509" {
		t.Errorf("SCARD m = %s, want 509", got)
	}
	if got := setExec(t, e, s, "SISMEMBER m 512"); got != "1" {
		t.Errorf("SISMEMBER m 512 after conversion = %s, want 1", got)
	}
}

// Ensure that SMEMBERS and SSCAN list an intset in ascending numeric
// order, as Redis does.
func TestSet_IntsetOrder(t *testing.T) {
	e := New(Options{})
	s := e.NewSession()
	setExec(t, e, s, "SADD s 10 -2 3 100 -50 0")
	r, err := e.Exec(s, [][]byte{[]byte("SMEMBERS"), []byte("s")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range r.(Set) {
		got = append(got, string(m.([]byte)))
	}
	if want := []string{"-50", "-2", "0", "3", "10", "100"}; !slices.Equal(got, want) {
		t.Errorf("SMEMBERS = %v, want %v", got, want)
	}
	if got, want := setExec(t, e, s, "SUNION s"), `["-2" "-50" "0" "10" "100" "3"]`; got != want {
		t.Errorf("SUNION = %s, want %s", got, want)
	}
}

// Ensure that a clone shares nothing that either side changes, in both
// encodings and across a conversion.
func TestSet_CloneIsolation(t *testing.T) {
	for _, tc := range []struct {
		encoding string
		members  []string
	}{
		{"intset", []string{"1", "2", "3", "4"}},
		{"hashtable", []string{"a", "2", "3", "b"}},
	} {
		orig := newSetFor([]byte(tc.members[0]))
		for _, m := range tc.members {
			orig.add([]byte(m))
		}
		if orig.encoding() != tc.encoding {
			t.Fatalf("%v: %s, want %s", tc.members, orig.encoding(), tc.encoding)
		}
		c := orig.clone().(*set)
		want := strings.Join(setSorted(c), ",")
		orig.add([]byte("5"))
		orig.remove([]byte("2"))
		orig.removeAt(0)
		if got := strings.Join(setSorted(c), ","); got != want {
			t.Errorf("%s: clone changed with the original: %s, want %s", tc.encoding, got, want)
		}
		before := strings.Join(setSorted(orig), ",")
		c.add([]byte("other"))
		c.remove([]byte("3"))
		if got := strings.Join(setSorted(orig), ","); got != before {
			t.Errorf("%s: original changed with the clone: %s, want %s", tc.encoding, got, before)
		}
	}
	small := &set{}
	small.add([]byte("7"))
	small.add([]byte("8"))
	c := small.clone().(*set)
	for i := 0; i < 600; i++ {
		small.add([]byte(strconv.Itoa(i + 100)))
	}
	if c.encoding() != "intset" || c.len() != 2 || small.encoding() != "hashtable" {
		t.Errorf("clone of an intset: %s of %d, original %s", c.encoding(), c.len(), small.encoding())
	}
}

func setSorted(s *set) []string {
	var out []string
	for _, m := range s.list() {
		out = append(out, string(m))
	}
	slices.Sort(out)
	return out
}

// Ensure that the hash table form stays consistent through adds and
// removes in any order: index and members agree, and every member is
// found.
func TestSet_HashtableConsistency(t *testing.T) {
	s := newHashtableSet(0)
	model := map[string]bool{}
	for i := 0; i < 2000; i++ {
		m := []byte(fmt.Sprint("m", (i*7919)%300))
		if i%3 == 0 {
			if s.remove(m) != model[string(m)] {
				t.Fatalf("remove %s disagrees with the model", m)
			}
			delete(model, string(m))
			continue
		}
		if s.add(m) == model[string(m)] {
			t.Fatalf("add %s disagrees with the model", m)
		}
		model[string(m)] = true
	}
	if s.len() != len(model) || len(s.index) != len(s.members) {
		t.Fatalf("len %d, index %d, members %d, model %d", s.len(), len(s.index), len(s.members), len(model))
	}
	for i, m := range s.members {
		if s.index[m] != i || !model[m] {
			t.Fatalf("member %s at %d: index says %d, model %v", m, i, s.index[m], model[m])
		}
	}
}

// Ensure that SPOP and SRANDMEMBER answer members of the set, distinct
// when they must be, in the numbers asked, and that each member can
// come up.
func TestSet_Random(t *testing.T) {
	for _, members := range []string{"1 2 3 4 5 6 7 8 9 10", "a b c d e f g h i j"} {
		e := New(Options{})
		s := e.NewSession()
		setExec(t, e, s, "SADD k "+members)
		in := map[string]bool{}
		for _, m := range strings.Fields(members) {
			in[strconv.Quote(m)] = true
		}
		seen := map[string]bool{}
		check := func(cmd string, n int, distinct bool) {
			t.Helper()
			got := strings.Fields(strings.Trim(setExec(t, e, s, cmd), "{}[]"))
			if len(got) != n {
				t.Fatalf("%s: %d members %v, want %d", cmd, len(got), got, n)
			}
			dup := map[string]bool{}
			for _, m := range got {
				if !in[m] || (distinct && dup[m]) {
					t.Fatalf("%s: %v has %s, not a member or repeated", cmd, got, m)
				}
				dup[m], seen[m] = true, true
			}
		}
		for range 50 {
			check("SRANDMEMBER k", 1, true)
			check("SRANDMEMBER k 2", 2, true)
			check("SRANDMEMBER k 7", 7, true)
			check("SRANDMEMBER k -25", 25, false)
		}
		if len(seen) != len(in) {
			t.Errorf("%s: only %d of %d members ever came up", members, len(seen), len(in))
		}
		check("SPOP k 3", 3, true)
		check("SPOP k", 1, true)
		check("SPOP k 5", 5, true)
		if got := setExec(t, e, s, "SCARD k"); got != "1" {
			t.Errorf("SCARD after popping 9 of 10 = %s", got)
		}
	}
}

// Ensure that SPOP is journaled as the SREM (or, for the whole set, the
// DEL) that replays to the same data, and that replaying the journal
// gives the same set.
func TestSet_SpopJournalsDeterministically(t *testing.T) {
	j := &setRecorder{}
	e := New(Options{Journal: j})
	s := e.NewSession()
	setExec(t, e, s, "SADD k a b c d e f 1 2")
	setExec(t, e, s, "SADD w 1 2")
	setExec(t, e, s, "SPOP k")
	setExec(t, e, s, "SPOP k 3")
	setExec(t, e, s, "SPOP k 0")
	setExec(t, e, s, "SPOP none 2")
	setExec(t, e, s, "SPOP w 5")
	if len(j.cmds) != 5 {
		t.Fatalf("journal %q, want 2 SADDs, 2 SREMs and a DEL", j.cmds)
	}
	if !strings.HasPrefix(j.cmds[2], "SREM k ") || len(strings.Fields(j.cmds[2])) != 3 ||
		!strings.HasPrefix(j.cmds[3], "SREM k ") || len(strings.Fields(j.cmds[3])) != 5 || j.cmds[4] != "DEL w" {
		t.Fatalf("journal %q", j.cmds)
	}
	replay := New(Options{})
	rs := replay.NewSession()
	for _, cmd := range j.cmds {
		setExec(t, replay, rs, cmd)
	}
	want, got := setExec(t, e, s, "SMEMBERS k"), setExec(t, replay, rs, "SMEMBERS k")
	if got != want || setExec(t, replay, rs, "EXISTS w") != "0" {
		t.Errorf("replayed SMEMBERS k = %s, want %s", got, want)
	}
}

// Ensure that SetValue chooses the encoding Redis gives a loaded set and
// that Members lists what it was given.
func TestSetValue_Members(t *testing.T) {
	many := func(n int, prefix string) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			out[i] = []byte(prefix + strconv.Itoa(i))
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		members  [][]byte
		encoding string
		len      int
	}{
		{"integers", [][]byte{[]byte("3"), []byte("-1"), []byte("3")}, "intset", 2},
		{"a string", [][]byte{[]byte("1"), []byte("x")}, "hashtable", 2},
		{"512 integers", many(512, ""), "intset", 512},
		{"513 integers", many(513, ""), "hashtable", 513},
		{"strings", many(10, "m"), "hashtable", 10},
	} {
		v := SetValue(tc.members)
		s := v.v.obj.(*set)
		if v.Kind() != KindSet || v.Len() != tc.len || s.encoding() != tc.encoding {
			t.Errorf("%s: %v of %d in %s, want set of %d in %s", tc.name, v.Kind(), v.Len(), s.encoding(), tc.len, tc.encoding)
		}
		got := map[string]bool{}
		if err := v.Members(func(m []byte) error { got[string(m)] = true; return nil }); err != nil {
			t.Fatal(err)
		}
		for _, m := range tc.members {
			if !got[string(m)] {
				t.Errorf("%s: Members misses %s", tc.name, m)
			}
		}
		if len(got) != tc.len {
			t.Errorf("%s: Members gave %d, want %d", tc.name, len(got), tc.len)
		}
	}
	stop := errors.New("stop")
	calls := 0
	err := SetValue([][]byte{[]byte("1"), []byte("2")}).Members(func([]byte) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Members after an error: %v after %d calls, want stop after 1", err, calls)
	}
	if err := StringValue([]byte("x")).Members(func([]byte) error { return stop }); err != nil {
		t.Errorf("Members of a string: %v, want nil", err)
	}
}

// Ensure that SSCAN accepts exactly the cursors Redis's strtoul-based
// parser accepts.
func TestScanCursorOK(t *testing.T) {
	for _, tc := range []struct {
		cursor string
		ok     bool
	}{
		{"0", true}, {"", true}, {"007", true}, {"+5", true}, {"-1", true}, {"18446744073709551615", true},
		{"-18446744073709551615", true}, {"5\x00junk", true}, {"\x00", true},
		{"18446744073709551616", false}, {"-18446744073709551616", false}, {"x", false}, {" 1", false},
		{"1 ", false}, {"+", false}, {"-", false}, {"+-1", false}, {"0x1", false}, {"1.0", false},
	} {
		if got := scanCursorOK([]byte(tc.cursor)); got != tc.ok {
			t.Errorf("scanCursorOK(%q) = %v, want %v", tc.cursor, got, tc.ok)
		}
	}
}
