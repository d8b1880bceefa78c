package engine

import (
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
)

// The slow log keeps the latest commands that took at least
// slowlog-log-slower-than microseconds to run (not counting the wait for
// the lock), at most slowlog-max-len of them, as Redis does.

// Redis's limits on what one entry keeps of a command.
const (
	slowlogMaxArgs  = 32  // arguments kept; the last says how many more there were
	slowlogMaxBytes = 128 // bytes kept of each argument
)

type slowlog struct {
	slowerThan atomic.Int64 // microseconds; negative disables the log
	maxLen     atomic.Int64
	over       atomic.Bool // maxLen was lowered below the length: trim at the next command

	mu      sync.Mutex
	entries []slowEntry // oldest first
	nextID  int64
}

type slowEntry struct {
	id, unix, micros int64
	args             [][]byte
	addr, name       string
}

var (
	errConfigInt       = errors.New("argument couldn't be parsed into an integer")
	errSlowerThanMin   = errors.New("argument must be between -1 and 9223372036854775807 inclusive")
	errSlowlogLenMin   = errors.New("argument must be between 0 and 9223372036854775807 inclusive")
	errSlowlogGetCount = errf("count should be greater than or equal to -1")
)

func (e *Engine) registerSlowlog() {
	l := &e.slowlog
	l.slowerThan.Store(10000)
	l.maxLen.Store(128)
	e.RegisterConfig(
		Param{
			Name: "slowlog-log-slower-than",
			Get:  func() string { return strconv.FormatInt(l.slowerThan.Load(), 10) },
			Set: func(v string) error {
				n, ok := parseInt([]byte(v))
				switch {
				case !ok:
					return errConfigInt
				case n < -1:
					return errSlowerThanMin
				}
				l.slowerThan.Store(n)
				return nil
			},
		},
		Param{
			Name: "slowlog-max-len",
			Get:  func() string { return strconv.FormatInt(l.maxLen.Load(), 10) },
			Set: func(v string) error {
				n, ok := parseInt([]byte(v))
				switch {
				case !ok:
					return errConfigInt
				case n < 0:
					return errSlowlogLenMin
				}
				l.maxLen.Store(n)
				l.over.Store(true)
				return nil
			},
		},
	)
}

// record logs a command that ran for micros microseconds if that is at
// least slower, and trims the log to its length, as Redis does after
// every command while the log is enabled.
func (l *slowlog) record(e *Engine, s *Session, args [][]byte, micros, slower int64) {
	if micros < slower && !l.over.Load() {
		return
	}
	var ent slowEntry
	if micros >= slower {
		ent = slowEntry{unix: e.now().Unix(), micros: micros, args: slowlogArgs(s, args), addr: s.conn.Addr, name: s.view.name}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if micros >= slower {
		ent.id = l.nextID
		l.nextID++
		l.entries = append(l.entries, ent)
	}
	l.over.Store(false)
	if max := l.maxLen.Load(); int64(len(l.entries)) > max {
		drop := len(l.entries) - int(max)
		clear(l.entries[:drop])
		l.entries = l.entries[drop:]
	}
}

// slowlogArgs copies what the slow log keeps of a command's arguments.
func slowlogArgs(s *Session, args [][]byte) [][]byte {
	n := min(len(args), slowlogMaxArgs)
	out := make([][]byte, n)
	for i := range n {
		a := args[i]
		switch {
		case n != len(args) && i == n-1:
			out[i] = []byte("... (" + strconv.Itoa(len(args)-n+1) + " more arguments)")
		case s.isRedacted(i):
			out[i] = redacted
		case len(a) > slowlogMaxBytes:
			b := make([]byte, 0, slowlogMaxBytes+32)
			b = append(b, a[:slowlogMaxBytes]...)
			out[i] = append(b, "... ("+strconv.Itoa(len(a)-slowlogMaxBytes)+" more bytes)"...)
		default:
			out[i] = clone(a)
		}
	}
	return out
}

func cmdSlowlog(db *DB, args [][]byte) (Reply, error) {
	l := &db.eng.slowlog
	sub := args[1]
	switch {
	case equalFold(sub, "RESET"):
		l.mu.Lock()
		l.entries = nil
		l.mu.Unlock()
		return OK, nil
	case equalFold(sub, "LEN"):
		l.mu.Lock()
		defer l.mu.Unlock()
		return int64(len(l.entries)), nil
	case equalFold(sub, "GET"):
		if len(args) > 3 {
			return nil, errf(oneLine("unknown subcommand or wrong number of arguments for '" + trunc(sub, 128) + "'. Try SLOWLOG HELP."))
		}
		count := int64(10)
		if len(args) == 3 {
			n, ok := parseInt(args[2])
			if !ok || n < -1 {
				return nil, errSlowlogGetCount
			}
			count = n
		}
		return l.get(count), nil
	}
	return helpReply("SLOWLOG",
		"GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:", "    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN", "    Return the length of the slowlog.",
		"RESET", "    Reset the slowlog.",
	), nil
}

// get returns the count newest entries (all of them for -1), newest
// first, as SLOWLOG GET shows them.
func (l *slowlog) get(count int64) Reply {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.entries)
	if count >= 0 && count < int64(n) {
		n = int(count)
	}
	out := make([]Reply, n)
	for i := range n {
		ent := l.entries[len(l.entries)-1-i]
		args := make([]Reply, len(ent.args))
		for j, a := range ent.args {
			args[j] = a
		}
		out[i] = []Reply{ent.id, ent.unix, ent.micros, args, []byte(ent.addr), []byte(ent.name)}
	}
	return out
}
