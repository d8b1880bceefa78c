package engine

import (
	"bytes"
	"math/big"
)

// INCRBYFLOAT computes in C's long double, which on x86-64, where Redis
// is built, is the x87 80-bit extended format: a 64-bit significand,
// normal numbers down to 2^-16382 (subnormals down to 2^-16445) and
// finite numbers up to just under 2^16384. Go has no such type, so the
// values are big.Floats rounded exactly as the hardware rounds: to
// nearest, ties to even, at 64 bits, fewer for subnormals. Parsing
// follows glibc's strtold, which rounds correctly, and formatting follows
// printf("%.17Lf"), which prints the exact binary value rounded to 17
// decimals, ties to even.
const (
	ldMantBits   = 64     // significand bits of a normal number
	ldMaxExp     = 16384  // a value whose big.Float exponent exceeds this is infinite
	ldMinNormExp = -16381 // big.Float exponent of the smallest normal number, 2^-16382
	ldSubnormal  = 16445  // the smallest subnormal number is 2^-16445
	ldMaxChars   = 5 * 1024
	ldExpClamp   = 1 << 20 // exponents beyond this are saturated: the value is out of range anyway
)

// ldRound rounds the exact value that set stores into a Float, at that
// Float's precision and rounding mode, to the nearest long double. A value
// too large becomes an infinity; one too small becomes a zero.
func ldRound(set func(z *big.Float) *big.Float) *big.Float {
	// Truncating keeps the exact value's binade, which decides how many
	// bits a subnormal keeps.
	t := set(new(big.Float).SetPrec(ldMantBits).SetMode(big.ToZero))
	if t.Sign() == 0 || t.IsInf() {
		return t
	}
	e := t.MantExp(nil)
	prec := ldMantBits
	if e < ldMinNormExp {
		prec = e + ldSubnormal
	}
	var z *big.Float
	switch {
	case prec > 0:
		z = set(new(big.Float).SetPrec(uint(prec)).SetMode(big.ToNearestEven))
	case prec == 0 && !(t.Acc() == big.Exact && isPow2(t)):
		// Between 2^-16446 and 2^-16445: more than half the smallest
		// subnormal rounds up to it.
		z = new(big.Float).SetMantExp(big.NewFloat(0.5), -ldSubnormal+1)
	default:
		z = new(big.Float)
	}
	if prec <= 0 && t.Signbit() {
		z.Neg(z)
	}
	if z.MantExp(nil) > ldMaxExp {
		z.SetInf(t.Signbit())
	}
	return z
}

// isPow2 reports whether the finite, non-zero x is a power of two.
func isPow2(x *big.Float) bool {
	m := new(big.Float)
	x.MantExp(m)
	return m.Cmp(big.NewFloat(0.5)) == 0 || m.Cmp(big.NewFloat(-0.5)) == 0
}

// parseLongDouble parses b as Redis's string2ld does: the whole of b must
// be what strtold reads (decimal or 0x hexadecimal, with an optional
// exponent, or inf/infinity), with no leading space, no NaN, and no value
// that overflows or underflows to zero.
func parseLongDouble(b []byte) (*big.Float, bool) {
	if len(b) == 0 || len(b) >= ldMaxChars || isCSpace(b[0]) {
		return nil, false
	}
	s, neg := b, false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	var x *big.Float
	var ok bool
	switch {
	case equalFold(s, "INF") || equalFold(s, "INFINITY"):
		return new(big.Float).SetInf(neg), true
	case len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		x, ok = parseHexLongDouble(s[2:])
	default:
		x, ok = parseDecimalLongDouble(s)
	}
	if !ok {
		return nil, false
	}
	if neg {
		x.Neg(x)
	}
	return x, true
}

// isCSpace is C's isspace in the C locale.
func isCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// scanDigits returns the digits of s (with at most one '.') up to the
// first byte that is neither, and how many came after the '.'.
func scanDigits(s []byte, isDigit func(byte) bool) (digits []byte, frac int, rest []byte) {
	dot := false
	i := 0
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits = append(digits, c)
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return digits, frac, s[i:]
		}
	}
	return digits, frac, nil
}

