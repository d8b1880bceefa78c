package resp_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/photondb/photon/resp"
)

// Ensure that every reply is encoded as Redis 7 encodes it, in RESP2 and
// RESP3.
func TestWriter_Replies(t *testing.T) {
	cases := []struct {
		name  string
		write func(w *resp.Writer)
		resp2 string
		resp3 string // "" when the same as resp2
	}{
		{"simple", func(w *resp.Writer) { w.WriteSimple("OK") }, "+OK\r\n", ""},
		{"simple with newlines", func(w *resp.Writer) { w.WriteSimple("a\r\nb") }, "+a  b\r\n", ""},
		{"error", func(w *resp.Writer) { w.WriteError("ERR unknown command") }, "-ERR unknown command\r\n", ""},
		{"error with newlines", func(w *resp.Writer) { w.WriteError("ERR a\nb\rc\r\n") }, "-ERR a b c  \r\n", ""},
		{"empty error", func(w *resp.Writer) { w.WriteError("") }, "-\r\n", ""},
		{"int", func(w *resp.Writer) { w.WriteInt(42) }, ":42\r\n", ""},
		{"negative int", func(w *resp.Writer) { w.WriteInt(math.MinInt64) }, ":-9223372036854775808\r\n", ""},
		{"bulk", func(w *resp.Writer) { w.WriteBulk([]byte("a\r\nb")) }, "$4\r\na\r\nb\r\n", ""},
		{"empty bulk", func(w *resp.Writer) { w.WriteBulk(nil) }, "$0\r\n\r\n", ""},
		{"bulk string", func(w *resp.Writer) { w.WriteBulkString("hello") }, "$5\r\nhello\r\n", ""},
		{"bulks", func(w *resp.Writer) { w.WriteBulks([][]byte{[]byte("ab"), nil, {}}) }, "$2\r\nab\r\n$-1\r\n$0\r\n\r\n", "$2\r\nab\r\n_\r\n$0\r\n\r\n"},
		{"no bulks", func(w *resp.Writer) { w.WriteBulks(nil) }, "", ""},
		{"null", func(w *resp.Writer) { w.WriteNull() }, "$-1\r\n", "_\r\n"},
		{"null array", func(w *resp.Writer) { w.WriteNullArray() }, "*-1\r\n", "_\r\n"},
		{"array", func(w *resp.Writer) { w.WriteArray(2); w.WriteInt(1); w.WriteBulkString("a") }, "*2\r\n:1\r\n$1\r\na\r\n", ""},
		{"empty array", func(w *resp.Writer) { w.WriteArray(0) }, "*0\r\n", ""},
		{"map", func(w *resp.Writer) { w.WriteMap(1); w.WriteBulkString("k"); w.WriteInt(1) }, "*2\r\n$1\r\nk\r\n:1\r\n", "%1\r\n$1\r\nk\r\n:1\r\n"},
		{"set", func(w *resp.Writer) { w.WriteSet(1); w.WriteBulkString("m") }, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
		{"push", func(w *resp.Writer) { w.WritePush(1); w.WriteBulkString("message") }, "*1\r\n$7\r\nmessage\r\n", ">1\r\n$7\r\nmessage\r\n"},
		{"double", func(w *resp.Writer) { w.WriteDouble(1.5) }, "$3\r\n1.5\r\n", ",1.5\r\n"},
		{"double needing 17 digits", func(w *resp.Writer) { w.WriteDouble(1.1) }, "$18\r\n1.1000000000000001\r\n", ",1.1000000000000001\r\n"},
		{"inf", func(w *resp.Writer) { w.WriteDouble(math.Inf(1)) }, "$3\r\ninf\r\n", ",inf\r\n"},
		{"minus inf", func(w *resp.Writer) { w.WriteDouble(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n"},
		{"nan", func(w *resp.Writer) { w.WriteDouble(math.NaN()) }, "$3\r\nnan\r\n", ",nan\r\n"},
		{"true", func(w *resp.Writer) { w.WriteBool(true) }, ":1\r\n", "#t\r\n"},
		{"false", func(w *resp.Writer) { w.WriteBool(false) }, ":0\r\n", "#f\r\n"},
		{"verbatim", func(w *resp.Writer) { w.WriteVerbatim("txt", []byte("Some string")) }, "$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"},
		{"verbatim markdown", func(w *resp.Writer) { w.WriteVerbatim("mkd", []byte("# hi")) }, "$4\r\n# hi\r\n", "=8\r\nmkd:# hi\r\n"},
		{"verbatim bad format", func(w *resp.Writer) { w.WriteVerbatim("text", []byte("x")) }, "$1\r\nx\r\n", "=5\r\ntxt:x\r\n"},
		{"command", func(w *resp.Writer) { w.WriteCommand([]byte("GET"), []byte("k")) }, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", ""},
		{"command strings", func(w *resp.Writer) { w.WriteCommandStrings("SET", "k", "") }, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", ""},
		{"empty command", func(w *resp.Writer) { w.WriteCommand() }, "*0\r\n", ""},
		{"raw", func(w *resp.Writer) { w.WriteRaw([]byte("+PONG\r\n")) }, "+PONG\r\n", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, proto := range []int{2, 3} {
				want := tc.resp2
				if proto == 3 && tc.resp3 != "" {
					want = tc.resp3
				}
				var buf bytes.Buffer
				w := resp.NewWriter(&buf)
				w.Proto = proto
				tc.write(w)
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
				if got := buf.String(); got != want {
					t.Errorf("RESP%d: got %q, want %q", proto, got, want)
				}
			}
		})
	}
}

// Ensure that doubles are formatted as C's "%.17g", which Redis 7.0 uses.
func TestAppendDouble(t *testing.T) {
	cases := []struct {
		f    float64
		want string // from printf("%.17g")
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{3, "3"},
		{100, "100"},
		{1.5, "1.5"},
		{0.1, "0.10000000000000001"},
		{1.1, "1.1000000000000001"},
		{0.30000000000000004, "0.30000000000000004"},
		{12345.678, "12345.678"},
		{0.0001, "0.0001"},
		{1e-5, "1.0000000000000001e-05"},
		{1e16, "10000000000000000"},
		{1e17, "1e+17"},
		{1e20, "1e+20"},
		{123456789012345678, "1.2345678901234568e+17"},
		{1000000000000000.2, "1000000000000000.2"},
		{2.5e-300, "2.5e-300"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{5e-324, "4.9406564584124654e-324"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			if got := string(resp.AppendDouble([]byte("x"), tc.f)); got != "x"+tc.want {
				t.Errorf("got %q, want %q", got, "x"+tc.want)
			}
		})
	}
}

// Ensure that what a Writer writes, a Reader reads back as the same Value.
func TestWriter_RoundTrip(t *testing.T) {
	verbatim := resp.Value{Kind: resp.Verbatim, Fmt: "txt", Str: []byte("line 1\r\nline 2")}
	cases := []struct {
		name  string
		v     resp.Value
		resp2 resp.Value // what comes back from RESP2; Kind 0 means v itself
	}{
		{"simple", str(resp.SimpleString, "OK"), resp.Value{}},
		{"error", str(resp.Error, "WRONGTYPE Operation against a key"), resp.Value{}},
		{"integer", integer(-12), resp.Value{}},
		{"bulk", bulk("\x00\r\n\xff"), resp.Value{}},
		{"empty bulk", bulk(""), resp.Value{}},
		{"null", null, resp.Value{}},
		{"double", double(2.5, "2.5"), bulk("2.5")},
		{"nan", double(math.NaN(), "nan"), bulk("nan")},
		{"true", resp.Value{Kind: resp.Boolean, Int: 1}, integer(1)},
		{"false", resp.Value{Kind: resp.Boolean}, integer(0)},
		{"big number", str(resp.BigNumber, "-123456789012345678901234567890"), bulk("-123456789012345678901234567890")},
		{"verbatim", verbatim, bulk("line 1\r\nline 2")},
		{"empty array", agg(resp.Array), resp.Value{}},
		{"array", agg(resp.Array, bulk("a"), null, integer(3)), resp.Value{}},
		{"map", agg(resp.Map, bulk("a"), integer(1), bulk("b"), agg(resp.Array, bulk("c"))),
			agg(resp.Array, bulk("a"), integer(1), bulk("b"), agg(resp.Array, bulk("c")))},
		{"set", agg(resp.Set, bulk("x"), bulk("y")), agg(resp.Array, bulk("x"), bulk("y"))},
		{"push", agg(resp.Push, bulk("message"), bulk("ch"), bulk("hi")), agg(resp.Array, bulk("message"), bulk("ch"), bulk("hi"))},
		{"nested", agg(resp.Array, agg(resp.Map, str(resp.SimpleString, "k"), agg(resp.Set, double(1, "1"))), verbatim),
			agg(resp.Array, agg(resp.Array, str(resp.SimpleString, "k"), agg(resp.Array, bulk("1"))), bulk("line 1\r\nline 2"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, proto := range []int{2, 3} {
				want := tc.v
				if proto == 2 && tc.resp2.Kind != 0 {
					want = tc.resp2
				}
				var buf bytes.Buffer
				w := resp.NewWriter(&buf)
				w.Proto = proto
				w.WriteValue(tc.v)
				w.WriteSimple("END")
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
				r := resp.NewReader(&buf)
				got, err := r.ReadValue()
				if err != nil {
					t.Fatalf("RESP%d: %v reading %q", proto, err, buf.String())
				}
				if !equalValue(got, want) {
					t.Errorf("RESP%d: got %v, want %v", proto, got, want)
				}
				if end, err := r.ReadValue(); err != nil || string(end.Str) != "END" {
					t.Errorf("RESP%d: got %v, %v after the value, want +END", proto, end, err)
				}
			}
		})
	}
}

// Ensure that writing replies does not allocate.
func TestWriter_Allocs(t *testing.T) {
	value := []byte("value")
	cases := []struct {
		name  string
		write func(w *resp.Writer)
	}{
		{"simple", func(w *resp.Writer) { w.WriteSimple("OK") }},
		{"error", func(w *resp.Writer) { w.WriteError("ERR bad\r\nthing") }},
		{"int", func(w *resp.Writer) { w.WriteInt(-123456) }},
		{"bulk", func(w *resp.Writer) { w.WriteBulk(value) }},
		{"bulk string", func(w *resp.Writer) { w.WriteBulkString("value") }},
		{"bulks", func(w *resp.Writer) { w.WriteBulks([][]byte{value, nil, value}) }},
		{"null", func(w *resp.Writer) { w.WriteNull() }},
		{"null array", func(w *resp.Writer) { w.WriteNullArray() }},
		{"array", func(w *resp.Writer) { w.WriteArray(3) }},
		{"map", func(w *resp.Writer) { w.WriteMap(3) }},
		{"set", func(w *resp.Writer) { w.WriteSet(3) }},
		{"push", func(w *resp.Writer) { w.WritePush(3) }},
		{"double", func(w *resp.Writer) { w.WriteDouble(3.14159) }},
		{"bool", func(w *resp.Writer) { w.WriteBool(true) }},
		{"verbatim", func(w *resp.Writer) { w.WriteVerbatim("txt", value) }},
		{"command", func(w *resp.Writer) { w.WriteCommand(value, value, value) }},
		{"command strings", func(w *resp.Writer) { w.WriteCommandStrings("SET", "k", "v") }},
		{"raw", func(w *resp.Writer) { w.WriteRaw(value) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, proto := range []int{2, 3} {
				w := resp.NewWriter(io.Discard)
				w.Proto = proto
				if allocs := testing.AllocsPerRun(1000, func() { tc.write(w) }); allocs != 0 {
					t.Errorf("RESP%d: got %v allocations per reply, want 0", proto, allocs)
				}
			}
		})
	}
}

// Ensure that WriteBulks writes what WriteBulk and WriteNull write one by
// one, however its elements fall against the end of the buffer: short
// ones that fill it, ones longer than all of it, nulls between.
func TestWriter_BulksAcrossBuffer(t *testing.T) {
	var bs [][]byte
	for i := range 200 {
		switch {
		case i%17 == 0:
			bs = append(bs, nil)
		case i%29 == 0:
			bs = append(bs, bytes.Repeat([]byte{'L'}, 100+i))
		default:
			bs = append(bs, bytes.Repeat([]byte{byte('a' + i%26)}, i%13))
		}
	}
	for _, size := range []int{16, 40, 64, 4096} {
		for _, proto := range []int{2, 3} {
			var want, got bytes.Buffer
			one := resp.NewWriterSize(&want, size)
			all := resp.NewWriterSize(&got, size)
			one.Proto, all.Proto = proto, proto
			for _, b := range bs {
				if b == nil {
					one.WriteNull()
				} else {
					one.WriteBulk(b)
				}
			}
			all.WriteSimple("OK") // so that the elements start mid-buffer
			all.WriteBulks(bs)
			if err := errors.Join(one.Flush(), all.Flush()); err != nil {
				t.Fatal(err)
			}
			if got, want := got.String(), "+OK\r\n"+want.String(); got != want {
				t.Errorf("buffer %d, RESP%d: got %q, want %q", size, proto, got, want)
			}
		}
	}
}

// errWriter fails every write.
type errWriter struct{}

var errBroken = errors.New("broken pipe")

func (errWriter) Write([]byte) (int, error) { return 0, errBroken }

// Ensure that the first write error is kept and returned by Flush, and
// that Reset clears it and the protocol.
func TestWriter_ErrorAndReset(t *testing.T) {
	w := resp.NewWriterSize(errWriter{}, 16)
	w.Proto = 3
	w.WriteBulkString(strings.Repeat("x", 100)) // larger than the buffer
	w.WriteSimple("OK")
	if err := w.Flush(); !errors.Is(err, errBroken) {
		t.Fatalf("got %v from Flush, want %v", err, errBroken)
	}
	var buf bytes.Buffer
	w.Reset(&buf)
	if w.Proto != 2 {
		t.Errorf("got Proto %d after Reset, want 2", w.Proto)
	}
	w.WriteNull()
	if got := w.Buffered(); got != 5 {
		t.Errorf("got Buffered() = %d, want 5", got)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "$-1\r\n" {
		t.Errorf("got %q after Reset, want %q", got, "$-1\r\n")
	}
}

func BenchmarkWriter_Bulk(b *testing.B) {
	for _, size := range []int{8, 512, 16 << 10, 1 << 20} {
		b.Run(itoa(size), func(b *testing.B) {
			data := bytes.Repeat([]byte("x"), size)
			w := resp.NewWriter(io.Discard)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				w.WriteBulk(data)
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
