package resp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Default limits of a Reader; they are the defaults of Redis 7.
const (
	DefaultMaxBulk      = 512 << 20     // proto-max-bulk-len
	DefaultMaxInline    = 64 << 10      // PROTO_INLINE_MAX_SIZE
	DefaultMaxMultibulk = math.MaxInt32 // Redis refuses larger counts
)

const (
	defaultBufSize = 16 << 10
	chunkSize      = 1 << 20  // largest step by which a buffer grows before its bytes arrive
	keepScratch    = 64 << 10 // larger scratch buffers are not kept for reuse
	maxDepth       = 512      // deepest nesting of aggregates ReadValue accepts
)

// ProtocolError reports bytes that break the protocol. Msg is the text
// Redis 7 uses for the same input, so Error returns exactly what Redis
// sends after "-ERR " before it closes the connection.
type ProtocolError struct {
	Msg string // such as "invalid bulk length"
}

// Error returns "Protocol error: " followed by Msg.
func (e *ProtocolError) Error() string { return "Protocol error: " + e.Msg }

// errTooLong is returned by readDelim for a line longer than its limit.
var errTooLong = errors.New("line too long")

// Reader reads commands sent by clients (RESP arrays of bulk strings and
// inline commands) or replies sent by servers (any RESP2 or RESP3 value)
// from a buffered stream.
//
// The limits may be changed between reads. A Reader is not safe for
// concurrent use.
type Reader struct {
	MaxBulk      int64 // longest bulk string accepted, in bytes
	MaxInline    int   // longest inline command or size header, in bytes, without its newline
	MaxMultibulk int64 // most elements accepted in one array

	// Borrow makes ReadCommand lend its arguments instead of giving them:
	// they point into the Reader's own buffers and are valid only until
	// the next read. A server that executes each command before reading
	// the next, and whose commands copy what they keep, reads without
	// allocating.
	Borrow bool

	args    [][]byte   // reused for the arguments when Borrow is set
	batch   [][][]byte // reused by ReadCommands
	br      *bufio.Reader
	line    []byte // a line that did not fit in br's buffer, accumulated
	scratch []byte // argument bytes of the command being read
	ends    []int  // end offset in scratch of each argument read so far
	spans   []span // where each argument lies in br's buffer (fast path)
}

// span is where one argument's bytes lie in the buffered input.
type span struct{ off, n int }

// NewReader returns a Reader with a 16 KiB buffer and the default limits.
func NewReader(rd io.Reader) *Reader { return NewReaderSize(rd, defaultBufSize) }

// NewReaderSize returns a Reader whose buffer holds at least size bytes,
// with the default limits.
func NewReaderSize(rd io.Reader, size int) *Reader {
	return &Reader{
		MaxBulk:      DefaultMaxBulk,
		MaxInline:    DefaultMaxInline,
		MaxMultibulk: DefaultMaxMultibulk,
		br:           bufio.NewReaderSize(rd, size),
	}
}

// Reset discards any buffered input and makes r read from rd. The limits
// are kept.
func (r *Reader) Reset(rd io.Reader) { r.br.Reset(rd) }

// Buffered returns the number of bytes that can be read without reading
// from the underlying reader. A server flushes its replies when this is 0,
// so that a batch of pipelined commands gets one write.
func (r *Reader) Buffered() int { return r.br.Buffered() }

// Readiness is what the buffered input holds, as Ready tells it to a
// server that reads only when the socket has input and must never wait
// in the middle of a command: an event loop.
type Readiness int

const (
	// Incomplete: no command yet, only the start of one (or nothing),
	// and the rest fits in the buffer when it arrives.
	Incomplete Readiness = iota
	// Complete: the first command lies whole in the buffer, after any
	// empty ones: ReadCommand and ReadCommands return it without reading
	// from the underlying reader, unless the buffer holds only empty
	// commands (blank lines, empty arrays).
	Complete
	// Unknown: a command that cannot fit in the buffer, or bytes that
	// break the protocol. Only a reader that may wait can go on.
	Unknown
)

