package engine_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/photondb/photon/engine"
)

// textSerializer is a stand-in for persist's DUMP format that keeps the
// engine's tests free of it: a string value's payload is "P:" and its
// bytes; "P:!footer" fails as a wrong version or checksum would, and
// anything else as data that cannot be read.
type textSerializer struct{}

func (textSerializer) Dump(v engine.Value) ([]byte, error) {
	if v.Kind() != engine.KindString {
		return []byte("P:" + v.Kind().String()), nil
	}
	return append([]byte("P:"), v.Bytes()...), nil
}

func (textSerializer) Restore(p []byte) (engine.Value, error) {
	s, ok := strings.CutPrefix(string(p), "P:")
	switch {
	case s == "!footer":
		return engine.Value{}, engine.ErrDumpPayload
	case !ok:
		return engine.Value{}, errors.New("not a payload")
	}
	return engine.StringValue([]byte(s)), nil
}

// Ensure that DUMP and RESTORE answer as Redis 7.0's do: options checked
// in Redis's order with its messages, BUSYKEY before the TTL, TTLs
// relative or absolute, and a TTL in the past storing nothing.
func TestDump_Restore(t *testing.T) {
	c := &clock{t: time.UnixMilli(1_700_000_000_000)}
	j := &strJournal{}
	e := engine.New(engine.Options{Now: c.now, Serializer: textSerializer{}, Journal: j})
	s := e.NewSession()
	for _, tc := range []struct {
		cmd, want string
		journal   []string // nil: nothing journaled
	}{
		{"DUMP missing", "(nil)", nil},
		{"SET k v", "OK", []string{"SET k v"}},
		{"DUMP k", `"P:v"`, nil},
		{"RESTORE n 0 P:hello", "OK", []string{"RESTORE n 0 P:hello"}},
		{"GET n", `"hello"`, nil},
		{"TTL n", "-1", nil},
		{"RESTORE n 0 P:x", "BUSYKEY Target key name already exists.", nil},
		{"RESTORE n abc P:x", "BUSYKEY Target key name already exists.", nil},
		{"RESTORE n abc P:x BOGUS", "ERR syntax error", nil},
		{"RESTORE m abc P:x", "ERR value is not an integer or out of range", nil},
		{"RESTORE m -1 P:x", "ERR Invalid TTL value, must be >= 0", nil},
		{"RESTORE m 0 P:!footer", "ERR DUMP payload version or checksum are wrong", nil},
		{"RESTORE m 0 garbage", "ERR Bad data format", nil},
		{"RESTORE m 0 P:x IDLETIME -1", "ERR Invalid IDLETIME value, must be >= 0", nil},
		{"RESTORE m 0 P:x IDLETIME x", "ERR value is not an integer or out of range", nil},
		{"RESTORE m 0 P:x FREQ 256", "ERR Invalid FREQ value, must be >= 0 and <= 255", nil},
		{"RESTORE m 0 P:x FREQ -1", "ERR Invalid FREQ value, must be >= 0 and <= 255", nil},
		{"RESTORE m 0 P:x IDLETIME 5 FREQ 3", "ERR syntax error", nil},
		{"RESTORE m 0 P:x FREQ 3 IDLETIME 5", "ERR syntax error", nil},
		{"RESTORE m 0 P:x IDLETIME", "ERR syntax error", nil},
		{"RESTORE m 0 P:x idletime 5 idletime 7 freq", "ERR syntax error", nil},
		{"RESTORE m 0 P:x FREQ 3 FREQ 4 replace absttl", "OK", []string{"RESTORE m 0 P:x FREQ 3 FREQ 4 replace absttl"}},
		{"RESTORE m 1500 P:y REPLACE", "OK", []string{"RESTORE m 1700000001500 P:y REPLACE ABSTTL"}},
		{"PTTL m", "1500", nil},
		{"RESTORE m 1700000005000 P:z REPLACE ABSTTL", "OK", []string{"RESTORE m 1700000005000 P:z REPLACE ABSTTL"}},
		{"PEXPIRETIME m", "1700000005000", nil},
		{"RESTORE m 0 P:w REPLACE", "OK", []string{"RESTORE m 0 P:w REPLACE"}},
		{"TTL m", "-1", nil},
		{"RESTORE m 1 P:w REPLACE ABSTTL", "OK", []string{"DEL m"}},
		{"EXISTS m", "0", nil},
		{"RESTORE m 1 P:w ABSTTL", "OK", nil},
		{"RESTORE m 9223372036854775807 P:w", "OK", nil}, // wraps into the past, as in Redis
		{"EXISTS m", "0", nil},
		{"RESTORE m 9223372036854775808 P:w", "ERR value is not an integer or out of range", nil},
		{"RESTORE", "ERR wrong number of arguments for 'restore' command", nil},
		{"RESTORE m 0", "ERR wrong number of arguments for 'restore' command", nil},
		{"DUMP", "ERR wrong number of arguments for 'dump' command", nil},
		{"RPUSH l a", "1", []string{"RPUSH l a"}},
		{"DUMP l", `"P:list"`, nil},
	} {
		if got := do(t, e, s, tc.cmd); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.cmd, got, tc.want)
		}
		if got := j.take(); !slices.Equal(got, tc.journal) {
			t.Errorf("%s journaled %q, want %q", tc.cmd, got, tc.journal)
		}
	}

	// An expired key is not there for BUSYKEY.
	do(t, e, s, "SET gone v PX 10")
	c.advance(time.Second)
	if got := do(t, e, s, "RESTORE gone 0 P:back"); got != "OK" {
		t.Errorf("RESTORE over an expired key = %s", got)
	}
}

// Ensure that without a Serializer DUMP and RESTORE say so.
func TestDump_NoSerializer(t *testing.T) {
	e, s, _ := newEngine(t)
	do(t, e, s, "SET k v")
	for _, cmd := range []string{"DUMP k", "RESTORE n 0 x"} {
		if got := do(t, e, s, cmd); got != "ERR DUMP and RESTORE are not configured" {
			t.Errorf("%s = %s", cmd, got)
		}
	}
}
