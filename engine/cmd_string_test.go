package engine_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

const strWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

func TestString_Commands(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"setnx", []step{
			{"SETNX k v", "1"},
			{"SETNX k v2", "0"},
			{"GET k", `"v"`},
			{"LPUSH l a", "1"},
			{"SETNX l v", "0"},
			{"SETNX k", "ERR wrong number of arguments for 'setnx' command"},
		}},
		{"setex psetex", []step{
			{"SETEX k 100 v", "OK"},
			{"TTL k", "100"},
			{"GET k", `"v"`},
			{"PSETEX k 1500 v2", "OK"},
			{"PTTL k", "1500"},
			{"SETEX k 0 v", "ERR invalid expire time in 'setex' command"},
			{"SETEX k -1 v", "ERR invalid expire time in 'setex' command"},
			{"PSETEX k 0 v", "ERR invalid expire time in 'psetex' command"},
			{"SETEX k x v", "ERR value is not an integer or out of range"},
			{"SETEX k 9223372036854775 v", "ERR invalid expire time in 'setex' command"},
			{"PSETEX k 9223372036854775807 v", "ERR invalid expire time in 'psetex' command"},
			{"LPUSH l a", "1"},
			{"SETEX l 10 v", "OK"},
			{"TYPE l", "string"},
		}},
		{"getset getdel", []step{
			{"SET k v EX 100", "OK"},
			{"GETSET k v2", `"v"`},
			{"TTL k", "-1"},
			{"GETSET none v", "(nil)"},
			{"GET none", `"v"`},
			{"GETDEL k", `"v2"`},
			{"EXISTS k", "0"},
			{"GETDEL k", "(nil)"},
			{"LPUSH l a", "1"},
			{"GETSET l v", strWrongType},
			{"GETDEL l", strWrongType},
			{"EXISTS l", "1"},
		}},
		{"getex", []step{
			{"GETEX none", "(nil)"},
			{"GETEX none EX abc", "(nil)"},
			{"GETEX none PERSIST EX 1", "ERR syntax error"},
			{"SET k v", "OK"},
			{"GETEX k", `"v"`},
			{"GETEX k EX abc", "ERR value is not an integer or out of range"},
			{"GETEX k EX 0", "ERR invalid expire time in 'getex' command"},
			{"GETEX k KEEPTTL", "ERR syntax error"},
			{"GETEX k NX", "ERR syntax error"},
			{"GETEX k EX", "ERR syntax error"},
			{"GETEX k EX 10 PX 10", "ERR syntax error"},
			{"GETEX k EX 10 PERSIST", "ERR syntax error"},
			{"GETEX k EX 10 EX 20", `"v"`},
			{"TTL k", "20"},
			{"GETEX k PX 1500", `"v"`},
			{"PTTL k", "1500"},
			{"GETEX k EXAT 1700000100", `"v"`},
			{"TTL k", "100"},
			{"GETEX k PXAT 1700000200000", `"v"`},
			{"TTL k", "200"},
			{"GETEX k PERSIST PERSIST", `"v"`},
			{"TTL k", "-1"},
			{"GETEX k EXAT 1700000000", `"v"`},
			{"EXISTS k", "0"},
			{"LPUSH l a", "1"},
			{"GETEX l EX 10", strWrongType},
		}},
		{"incrbyfloat", []step{
			{"SET k 10.5", "OK"},
			{"INCRBYFLOAT k 0.1", `"10.6"`},
			{"SET k 3.0e3", "OK"},
			{"INCRBYFLOAT k 1", `"3001"`},
			{"INCRBYFLOAT n 0.1", `"0.1"`},
			{"INCRBYFLOAT n 0.2", `"0.3"`},
			{"INCRBYFLOAT n -1.3", `"-1"`},
			{"INCRBYFLOAT z -1e-18", `"0"`},
			{"INCRBYFLOAT h 0x10", `"16"`},
			{"INCRBYFLOAT h 0x.8p1", `"17"`},
			{"INCRBYFLOAT t 0.000003814697265625", `"0.00000381469726562"`},
			{"INCRBYFLOAT u 0.000011444091796875", `"0.00001144409179688"`},
			{"SET big 1e4932", "OK"},
			{"INCRBYFLOAT big 1e4932", "ERR increment would produce NaN or Infinity"},
			{"INCRBYFLOAT f inf", "ERR increment would produce NaN or Infinity"},
			{"INCRBYFLOAT f nan", "ERR value is not a valid float"},
			{"INCRBYFLOAT f 1e5000", "ERR value is not a valid float"},
			{"INCRBYFLOAT f 1e-5000", "ERR value is not a valid float"},
			{"INCRBYFLOAT f 1e", "ERR value is not a valid float"},
			{"INCRBYFLOAT f 0x", "ERR value is not a valid float"},
			{"INCRBYFLOAT f abc", "ERR value is not a valid float"},
			{"EXISTS f", "0"},
			{"SET s abc", "OK"},
			{"INCRBYFLOAT s 1", "ERR value is not a valid float"},
			{"SET e 5 EX 100", "OK"},
			{"INCRBYFLOAT e 1.5", `"6.5"`},
			{"TTL e", "100"},
			{"LPUSH l a", "1"},
			{"INCRBYFLOAT l 1", strWrongType},
		}},
		{"getrange substr", []step{
			{"SET s hello", "OK"},
			{"GETRANGE s 0 -1", `"hello"`},
			{"GETRANGE s 0 -100", `"h"`},
			{"GETRANGE s -3 -1", `"llo"`},
			{"GETRANGE s -1 -5", `""`},
			{"GETRANGE s -10 -20", `""`},
			{"GETRANGE s -20 -10", `"h"`},
			{"GETRANGE s 10 20", `""`},
			{"GETRANGE s 3 1", `""`},
			{"GETRANGE none 0 1", `""`},
			{"GETRANGE s a 1", "ERR value is not an integer or out of range"},
			{"SUBSTR s 1 2", `"el"`},
			{"LPUSH l a", "1"},
			{"GETRANGE l 0 1", strWrongType},
		}},
		{"setrange", []step{
			{"SETRANGE none -1 x", "ERR offset is out of range"},
			{"SETRANGE s x y", "ERR value is not an integer or out of range"},
			{"SET s hello", "OK"},
			{"SETRANGE s 1 EL", "5"},
			{"GET s", `"hELlo"`},
			{"SETRANGE s 7 xyz", "10"},
			{"GET s", `"hELlo\x00\x00xyz"`},
			{"SETRANGE s 536870912 x", "ERR string exceeds maximum allowed size (proto-max-bulk-len)"},
			{"SETRANGE s 536870910 xyz", "ERR string exceeds maximum allowed size (proto-max-bulk-len)"},
			{"SETRANGE s 9223372036854775807 x", "ERR string exceeds maximum allowed size (proto-max-bulk-len)"},
			{"SETRANGE new 2 ab", "4"},
			{"GET new", `"\x00\x00ab"`},
			{"SET t v EX 100", "OK"},
			{"SETRANGE t 0 w", "1"},
			{"TTL t", "100"},
			{"LPUSH l a", "1"},
			{"SETRANGE l 0 x", strWrongType},
		}},
		{"msetnx", []step{
			{"MSETNX a 1 b 2", "1"},
			{"MSETNX b 3 c 4", "0"},
			{"EXISTS c", "0"},
			{"MSETNX c 1 c 2", "1"},
			{"GET c", `"2"`},
			{"MSETNX d 1 e", "ERR wrong number of arguments for 'msetnx' command"},
		}},
		{"lcs", []step{
			{"MSET a ohmytext b mynewtext", "OK"},
			{"LCS a b", `"mytext"`},
			{"LCS a b LEN", "6"},
			{"LCS a b IDX", `["matches" [[[4 7] [5 8]] [[2 3] [0 1]]] "len" 6]`},
			{"LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN", `["matches" [[[4 7] [5 8] 4]] "len" 6]`},
			{"LCS a b LEN IDX", "ERR If you want both the length and indexes, please just use IDX."},
			{"LCS a b MINMATCHLEN", "ERR syntax error"},
			{"LCS a b MINMATCHLEN x", "ERR value is not an integer or out of range"},
			{"LCS none none2", `""`},
			{"LCS none none2 IDX", `["matches" [] "len" 0]`},
			{"LPUSH l x", "1"},
			{"LCS a l", "ERR The specified keys must contain string values"},
			{"LCS l a FOO", "ERR The specified keys must contain string values"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc.steps) })
	}
}

