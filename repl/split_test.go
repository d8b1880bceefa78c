package repl_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/photondb/photon/repl"
	"github.com/photondb/photon/resp"
)

// Ensure that SplitArgs splits lines as redis-cli does. Each want was
// checked by typing "rpush t LINE" into redis-cli 7.0.15 and listing t.
func TestSplitArgs(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []string // nil with bad set: the line is refused
		bad  bool
	}{
		{"plain words", `a b c`, []string{"a", "b", "c"}, false},
		{"extra blanks", "  lead   trail  ", []string{"lead", "trail"}, false},
		{"empty line", "", nil, false},
		{"only blanks", " \t \r\n", nil, false},
		{"tabs separate", "a\tb", []string{"a", "b"}, false},
		{"carriage return and newline separate", "a\rb\nc", []string{"a", "b", "c"}, false},
		{"vertical tab and form feed are skipped between words", "\va \fb", []string{"a", "b"}, false},
		{"vertical tab inside a word", "a\vb", []string{"a\vb"}, false},
		{"double quotes keep spaces", `"a b" c`, []string{"a b", "c"}, false},
		{"double quote escapes", `"esc \n \r \t \b \a \\ \" end"`, []string{"esc \n \r \t \b \a \\ \" end"}, false},
		{"hex escapes", `"hex \x41\x6a\x6A\xff\x00z"`, []string{"hex Ajj\xff\x00z"}, false},
		{"bad hex escapes keep the letter", `"bad hex \x4g \x"`, []string{"bad hex x4g x"}, false},
		{"short hex escape", `"\x4"`, []string{"x4"}, false},
		{"unknown escapes drop the backslash", `"unknown \q \z"`, []string{"unknown q z"}, false},
		{"escaped tab character", "\"tab\\\tx\"", []string{"tab\tx"}, false},
		{"escaped backslash", `"\\"`, []string{`\`}, false},
		{"single quote escape", `'single \' quote'`, []string{"single ' quote"}, false},
		{"single quotes keep backslashes", `'back\\slash \n'`, []string{`back\\slash \n`}, false},
		{"single quotes keep hex", `'\x41'`, []string{`\x41`}, false},
		{"single quote inside double", `"emb'ed"`, []string{"emb'ed"}, false},
		{"double quote inside single", `'emb"ed'`, []string{`emb"ed`}, false},
		{"empty double quotes", `""`, []string{""}, false},
		{"empty single quotes", `''`, []string{""}, false},
		{"empty argument then word", `"" x`, []string{"", "x"}, false},
		{"quotes then tab", "\"a\"\t\"b\"", []string{"a", "b"}, false},
		{"closing quote then space", `"a" b`, []string{"a", "b"}, false},
		{"quote starts mid word", `foo'bar'`, []string{"foobar"}, false},
		{"double quote starts mid word", `x"y z"`, []string{"xy z"}, false},
		{"NUL ends the line", "a b\x00c d", []string{"a", "b"}, false},
		{"unterminated double quote", `"unterminated`, nil, true},
		{"unterminated single quote", `'unterminated`, nil, true},
		{"text after closing double quote", `"a"b`, nil, true},
		{"text after closing single quote", `'a'b`, nil, true},
		{"quote closes mid word", `foo"bar baz"qux`, nil, true},
		{"backslash escapes the closing quote", `"trailing backslash\"`, nil, true},
		{"lone quote after word", `x"`, nil, true},
		{"quote right after closing quote", `"a"""`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := repl.SplitArgs(tt.line)
			if tt.bad {
				if !errors.Is(err, repl.ErrInvalidArgs) {
					t.Fatalf("SplitArgs(%q) = %q, %v; want ErrInvalidArgs", tt.line, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("SplitArgs(%q): %v", tt.line, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SplitArgs(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

// FuzzSplitArgs checks that SplitArgs never panics and that an argument
// list quoted back with double quotes splits into the same list.
func FuzzSplitArgs(f *testing.F) {
	for _, s := range []string{`a b`, `"a\x41" 'b\'c'`, `"\`, `''`, "\x00", `"a"b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args, err := repl.SplitArgs(line)
		if err != nil {
			return
		}
		var quoted string
		for i, a := range args {
			if i > 0 {
				quoted += " "
			}
			quoted += quoteArg(a)
		}
		again, err := repl.SplitArgs(quoted)
		if err != nil {
			t.Fatalf("SplitArgs(%q) of quoted %q: %v", quoted, args, err)
		}
		if len(again) != len(args) || (len(args) > 0 && !reflect.DeepEqual(again, args)) {
			t.Fatalf("round trip of %q through %q gave %q", args, quoted, again)
		}
	})
}

// quoteArg quotes s so that SplitArgs reads it back as one argument.
func quoteArg(s string) string {
	const hex = "0123456789abcdef"
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c < 0x20 || c >= 0x7f:
			out = append(out, '\\', 'x', hex[c>>4], hex[c&0xf])
		default:
			out = append(out, c)
		}
	}
	return string(append(out, '"'))
}

// Ensure that the replies redis-cli prints as they are (INFO, CLIENT
// LIST) are printed so in every mode, with no newline of their own: their
// text ends in one (redis-cli 7.0.15 "info keyspace" in a terminal, and
// with --no-raw, --raw, --csv and --json, ends in the server's "\r\n").
func TestFormatReply_RawCommands(t *testing.T) {
	info := resp.Value{Kind: resp.BulkString, Str: []byte("# Server\r\nredis_version:7.0.15\r\n")}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"INFO"}, "# Server\r\nredis_version:7.0.15\r\n"},
		{[]string{"info", "server"}, "# Server\r\nredis_version:7.0.15\r\n"},
		{[]string{"CLIENT", "LIST"}, "# Server\r\nredis_version:7.0.15\r\n"},
		{[]string{"GET", "k"}, `"# Server\r\nredis_version:7.0.15\r\n"` + "\n"},
	} {
		if got := repl.FormatReply(tc.args, info, false); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.args, got, tc.want)
		}
		for _, m := range []repl.Mode{repl.Raw, repl.CSV, repl.JSON} {
			if got := repl.FormatMode(tc.args, info, m); tc.args[0] != "GET" && got != tc.want {
				t.Errorf("%v %v: got %q, want %q", m, tc.args, got, tc.want)
			}
		}
	}
}