// Ready reports what the buffered input holds, without reading and
// without consuming anything. It judges commands as ReadCommand reads
// them; whatever is not plainly a well-formed command, or the start of
// one small enough for the buffer, is Unknown, and left to a reader that
// may wait for the rest and reports the error, if any.
func (r *Reader) Ready() Readiness {
	buf, _ := r.br.Peek(r.br.Buffered())
	room := r.br.Size() // what the buffer holds once its data is moved to the front
	skipped := false
	for len(buf) > 0 {
		var n int
		var state Readiness
		if buf[0] == '*' {
			n, state = r.readyMultibulk(buf, room)
		} else {
			n, state = r.readyInline(buf, room)
		}
		switch {
		case state != Complete:
			if state == Incomplete && r.br.Buffered() >= room {
				return Unknown // a full buffer gets no more input
			}
			return state
		case n > 0:
			buf, skipped = buf[n:], true // an empty command: look past it
		default:
			return Complete
		}
	}
	if skipped {
		return Complete
	}
	return Incomplete
}

// readyInline judges the inline line at the start of buf: Complete with
// the length of the line for a blank one (no arguments), Complete with 0
// for one with arguments.
func (r *Reader) readyInline(buf []byte, room int) (skip int, state Readiness) {
	i := bytes.IndexByte(buf, '\n')
	switch {
	case i < 0 && len(buf) <= r.MaxInline && len(buf) < room:
		return 0, Incomplete
	case i < 0 || i > r.MaxInline+1 || bytes.IndexByte(buf[:i], 0) >= 0:
		return 0, Unknown // too long, or a NUL, which ends the arguments early
	}
	for _, c := range buf[:i] {
		if !isSpace(c) {
			return 0, Complete
		}
	}
	return i + 1, Complete
}

// readyMultibulk judges the array at the start of buf as fastMultibulk
// would read it: Complete with the length of its header for an empty
// array, Complete with 0 for a whole command.
func (r *Reader) readyMultibulk(buf []byte, room int) (skip int, state Readiness) {
	const minArg = int64(len("$0\r\n\r\n"))
	i := bytes.IndexByte(buf, '\r')
	if i < 0 || i+1 >= len(buf) {
		return 0, short(buf, room)
	}
	count, ok := parseInt(buf[1:i])
	switch {
	case !ok || count > r.MaxMultibulk:
		return 0, Unknown
	case count <= 0:
		return i + 2, Complete
	case int64(i+2)+count*minArg > int64(room):
		return 0, Unknown
	}
	pos := i + 2
	for k := range count {
		if pos >= len(buf) {
			return 0, Incomplete
		}
		if buf[pos] != '$' {
			return 0, Unknown
		}
		j := bytes.IndexByte(buf[pos:], '\r')
		if j < 0 || pos+j+1 >= len(buf) {
			return 0, short(buf[pos:], room-pos)
		}
		j += pos
		n, ok := parseInt(buf[pos+1 : j])
		if !ok || n < 0 || n > r.MaxBulk {
			return 0, Unknown
		}
		end := int64(j+2) + n + 2
		if end+(count-k-1)*minArg > int64(room) {
			return 0, Unknown
		}
		pos = int(end)
	}
	if pos > len(buf) {
		return 0, Incomplete
	}
	return 0, Complete
}

// short judges a size header whose line has not ended: Incomplete while
// it is short enough to be one.
func short(header []byte, room int) Readiness {
	const longest = len("$-9223372036854775808\r")
	if len(header) < longest && len(header) < room {
		return Incomplete
	}
	return Unknown
}

// Fill reads once from the underlying reader into the buffer, if it has
// room, and returns the error of that read: for a server that reads when
// the socket has input, then asks Ready what it holds.
func (r *Reader) Fill() error {
	if r.br.Buffered() >= r.br.Size() {
		return nil
	}
	_, err := r.br.Peek(r.br.Buffered() + 1)
	return err
}