// scanExponent parses an exponent's optional sign and decimal digits,
// which must be all of s, saturating at ldExpClamp.
func scanExponent(s []byte) (int, bool) {
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = min(n*10+int(c-'0'), ldExpClamp)
	}
	if neg {
		n = -n
	}
	return n, true
}

func isDecimalDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDecimalDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

// parseDecimalLongDouble parses unsigned decimal digits with an optional
// '.' and e exponent.
func parseDecimalLongDouble(s []byte) (*big.Float, bool) {
	digits, frac, rest := scanDigits(s, isDecimalDigit)
	if len(digits) == 0 {
		return nil, false
	}
	exp := 0
	if len(rest) > 0 {
		if rest[0] != 'e' && rest[0] != 'E' {
			return nil, false
		}
		var ok bool
		if exp, ok = scanExponent(rest[1:]); !ok {
			return nil, false
		}
	}
	digits = bytes.TrimLeft(digits, "0")
	if len(digits) == 0 {
		return new(big.Float).SetPrec(ldMantBits), true
	}
	exp -= frac
	// The value lies in [10^(mag-1), 10^mag): far enough out, it is
	// certainly infinite or zero, and computing it exactly would be slow.
	if mag := len(digits) + exp; mag > 4933 || mag < -4951 {
		return nil, false
	}
	num, _ := new(big.Int).SetString(string(digits), 10)
	r := new(big.Rat).SetInt(num)
	ten := big.NewInt(10)
	if exp >= 0 {
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(ten, big.NewInt(int64(exp)), nil)))
	} else {
		r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(ten, big.NewInt(int64(-exp)), nil)))
	}
	return ldChecked(ldRound(func(z *big.Float) *big.Float { return z.SetRat(r) }))
}

// parseHexLongDouble parses the hexadecimal digits after "0x", with an
// optional '.' and p exponent (a power of two).
func parseHexLongDouble(s []byte) (*big.Float, bool) {
	digits, frac, rest := scanDigits(s, isHexDigit)
	if len(digits) == 0 {
		return nil, false
	}
	exp := 0
	if len(rest) > 0 {
		if rest[0] != 'p' && rest[0] != 'P' {
			return nil, false
		}
		var ok bool
		if exp, ok = scanExponent(rest[1:]); !ok {
			return nil, false
		}
	}
	mant, _ := new(big.Int).SetString(string(digits), 16)
	if mant.Sign() == 0 {
		return new(big.Float).SetPrec(ldMantBits), true
	}
	exp -= 4 * frac
	if mag := mant.BitLen() + exp; mag > ldMaxExp+1 || mag < -ldSubnormal-1 {
		return nil, false
	}
	exact := new(big.Float).SetInt(mant) // as many bits as mant has: exact
	exact.SetMantExp(exact, exp)
	return ldChecked(ldRound(func(z *big.Float) *big.Float { return z.Set(exact) }))
}

// ldChecked refuses what strtold reports as out of range: an infinity or
// a zero from a non-zero number.
func ldChecked(x *big.Float) (*big.Float, bool) {
	if x.IsInf() || x.Sign() == 0 {
		return nil, false
	}
	return x, true
}

// addLongDouble returns a+b rounded as a long double; ok is false when
// the sum is infinite or not a number.
func addLongDouble(a, b *big.Float) (sum *big.Float, ok bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false
	}
	ra, _ := a.Rat(nil)
	rb, _ := b.Rat(nil)
	exact := ra.Add(ra, rb)
	sum = ldRound(func(z *big.Float) *big.Float { return z.SetRat(exact) })
	return sum, !sum.IsInf()
}

// formatLongDouble prints x as Redis's ld2string does in its human
// friendly mode: "%.17Lf" without trailing zeros or a trailing '.', and
// "0" for a negative zero.
func formatLongDouble(x *big.Float) []byte {
	b := x.Append(nil, 'f', 17)
	if bytes.IndexByte(b, '.') >= 0 {
		b = bytes.TrimRight(b, "0")
		b = bytes.TrimSuffix(b, []byte("."))
	}
	if string(b) == "-0" {
		b = b[1:]
	}
	return b
}
