package persist

import (
	"encoding/binary"
	"fmt"
	"math"
)

// The compact encodings Redis stores inside RDB strings: listpacks (Redis
// 7), ziplists (Redis 3.2 to 6.2), zipmaps (before Redis 2.6) and intsets. Readers
// validate every length against the blob before using it and report
// problems as a blobError carrying the position inside the blob; the
// decoder turns that into a file offset.

// blobError is a problem found inside a listpack, ziplist or zipmap, at
// byte At of the blob.
type blobError struct {
	At  int
	Msg string
}

func (e *blobError) Error() string { return fmt.Sprintf("at byte %d of the blob: %s", e.At, e.Msg) }

func blobErrorf(at int, format string, args ...any) error {
	return &blobError{At: at, Msg: fmt.Sprintf(format, args...)}
}

// entry is one element of a compact encoding: a string, or an integer
// when str is nil.
type entry struct {
	str []byte
	num int64
}

// parseInt reports whether s is the canonical decimal form of an int64:
// what Redis's string2ll accepts and ll2string gives back unchanged, so no
// sign on positives, no leading zeros, no "-0". Strings like that are
// stored as integers and read back byte for byte.
func parseInt[T string | []byte](s T) (int64, bool) {
	n := len(s)
	if n == 0 || n > 20 {
		return 0, false
	}
	i := 0
	neg := s[0] == '-'
	if neg {
		i = 1
	}
	if i == n || s[i] < '1' || s[i] > '9' {
		return 0, n == 1 && s[0] == '0'
	}
	if n-i > 19 {
		return 0, false
	}
	var u uint64
	for ; i < n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return int64(-u), true // -(1<<63) wraps to itself
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// Listpack layout: total bytes (uint32 LE), element count (uint16 LE,
// 65535 when unknown), entries, 0xFF. An entry is an encoding byte, data,
// and the entry's length again, backwards, for reverse traversal.
const (
	lpHeaderSize = 6
	lpEnd        = 0xFF
)

// lpIntSize returns the encoded size of integer v.
func lpIntSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 1
	case v >= -4096 && v <= 4095:
		return 2
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return 3
	case v >= -1<<23 && v < 1<<23:
		return 4
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 5
	}
	return 9
}

func lpStrHeaderSize(n int) int {
	switch {
	case n < 64:
		return 1
	case n < 4096:
		return 2
	}
	return 5
}

// lpBacklenSize returns how many bytes encode an entry length of l.
func lpBacklenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// lpEntrySize returns the bytes s takes as a listpack entry.
func lpEntrySize[T string | []byte](s T) int {
	var l int
	if v, ok := parseInt(s); ok {
		l = lpIntSize(v)
	} else {
		l = lpStrHeaderSize(len(s)) + len(s)
	}
	return l + lpBacklenSize(l)
}

// lpAppend appends s to the listpack entries in lp, as an integer if it is
// one, as Redis does.
func lpAppend[T string | []byte](lp []byte, s T) []byte {
	if v, ok := parseInt(s); ok {
		return lpAppendInt(lp, v)
	}
	start := len(lp)
	n := len(s)
	switch lpStrHeaderSize(n) {
	case 1:
		lp = append(lp, 0x80|byte(n))
	case 2:
		lp = append(lp, 0xE0|byte(n>>8), byte(n))
	default:
		lp = append(lp, 0xF0)
		lp = binary.LittleEndian.AppendUint32(lp, uint32(n))
	}
	lp = append(lp, s...)
	return lpAppendBacklen(lp, len(lp)-start)
}

// lpAppendInt appends integer v to the listpack entries in lp, in the
// smallest of the integer encodings.
func lpAppendInt(lp []byte, v int64) []byte {
	start := len(lp)
	switch lpIntSize(v) {
	case 1:
		lp = append(lp, byte(v))
	case 2:
		u := uint64(v) & 0x1fff
		lp = append(lp, 0xC0|byte(u>>8), byte(u))
	case 3:
		lp = append(lp, 0xF1)
		lp = binary.LittleEndian.AppendUint16(lp, uint16(v))
	case 4:
		lp = append(lp, 0xF2, byte(v), byte(v>>8), byte(v>>16))
	case 5:
		lp = append(lp, 0xF3)
		lp = binary.LittleEndian.AppendUint32(lp, uint32(v))
	default:
		lp = append(lp, 0xF4)
		lp = binary.LittleEndian.AppendUint64(lp, uint64(v))
	}
	return lpAppendBacklen(lp, len(lp)-start)
}