// ReadCommand reads one command and returns its arguments, name first.
//
// A command is either a RESP array of bulk strings or, when the first byte
// is not '*', an inline command: one line split into arguments like
// redis-cli and Redis split them (sdssplitargs), with "double quotes" that
// understand \n \r \t \b \a \xHH and 'single quotes' that understand \'.
// Empty lines and empty arrays are skipped.
//
// The returned arguments belong to the caller and stay valid after the next
// read: they are slices of one fresh byte slice holding the whole command
// (for a command larger than 64 KiB, the buffer it was read into, which
// may have some spare capacity). Each argument's capacity ends where the
// argument ends, so appending to one never overwrites another.
//
// ReadCommand returns io.EOF when the input ends between two commands,
// io.ErrUnexpectedEOF when it ends inside one, and a *ProtocolError for
// bytes that are not a command; after a ProtocolError the stream is out of
// step and the connection should be closed. Other errors of the underlying
// reader are returned as they are; one that comes in the middle of a
// command leaves the stream out of step too.
//
// Like Redis, ReadCommand takes the byte after the '\r' that ends a size
// header, and the two bytes after a bulk string's data, to be "\r\n"
// without looking at them.
//
// Deviations from Redis 7: an array header with a negative count other
// than -1 is an invalid multibulk length (Redis skips it like *0); a NUL
// byte ends an inline line the way it ends sdssplitargs' input (Redis
// instead waits for a newline its strchr cannot see).
func (r *Reader) ReadCommand() ([][]byte, error) {
	for {
		b, err := r.br.Peek(1)
		if err != nil {
			return nil, err // io.EOF here is a clean end
		}
		var args [][]byte
		if b[0] == '*' {
			var ok bool
			if args, ok = r.fastMultibulk(); !ok {
				args, err = r.readMultibulk()
			}
		} else {
			args, err = r.readInline()
		}
		if err != nil || args != nil {
			return args, err
		}
	}
}

// ReadCommands reads one command as ReadCommand does, waiting for it if
// need be, then every further command that already lies whole in the
// buffer, up to max commands in all, without waiting for more input: a
// client's pipeline, as far as it has arrived. The commands and their
// arguments are lent, as with Borrow (which ReadCommands requires), and
// last until the next read.
func (r *Reader) ReadCommands(max int) ([][][]byte, error) {
	if !r.Borrow {
		return nil, errors.New("resp: ReadCommands needs Borrow")
	}
	first, err := r.ReadCommand()
	if err != nil {
		return nil, err
	}
	r.batch = append(r.batch[:0], r.keep(0, first))
	for len(r.batch) < max && r.br.Buffered() > 0 {
		if b, _ := r.br.Peek(1); b[0] != '*' {
			break // inline and partial commands wait for the next call
		}
		args, ok := r.fastMultibulk()
		if !ok {
			break
		}
		r.batch = append(r.batch, r.keep(len(r.batch), args))
	}
	return r.batch, nil
}

// keep copies the argument headers of the i'th command of a batch out of
// r.args, which the next command reuses, into storage of its own that
// later batches reuse. The bytes stay where they are.
func (r *Reader) keep(i int, args [][]byte) [][]byte {
	if i < len(r.batch[:cap(r.batch)]) {
		if kept := r.batch[:cap(r.batch)][i]; kept != nil {
			return append(kept[:0], args...)
		}
	}
	return append([][]byte(nil), args...)
}

// fastMultibulk parses a command that lies whole in the buffer, valid and
// not empty, with one copy of its argument bytes. Anything else is left to
// readMultibulk: ok is false and nothing has been consumed.
func (r *Reader) fastMultibulk() (args [][]byte, ok bool) {
	buf, _ := r.br.Peek(r.br.Buffered())
	i := bytes.IndexByte(buf, '\r')
	if i < 0 || i+1 >= len(buf) {
		return nil, false
	}
	count, ok := parseInt(buf[1:i])
	if !ok || count <= 0 || count > r.MaxMultibulk || count > int64(len(buf)) {
		return nil, false
	}
	pos, total := i+2, 0
	spans := r.spans[:0]
	for range count {
		if pos >= len(buf) || buf[pos] != '$' {
			return nil, false
		}
		j := bytes.IndexByte(buf[pos:], '\r')
		if j < 0 || pos+j+1 >= len(buf) {
			return nil, false
		}
		j += pos
		n, ok := parseInt(buf[pos+1 : j])
		if !ok || n < 0 || n > r.MaxBulk || n > int64(len(buf)-j-4) {
			return nil, false
		}
		spans = append(spans, span{j + 2, int(n)})
		r.spans = spans // kept even when a later argument is incomplete
		total += int(n)
		pos = j + 2 + int(n) + 2
	}
	if r.Borrow {
		// The arguments stay where they are in br's buffer: Discard only
		// moves the read position, and nothing refills the buffer before
		// the next read.
		args = r.args[:0]
		for _, s := range spans {
			args = append(args, buf[s.off:s.off+s.n:s.off+s.n])
		}
		r.args = args
		r.br.Discard(pos)
		return args, true
	}
	data := make([]byte, total)
	args = make([][]byte, len(spans))
	off := 0
	for k, s := range spans {
		copy(data[off:], buf[s.off:s.off+s.n])
		args[k] = data[off : off+s.n : off+s.n]
		off += s.n
	}
	r.br.Discard(pos)
	return args, true
}

