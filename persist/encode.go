package persist

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/photondb/photon/engine"
)

const (
	writeBufSize   = 256 << 10 // encoded bytes collected before each write
	directWriteMin = 64 << 10  // strings this long skip the buffer
	lpNodeMax      = 8192      // listpack node size, as Redis's list-max-listpack-size -2
	lpNodeMaxCount = 65535     // a quicklist node counts its entries in 16 bits
	plainNodeMin   = 1 << 30   // elements this long get a node of their own, as in Redis
	lzfMinLen      = 20        // Redis compresses strings longer than this
)

// Encode writes snapshot s to w as an RDB file of version 10, the format
// of Redis 7.0: auxiliary fields, then for each non-empty database its
// number, its sizes and its keys, then the end marker and the CRC64 of
// everything before it. Strings are integer-encoded or LZF-compressed
// where Redis would, lists are quicklists of listpacks, and hashes are
// plain field/value sequences, which Redis re-encodes as it loads them.
// Lists and hashes with no elements are left out, as Redis never has
// them. Encode buffers its output: w needs no buffering of its own.
func Encode(w io.Writer, s *engine.Snapshot) error {
	e := &encoder{w: w, buf: make([]byte, 0, writeBufSize+4096), plainMin: plainNodeMin}
	return e.encode(s)
}

// encoder appends the file to buf and writes it out in large pieces,
// checksumming each piece as it goes.
type encoder struct {
	w        io.Writer
	buf      []byte
	crc      uint64
	err      error
	lp       []byte    // listpack being built
	zbuf     []byte    // LZF output
	lzf      *lzfTable // allocated on first use
	plainMin int       // elements this long get a plain quicklist node
}

func (e *encoder) encode(s *engine.Snapshot) error {
	e.buf = append(e.buf, "REDIS"...)
	e.buf = fmt.Appendf(e.buf, "%04d", rdbVersion)
	e.aux("redis-ver", engine.RedisVersion)
	e.aux("redis-bits", strconv.Itoa(strconv.IntSize))
	e.aux("ctime", strconv.FormatInt(s.Time.Unix(), 10))
	e.aux("used-mem", "0")
	e.aux("aof-base", "0")
	for i := range s.DBs() {
		keys, expires := s.Size(i)
		if keys == 0 {
			continue
		}
		e.buf = append(e.buf, opSelectDB)
		e.appendLen(uint64(i))
		e.buf = append(e.buf, opResizeDB)
		e.appendLen(uint64(keys))
		e.appendLen(uint64(expires))
		if err := s.Each(i, e.writeKey); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, opEOF)
	e.flush()
	e.buf = binary.LittleEndian.AppendUint64(e.buf, e.crc)
	e.flush()
	return e.err
}

func (e *encoder) aux(k, v string) {
	e.buf = append(e.buf, opAux)
	appendString(e, k)
	appendString(e, v)
}