// Ensure that empty strings, which the space-separated steps cannot
// write, behave as in Redis.
func TestString_EmptyValues(t *testing.T) {
	e, s, _ := newEngine(t)
	for _, st := range []struct {
		args []string
		want string
	}{
		{[]string{"SET", "e", ""}, "OK"},
		{[]string{"GETRANGE", "e", "0", "-1"}, `""`},
		{[]string{"GETRANGE", "e", "-1", "0"}, `""`},
		{[]string{"SETRANGE", "none", "0", ""}, "0"},
		{[]string{"EXISTS", "none"}, "0"},
		{[]string{"SETRANGE", "e", "5", ""}, "0"},
		{[]string{"INCRBYFLOAT", "e", "1"}, "ERR value is not a valid float"},
		{[]string{"INCRBYFLOAT", "x", ""}, "ERR value is not a valid float"},
		{[]string{"INCRBYFLOAT", "x", " 1"}, "ERR value is not a valid float"},
		{[]string{"INCRBYFLOAT", "x", "1 "}, "ERR value is not a valid float"},
		{[]string{"LCS", "e", "e", "IDX"}, `["matches" [] "len" 0]`},
		{[]string{"SET", "s", "a b c"}, "OK"},
		{[]string{"LCS", "s", "e"}, `""`},
		{[]string{"GETRANGE", "s", "1", "3"}, `" b "`},
	} {
		if got := exec(t, e, s, st.args...); got != st.want {
			t.Errorf("%q: got %s, want %s", st.args, got, st.want)
		}
	}
}