// readMultibulk reads a RESP array of bulk strings, as much of it as needs
// to arrive, like Redis's processMultibulkBuffer. It returns nil, nil for
// an empty array.
func (r *Reader) readMultibulk() ([][]byte, error) {
	_, count, ok, err := r.readHeader("too big mbulk count string")
	if err != nil {
		return nil, err
	}
	if !ok || count > r.MaxMultibulk {
		return nil, &ProtocolError{Msg: "invalid multibulk length"}
	}
	if count <= 0 { // Redis skips empty and negative counts alike
		return nil, nil
	}
	if r.scratch == nil {
		r.scratch = make([]byte, 0, 512)
	}
	r.scratch, r.ends = r.scratch[:0], r.ends[:0]
	for range count {
		c, n, ok, err := r.readHeader("too big bulk count string")
		if err != nil {
			return nil, err
		}
		if c != '$' {
			// Redis formats the byte with %c: the raw byte, whatever it is.
			return nil, &ProtocolError{Msg: "expected '$', got '" + string([]byte{c}) + "'"}
		}
		if !ok || n < 0 || n > r.MaxBulk {
			return nil, &ProtocolError{Msg: "invalid bulk length"}
		}
		if r.scratch, err = r.readN(r.scratch, n); err != nil {
			return nil, err
		}
		if _, err := r.br.Discard(2); err != nil {
			return nil, unexpected(err)
		}
		r.ends = append(r.ends, len(r.scratch))
	}
	return r.takeArgs(), nil
}

// readHeader reads a size header such as "$5\r\n": its first byte c and the
// integer n after it (ok is false if that is not an integer). Like Redis,
// the header ends at the first '\r' and the byte after it is skipped
// unseen. tooBig is the protocol error for a header longer than MaxInline.
func (r *Reader) readHeader(tooBig string) (c byte, n int64, ok bool, err error) {
	line, err := r.readDelim('\r', r.MaxInline)
	if err != nil {
		if err == errTooLong {
			return 0, 0, false, &ProtocolError{Msg: tooBig}
		}
		return 0, 0, false, unexpected(err)
	}
	line = line[:len(line)-1]
	c = '\r' // an empty header: Redis reports the '\r' it found first
	if len(line) > 0 {
		c = line[0]
		n, ok = parseInt(line[1:])
	}
	// line may point into br's buffer: it is not used after this read.
	if _, err := r.br.ReadByte(); err != nil {
		return 0, 0, false, unexpected(err)
	}
	return c, n, ok, nil
}

