package engine

// globMaxNesting is how deep Redis lets a pattern's stars recurse; past
// it a pattern matches nothing, so a pattern of more stars than that
// finds no key however long.
const globMaxNesting = 1000

// matchGlob reports whether s matches the glob pattern p as Redis 7.0's
// stringmatchlen does: * ? [abc] [^abc] [a-z] and \ to escape. Like Redis,
// an empty s matches only an empty pattern (KEYS * and SCAN without MATCH
// never ask), an unterminated class ends with the pattern, and a star that
// found no match for the rest of the pattern stops every earlier star from
// trying longer matches, which keeps the work polynomial.
func matchGlob(p, s []byte, nocase bool) bool {
	skipLonger := false
	return globMatch(p, s, nocase, &skipLonger, 0)
}

func globMatch(p, s []byte, nocase bool, skipLonger *bool, nesting int) bool {
	if nesting > globMaxNesting {
		return false
	}
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for ; len(s) > 0; s = s[1:] {
				if globMatch(p[1:], s, nocase, skipLonger, nesting+1) {
					return true
				}
				if *skipLonger {
					return false
				}
			}
			// The rest of the pattern matches nowhere in the rest of s, so
			// no earlier star can help by matching more.
			*skipLonger = true
			return false
		case '?':
			p, s = p[1:], s[1:]
		case '[':
			var ok bool
			if p, ok = matchClass(p[1:], s[0], nocase); !ok {
				return false
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if !eqByte(p[0], s[0], nocase) {
				return false
			}
			p, s = p[1:], s[1:]
		}
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
		}
	}
	return len(p) == 0 && len(s) == 0
}

// matchClass matches c against the class p, which follows a '[', and
// returns the pattern after the closing ']' (none when the class runs to
// the end of the pattern) and whether c is in the class.
func matchClass(p []byte, c byte, nocase bool) (rest []byte, ok bool) {
	not := len(p) > 0 && p[0] == '^'
	if not {
		p = p[1:]
	}
	match := false
	for len(p) > 0 && p[0] != ']' {
		switch {
		case p[0] == '\\' && len(p) >= 2:
			p = p[1:]
			match = match || p[0] == c
		case len(p) >= 3 && p[1] == '-':
			lo, hi, x := p[0], p[2], c
			if lo > hi {
				lo, hi = hi, lo
			}
			if nocase {
				lo, hi, x = lower(lo), lower(hi), lower(x)
			}
			match = match || (lo <= x && x <= hi)
			p = p[2:]
		default:
			match = match || eqByte(p[0], c, nocase)
		}
		p = p[1:]
	}
	if len(p) > 0 {
		p = p[1:] // the closing ']'
	}
	return p, match != not
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func eqByte(a, b byte, nocase bool) bool {
	if nocase {
		return lower(a) == lower(b)
	}
	return a == b
}
