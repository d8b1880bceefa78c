package persist

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"github.com/photondb/photon/engine"
)

// LoadInfo describes what Load read.
type LoadInfo struct {
	Missing   bool  // there was no file: nothing was read
	Preamble  bool  // the file started with an RDB snapshot
	Keys      int   // keys in that snapshot
	Commands  int   // commands replayed after it
	Size      int64 // bytes in the file as loaded, after any truncation
	Truncated int64 // bytes of an incomplete last command cut off the end; 0 when none
}

// These errors can occur when loading an append-only file.
var (
	// ErrTruncated means the file ends inside a command, as a crash in
	// the middle of a write leaves it, and aof-load-truncated is off. It
	// is wrapped in a FormatError at the incomplete command's offset.
	ErrTruncated = errors.New("unexpected end of file")
)

// Load replays the file, turns logging on and appends to it from then
// on: it calls put for each key of an RDB preamble (a file that starts
// with "REDIS" is an RDB snapshot followed by commands, as Redis writes
// with aof-use-rdb-preamble) and exec for each command after it, in
// order. exec returns an error only for a command that cannot run at all
// (unknown, wrong arity); Load stops there. Commands inside MULTI ...
// EXEC are replayed at the EXEC; a block the file ends inside is dropped
// as if cut off.
//
// A file that ends inside a command, as a crash in the middle of a write
// leaves it, is cut back to the last whole command when
// aof-load-truncated is on (logged as Redis logs it) and refused
// otherwise. Anything else that is not a command refuses to load with a
// FormatError naming the byte offset; nothing is changed on disk then.
// Errors name the file. A missing file is not an error: Load returns
// Missing and leaves the file off, for Create.
func (a *AOF) Load(put func(db int, key string, v engine.Value, expireAt int64) error, exec func(args [][]byte) error) (LoadInfo, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.state != aofOff {
		return LoadInfo{}, fmt.Errorf("%s: append-only file is already open", a.path)
	}
	if err := a.lockLocked(); err != nil {
		return LoadInfo{}, err
	}
	r, err := os.Open(a.path)
	if errors.Is(err, fs.ErrNotExist) {
		return LoadInfo{Missing: true}, nil
	}
	if err != nil {
		return LoadInfo{}, err
	}
	info, valid, err := replay(r, a.opts.Load, put, exec)
	r.Close()
	var fe *FormatError
	if errors.As(err, &fe) && errors.Is(err, ErrTruncated) && a.opts.LoadTruncated {
		fi, serr := os.Stat(a.path)
		if serr != nil {
			return info, serr
		}
		a.log.Warn(fmt.Sprintf("!!! Warning: short read while loading the AOF file %s!!!", a.path))
		a.log.Warn(fmt.Sprintf("!!! Truncating the AOF %s at offset %d !!!", a.path, valid), "dropped_bytes", fi.Size()-valid)
		if err := os.Truncate(a.path, valid); err != nil {
			return info, fmt.Errorf("error truncating the AOF file %s: %w", a.path, err)
		}
		a.log.Warn(fmt.Sprintf("AOF %s loaded anyway because aof-load-truncated is enabled", a.path))
		info.Truncated = fi.Size() - valid
		err = nil
	}
	if err != nil {
		if errors.Is(err, ErrTruncated) {
			return info, fmt.Errorf("%s: %w (set aof-load-truncated yes to drop the incomplete command and start, or fix the file with redis-check-aof --fix)", a.path, err)
		}
		return info, fmt.Errorf("%s: %w", a.path, err)
	}
	f, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return info, err
	}
	info.Size = valid
	a.f, a.size, a.baseSize, a.db = f, valid, valid, -1
	a.setState(aofOn)
	a.startSyncer()
	return info, nil
}

// replay reads an append-only file from r, calling put and exec, and
// returns the offset just past the last command it replayed (or past the
// preamble): where a truncated file is cut.
func replay(r io.Reader, o LoadOptions, put func(db int, key string, v engine.Value, expireAt int64) error, exec func(args [][]byte) error) (LoadInfo, int64, error) {
	var info LoadInfo
	br := bufio.NewReaderSize(r, readBufSize)
	var src io.Reader = br
	var base int64
	if head, _ := br.Peek(5); string(head) == "REDIS" {
		d := &decoder{r: br, buf: make([]byte, readBufSize), opts: o}
		rdb, err := d.decode(put)
		info.Preamble, info.Keys = true, rdb.Keys
		if err != nil {
			return info, 0, fmt.Errorf("RDB preamble: %w", err)
		}
		base = d.offset()
		// The decoder read ahead; the commands start with what it has left.
		src = io.MultiReader(bytes.NewReader(d.buf[d.pos:d.end]), br)
	}
	cr := &cmdReader{r: bufio.NewReaderSize(src, readBufSize), off: base}
	valid := base
	var block [][][]byte // the commands of an open MULTI, replayed at EXEC
	inMulti := false
	var multiAt int64
	for {
		start := cr.off
		args, err := cr.next()
		if err == io.EOF {
			break
		}
		switch {
		case err != nil && errors.Is(err, ErrTruncated) && inMulti:
			return info, multiAt, &FormatError{Offset: multiAt, Msg: "the file ends inside the MULTI block that starts here", Err: ErrTruncated}
		case err != nil && errors.Is(err, ErrTruncated):
			return info, valid, &FormatError{Offset: start, Msg: "the file ends inside the command that starts here", Err: ErrTruncated}
		case err != nil:
			return info, valid, err
		}
		switch {
		case isName(args[0], "MULTI"):
			inMulti, multiAt, block = true, start, block[:0]
		case isName(args[0], "EXEC"):
			for _, c := range block {
				if err := exec(c); err != nil {
					return info, valid, &FormatError{Offset: multiAt, Msg: "in a MULTI block: " + err.Error(), Err: err}
				}
				info.Commands++
			}
			inMulti, block = false, block[:0]
			valid = cr.off
		case isName(args[0], "DISCARD"):
			inMulti, block = false, block[:0]
			valid = cr.off
		case inMulti:
			block = append(block, cloneArgs(args))
		default:
			if err := exec(args); err != nil {
				return info, valid, &FormatError{Offset: start, Msg: err.Error(), Err: err}
			}
			info.Commands++
			valid = cr.off
		}
	}
	if inMulti {
		// As Redis: a block that never ends is cut off like a short read.
		return info, multiAt, &FormatError{Offset: multiAt, Msg: "the file ends inside the MULTI block that starts here", Err: ErrTruncated}
	}
	return info, valid, nil
}

