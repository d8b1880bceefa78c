package repl

import (
	"errors"
	"strings"
)

// ErrInvalidArgs is returned by SplitArgs for a line with unbalanced
// quotes, or a closing quote followed by something other than a space.
// redis-cli reports the same lines as "Invalid argument(s)".
var ErrInvalidArgs = errors.New("invalid argument(s)")

// SplitArgs splits a command line into arguments as redis-cli does
// (sdssplitargs in Redis's sds.c).
//
// Arguments are separated by spaces, tabs, carriage returns and newlines.
// A double-quoted part may hold the escapes \n \r \t \b \a, \xHH (two hex
// digits) and a backslash before any other character, which stands for
// that character (\" and \\ among them). A single-quoted part is taken as
// it is except for \', which stands for a quote. Quotes may start in the
// middle of an argument (foo"bar" is foobar), but a closing quote must be
// followed by a space or the end of the line. An empty line gives no
// arguments; a line with unbalanced quotes gives ErrInvalidArgs. As in C,
// a NUL character ends the line.
func SplitArgs(line string) ([]string, error) {
	if i := strings.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	var args []string
	p := 0
	for {
		for p < len(line) && isCSpace(line[p]) {
			p++
		}
		if p == len(line) {
			return args, nil
		}
		var cur strings.Builder
		inq, insq := false, false
		for done := false; !done; {
			var c byte // 0 at the end of the line, as in C
			if p < len(line) {
				c = line[p]
			}
			switch {
			case inq:
				switch {
				case c == '\\' && p+3 < len(line) && line[p+1] == 'x' && isHex(line[p+2]) && isHex(line[p+3]):
					cur.WriteByte(unhex(line[p+2])<<4 | unhex(line[p+3]))
					p += 3
				case c == '\\' && p+1 < len(line):
					p++
					cur.WriteByte(unescape(line[p]))
				case c == '"':
					if p+1 < len(line) && !isCSpace(line[p+1]) {
						return nil, ErrInvalidArgs
					}
					done = true
				case c == 0:
					return nil, ErrInvalidArgs // unterminated quotes
				default:
					cur.WriteByte(c)
				}
			case insq:
				switch {
				case c == '\\' && p+1 < len(line) && line[p+1] == '\'':
					p++
					cur.WriteByte('\'')
				case c == '\'':
					if p+1 < len(line) && !isCSpace(line[p+1]) {
						return nil, ErrInvalidArgs
					}
					done = true
				case c == 0:
					return nil, ErrInvalidArgs
				default:
					cur.WriteByte(c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					cur.WriteByte(c)
				}
			}
			if p < len(line) {
				p++
			}
		}
		args = append(args, cur.String())
	}
}

// unescape returns the byte that a backslash followed by c stands for
// inside double quotes.
func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

// isCSpace is C's isspace in the C locale.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
