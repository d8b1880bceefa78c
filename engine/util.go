package engine

import (
	"strconv"
	"unsafe"
)

// parseInt parses b as Redis's string2ll does: an optional minus sign and
// decimal digits, no leading zeros, no spaces, no plus sign, in int64.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := false
	i := 0
	if b[0] == '-' {
		neg = true
		i++
		if len(b) == 1 {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		d := uint64(c - '0')
		if v > 1<<64-1-d {
			return 0, false
		}
		v += d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// intArg parses an integer argument or returns ErrNotInteger.
func intArg(b []byte) (int64, error) {
	n, ok := parseInt(b)
	if !ok {
		return 0, ErrNotInteger
	}
	return n, nil
}

// intValue returns n in decimal as a string value in the session's
// scratch space: at most 20 bytes, so the dict copies it into its
// segments when it is stored, and INCR allocates nothing for it.
func (s *Session) intValue(n int64) value {
	return value{str: strconv.AppendInt(s.num[:0], n, 10)}
}

// equalFoldC reports whether b, up to its first NUL byte, equals the
// upper-case ASCII word w, ignoring case: what Redis's strcasecmp on an
// argument decides.
func equalFoldC(b []byte, w string) bool { return equalFold(cString(b), w) }

// equalFold reports whether b equals the upper-case ASCII word w,
// ignoring case, without allocating.
func equalFold(b []byte, w string) bool {
	if len(b) != len(w) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// str views b as a string without copying; for map lookups and
// comparisons only, never for storing.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// clone returns a copy of b that the engine may keep.
func clone(b []byte) []byte {
	c := make([]byte, len(b))
	copy(c, b)
	return c
}
