package engine

import (
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
)

// MONITOR. A monitoring client receives, through ConnInfo.Push, one line
// for every command any client runs after it started monitoring, its own
// included, formatted as Redis 7 formats it. Commands Redis keeps out of
// the feed stay out: administrative ones (flag Admin, on the command or
// its subcommand), and those refused before they ran.

// monitors are the sessions in MONITOR mode.
type monitors struct {
	n    atomic.Int32 // len(list), read by every command
	mu   sync.Mutex
	list []monitor
}

type monitor struct {
	s    *Session
	push func(Reply)
}

func cmdMonitor(db *DB, args [][]byte) (Reply, error) {
	s := db.sess
	if s.monitor.Load() {
		return NoReply{}, nil // Redis ignores MONITOR from a monitor, without a reply
	}
	db.eng.startMonitor(s)
	return OK, nil
}

func (e *Engine) startMonitor(s *Session) {
	m := &e.monitors
	m.mu.Lock()
	defer m.mu.Unlock()
	s.monitor.Store(true)
	m.list = append(m.list, monitor{s: s, push: s.conn.Push})
	m.n.Store(int32(len(m.list)))
}

// stopMonitor ends MONITOR mode for s, if it is on (RESET, Close).
func (e *Engine) stopMonitor(s *Session) {
	if !s.monitor.Load() {
		return
	}
	m := &e.monitors
	m.mu.Lock()
	defer m.mu.Unlock()
	s.monitor.Store(false)
	m.list = slices.DeleteFunc(m.list, func(x monitor) bool { return x.s == s })
	m.n.Store(int32(len(m.list)))
}

// readsKeyspace reports whether a command reads or writes keys, which
// Redis refuses from a monitoring client as it refuses them from a
// replica: write commands, and read commands, which have key arguments
// or are in the keyspace group (KEYS).
func readsKeyspace(c *Command) bool {
	return c.Flags&Write != 0 || c.Keys.First > 0 || c.Group == "generic"
}

// feedMonitors sends s's command to every monitor. It runs with the
// engine's lock held, so monitors see commands in the order they ran.
func (e *Engine) feedMonitors(s *Session, args [][]byte) {
	line := Status(monitorLine(e, s, args))
	m := &e.monitors
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, mon := range m.list {
		if mon.push != nil {
			mon.push(line)
		}
	}
}

// monitorLine formats a command as Redis's MONITOR shows it:
//
//	1339518083.107412 [0 127.0.0.1:60866] "keys" "*"
//
// with the time it ran, the client's database after it ran, its address,
// and each argument quoted as Redis's sdscatrepr quotes it.
func monitorLine(e *Engine, s *Session, args [][]byte) string {
	t := e.now()
	n := 32 + len(s.conn.Addr)
	for _, a := range args {
		n += len(a) + 3
	}
	b := make([]byte, 0, n)
	b = strconv.AppendInt(b, t.Unix(), 10)
	b = append(b, '.')
	usec := t.Nanosecond() / 1000
	for d := 100000; d > 1 && usec < d; d /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(usec), 10)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(s.db), 10)
	b = append(b, ' ')
	b = append(b, s.conn.Addr...)
	b = append(b, "] "...)
	for i, a := range args {
		if i > 0 {
			b = append(b, ' ')
		}
		if s.isRedacted(i) {
			a = redacted
		}
		b = appendRepr(b, a)
	}
	return string(b)
}

var redacted = []byte("(redacted)")

func (s *Session) isRedacted(i int) bool {
	for _, r := range s.redacted {
		if r == i {
			return true
		}
	}
	return false
}

// appendRepr appends p quoted as Redis's sdscatrepr quotes it: in double
// quotes, with \\ \" \n \r \t \a \b escaped, other printable ASCII as is,
// and every other byte as \xHH.
func appendRepr(b, p []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, c := range p {
		switch c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if c >= ' ' && c <= '~' {
				b = append(b, c)
			} else {
				b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
			}
		}
	}
	return append(b, '"')
}
