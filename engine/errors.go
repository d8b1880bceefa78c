package engine

import (
	"strings"
)

// Error is an error a client sees. Error returns "CODE msg", the exact text
// that follows '-' on the wire.
type Error struct {
	Code string // ERR, WRONGTYPE, NOAUTH, ...
	Msg  string
}

func (e *Error) Error() string {
	if e.Msg == "" {
		return e.Code // Redis's bare "-ERR"
	}
	return e.Code + " " + e.Msg
}

func errf(msg string) *Error { return &Error{Code: "ERR", Msg: msg} }

// These errors can occur when a command's arguments or the value it finds
// are not what it needs.
var (
	ErrWrongType      = &Error{Code: "WRONGTYPE", Msg: "Operation against a key holding the wrong kind of value"}
	ErrSyntax         = errf("syntax error")
	ErrNotInteger     = errf("value is not an integer or out of range")
	ErrNotFloat       = errf("value is not a valid float")
	ErrOverflow       = errf("increment or decrement would overflow")
	ErrNoSuchKey      = errf("no such key")
	ErrIndexRange     = errf("index out of range")
	ErrDBIndex        = errf("DB index is out of range")
	ErrNotPositive    = errf("value is out of range, must be positive")
	ErrStringTooLong  = errf("string exceeds maximum allowed size (proto-max-bulk-len)")
	ErrSaveInProgress = errf("Background save already in progress")
	ErrNoSnapshotter  = errf("snapshots are not configured")
)

// These errors can occur when a client has not authenticated, or fails to.
var (
	ErrNoAuth    = &Error{Code: "NOAUTH", Msg: "Authentication required."}
	ErrWrongPass = &Error{Code: "WRONGPASS", Msg: "invalid username-password pair or user is disabled."}
	// ErrNoPassword answers AUTH <password> when no password is set.
	ErrNoPassword = errf("AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
	// ErrHelloNoAuth answers HELLO without AUTH from a client that must authenticate.
	ErrHelloNoAuth = &Error{Code: "NOAUTH", Msg: "HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"}
)

// These errors can occur when a client manages connections or the server.
var (
	ErrClientName   = errf("Client names cannot contain spaces, newlines or special characters.")
	ErrNoSuchClient = errf("No such client")
	// ErrMonitorKeyspace answers a monitoring client's command that reads
	// or writes keys: Redis treats a monitor as a replica.
	ErrMonitorKeyspace = errf("Replica can't interact with the keyspace")
	ErrShutdown        = errf("Errors trying to SHUTDOWN. Check logs.")
)

func errWrongArgs(name string) *Error {
	return errf("wrong number of arguments for '" + strings.ToLower(name) + "' command")
}

// errUnknownCommand words the error as Redis 7 does, quoting up to 128
// bytes of the arguments, each followed by a space. Like the name, each
// argument ends at a NUL byte, where Redis's %s ends it.
func errUnknownCommand(args [][]byte) *Error {
	var b strings.Builder
	for _, a := range args[1:] {
		if b.Len() >= 128 {
			break
		}
		n := 128 - b.Len()
		b.WriteByte('\'')
		b.WriteString(trunc(a, n))
		b.WriteString("' ")
	}
	return errf(oneLine("unknown command '" + trunc(args[0], 128) + "', with args beginning with: " + b.String()))
}

func errSubcommand(cmd string, sub []byte) *Error {
	return errf(oneLine("unknown subcommand '" + trunc(sub, 128) + "'. Try " + strings.ToUpper(cmd) + " HELP."))
}

func errExpireTime(cmd string) *Error {
	return errf("invalid expire time in '" + strings.ToLower(cmd) + "' command")
}

// trunc returns an argument as C's "%.*s" prints it into an error: up
// to its first NUL byte, and at most n bytes.
func trunc(b []byte, n int) string {
	b = cString(b)
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// quote returns an argument as C's "%s" prints it into an error: up to
// its first NUL byte.
func quote(b []byte) string { return string(cString(b)) }

// oneLine replaces line breaks so an error stays one line on the wire.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	}
	return s
}