// Ensure that LCS IDX answers a map, which RESP3 clients see as one.
func TestString_LcsIdxIsMap(t *testing.T) {
	e, s, _ := newEngine(t)
	do(t, e, s, "MSET a abc b abc")
	r, err := e.Exec(s, [][]byte{[]byte("LCS"), []byte("a"), []byte("b"), []byte("IDX")})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(engine.Map); !ok {
		t.Fatalf("LCS IDX replied %T, want engine.Map", r)
	}
}

// Ensure that commands which rewrite a string never change the bytes a
// reply already holds: replies alias stored strings.
func TestString_WritesLeaveRepliesUnchanged(t *testing.T) {
	long := strings.Repeat("x", 100) // longer than the dict keeps inline
	for _, tc := range []struct {
		name, value string
		write       []string
	}{
		{"setrange inside", long, []string{"SETRANGE", "k", "3", "abc"}},
		{"setrange past the end", long, []string{"SETRANGE", "k", "200", "abc"}},
		{"setbit inside", long, []string{"SETBIT", "k", "0", "0"}},
		{"setbit past the end", long, []string{"SETBIT", "k", "2000", "1"}},
		{"bitfield inside", long, []string{"BITFIELD", "k", "SET", "u8", "0", "65"}},
		{"bitfield past the end", long, []string{"BITFIELD", "k", "SET", "u8", "1000", "65"}},
		{"append", long, []string{"APPEND", "k", "abc"}},
		{"short setrange", "hello", []string{"SETRANGE", "k", "0", "J"}},
		{"short setbit", "hello", []string{"SETBIT", "k", "2", "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, s, _ := newEngine(t)
			exec(t, e, s, "SET", "k", tc.value)
			// Grow it once so that it has spare capacity, as after APPEND.
			exec(t, e, s, "APPEND", "k", "y")
			reader := e.NewSession()
			r, err := e.Exec(reader, [][]byte{[]byte("GET"), []byte("k")})
			if err != nil {
				t.Fatal(err)
			}
			got := r.(*engine.Bulk).B
			before := bytes.Clone(got)
			rangeReply, _ := e.Exec(s, [][]byte{[]byte("GETRANGE"), []byte("k"), []byte("0"), []byte("10")})
			rangeBefore := bytes.Clone(rangeReply.([]byte))
			exec(t, e, s, tc.write...)
			exec(t, e, s, tc.write...) // a second write must not touch the first's bytes either
			if !bytes.Equal(got, before) {
				t.Errorf("GET reply changed to %q", got)
			}
			if !bytes.Equal(rangeReply.([]byte), rangeBefore) {
				t.Errorf("GETRANGE reply changed to %q", rangeReply)
			}
		})
	}
}

