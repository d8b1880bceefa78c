package repl

import (
	"errors"

	"github.com/photondb/photon/resp"
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
// a NUL character ends the line. The splitting is resp.SplitArgs, the
// same the server applies to inline commands.
func SplitArgs(line string) ([]string, error) {
	parts, err := resp.SplitArgs([]byte(line))
	if err != nil {
		return nil, ErrInvalidArgs
	}
	var args []string
	for _, p := range parts {
		args = append(args, string(p))
	}
	return args, nil
}

// isCSpace is C's isspace in the C locale.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
