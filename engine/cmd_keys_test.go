package engine_test

import (
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

const wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

func TestGeneric_Commands(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
	}{
		{"renamenx", []step{
			{"SET a 1", "OK"},
			{"RENAMENX a a", "0"},
			{"RENAME a a", "OK"},
			{"RENAMENX none none", "ERR no such key"},
			{"SET b 2", "OK"},
			{"RENAMENX a b", "0"},
			{"RENAMENX a c", "1"},
			{"MGET a b c", `[(nil) "2" "1"]`},
			{"SET t v EX 100", "OK"},
			{"SET d v EX 50", "OK"},
			{"RENAMENX t t2", "1"},
			{"TTL t2", "100"},
			{"RENAME t2 d", "OK"},
			{"TTL d", "100"},
			{"RENAME c d", "OK"},
			{"TTL d", "-1"},
		}},
		{"copy", []step{
			{"SET s v EX 100", "OK"},
			{"COPY s s", "ERR source and destination objects are the same"},
			{"COPY s s DB 0", "ERR source and destination objects are the same"},
			{"COPY s s DB 16", "ERR DB index is out of range"},
			{"COPY s s DB -1", "ERR DB index is out of range"},
			{"COPY s s DB x", "ERR value is not an integer or out of range"},
			{"COPY s s DB 4294967296", "ERR value is out of range, value must between -2147483648 and 2147483647"},
			{"COPY s s DB", "ERR syntax error"},
			{"COPY s s NOPE", "ERR syntax error"},
			{"COPY none x", "0"},
			{"COPY s s2", "1"},
			{"TTL s2", "100"},
			{"COPY s s2", "0"},
			{"RPUSH l a", "1"},
			{"COPY l s2 REPLACE", "1"},
			{"RPUSH s2 b", "2"},
			{"LRANGE l 0 -1", `["a"]`},
			{"TTL s2", "-1"},
			{"COPY s s DB 1", "1"},
			{"SELECT 1", "OK"},
			{"TTL s", "100"},
		}},
		{"copy of a long string does not share it", []step{
			{"SET big " + strings.Repeat("x", 100), "OK"},
			{"COPY big big2", "1"},
			{"APPEND big2 y", "101"},
			{"APPEND big z", "101"},
			{"GET big", `"` + strings.Repeat("x", 100) + `z"`},
			{"GET big2", `"` + strings.Repeat("x", 100) + `y"`},
		}},
		{"move", []step{
			{"SET k v PX 5000", "OK"},
			{"MOVE k 0", "ERR source and destination objects are the same"},
			{"MOVE k 16", "ERR DB index is out of range"},
			{"MOVE k x", "ERR value is not an integer or out of range"},
			{"MOVE none 1", "0"},
			{"MOVE k 1", "1"},
			{"EXISTS k", "0"},
			{"SET k other", "OK"},
			{"SELECT 1", "OK"},
			{"PTTL k", "5000"},
			{"MOVE k 0", "0"},
			{"GET k", `"v"`},
		}},
		{"swapdb", []step{
			{"SET k zero", "OK"},
			{"SELECT 1", "OK"},
			{"SET k one", "OK"},
			{"SWAPDB 0 1", "OK"},
			{"GET k", `"zero"`},
			{"SWAPDB 1 1", "OK"},
			{"SWAPDB 0 x", "ERR invalid second DB index"},
			{"SWAPDB 99999999999 0", "ERR invalid first DB index"},
			{"SWAPDB 0 16", "ERR DB index is out of range"},
			{"SELECT 0", "OK"},
			{"GET k", `"one"`},
		}},
		{"touch unlink randomkey", []step{
			{"RANDOMKEY", "(nil)"},
			{"SET a 1", "OK"},
			{"RANDOMKEY", `"a"`},
			{"TOUCH a b a", "2"},
			{"UNLINK a b a", "1"},
			{"RANDOMKEY", "(nil)"},
		}},
		{"expiretime", []step{
			{"SET a 1", "OK"},
			{"EXPIRETIME a", "-1"},
			{"PEXPIRETIME none", "-2"},
			{"PEXPIREAT a 4102444800499", "1"},
			{"EXPIRETIME a", "4102444800"},
			{"PEXPIREAT a 4102444800500", "1"},
			{"EXPIRETIME a", "4102444801"},
			{"PEXPIRETIME a", "4102444800500"},
			{"EXPIRE a 10", "1"},
			{"EXPIRETIME a", "1700000010"},
		}},
		{"object", []step{
			{"SET i 12345", "OK"},
			{"OBJECT ENCODING i", `"int"`},
			{"OBJECT REFCOUNT i", "1"},
			{"SET i 9999", "OK"},
			{"OBJECT REFCOUNT i", "2147483647"},
			{"SET i -0", "OK"},
			{"OBJECT ENCODING i", `"embstr"`},
			{"SET i " + strings.Repeat("x", 44), "OK"},
			{"OBJECT ENCODING i", `"embstr"`},
			{"SET i " + strings.Repeat("x", 45), "OK"},
			{"OBJECT ENCODING i", `"raw"`},
			{"RPUSH l a", "1"},
			{"OBJECT ENCODING l", `"quicklist"`},
			{"HSET h f v", "1"},
			{"OBJECT ENCODING h", `"listpack"`},
			{"OBJECT IDLETIME h", "0"},
			{"OBJECT FREQ h", "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."},
			{"OBJECT FREQ none", "(nil)"},
			{"OBJECT ENCODING none", "(nil)"},
			{"OBJECT", "ERR wrong number of arguments for 'object' command"},
			{"OBJECT FOO", "ERR unknown subcommand 'FOO'. Try OBJECT HELP."},
			{"OBJECT ENCODING a b", "ERR wrong number of arguments for 'object|encoding' command"},
		}},
		{"scan options", []step{
			{"SCAN x", "ERR invalid cursor"},
			{"SCAN 1.5", "ERR invalid cursor"},
			{"SCAN 18446744073709551616", "ERR invalid cursor"},
			{"SCAN 0 COUNT 0", "ERR syntax error"},
			{"SCAN 0 COUNT x", "ERR value is not an integer or out of range"},
			{"SCAN 0 MATCH", "ERR syntax error"},
			{"SCAN 0 FOO bar", "ERR syntax error"},
			{"SCAN 0", `["0" []]`},
			{"SET a 1", "OK"},
			{"RPUSH l x", "1"},
			{"SCAN 0 TYPE LIST", `["0" ["l"]]`},
			{"SCAN 18446744073709551615 MATCH nothing", `["0" []]`}, // which keys the last bucket holds depends on the hash seed
			{"SCAN -1 MATCH nothing", `["0" []]`},
			{"SCAN 0 TYPE string MATCH a", `["0" ["a"]]`},
			{"SCAN 0 TYPE nosuchtype", `["0" []]`},
		}},
		{"sort", []step{
			{"RPUSH l 3 1 2 10", "4"},
			{"SORT l", `["1" "2" "3" "10"]`},
			{"SORT l DESC LIMIT 1 2", `["3" "2"]`},
			{"SORT l ALPHA", `["1" "10" "2" "3"]`},
			{"SORT l BY nosort DESC", `["10" "2" "1" "3"]`},
			{"SORT l BY nosort LIMIT 1 9223372036854775807", `["1" "2" "10"]`},
			{"SORT l LIMIT 9223372036854775807 2", "[]"},
			{"SORT l LIMIT 1", "ERR syntax error"},
			{"SORT_RO l STORE x", "ERR syntax error"},
			{"MSET w_1 4 w_2 3 w_3 2", "OK"},
			{"HSET h_1 f b", "1"},
			{"HSET h_10 f a", "1"},
			{"SORT l BY w_*", `["10" "3" "2" "1"]`},
			{"SORT l BY h_*->f ALPHA", `["3" "2" "10" "1"]`},
			{"SORT l BY nosort GET # GET w_* GET h_*->f", `["3" "2" (nil) "1" "4" "b" "2" "3" (nil) "10" (nil) "a"]`},
			{"SORT l ALPHA STORE out", "4"},
			{"LRANGE out 0 -1", `["1" "10" "2" "3"]`},
			{"SORT l BY nosort GET w_* STORE out", "4"},
			{"LRANGE out 0 -1", `["2" "4" "3" ""]`},
			{"SORT none STORE out", "0"},
			{"EXISTS out", "0"},
			{"RPUSH bad 1 x", "2"},
			{"SORT bad", "ERR One or more scores can't be converted into double"},
			{"SORT bad BY nosort", `["1" "x"]`},
			{"SET s v", "OK"},
			{"SORT s", wrongType},
			{"SORT_RO s", wrongType},
			{"HSET hh f v", "1"},
			{"SORT hh", wrongType},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { run(t, tc.steps) })
	}
}

// Ensure that keys past their TTL are invisible to SCAN, RANDOMKEY,
// COPY, MOVE, RENAMENX, SORT's patterns and the TTL readers, under the
// read lock as under the write lock.
func TestGeneric_ExpiredKeys(t *testing.T) {
	e, s, c := newEngine(t)
	for _, cmd := range []string{
		"SET gone v PX 100", "RPUSH l 1 2", "SET w_1 9 PX 100", "SET w_2 5", "SET keep v", "SET dst x PX 100",
	} {
		do(t, e, s, cmd)
	}
	c.advance(time.Second)
	for _, st := range []step{
		{"SCAN 0 COUNT 100", `["0" ["keep" "l" "w_2"]]`},
		{"SORT l BY w_*", `["1" "2"]`},
		{"SORT l BY nosort GET w_*", `[(nil) "5"]`},
		{"EXPIRETIME gone", "-2"},
		{"COPY gone x", "0"},
		{"MOVE gone 1", "0"},
		{"RENAMENX keep dst", "1"},
		{"COPY dst gone", "1"},
	} {
		got := do(t, e, s, st.cmd)
		if strings.HasPrefix(st.cmd, "SCAN") {
			got = sortScanKeys(got)
		}
		if got != st.want {
			t.Errorf("%s: got %s, want %s", st.cmd, got, st.want)
		}
	}
	do(t, e, s, "FLUSHALL")
	do(t, e, s, "SET a v PX 100")
	do(t, e, s, "SET b v PX 100")
	c.advance(time.Second)
	if got := do(t, e, s, "RANDOMKEY"); got != "(nil)" {
		t.Errorf("RANDOMKEY with only expired keys = %s, want (nil)", got)
	}
}

// sortScanKeys sorts the keys of a rendered SCAN reply, whose order
// depends on the table.
func sortScanKeys(reply string) string {
	i := strings.Index(reply, " [")
	if i < 0 || !strings.HasSuffix(reply, "]]") {
		return reply
	}
	keys := strings.Fields(reply[i+2 : len(reply)-2])
	slices.Sort(keys)
	return reply[:i] + " [" + strings.Join(keys, " ") + "]]"
}

// Ensure that SCAN through the engine returns every key that stays in
// the database from its first call to its last, while other keys are
// added and deleted in between and the table grows and shrinks.
func TestGeneric_ScanWhileWriting(t *testing.T) {
	e, s, _ := newEngine(t)
	rng := rand.New(rand.NewSource(1))
	for i := range 500 {
		do(t, e, s, fmt.Sprint("SET stable:", i, " v"))
	}
	seen := map[string]bool{}
	cursor, next := "0", 0
	var volatile []string
	for calls := 0; ; calls++ {
		r, err := e.Exec(s, [][]byte{[]byte("SCAN"), []byte(cursor), []byte("COUNT"), []byte(strconv.Itoa(1 + rng.Intn(20)))})
		if err != nil {
			t.Fatal(err)
		}
		reply := r.([]engine.Reply)
		for _, k := range reply[1].(engine.Bulks) {
			seen[string(k)] = true
		}
		if cursor = string(reply[0].([]byte)); cursor == "0" {
			t.Logf("%d calls, %d volatile keys made, %d left", calls+1, next, len(volatile))
			break
		}
		// Grow the table by a few thousand keys, then shrink it again.
		if calls%20 < 10 {
			for range 300 {
				volatile = append(volatile, fmt.Sprint("volatile:", next))
				do(t, e, s, "SET "+volatile[len(volatile)-1]+" v")
				next++
			}
		} else {
			for range min(300, len(volatile)) {
				i := rng.Intn(len(volatile))
				do(t, e, s, "DEL "+volatile[i])
				volatile[i] = volatile[len(volatile)-1]
				volatile = volatile[:len(volatile)-1]
			}
		}
		if calls > 100000 {
			t.Fatal("SCAN never returned to cursor 0")
		}
	}
	for i := range 500 {
		if !seen[fmt.Sprint("stable:", i)] {
			t.Fatalf("stable:%d was never returned", i)
		}
	}
}

// journal records what the engine journals.
type journal struct {
	mu    sync.Mutex
	lines []string
}

func (j *journal) Append(db int, args [][]byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = string(a)
	}
	j.lines = append(j.lines, fmt.Sprint(db, " ", strings.Join(words, " ")))
	return nil
}

