package engine

import (
	"math"
	"strconv"
	"strings"
)

// Scores are read as Redis reads them, with C's strtod: "inf", "+inf",
// "-Infinity", hex floats such as 0x1p3, "5." and ".5" are numbers, NaN
// never is. A score argument must be a whole number with nothing around
// it and must not overflow; the ends of a score range are read more
// loosely, as Redis's zslParseRange does (leading spaces, "" as 0).

// strtod reads the longest prefix of b that C's strtod reads as a
// number, after leading white space: its value, the bytes it took (0 when
// none, as strtod leaves its end pointer at the start), and whether the
// value overflowed or underflowed to zero (ERANGE).
func strtod(b []byte) (f float64, n int, erange bool) {
	i := 0
	for i < len(b) && asciiSpace(b[i]) {
		i++
	}
	start := i
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	switch {
	case hasPrefixFold(b[i:], "infinity"):
		return math.Inf(signOf(neg)), i + 8, false
	case hasPrefixFold(b[i:], "inf"):
		return math.Inf(signOf(neg)), i + 3, false
	case hasPrefixFold(b[i:], "nan"):
		return math.NaN(), i + 3, false
	case i+1 < len(b) && b[i] == '0' && (b[i+1] == 'x' || b[i+1] == 'X'):
		if f, n, erange, ok := hexFloat(b, i+2, neg); ok {
			return f, n, erange
		}
		return math.Copysign(0, float64(signOf(neg))), i + 1, false // just the "0"
	}
	digits := 0
	nonzero := false
	for ; i < len(b) && decimalDigit(b[i]); i++ {
		digits++
		nonzero = nonzero || b[i] != '0'
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && decimalDigit(b[i]); i++ {
			digits++
			nonzero = nonzero || b[i] != '0'
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	i = exponentEnd(b, i, 'e')
	f, err := strconv.ParseFloat(string(b[start:i]), 64)
	return f, i, err != nil || (f == 0 && nonzero)
}

// hexFloat reads the rest of a hex float whose digits start at i, as
// strtod does; ok is false when no hex digit follows the "0x".
func hexFloat(b []byte, i int, neg bool) (f float64, n int, erange, ok bool) {
	mant := i
	digits := 0
	nonzero := false
	for ; i < len(b) && hexDigit(b[i]); i++ {
		digits++
		nonzero = nonzero || b[i] != '0'
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && hexDigit(b[i]); i++ {
			digits++
			nonzero = nonzero || b[i] != '0'
		}
	}
	if digits == 0 {
		return 0, 0, false, false
	}
	end := i
	i = exponentEnd(b, i, 'p')
	// Go insists on the binary exponent that C makes optional.
	text := "0x" + string(b[mant:end]) + "p0"
	if i > end {
		text = "0x" + string(b[mant:end]) + "p" + string(b[end+1:i])
	}
	if neg {
		text = "-" + text
	}
	f, err := strconv.ParseFloat(text, 64)
	return f, i, err != nil || (f == 0 && nonzero), true
}

// exponentEnd returns where an exponent that starts at i (the letter e or
// p, an optional sign, digits) ends, or i when there is none.
func exponentEnd(b []byte, i int, letter byte) int {
	if i >= len(b) || (b[i]|0x20) != letter {
		return i
	}
	j := i + 1
	if j < len(b) && (b[j] == '+' || b[j] == '-') {
		j++
	}
	if j >= len(b) || !decimalDigit(b[j]) {
		return i
	}
	for j < len(b) && decimalDigit(b[j]) {
		j++
	}
	return j
}

// signOf returns -1 for a negative sign, 1 otherwise.
func signOf(neg bool) int {
	if neg {
		return -1
	}
	return 1
}

// asciiSpace reports whether C's isspace takes c.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// decimalDigit reports whether c is 0 to 9.
func decimalDigit(c byte) bool { return '0' <= c && c <= '9' }

// hexDigit reports whether c is a hex digit in either case.
func hexDigit(c byte) bool {
	return decimalDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f')
}

// hasPrefixFold reports whether b starts with the lower-case ASCII word
// w, ignoring case.
func hasPrefixFold(b []byte, w string) bool {
	if len(b) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if b[i]|0x20 != w[i] {
			return false
		}
	}
	return true
}

// parseScore reads a score, increment or weight as Redis's string2d
// does: the whole argument, no leading space, no overflow, not NaN.
func parseScore(b []byte) (float64, bool) {
	if len(b) == 0 || asciiSpace(b[0]) {
		return 0, false
	}
	f, n, erange := strtod(b)
	if n != len(b) || math.IsNaN(f) || (erange && (math.IsInf(f, 0) || f == 0)) {
		return 0, false
	}
	return f, true
}

// scoreArg parses a score argument or returns ErrNotFloat.
func scoreArg(b []byte) (float64, error) {
	f, ok := parseScore(b)
	if !ok {
		return 0, ErrNotFloat
	}
	return f, nil
}

// formatScore appends f as Redis 7.0 writes a score as text: "%.17g",
// with "inf", "-inf" spelled out.
func formatScore(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

// scoreRange is an interval of scores, each end inclusive unless marked
// exclusive, as ZRANGEBYSCORE's "(1" and "5" give it.
type scoreRange struct {
	min, max     float64
	minex, maxex bool
}

// parseScoreRange reads min and max as Redis's zslParseRange: a leading
// "(" makes an end exclusive, and the rest is what strtod reads, which
// must end the argument (or stop at a NUL byte, as C's string does).
func parseScoreRange(min, max []byte) (scoreRange, error) {
	var r scoreRange
	var ok1, ok2 bool
	r.min, r.minex, ok1 = parseScoreBound(min)
	r.max, r.maxex, ok2 = parseScoreBound(max)
	if !ok1 || !ok2 {
		return r, errZsetMinMaxFloat
	}
	return r, nil
}

// parseScoreBound reads one end of a score range; ok is false when
// Redis would refuse it.
func parseScoreBound(b []byte) (f float64, ex, ok bool) {
	if len(b) > 0 && b[0] == '(' {
		ex = true
		b = b[1:]
	}
	f, n, _ := strtod(b)
	if (n < len(b) && b[n] != 0) || math.IsNaN(f) {
		return 0, false, false
	}
	return f, ex, true
}

// gteMin reports whether v is at or past the range's lower end.
func (r *scoreRange) gteMin(v float64) bool {
	if r.minex {
		return v > r.min
	}
	return v >= r.min
}

// lteMax reports whether v is at or before the range's upper end.
func (r *scoreRange) lteMax(v float64) bool {
	if r.maxex {
		return v < r.max
	}
	return v <= r.max
}

// empty reports whether no score can be in the range.
func (r *scoreRange) empty() bool {
	return r.min > r.max || (r.min == r.max && (r.minex || r.maxex))
}

// lexBound is one end of a lex range: a string, or the "-" and "+" that
// sort before and after every string.
type lexBound struct {
	s   string
	inf int8 // -1 for "-", +1 for "+", 0 for s
}

// lexRange is an interval of members, as ZRANGEBYLEX's "[a" "(b" "-" "+"
// give it.
type lexRange struct {
	min, max     lexBound
	minex, maxex bool
}

// parseLexRange reads min and max as Redis's zslParseLexRange.
func parseLexRange(min, max []byte) (lexRange, error) {
	var r lexRange
	var ok1, ok2 bool
	r.min, r.minex, ok1 = parseLexBound(min)
	r.max, r.maxex, ok2 = parseLexBound(max)
	if !ok1 || !ok2 {
		return r, errZsetLexRange
	}
	return r, nil
}

// parseLexBound reads one end of a lex range: "[a" inclusive, "(a"
// exclusive, "-" and "+" the lowest and highest; ok is false otherwise.
func parseLexBound(b []byte) (lb lexBound, ex, ok bool) {
	if len(b) == 0 {
		return lb, false, false
	}
	switch b[0] {
	case '+', '-':
		// Redis looks at the next byte of the C string: a NUL ends it.
		if len(b) > 1 && b[1] != 0 {
			return lb, false, false
		}
		if b[0] == '+' {
			return lexBound{inf: 1}, true, true
		}
		return lexBound{inf: -1}, true, true
	case '(':
		return lexBound{s: string(b[1:])}, true, true
	case '[':
		return lexBound{s: string(b[1:])}, false, true
	}
	return lb, false, false
}

// cmpLex compares two bounds as Redis's sdscmplex.
func cmpLex(a, b lexBound) int {
	switch {
	case a.inf != 0 && a.inf == b.inf:
		return 0
	case a.inf == -1 || b.inf == 1:
		return -1
	case a.inf == 1 || b.inf == -1:
		return 1
	}
	return strings.Compare(a.s, b.s)
}

// gteMin reports whether member is at or past the range's lower end.
func (r *lexRange) gteMin(member string) bool {
	c := cmpLex(lexBound{s: member}, r.min)
	if r.minex {
		return c > 0
	}
	return c >= 0
}

// lteMax reports whether member is at or before the range's upper end.
func (r *lexRange) lteMax(member string) bool {
	c := cmpLex(lexBound{s: member}, r.max)
	if r.maxex {
		return c < 0
	}
	return c <= 0
}

// empty reports whether no member can be in the range.
func (r *lexRange) empty() bool {
	c := cmpLex(r.min, r.max)
	return c > 0 || (c == 0 && (r.minex || r.maxex))
}

// Ranges over a set. A score range finds its ends by descending the skip
// list; so does a lex range on a set Redis keeps as a skip list, while
// on a listpack Redis walks from the head (or, for the last member in
// range, from the tail), which gives a different answer when members of
// different scores are out of lex order. Both are followed.

// inRange reports whether some member may be in r: the range is not
// empty, the highest score is at or past min and the lowest at or
// before max.
func (z *zset) inRange(r *scoreRange) bool {
	return !r.empty() && z.tail != nil && r.gteMin(z.tail.score) && r.lteMax(z.first().score)
}

// firstInRange returns the lowest node in r, or nil.
func (z *zset) firstInRange(r *scoreRange) *zslNode {
	if !z.inRange(r) {
		return nil
	}
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		for next := x.levels[i].next; next != nil && !r.gteMin(next.score); next = x.levels[i].next {
			x = next
		}
	}
	x = x.next()
	if x == nil || !r.lteMax(x.score) {
		return nil
	}
	return x
}

// lastInRange returns the highest node in r, or nil.
func (z *zset) lastInRange(r *scoreRange) *zslNode {
	if !z.inRange(r) {
		return nil
	}
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		for next := x.levels[i].next; next != nil && r.lteMax(next.score); next = x.levels[i].next {
			x = next
		}
	}
	if x == z.head || !r.gteMin(x.score) {
		return nil
	}
	return x
}