// isName reports whether a command name is name, in any case.
func isName(b []byte, name string) bool {
	if len(b) != len(name) {
		return false
	}
	for i := range b {
		if b[i]&^0x20 != name[i] {
			return false
		}
	}
	return true
}

func cloneArgs(args [][]byte) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = bytes.Clone(a)
	}
	return out
}

// Limits on what one logged command may declare, beyond which it is
// taken for corruption rather than for a write cut short: Redis's
// proto-max-bulk-len for an argument, and a billion arguments.
const (
	maxAOFBulk = 512 << 20
	maxAOFArgs = 1 << 30
)

// cmdReader reads the commands of an append-only file: RESP arrays of
// bulk strings, and lines starting with "#", which Redis writes as
// annotations and skips.
type cmdReader struct {
	r     *bufio.Reader
	off   int64 // file offset of the next byte
	args  [][]byte
	arena []byte // the arguments of the last command; reused
}

// next returns the next command; its arguments are valid until the next
// call. At the end of the file it returns io.EOF, inside a command a
// FormatError wrapping ErrTruncated, and for anything else a FormatError.
func (c *cmdReader) next() ([][]byte, error) {
	var line []byte
	for {
		start := c.off
		l, err := c.line(true)
		if len(l) > 0 && l[0] != '*' && l[0] != '#' {
			return nil, c.errorf(start, "expected a command (a RESP array, '*'), found %q", clip(l))
		}
		if err != nil {
			return nil, err
		}
		if len(l) == 0 {
			return nil, c.errorf(start, "expected a command (a RESP array, '*'), found an empty line")
		}
		if l[0] == '#' {
			continue
		}
		line = l
		break
	}
	argc, ok := parseCount(line[1:], maxAOFArgs)
	if !ok || argc < 1 {
		return nil, c.errorf(c.off-int64(len(line))-2, "bad argument count %q", clip(line))
	}
	c.args, c.arena = c.args[:0], c.arena[:0]
	for range argc {
		at := c.off
		l, err := c.line(false)
		if len(l) > 0 && l[0] != '$' {
			return nil, c.errorf(at, "expected an argument (a RESP bulk string, '$'), found %q", clip(l))
		}
		if err != nil {
			return nil, err
		}
		if len(l) == 0 || l[0] != '$' {
			return nil, c.errorf(at, "expected an argument (a RESP bulk string, '$'), found %q", clip(l))
		}
		n, ok := parseCount(l[1:], maxAOFBulk)
		if !ok {
			return nil, c.errorf(at, "bad argument length %q", clip(l))
		}
		if cap(c.arena)-len(c.arena) < n+2 {
			// Arguments already read keep the old arena.
			c.arena = make([]byte, 0, max(2*cap(c.arena), n+2, 4096))
		}
		at = c.off
		seg := c.arena[len(c.arena) : len(c.arena)+n+2]
		m, err := io.ReadFull(c.r, seg)
		c.off += int64(m)
		if err != nil {
			return nil, c.readErr(err)
		}
		if seg[n] != '\r' || seg[n+1] != '\n' {
			return nil, c.errorf(at+int64(n), "argument of %d bytes not followed by CRLF", n)
		}
		c.arena = c.arena[:len(c.arena)+n+2]
		c.args = append(c.args, seg[:n:n])
	}
	return c.args, nil
}

// line reads a line ending in CRLF and returns it without the CRLF. At
// the end of the file it returns io.EOF if first and nothing was read,
// else what it read with a truncation, so that the caller can tell a
// line cut short from one that was never a line.
func (c *cmdReader) line(first bool) ([]byte, error) {
	start := c.off
	l, err := c.r.ReadSlice('\n')
	c.off += int64(len(l))
	switch {
	case err == io.EOF && len(l) == 0 && first:
		return nil, io.EOF
	case err == bufio.ErrBufferFull:
		return nil, c.errorf(start, "line longer than %d bytes", len(l))
	case err != nil:
		return l, c.readErr(err)
	case len(l) < 2 || l[len(l)-2] != '\r':
		return nil, c.errorf(start, "line not ended by CRLF: %q", clip(l))
	}
	return l[:len(l)-2], nil
}

// readErr turns the end of the input inside a command into a truncation,
// and passes other read errors on.
func (c *cmdReader) readErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &FormatError{Offset: c.off, Msg: "the file ends inside a command", Err: ErrTruncated}
	}
	return err
}

func (c *cmdReader) errorf(off int64, format string, args ...any) error {
	return &FormatError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// parseCount reads the decimal count after '*' or '$': 0 to limit.
func parseCount(b []byte, limit int) (int, bool) {
	n, err := strconv.Atoi(string(b))
	if err != nil || n < 0 || n > limit {
		return 0, false
	}
	return n, true
}

// clip shortens what a message quotes of a bad line.
func clip(b []byte) []byte {
	if len(b) > 32 {
		return b[:32]
	}
	return b
}
