package bench

import (
	"bytes"
	"errors"
	"fmt"
)

// errIncomplete is not an error a caller sees: it means the buffer holds
// only the beginning of a reply and more must be read.
var errIncomplete = errors.New("incomplete reply")

// ReplyError is a reply that is not valid RESP, which ends the run: a
// client that cannot tell where a reply ends cannot count the rest.
type ReplyError struct {
	Offset int    // of the bad byte, from the start of the reply
	Msg    string // what was wrong
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("bad reply from the server at byte %d of a reply: %s", e.Offset, e.Msg)
}

// replyEnd returns the length of the first complete reply in b and
// whether it is an error reply (-ERR ..., or RESP3's !). It returns
// errIncomplete when b holds only part of one, and a *ReplyError when b
// is not RESP. It allocates nothing: it walks the reply's headers and
// skips over bulk payloads, counting the elements still owed by the
// arrays it is inside rather than recursing, so a reply of any depth
// costs one pass.
func replyEnd(b []byte) (n int, isErr bool, err error) {
	if len(b) == 0 {
		return 0, false, errIncomplete
	}
	isErr = b[0] == '-' || b[0] == '!'
	pos := 0
	for owed := 1; owed > 0; owed-- {
		if pos >= len(b) {
			return 0, false, errIncomplete
		}
		kind := b[pos]
		nl := bytes.IndexByte(b[pos:], '\n')
		if nl < 0 {
			return 0, false, errIncomplete
		}
		end := pos + nl + 1 // just past the header's \n
		if nl < 2 || b[end-2] != '\r' {
			return 0, false, &ReplyError{pos + nl, "a line that does not end in \\r\\n"}
		}
		header := b[pos+1 : end-2]
		switch kind {
		case '+', '-', ':', '_', ',', '#', '(':
			pos = end
		case '$', '=', '!':
			size, ok := parseLen(header)
			if !ok {
				return 0, false, &ReplyError{pos, fmt.Sprintf("bad bulk length %q", header)}
			}
			if size < 0 {
				pos = end
				continue
			}
			if end+size+2 > len(b) {
				return 0, false, errIncomplete
			}
			if b[end+size] != '\r' || b[end+size+1] != '\n' {
				return 0, false, &ReplyError{end + size, "a bulk string that does not end in \\r\\n"}
			}
			pos = end + size + 2
		case '*', '~', '>', '%':
			size, ok := parseLen(header)
			if !ok {
				return 0, false, &ReplyError{pos, fmt.Sprintf("bad array length %q", header)}
			}
			if kind == '%' {
				size *= 2
			}
			if size > 0 {
				owed += size
			}
			pos = end
		default:
			return 0, false, &ReplyError{pos, fmt.Sprintf("unknown reply type %q", kind)}
		}
	}
	return pos, isErr, nil
}

// parseLen parses a RESP length: decimal digits, or -1.
func parseLen(b []byte) (int, bool) {
	if len(b) == 2 && b[0] == '-' && b[1] == '1' {
		return -1, true
	}
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// firstLine returns the text of an error reply (-ERR ..., or RESP3's
// blob error !<len>) without its type byte and line ends, for a message.
func firstLine(reply []byte) string {
	if len(reply) == 0 {
		return ""
	}
	line, rest, _ := bytes.Cut(reply[1:], []byte("\r\n"))
	if reply[0] == '!' {
		if n, ok := parseLen(line); ok && n >= 0 && n <= len(rest) {
			return string(rest[:n])
		}
	}
	return string(line)
}