// Ensure that relative and second-based expiries are journaled as
// PEXPIREAT at an absolute time in milliseconds, and expiries in the
// past as DEL, so that replaying the journal later gives the same keys.
func TestGeneric_ExpireJournalsAbsoluteTime(t *testing.T) {
	c := &clock{t: time.UnixMilli(1_700_000_000_123)}
	j := &journal{}
	e := engine.New(engine.Options{Now: c.now, Journal: j})
	s := e.NewSession()
	for _, cmd := range []string{
		"SET k v", "EXPIRE k 100", "PEXPIRE k 500000 GT", "EXPIREAT k 1800000000", "PEXPIREAT k 1800000000999",
		"EXPIRE none 10", "EXPIRE k 10 NX", "SELECT 2", "SET p v", "PEXPIRE p 0", "SET q v", "EXPIREAT q 1",
		"SET r v", "PEXPIREAT r 5",
	} {
		do(t, e, s, cmd)
	}
	want := []string{
		"0 SET k v",
		"0 PEXPIREAT k 1700000100123",
		"0 PEXPIREAT k 1700000500123 GT",
		"0 PEXPIREAT k 1800000000000",
		"0 PEXPIREAT k 1800000000999",
		"2 SET p v",
		"2 DEL p",
		"2 SET q v",
		"2 DEL q",
		"2 SET r v",
		"2 DEL r",
	}
	if got := strings.Join(j.lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("journal:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// Ensure that the new writes are journaled as they ran, and reads and
// writes that changed nothing are not.
func TestGeneric_JournalsWrites(t *testing.T) {
	j := &journal{}
	e := engine.New(engine.Options{Journal: j})
	s := e.NewSession()
	for _, cmd := range []string{
		"RPUSH l b a", "SORT l", "SORT l ALPHA STORE out", "SORT none STORE none", "COPY l l2 DB 3", "MOVE l 4",
		"RENAMENX out l", "RENAMENX l l", "SWAPDB 3 4", "UNLINK none", "UNLINK l", "SCAN 0", "OBJECT ENCODING out",
	} {
		do(t, e, s, cmd)
	}
	want := []string{
		"0 RPUSH l b a",
		"0 SORT l ALPHA STORE out",
		"0 COPY l l2 DB 3",
		"0 MOVE l 4",
		"0 RENAMENX out l",
		"0 SWAPDB 3 4",
		"0 UNLINK l",
	}
	if got := strings.Join(j.lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("journal:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// Ensure that SORT ALPHA compares as Redis's strcoll does in the C locale,
// up to the first NUL byte, keeping the list order of strings equal that
// far, but compares whole strings when it stores: found by the
// differential tester.
func TestGeneric_SortAlphaStopsAtNUL(t *testing.T) {
	e := engine.New(engine.Options{})
	s := e.NewSession()
	do := func(args ...string) engine.Reply {
		t.Helper()
		bs := make([][]byte, len(args))
		for i, a := range args {
			bs[i] = []byte(a)
		}
		r, err := e.Exec(s, bs)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return r
	}
	do("RPUSH", "l", "b\x00z", "a", "b\x00a", "b")
	render := func(r engine.Reply) string {
		var out []string
		for _, b := range r.(engine.Bulks) {
			out = append(out, strconv.Quote(string(b)))
		}
		return strings.Join(out, " ")
	}
	if got, want := render(do("SORT", "l", "ALPHA")), `"a" "b\x00z" "b\x00a" "b"`; got != want {
		t.Errorf("SORT l ALPHA = %s, want %s", got, want)
	}
	do("SORT", "l", "ALPHA", "STORE", "d")
	if got, want := render(do("LRANGE", "d", "0", "-1")), `"a" "b" "b\x00a" "b\x00z"`; got != want {
		t.Errorf("SORT l ALPHA STORE d stored %s, want %s", got, want)
	}
}

// Ensure that EXPIRE's error for an unsupported option drops line breaks
// at its end and turns the others into spaces, as Redis's error replies
// do: found by the differential tester.
func TestGeneric_ExpireOptionErrorLineBreaks(t *testing.T) {
	e := engine.New(engine.Options{})
	s := e.NewSession()
	if _, err := e.Exec(s, [][]byte{[]byte("SET"), []byte("k"), []byte("v")}); err != nil {
		t.Fatal(err)
	}
	for opt, want := range map[string]string{
		"x\r\n":   "ERR Unsupported option x",
		"a\nb":    "ERR Unsupported option a b",
		"\r\nab":  "ERR Unsupported option   ab",
		"a\x00b":  "ERR Unsupported option a",
		"nx\r\n ": "ERR Unsupported option nx   ",
	} {
		_, err := e.Exec(s, [][]byte{[]byte("EXPIRE"), []byte("k"), []byte("100"), []byte(opt)})
		if err == nil || err.Error() != want {
			t.Errorf("EXPIRE k 100 %q: error %v, want %q", opt, err, want)
		}
	}
}
