package bench

import (
	"errors"
	"strings"
	"testing"
)

// Ensure that replyEnd finds the end of every kind of reply, says which
// are errors, and asks for more at every shorter prefix.
func TestReplyEnd_Complete(t *testing.T) {
	cases := []struct {
		name  string
		reply string
		isErr bool
	}{
		{"status", "+OK\r\n", false},
		{"error", "-ERR unknown command 'FOO'\r\n", true},
		{"integer", ":1234\r\n", false},
		{"bulk", "$3\r\nabc\r\n", false},
		{"empty bulk", "$0\r\n\r\n", false},
		{"bulk holding CRLF", "$4\r\n\r\n\r\n\r\n", false},
		{"null bulk", "$-1\r\n", false},
		{"null array", "*-1\r\n", false},
		{"empty array", "*0\r\n", false},
		{"array of bulks", "*3\r\n$1\r\na\r\n$2\r\nbc\r\n$-1\r\n", false},
		{"nested arrays", "*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n*0\r\n", false},
		{"array of an error", "*1\r\n-ERR x\r\n", false},
		{"resp3 map", "%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n:2\r\n", false},
		{"resp3 scalars", "*4\r\n_\r\n,1.5\r\n#t\r\n(123\r\n", false},
		{"resp3 blob error", "!5\r\nERR x\r\n", true},
		{"resp3 set and push", "~1\r\n>2\r\n+a\r\n=7\r\ntxt:abc\r\n", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := []byte(tc.reply + "+NEXT\r\n")
			n, isErr, err := replyEnd(b)
			if err != nil || n != len(tc.reply) || isErr != tc.isErr {
				t.Fatalf("replyEnd = %d, %v, %v; want %d, %v, nil", n, isErr, err, len(tc.reply), tc.isErr)
			}
			for i := range len(tc.reply) {
				if _, _, err := replyEnd(b[:i]); !errors.Is(err, errIncomplete) {
					t.Fatalf("prefix of %d bytes: %v, want errIncomplete", i, err)
				}
			}
		})
	}
}

// Ensure that what is not RESP is refused with the place it went wrong.
func TestReplyEnd_Malformed(t *testing.T) {
	cases := []struct {
		name, reply, want string
	}{
		{"unknown type", "?what\r\n", "unknown reply type"},
		{"bare LF", "+OK\n", "does not end in \\r\\n"},
		{"bad bulk length", "$x\r\nabc\r\n", "bad bulk length"},
		{"negative bulk length", "$-2\r\n", "bad bulk length"},
		{"bulk too long for its length", "$2\r\nabc\r\n", "bulk string that does not end"},
		{"bad array length", "*1a\r\n", "bad array length"},
		{"bad element", "*2\r\n:1\r\n@\r\n", "unknown reply type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := replyEnd([]byte(tc.reply))
			var re *ReplyError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("replyEnd(%q) = %v, want a *ReplyError saying %q", tc.reply, err, tc.want)
			}
		})
	}
}

// Ensure that the error text shown for error replies has no type byte or
// line end, for both RESP2 and RESP3 errors.
func TestFirstLine(t *testing.T) {
	for reply, want := range map[string]string{
		"-ERR wrong\r\n":        "ERR wrong",
		"!9\r\nERR wrong\r\n":   "ERR wrong",
		"-WRONGTYPE x y z\r\n":  "WRONGTYPE x y z",
		"-\r\n":                 "",
		"!0\r\n\r\n":            "",
		"-ERR no line end here": "ERR no line end here",
	} {
		if got := firstLine([]byte(reply)); got != want {
			t.Errorf("firstLine(%q) = %q, want %q", reply, got, want)
		}
	}
}

// Ensure that scanning a long array allocates nothing.
func TestReplyEnd_Allocs(t *testing.T) {
	reply := []byte("*600\r\n" + strings.Repeat("$3\r\nxxx\r\n", 600))
	if n := testing.AllocsPerRun(100, func() { replyEnd(reply) }); n != 0 {
		t.Errorf("replyEnd allocates %v times", n)
	}
}
