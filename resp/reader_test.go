package resp_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/photondb/photon/resp"
)

// readers builds Readers over the same input in four ways: a normal one,
// where whole commands usually sit in the buffer, and one with the smallest
// buffer fed a byte at a time, where every value arrives in pieces; each
// giving its arguments, or lending them (Borrow). readCommands copies each
// command before the next read, as a borrower must.
var readers = []struct {
	name string
	new  func(in string) *resp.Reader
}{
	{"buffered", func(in string) *resp.Reader { return resp.NewReader(strings.NewReader(in)) }},
	{"byte at a time", func(in string) *resp.Reader {
		return resp.NewReaderSize(iotest.OneByteReader(strings.NewReader(in)), 16)
	}},
	{"buffered, borrowing", func(in string) *resp.Reader {
		r := resp.NewReader(strings.NewReader(in))
		r.Borrow = true
		return r
	}},
	{"byte at a time, borrowing", func(in string) *resp.Reader {
		r := resp.NewReaderSize(iotest.OneByteReader(strings.NewReader(in)), 16)
		r.Borrow = true
		return r
	}},
}

// readCommands reads commands until an error and returns them and the
// error.
func readCommands(tb testing.TB, r *resp.Reader) ([][]string, error) {
	tb.Helper()
	var cmds [][]string
	for {
		args, err := r.ReadCommand()
		if err != nil {
			return cmds, err
		}
		if len(args) == 0 {
			tb.Fatalf("ReadCommand returned no arguments and no error")
		}
		cmd := make([]string, len(args))
		for i, a := range args {
			cmd[i] = string(a)
		}
		cmds = append(cmds, cmd)
	}
}

func equalCommands(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// checkErr reports whether err is what a case wants: wantErr is a protocol
// error message, or "" for a clean io.EOF after the commands.
func checkErr(tb testing.TB, err error, wantErr string) {
	tb.Helper()
	if wantErr == "" {
		if err != io.EOF {
			tb.Fatalf("got error %v, want io.EOF", err)
		}
		return
	}
	var pe *resp.ProtocolError
	if !errors.As(err, &pe) {
		tb.Fatalf("got error %v, want a *ProtocolError %q", err, wantErr)
	}
	if got := pe.Error(); got != "Protocol error: "+wantErr {
		tb.Fatalf("got %q, want %q", got, "Protocol error: "+wantErr)
	}
}

type commandCase struct {
	name    string
	in      string
	want    [][]string
	wantErr string // protocol error message after the commands; "" for io.EOF
}

func runCommandCases(t *testing.T, cases []commandCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, rd := range readers {
				t.Run(rd.name, func(t *testing.T) {
					got, err := readCommands(t, rd.new(tc.in))
					if !equalCommands(got, tc.want) {
						t.Errorf("got commands %q, want %q", got, tc.want)
					}
					checkErr(t, err, tc.wantErr)
				})
			}
		})
	}
}