// lpAppendBacklen appends entry length l as Redis's lpEncodeBacklen does.
func lpAppendBacklen(lp []byte, l int) []byte {
	switch lpBacklenSize(l) {
	case 1:
		return append(lp, byte(l))
	case 2:
		return append(lp, byte(l>>7), byte(l&127)|128)
	case 3:
		return append(lp, byte(l>>14), byte(l>>7&127)|128, byte(l&127)|128)
	case 4:
		return append(lp, byte(l>>21), byte(l>>14&127)|128, byte(l>>7&127)|128, byte(l&127)|128)
	}
	return append(lp, byte(l>>28), byte(l>>21&127)|128, byte(l>>14&127)|128, byte(l>>7&127)|128, byte(l&127)|128)
}

// lpStart begins a listpack in lp (which should be empty): a header that
// lpFinish fills in.
func lpStart(lp []byte) []byte { return append(lp, make([]byte, lpHeaderSize)...) }

// lpFinish terminates a listpack of count entries begun by lpStart.
func lpFinish(lp []byte, count int) []byte {
	lp = append(lp, lpEnd)
	binary.LittleEndian.PutUint32(lp, uint32(len(lp)))
	binary.LittleEndian.PutUint16(lp[4:], uint16(min(count, 65535)))
	return lp
}

// lpEach calls fn with each entry of listpack b, validating the whole
// structure as Redis's deep integrity check does. String entries alias b.
func lpEach(b []byte, fn func(entry) error) error {
	if len(b) < lpHeaderSize+1 {
		return blobErrorf(0, "listpack of %d bytes is shorter than its header", len(b))
	}
	if total := binary.LittleEndian.Uint32(b); int64(total) != int64(len(b)) {
		return blobErrorf(0, "listpack header says %d bytes, the string holds %d", total, len(b))
	}
	declared := int(binary.LittleEndian.Uint16(b[4:]))
	last := len(b) - 1 // the end marker
	if b[last] != lpEnd {
		return blobErrorf(last, "listpack does not end with 0xff")
	}
	p, count := lpHeaderSize, 0
	for p < last {
		c := b[p]
		var hdr, data int // encoding header and data sizes
		var e entry
		switch {
		case c&0x80 == 0: // 7-bit unsigned integer
			hdr, e.num = 1, int64(c)
		case c&0xC0 == 0x80: // string up to 63 bytes
			hdr, data = 1, int(c&0x3f)
		case c&0xE0 == 0xC0: // 13-bit signed integer
			hdr = 2
		case c&0xF0 == 0xE0: // string up to 4095 bytes
			hdr = 2
		case c == 0xF0: // string with a 32-bit length
			hdr = 5
		case c >= 0xF1 && c <= 0xF4: // 16, 24, 32, 64-bit integer
			hdr, data = 1, [...]int{2, 3, 4, 8}[c-0xF1]
		default:
			return blobErrorf(p, "bad listpack entry encoding 0x%02x", c)
		}
		if hdr > last-p {
			return blobErrorf(p, "listpack entry header runs past the end")
		}
		switch {
		case c&0xE0 == 0xC0:
			u := int64(c&0x1f)<<8 | int64(b[p+1])
			if u >= 1<<12 {
				u -= 1 << 13
			}
			e.num = u
		case c&0xF0 == 0xE0:
			data = int(c&0x0f)<<8 | int(b[p+1])
		case c == 0xF0:
			data = int(binary.LittleEndian.Uint32(b[p+1:]))
		}
		if data > last-p-hdr {
			return blobErrorf(p, "listpack entry of %d bytes runs past the end", data)
		}
		d := b[p+hdr : p+hdr+data]
		switch c {
		case 0xF1:
			e.num = int64(int16(binary.LittleEndian.Uint16(d)))
		case 0xF2:
			e.num = int64(int32(uint32(d[0])<<8|uint32(d[1])<<16|uint32(d[2])<<24) >> 8)
		case 0xF3:
			e.num = int64(int32(binary.LittleEndian.Uint32(d)))
		case 0xF4:
			e.num = int64(binary.LittleEndian.Uint64(d))
		default:
			if c&0x80 != 0 && c&0xE0 != 0xC0 {
				e.str = d[:len(d):len(d)]
			}
		}
		l := hdr + data
		bl := lpBacklenSize(l)
		if bl > last-p-l {
			return blobErrorf(p, "listpack entry length runs past the end")
		}
		var got int
		for i, shift := p+l+bl-1, 0; i >= p+l; i, shift = i-1, shift+7 {
			got |= int(b[i]&127) << shift
		}
		if got != l {
			return blobErrorf(p+l, "listpack entry says it is %d bytes long, it is %d", got, l)
		}
		if err := fn(e); err != nil {
			return err
		}
		p += l + bl
		count++
	}
	if declared != 65535 && declared != count {
		return blobErrorf(4, "listpack header says %d entries, it holds %d", declared, count)
	}
	return nil
}