// inLexRange is inRange for a lex range.
func (z *zset) inLexRange(r *lexRange) bool {
	return !r.empty() && z.tail != nil && r.gteMin(z.tail.member) && r.lteMax(z.first().member)
}

// firstInLexRange returns the first node in r, or nil.
func (z *zset) firstInLexRange(r *lexRange) *zslNode {
	if !z.inLexRange(r) {
		return nil
	}
	if !z.big.Load() {
		for x := z.first(); x != nil; x = x.next() {
			if r.gteMin(x.member) {
				if r.lteMax(x.member) {
					return x
				}
				return nil
			}
		}
		return nil
	}
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		for next := x.levels[i].next; next != nil && !r.gteMin(next.member); next = x.levels[i].next {
			x = next
		}
	}
	x = x.next()
	if x == nil || !r.lteMax(x.member) {
		return nil
	}
	return x
}

// lastInLexRange returns the last node in r, or nil.
func (z *zset) lastInLexRange(r *lexRange) *zslNode {
	if !z.inLexRange(r) {
		return nil
	}
	if !z.big.Load() {
		for x := z.tail; x != nil; x = x.prev {
			if r.lteMax(x.member) {
				if r.gteMin(x.member) {
					return x
				}
				return nil
			}
		}
		return nil
	}
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		for next := x.levels[i].next; next != nil && r.lteMax(next.member); next = x.levels[i].next {
			x = next
		}
	}
	if x == z.head || !r.gteMin(x.member) {
		return nil
	}
	return x
}