// Ensure that inline commands are split exactly as Redis's sdssplitargs
// splits them.
func TestReader_InlineCommand(t *testing.T) {
	one := func(args ...string) [][]string { return [][]string{args} }
	runCommandCases(t, []commandCase{
		{name: "crlf", in: "PING\r\n", want: one("PING")},
		{name: "lf only", in: "PING\n", want: one("PING")},
		{name: "arguments", in: "SET k v\r\n", want: one("SET", "k", "v")},
		{name: "spaces and tabs", in: "  SET \t k   v \t \r\n", want: one("SET", "k", "v")},
		{name: "carriage return inside separates", in: "a\rb\r\n", want: one("a", "b")},
		{name: "only one trailing cr stripped", in: "a\r\r\n", want: one("a")},
		{name: "vertical tab and form feed", in: "\vECHO\f\va\r\n", want: one("ECHO\f\va")},
		{name: "double quotes", in: `SET k "hello world"` + "\r\n", want: one("SET", "k", "hello world")},
		{name: "double quote escapes", in: `"\n\r\t\b\a\\\""` + "\n", want: one("\n\r\t\b\a\\\"")},
		{name: "hex escapes", in: `"\x41\x6a\x6A\xfF\x00"` + "\n", want: one("Ajj\xff\x00")},
		{name: "incomplete hex escape", in: `"\xZZ\x4"` + "\n", want: one("xZZx4")},
		{name: "other escapes drop the backslash", in: `"\q\'\ "` + "\n", want: one("q' ")},
		{name: "single quotes", in: `ECHO 'a b'` + "\n", want: one("ECHO", "a b")},
		{name: "single quote escape", in: `'a\'b'` + "\n", want: one("a'b")},
		{name: "single quotes keep other backslashes", in: `'a\nb\\ c'` + "\n", want: one(`a\nb\\ c`)},
		{name: "backslash before closing single quote escapes it", in: `'a\\'` + "\n", wantErr: "unbalanced quotes in request"},
		{name: "double quote inside single quotes", in: `'say "hi"'` + "\n", want: one(`say "hi"`)},
		{name: "quote opens mid token", in: `ECHO a"b c"` + "\n", want: one("ECHO", "ab c")},
		{name: "single quote opens mid token", in: `ECHO a'b c'` + "\n", want: one("ECHO", "ab c")},
		{name: "empty double quotes", in: `SET k ""` + "\n", want: one("SET", "k", "")},
		{name: "empty single quotes", in: `''` + "\n", want: one("")},
		{name: "quoted words side by side", in: `"a" 'b' "c"` + "\n", want: one("a", "b", "c")},
		{name: "closing quote before a tab", in: "\"a\"\tb\n", want: one("a", "b")},
		{name: "closing quote before a vertical tab", in: "\"a\"\vb\n", want: one("a", "b")},
		{name: "closing quote before cr", in: "\"a\"\rb\n", want: one("a", "b")},
		{name: "backslash outside quotes is literal", in: `a\nb\t\\` + "\n", want: one(`a\nb\t\\`)},
		{name: "backslash outside quotes does not escape a quote", in: `a\"b` + "\n", wantErr: "unbalanced quotes in request"},
		{name: "raw bytes", in: "SET clé \xff\xfe\n", want: one("SET", "clé", "\xff\xfe")},
		{name: "nul ends the line", in: "PI\x00NG foo\r\nPING\r\n", want: [][]string{{"PI"}, {"PING"}}},
		{name: "empty lines skipped", in: "\r\n\n   \t\r\nPING\r\n\r\n", want: one("PING")},
		{name: "pipelined", in: "PING\r\nECHO a\r\nGET k\n", want: [][]string{{"PING"}, {"ECHO", "a"}, {"GET", "k"}}},
		{name: "longest line", in: strings.Repeat("a", 64<<10) + "\n", want: one(strings.Repeat("a", 64<<10))},
		{name: "longest line with cr", in: strings.Repeat("a", 64<<10) + "\r\n", want: one(strings.Repeat("a", 64<<10))},

		{name: "unterminated double quote", in: `ECHO "abc` + "\r\n", wantErr: "unbalanced quotes in request"},
		{name: "unterminated single quote", in: `ECHO 'abc` + "\r\n", wantErr: "unbalanced quotes in request"},
		{name: "text after closing double quote", in: `ECHO "a"b` + "\r\n", wantErr: "unbalanced quotes in request"},
		{name: "text after closing single quote", in: `ECHO 'a'b` + "\r\n", wantErr: "unbalanced quotes in request"},
		{name: "quote after closing quote", in: `"a""b"` + "\n", wantErr: "unbalanced quotes in request"},
		{name: "escaped closing quote", in: `"abc\"` + "\n", wantErr: "unbalanced quotes in request"},
		{name: "trailing backslash in quotes", in: `"abc\` + "\n", wantErr: "unbalanced quotes in request"},
		{name: "nul inside quotes", in: "\"a\x00\"\n", wantErr: "unbalanced quotes in request"},
		{name: "error after good commands", in: "PING\r\n\"x\r\nPING\r\n", want: one("PING"), wantErr: "unbalanced quotes in request"},
		{name: "line too long", in: strings.Repeat("a", 64<<10+1) + "\n", wantErr: "too big inline request"},
		{name: "line too long with cr", in: strings.Repeat("a", 64<<10+1) + "\r\n", wantErr: "too big inline request"},
		{name: "no newline in 64 KiB", in: strings.Repeat("a ", 40<<10), wantErr: "too big inline request"},
	})
}

// Ensure that RESP arrays of bulk strings are read as Redis reads them.
func TestReader_MultibulkCommand(t *testing.T) {
	one := func(args ...string) [][]string { return [][]string{args} }
	big := strings.Repeat("0123456789abcdef", 200<<10>>4) // spans many buffers
	runCommandCases(t, []commandCase{
		{name: "get", in: "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", want: one("GET", "k")},
		{name: "set", in: "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", want: one("SET", "key", "value")},
		{name: "binary argument", in: "*2\r\n$4\r\nECHO\r\n$6\r\na\r\n\x00\"'\r\n", want: one("ECHO", "a\r\n\x00\"'")},
		{name: "empty argument", in: "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", want: one("ECHO", "")},
		{name: "empty array skipped", in: "*0\r\n*1\r\n$4\r\nPING\r\n", want: one("PING")},
		{name: "null array skipped", in: "*-1\r\n*1\r\n$4\r\nPING\r\n", want: one("PING")},
		{name: "large argument", in: "*2\r\n$4\r\nECHO\r\n$" + itoa(len(big)) + "\r\n" + big + "\r\n", want: one("ECHO", big)},
		{name: "pipelined with inline", in: "*1\r\n$4\r\nPING\r\nECHO x\r\n*2\r\n$4\r\nECHO\r\n$1\r\ny\r\n",
			want: [][]string{{"PING"}, {"ECHO", "x"}, {"ECHO", "y"}}},
		// Redis skips the byte after a header's '\r' and the two bytes after
		// a bulk's data without looking at them.
		{name: "byte after header cr unchecked", in: "*1\rX$4\rYPING\r\n", want: one("PING")},
		{name: "bytes after data unchecked", in: "*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n", want: [][]string{{"PING"}, {"PING"}}},
		{name: "longest count string", in: "*1" + "\r\n$" + "4" + "\r\nPING\r\n", want: one("PING")},

		{name: "count not a number", in: "*x\r\n", wantErr: "invalid multibulk length"},
		{name: "empty count", in: "*\r\n", wantErr: "invalid multibulk length"},
		{name: "count with plus", in: "*+1\r\n", wantErr: "invalid multibulk length"},
		{name: "count with leading zero", in: "*01\r\n$4\r\nPING\r\n", wantErr: "invalid multibulk length"},
		{name: "count minus zero", in: "*-0\r\n", wantErr: "invalid multibulk length"},
		{name: "count with space", in: "*1 \r\n", wantErr: "invalid multibulk length"},
		{name: "negative count skipped, as Redis does", in: "*-2\r\n*1\r\n$4\r\nPING\r\n", want: one("PING")},
		{name: "count over MaxInt32", in: "*2147483648\r\n", wantErr: "invalid multibulk length"},
		{name: "count overflows int64", in: "*99999999999999999999\r\n", wantErr: "invalid multibulk length"},
		{name: "count ended by lf only", in: "*1\n$4\r\nPING\r\n", wantErr: "invalid multibulk length"},
		{name: "not a bulk", in: "*1\r\nPING\r\n", wantErr: "expected '$', got 'P'"},
		{name: "integer instead of bulk", in: "*1\r\n:1\r\n", wantErr: "expected '$', got ':'"},
		{name: "empty line instead of bulk", in: "*1\r\n\r\n", wantErr: "expected '$', got '\r'"},
		{name: "raw byte instead of bulk", in: "*1\r\n\xffx\r\n", wantErr: "expected '$', got '\xff'"},
		{name: "second argument not a bulk", in: "*2\r\n$3\r\nGET\r\n+k\r\n", wantErr: "expected '$', got '+'"},
		{name: "bulk length minus one", in: "*1\r\n$-1\r\n", wantErr: "invalid bulk length"},
		{name: "bulk length negative", in: "*1\r\n$-5\r\n", wantErr: "invalid bulk length"},
		{name: "bulk length leading zero", in: "*1\r\n$04\r\nPING\r\n", wantErr: "invalid bulk length"},
		{name: "bulk length empty", in: "*1\r\n$\r\n", wantErr: "invalid bulk length"},
		{name: "bulk length not a number", in: "*1\r\n$x\r\n", wantErr: "invalid bulk length"},
		{name: "bulk length over 512 MiB", in: "*1\r\n$536870913\r\n", wantErr: "invalid bulk length"},
		{name: "bulk length overflows int64", in: "*1\r\n$9223372036854775808\r\n", wantErr: "invalid bulk length"},
		{name: "bulk length 100 digits", in: "*1\r\n$" + strings.Repeat("1", 100) + "\r\n", wantErr: "invalid bulk length"},
		{name: "count string too big", in: "*" + strings.Repeat("1", 64<<10+1), wantErr: "too big mbulk count string"},
		{name: "bulk count string too big", in: "*1\r\n$" + strings.Repeat("1", 64<<10+1), wantErr: "too big bulk count string"},
		{name: "error after good commands", in: "*1\r\n$4\r\nPING\r\n*1\r\n$-1\r\n", want: one("PING"), wantErr: "invalid bulk length"},
	})
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// Ensure that the end of input is io.EOF between commands and
// io.ErrUnexpectedEOF inside one.
func TestReader_EOF(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want error
	}{
		{"empty input", "", io.EOF},
		{"after inline", "PING\r\n", io.EOF},
		{"after multibulk", "*1\r\n$4\r\nPING\r\n", io.EOF},
		{"after empty line", "PING\r\n\r\n", io.EOF},
		{"after empty array", "*0\r\n", io.EOF},
		{"inline without newline", "PING", io.ErrUnexpectedEOF},
		{"blank without newline", "   ", io.ErrUnexpectedEOF},
		{"unbalanced without newline", `"a`, io.ErrUnexpectedEOF},
		{"count without cr", "*1", io.ErrUnexpectedEOF},
		{"count without lf", "*1\r", io.ErrUnexpectedEOF},
		{"empty array without lf", "*0\r", io.ErrUnexpectedEOF},
		{"before bulk", "*1\r\n", io.ErrUnexpectedEOF},
		{"inside bulk header", "*1\r\n$4", io.ErrUnexpectedEOF},
		{"bulk header without lf", "*1\r\n$4\r", io.ErrUnexpectedEOF},
		{"inside bulk data", "*1\r\n$4\r\nPI", io.ErrUnexpectedEOF},
		{"before bulk crlf", "*1\r\n$4\r\nPING", io.ErrUnexpectedEOF},
		{"inside bulk crlf", "*1\r\n$4\r\nPING\r", io.ErrUnexpectedEOF},
		{"before second bulk", "*2\r\n$3\r\nGET\r\n", io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, rd := range readers {
				t.Run(rd.name, func(t *testing.T) {
					_, err := readCommands(t, rd.new(tc.in))
					if err != tc.want {
						t.Fatalf("got %v, want %v", err, tc.want)
					}
				})
			}
		})
	}
}

// Ensure that the limits can be lowered.
func TestReader_Limits(t *testing.T) {
	cases := []struct {
		name    string
		set     func(r *resp.Reader)
		in      string
		want    [][]string
		wantErr string
	}{
		{"bulk at MaxBulk", func(r *resp.Reader) { r.MaxBulk = 3 }, "*1\r\n$3\r\nabc\r\n", [][]string{{"abc"}}, ""},
		{"bulk over MaxBulk", func(r *resp.Reader) { r.MaxBulk = 3 }, "*1\r\n$4\r\nabcd\r\n", nil, "invalid bulk length"},
		{"count at MaxMultibulk", func(r *resp.Reader) { r.MaxMultibulk = 1 }, "*1\r\n$1\r\na\r\n", [][]string{{"a"}}, ""},
		{"count over MaxMultibulk", func(r *resp.Reader) { r.MaxMultibulk = 1 }, "*2\r\n$1\r\na\r\n$1\r\nb\r\n", nil, "invalid multibulk length"},
		{"inline at MaxInline", func(r *resp.Reader) { r.MaxInline = 4 }, "PING\r\n", [][]string{{"PING"}}, ""},
		{"inline over MaxInline", func(r *resp.Reader) { r.MaxInline = 4 }, "PINGS\r\n", nil, "too big inline request"},
		{"count string over MaxInline", func(r *resp.Reader) { r.MaxInline = 2 }, "*100\r\n", nil, "too big mbulk count string"},
		{"bulk string over MaxInline", func(r *resp.Reader) { r.MaxInline = 2 }, "*1\r\n$100\r\n", nil, "too big bulk count string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, rd := range readers {
				t.Run(rd.name, func(t *testing.T) {
					r := rd.new(tc.in)
					tc.set(r)
					got, err := readCommands(t, r)
					if !equalCommands(got, tc.want) {
						t.Errorf("got commands %q, want %q", got, tc.want)
					}
					checkErr(t, err, tc.wantErr)
				})
			}
		})
	}
}

