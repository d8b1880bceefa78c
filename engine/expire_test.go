package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

// expiredEngine returns an engine whose keys k (a string) and live (with
// no TTL) are stored, k with a TTL that has just passed, as SET ... PXAT
// in the past leaves a key in Redis 7.0.
func expiredEngine(t *testing.T, o engine.Options) (*engine.Engine, *engine.Session, *clock) {
	t.Helper()
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	o.Now = c.now
	e := engine.New(o)
	s := e.NewSession()
	t.Cleanup(s.Close)
	setExpired(t, e, s, c, "k")
	do(t, e, s, "SET live 1")
	return e, s, c
}

// setExpired stores key as a string whose TTL has just passed.
func setExpired(t *testing.T, e *engine.Engine, s *engine.Session, c *clock, key string) {
	t.Helper()
	if got := do(t, e, s, "SET "+key+" v PX 100"); got != "OK" {
		t.Fatalf("SET %s = %s", key, got)
	}
	c.advance(200 * time.Millisecond)
}

// stat returns a field of INFO stats.
func stat(t *testing.T, e *engine.Engine, s *engine.Session, name string) string {
	t.Helper()
	for _, line := range strings.Split(exec(t, e, s, "INFO", "stats"), "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO stats has no %s", name)
	return ""
}

// Ensure that every read that finds a key expired deletes it, as Redis
// 7.0's do: DBSIZE stops counting it and expired_keys counts it, and the
// keyspace hits and misses are counted as Redis counts them. KEYS and
// MEMORY USAGE skip or measure it without deleting it, as in Redis, and
// SCAN deletes only the keys its MATCH lets through.
func TestExpire_ReadsDelete(t *testing.T) {
	for _, tc := range []struct {
		read         string
		want         string
		dbsize       string // after the read
		hits, misses string
	}{
		{"GET k", "(nil)", "1", "0", "1"},
		{"MGET k k live", `[(nil) (nil) "1"]`, "1", "1", "2"},
		{"EXISTS k live", "1", "1", "1", "1"},
		{"TOUCH k", "0", "1", "0", "1"},
		{"TTL k", "-2", "1", "0", "1"},
		{"PTTL k", "-2", "1", "0", "1"},
		{"EXPIRETIME k", "-2", "1", "0", "1"},
		{"TYPE k", "none", "1", "0", "1"},
		{"STRLEN k", "0", "1", "0", "1"},
		{"GETRANGE k 0 -1", `""`, "1", "0", "1"},
		{"OBJECT ENCODING k", "(nil)", "1", "0", "1"},
		{"DUMP k", "(nil)", "1", "0", "1"},
		{"SORT k", "[]", "1", "0", "1"},
		{"SORT_RO k", "[]", "1", "0", "1"},
		{"LRANGE k 0 -1", "[]", "1", "0", "1"},
		{"HGETALL k", "[]", "1", "0", "1"},
		{"SMEMBERS k", "[]", "1", "0", "1"},
		{"ZRANGE k 0 -1", "[]", "1", "0", "1"},
		{"LCS k live", `""`, "1", "1", "1"},
		{"BITCOUNT k", "0", "1", "0", "1"},
		{"SCAN 0", `["0" ["live"]]`, "1", "0", "0"},
		{"SCAN 0 MATCH k*", `["0" []]`, "1", "0", "0"},
		{"SCAN 0 MATCH nomatch", `["0" []]`, "2", "0", "0"},
		{"SCAN 0 TYPE string", `["0" ["live"]]`, "1", "1", "1"},
		{"SCAN 0 TYPE none", `["0" ["k"]]`, "1", "1", "1"}, // Redis 7.0 answers the key it just deleted
		{"KEYS *", `["live"]`, "2", "0", "0"},
		{"MEMORY USAGE k", "", "2", "0", "0"},
	} {
		t.Run(tc.read, func(t *testing.T) {
			e, s, _ := expiredEngine(t, engine.Options{Serializer: textSerializer{}})
			do(t, e, s, "CONFIG RESETSTAT")
			got := do(t, e, s, tc.read)
			if tc.want != "" && got != tc.want {
				t.Errorf("%s = %s, want %s", tc.read, got, tc.want)
			}
			if got := do(t, e, s, "DBSIZE"); got != tc.dbsize {
				t.Errorf("DBSIZE after %s = %s, want %s", tc.read, got, tc.dbsize)
			}
			expired := "1"
			if tc.dbsize == "2" {
				expired = "0"
			}
			for _, f := range []struct{ name, want string }{
				{"expired_keys", expired}, {"keyspace_hits", tc.hits}, {"keyspace_misses", tc.misses},
			} {
				if got := stat(t, e, s, f.name); got != f.want {
					t.Errorf("after %s, %s = %s, want %s", tc.read, f.name, got, f.want)
				}
			}
		})
	}
}