// count returns how many members are in r.
func (z *zset) count(r *scoreRange) int {
	first := z.firstInRange(r)
	if first == nil {
		return 0
	}
	last := z.lastInRange(r)
	return z.rankOf(last) - z.rankOf(first) + 1
}

// lexCount returns how many members are in r: on a listpack, those from
// the first in range while they stay in range, as Redis counts them; on a
// skip list, those between the first and the last in range.
func (z *zset) lexCount(r *lexRange) int {
	first := z.firstInLexRange(r)
	if first == nil {
		return 0
	}
	if !z.big.Load() {
		n := 0
		for x := first; x != nil && r.lteMax(x.member); x = x.next() {
			n++
		}
		return n
	}
	n := z.length - z.rankOf(first)
	if last := z.lastInLexRange(r); last != nil {
		n -= z.length - 1 - z.rankOf(last)
	}
	return n
}

// removeRange deletes the members in r and returns how many.
func (z *zset) removeRange(r *scoreRange) int {
	var update [zslMaxLevel]*zslNode
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		for next := x.levels[i].next; next != nil && !r.gteMin(next.score); next = x.levels[i].next {
			x = next
		}
		update[i] = x
	}
	return z.removeWhile(x.next(), &update, func(n *zslNode) bool { return r.lteMax(n.score) })
}

// removeLexRange deletes the members in r and returns how many: on a
// listpack from the first in range while they stay in range, on a skip
// list from the first node past min, as Redis does.
func (z *zset) removeLexRange(r *lexRange) int {
	var update [zslMaxLevel]*zslNode
	in := func(n *zslNode) bool { return r.lteMax(n.member) }
	if !z.big.Load() {
		first := z.firstInLexRange(r)
		if first == nil {
			return 0
		}
		z.path(first, &update)
		return z.removeWhile(first, &update, in)
	}
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		for next := x.levels[i].next; next != nil && !r.gteMin(next.member); next = x.levels[i].next {
			x = next
		}
		update[i] = x
	}
	return z.removeWhile(x.next(), &update, in)
}