// Ensure that arguments stay valid after later reads and that appending to
// one does not overwrite the next.
func TestReader_ArgumentsBelongToCaller(t *testing.T) {
	for _, rd := range readers {
		if strings.HasSuffix(rd.name, "borrowing") {
			continue // a borrower's arguments last only until the next read
		}
		t.Run(rd.name, func(t *testing.T) {
			r := rd.new("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\nSET a b\r\n*1\r\n$4\r\nXXXX\r\n")
			first, err := r.ReadCommand()
			if err != nil {
				t.Fatal(err)
			}
			second, err := r.ReadCommand()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.ReadCommand(); err != nil {
				t.Fatal(err)
			}
			_ = append(first[1], "XYZ"...)
			_ = append(second[0], "XYZ"...)
			if got := bytes.Join(first, []byte(" ")); string(got) != "SET k v" {
				t.Errorf("first command is now %q", got)
			}
			if got := bytes.Join(second, []byte(" ")); string(got) != "SET a b" {
				t.Errorf("second command is now %q", got)
			}
		})
	}
}

// Ensure that a size declared in a header is not allocated before its
// bytes arrive.
func TestReader_HugeDeclaredSizes(t *testing.T) {
	const limit = 16 << 20 // far below any of the declared sizes
	cases := []struct {
		name  string
		in    string
		value bool // read with ReadValue instead of ReadCommand
	}{
		{"array of a billion", "*1000000000\r\n$3\r\nGET\r\n$1\r\nk\r\n", false},
		{"array of MaxInt32", "*2147483647\r\n", false},
		{"bulk of 500 MB", "*2\r\n$3\r\nSET\r\n$500000000\r\nabc", false},
		{"bulk of 512 MiB", "*1\r\n$536870912\r\n", false},
		{"reply bulk of 500 MB", "$500000000\r\nabc", true},
		{"reply array of two billion", "*2000000000\r\n:1\r\n", true},
		{"reply map of a billion", "%1000000000\r\n+a\r\n", true},
		{"reply verbatim of 500 MB", "=500000000\r\ntxt:", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := resp.NewReader(strings.NewReader(tc.in))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var err error
			if tc.value {
				_, err = r.ReadValue()
			} else {
				_, err = r.ReadCommand()
			}
			runtime.ReadMemStats(&after)
			if err != io.ErrUnexpectedEOF {
				t.Errorf("got error %v, want io.ErrUnexpectedEOF", err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > limit {
				t.Errorf("allocated %d bytes for a truncated input of %d bytes", n, len(tc.in))
			}
		})
	}
}

// infiniteReader repeats data forever without allocating.
type infiniteReader struct {
	data []byte
	off  int
}

func (r *infiniteReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.data[r.off:])
		n += c
		r.off = (r.off + c) % len(r.data)
	}
	return n, nil
}

