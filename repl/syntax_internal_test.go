package repl

import (
	"slices"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
)

// syntaxTable is a command table with the shapes of syntax the engine's
// table has: options, choices of keywords and of sequences, repetition,
// an optional argument before a required one, and a container command.
func syntaxTable() *table {
	return newTable([]*engine.Command{
		{Name: "SET", Group: "string", Arity: -3, Keys: engine.Keys{First: 1, Last: 1, Step: 1},
			Args: "key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]"},
		{Name: "DEL", Group: "generic", Arity: -2, Keys: engine.Keys{First: 1, Last: -1, Step: 1}, Args: "key [key ...]"},
		{Name: "MSET", Group: "string", Arity: -3, Keys: engine.Keys{First: 1, Last: -1, Step: 2}, Args: "key value [key value ...]"},
		{Name: "ZUNION", Group: "sorted_set", Arity: -3, Args: "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]"},
		{Name: "ZADD", Group: "sorted_set", Arity: -4, Keys: engine.Keys{First: 1, Last: 1, Step: 1},
			Args: "key [NX|XX] [GT|LT] [CH] score member [score member ...]"},
		{Name: "AUTH", Group: "connection", Arity: -2, Args: "[username] password"},
		{Name: "CLIENT", Group: "connection", Arity: -2,
			Args:        "ID|LIST [TYPE NORMAL|PUBSUB] [ID client-id ...]|SETNAME connection-name|SETINFO LIB-NAME|LIB-VER value|NO-EVICT ON|OFF|HELP",
			Subcommands: []*engine.Subcommand{{Name: "ID"}, {Name: "LIST"}, {Name: "SETNAME"}, {Name: "SETINFO"}, {Name: "NO-EVICT"}, {Name: "HELP"}}},
		{Name: "CONFIG", Group: "server", Arity: -2, Args: "GET parameter [parameter ...]|SET parameter value [parameter value ...]|RESETSTAT"},
		{Name: "PING", Group: "connection", Arity: -1, Args: "[message]"},
		{Name: "DBSIZE", Group: "server", Arity: 1},
	})
}

// Ensure that every usage line of the engine's table reads into a tree
// that writes it back as it was: nothing is lost or regrouped.
func TestSyntax_RoundTrip(t *testing.T) {
	for _, c := range engine.Commands() {
		var subs []string
		for _, s := range c.Subcommands {
			subs = append(subs, s.Name)
		}
		var b strings.Builder
		parseSyntax(c.Args, subs).render(&b, false)
		if b.String() != c.Args {
			t.Errorf("%s: %q reads back as %q", c.Name, c.Args, b.String())
		}
	}
}

// Ensure that malformed usage lines still give a tree, and no panic.
func TestSyntax_Malformed(t *testing.T) {
	for _, args := range []string{"", "[", "]", "[a", "a]", "|", "a||b", "[|]", "...", "[...]", "a ... ...", "[[[[x]]]]", "[[a] ...]"} {
		n := parseSyntax(args, nil)
		m := newMatcher(n)
		m.rest()
		m.feed("x")
		m.next()
	}
}

