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
	lpNodeOverhead = 8         // what Redis's quicklist adds to an element's length to estimate its entry
	plainNodeMin   = 1 << 30   // elements this long get a node of their own, as in Redis
	lzfMinLen      = 20        // Redis compresses strings longer than this
)

// Encode writes snapshot s to w as an RDB file of version 10, the format
// of Redis 7.0: auxiliary fields, then for each non-empty database its
// number, its sizes and its keys, then the end marker and the CRC64 of
// everything before it. Each value is written in the encoding Redis 7.0
// would write for it: strings integer-encoded or LZF-compressed, lists as
// quicklists of listpacks, small hashes and sorted sets as listpacks and
// large ones as tables and skip lists, sets of integers as intsets.
// Aggregates with no elements are left out, as Redis never has them.
// Encode buffers its output: w needs no buffering of its own.
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
	t, err := rdbType(v)
	if err != nil {
		return fmt.Errorf("key %q: %w", key, err)
	}
	if t == typeNone {
		return nil // an empty aggregate: Redis never has one
	}
	e.keyHeader(t, key, expireAt)
	if err := e.writeValue(t, v); err != nil {
		return fmt.Errorf("key %q: %w", key, err)
	}
	if len(e.buf) >= writeBufSize {
		e.flush()
	}
	return e.err
}

// typeNone is what rdbType returns for a value that is not written.
const typeNone = 0xFF

// rdbType returns the RDB type Redis 7.0 writes v as, which follows its
// encoding: a small hash or sorted set is a listpack, a set of integers an
// intset, a list always a quicklist. An empty aggregate is typeNone.
func rdbType(v engine.Value) (byte, error) {
	k := v.Kind()
	if k == engine.KindString {
		return typeString, nil
	}
	if v.Len() == 0 {
		return typeNone, nil
	}
	enc := v.Encoding()
	switch k {
	case engine.KindList:
		return typeListQuicklist2, nil
	case engine.KindHash:
		if enc == "listpack" {
			return typeHashListpack, nil
		}
		return typeHash, nil
	case engine.KindSet:
		if enc == "intset" {
			return typeSetIntset, nil
		}
		return typeSet, nil
	case engine.KindZSet:
		if enc == "listpack" {
			return typeZSetListpack, nil
		}
		return typeZSet2, nil
	}
	return 0, fmt.Errorf("cannot save a value of type %v", k)
}

