package persist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"slices"
	"strconv"

	"github.com/photondb/photon/engine"
)

const (
	readBufSize = 256 << 10 // decoder buffer; also the largest string read through it
	chunkSize   = 1 << 20   // strings longer than this are allocated as they arrive
	maxStrLen   = 1 << 32   // longest string accepted (Redis's listpacks and ziplists stop at 4 GiB)
	maxCount    = 1 << 32   // most elements or nodes accepted in one value
	preallocMax = 1 << 12   // most elements allocated for before they are read
	intArenaLen = 4 << 10   // chunk that decimal forms of small integers are cut from
)

// valueType describes one RDB value type: its name for messages, the
// function that loads it, and for the types PhotonDB has no value for
// (streams, module values, hashes with field expiry) the function that
// reads past one, nil when the format cannot be skipped.
type valueType struct {
	name string // what TYPE calls it
	enc  string // the RDB encoding, for messages
	load func(d *decoder) (v engine.Value, ok bool, err error)
	skip func(d *decoder, t byte) error
}

var valueTypes = [...]valueType{
	typeString:             {"string", "string", (*decoder).loadString, nil},
	typeList:               {"list", "linked list", (*decoder).loadList, nil},
	typeSet:                {"set", "hash table", (*decoder).loadSet, nil},
	typeZSet:               {"zset", "skiplist with text scores", (*decoder).loadZSet, nil},
	typeHash:               {"hash", "hash table", (*decoder).loadHash, nil},
	typeZSet2:              {"zset", "skiplist", (*decoder).loadZSet2, nil},
	typeModulePreGA:        {"module", "module value of Redis 4.0 release candidates", nil, nil},
	typeModule2:            {"module", "module value", nil, (*decoder).skipModule},
	typeHashZipmap:         {"hash", "zipmap", (*decoder).loadHashZipmap, nil},
	typeListZiplist:        {"list", "ziplist", (*decoder).loadListZiplist, nil},
	typeSetIntset:          {"set", "intset", (*decoder).loadSetIntset, nil},
	typeZSetZiplist:        {"zset", "ziplist", (*decoder).loadZSetZiplist, nil},
	typeHashZiplist:        {"hash", "ziplist", (*decoder).loadHashZiplist, nil},
	typeListQuicklist:      {"list", "quicklist", (*decoder).loadListQuicklist, nil},
	typeStreamListpacks:    {"stream", "listpacks", nil, (*decoder).skipStream},
	typeHashListpack:       {"hash", "listpack", (*decoder).loadHashListpack, nil},
	typeZSetListpack:       {"zset", "listpack", (*decoder).loadZSetListpack, nil},
	typeListQuicklist2:     {"list", "quicklist", (*decoder).loadListQuicklist2, nil},
	typeStreamListpacks2:   {"stream", "listpacks", nil, (*decoder).skipStream},
	typeSetListpack:        {"set", "listpack", (*decoder).loadSetListpack, nil},
	typeStreamListpacks3:   {"stream", "listpacks", nil, (*decoder).skipStream},
	typeHashMetadataPreGA:  {"hash", "hash table with field expiry", nil, (*decoder).skipHashMetadata},
	typeHashListpackExPreG: {"hash", "listpack with field expiry", nil, (*decoder).skipHashListpackEx},
	typeHashMetadata:       {"hash", "hash table with field expiry", nil, (*decoder).skipHashMetadata},
	typeHashListpackEx:     {"hash", "listpack with field expiry", nil, (*decoder).skipHashListpackEx},
}

// LoadOptions tune how a file is read.
type LoadOptions struct {
	// SkipUnsupported reads past what PhotonDB has no type for (stream
	// and module keys, hashes with field expiry, function libraries)
	// instead of refusing the file, and reports each with Warn.
	SkipUnsupported bool

	// Warn receives a message for each thing read but left out; nil
	// drops them.
	Warn func(msg string)

	// Progress, when set, is called as the input is read with the bytes
	// read so far and the input's size (-1 when unknown): once before
	// the first byte, about every megabyte, and once at the end.
	Progress func(read, total int64)
}

// progressStep is how many bytes the decoder reads between calls to
// LoadOptions.Progress.
const progressStep = 1 << 20