// Ensure that RANDOMKEY in a database whose keys have all expired
// deletes them all and answers nil, as Redis's does, which draws until
// none is left.
func TestExpire_RandomkeyAllExpired(t *testing.T) {
	e, s, c := newEngine(t)
	for i := range 300 {
		do(t, e, s, "SET k"+itoa(i)+" v PX 100")
	}
	c.advance(time.Second)
	if got := do(t, e, s, "RANDOMKEY"); got != "(nil)" {
		t.Errorf("RANDOMKEY = %s, want (nil)", got)
	}
	if got := do(t, e, s, "DBSIZE"); got != "0" {
		t.Errorf("DBSIZE = %s, want 0", got)
	}
	if got := stat(t, e, s, "expired_keys"); got != "300" {
		t.Errorf("expired_keys = %s, want 300", got)
	}
}

// itoa formats a small number without strconv, for key names.
func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// Ensure that a pipelined read that finds a key expired has it deleted
// before the next command of the pipeline runs, and before its own reply
// is passed out, with the "expired" and "keymiss" events in Redis's
// order before that reply.
func TestExpire_PipelinedReadDeletesBeforeNextCommand(t *testing.T) {
	e, s, _ := expiredEngine(t, engine.Options{})
	do(t, e, s, "CONFIG SET notify-keyspace-events KEAm")
	received := subscriber(t, e)
	var got []string
	out := func(r engine.Reply, err error) {
		for _, m := range received() {
			got = append(got, "push "+m)
		}
		if err != nil {
			got = append(got, err.Error())
			return
		}
		got = append(got, render(r, false))
	}
	e.ExecBatch(s, [][][]byte{words("GET live"), words("DBSIZE"), words("GET k"), words("DBSIZE")}, out)
	want := []string{
		`"1"`, "2",
		"push __keyspace@0__:k expired", "push __keyevent@0__:expired k",
		"push __keyspace@0__:k keymiss", "push __keyevent@0__:keymiss k",
		"(nil)", "1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("replies and pushes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// words splits a command line into arguments.
func words(line string) [][]byte {
	var args [][]byte
	for _, w := range strings.Fields(line) {
		args = append(args, []byte(w))
	}
	return args
}

// Ensure that the events of a read of expired keys come in Redis's order:
// each key's "expired" before its "keymiss", and a second read of the
// same key misses without expiring it again; OBJECT announces no miss.
func TestExpire_NotificationOrder(t *testing.T) {
	e, s, c := newEngine(t)
	do(t, e, s, "CONFIG SET notify-keyspace-events Exm")
	setExpired(t, e, s, c, "a")
	setExpired(t, e, s, c, "b")
	received := subscriber(t, e)
	for _, tc := range []struct {
		read string
		want []string
	}{
		{"MGET x a a b", []string{
			"__keyevent@0__:keymiss x", "__keyevent@0__:expired a", "__keyevent@0__:keymiss a",
			"__keyevent@0__:keymiss a", "__keyevent@0__:expired b", "__keyevent@0__:keymiss b",
		}},
		{"GET a", []string{"__keyevent@0__:keymiss a"}},
	} {
		do(t, e, s, tc.read)
		if got := received(); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s announced %q, want %q", tc.read, got, tc.want)
		}
	}
	setExpired(t, e, s, c, "o")
	received()
	do(t, e, s, "OBJECT ENCODING o")
	if got, want := received(), []string{"__keyevent@0__:expired o"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("OBJECT announced %q, want %q", got, want)
	}
}

// Ensure that reads inside MULTI/EXEC delete the expired keys they find
// at once, so that the commands after them in the transaction see them
// gone, and that the DEL is journaled inside the transaction.
func TestExpire_InsideExec(t *testing.T) {
	j := &journal{}
	e, s, _ := expiredEngine(t, engine.Options{Journal: j})
	j.lines = nil
	for _, line := range []string{"MULTI", "GET k", "DBSIZE", "SET x 1", "EXEC"} {
		do(t, e, s, line)
	}
	want := []string{"0 MULTI", "0 DEL k", "0 SET x 1", "0 EXEC"}
	if strings.Join(j.lines, "|") != strings.Join(want, "|") {
		t.Errorf("journal = %q, want %q", j.lines, want)
	}
	setExpiredAgain := func() {
		do(t, e, s, "SET k v PXAT 1")
	}
	setExpiredAgain()
	do(t, e, s, "MULTI")
	do(t, e, s, "EXISTS k")
	do(t, e, s, "DBSIZE")
	if got := do(t, e, s, "EXEC"); got != "[0 2]" {
		t.Errorf("read-only EXEC = %s, want [0 2]", got)
	}
}

// Ensure that each way an expired key is deleted journals DEL, as Redis
// propagates it: a read under the read lock, a write that finds it, the
// active expiry cycle, and in another database than 0.
func TestExpire_JournalsDel(t *testing.T) {
	j := &journal{}
	e, s, c := expiredEngine(t, engine.Options{Journal: j})
	do(t, e, s, "GET k")
	setExpired(t, e, s, c, "w")
	do(t, e, s, "APPEND w x")
	do(t, e, s, "SELECT 3")
	setExpired(t, e, s, c, "a")
	if n := e.ExpireCycle(); n != 1 {
		t.Errorf("ExpireCycle deleted %d keys, want 1", n)
	}
	want := []string{
		"0 SET k v PXAT 1700000000100", "0 SET live 1", "0 DEL k",
		"0 SET w v PXAT 1700000000300", "0 DEL w", "0 APPEND w x",
		"3 SET a v PXAT 1700000000500", "3 DEL a",
	}
	if strings.Join(j.lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("journal:\n%s\nwant:\n%s", strings.Join(j.lines, "\n"), strings.Join(want, "\n"))
	}
}

// Ensure that a read's deletion of an expired key touches the sessions
// watching it, so that their EXEC fails, as in Redis: a key watched while
// live that then expired, even once deleted; not one already expired when
// it was watched.
func TestExpire_ReadTouchesWatchers(t *testing.T) {
	for _, tc := range []struct {
		name           string
		expireFirst    bool // the key has expired before WATCH
		wantExecResult string
	}{
		{"watched live", false, "(nil array)"},
		{"watched expired", true, "[OK]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, a, c := newEngine(t)
			b := e.NewSession()
			t.Cleanup(b.Close)
			do(t, e, a, "SET k v PX 100")
			if tc.expireFirst {
				c.advance(time.Second)
			}
			do(t, e, a, "WATCH k")
			c.advance(time.Second)
			if got := do(t, e, b, "GET k"); got != "(nil)" {
				t.Fatalf("GET k = %s", got)
			}
			if got := do(t, e, b, "DBSIZE"); got != "0" {
				t.Fatalf("DBSIZE after GET = %s, want 0", got)
			}
			do(t, e, a, "MULTI")
			do(t, e, a, "SET x 1")
			if got := do(t, e, a, "EXEC"); got != tc.wantExecResult {
				t.Errorf("EXEC = %s, want %s", got, tc.wantExecResult)
			}
		})
	}
}