// Ensure that ReadCommand allocates once for the argument bytes and once
// for the argument slice.
func TestReader_ReadCommandAllocs(t *testing.T) {
	cases := []struct {
		name string
		in   string
	}{
		{"set", "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"},
		{"mset", "*7\r\n$4\r\nMSET\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"},
		{"inline", "SET key \"a value\"\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := resp.NewReader(&infiniteReader{data: []byte(tc.in)})
			allocs := testing.AllocsPerRun(1000, func() {
				if _, err := r.ReadCommand(); err != nil {
					t.Fatal(err)
				}
			})
			if allocs > 2 {
				t.Errorf("got %v allocations per command, want at most 2", allocs)
			}
		})
	}
}

func TestReader_Buffered(t *testing.T) {
	r := resp.NewReader(strings.NewReader("PING\r\nPING\r\n"))
	if _, err := r.ReadCommand(); err != nil {
		t.Fatal(err)
	}
	if got := r.Buffered(); got != 6 {
		t.Errorf("got Buffered() = %d after the first of two commands, want 6", got)
	}
	if _, err := r.ReadCommand(); err != nil {
		t.Fatal(err)
	}
	if got := r.Buffered(); got != 0 {
		t.Errorf("got Buffered() = %d after the last command, want 0", got)
	}
}

func TestReader_Reset(t *testing.T) {
	r := resp.NewReader(strings.NewReader("PING\r\nPI"))
	r.MaxInline = 10
	if _, err := r.ReadCommand(); err != nil {
		t.Fatal(err)
	}
	r.Reset(strings.NewReader("ECHO a\r\n"))
	got, err := readCommands(t, r)
	if err != io.EOF || !equalCommands(got, [][]string{{"ECHO", "a"}}) {
		t.Errorf("got %q, %v after Reset", got, err)
	}
	if r.MaxInline != 10 {
		t.Errorf("Reset changed MaxInline to %d", r.MaxInline)
	}
}