// Decode reads an RDB file (versions 1 to 12, as Redis 2.x to 7.4 write
// them) from r and calls put for every key, with its database, value and
// absolute expiry in unix milliseconds (0: none; a key whose expiry is in
// the past is passed with it, for put to drop). Aggregates stored empty are
// skipped, as Redis does. Values own their bytes.
//
// A problem with the file is returned as a *FormatError giving the byte
// offset where it was found, and the checksum is verified at the end, so
// the keys passed to put before an error came from a file that turned out
// to be bad: callers load into something they can throw away. An error
// from put stops decoding and is returned inside a FormatError that names
// the key.
func Decode(r io.Reader, put func(db int, key string, v engine.Value, expireAt int64) error) (Info, error) {
	return DecodeWith(r, LoadOptions{}, put)
}

// DecodeWith is Decode with options. Values PhotonDB has no type for are
// refused with a FormatError wrapping ErrUnsupportedType that names the
// key and its type, unless o.SkipUnsupported. The input's size, for
// o.Progress, comes from r's Stat or Size method when it has one.
func DecodeWith(r io.Reader, o LoadOptions, put func(db int, key string, v engine.Value, expireAt int64) error) (Info, error) {
	d := &decoder{r: r, buf: make([]byte, readBufSize), opts: o, total: -1}
	if o.Progress != nil {
		d.total = inputSize(r)
		d.nextReport = progressStep
		o.Progress(0, d.total)
	}
	info, err := d.decode(put)
	if o.Progress != nil {
		o.Progress(d.offset(), d.total)
	}
	return info, err
}

// inputSize returns the size of what r reads, or -1 when r cannot tell.
func inputSize(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	case interface{ Size() int64 }:
		return r.Size()
	}
	return -1
}

// warnf reports something read but left out.
func (d *decoder) warnf(format string, args ...any) {
	if d.opts.Warn != nil {
		d.opts.Warn(fmt.Sprintf(format, args...))
	}
}

// report calls the progress callback each time another progressStep
// bytes have been read.
func (d *decoder) report() {
	if d.opts.Progress == nil {
		return
	}
	if read := d.base + int64(d.end); read >= d.nextReport {
		d.opts.Progress(read, d.total)
		d.nextReport = read + progressStep
	}
}

// decoder reads an RDB stream through its own buffer, which lets it
// know the file offset of every byte and checksum exactly the bytes
// before the trailer.
type decoder struct {
	r      io.Reader
	buf    []byte
	pos    int   // next byte to read
	end    int   // end of the data in buf
	base   int64 // file offset of buf[0]
	crc    uint64
	crcPos int   // buf[:crcPos] is included in crc
	rerr   error // error returned by r, io.EOF included

	strOff        int64 // file offset of the data of the last string read
	strCompressed bool  // whether that string was LZF-compressed

	opts       LoadOptions
	total      int64 // input size for opts.Progress; -1: unknown
	nextReport int64 // input offset of the next progress report

	scratch []byte   // reused: keys, hash fields
	zbuf    []byte   // reused: LZF-compressed data
	ints    []byte   // arena for the decimal forms of integers
	elems   [][]byte // reused: hash values being collected
	fields  []int    // reused: where each hash field ends in scratch
}

func (d *decoder) offset() int64 { return d.base + int64(d.pos) }

