package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

// subscriber returns a session subscribed to every keyspace and keyevent
// channel and a function that returns, and forgets, what it received so
// far, each message as "channel message".
func subscriber(t *testing.T, e *engine.Engine) func() []string {
	t.Helper()
	var got []string
	sub := e.NewSession()
	sub.SetConn(engine.ConnInfo{Push: func(r engine.Reply) {
		p := r.(engine.Push)
		got = append(got, string(p[2].([]byte))+" "+string(p[3].([]byte)))
	}})
	do(t, e, sub, "PSUBSCRIBE __key*__:*")
	return func() []string {
		out := got
		got = nil
		return out
	}
}

// Ensure that CONFIG SET notify-keyspace-events reads Redis's letters and
// CONFIG GET writes them back in Redis's canonical order.
func TestNotify_Config(t *testing.T) {
	e, s, _ := newEngine(t)
	if got := do(t, e, s, "CONFIG GET notify-keyspace-events"); got != `["notify-keyspace-events" ""]` {
		t.Errorf("default: CONFIG GET = %s", got)
	}
	for _, tc := range []struct{ set, get string }{
		{"KEA", "AKE"},
		{"Kg", "gK"},
		{"An", "A"},
		{"g$lshzxetdKEmn", "AKEm"},
		{"Eelx", "lxeE"},
		{"n", "n"},
		{"EK$", "$KE"},
	} {
		if got := do(t, e, s, "CONFIG SET notify-keyspace-events "+tc.set); got != "OK" {
			t.Fatalf("CONFIG SET %q = %s", tc.set, got)
		}
		if got := do(t, e, s, "CONFIG GET notify-keyspace-events"); got != `["notify-keyspace-events" "`+tc.get+`"]` {
			t.Errorf("after SET %q: CONFIG GET = %s, want %s", tc.set, got, tc.get)
		}
	}
	want := "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
	if got := do(t, e, s, "CONFIG SET notify-keyspace-events KEq"); got != want {
		t.Errorf("CONFIG SET KEq = %s", got)
	}
}

// Ensure that each write announces its events on the channels and for
// the classes the configuration asks for, and nothing when it is off.
func TestNotify_Events(t *testing.T) {
	for _, tc := range []struct {
		name, flags string
		lines       []string
		want        []string
	}{
		{"off", "", []string{"SET a 1", "DEL a"}, nil},
		{"keyspace only", "K$", []string{"SET a 1"}, []string{"__keyspace@0__:a set"}},
		{"keyevent only", "E$", []string{"SET a 1"}, []string{"__keyevent@0__:set a"}},
		{"class filtered", "Eg", []string{"SET a 1", "EXPIRE a 10"}, []string{"__keyevent@0__:expire a"}},
		{"no change no event", "EA", []string{"SADD s a", "SADD s a", "SREM s b"}, []string{"__keyevent@0__:sadd s"}},
		{"set with ttl", "EA", []string{"SET a 1 EX 10"}, []string{"__keyevent@0__:set a", "__keyevent@0__:expire a"}},
		{"emptied", "EA", []string{"RPUSH l a", "LPOP l"},
			[]string{"__keyevent@0__:rpush l", "__keyevent@0__:lpop l", "__keyevent@0__:del l"}},
		{"store of nothing", "EA", []string{"SADD d x", "SINTERSTORE d nope"},
			[]string{"__keyevent@0__:sadd d", "__keyevent@0__:del d"}},
		{"del only existing", "EA", []string{"SET a 1", "DEL nope a"}, []string{"__keyevent@0__:set a", "__keyevent@0__:del a"}},
		{"expire in the past", "EA", []string{"SET a 1", "EXPIRE a -1"}, []string{"__keyevent@0__:set a", "__keyevent@0__:del a"}},
		{"rename", "EA", []string{"SET a 1", "RENAME a b"},
			[]string{"__keyevent@0__:set a", "__keyevent@0__:rename_from a", "__keyevent@0__:rename_to b"}},
		{"move", "EA", []string{"SET a 1", "MOVE a 3"},
			[]string{"__keyevent@0__:set a", "__keyevent@0__:move_from a", "__keyevent@3__:move_to a"}},
		{"lmove", "EA", []string{"RPUSH l a", "LMOVE l m RIGHT LEFT"},
			[]string{"__keyevent@0__:rpush l", "__keyevent@0__:lpush m", "__keyevent@0__:rpop l", "__keyevent@0__:del l"}},
		{"lmpop", "EA", []string{"RPUSH l a b", "LMPOP 2 x l RIGHT"},
			[]string{"__keyevent@0__:rpush l", "__keyevent@0__:rpop l"}},
		{"incrbyfloat", "EA", []string{"INCRBYFLOAT f 1.5"}, []string{"__keyevent@0__:incrbyfloat f"}},
		{"flushdb", "EA", []string{"SET a 1", "FLUSHDB"}, []string{"__keyevent@0__:set a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, s, _ := newEngine(t)
			got := subscriber(t, e)
			do(t, e, s, "CONFIG SET notify-keyspace-events "+tc.flags)
			for _, l := range tc.lines {
				do(t, e, s, l)
			}
			if g := got(); strings.Join(g, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got  %q\nwant %q", g, tc.want)
			}
		})
	}
}

// Ensure that keys whose TTL ran out are announced as "expired", by the
// lazy check of a write and by the active cycle.
func TestNotify_Expired(t *testing.T) {
	e, s, c := newEngine(t)
	got := subscriber(t, e)
	do(t, e, s, "CONFIG SET notify-keyspace-events Ex")
	do(t, e, s, "SET lazy 1 PX 10")
	do(t, e, s, "SET active 1 PX 10")
	c.advance(time.Second)
	do(t, e, s, "LPUSH lazy x")
	e.ExpireCycle()
	want := []string{"__keyevent@0__:expired lazy", "__keyevent@0__:expired active"}
	if g := got(); strings.Join(g, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", g, want)
	}
}

// Ensure that keys maxmemory evicts are announced as "evicted".
func TestNotify_Evicted(t *testing.T) {
	e, s, _ := newEngine(t)
	got := subscriber(t, e)
	do(t, e, s, "SET a 1")
	do(t, e, s, "CONFIG SET notify-keyspace-events Ee")
	do(t, e, s, "CONFIG SET maxmemory-policy allkeys-random")
	do(t, e, s, "CONFIG SET maxmemory 1")
	do(t, e, s, "SET b 2")
	g := got()
	if len(g) == 0 || g[0] != "__keyevent@0__:evicted a" {
		t.Errorf("got %q, want a first evicted", g)
	}
}