// readInline reads an inline command: one line split into arguments. It
// returns nil, nil for a line with no arguments.
func (r *Reader) readInline() ([][]byte, error) {
	// One more byte than MaxInline, for a '\r' before the '\n'.
	line, err := r.readDelim('\n', r.MaxInline+1)
	if err != nil {
		if err == errTooLong {
			return nil, &ProtocolError{Msg: "too big inline request"}
		}
		return nil, unexpected(err)
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > r.MaxInline {
		return nil, &ProtocolError{Msg: "too big inline request"}
	}
	if err := r.splitArgs(line); err != nil {
		return nil, err
	}
	if len(r.ends) == 0 {
		return nil, nil
	}
	return r.takeArgs(), nil
}

// splitArgs splits an inline line into r.scratch and r.ends.
func (r *Reader) splitArgs(line []byte) error {
	var err error
	r.scratch, r.ends, err = appendSplit(r.scratch[:0], r.ends[:0], line)
	return err
}

// SplitArgs splits a line into arguments exactly as Redis's sdssplitargs
// does, for inline commands and for redis-cli's command lines alike:
// arguments are separated by spaces, tabs, carriage returns and newlines;
// a double-quoted part understands \n \r \t \b \a \xHH and a backslash
// before any other character; a single-quoted part understands only \';
// a closing quote must be followed by a space or the end of the line; a
// NUL byte ends the line as it ends a C string. A line with no arguments
// gives none; one whose quotes do not balance gives the protocol error
// "unbalanced quotes in request".
func SplitArgs(line []byte) ([][]byte, error) {
	buf, ends, err := appendSplit(nil, nil, line)
	if err != nil {
		return nil, err
	}
	args := make([][]byte, len(ends))
	start := 0
	for i, end := range ends {
		args[i] = buf[start:end:end]
		start = end
	}
	return args, nil
}

// appendSplit is SplitArgs appending the arguments' bytes to buf and the
// end offset of each in buf to ends.
func appendSplit(buf []byte, ends []int, line []byte) ([]byte, []int, error) {
	if i := bytes.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	// at reads like C's *(p+i) on a NUL-terminated string.
	at := func(i int) byte {
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	p := 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p >= len(line) {
			return buf, ends, nil
		}
		inq, insq := false, false // inside "double" or 'single' quotes
		for done := false; !done; {
			c := at(p)
			switch {
			case inq:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					buf = append(buf, unhex(at(p+2))<<4|unhex(at(p+3)))
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					switch e := line[p]; e {
					case 'n':
						buf = append(buf, '\n')
					case 'r':
						buf = append(buf, '\r')
					case 't':
						buf = append(buf, '\t')
					case 'b':
						buf = append(buf, '\b')
					case 'a':
						buf = append(buf, '\a')
					default:
						buf = append(buf, e)
					}
				case c == '"':
					// A closing quote must be followed by a space or nothing.
					if next := at(p + 1); next != 0 && !isSpace(next) {
						return nil, nil, errUnbalanced()
					}
					done = true
				case c == 0:
					return nil, nil, errUnbalanced()
				default:
					buf = append(buf, c)
				}
			case insq:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					buf = append(buf, '\'')
				case c == '\'':
					if next := at(p + 1); next != 0 && !isSpace(next) {
						return nil, nil, errUnbalanced()
					}
					done = true
				case c == 0:
					return nil, nil, errUnbalanced()
				default:
					buf = append(buf, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					buf = append(buf, c)
				}
			}
			if at(p) != 0 {
				p++
			}
		}
		ends = append(ends, len(buf))
	}
}

// takeArgs copies the arguments collected in r.scratch and r.ends into one
// fresh slice and returns them.
func (r *Reader) takeArgs() [][]byte {
	if r.Borrow && cap(r.scratch) <= keepScratch {
		args := r.args[:0]
		start := 0
		for _, end := range r.ends {
			args = append(args, r.scratch[start:end:end])
			start = end
		}
		r.args = args
		return args
	}
	var data []byte
	if cap(r.scratch) > keepScratch {
		// A large buffer is handed over rather than copied and kept: it
		// is fresh for this command, and a Reader should not hold on to
		// the memory of its largest command.
		data, r.scratch = r.scratch, nil
	} else {
		data = make([]byte, len(r.scratch))
		copy(data, r.scratch)
	}
	args := make([][]byte, len(r.ends))
	start := 0
	for i, end := range r.ends {
		args[i] = data[start:end:end]
		start = end
	}
	if cap(r.ends) > keepScratch {
		r.ends = nil
	}
	return args
}