// Ziplist layout: total bytes (uint32 LE), offset of the last entry
// (uint32 LE), entry count (uint16 LE, 65535 when unknown), entries, 0xFF.
// An entry is the previous entry's length (1 byte, or 0xFE and 4 bytes),
// an encoding, and data.
const zlHeaderSize = 10

// zlEach calls fn with each entry of ziplist b, validating it. String
// entries alias b.
func zlEach(b []byte, fn func(entry) error) error {
	if len(b) < zlHeaderSize+1 {
		return blobErrorf(0, "ziplist of %d bytes is shorter than its header", len(b))
	}
	if total := binary.LittleEndian.Uint32(b); int64(total) != int64(len(b)) {
		return blobErrorf(0, "ziplist header says %d bytes, the string holds %d", total, len(b))
	}
	tail := int64(binary.LittleEndian.Uint32(b[4:]))
	declared := int(binary.LittleEndian.Uint16(b[8:]))
	last := len(b) - 1
	if b[last] != 0xFF {
		return blobErrorf(last, "ziplist does not end with 0xff")
	}
	p, count, prev, lastStart := zlHeaderSize, 0, 0, zlHeaderSize
	for p < last {
		start := p
		var prevlen int
		if b[p] < 0xFE {
			prevlen = int(b[p])
			p++
		} else {
			if b[p] == 0xFF || last-p < 5 {
				return blobErrorf(p, "bad ziplist previous-entry length")
			}
			prevlen = int(binary.LittleEndian.Uint32(b[p+1:]))
			p += 5
		}
		if prevlen != prev {
			return blobErrorf(start, "ziplist entry says the previous one is %d bytes, it is %d", prevlen, prev)
		}
		if p >= last {
			return blobErrorf(p, "ziplist entry runs past the end")
		}
		c := b[p]
		var hdr, data int
		var e entry
		switch c >> 6 {
		case 0:
			hdr, data = 1, int(c&0x3f)
		case 1:
			hdr = 2
		case 2:
			hdr = 5
		default:
			hdr = 1
			switch c {
			case 0xC0:
				data = 2
			case 0xD0:
				data = 4
			case 0xE0:
				data = 8
			case 0xF0:
				data = 3
			case 0xFE:
				data = 1
			default:
				if c < 0xF1 || c > 0xFD {
					return blobErrorf(p, "bad ziplist entry encoding 0x%02x", c)
				}
				e.num = int64(c&0x0f) - 1
			}
		}
		if hdr > last-p {
			return blobErrorf(p, "ziplist entry header runs past the end")
		}
		switch c >> 6 {
		case 1:
			data = int(c&0x3f)<<8 | int(b[p+1])
		case 2:
			data = int(binary.BigEndian.Uint32(b[p+1:]))
		}
		if data > last-p-hdr {
			return blobErrorf(p, "ziplist entry of %d bytes runs past the end", data)
		}
		d := b[p+hdr : p+hdr+data]
		switch c {
		case 0xC0:
			e.num = int64(int16(binary.LittleEndian.Uint16(d)))
		case 0xD0:
			e.num = int64(int32(binary.LittleEndian.Uint32(d)))
		case 0xE0:
			e.num = int64(binary.LittleEndian.Uint64(d))
		case 0xF0:
			e.num = int64(int32(uint32(d[0])<<8|uint32(d[1])<<16|uint32(d[2])<<24) >> 8)
		case 0xFE:
			e.num = int64(int8(d[0]))
		default:
			if c>>6 != 3 {
				e.str = d[:len(d):len(d)]
			}
		}
		if err := fn(e); err != nil {
			return err
		}
		p += hdr + data
		prev = p - start
		lastStart = start
		count++
	}
	if tail != int64(lastStart) {
		return blobErrorf(4, "ziplist header says the last entry is at byte %d, it is at %d", tail, lastStart)
	}
	if declared != 65535 && declared != count {
		return blobErrorf(8, "ziplist header says %d entries, it holds %d", declared, count)
	}
	return nil
}

