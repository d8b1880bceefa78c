package engine_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
)

// Ensure that a snapshot keeps the data it was taken with while every
// kind of write changes the collections it shares with the live keyspace
// (copy-on-write, engine/cow.go): the snapshot encodes to the same bytes
// before and after the writes, and the writes are visible live.
func TestSnapshot_CopyOnWrite(t *testing.T) {
	e, s, _ := newEngine(t)
	seed := []string{
		"RPUSH list a b c d e f",
		"RPUSH list2 x y",
		"HSET hash f1 v1 f2 v2 n 1 fl 1.5",
		"SADD ints 1 2 3",
		"SADD set a b c",
		"ZADD zset 1 a 2 b 3 c",
		"SET str hello",
		"SET num 10",
	}
	var big []string
	for i := 0; i < 300; i++ { // past every listpack and intset limit
		big = append(big, fmt.Sprint(i))
	}
	seed = append(seed,
		"HSET bighash "+pairs(big),
		"SADD bigset "+strings.Join(big, " "),
		"SADD bigints "+strings.Join(big, " ")+" "+strings.Join(big[:1], ""),
		"ZADD bigzset "+pairs(big),
		"RPUSH biglist "+strings.Join(big, " "),
	)
	for _, line := range seed {
		if r := do(t, e, s, line); strings.HasPrefix(r, "ERR") {
			t.Fatalf("%s: %s", line, r)
		}
	}
	snap := e.Snapshot()
	defer snap.Release()
	want := encode(t, snap)

	writes := []string{
		"LPUSH list z", "RPUSH list y", "LPOP list", "RPOP list", "LSET list 1 changed",
		"LREM list 0 c", "LINSERT list BEFORE d new", "LTRIM list 0 2", "LMOVE list2 list LEFT RIGHT",
		"RPOPLPUSH biglist list2", "LMPOP 1 biglist LEFT COUNT 3", "BLPOP list2 0", "LPUSHX biglist q",
		"HSET hash f1 other", "HDEL hash f2", "HINCRBY hash n 5", "HINCRBYFLOAT hash fl 2",
		"HSETNX hash f9 v9", "HSET bighash 7 seven", "HDEL bighash 8",
		"SADD ints 4", "SREM ints 1", "SADD set d", "SPOP set", "SMOVE bigset set 5",
		"SREM bigints 3", "SADD bigints x", "SINTERSTORE set set bigset", "SDIFFSTORE bigset bigset ints",
		"ZADD zset 5 a", "ZINCRBY zset 1 b", "ZREM zset c", "ZPOPMIN bigzset",
		"ZREMRANGEBYRANK bigzset 0 10", "ZADD bigzset 1000 new", "ZRANGESTORE zset bigzset 0 5",
		"APPEND str world", "SETRANGE str 0 J", "INCR num", "SETBIT str 3 1",
		"SORT biglist ALPHA LIMIT 0 5 STORE biglist", "RENAME hash hash2", "COPY bighash hash", "DEL ints",
		"EXPIRE bigset 100", "FLUSHDB ASYNC",
	}
	for _, line := range writes {
		if r := do(t, e, s, line); strings.HasPrefix(r, "ERR") || strings.HasPrefix(r, "WRONGTYPE") {
			t.Fatalf("%s: %s", line, r)
		}
	}
	if got := encode(t, snap); !bytes.Equal(got, want) {
		t.Fatal("the snapshot changed after writes to the live keyspace")
	}
	if got := do(t, e, s, "DBSIZE"); got != "0" {
		t.Errorf("live DBSIZE after FLUSHDB = %s, want 0", got)
	}
}

// Ensure that writes after a snapshot's release still change the data,
// and that a later snapshot sees them.
func TestSnapshot_ReleasedThenWritten(t *testing.T) {
	e, s, _ := newEngine(t)
	do(t, e, s, "RPUSH l a b")
	first := e.Snapshot()
	first.Release()
	first.Release() // a second release is harmless
	do(t, e, s, "RPUSH l c")
	second := e.Snapshot()
	defer second.Release()
	var got []string
	second.Each(0, func(key string, v engine.Value, _ int64) error {
		return v.Elems(func(b []byte) error { got = append(got, string(b)); return nil })
	})
	if strings.Join(got, " ") != "a b c" {
		t.Errorf("second snapshot holds %q, want a b c", got)
	}
}

func pairs(words []string) string {
	var b strings.Builder
	for _, w := range words {
		fmt.Fprintf(&b, "%s %s ", w, w)
	}
	return strings.TrimSpace(b.String())
}

func encode(t *testing.T, snap *engine.Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := persist.Encode(&buf, snap); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
