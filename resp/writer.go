package resp

import (
	"bufio"
	"io"
	"math"
	"strconv"
)

// Writer encodes replies, as RESP2 or RESP3, and commands into a buffered
// stream. The RESP3 types (map, set, push, double, boolean, verbatim) are
// sent as their RESP2 equivalents, as Redis 7 sends them, when Proto is 2.
//
// Its methods return nothing: like bufio.Writer it keeps the first write
// error, and Flush returns it. Nothing reaches the underlying writer until
// Flush or until the buffer fills. A Writer is not safe for concurrent use.
type Writer struct {
	Proto int // protocol version of the connection: 3 for RESP3, anything else means RESP2

	bw  *bufio.Writer
	num [64]byte // scratch for a type byte, a number and "\r\n"
}

// NewWriter returns a RESP2 Writer with a 16 KiB buffer.
func NewWriter(w io.Writer) *Writer { return NewWriterSize(w, defaultBufSize) }

// NewWriterSize returns a RESP2 Writer whose buffer holds at least size
// bytes.
func NewWriterSize(w io.Writer, size int) *Writer {
	return &Writer{Proto: 2, bw: bufio.NewWriterSize(w, size)}
}

// Reset discards anything not flushed, clears the kept error, makes w write
// to dst and sets Proto back to 2, so that a Writer can serve a new
// connection.
func (w *Writer) Reset(dst io.Writer) {
	w.bw.Reset(dst)
	w.Proto = 2
}

// Flush writes the buffered bytes to the underlying writer and returns the
// first error of any write so far.
func (w *Writer) Flush() error { return w.bw.Flush() }

// Buffered returns the number of bytes written but not yet flushed.
func (w *Writer) Buffered() int { return w.bw.Buffered() }

// WriteRaw writes b as it is, for bytes that are already RESP.
func (w *Writer) WriteRaw(b []byte) { w.bw.Write(b) }

// WriteSimple writes a simple string, such as OK for "+OK\r\n". Any '\r'
// or '\n' in s becomes a space, so that the reply stays one line.
func (w *Writer) WriteSimple(s string) { w.writeLine('+', s) }

// WriteError writes an error reply. s is the text after '-', code first,
// such as "ERR unknown command". Any '\r' or '\n' in s becomes a space, as
// in Redis's addReplyError, so that the reply stays one line.
func (w *Writer) WriteError(s string) { w.writeLine('-', s) }

// WriteInt writes an integer reply.
func (w *Writer) WriteInt(n int64) { w.writeHeader(':', n) }

// WriteBulk writes b as a bulk string.
func (w *Writer) WriteBulk(b []byte) {
	if buf := w.bw.AvailableBuffer(); cap(buf) >= len(b)+bulkOverhead {
		w.bw.Write(appendBulk(buf, b))
		return
	}
	w.writeHeader('$', int64(len(b)))
	w.bw.Write(b)
	w.bw.WriteString("\r\n")
}

// WriteBulks writes each of bs as a bulk string, or as a null where it is
// nil: the elements of an array or map whose header the caller wrote.
// Elements that fit in the buffer's free space are formatted straight
// into it, and handed to it with one Write, not three each.
func (w *Writer) WriteBulks(bs [][]byte) {
	buf := w.bw.AvailableBuffer()
	for _, b := range bs {
		if cap(buf)-len(buf) < len(b)+bulkOverhead {
			w.bw.Write(buf)
			if buf = w.bw.AvailableBuffer(); cap(buf) < len(b)+bulkOverhead {
				w.writeBulkOrNull(b) // too long for the free space: bufio flushes it through
				buf = w.bw.AvailableBuffer()
				continue
			}
		}
		if b == nil {
			buf = w.appendNull(buf)
		} else {
			buf = appendBulk(buf, b)
		}
	}
	w.bw.Write(buf)
}

// writeBulkOrNull writes b as a bulk string, or a null when it is nil.
func (w *Writer) writeBulkOrNull(b []byte) {
	if b == nil {
		w.WriteNull()
		return
	}
	w.WriteBulk(b)
}

// bulkOverhead is the most that a bulk string's encoding adds to its
// bytes: '$', a length of up to 20 digits and two "\r\n". A null is
// shorter.
const bulkOverhead = 1 + 20 + 2 + 2

// appendBulk appends b encoded as a bulk string to dst. A length under
// ten, the most common in arrays of short elements, is one digit that
// costs no call to strconv.
func appendBulk(dst, b []byte) []byte {
	if n := len(b); n < 10 {
		dst = append(dst, '$', byte('0'+n), '\r', '\n')
	} else {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(n), 10)
		dst = append(dst, '\r', '\n')
	}
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}

// appendNull appends the null reply of w's protocol to dst.
func (w *Writer) appendNull(dst []byte) []byte {
	if w.Proto == 3 {
		return append(dst, "_\r\n"...)
	}
	return append(dst, "$-1\r\n"...)
}

// WriteBulkString writes s as a bulk string.
func (w *Writer) WriteBulkString(s string) {
	w.writeHeader('$', int64(len(s)))
	w.bw.WriteString(s)
	w.bw.WriteString("\r\n")
}

// WriteNull writes the null reply: the null bulk string "$-1" in RESP2,
// "_" in RESP3.
func (w *Writer) WriteNull() {
	if w.Proto == 3 {
		w.bw.WriteString("_\r\n")
		return
	}
	w.bw.WriteString("$-1\r\n")
}

// WriteNullArray writes the null array: "*-1" in RESP2, "_" in RESP3.
func (w *Writer) WriteNullArray() {
	if w.Proto == 3 {
		w.bw.WriteString("_\r\n")
		return
	}
	w.bw.WriteString("*-1\r\n")
}