// readDelim reads up to and including delim. The line returned may point
// into br's buffer or into r.line, and is valid until the next read. If the
// first limit+1 bytes hold no delim, it returns errTooLong, even if the
// input ends there: like Redis, it judges the bytes it has.
func (r *Reader) readDelim(delim byte, limit int) ([]byte, error) {
	line, err := r.br.ReadSlice(delim)
	if err == nil {
		if len(line) > limit+1 {
			return nil, errTooLong
		}
		return line, nil
	}
	if len(line) > limit {
		return nil, errTooLong
	}
	if err != bufio.ErrBufferFull {
		return nil, err
	}
	acc := append(r.line[:0], line...)
	defer func() {
		if cap(acc) <= keepScratch {
			r.line = acc
		}
	}()
	for {
		line, err = r.br.ReadSlice(delim)
		acc = append(acc, line...)
		if err == nil {
			if len(acc) > limit+1 {
				return nil, errTooLong
			}
			return acc, nil
		}
		if len(acc) > limit {
			return nil, errTooLong
		}
		if err != bufio.ErrBufferFull {
			return nil, err
		}
	}
}

// readN appends n bytes from the input to dst. The buffer grows as the
// bytes arrive, by doubling (but not past the end of a large value) and
// never more than chunkSize ahead of the data, so that a huge declared
// length costs memory only as its data comes in.
func (r *Reader) readN(dst []byte, n int64) ([]byte, error) {
	for n > 0 {
		step := int(min(n, chunkSize))
		if cap(dst)-len(dst) < step {
			size := max(2*cap(dst), len(dst)+step)
			if end := int64(len(dst)) + n; n > keepScratch && int64(size) > end {
				size = int(end) // a large value gets no spare room
			}
			grown := make([]byte, len(dst), size)
			copy(grown, dst)
			dst = grown
		}
		have := len(dst)
		dst = dst[:have+step]
		if _, err := io.ReadFull(r.br, dst[have:]); err != nil {
			return dst[:have], unexpected(err)
		}
		n -= int64(step)
	}
	return dst, nil
}

// ReadValue reads one reply of any RESP2 or RESP3 type. Null replies ($-1,
// *-1 and _) are Values of Kind Null; RESP3 attributes (|) are read and
// dropped, and the value after them is returned; a blob error (!) is an
// Error. The Value owns its bytes.
//
// ReadValue returns io.EOF when the input ends before the reply starts,
// io.ErrUnexpectedEOF when it ends inside one, and a *ProtocolError for
// bytes that are not a reply.
func (r *Reader) ReadValue() (Value, error) {
	if _, err := r.br.Peek(1); err != nil {
		return Value{}, err
	}
	v, err := r.readValue(0)
	return v, unexpected(err)
}

func (r *Reader) readValue(depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, &ProtocolError{Msg: "reply nested too deeply"}
	}
	for {
		line, err := r.readReplyLine()
		if err != nil {
			return Value{}, err
		}
		typ, body := line[0], line[1:]
		switch typ {
		case '+':
			return Value{Kind: SimpleString, Str: bytes.Clone(body)}, nil
		case '-':
			return Value{Kind: Error, Str: bytes.Clone(body)}, nil
		case ':':
			n, ok := parseInt(body)
			if !ok {
				return Value{}, &ProtocolError{Msg: "invalid integer"}
			}
			return Value{Kind: Integer, Int: n}, nil
		case '_':
			if len(body) != 0 {
				return Value{}, &ProtocolError{Msg: "invalid null"}
			}
			return Value{Kind: Null}, nil
		case ',':
			f, ok := parseDouble(body)
			if !ok {
				return Value{}, &ProtocolError{Msg: "invalid double"}
			}
			return Value{Kind: Double, Float: f, Str: bytes.Clone(body)}, nil
		case '#':
			if len(body) == 1 && (body[0] == 't' || body[0] == 'f') {
				v := Value{Kind: Boolean}
				if body[0] == 't' {
					v.Int = 1
				}
				return v, nil
			}
			return Value{}, &ProtocolError{Msg: "invalid boolean"}
		case '(':
			if !isBigNumber(body) {
				return Value{}, &ProtocolError{Msg: "invalid big number"}
			}
			return Value{Kind: BigNumber, Str: bytes.Clone(body)}, nil
		case '$', '!', '=':
			return r.readBlob(typ, body)
		case '*', '~', '>', '%', '|':
			n, ok := parseInt(body)
			if ok && n == -1 && typ == '*' {
				return Value{Kind: Null}, nil
			}
			if !ok || n < 0 || n > r.MaxMultibulk || n > math.MaxInt64/2 {
				return Value{}, &ProtocolError{Msg: "invalid multibulk length"}
			}
			if typ == '%' || typ == '|' {
				n *= 2
			}
			if typ == '|' {
				for range n {
					if _, err := r.readValue(depth + 1); err != nil {
						return Value{}, err
					}
				}
				continue // the attributes describe the value that follows
			}
			v := Value{Kind: aggregateKinds[typ], Elems: make([]Value, 0, min(n, 1024))}
			for range n {
				e, err := r.readValue(depth + 1)
				if err != nil {
					return Value{}, err
				}
				v.Elems = append(v.Elems, e)
			}
			return v, nil
		default:
			return Value{}, &ProtocolError{Msg: fmt.Sprintf("unexpected reply type byte %q", typ)}
		}
	}
}