func (d *decoder) errorf(off int64, format string, args ...any) error {
	return &FormatError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// fill makes at least n <= len(d.buf) bytes available at d.buf[d.pos:].
func (d *decoder) fill(n int) error {
	if d.end-d.pos >= n {
		return nil
	}
	d.crc = crc64(d.crc, d.buf[d.crcPos:d.pos])
	d.base += int64(d.pos)
	d.end = copy(d.buf, d.buf[d.pos:d.end])
	d.pos, d.crcPos = 0, 0
	for empty := 0; d.end < n; {
		if d.rerr != nil {
			return d.readError(n - d.end)
		}
		m, err := d.r.Read(d.buf[d.end:])
		d.end += m
		d.report()
		switch {
		case err != nil:
			d.rerr = err
		case m > 0:
			empty = 0
		default:
			if empty++; empty >= 100 { // as bufio gives up on a reader
				d.rerr = io.ErrNoProgress
			}
		}
	}
	return nil
}

// readError describes the input ending, or failing, with missing bytes
// still to read.
func (d *decoder) readError(missing int) error {
	off := d.base + int64(d.end)
	if d.rerr == io.EOF || d.rerr == io.ErrUnexpectedEOF {
		return &FormatError{Offset: off, Msg: fmt.Sprintf("unexpected end of file (%d more bytes needed)", missing), Err: io.ErrUnexpectedEOF}
	}
	return fmt.Errorf("byte %d: read: %w", off, d.rerr)
}

// next returns the next n <= len(d.buf) bytes, valid until the next read.
func (d *decoder) next(n int) ([]byte, error) {
	if err := d.fill(n); err != nil {
		return nil, err
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b, nil
}

func (d *decoder) readByte() (byte, error) {
	if d.pos < d.end {
		c := d.buf[d.pos]
		d.pos++
		return c, nil
	}
	b, err := d.next(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// readFull fills p, reading large pieces straight into it.
func (d *decoder) readFull(p []byte) error {
	n := copy(p, d.buf[d.pos:d.end])
	d.pos += n
	p = p[n:]
	for len(p) > 0 {
		if len(p) < len(d.buf)/2 {
			b, err := d.next(len(p))
			if err != nil {
				return err
			}
			copy(p, b)
			return nil
		}
		// The buffer is empty: account for it and read around it.
		d.crc = crc64(d.crc, d.buf[d.crcPos:d.pos])
		d.base += int64(d.pos)
		d.pos, d.end, d.crcPos = 0, 0, 0
		if d.rerr != nil {
			return d.readError(len(p))
		}
		m, err := io.ReadAtLeast(d.r, p, 1)
		d.crc = crc64(d.crc, p[:m])
		d.base += int64(m)
		d.report()
		p = p[m:]
		if err != nil {
			d.rerr = err
		}
	}
	return nil
}

// discard skips n bytes.
func (d *decoder) discard(n uint64) error {
	for n > 0 {
		k := int(min(n, uint64(len(d.buf))))
		if _, err := d.next(k); err != nil {
			return err
		}
		n -= uint64(k)
	}
	return nil
}

// readLen reads a length. When encoded is true, n is instead one of the
// special string encodings (encInt8 ... encLZF).
func (d *decoder) readLen() (n uint64, encoded bool, err error) {
	c, err := d.readByte()
	if err != nil {
		return 0, false, err
	}
	switch c >> 6 {
	case len6Bit:
		return uint64(c & 0x3f), false, nil
	case len14Bit:
		c2, err := d.readByte()
		return uint64(c&0x3f)<<8 | uint64(c2), false, err
	case lenEnc:
		return uint64(c & 0x3f), true, nil
	}
	switch c {
	case len32Bit:
		b, err := d.next(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(b)), false, nil
	case len64Bit:
		b, err := d.next(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(b), false, nil
	}
	return 0, false, d.errorf(d.offset()-1, "bad length encoding 0x%02x", c)
}

// readCount reads a plain length: an element or node count, a database
// number.
func (d *decoder) readCount(what string) (int, error) {
	off := d.offset()
	n, enc, err := d.readLen()
	if err != nil {
		return 0, err
	}
	if enc {
		return 0, d.errorf(off, "%s is a string encoding, not a length", what)
	}
	if n > maxCount {
		return 0, d.errorf(off, "%s %d is too large", what, n)
	}
	return int(n), nil
}

// readString appends the next string to dst and returns it. With a nil
// dst the result is a new allocation of exactly the string's size that
// the caller keeps. Lengths are checked before anything is allocated, and
// long strings are allocated as they are read, so a corrupt length cannot
// claim more memory than the file holds.
func (d *decoder) readString(dst []byte) ([]byte, error) {
	off := d.offset()
	n, enc, err := d.readLen()
	if err != nil {
		return nil, err
	}
	if !enc {
		if n > maxStrLen {
			return nil, d.errorf(off, "string length %d is too large", n)
		}
		d.strOff, d.strCompressed = d.offset(), false
		return d.readRaw(dst, int(n))
	}
	switch n {
	case encInt8:
		b, err := d.next(1)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(dst, int64(int8(b[0])), 10), nil
	case encInt16:
		b, err := d.next(2)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(dst, int64(int16(binary.LittleEndian.Uint16(b))), 10), nil
	case encInt32:
		b, err := d.next(4)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(dst, int64(int32(binary.LittleEndian.Uint32(b))), 10), nil
	case encLZF:
		return d.readLZF(dst, off)
	}
	return nil, d.errorf(off, "unknown string encoding %d", n)
}

// readRaw appends the next n bytes to dst.
func (d *decoder) readRaw(dst []byte, n int) ([]byte, error) {
	if dst == nil && n <= chunkSize {
		dst = make([]byte, n)
		return dst, d.readFull(dst)
	}
	for n > 0 {
		k := min(n, chunkSize)
		l := len(dst)
		if cap(dst)-l < k {
			grown := make([]byte, l, l+max(k, l)) // double, but only as data arrives
			copy(grown, dst)
			dst = grown
		}
		dst = dst[:l+k]
		if err := d.readFull(dst[l:]); err != nil {
			return nil, err
		}
		n -= k
	}
	if dst == nil {
		dst = []byte{}
	}
	return dst, nil
}

func (d *decoder) readLZF(dst []byte, off int64) ([]byte, error) {
	clen, enc, err := d.readLen()
	if err != nil {
		return nil, err
	}
	ulen, enc2, err := d.readLen()
	if err != nil {
		return nil, err
	}
	switch {
	case enc || enc2:
		return nil, d.errorf(off, "bad LZF string header")
	case clen == 0 || clen > maxStrLen:
		return nil, d.errorf(off, "bad LZF compressed length %d", clen)
	case ulen > maxStrLen || ulen > clen*lzfMaxFactor:
		return nil, d.errorf(off, "bad LZF uncompressed length %d for %d compressed bytes", ulen, clen)
	}
	d.strOff, d.strCompressed = off, true
	zoff := d.offset()
	c, err := d.readRaw(d.zbuf[:0], int(clen))
	if err != nil {
		return nil, err
	}
	var out []byte
	l := len(dst)
	if dst == nil {
		out = make([]byte, ulen)
	} else {
		out = slices.Grow(dst, int(ulen))[:l+int(ulen)]
	}
	if err := lzfDecompress(c, out[l:]); err != nil {
		return nil, d.errorf(zoff, "%v", err)
	}
	if cap(c) <= chunkSize {
		d.zbuf = c[:0]
	}
	return out, nil
}

// skipString skips the next string.
func (d *decoder) skipString() error {
	off := d.offset()
	n, enc, err := d.readLen()
	if err != nil {
		return err
	}
	if !enc {
		return d.discard(n)
	}
	switch n {
	case encInt8:
		return d.discard(1)
	case encInt16:
		return d.discard(2)
	case encInt32:
		return d.discard(4)
	case encLZF:
		clen, _, err := d.readLen()
		if err != nil {
			return err
		}
		if _, _, err := d.readLen(); err != nil {
			return err
		}
		return d.discard(clen)
	}
	return d.errorf(off, "unknown string encoding %d", n)
}

// readKey reads a string as a Go string, without an intermediate copy when
// it is short and raw.
func (d *decoder) readKey() (string, error) {
	if d.pos < d.end && d.buf[d.pos]>>6 == len6Bit {
		n := int(d.buf[d.pos] & 0x3f)
		if d.end-d.pos > n {
			s := string(d.buf[d.pos+1 : d.pos+1+n])
			d.pos += 1 + n
			return s, nil
		}
	}
	b, err := d.readString(d.scratch[:0])
	if err != nil {
		return "", err
	}
	if cap(b) <= chunkSize {
		d.scratch = b[:0]
	}
	return string(b), nil
}

func (d *decoder) decode(put func(db int, key string, v engine.Value, expireAt int64) error) (Info, error) {
	var info Info
	hdr, err := d.next(9)
	if err != nil {
		return info, d.errorf(0, "not an RDB file: shorter than its 9-byte header")
	}
	if string(hdr[:5]) != "REDIS" {
		return info, d.errorf(0, "not an RDB file: it starts with %q, not \"REDIS\"", hdr[:5])
	}
	ver, err := strconv.Atoi(string(hdr[5:9]))
	if err != nil || hdr[5] < '0' || hdr[5] > '9' {
		return info, d.errorf(5, "bad RDB version %q", hdr[5:9])
	}
	if ver < 1 || ver > rdbMaxVersion {
		return info, d.errorf(5, "RDB version %d is not supported (1 to %d are)", ver, rdbMaxVersion)
	}
	info.Version = ver

	var (
		db        int
		expireAt  int64
		hasExpire bool
	)
	for {
		off := d.offset()
		t, err := d.readByte()
		if err != nil {
			return info, err
		}
		switch t {
		case opEOF:
			return info, d.checksum(ver)
		case opSelectDB:
			if db, err = d.readCount("database number"); err == nil && db > math.MaxInt32 {
				err = d.errorf(off, "database number %d is out of range", db)
			}
		case opResizeDB:
			if _, err = d.readCount("database size"); err == nil {
				_, err = d.readCount("expires size")
			}
		case opAux:
			var k, v []byte
			if k, err = d.readString(nil); err == nil {
				if v, err = d.readString(nil); err == nil {
					if info.Aux == nil {
						info.Aux = make(map[string]string)
					}
					info.Aux[string(k)] = string(v)
				}
			}
		case opExpireTimeMs:
			var b []byte
			if b, err = d.next(8); err == nil {
				expireAt, hasExpire = int64(binary.LittleEndian.Uint64(b)), true
			}
		case opExpireTime:
			var b []byte
			if b, err = d.next(4); err == nil {
				expireAt, hasExpire = int64(int32(binary.LittleEndian.Uint32(b)))*1000, true
			}
		case opIdle:
			_, err = d.readCount("LRU idle time")
		case opFreq:
			_, err = d.readByte()
		case opSlotInfo:
			for i := 0; i < 3 && err == nil; i++ {
				_, err = d.readCount("slot info")
			}
		case opModuleAux:
			if err = d.skipModuleAux(); err == nil {
				d.warnf("byte %d: skipped module data not tied to a key (PhotonDB has no modules)", off)
			}
		case opFunction2, opFunctionPreGA:
			err = d.function(off, t)
			if err == nil {
				info.Skipped++
			}
		default:
			var skipped bool
			skipped, err = d.loadKey(off, t, db, expireAt, hasExpire, put)
			expireAt, hasExpire = 0, false
			if skipped {
				info.Skipped++
			} else {
				info.Keys++
			}
		}
		if err != nil {
			return info, err
		}
	}
}

// loadKey reads the key and value of type t at offset off and hands them
// to put. A value PhotonDB has no type for is an error, or with
// SkipUnsupported is read past, reported with skipped true.
func (d *decoder) loadKey(off int64, t byte, db int, expireAt int64, hasExpire bool,
	put func(db int, key string, v engine.Value, expireAt int64) error) (skipped bool, err error) {
	if int(t) >= len(valueTypes) || valueTypes[t].name == "" {
		return false, d.errorf(off, "unknown value type %d", t)
	}
	vt := valueTypes[t]
	key, err := d.readKey()
	if err != nil {
		return false, err
	}
	if vt.load == nil {
		return true, d.skipKey(off, t, db, key)
	}
	v, ok, err := vt.load(d)
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			fe.Msg = fmt.Sprintf("key %q: %s", key, fe.Msg)
		}
		return false, err
	}
	if !ok {
		return false, nil // empty aggregate
	}
	if hasExpire && expireAt <= 0 {
		expireAt = 1 // long expired, but not "no expiry"
	}
	if err := put(db, key, v, expireAt); err != nil {
		return false, &FormatError{Offset: off, Msg: fmt.Sprintf("key %q: %v", key, err), Err: err}
	}
	return false, nil
}

// skipKey reads past the value of key, of type t that PhotonDB has no
// value for, when the options say to and the format allows, and refuses
// it otherwise.
func (d *decoder) skipKey(off int64, t byte, db int, key string) error {
	vt := valueTypes[t]
	what := fmt.Sprintf("key %q in database %d holds a %s (RDB type %d, %s)", key, db, vt.name, t, vt.enc)
	switch {
	case !d.opts.SkipUnsupported:
		return &FormatError{Offset: off, Err: ErrUnsupportedType,
			Msg: what + ", a type PhotonDB does not have"}
	case vt.skip == nil:
		return &FormatError{Offset: off, Err: ErrUnsupportedType,
			Msg: what + ", a type PhotonDB does not have and cannot skip"}
	}
	if err := vt.skip(d, t); err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			fe.Msg = fmt.Sprintf("key %q: %s", key, fe.Msg)
		}
		return err
	}
	d.warnf("byte %d: skipped %s, a type PhotonDB does not have", off, what)
	return nil
}

// checksum reads and verifies the CRC64 trailer of versions 5 and later.
// A zero checksum means the writer did not compute one.
func (d *decoder) checksum(ver int) error {
	if ver < 5 {
		return nil
	}
	off := d.offset()
	sum := crc64(d.crc, d.buf[d.crcPos:d.pos])
	d.crcPos = d.pos
	b, err := d.next(8)
	if err != nil {
		return err
	}
	if want := binary.LittleEndian.Uint64(b); want != 0 && want != sum {
		return &FormatError{Offset: off, Err: ErrChecksum,
			Msg: fmt.Sprintf("checksum mismatch: the file says %016x, its contents sum to %016x", want, sum)}
	}
	return nil
}

// formatInt returns the decimal form of an integer from a compact
// encoding, cut from a shared arena so that lists of numbers do not cost
// an allocation per element.
func (d *decoder) formatInt(v int64) []byte {
	if cap(d.ints)-len(d.ints) < 20 {
		d.ints = make([]byte, 0, intArenaLen)
	}
	l := len(d.ints)
	d.ints = strconv.AppendInt(d.ints, v, 10)
	return d.ints[l:len(d.ints):len(d.ints)]
}

func (d *decoder) entryBytes(e entry) []byte {
	if e.str != nil {
		return e.str
	}
	return d.formatInt(e.num)
}

// blob reads a string holding a compact encoding, and returns a function
// that turns a blobError found in it into a FormatError at the right file
// offset. Elements of the blob may alias it, so it is never reused.
func (d *decoder) blob() ([]byte, func(error) error, error) {
	b, err := d.readString(nil)
	if err != nil {
		return nil, nil, err
	}
	off, compressed := d.strOff, d.strCompressed
	wrap := func(err error) error {
		var be *blobError
		if !errors.As(err, &be) {
			return err
		}
		if compressed {
			return d.errorf(off, "%s (at byte %d of the LZF-compressed string's contents)", be.Msg, be.At)
		}
		return d.errorf(off+int64(be.At), "%s", be.Msg)
	}
	return b, wrap, nil
}

func (d *decoder) loadString() (engine.Value, bool, error) {
	b, err := d.readString(nil)
	if err != nil {
		return engine.Value{}, false, err
	}
	return engine.StringValue(b), true, nil
}

// loadList reads a list stored as a count and strings (RDB 1 to 6).
func (d *decoder) loadList() (engine.Value, bool, error) {
	n, err := d.readCount("list length")
	if err != nil {
		return engine.Value{}, false, err
	}
	elems := make([][]byte, 0, min(n, preallocMax))
	for range n {
		b, err := d.readString(nil)
		if err != nil {
			return engine.Value{}, false, err
		}
		elems = append(elems, b)
	}
	return engine.ListValue(elems), n > 0, nil
}

// loadListZiplist reads a list stored as one ziplist (RDB 4 to 6).
func (d *decoder) loadListZiplist() (engine.Value, bool, error) {
	elems, err := d.appendZiplist(nil)
	if err != nil {
		return engine.Value{}, false, err
	}
	return engine.ListValue(elems), len(elems) > 0, nil
}

// appendZiplist reads a ziplist blob and appends its entries to elems.
func (d *decoder) appendZiplist(elems [][]byte) ([][]byte, error) {
	b, wrap, err := d.blob()
	if err != nil {
		return elems, err
	}
	err = zlEach(b, func(e entry) error {
		elems = append(elems, d.entryBytes(e))
		return nil
	})
	if err != nil {
		return elems, wrap(err)
	}
	return elems, nil
}

// loadListQuicklist reads a list stored as ziplist nodes (RDB 7 to 9).
func (d *decoder) loadListQuicklist() (engine.Value, bool, error) {
	n, err := d.readCount("quicklist length")
	if err != nil {
		return engine.Value{}, false, err
	}
	var elems [][]byte
	for range n {
		if elems, err = d.appendZiplist(elems); err != nil {
			return engine.Value{}, false, err
		}
	}
	return engine.ListValue(elems), len(elems) > 0, nil
}

// loadListQuicklist2 reads a list stored as nodes that are listpacks or
// single plain elements (RDB 10 and later).
func (d *decoder) loadListQuicklist2() (engine.Value, bool, error) {
	n, err := d.readCount("quicklist length")
	if err != nil {
		return engine.Value{}, false, err
	}
	var elems [][]byte
	for range n {
		off := d.offset()
		container, err := d.readCount("quicklist container")
		if err != nil {
			return engine.Value{}, false, err
		}
		switch container {
		case containerPlain:
			b, err := d.readString(nil)
			if err != nil {
				return engine.Value{}, false, err
			}
			elems = append(elems, b)
		case containerPacked:
			b, wrap, err := d.blob()
			if err != nil {
				return engine.Value{}, false, err
			}
			err = lpEach(b, func(e entry) error {
				elems = append(elems, d.entryBytes(e))
				return nil
			})
			if err != nil {
				return engine.Value{}, false, wrap(err)
			}
		default:
			return engine.Value{}, false, d.errorf(off, "bad quicklist node container %d", container)
		}
	}
	return engine.ListValue(elems), len(elems) > 0, nil
}

// loadHash reads a hash stored as a count and field/value strings. Fields
// are collected in the scratch buffer, since the engine copies them.
func (d *decoder) loadHash() (engine.Value, bool, error) {
	n, err := d.readCount("hash length")
	if err != nil {
		return engine.Value{}, false, err
	}
	fields := d.scratch[:0]
	ends := d.fields[:0]
	vals := d.elems[:0]
	for range n {
		if fields, err = d.readString(fields); err != nil {
			return engine.Value{}, false, err
		}
		ends = append(ends, len(fields))
		b, err := d.readString(nil)
		if err != nil {
			return engine.Value{}, false, err
		}
		vals = append(vals, b)
	}
	pairs := make([][]byte, 0, 2*n)
	start := 0
	for i, end := range ends {
		pairs = append(pairs, fields[start:end], vals[i])
		start = end
	}
	v := engine.HashValue(pairs)
	if cap(fields) <= chunkSize {
		d.scratch = fields[:0]
	}
	clear(vals)
	d.fields, d.elems = ends[:0], vals[:0]
	return v, n > 0, nil
}

// loadPairs turns the entries of a ziplist or listpack into a hash.
func (d *decoder) loadPairs(each func([]byte, func(entry) error) error) (engine.Value, bool, error) {
	b, wrap, err := d.blob()
	if err != nil {
		return engine.Value{}, false, err
	}
	var pairs [][]byte
	err = each(b, func(e entry) error {
		pairs = append(pairs, d.entryBytes(e))
		return nil
	})
	if err != nil {
		return engine.Value{}, false, wrap(err)
	}
	if len(pairs)%2 != 0 {
		return engine.Value{}, false, d.errorf(d.strOff, "hash encoding holds %d entries, an odd number", len(pairs))
	}
	return engine.HashValue(pairs), len(pairs) > 0, nil
}

// loadHashZiplist reads a small hash stored as a ziplist (RDB 4 to 9).
func (d *decoder) loadHashZiplist() (engine.Value, bool, error) { return d.loadPairs(zlEach) }

// loadHashListpack reads a small hash stored as a listpack (RDB 10 and
// later).
func (d *decoder) loadHashListpack() (engine.Value, bool, error) { return d.loadPairs(lpEach) }

// loadHashZipmap reads a small hash stored as a zipmap (RDB 1 to 3).
func (d *decoder) loadHashZipmap() (engine.Value, bool, error) {
	b, wrap, err := d.blob()
	if err != nil {
		return engine.Value{}, false, err
	}
	var pairs [][]byte
	err = zmEach(b, func(f, v []byte) error {
		pairs = append(pairs, f, v)
		return nil
	})
	if err != nil {
		return engine.Value{}, false, wrap(err)
	}
	return engine.HashValue(pairs), len(pairs) > 0, nil
}