// equalValue compares two Values field by field, NaN equal to NaN.
func equalValue(a, b resp.Value) bool {
	if a.Kind != b.Kind || !bytes.Equal(a.Str, b.Str) || a.Int != b.Int || a.Fmt != b.Fmt || len(a.Elems) != len(b.Elems) {
		return false
	}
	if a.Float != b.Float && !(math.IsNaN(a.Float) && math.IsNaN(b.Float)) {
		return false
	}
	for i := range a.Elems {
		if !equalValue(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

func str(k resp.Kind, s string) resp.Value { return resp.Value{Kind: k, Str: []byte(s)} }
func integer(n int64) resp.Value           { return resp.Value{Kind: resp.Integer, Int: n} }
func bulk(s string) resp.Value             { return str(resp.BulkString, s) }
func double(f float64, text string) resp.Value {
	return resp.Value{Kind: resp.Double, Float: f, Str: []byte(text)}
}
func agg(k resp.Kind, elems ...resp.Value) resp.Value {
	return resp.Value{Kind: k, Elems: append([]resp.Value{}, elems...)}
}

var null = resp.Value{Kind: resp.Null}

// Ensure that ReadValue reads every RESP2 and RESP3 type.
func TestReader_ReadValue(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want resp.Value
	}{
		{"simple string", "+OK\r\n", str(resp.SimpleString, "OK")},
		{"empty simple string", "+\r\n", str(resp.SimpleString, "")},
		{"error", "-ERR unknown command\r\n", str(resp.Error, "ERR unknown command")},
		{"integer", ":42\r\n", integer(42)},
		{"negative integer", ":-7\r\n", integer(-7)},
		{"smallest integer", ":-9223372036854775808\r\n", integer(math.MinInt64)},
		{"largest integer", ":9223372036854775807\r\n", integer(math.MaxInt64)},
		{"bulk string", "$5\r\nhello\r\n", bulk("hello")},
		{"binary bulk string", "$4\r\n\r\n\x00\xff\r\n", bulk("\r\n\x00\xff")},
		{"empty bulk string", "$0\r\n\r\n", bulk("")},
		{"null bulk", "$-1\r\n", null},
		{"null array", "*-1\r\n", null},
		{"resp3 null", "_\r\n", null},
		{"empty array", "*0\r\n", agg(resp.Array)},
		{"array", "*3\r\n$1\r\na\r\n:1\r\n$-1\r\n", agg(resp.Array, bulk("a"), integer(1), null)},
		{"nested array", "*2\r\n*1\r\n+a\r\n*0\r\n", agg(resp.Array, agg(resp.Array, str(resp.SimpleString, "a")), agg(resp.Array))},
		{"double", ",3.14\r\n", double(3.14, "3.14")},
		{"double with exponent", ",1e+20\r\n", double(1e20, "1e+20")},
		{"negative double", ",-0.5\r\n", double(-0.5, "-0.5")},
		{"inf", ",inf\r\n", double(math.Inf(1), "inf")},
		{"minus inf", ",-inf\r\n", double(math.Inf(-1), "-inf")},
		{"nan", ",nan\r\n", double(math.NaN(), "nan")},
		{"true", "#t\r\n", resp.Value{Kind: resp.Boolean, Int: 1}},
		{"false", "#f\r\n", resp.Value{Kind: resp.Boolean}},
		{"big number", "(3492890328409238509324850943850943825024385\r\n", str(resp.BigNumber, "3492890328409238509324850943850943825024385")},
		{"negative big number", "(-1\r\n", str(resp.BigNumber, "-1")},
		{"verbatim", "=15\r\ntxt:Some string\r\n", resp.Value{Kind: resp.Verbatim, Fmt: "txt", Str: []byte("Some string")}},
		{"empty verbatim", "=4\r\nmkd:\r\n", resp.Value{Kind: resp.Verbatim, Fmt: "mkd", Str: []byte{}}},
		{"blob error", "!21\r\nSYNTAX invalid syntax\r\n", str(resp.Error, "SYNTAX invalid syntax")},
		{"map", "%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n", agg(resp.Map, str(resp.SimpleString, "a"), integer(1), str(resp.SimpleString, "b"), integer(2))},
		{"empty map", "%0\r\n", agg(resp.Map)},
		{"set", "~2\r\n$1\r\na\r\n$1\r\nb\r\n", agg(resp.Set, bulk("a"), bulk("b"))},
		{"push", ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", agg(resp.Push, bulk("message"), bulk("ch"), bulk("hi"))},
		{"attribute dropped", "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n:5\r\n", integer(5)},
		{"two attributes dropped", "|0\r\n|1\r\n+a\r\n+b\r\n+OK\r\n", str(resp.SimpleString, "OK")},
		{"attribute inside array", "*2\r\n:1\r\n|1\r\n+ttl\r\n:3\r\n:2\r\n", agg(resp.Array, integer(1), integer(2))},
		{"large bulk", "$3000000\r\n" + strings.Repeat("x", 3000000) + "\r\n", bulk(strings.Repeat("x", 3000000))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, rd := range readers {
				t.Run(rd.name, func(t *testing.T) {
					r := rd.new(tc.in)
					got, err := r.ReadValue()
					if err != nil {
						t.Fatal(err)
					}
					if !equalValue(got, tc.want) {
						t.Errorf("got %v, want %v", got, tc.want)
					}
					if _, err := r.ReadValue(); err != io.EOF {
						t.Errorf("got %v after the value, want io.EOF", err)
					}
				})
			}
		})
	}
}

func TestReader_ReadValueErrors(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		wantErr string // protocol error message; "" means wantEOF
		wantEOF error
	}{
		{name: "unknown type", in: "?x\r\n", wantErr: `unexpected reply type byte '?'`},
		{name: "inline text", in: "PONG\r\n", wantErr: `unexpected reply type byte 'P'`},
		{name: "empty line", in: "\r\n", wantErr: "invalid reply line"},
		{name: "lf only", in: "+OK\n", wantErr: "invalid reply line"},
		{name: "bad integer", in: ":abc\r\n", wantErr: "invalid integer"},
		{name: "integer with plus", in: ":+1\r\n", wantErr: "invalid integer"},
		{name: "integer overflow", in: ":9223372036854775808\r\n", wantErr: "invalid integer"},
		{name: "bulk length minus two", in: "$-2\r\n", wantErr: "invalid bulk length"},
		{name: "bulk length not a number", in: "$x\r\n", wantErr: "invalid bulk length"},
		{name: "bulk over MaxBulk", in: "$536870913\r\n", wantErr: "invalid bulk length"},
		{name: "null blob error", in: "!-1\r\n", wantErr: "invalid bulk length"},
		{name: "bulk without crlf", in: "$3\r\nabcXY", wantErr: "invalid bulk terminator"},
		{name: "array length minus two", in: "*-2\r\n", wantErr: "invalid multibulk length"},
		{name: "null map", in: "%-1\r\n", wantErr: "invalid multibulk length"},
		{name: "array over MaxMultibulk", in: "*2147483648\r\n", wantErr: "invalid multibulk length"},
		{name: "bad boolean", in: "#x\r\n", wantErr: "invalid boolean"},
		{name: "bad double", in: ",abc\r\n", wantErr: "invalid double"},
		{name: "hex double", in: ",0x1p-2\r\n", wantErr: "invalid double"},
		{name: "empty double", in: ",\r\n", wantErr: "invalid double"},
		{name: "null with text", in: "_x\r\n", wantErr: "invalid null"},
		{name: "bad big number", in: "(12a\r\n", wantErr: "invalid big number"},
		{name: "verbatim without format", in: "=3\r\ntxt\r\n", wantErr: "invalid verbatim string"},
		{name: "verbatim without colon", in: "=5\r\ntxt-a\r\n", wantErr: "invalid verbatim string"},
		{name: "too deep", in: strings.Repeat("*1\r\n", 1000) + ":1\r\n", wantErr: "reply nested too deeply"},
		{name: "error inside array", in: "*2\r\n:1\r\n:x\r\n", wantErr: "invalid integer"},
		{name: "empty input", in: "", wantEOF: io.EOF},
		{name: "line without crlf", in: "+OK", wantEOF: io.ErrUnexpectedEOF},
		{name: "inside bulk", in: "$5\r\nhel", wantEOF: io.ErrUnexpectedEOF},
		{name: "before bulk crlf", in: "$5\r\nhello", wantEOF: io.ErrUnexpectedEOF},
		{name: "inside array", in: "*2\r\n:1\r\n", wantEOF: io.ErrUnexpectedEOF},
		{name: "after attribute", in: "|1\r\n+a\r\n+b\r\n", wantEOF: io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, rd := range readers {
				t.Run(rd.name, func(t *testing.T) {
					_, err := rd.new(tc.in).ReadValue()
					if tc.wantErr == "" {
						if err != tc.wantEOF {
							t.Fatalf("got %v, want %v", err, tc.wantEOF)
						}
						return
					}
					checkErr(t, err, tc.wantErr)
				})
			}
		})
	}
}