var aggregateKinds = [256]Kind{'*': Array, '~': Set, '>': Push, '%': Map}

// readReplyLine reads a line of a reply and returns it without its "\r\n".
// The line is never empty and is valid until the next read.
func (r *Reader) readReplyLine() ([]byte, error) {
	limit := int(min(r.MaxBulk, math.MaxInt32))
	line, err := r.readDelim('\n', max(limit, r.MaxInline))
	if err != nil {
		if err == errTooLong {
			return nil, &ProtocolError{Msg: "too big reply line"}
		}
		return nil, unexpected(err)
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, &ProtocolError{Msg: "invalid reply line"}
	}
	return line[:len(line)-2], nil
}

// readBlob reads the data of a bulk string ($), blob error (!) or verbatim
// string (=) whose header said size.
func (r *Reader) readBlob(typ byte, size []byte) (Value, error) {
	n, ok := parseInt(size)
	if ok && n == -1 && typ == '$' {
		return Value{Kind: Null}, nil
	}
	if !ok || n < 0 || n > r.MaxBulk {
		return Value{}, &ProtocolError{Msg: "invalid bulk length"}
	}
	data, err := r.readN(make([]byte, 0, min(n, chunkSize)), n)
	if err != nil {
		return Value{}, err
	}
	var crlf [2]byte
	if _, err := io.ReadFull(r.br, crlf[:]); err != nil {
		return Value{}, unexpected(err)
	}
	if crlf != [2]byte{'\r', '\n'} {
		return Value{}, &ProtocolError{Msg: "invalid bulk terminator"}
	}
	switch typ {
	case '!':
		return Value{Kind: Error, Str: data}, nil
	case '=':
		if len(data) < 4 || data[3] != ':' {
			return Value{}, &ProtocolError{Msg: "invalid verbatim string"}
		}
		return Value{Kind: Verbatim, Fmt: string(data[:3]), Str: data[4:]}, nil
	}
	return Value{Kind: BulkString, Str: data}, nil
}

// errUnbalanced is built only when returned: the inline path must not
// allocate for an error it does not report.
func errUnbalanced() error { return &ProtocolError{Msg: "unbalanced quotes in request"} }

// unexpected turns io.EOF into io.ErrUnexpectedEOF: the input ended inside
// a command or reply.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseInt parses a decimal integer exactly as Redis's string2ll does: an
// optional '-', no '+', no leading zeros, no spaces, at most 20 bytes.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// parseDouble parses the text of a RESP3 double: inf, -inf, nan or a
// decimal number.
func parseDouble(b []byte) (float64, bool) {
	switch string(b) {
	case "inf", "+inf":
		return math.Inf(1), true
	case "-inf":
		return math.Inf(-1), true
	case "nan", "-nan":
		return math.NaN(), true
	}
	if len(b) == 0 || len(b) > 512 {
		return 0, false
	}
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return 0, false // refuse ParseFloat's extras: hex, underscores, "Infinity"
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}

// isBigNumber reports whether b is an optional '-' followed by digits.
func isBigNumber(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