// WriteArray writes the header of an array of n elements; the caller
// writes the elements next.
func (w *Writer) WriteArray(n int) { w.writeHeader('*', int64(n)) }

// WriteMap writes the header of a map of n key-value pairs; the caller
// writes key, value, key, value... next. RESP2 has no map: it gets an
// array of 2n elements.
func (w *Writer) WriteMap(n int) {
	if w.Proto == 3 {
		w.writeHeader('%', int64(n))
		return
	}
	w.writeHeader('*', 2*int64(n))
}

// WriteSet writes the header of a set of n elements, an array in RESP2.
func (w *Writer) WriteSet(n int) {
	if w.Proto == 3 {
		w.writeHeader('~', int64(n))
		return
	}
	w.writeHeader('*', int64(n))
}

// WritePush writes the header of an out-of-band push message of n
// elements (pub/sub), an array in RESP2.
func (w *Writer) WritePush(n int) {
	if w.Proto == 3 {
		w.writeHeader('>', int64(n))
		return
	}
	w.writeHeader('*', int64(n))
}

// WriteDouble writes f as Redis 7 does: "inf", "-inf", "nan" or the
// shortest of %.17g, as a RESP3 double or, in RESP2, as a bulk string of
// the same text.
func (w *Writer) WriteDouble(f float64) {
	text := AppendDouble(w.num[32:32], f) // the header goes in w.num[:32]
	if w.Proto == 3 {
		w.bw.WriteByte(',')
		w.bw.Write(text)
		w.bw.WriteString("\r\n")
		return
	}
	w.writeHeader('$', int64(len(text)))
	w.bw.Write(text)
	w.bw.WriteString("\r\n")
}

// AppendDouble appends f formatted as Redis 7 formats doubles in replies
// ("%.17g", with "inf", "-inf" and "nan" spelled out) to dst and returns
// the extended slice.
func AppendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

// WriteBool writes a RESP3 boolean, or the integer 1 or 0 in RESP2.
func (w *Writer) WriteBool(b bool) {
	switch {
	case w.Proto == 3 && b:
		w.bw.WriteString("#t\r\n")
	case w.Proto == 3:
		w.bw.WriteString("#f\r\n")
	case b:
		w.bw.WriteString(":1\r\n")
	default:
		w.bw.WriteString(":0\r\n")
	}
}

// WriteVerbatim writes s as a RESP3 verbatim string of the given format,
// such as "txt" or "mkd", or as a plain bulk string in RESP2. A format that
// is not 3 bytes long is written as "txt".
func (w *Writer) WriteVerbatim(format string, s []byte) {
	if w.Proto != 3 {
		w.WriteBulk(s)
		return
	}
	if len(format) != 3 {
		format = "txt"
	}
	w.writeHeader('=', int64(len(s))+4)
	w.bw.WriteString(format)
	w.bw.WriteByte(':')
	w.bw.Write(s)
	w.bw.WriteString("\r\n")
}

// WriteCommand writes a command as a client sends it: an array of bulk
// strings.
func (w *Writer) WriteCommand(args ...[]byte) {
	w.WriteArray(len(args))
	for _, a := range args {
		w.WriteBulk(a)
	}
}

// WriteCommandStrings is WriteCommand for string arguments.
func (w *Writer) WriteCommandStrings(args ...string) {
	w.WriteArray(len(args))
	for _, a := range args {
		w.WriteBulkString(a)
	}
}

// WriteValue writes v, and the values inside it, in w's protocol. A Value
// of a RESP3 kind is sent as its RESP2 equivalent when Proto is 2, and a
// BigNumber then becomes a bulk string, as in Redis. A Value of no known
// Kind is written as a null.
func (w *Writer) WriteValue(v Value) {
	switch v.Kind {
	case SimpleString:
		w.WriteSimple(string(v.Str))
	case Error:
		w.WriteError(string(v.Str))
	case Integer:
		w.WriteInt(v.Int)
	case BulkString:
		w.WriteBulk(v.Str)
	case Double:
		w.WriteDouble(v.Float)
	case Boolean:
		w.WriteBool(v.Int != 0)
	case BigNumber:
		if w.Proto == 3 {
			w.writeLine('(', string(v.Str))
		} else {
			w.WriteBulk(v.Str)
		}
	case Verbatim:
		w.WriteVerbatim(v.Fmt, v.Str)
	case Array, Set, Push, Map:
		switch v.Kind {
		case Array:
			w.WriteArray(len(v.Elems))
		case Set:
			w.WriteSet(len(v.Elems))
		case Push:
			w.WritePush(len(v.Elems))
		case Map:
			w.WriteMap(len(v.Elems) / 2)
		}
		elems := v.Elems
		if v.Kind == Map {
			elems = elems[:len(elems)/2*2]
		}
		for _, e := range elems {
			w.WriteValue(e)
		}
	default:
		w.WriteNull()
	}
}

// writeHeader writes a type byte, n and "\r\n".
func (w *Writer) writeHeader(typ byte, n int64) {
	b := append(w.num[:0], typ)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, '\r', '\n')
	w.bw.Write(b)
}

// writeLine writes a type byte, s with each '\r' and '\n' replaced by a
// space, and "\r\n".
func (w *Writer) writeLine(typ byte, s string) {
	w.bw.WriteByte(typ)
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			w.bw.WriteString(s[start:i])
			w.bw.WriteByte(' ')
			start = i + 1
		}
	}
	w.bw.WriteString(s[start:])
	w.bw.WriteString("\r\n")
}