func TestProtocolError_Error(t *testing.T) {
	err := &resp.ProtocolError{Msg: "invalid bulk length"}
	if got, want := err.Error(), "Protocol error: invalid bulk length"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestValue_String(t *testing.T) {
	cases := []struct {
		name string
		v    resp.Value
		want string
	}{
		{"simple", str(resp.SimpleString, "OK"), "+OK"},
		{"error", str(resp.Error, "ERR x"), "-ERR x"},
		{"integer", integer(-3), ":-3"},
		{"bulk", bulk("a\r\n"), `"a\r\n"`},
		{"null", null, "nil"},
		{"double", double(1.5, "1.5"), ",1.5"},
		{"true", resp.Value{Kind: resp.Boolean, Int: 1}, "#t"},
		{"false", resp.Value{Kind: resp.Boolean}, "#f"},
		{"big number", str(resp.BigNumber, "123"), "(123"},
		{"verbatim", resp.Value{Kind: resp.Verbatim, Fmt: "txt", Str: []byte("hi")}, `=txt:"hi"`},
		{"array", agg(resp.Array, integer(1), bulk("b")), `[:1 "b"]`},
		{"set", agg(resp.Set, integer(1), integer(2)), "~[:1 :2]"},
		{"push", agg(resp.Push, bulk("message")), `>["message"]`},
		{"map", agg(resp.Map, bulk("a"), integer(1), bulk("b"), integer(2)), `%{"a": :1, "b": :2}`},
		{"zero value", resp.Value{}, "<invalid kind 0>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.v.String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// FuzzReadCommand checks that ReadCommand never panics, that a reader fed
// one byte at a time agrees with one that sees whole commands, and that a
// command written with WriteCommand reads back as the same arguments.
// commandSeeds are the fuzz tests' seeds of client input: commands of
// both kinds, empty ones, and bytes that break the protocol.
var commandSeeds = []string{
	"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n",
	"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n",
	"PING\r\nSET k \"a\\x41\\n\" 'b\\'c'\r\n",
	"\r\n*0\r\n*-1\r\nECHO a\"b c\"\n",
	"*1\r\n$-1\r\n",
	"*1\r\nPING\r\n",
	"*1\rX$4\rYPINGxy",
	"\"unbalanced\r\n",
	"*2\r\n$0\r\n\r\n$6\r\na\r\n\x00\"'\r\n",
}

func FuzzReadCommand(f *testing.F) {
	for _, seed := range commandSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 4096 {
			return // a lower MaxInline reaches the "too big" paths with less
		}
		whole := resp.NewReader(bytes.NewReader(in))
		pieces := resp.NewReaderSize(iotest.OneByteReader(bytes.NewReader(in)), 16)
		whole.MaxInline, pieces.MaxInline = 100, 100
		for i := 0; i < 100; i++ {
			args, err := whole.ReadCommand()
			args2, err2 := pieces.ReadCommand()
			if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
				t.Fatalf("whole input: %v; byte at a time: %v", err, err2)
			}
			if err != nil {
				var pe *resp.ProtocolError
				if err != io.EOF && err != io.ErrUnexpectedEOF && !errors.As(err, &pe) {
					t.Fatalf("unexpected error type %T: %v", err, err)
				}
				return
			}
			if len(args) == 0 {
				t.Fatal("ReadCommand returned no arguments and no error")
			}
			if !equalArgs(args, args2) {
				t.Fatalf("whole input: %q; byte at a time: %q", args, args2)
			}
			var buf bytes.Buffer
			w := resp.NewWriter(&buf)
			w.WriteCommand(args...)
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			again, err := resp.NewReader(&buf).ReadCommand()
			if err != nil {
				t.Fatalf("reading back %q: %v", args, err)
			}
			if !equalArgs(args, again) {
				t.Fatalf("read back %q, want %q", again, args)
			}
		}
	})
}

func equalArgs(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Ensure that a borrowing Reader reads a buffered command without
// allocating.
func TestReader_BorrowAllocs(t *testing.T) {
	for _, in := range []string{
		"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n",
		"SET key \"a value\"\r\n",
	} {
		r := resp.NewReader(&infiniteReader{data: []byte(in)})
		r.Borrow = true
		allocs := testing.AllocsPerRun(1000, func() {
			if args, err := r.ReadCommand(); err != nil || string(args[2]) == "" {
				t.Fatal(err, args)
			}
		})
		if allocs != 0 {
			t.Errorf("%q: %v allocations per command, want 0", in, allocs)
		}
	}
}

func BenchmarkReader_ReadCommand(b *testing.B) {
	cases := []struct {
		name string
		in   string
	}{
		{"get", "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"},
		{"set", "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"},
		{"set 1KiB", "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$1024\r\n" + strings.Repeat("v", 1024) + "\r\n"},
		{"set 64KiB", "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$65536\r\n" + strings.Repeat("v", 65536) + "\r\n"},
		{"mset 10", "*21\r\n$4\r\nMSET\r\n" + strings.Repeat("$5\r\nkey:1\r\n$5\r\nvalue\r\n", 10)},
		{"inline", "SET key \"a value\"\r\n"},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			r := resp.NewReader(&infiniteReader{data: []byte(bc.in)})
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.ReadCommand(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzReadValue checks that ReadValue never panics, that it agrees with a
// reader fed one byte at a time, and that writing a value as RESP3 and
// reading it back is stable after the first pass (which may turn a
// blob error's newlines into spaces and respell a double).
func FuzzReadValue(f *testing.F) {
	for _, seed := range []string{
		"+OK\r\n", "-ERR x\r\n", ":-42\r\n", "$5\r\nhello\r\n", "$-1\r\n", "*-1\r\n", "_\r\n",
		"*3\r\n$1\r\na\r\n:1\r\n$-1\r\n", ",3.14\r\n", ",-inf\r\n", "#t\r\n", "(123456789012345678901234567890\r\n",
		"=15\r\ntxt:Some string\r\n", "%1\r\n+a\r\n~2\r\n:1\r\n:2\r\n", ">2\r\n+message\r\n$2\r\nhi\r\n",
		"|1\r\n+ttl\r\n:3\r\n+OK\r\n", "!5\r\nERR\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	roundTrip := func(t *testing.T, v resp.Value) resp.Value {
		t.Helper()
		var buf bytes.Buffer
		w := resp.NewWriter(&buf)
		w.Proto = 3
		w.WriteValue(v)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		got, err := resp.NewReader(&buf).ReadValue()
		if err != nil {
			t.Fatalf("reading back %v from %q: %v", v, buf.String(), err)
		}
		return got
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 4096 {
			return
		}
		whole := resp.NewReader(bytes.NewReader(in))
		pieces := resp.NewReaderSize(iotest.OneByteReader(bytes.NewReader(in)), 16)
		for i := 0; i < 20; i++ {
			v, err := whole.ReadValue()
			v2, err2 := pieces.ReadValue()
			if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
				t.Fatalf("whole input: %v; byte at a time: %v", err, err2)
			}
			if err != nil {
				return
			}
			if !equalValue(v, v2) {
				t.Fatalf("whole input: %v; byte at a time: %v", v, v2)
			}
			once := roundTrip(t, v)
			if twice := roundTrip(t, once); !equalValue(once, twice) {
				t.Fatalf("written and read once: %v; twice: %v", once, twice)
			}
		}
	})
}

// Ensure that ReadCommands reads the same commands as ReadCommand, in
// batches of what has arrived, each batch's commands intact together.
func TestReader_ReadCommands(t *testing.T) {
	in := "*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" +
		"ECHO \"inline\"\r\n*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n\r\n*0\r\n*1\r\n$4\r\nQUIT\r\n"
	want := [][]string{{"PING"}, {"SET", "k", "v"}, {"GET", "k"}, {"ECHO", "inline"}, {"ECHO", "abc"}, {"QUIT"}}
	for _, rd := range readers {
		if !strings.HasSuffix(rd.name, "borrowing") {
			continue
		}
		t.Run(rd.name, func(t *testing.T) {
			r := rd.new(in)
			var got [][]string
			batches := 0
			for {
				cmds, err := r.ReadCommands(2)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(cmds) == 0 || len(cmds) > 2 {
					t.Fatalf("batch of %d commands", len(cmds))
				}
				batches++
				for _, args := range cmds {
					cmd := make([]string, len(args))
					for i, a := range args {
						cmd[i] = string(a)
					}
					got = append(got, cmd)
				}
			}
			if !equalCommands(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			if rd.name == "buffered, borrowing" && batches != 4 {
				t.Errorf("%d batches, want 4: [PING SET] [GET] [ECHO inline, ECHO abc] [QUIT]", batches)
			}
		})
	}
	if _, err := resp.NewReader(strings.NewReader(in)).ReadCommands(4); err == nil {
		t.Error("ReadCommands without Borrow: no error")
	}
}

// errPause is what pausedSource returns where its input pauses.
var errPause = errors.New("no input now")

// pausedSource delivers its input in pieces, returning errPause between
// them, as a non-blocking socket does between packets; once wait is set
// it delivers the rest without pausing, as a blocking one does.
type pausedSource struct {
	in    []byte
	off   int   // how much of in has been read
	cuts  []int // offsets in in where the input pauses, increasing
	pause bool  // the next read pauses
	wait  bool
}

func (s *pausedSource) Read(p []byte) (int, error) {
	if s.off == len(s.in) {
		return 0, io.EOF
	}
	if s.pause && !s.wait {
		s.pause = false
		return 0, errPause
	}
	end := len(s.in)
	for len(s.cuts) > 0 && s.cuts[0] <= s.off {
		s.cuts = s.cuts[1:]
	}
	if !s.wait && len(s.cuts) > 0 {
		end = s.cuts[0]
	}
	n := copy(p, s.in[s.off:end])
	s.off += n
	s.pause = true
	return n, nil
}

// FuzzReady checks the contract an event loop relies on: reading only
// what Ready calls Complete, and handing what it calls Unknown to a
// reader that may wait, gives exactly the commands and the protocol
// error that reading the whole input at once gives, however the input is
// cut into pieces. A Complete that needed more input would read in the
// middle of a command and fall out of step.
func FuzzReady(f *testing.F) {
	for _, seed := range append(commandSeeds,
		"\r\n   \r\n*1\r\n$4\r\nPING\r\n",
		"*1\r\n$200\r\n"+strings.Repeat("x", 200)+"\r\n*1\r\n$4\r\nPING\r\n",
		"*100\r\n$1\r\na\r\n",
		strings.Repeat("a", 150)+"\r\n",
	) {
		f.Add([]byte(seed), uint64(0x9e3779b97f4a7c15))
	}
	f.Fuzz(func(t *testing.T, in []byte, cutSeed uint64) {
		if len(in) > 4096 {
			return
		}
		whole := resp.NewReader(bytes.NewReader(in))
		whole.MaxInline = 100
		want, wantErr := readAll(whole)

		rng := rand.New(rand.NewPCG(cutSeed, 1))
		src := &pausedSource{in: in}
		for at := 1 + rng.IntN(40); at < len(in); at += 1 + rng.IntN(40) {
			src.cuts = append(src.cuts, at)
		}
		r := resp.NewReaderSize(src, 64)
		r.MaxInline, r.Borrow = 100, true
		var got [][]string
		var gotErr error
	loop:
		for range 100000 {
			if err := r.Fill(); err != nil && err != errPause {
				gotErr = err
				break
			}
			for {
				switch r.Ready() {
				case resp.Incomplete:
					continue loop
				case resp.Unknown:
					src.wait = true
					rest, err := readAll(r)
					got, gotErr = append(got, rest...), err
					break loop
				}
				cmds, err := r.ReadCommands(3)
				if err == errPause {
					continue loop
				}
				if err != nil {
					gotErr = err
					break loop
				}
				for _, args := range cmds {
					got = append(got, strs(args))
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("in pieces: %q\nwhole: %q", got, want)
		}
		var pe *resp.ProtocolError
		if errors.As(wantErr, &pe) && (gotErr == nil || gotErr.Error() != wantErr.Error()) {
			t.Fatalf("in pieces: %v, whole: %v", gotErr, wantErr)
		}
		if gotErr == errPause {
			t.Fatal("a reader that may not wait read in the middle of a command")
		}
	})
}

// readAll reads commands until an error, and returns them and the error.
func readAll(r *resp.Reader) ([][]string, error) {
	var out [][]string
	for {
		args, err := r.ReadCommand()
		if err != nil {
			return out, err
		}
		out = append(out, strs(args))
	}
}

func strs(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}