// writeValue appends v as RDB type t, which rdbType chose for it.
func (e *encoder) writeValue(t byte, v engine.Value) error {
	switch t {
	case typeString:
		appendString(e, v.Bytes())
		return nil
	case typeListQuicklist2:
		return e.writeList(v)
	case typeHashListpack:
		return e.writeHashListpack(v)
	case typeHash:
		return e.writeHash(v)
	case typeSetIntset:
		return e.writeIntset(v)
	case typeSet:
		return e.writeSet(v)
	case typeZSetListpack:
		return e.writeZSetListpack(v)
	case typeZSet2:
		return e.writeZSet2(v)
	}
	return fmt.Errorf("no writer for RDB type %d", t)
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

// listSplit reports whether an element n bytes long must start a new
// listpack node after count elements whose entries take size bytes. As
// Redis 7.0's _quicklistNodeAllowInsert, it estimates the new entry as
// the element's length plus 8 bytes, so nodes split where Redis's do.
func listSplit(count, size, n int) bool {
	return count > 0 && lpHeaderSize+size+1+n+lpNodeOverhead > lpNodeMax
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
		if listSplit(count, size, len(b)) {
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
		if listSplit(count, len(e.lp)-lpHeaderSize, len(b)) {
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

// writeHashListpack writes a small hash as RDB_TYPE_HASH_LISTPACK: one
// listpack of its fields and values in the hash's order, as Redis keeps
// it in memory.
func (e *encoder) writeHashListpack(v engine.Value) error {
	n := v.Len()
	count := 0
	e.lp = lpStart(e.lp[:0])
	err := v.Pairs(func(field string, val []byte) error {
		if count < 2*n {
			e.lp = lpAppend(lpAppend(e.lp, field), val)
		}
		count += 2
		return nil
	})
	if err == nil && count != 2*n {
		err = fmt.Errorf("hash has %d fields, not the %d it reported", count/2, n)
	}
	e.appendListpack(min(count, 2*n))
	return err
}

// appendListpack finishes the listpack of count entries built in e.lp and
// appends it as a string.
func (e *encoder) appendListpack(count int) {
	e.lp = lpFinish(e.lp, count)
	appendString(e, e.lp)
	if cap(e.lp) > 4*lpNodeMax {
		e.lp = nil // do not keep a huge value's buffer
	}
}

// writeIntset writes a set of integers as RDB_TYPE_SET_INTSET: one
// intset, ascending, in the narrowest width that holds them all.
func (e *encoder) writeIntset(v engine.Value) error {
	ints, ok := v.Ints()
	if !ok {
		return fmt.Errorf("set is not an intset")
	}
	e.lp = intsetAppend(e.lp[:0], ints)
	appendString(e, e.lp)
	return nil
}

// writeSet writes a set as RDB_TYPE_SET: the number of members, then
// each member.
func (e *encoder) writeSet(v engine.Value) error {
	n := v.Len()
	e.appendLen(uint64(n))
	seen := 0
	err := v.Members(func(m []byte) error {
		if seen++; seen > n {
			return nil
		}
		appendString(e, m)
		if len(e.buf) >= writeBufSize {
			e.flush()
		}
		return e.err
	})
	if err == nil && seen != n {
		err = fmt.Errorf("set has %d members, not the %d it reported", seen, n)
	}
	return err
}

// writeZSetListpack writes a small sorted set as RDB_TYPE_ZSET_LISTPACK:
// one listpack of members and scores, ascending.
func (e *encoder) writeZSetListpack(v engine.Value) error {
	n := v.Len()
	count := 0
	e.lp = lpStart(e.lp[:0])
	err := v.ZMembers(func(m []byte, score float64) error {
		if count < 2*n {
			e.lp = lpAppendScore(lpAppend(e.lp, m), score)
		}
		count += 2
		return nil
	})
	if err == nil && count != 2*n {
		err = fmt.Errorf("sorted set has %d members, not the %d it reported", count/2, n)
	}
	e.appendListpack(min(count, 2*n))
	return err
}

// lpAppendScore appends a score to a listpack as Redis 7.0's zzlInsertAt
// does: as an integer when a long long holds it exactly (double2ll), else
// as its "%.17g" text, with infinities as "inf" and "-inf".
func lpAppendScore(lp []byte, f float64) []byte {
	if f >= -math.MaxInt64/2 && f <= math.MaxInt64/2 {
		if i := int64(f); float64(i) == f {
			return lpAppendInt(lp, i)
		}
	}
	var buf [32]byte
	switch {
	case math.IsInf(f, 1):
		return lpAppend(lp, "inf")
	case math.IsInf(f, -1):
		return lpAppend(lp, "-inf")
	}
	return lpAppend(lp, strconv.AppendFloat(buf[:0], f, 'g', 17, 64))
}

// writeZSet2 writes a sorted set as RDB_TYPE_ZSET_2: the number of
// members, then each member and its score as a binary double, from the
// highest to the lowest, as Redis writes a skip list.
func (e *encoder) writeZSet2(v engine.Value) error {
	n := v.Len()
	e.appendLen(uint64(n))
	seen := 0
	err := v.ZMembersDesc(func(m []byte, score float64) error {
		if seen++; seen > n {
			return nil
		}
		appendString(e, m)
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(score))
		if len(e.buf) >= writeBufSize {
			e.flush()
		}
		return e.err
	})
	if err == nil && seen != n {
		err = fmt.Errorf("sorted set has %d members, not the %d it reported", seen, n)
	}
	return err
}
