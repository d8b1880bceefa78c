package engine_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
)

// Ensure that CONFIG SET is all or nothing, as in Redis 7.0: a name
// without a value is a syntax error, every name is checked before any
// value is set (the first unknown, immutable or repeated one is
// reported), and a value refused part way puts back the ones set before.
func TestConfigSet_AllOrNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
		a, b string // the two directives' values afterwards
	}{
		{"applies every pair", []string{"a", "2", "b", "3"}, "OK", "2", "3"},
		{"name without a value", []string{"a", "2", "b"}, "ERR syntax error", "1", "1"},
		{"unknown after a good pair", []string{"a", "2", "nosuch", "3"},
			"ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'", "1", "1"},
		{"the first bad name wins", []string{"fixed", "2", "nosuch", "3"},
			"ERR CONFIG SET failed (possibly related to argument 'fixed') - can't set immutable config", "1", "1"},
		{"repeated, in another case", []string{"a", "2", "A", "3"},
			"ERR CONFIG SET failed (possibly related to argument 'A') - duplicate parameter", "1", "1"},
		{"repeated through an alias", []string{"b", "2", "old-b", "3"},
			"ERR CONFIG SET failed (possibly related to argument 'old-b') - duplicate parameter", "1", "1"},
		{"refused value rolls back", []string{"a", "2", "b", "bad"},
			"ERR CONFIG SET failed (possibly related to argument 'b') - bad value", "1", "1"},
		{"refusal names the directive, not the argument", []string{"B", "bad"},
			"ERR CONFIG SET failed (possibly related to argument 'b') - bad value", "1", "1"},
		{"name ends at a NUL", []string{"a\x00x", "2"},
			"ERR Unknown option or number of arguments for CONFIG SET - 'a'", "1", "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, s, _ := newEngine(t)
			vals := map[string]string{"a": "1", "b": "1"}
			param := func(name, alias string) engine.Param {
				return engine.Param{Name: name, Alias: alias,
					Get: func() string { return vals[name] },
					Set: func(v string) error {
						if v == "bad" {
							return errors.New("bad value")
						}
						vals[name] = v
						return nil
					}}
			}
			e.RegisterConfig(param("a", ""), param("b", "old-b"),
				engine.Param{Name: "fixed", Get: func() string { return "0" }})
			if got := exec(t, e, s, append([]string{"CONFIG", "SET"}, tc.args...)...); got != tc.want {
				t.Errorf("CONFIG SET %q = %s, want %s", tc.args, got, tc.want)
			}
			if vals["a"] != tc.a || vals["b"] != tc.b {
				t.Errorf("afterwards a=%s b=%s, want a=%s b=%s", vals["a"], vals["b"], tc.a, tc.b)
			}
		})
	}
}

// Ensure that CONFIG GET answers a name under the name as the client wrote
// it, each name once whatever its case, and a glob under the names and
// aliases it matched, as Redis 7.0 does; glob characters and the pattern
// end at a NUL byte.
func TestConfigGet_Names(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"A-DIR"}, `["A-DIR" "1"]`},
		{[]string{"a-dir", "A-DIR"}, `["a-dir" "1"]`},
		{[]string{"OLD-B"}, `["OLD-B" "2"]`},
		{[]string{"b-*"}, `["b-dir" "2"]`},
		{[]string{"*-B"}, `["old-b" "2"]`},
		{[]string{"A-DIR", "a-*"}, `["A-DIR" "1"]`},
		{[]string{"?-dir", "old-*"}, `["a-dir" "1" "b-dir" "2" "old-b" "2"]`},
		{[]string{"nosuch", "a-dir\x00*"}, `[]`},
		{[]string{"a-d*\x00zzz"}, `["a-dir" "1"]`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			e, s, _ := newEngine(t)
			e.RegisterConfig(engine.Param{Name: "a-dir", Get: func() string { return "1" }},
				engine.Param{Name: "b-dir", Alias: "old-b", Get: func() string { return "2" }})
			if got := exec(t, e, s, append([]string{"CONFIG", "GET"}, tc.args...)...); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// Ensure that CONFIG's subcommands have Redis's arities and errors, and
// that CONFIG HELP is Redis 7.0's text.
func TestConfig_Subcommands(t *testing.T) {
	e, s, _ := newEngine(t)
	steps(t, e, s, []step{
		{"CONFIG", "ERR wrong number of arguments for 'config' command"},
		{"CONFIG GET", "ERR wrong number of arguments for 'config|get' command"},
		{"CONFIG SET a", "ERR wrong number of arguments for 'config|set' command"},
		{"CONFIG RESETSTAT x", "ERR wrong number of arguments for 'config|resetstat' command"},
		{"CONFIG HELP x", "ERR wrong number of arguments for 'config|help' command"},
		{"CONFIG BOGUS", "ERR unknown subcommand 'BOGUS'. Try CONFIG HELP."},
		{"config bogus", "ERR unknown subcommand 'bogus'. Try CONFIG HELP."},
	})
	want := strings.Join([]string{
		"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
		"GET <pattern>",
		"    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>",
		"    Set the configuration <directive> to <value>.",
		"RESETSTAT",
		"    Reset statistics reported by the INFO command.",
		"REWRITE",
		"    Rewrite the configuration file.",
		"HELP",
		"    Prints this help.",
	}, "\n")
	if got := helpLines(t, e, s, "CONFIG"); got != want {
		t.Errorf("CONFIG HELP =\n%s\nwant\n%s", got, want)
	}
}

// helpLines returns cmd HELP's lines, one a line.
func helpLines(t testing.TB, e *engine.Engine, s *engine.Session, cmd string) string {
	t.Helper()
	r, err := e.Exec(s, bytesArgs([]string{cmd, "HELP"}))
	if err != nil {
		t.Fatalf("%s HELP: %v", cmd, err)
	}
	var lines []string
	for _, l := range r.([]engine.Reply) {
		lines = append(lines, string(l.(engine.Status)))
	}
	return strings.Join(lines, "\n")
}