// Ensure that writers and readers of one string do not race: run with
// -race.
func TestString_ConcurrentReadersAndWriters(t *testing.T) {
	e, s, _ := newEngine(t)
	exec(t, e, s, "SET", "k", strings.Repeat("a", 200))
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := e.NewSession()
			for i := range 200 {
				switch i % 3 {
				case 0:
					exec(t, e, ws, "SETRANGE", "k", "10", "bb")
				case 1:
					exec(t, e, ws, "SETBIT", "k", "4000", "1")
				default:
					exec(t, e, ws, "APPEND", "k", "c")
				}
			}
		}()
	}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := e.NewSession()
			for range 200 {
				r, err := e.Exec(rs, [][]byte{[]byte("GETRANGE"), []byte("k"), []byte("0"), []byte("-1")})
				if err != nil {
					t.Error(err)
					return
				}
				if b := r.([]byte); len(b) < 200 || b[0] != 'a' {
					t.Errorf("GETRANGE = %q", b)
				}
			}
		}()
	}
	wg.Wait()
}

// strJournal records what the engine journals.
type strJournal struct {
	mu      sync.Mutex
	entries []string
}

func (j *strJournal) Append(db int, args [][]byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = string(a)
	}
	j.entries = append(j.entries, strings.Join(parts, " "))
	return nil
}

func (j *strJournal) take() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := j.entries
	j.entries = nil
	return out
}

// Ensure that writes whose effect depends on the clock journal what they
// did in absolute time, as Redis 7.0 propagates them, and that INCRBYFLOAT
// journals its result.
func TestString_JournalIsDeterministic(t *testing.T) {
	c := &clock{t: time.UnixMilli(1_700_000_000_000)}
	j := &strJournal{}
	e := engine.New(engine.Options{Now: c.now, Journal: j})
	s := e.NewSession()
	for _, tc := range []struct {
		cmd  string
		want []string // nil: nothing journaled
	}{
		{"SET k v", []string{"SET k v"}},
		{"SET k v EX 100", []string{"SET k v PXAT 1700000100000"}},
		{"SET k v PX 1500 GET", []string{"SET k v PXAT 1700000001500"}},
		{"SET k v EXAT 1700000200", []string{"SET k v PXAT 1700000200000"}},
		{"SET k v PXAT 1700000300000", []string{"SET k v PXAT 1700000300000"}},
		{"SET k v NX EX 10", nil},
		{"SETEX k 100 v", []string{"SET k v PXAT 1700000100000"}},
		{"PSETEX k 2500 v", []string{"SET k v PXAT 1700000002500"}},
		{"SETEX k 0 v", nil},
		{"GETEX k", nil},
		{"GETEX k EX 50", []string{"PEXPIREAT k 1700000050000"}},
		{"GETEX k PX 700", []string{"PEXPIREAT k 1700000000700"}},
		{"GETEX k EXAT 1700000400", []string{"PEXPIREAT k 1700000400000"}},
		{"GETEX k PXAT 1700000500000", []string{"PEXPIREAT k 1700000500000"}},
		{"GETEX k PERSIST", []string{"PERSIST k"}},
		{"GETEX k PERSIST", nil},
		{"GETEX k EXAT 1600000000", []string{"DEL k"}},
		{"GETEX k EX 10", nil},
		{"SET f 10.5 EX 100", []string{"SET f 10.5 PXAT 1700000100000"}},
		{"INCRBYFLOAT f 0.1", []string{"SET f 10.6 KEEPTTL"}},
		{"INCRBYFLOAT f abc", nil},
		{"GETSET f x", []string{"SET f x"}},
		{"GETDEL f", []string{"DEL f"}},
		{"GETDEL f", nil},
		{"SETNX n 1", []string{"SETNX n 1"}},
		{"SETNX n 1", nil},
		{"SETRANGE n 1 2", []string{"SETRANGE n 1 2"}},
		{"SETBIT b 3 1", []string{"SETBIT b 3 1"}},
		{"BITFIELD b GET u8 0", nil},
		{"BITFIELD b OVERFLOW FAIL INCRBY u2 0 10", nil},
		{"BITFIELD c OVERFLOW FAIL INCRBY u2 0 10", []string{"BITFIELD c OVERFLOW FAIL INCRBY u2 0 10"}},
		{"BITOP NOT d b", []string{"BITOP NOT d b"}},
		{"BITOP AND d none", []string{"BITOP AND d none"}},
		{"BITOP AND d none", nil},
		{"MSETNX m 1", []string{"MSETNX m 1"}},
	} {
		do(t, e, s, tc.cmd)
		got := j.take()
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s journaled %q, want %q", tc.cmd, got, tc.want)
		}
	}
}
