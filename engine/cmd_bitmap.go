package engine

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// bitmapCommands are the bitmap group's rows of the command table. A
// bitmap is a string seen as bits, bit 0 being the most significant bit
// of the first byte; bits past the end read as zero.
func bitmapCommands() []*Command {
	return []*Command{
		{Name: "BITCOUNT", Group: "bitmap", Arity: -2, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key [start end [BYTE|BIT]]", Summary: "Count set bits in a string", Since: "2.6.0", Run: cmdBitcount},
		{Name: "BITFIELD", Group: "bitmap", Arity: -2, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args:    "key [GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment [GET encoding offset|[OVERFLOW WRAP|SAT|FAIL] SET encoding offset value|INCRBY encoding offset increment ...]]",
			Summary: "Perform arbitrary bitfield integer operations on strings", Since: "3.2.0", Run: cmdBitfield},
		{Name: "BITFIELD_RO", Group: "bitmap", Arity: -2, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key [GET encoding offset [GET encoding offset ...]]", Summary: "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD", Since: "6.0.0", Run: cmdBitfieldRo},
		{Name: "BITOP", Group: "bitmap", Arity: -4, Flags: Write | DenyOOM, Keys: Keys{2, -1, 1},
			Args: "operation destkey key [key ...]", Summary: "Perform bitwise operations between strings", Since: "2.6.0", Run: cmdBitop},
		{Name: "BITPOS", Group: "bitmap", Arity: -3, Flags: ReadOnly, Keys: Keys{1, 1, 1},
			Args: "key bit [start [end [BYTE|BIT]]]", Summary: "Find first bit set or clear in a string", Since: "2.8.7", Run: cmdBitpos},
		{Name: "GETBIT", Group: "bitmap", Arity: 3, Flags: ReadOnly | Fast, Keys: Keys{1, 1, 1},
			Args: "key offset", Summary: "Returns the bit value at offset in the string value stored at key", Since: "2.2.0", Run: cmdGetbit},
		{Name: "SETBIT", Group: "bitmap", Arity: 4, Flags: Write | DenyOOM, Keys: Keys{1, 1, 1},
			Args: "key offset value", Summary: "Sets or clears the bit at offset in the string value stored at key", Since: "2.2.0", Run: cmdSetbit},
	}
}

// These errors can occur when a bitmap command's arguments are not what
// it needs.
var (
	errBitOffset        = errf("bit offset is not an integer or out of range")
	errBitValue         = errf("bit is not an integer or out of range")
	errBitposBit        = errf("The bit argument must be 1 or 0.")
	errBitopNot         = errf("BITOP NOT must be called with a single source key.")
	errBitfieldType     = errf("Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	errBitfieldOverflow = errf("Invalid OVERFLOW type specified")
	errBitfieldRO       = errf("BITFIELD_RO only supports the GET subcommand")
)

// bitOffset parses a bit offset as Redis's getBitOffsetFromArgument does:
// a non-negative integer addressing a bit within proto-max-bulk-len bytes.
// With a field width (BITFIELD), "#n" means the n-th field of that width.
func bitOffset(arg []byte, width int) (uint64, error) {
	hash := width > 0 && len(arg) > 0 && arg[0] == '#'
	if hash {
		arg = arg[1:]
	}
	n, ok := parseInt(arg)
	if !ok {
		return 0, errBitOffset
	}
	if hash {
		n *= int64(width) // wraps on overflow as Redis's does, and is refused below
	}
	if n < 0 || n>>3 >= maxString {
		return 0, errBitOffset
	}
	return uint64(n), nil
}

// bitRange turns BITCOUNT's and BITPOS's start and end, which count from
// the end when negative, into indexes within a length of n units, as
// Redis clamps them; start > end means an empty range.
func bitRange(start, end, n int64) (int64, int64) {
	if start < 0 {
		start = max(n+start, 0)
	}
	if end < 0 {
		end = max(n+end, 0)
	}
	return start, min(end, n-1)
}

// bitUnit parses BITCOUNT's and BITPOS's BYTE|BIT and reports whether it
// is BIT.
func bitUnit(arg []byte) (isBit bool, err error) {
	switch {
	case equalFold(arg, "BIT"):
		return true, nil
	case equalFold(arg, "BYTE"):
		return false, nil
	}
	return false, ErrSyntax
}

func cmdSetbit(db *DB, args [][]byte) (Reply, error) {
	off, err := bitOffset(args[2], 0)
	if err != nil {
		return nil, err
	}
	on, ok := parseInt(args[3])
	if !ok || on&^1 != 0 {
		return nil, errBitValue
	}
	key := args[1]
	old, found := db.lookup(key)
	if found && old.obj != nil {
		return nil, ErrWrongType
	}
	i, mask := int(off>>3), byte(0x80)>>(off&7)
	var cur byte
	if i < len(old.str) {
		cur = old.str[i]
	}
	if found && i < len(old.str) && (cur&mask != 0) == (on == 1) {
		// Redis 7.0.15 changes nothing when the bit has the value already,
		// but it has made the string raw.
		db.ks.keys.put(key, value{str: old.str, enc: encRaw})
		return boolReply(cur&mask != 0), nil
	}
	next := [1]byte{cur&^mask | byte(on)*mask}
	b := writeAt(old.str, i, next[:])
	if found {
		db.replace(key, value{str: b, enc: encRaw})
	} else {
		db.set(key, value{str: b, enc: encRaw})
	}
	return boolReply(cur&mask != 0), nil
}

func cmdGetbit(db *DB, args [][]byte) (Reply, error) {
	off, err := bitOffset(args[2], 0)
	if err != nil {
		return nil, err
	}
	b, _, err := db.getString(args[1])
	if err != nil {
		return nil, err
	}
	i := off >> 3
	return boolReply(i < uint64(len(b)) && b[i]&(0x80>>(off&7)) != 0), nil
}

func cmdBitcount(db *DB, args [][]byte) (Reply, error) {
	b, found, err := db.getString(args[1])
	if err != nil || !found {
		return zero, err
	}
	if len(args) == 2 {
		return popcount(b), nil
	}
	if len(args) > 5 || len(args) == 3 {
		return nil, ErrSyntax
	}
	start, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	end, err := intArg(args[3])
	if err != nil {
		return nil, err
	}
	if start < 0 && end < 0 && start > end {
		return zero, nil
	}
	isBit := false
	if len(args) == 5 {
		if isBit, err = bitUnit(args[4]); err != nil {
			return nil, err
		}
	}
	n := int64(len(b))
	if isBit {
		n *= 8
	}
	start, end = bitRange(start, end, n)
	if start > end {
		return zero, nil
	}
	if !isBit {
		return popcount(b[start : end+1]), nil
	}
	first, last := start>>3, end>>3
	count := popcount(b[first : last+1])
	// Take off the bits of the first and last bytes outside the range.
	before := b[first] &^ (0xFF >> (start & 7))
	after := b[last] & (0xFF >> (end&7 + 1))
	return count - int64(bits.OnesCount8(before)+bits.OnesCount8(after)), nil
}

// popcount counts the set bits in b.
func popcount(b []byte) int64 {
	n := 0
	for len(b) >= 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	for _, c := range b {
		n += bits.OnesCount8(c)
	}
	return int64(n)
}

func cmdBitpos(db *DB, args [][]byte) (Reply, error) {
	bit, err := intArg(args[2])
	if err != nil {
		return nil, err
	}
	if bit != 0 && bit != 1 {
		return nil, errBitposBit
	}
	b, found, err := db.getString(args[1])
	if err != nil {
		return nil, err
	}
	if !found {
		// A missing key is an endless run of zero bits.
		return -bit, nil
	}
	if len(args) > 6 {
		return nil, ErrSyntax
	}
	n := int64(len(b))
	start, end := int64(0), n-1
	isBit, endGiven := false, false
	if len(args) >= 4 {
		if start, err = intArg(args[3]); err != nil {
			return nil, err
		}
		if len(args) == 6 {
			if isBit, err = bitUnit(args[5]); err != nil {
				return nil, err
			}
		}
		if len(args) >= 5 {
			if end, err = intArg(args[4]); err != nil {
				return nil, err
			}
			endGiven = true
		}
		if isBit {
			n *= 8
		}
		start, end = bitRange(start, end, n)
	}
	if start > end {
		return int64(-1), nil
	}
	if !isBit {
		start, end = start*8, end*8+7
	}
	if pos := findBit(b, start, end, byte(bit)); pos >= 0 {
		return pos, nil
	}
	// No clear bit in the string: without an end, the one just after it.
	if bit == 0 && !endGiven {
		return end + 1, nil
	}
	return int64(-1), nil
}

// findBit returns the index of the first bit equal to bit between bits
// start and end of b, both inclusive, or -1.
func findBit(b []byte, start, end int64, bit byte) int64 {
	var flip byte
	if bit == 0 {
		flip = 0xFF
	}
	last := end >> 3
	for i := start >> 3; i <= last; i++ {
		c := b[i] ^ flip
		if i == start>>3 {
			c &= 0xFF >> (start & 7)
		}
		if i == last {
			c &^= 0xFF >> (end&7 + 1)
		}
		if c != 0 {
			return i*8 + int64(bits.LeadingZeros8(c))
		}
	}
	return -1
}

// bitop operations, as BITOP names them.
const (
	bitopAnd = iota
	bitopOr
	bitopXor
	bitopNot
)

func cmdBitop(db *DB, args [][]byte) (Reply, error) {
	var op int
	switch name := args[1]; {
	case equalFold(name, "AND"):
		op = bitopAnd
	case equalFold(name, "OR"):
		op = bitopOr
	case equalFold(name, "XOR"):
		op = bitopXor
	case equalFold(name, "NOT"):
		op = bitopNot
	default:
		return nil, ErrSyntax
	}
	if op == bitopNot && len(args) != 4 {
		return nil, errBitopNot
	}
	srcs := make([][]byte, len(args)-3)
	size := 0
	for i, k := range args[3:] {
		b, _, err := db.getString(k)
		if err != nil {
			return nil, err
		}
		srcs[i] = b
		size = max(size, len(b))
	}
	dest := args[2]
	if size == 0 {
		if db.del(dest) {
			db.touch(dest) // not the sources the row names
		}
		return zero, nil
	}
	res := make([]byte, size)
	copy(res, srcs[0]) // missing bytes are zero
	switch op {
	case bitopNot:
		for i := range res {
			res[i] = ^res[i]
		}
	case bitopAnd:
		for _, s := range srcs[1:] {
			for i := range res {
				if i < len(s) {
					res[i] &= s[i]
				} else {
					res[i] = 0
				}
			}
		}
	case bitopOr:
		for _, s := range srcs[1:] {
			for i, c := range s {
				res[i] |= c
			}
		}
	case bitopXor:
		for _, s := range srcs[1:] {
			for i, c := range s {
				res[i] ^= c
			}
		}
	}
	db.set(dest, value{str: res, enc: encRaw})
	db.touch(dest)
	return int64(size), nil
}

// bitfieldOp is one GET, SET or INCRBY of BITFIELD, with the OVERFLOW
// behaviour in force where it appeared.
type bitfieldOp struct {
	kind     byte // 'g' GET, 's' SET, 'i' INCRBY
	overflow byte // 'w' WRAP, 's' SAT, 'f' FAIL
	signed   bool
	width    int
	offset   uint64
	arg      int64 // SET's value or INCRBY's increment
}

func cmdBitfield(db *DB, args [][]byte) (Reply, error) { return bitfield(db, args, false) }

func cmdBitfieldRo(db *DB, args [][]byte) (Reply, error) { return bitfield(db, args, true) }

// parseBitfield parses BITFIELD's operations, as Redis does before it
// runs any. writes reports whether any is a SET or INCRBY, and lo and hi
// are the lowest and highest bits they touch.
func parseBitfield(args [][]byte) (ops []bitfieldOp, writes bool, lo, hi uint64, err error) {
	overflow := byte('w')
	lo = math.MaxUint64
	for j := 0; j < len(args); j++ {
		rest := len(args) - j - 1
		op := bitfieldOp{overflow: overflow}
		switch a := args[j]; {
		case equalFold(a, "GET") && rest >= 2:
			op.kind = 'g'
		case equalFold(a, "SET") && rest >= 3:
			op.kind = 's'
		case equalFold(a, "INCRBY") && rest >= 3:
			op.kind = 'i'
		case equalFold(a, "OVERFLOW") && rest >= 1:
			j++
			switch t := args[j]; {
			case equalFold(t, "WRAP"):
				overflow = 'w'
			case equalFold(t, "SAT"):
				overflow = 's'
			case equalFold(t, "FAIL"):
				overflow = 'f'
			default:
				return nil, false, 0, 0, errBitfieldOverflow
			}
			continue
		default:
			return nil, false, 0, 0, ErrSyntax
		}
		if op.signed, op.width, err = bitfieldType(args[j+1]); err != nil {
			return nil, false, 0, 0, err
		}
		if op.offset, err = bitOffset(args[j+2], op.width); err != nil {
			return nil, false, 0, 0, err
		}
		if op.kind != 'g' {
			writes = true
			lo = min(lo, op.offset)
			hi = max(hi, op.offset+uint64(op.width)-1)
			if op.arg, err = intArg(args[j+3]); err != nil {
				return nil, false, 0, 0, err
			}
			j++
		}
		j += 2
		ops = append(ops, op)
	}
	return ops, writes, lo, hi, nil
}

// bitfieldType parses a field type: i1 to i64 signed, u1 to u63 unsigned.
func bitfieldType(arg []byte) (signed bool, width int, err error) {
	if len(arg) == 0 || (arg[0] != 'i' && arg[0] != 'u') {
		return false, 0, errBitfieldType
	}
	signed = arg[0] == 'i'
	n, ok := parseInt(arg[1:])
	if !ok || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, errBitfieldType
	}
	return signed, int(n), nil
}

// bitfield runs BITFIELD, or BITFIELD_RO when readOnly. Writes go to a
// new string, as stored bytes never change: a copy, or the old bytes
// grown in place when every write lies past their end.
func bitfield(db *DB, args [][]byte, readOnly bool) (Reply, error) {
	ops, writes, lo, hi, err := parseBitfield(args[2:])
	if err != nil {
		return nil, err
	}
	key := args[1]
	if !writes {
		b, _, err := db.getString(key)
		if err != nil {
			return nil, err
		}
		out := make([]Reply, len(ops))
		for i, op := range ops {
			out[i] = op.get(b)
		}
		return out, nil
	}
	if readOnly {
		return nil, errBitfieldRO
	}
	old, found := db.lookup(key)
	if found && old.obj != nil {
		return nil, ErrWrongType
	}
	size := max(len(old.str), int(hi>>3)+1)
	var buf []byte
	if int(lo>>3) >= len(old.str) {
		buf = writeAt(old.str, size-1, []byte{0})
	} else {
		buf = make([]byte, size)
		copy(buf, old.str)
	}
	out := make([]Reply, len(ops))
	var changes int64
	grown := !found || len(buf) > len(old.str)
	for i, op := range ops {
		if op.kind == 'g' {
			out[i] = op.get(buf)
			continue
		}
		before := getBits(buf, op.offset, op.width)
		r, ok := op.write(buf)
		if !ok {
			out[i] = nil // OVERFLOW FAIL: nothing written
			continue
		}
		out[i] = r
		// Redis 7.0.15 counts a write that changed the field, or any
		// write into a string it created or grew.
		if grown || getBits(buf, op.offset, op.width) != before {
			changes++
		}
	}
	// A key created or grown by writes that all failed counts once more
	// here, so that it is journaled.
	if changes > 0 || !found || len(buf) > len(old.str) {
		if found {
			db.replace(key, value{str: buf, enc: encRaw})
		} else {
			db.set(key, value{str: buf, enc: encRaw})
		}
		db.changed(max(changes-1, 0))
		if changes == 0 {
			db.sess.touched = true // Redis signals no change to watchers
		}
	} else {
		// Nothing changed, but Redis made the string raw to write it.
		db.ks.keys.put(key, value{str: old.str, enc: encRaw})
	}
	return out, nil
}

// get reads the field from b, whose bits past its end are zero.
func (op bitfieldOp) get(b []byte) Reply {
	v := getBits(b, op.offset, op.width)
	if op.signed {
		return signExtend(v, op.width)
	}
	return int64(v)
}

// write runs a SET or INCRBY on buf, which is long enough for the field,
// and answers what BITFIELD replies for it: the old value for SET, the
// new one for INCRBY. ok is false when OVERFLOW FAIL stopped it.
func (op bitfieldOp) write(buf []byte) (r int64, ok bool) {
	raw := getBits(buf, op.offset, op.width)
	var next int64
	var overflow bool
	if op.signed {
		old := signExtend(raw, op.width)
		if op.kind == 'i' {
			next, overflow = signedOverflow(old, op.arg, op.width, op.overflow)
			r = next
		} else {
			next, overflow = signedOverflow(op.arg, 0, op.width, op.overflow)
			r = old
		}
	} else {
		var u uint64
		if op.kind == 'i' {
			u, overflow = unsignedOverflow(raw, op.arg, op.width, op.overflow)
			r = int64(u)
		} else {
			u, overflow = unsignedOverflow(uint64(op.arg), 0, op.width, op.overflow)
			r = int64(raw)
		}
		next = int64(u)
	}
	if overflow && op.overflow == 'f' {
		return 0, false
	}
	setBits(buf, op.offset, op.width, uint64(next))
	return r, true
}

// getBits reads width bits of b from bit offset, most significant first;
// bits past the end of b are zero.
func getBits(b []byte, offset uint64, width int) uint64 {
	var v uint64
	for range width {
		bit := uint64(0)
		if i := offset >> 3; i < uint64(len(b)) {
			bit = uint64(b[i]>>(7-offset&7)) & 1
		}
		v = v<<1 | bit
		offset++
	}
	return v
}

// setBits writes the low width bits of v into b from bit offset.
func setBits(b []byte, offset uint64, width int, v uint64) {
	for j := width - 1; j >= 0; j-- {
		mask := byte(0x80) >> (offset & 7)
		if v>>uint(j)&1 != 0 {
			b[offset>>3] |= mask
		} else {
			b[offset>>3] &^= mask
		}
		offset++
	}
}

// signExtend reads the low width bits of v as a two's complement number.
func signExtend(v uint64, width int) int64 {
	shift := 64 - width
	return int64(v<<shift) >> shift
}

// unsignedOverflow adds incr to v, a uint<width>, with Redis's
// checkUnsignedBitfieldOverflow rules: on overflow WRAP keeps the low
// bits and SAT the nearest limit (the maximum for a too large SET value,
// even a negative one).
func unsignedOverflow(v uint64, incr int64, width int, mode byte) (uint64, bool) {
	maxV := uint64(1)<<width - 1
	maxIncr := int64(maxV - v)
	minIncr := -int64(v)
	switch {
	case v > maxV || (incr > 0 && incr > maxIncr):
		if mode == 's' {
			return maxV, true
		}
	case incr < 0 && incr < minIncr:
		if mode == 's' {
			return 0, true
		}
	default:
		return v + uint64(incr), false
	}
	return (v + uint64(incr)) & maxV, true
}

// signedOverflow adds incr to v, an int<width>, with Redis's
// checkSignedBitfieldOverflow rules: on overflow WRAP keeps the low bits
// as a two's complement number and SAT the nearest limit.
func signedOverflow(v, incr int64, width int, mode byte) (int64, bool) {
	maxV := int64(math.MaxInt64)
	if width < 64 {
		maxV = int64(1)<<(width-1) - 1
	}
	minV := -maxV - 1
	maxIncr := int64(uint64(maxV) - uint64(v))
	minIncr := minV - v
	switch {
	case v > maxV || (width != 64 && incr > maxIncr) || (v >= 0 && incr > 0 && incr > maxIncr):
		if mode == 's' {
			return maxV, true
		}
	case v < minV || (width != 64 && incr < minIncr) || (v < 0 && incr < 0 && incr < minIncr):
		if mode == 's' {
			return minV, true
		}
	default:
		return v + incr, false
	}
	return signExtend(uint64(v)+uint64(incr), width), true
}