// zmEach calls fn with each field and value of zipmap b (a hash encoding
// of Redis before 2.6). The slices alias b.
func zmEach(b []byte, fn func(field, val []byte) error) error {
	if len(b) < 2 {
		return blobErrorf(0, "zipmap of %d bytes is too short", len(b))
	}
	last := len(b) - 1
	if b[last] != 0xFF {
		return blobErrorf(last, "zipmap does not end with 0xff")
	}
	p := 1 // after the count, which is only a hint
	length := func() (int, error) {
		c := b[p]
		switch {
		case c < 0xFE:
			p++
			return int(c), nil
		case c == 0xFE && last-p > 4:
			n := int(binary.LittleEndian.Uint32(b[p+1:]))
			p += 5
			return n, nil
		}
		return 0, blobErrorf(p, "bad zipmap length 0x%02x", c)
	}
	for p < last {
		n, err := length()
		if err != nil {
			return err
		}
		if n > last-p {
			return blobErrorf(p, "zipmap field of %d bytes runs past the end", n)
		}
		field := b[p : p+n : p+n]
		p += n
		if p >= last {
			return blobErrorf(p, "zipmap field has no value")
		}
		if n, err = length(); err != nil {
			return err
		}
		if p >= last {
			return blobErrorf(p, "zipmap value runs past the end")
		}
		free := int(b[p])
		p++
		if n > last-p || free > last-p-n {
			return blobErrorf(p, "zipmap value of %d bytes runs past the end", n)
		}
		val := b[p : p+n : p+n]
		p += n + free
		if err := fn(field, val); err != nil {
			return err
		}
	}
	return nil
}

// Intset layout: the width of every integer in bytes (uint32 LE: 2, 4 or
// 8), the count (uint32 LE), then the integers, little-endian and in
// strictly ascending order.
const intsetHeaderSize = 8

// intsetWidth returns the narrowest intset width that holds every
// integer from lo to hi.
func intsetWidth(lo, hi int64) int {
	switch {
	case lo >= math.MinInt16 && hi <= math.MaxInt16:
		return 2
	case lo >= math.MinInt32 && hi <= math.MaxInt32:
		return 4
	}
	return 8
}

// intsetAppend appends an intset of ints, which are ascending, to dst.
func intsetAppend(dst []byte, ints []int64) []byte {
	width := 2
	if len(ints) > 0 {
		width = intsetWidth(ints[0], ints[len(ints)-1])
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(width))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(ints)))
	for _, v := range ints {
		switch width {
		case 2:
			dst = binary.LittleEndian.AppendUint16(dst, uint16(v))
		case 4:
			dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
		default:
			dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
		}
	}
	return dst
}

// intsetEach calls fn with each integer of intset b, validating it as
// Redis's intsetValidateIntegrity does with deep checks.
func intsetEach(b []byte, fn func(int64) error) error {
	if len(b) < intsetHeaderSize {
		return blobErrorf(0, "intset of %d bytes is shorter than its header", len(b))
	}
	width := binary.LittleEndian.Uint32(b)
	if width != 2 && width != 4 && width != 8 {
		return blobErrorf(0, "intset width %d is not 2, 4 or 8", width)
	}
	count := uint64(binary.LittleEndian.Uint32(b[4:]))
	if want := intsetHeaderSize + count*uint64(width); want != uint64(len(b)) {
		return blobErrorf(4, "intset of %d %d-byte integers should take %d bytes, the string holds %d", count, width, want, len(b))
	}
	var prev int64
	for i, p := 0, intsetHeaderSize; p < len(b); i, p = i+1, p+int(width) {
		var v int64
		switch width {
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(b[p:])))
		case 4:
			v = int64(int32(binary.LittleEndian.Uint32(b[p:])))
		default:
			v = int64(binary.LittleEndian.Uint64(b[p:]))
		}
		if i > 0 && v <= prev {
			return blobErrorf(p, "intset integers are not in strictly ascending order: %d after %d", v, prev)
		}
		prev = v
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}