// Ensure that hints show the rest of the syntax, narrowing as arguments
// are typed, as redis-cli shows them.
func TestTable_Hint(t *testing.T) {
	tb := syntaxTable()
	tests := []struct{ line, want string }{
		{"SET", " key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]"},
		{"set ", "key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]"},
		{"SET k", " value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]"}, // the word being typed counts
		{"SET k v ", "[NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]"},
		{"SET k v nx ", "[GET] [EX seconds|PX milliseconds|KEEPTTL]"},
		{"SET k v EX", " seconds"},
		{"SET k v PX ", "milliseconds"},
		{"SET k v EX 10", ""},
		{"SET k v EX 10 more", ""}, // too many arguments
		{"SET k v E", ""},          // not yet a keyword
		{"DEL a b ", "[key ...]"},
		{"MSET a 1 b", " value [key value ...]"},
		{"ZADD k NX ", "[GT|LT] [CH] score member [score member ...]"},
		{"ZADD k 1 ", "member [score member ...]"}, // 1 is a score: no keyword left
		{"AUTH ", "[username] password"},
		{"AUTH x ", "password"},
		{"CLIENT ", "ID|LIST|SETNAME|SETINFO|NO-EVICT|HELP"},
		{"client setname ", "connection-name"},
		{"CLIENT SETINFO ", "LIB-NAME|LIB-VER value"},
		{"CLIENT LIST ", "[TYPE NORMAL|PUBSUB] [ID client-id ...]"},
		{"CLIENT NO-EVICT ", "ON|OFF"},
		{"CONFIG ", "GET|SET|RESETSTAT"},
		{"CONFIG SET maxmemory ", "value [parameter value ...]"},
		{"PING", " [message]"},
		{"DBSIZE", ""},
		{"NOSUCH ", ""},
		{"", ""},
		{`SET "k`, ""}, // an open quote
		{`SET "k v" `, "value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if got := tb.hint(tt.line); got != tt.want {
				t.Errorf("hint(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

// Ensure that Tab completes what the syntax allows next: keywords and
// subcommands in the case typed, keys where a key goes, quoted when
// needed, and directive names after CONFIG GET and SET.
func TestCompleter_Arguments(t *testing.T) {
	c := newCompleter(syntaxTable())
	keys := []string{"user:1", "user:2", "with space", `q"uote`, "café"}
	c.keys = func(prefix string) []string { return withPrefix(keys, prefix) }
	c.configNames = func() []string { return []string{"maxclients", "maxmemory", "save"} }
	tests := []struct {
		line string
		want []string // whole candidates
	}{
		{"SET k v ", []string{"NX", "XX", "GET", "EX", "PX", "KEEPTTL"}},
		{"set k v e", []string{"ex"}},
		{"SET k v N", []string{"NX"}},
		{"SET k v nX ", []string{"GET", "EX", "PX", "KEEPTTL"}},
		{"SET k v EX ", nil}, // a number goes there
		{"SET user", []string{"user:1", "user:2"}},
		{"SET ", []string{"user:1", "user:2", `"with space"`, `"q\"uote"`, "café"}},
		{"SET w", nil}, // "with space" cannot be typed without its quote
		{`SET "w`, []string{`"with space"`}},
		{`SET "u`, []string{`"user:1"`, `"user:2"`}},
		{"SET 'u", nil},
		{"SET k ", nil}, // the value is not a key
		{"DEL user:1 user", []string{"user:1", "user:2"}},
		{"MSET user:1 1 us", []string{"user:1", "user:2"}},
		{"MSET user:1 us", nil}, // a value
		{"ZUNION 2 us", []string{"user:1", "user:2"}},
		{"ZUNION 2 k1 k2 W", []string{"WEIGHTS", "WITHSCORES"}},
		{"CLIENT ", []string{"ID", "LIST", "SETNAME", "SETINFO", "NO-EVICT", "HELP"}},
		{"client s", []string{"setname", "setinfo"}},
		{"CLIENT SETINFO ", []string{"LIB-NAME", "LIB-VER"}},
		{"CLIENT NO-EVICT o", []string{"on", "off"}},
		{"CONFIG GET max", []string{"maxclients", "maxmemory"}},
		{"CONFIG GET MAXM", []string{"MAXMEMORY"}},
		{"CONFIG SET save 1 ", []string{"maxclients", "maxmemory", "save"}},
		{"CONFIG SET save ", nil},
		{"NOSUCH a", nil},
		{`SET "a"b c`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			word, got := c.candidates(tt.line)
			if !slices.Equal(got, tt.want) {
				t.Errorf("candidates(%q) = %q, %q; want %q", tt.line, word, got, tt.want)
			}
			ends, n := c.Do([]rune(tt.line), len([]rune(tt.line)))
			for i, e := range ends {
				if string(e) != got[i][len(word):]+" " || n != len([]rune(word)) {
					t.Errorf("Do: ending %q of length %d for candidate %q", string(e), n, got[i])
				}
			}
		})
	}
}

// Ensure that lines carrying a password are recognised, and others not.
func TestSecret(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"AUTH pw", true},
		{"auth user pw", true},
		{"  Auth  pw", true},
		{`AUTH "unbalanced`, true},
		{"3 AUTH pw", true},
		{"HELLO 3 AUTH default pw", true},
		{"hello 3 setname x auth u p", true},
		{"HELLO 3", false},
		{"HELLO auth", false}, // the protocol version, however odd
		{"CONFIG SET requirepass x", true},
		{"config set maxmemory 1 REQUIREPASS x", true},
		{"CONFIG SET masterauth x", true},
		{"CONFIG GET requirepass", false},
		{"MIGRATE host 6379 key 0 1000 AUTH pw", true},
		{"MIGRATE host 6379 key 0 1000 AUTH2 user pw", true},
		{"MIGRATE host 6379 auth 0 1000", false},
		{"ACL SETUSER bob on >pw", true},
		{"SET auth pw", false},
		{"ECHO AUTH", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := secret(tt.line); got != tt.want {
			t.Errorf("secret(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// Ensure that wordStart finds the word being typed as SplitArgs would
// read it.
func TestWordStart(t *testing.T) {
	tests := []struct {
		before string
		want   int
		ok     bool
	}{
		{"", 0, true},
		{"get", 0, true},
		{"get ", 4, true},
		{"get k", 4, true},
		{`get "a b`, 4, true},
		{`get "a b" `, 10, true},
		{`get 'it\'s`, 4, true},
		{`get "a\"b`, 4, true},
		{`get "a"b`, 0, false},
		{"get\tk", 4, true},
	}
	for _, tt := range tests {
		got, ok := wordStart(tt.before)
		if got != tt.want || ok != tt.ok {
			t.Errorf("wordStart(%q) = %d, %v; want %d, %v", tt.before, got, ok, tt.want, tt.ok)
		}
	}
}

// Ensure that help shows a subcommand of a container command alone.
func TestHelp_Subcommand(t *testing.T) {
	tb := syntaxTable()
	got := tb.help([]string{"client", "setname"}, nil)
	if want := "\n  CLIENT SETNAME connection-name\n  summary: \n  group: connection\n\n"; got != want {
		t.Errorf("help client setname:\ngot  %q\nwant %q", got, want)
	}
	if got := tb.help([]string{"client", "help"}, nil); !strings.HasPrefix(got, "\n  CLIENT HELP\n") {
		t.Errorf("help client help: %q", got)
	}
	if got := tb.help([]string{"client", "nosuch"}, nil); !strings.Contains(got, `No help for "client nosuch"`) {
		t.Errorf("help client nosuch: %q", got)
	}
}