// flush writes out the buffer.
func (e *encoder) flush() {
	if e.err == nil && len(e.buf) > 0 {
		e.crc = crc64(e.crc, e.buf)
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

// writeDirect writes p, which follows the buffer, without copying it.
func (e *encoder) writeDirect(p []byte) {
	e.flush()
	if e.err == nil {
		e.crc = crc64(e.crc, p)
		_, e.err = e.w.Write(p)
	}
}

func (e *encoder) writeKey(key string, v engine.Value, expireAt int64) error {
	if e.err != nil {
		return e.err
	}
	switch v.Kind() {
	case engine.KindString:
		e.keyHeader(typeString, key, expireAt)
		appendString(e, v.Bytes())
	case engine.KindList:
		if v.Len() == 0 {
			return nil
		}
		e.keyHeader(typeListQuicklist2, key, expireAt)
		if err := e.writeList(v); err != nil {
			return fmt.Errorf("key %q: %w", key, err)
		}
	case engine.KindHash:
		if v.Len() == 0 {
			return nil
		}
		e.keyHeader(typeHash, key, expireAt)
		if err := e.writeHash(v); err != nil {
			return fmt.Errorf("key %q: %w", key, err)
		}
	default:
		return fmt.Errorf("key %q: cannot save a value of type %v", key, v.Kind())
	}
	if len(e.buf) >= writeBufSize {
		e.flush()
	}
	return e.err
}

func (e *encoder) keyHeader(t byte, key string, expireAt int64) {
	if expireAt != 0 {
		e.buf = append(e.buf, opExpireTimeMs)
		e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(expireAt))
	}
	e.buf = append(e.buf, t)
	appendString(e, key)
}

// appendLen appends a length in the shortest of the RDB encodings.
func (e *encoder) appendLen(n uint64) {
	switch {
	case n < 1<<6:
		e.buf = append(e.buf, byte(n))
	case n < 1<<14:
		e.buf = append(e.buf, byte(n>>8)|len14Bit<<6, byte(n))
	case n <= math.MaxUint32:
		e.buf = append(e.buf, len32Bit)
		e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
	default:
		e.buf = append(e.buf, len64Bit)
		e.buf = binary.BigEndian.AppendUint64(e.buf, n)
	}
}

// appendString appends s as Redis's rdbSaveRawString does: as an integer
// when it is the canonical form of one that fits 32 bits, LZF-compressed
// when it is longer than 20 bytes and that saves at least 4 bytes,
// otherwise as is.
func appendString[T string | []byte](e *encoder, s T) {
	n := len(s)
	if n <= 11 {
		if v, ok := parseInt(s); ok && v >= math.MinInt32 && v <= math.MaxInt32 {
			switch {
			case v >= math.MinInt8 && v <= math.MaxInt8:
				e.buf = append(e.buf, lenEnc<<6|encInt8, byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				e.buf = append(e.buf, lenEnc<<6|encInt16)
				e.buf = binary.LittleEndian.AppendUint16(e.buf, uint16(v))
			default:
				e.buf = append(e.buf, lenEnc<<6|encInt32)
				e.buf = binary.LittleEndian.AppendUint32(e.buf, uint32(v))
			}
			return
		}
	}
	if n > lzfMinLen && n < math.MaxInt32 {
		if e.lzf == nil {
			e.lzf = new(lzfTable)
		}
		if z := lzfCompress(e.zbuf[:0], s, n-4, e.lzf); z != nil {
			e.zbuf = z
			e.buf = append(e.buf, lenEnc<<6|encLZF)
			e.appendLen(uint64(len(z)))
			e.appendLen(uint64(n))
			if len(z) >= directWriteMin {
				e.writeDirect(z)
			} else {
				e.buf = append(e.buf, z...)
			}
			return
		}
	}
	e.appendLen(uint64(n))
	if n >= directWriteMin {
		if b, ok := any(s).([]byte); ok {
			e.writeDirect(b)
			return
		}
	}
	e.buf = append(e.buf, s...)
}

// writeHash writes a hash as RDB_TYPE_HASH: the number of fields, then
// each field and value.
func (e *encoder) writeHash(v engine.Value) error {
	n := v.Len()
	e.appendLen(uint64(n))
	seen := 0
	err := v.Pairs(func(field string, val []byte) error {
		seen++
		if seen > n {
			return nil
		}
		appendString(e, field)
		appendString(e, val)
		if len(e.buf) >= writeBufSize {
			e.flush()
		}
		return e.err
	})
	if err == nil && seen != n {
		err = fmt.Errorf("hash has %d fields, not the %d it reported", seen, n)
	}
	return err
}

// listSplit reports whether an element of size es must start a new
// listpack node after count elements taking size bytes.
func listSplit(count, size, es int) bool {
	return count > 0 && (lpHeaderSize+size+es+1 > lpNodeMax || count == lpNodeMaxCount)
}

// writeList writes a list as RDB_TYPE_LIST_QUICKLIST_2: the number of
// nodes, then each node as a container kind and a string, a listpack of
// up to 8 KiB or, for a huge element, the element itself. A first pass
// counts the nodes, since the count comes first.
func (e *encoder) writeList(v engine.Value) error {
	nodes, count, size := 0, 0, 0
	v.Elems(func(b []byte) error {
		if len(b) >= e.plainMin {
			if count > 0 {
				nodes++
			}
			nodes++
			count, size = 0, 0
			return nil
		}
		es := lpEntrySize(b)
		if listSplit(count, size, es) {
			nodes++
			count, size = 0, 0
		}
		count++
		size += es
		return nil
	})
	if count > 0 {
		nodes++
	}
	e.appendLen(uint64(nodes))

	written := 0
	count = 0
	e.lp = lpStart(e.lp[:0])
	finish := func() {
		e.lp = lpFinish(e.lp, count)
		e.appendLen(containerPacked)
		appendString(e, e.lp)
		e.lp = lpStart(e.lp[:0])
		count = 0
		written++
		if len(e.buf) >= writeBufSize {
			e.flush()
		}
	}
	err := v.Elems(func(b []byte) error {
		if len(b) >= e.plainMin {
			if count > 0 {
				finish()
			}
			e.appendLen(containerPlain)
			appendString(e, b)
			written++
			return e.err
		}
		if listSplit(count, len(e.lp)-lpHeaderSize, lpEntrySize(b)) {
			finish()
		}
		e.lp = lpAppend(e.lp, b)
		count++
		return e.err
	})
	if count > 0 {
		finish()
	}
	if cap(e.lp) > 4*lpNodeMax {
		e.lp = nil // do not keep a huge element's buffer
	}
	if err == nil && written != nodes {
		err = fmt.Errorf("list changed while being saved")
	}
	if err == nil {
		err = e.err
	}
	return err
}
