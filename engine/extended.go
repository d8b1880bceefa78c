package engine

import (
	"bytes"
	"math/big"
)

// extended is a number as Redis's HINCRBYFLOAT and INCRBYFLOAT compute
// with it: a C long double, which on x86-64 is the x87 80-bit extended
// format, with a 64-bit significand and numbers up to about 1.19e4932.
// Emulating it, rather than using float64, gives the same digits Redis
// prints: 0.1 plus 0.2 is 0.3, not 0.30000000000000004.
type extended struct{ f *big.Float }

const (
	extendedPrec = 64     // bits of significand
	extendedMax  = 16384  // big.Float exponent of 2^16384, the first number too large
	extendedMin  = -16445 // big.Float exponent of 2^-16446: 0.5 × 2^-16445
	// extendedMaxLen is Redis's MAX_LONG_DOUBLE_CHARS: strings of this
	// length or longer are not numbers.
	extendedMaxLen = 5 * 1024
)

func newExtended() *big.Float {
	return new(big.Float).SetPrec(extendedPrec).SetMode(big.ToNearestEven)
}

// isInf reports whether x is an infinity.
func (x extended) isInf() bool { return x.f.IsInf() }

// add returns x+y rounded to the format, or an infinity when the sum is
// too large for it. Neither may be an infinity of the opposite sign.
func (x extended) add(y extended) extended {
	z := newExtended().Add(x.f, y.f)
	return extended{overflowToInf(z)}
}

// overflowToInf turns a finite z too large for the format into an infinity.
func overflowToInf(z *big.Float) *big.Float {
	if !z.IsInf() && z.MantExp(nil) > extendedMax {
		z.SetInf(z.Signbit())
	}
	return z
}

// parseExtended reads b as Redis's string2ld does with C's strtold: an
// optional sign, then decimal digits with an optional point and e
// exponent, hexadecimal digits after 0x with an optional p exponent, or
// inf or infinity in any case. Leading spaces, trailing bytes, NaN, and
// numbers too large or too small for the format (other than zero) are
// refused. ok is false when b is not a number; x may be an infinity.
func parseExtended(b []byte) (x extended, ok bool) {
	if len(b) == 0 || len(b) >= extendedMaxLen || isCSpace(b[0]) {
		return x, false
	}
	// strtold sees a C string: it ends at the first NUL, and an empty
	// one reads as zero with nothing left over.
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	} else if len(b) == 0 {
		return extended{newExtended()}, true
	}
	var f *big.Float
	if equalFold(b, "INF") || equalFold(b, "INFINITY") {
		f = newExtended().SetInf(false)
	} else {
		parse := parseExtendedDecimal
		if len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X') {
			parse, b = parseExtendedHex, b[2:]
		}
		if f, ok = parse(b); !ok || !extendedInRange(f) {
			return x, false
		}
	}
	if neg {
		f.Neg(f)
	}
	return extended{f}, true
}

// extendedHalfSmallest is half the smallest subnormal number of the format,
// 2^-16446: strtold rounds a number this small or smaller to zero.
var extendedHalfSmallest = new(big.Float).SetMantExp(big.NewFloat(0.5), extendedMin)

// extendedInRange reports whether a finite f, read from a string, is zero or
// neither overflows nor underflows to zero in the format, which strtold
// reports as a range error.
func extendedInRange(f *big.Float) bool {
	if f.Sign() == 0 {
		return true
	}
	abs := new(big.Float).Abs(f)
	return abs.Cmp(extendedHalfSmallest) > 0 && !overflowToInf(f).IsInf()
}

// isCSpace reports whether c is a space as C's isspace sees one.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// scanMantissa splits digits with an optional point, in the given base, into
// the integer they make and the number of digits after the point, and
// returns what follows them. ok is false when there is no digit.
func scanMantissa(b []byte, base int) (m *big.Int, frac int, rest []byte, ok bool) {
	digits := make([]byte, 0, len(b))
	point := false
	i := 0
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '.' && !point:
			point = true
		case hexDigit(c) < base:
			digits = append(digits, c)
			if point {
				frac++
			}
		default:
			goto done
		}
	}
done:
	if len(digits) == 0 {
		return nil, 0, nil, false
	}
	m, _ = new(big.Int).SetString(string(digits), base)
	return m, frac, b[i:], true
}

// hexDigit returns the value of a decimal or hexadecimal digit, or 99.
func hexDigit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
}

// scanExponent reads the exponent after e or p: an optional sign and
// decimal digits, all of b. It saturates far beyond any exponent the
// format can reach.
func scanExponent(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var e int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		e = min(e*10+int64(c-'0'), 1<<40)
	}
	if neg {
		e = -e
	}
	return e, true
}

// parseExtendedDecimal reads unsigned decimal digits with an optional point
// and exponent, rounding correctly to the format.
func parseExtendedDecimal(b []byte) (*big.Float, bool) {
	m, frac, rest, ok := scanMantissa(b, 10)
	if !ok {
		return nil, false
	}
	var e int64
	if len(rest) > 0 {
		if rest[0] != 'e' && rest[0] != 'E' {
			return nil, false
		}
		if e, ok = scanExponent(rest[1:]); !ok {
			return nil, false
		}
	}
	f := newExtended()
	if m.Sign() == 0 {
		return f, true
	}
	// The value is m * 10^e; m has at most extendedMaxLen digits, so an
	// exponent beyond these bounds is certain to overflow or underflow.
	e -= int64(frac)
	digits := int64(len(m.String()))
	switch {
	case e+digits > 4940:
		return f.SetInf(false), true // overflows
	case e+digits < -4960:
		return f.SetMantExp(big.NewFloat(0.5), extendedMin-1), true // underflows
	case e >= 0:
		m.Mul(m, new(big.Int).Exp(big.NewInt(10), big.NewInt(e), nil))
		return f.SetInt(m), true
	}
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(-e), nil)
	return f.SetRat(new(big.Rat).SetFrac(m, den)), true
}

// parseExtendedHex reads hexadecimal digits (after 0x) with an optional
// point and binary exponent after p.
func parseExtendedHex(b []byte) (*big.Float, bool) {
	m, frac, rest, ok := scanMantissa(b, 16)
	if !ok {
		return nil, false
	}
	var e int64
	if len(rest) > 0 {
		if rest[0] != 'p' && rest[0] != 'P' {
			return nil, false
		}
		if e, ok = scanExponent(rest[1:]); !ok {
			return nil, false
		}
	}
	f := newExtended().SetInt(m)
	if m.Sign() == 0 {
		return f, true
	}
	e -= 4 * int64(frac)
	e = max(min(e, 1<<20), -1<<20) // far beyond the format, within big.Float's
	return f.SetMantExp(f, int(e)), true
}

// human formats x as Redis's ld2string in LD_STR_HUMAN mode: printf's
// %.17Lf without trailing zeros or point, and 0 for negative zero.
func (x extended) human() []byte {
	if x.f.IsInf() {
		if x.f.Signbit() {
			return []byte("-inf")
		}
		return []byte("inf")
	}
	b := x.f.Append(nil, 'f', 17)
	b = bytes.TrimRight(b, "0")
	b = bytes.TrimSuffix(b, []byte("."))
	if string(b) == "-0" {
		b = b[1:]
	}
	return b
}
