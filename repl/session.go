package repl

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/photondb/photon/client"
	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/resp"
)

// slowReply is how long a command must take before an interactive
// session prints its duration, as redis-cli does.
const slowReply = 500 * time.Millisecond

// clearScreen moves the cursor home and erases the screen, as linenoise
// does for redis-cli's clear.
const clearScreen = "\x1b[H\x1b[2J"

// readingMessages is what redis-cli prints when a subscription starts.
const readingMessages = "Reading messages... (press Ctrl-C to quit)\n"

// printChunk is how much of a reply is written between two looks for a
// Ctrl-C.
const printChunk = 16 << 10

// session is the state shared by every mode: the connection, what the
// prompt shows, and how replies are rendered. Only its own goroutine uses
// it, except for the completion helpers (aux, keys), which readline calls
// from its own.
type session struct {
	cfg    Config
	t      *table
	render formatter // colours only in interactive standard mode
	now    func() time.Time
	intr   <-chan os.Signal // Ctrl-C while a command runs; nil outside interactive sessions

	c        *client.Client // nil when not connected
	db       int            // selected database, as the prompt shows it
	preMulti int            // db when MULTI began; DISCARD or a failed EXEC return to it
	inMulti  bool

	aux   *aux         // the connection completion asks questions on
	tabDB atomic.Int64 // db, for completion, which readline runs on a goroutine of its own
}

// replyError is an error reply from the server, as a Go error for the
// "line N:" report of script mode.
type replyError string

func (e replyError) Error() string { return string(e) }

// errInterrupted is returned by the helpers that Ctrl-C stops.
var errInterrupted = errors.New("interrupted")

// errBadRepeat reports a line "N command" whose N is not a positive
// number.
var errBadRepeat = errors.New("invalid repeat count: the number before a command must be positive")

// newSession returns a session for cfg, not yet connected.
func newSession(cfg Config) *session {
	s := &session{cfg: cfg, t: newTable(engine.Commands()), now: time.Now, db: cfg.DB}
	if cfg.Interactive && !cfg.NoColor && cfg.Output == Standard {
		s.render.pal = newPalette()
	}
	s.aux = &aux{now: time.Now, open: func(db int) (*client.Client, error) {
		c, _, err := s.open(db, false, false)
		return c, err
	}}
	return s
}

// prompt returns the prompt for the next line: the name, the database if
// it is not 0, "(TX)" inside MULTI, as redis-cli's cliRefreshPrompt.
func (s *session) prompt() string {
	if s.c == nil {
		return "not connected> "
	}
	p := s.cfg.Name
	if s.db != 0 {
		p += "[" + strconv.Itoa(s.db) + "]"
	}
	if s.inMulti {
		p += "(TX)"
	}
	return p + "> "
}

// connect dials when the session is not connected, and selects the
// database the prompt shows again, as redis-cli does after a reconnect.
func (s *session) connect() error {
	if s.c != nil {
		return nil
	}
	c, db, err := s.open(s.db, true, s.cfg.Protocol == 3)
	if err != nil {
		return fmt.Errorf("could not connect to %s: %w", s.cfg.Name, err)
	}
	s.c, s.db, s.inMulti = c, db, false
	return nil
}

// open dials a connection and introduces the session as redis-cli does:
// AUTH with the configured password, SELECT db, and HELLO 3 when hello
// is set. It returns the database selected: db, or 0 when SELECT failed.
// Those commands failing does not fail open: with report set, their
// errors go to cfg.Err, as redis-cli prints them, and the session goes on
// with what the server allows.
func (s *session) open(db int, report, hello bool) (*client.Client, int, error) {
	c, err := s.cfg.Dial()
	if err != nil {
		return nil, 0, err
	}
	fail := func(err error) (*client.Client, int, error) {
		c.Close()
		return nil, 0, err
	}
	warn := func(format string, a ...any) {
		if report {
			fmt.Fprintf(s.cfg.Err, format+"\n", a...)
		}
	}
	if s.cfg.Password != "" {
		args := []string{"AUTH", s.cfg.Password}
		if s.cfg.User != "" {
			args = []string{"AUTH", s.cfg.User, s.cfg.Password}
		}
		v, err := c.Do(args...)
		if err != nil {
			return fail(err)
		}
		if v.Kind == resp.Error {
			warn("AUTH failed: %s", v.Str)
		}
	}
	if db != 0 {
		v, err := c.Do("SELECT", strconv.Itoa(db))
		if err != nil {
			return fail(err)
		}
		if v.Kind == resp.Error {
			warn("SELECT %d failed: %s", db, v.Str)
			db = 0
		}
	}
	if hello {
		v, err := c.Do("HELLO", "3")
		if err != nil {
			return fail(err)
		}
		if v.Kind == resp.Error {
			warn("HELLO 3 failed: %s", v.Str)
		}
	}
	return c, db, nil
}

// disconnect drops the connection; the next command dials again.
func (s *session) disconnect() {
	if s.c != nil {
		s.c.Close()
		s.c = nil
	}
	s.inMulti = false
}

// outcome is what happened to one line.
type outcome struct {
	quit bool  // quit or exit: stop reading lines
	err  error // why the line failed: ErrInvalidArgs, a replyError, or a connection failure
}

// handleLine runs one line typed or read from a script: local commands
// (quit, exit, help, clear) here, anything else on the server, repeated
// when the line starts with a count ("3 INCR n"), as in redis-cli.
// Replies go to cfg.Out; failures are left to the caller to report,
// since each mode reports them its own way.
func (s *session) handleLine(line string) outcome {
	args, err := SplitArgs(line)
	if err != nil {
		return outcome{err: err}
	}
	if len(args) == 0 {
		return outcome{}
	}
	switch {
	case strings.EqualFold(args[0], "quit"), strings.EqualFold(args[0], "exit"):
		return outcome{quit: true}
	case isHelp(args[0]):
		s.write(s.t.help(args[1:], s.render.pal))
		return outcome{}
	case len(args) == 1 && strings.EqualFold(args[0], "clear"):
		if s.cfg.Interactive {
			io.WriteString(s.cfg.Out, clearScreen)
		}
		return outcome{}
	}
	times := int64(1)
	if n, ok := repeatCount(args); ok {
		if n <= 0 {
			return outcome{err: errBadRepeat}
		}
		times, args = n, args[1:]
	}
	return outcome{err: s.repeat(args, times)}
}

// repeatCount returns the count a line starts with, as redis-cli reads
// it: a first word that is a whole decimal number, followed by a
// command. ok is false when the line does not start with one.
func repeatCount(args []string) (n int64, ok bool) {
	if len(args) < 2 {
		return 0, false
	}
	n, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, true // a number, but no count
		}
		return 0, false
	}
	return n, true
}

// repeat runs args times times (forever when times is negative), with
// cfg.Interval between runs. It returns the last failure, and stops at a
// lost connection or a Ctrl-C.
func (s *session) repeat(args []string, times int64) error {
	var failed error
	for i := int64(0); times < 0 || i < times; i++ {
		if i > 0 && s.cfg.Interval > 0 {
			if s.sleep(s.cfg.Interval) {
				return failed
			}
		}
		err := s.run(args)
		var re replyError
		switch {
		case errors.Is(err, errInterrupted):
			return failed
		case errors.As(err, &re):
			failed = err
		case err != nil:
			return err
		}
	}
	return failed
}

// sleep waits for d, or until Ctrl-C, which it reports.
func (s *session) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return false
	case <-s.intr: // nil outside interactive sessions: never ready
		return true
	}
}

// run sends one command, prints its reply and follows the commands that
// change the prompt. After SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and MONITOR
// it goes on printing what the server sends, until Ctrl-C or the end of
// the connection. It returns a replyError for an error reply, and
// errInterrupted when Ctrl-C stopped the command.
func (s *session) run(args []string) error {
	if err := s.connect(); err != nil {
		return err
	}
	name := strings.ToLower(args[0])
	pubsub := name == "subscribe" || name == "psubscribe" || name == "ssubscribe"
	if pubsub && s.cfg.Output != Raw {
		io.WriteString(s.cfg.Out, readingMessages)
	}
	start := s.now()
	v, err := s.wait(func() (resp.Value, error) { return s.c.Do(args...) })
	if err != nil {
		return s.lost(err)
	}
	cut := s.print(args, v)
	if d := s.now().Sub(start); s.cfg.Interactive && s.cfg.Output == Standard && d >= slowReply && !cut {
		fmt.Fprintf(s.cfg.Out, "(%.2fs)\n", d.Seconds())
	}
	s.follow(args, v)
	switch {
	case v.Kind == resp.Error:
		return replyError(v.Str)
	case queued(v):
		return nil // inside MULTI: nothing streams until EXEC
	case pubsub:
		return s.stream(args, true)
	case name == "monitor" && v.Kind == resp.SimpleString && string(v.Str) == "OK":
		return s.stream(args, false)
	}
	return nil
}

// queued reports whether v is the reply to a command queued by MULTI.
func queued(v resp.Value) bool {
	return v.Kind == resp.SimpleString && string(v.Str) == "QUEUED"
}

// stream prints what a subscribed or monitoring connection receives,
// until Ctrl-C, the end of the connection or, subscribed, an error reply
// (which ends the subscription, as in redis-cli).
func (s *session) stream(args []string, pubsub bool) error {
	for {
		v, err := s.wait(s.c.Receive)
		if err != nil {
			return s.lost(err)
		}
		s.print(args, v)
		if pubsub && v.Kind == resp.Error {
			return replyError(v.Str)
		}
	}
}

// lost handles a round trip that did not complete: after Ctrl-C the
// connection is dialled again at once, since a reply may still be on its
// way; otherwise the next command dials.
func (s *session) lost(err error) error {
	s.disconnect()
	if errors.Is(err, errInterrupted) {
		io.WriteString(s.cfg.Out, "\n")
		if cerr := s.connect(); cerr != nil {
			fmt.Fprintln(s.cfg.Err, "Error:", describe(cerr))
		}
	}
	return err
}

// wait runs a round trip on the connection. In an interactive session,
// Ctrl-C stops the wait: the connection is closed, which ends the round
// trip, and wait returns errInterrupted.
func (s *session) wait(fn func() (resp.Value, error)) (resp.Value, error) {
	if s.intr == nil {
		return fn()
	}
	type result struct {
		v   resp.Value
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-s.intr:
		s.c.Close()
		<-done
		return resp.Value{}, errInterrupted
	}
}

// print writes the reply to args in the session's mode. It reports
// whether Ctrl-C cut the printing short.
func (s *session) print(args []string, v resp.Value) bool {
	return s.write(s.render.reply(args, v, s.cfg.Output))
}

// write writes text to cfg.Out. In an interactive session it writes in
// chunks and stops at a Ctrl-C, so that a reply of a million lines can be
// cut short; it reports whether it did.
func (s *session) write(text string) bool {
	if s.intr == nil {
		io.WriteString(s.cfg.Out, text)
		return false
	}
	for len(text) > 0 {
		select {
		case <-s.intr:
			io.WriteString(s.cfg.Out, "\x1b[0m\n"+s.render.pal.paint(roleNil, "(interrupted)")+"\n")
			return true
		default:
		}
		n := min(len(text), printChunk)
		io.WriteString(s.cfg.Out, text[:n])
		text = text[n:]
	}
	return false
}

// drainInterrupts forgets a Ctrl-C that came while nothing ran.
func (s *session) drainInterrupts() {
	for {
		select {
		case <-s.intr:
		default:
			return
		}
	}
}

// follow updates the prompt's state after a reply, as redis-cli's
// cliSendCommand: SELECT changes the database (also when only queued in
// a transaction), MULTI opens a transaction, EXEC and DISCARD close it,
// and RESET returns to database 0.
func (s *session) follow(args []string, v resp.Value) {
	ok := v.Kind != resp.Error
	name := strings.ToLower(args[0])
	switch {
	case name == "select" && len(args) == 2 && ok:
		s.db = atoi(args[1])
	case name == "multi" && len(args) == 1 && ok:
		s.inMulti = true
		s.preMulti = s.db
	case name == "exec" && len(args) == 1 && s.inMulti:
		s.inMulti = false
		if !ok || v.Kind == resp.Null {
			s.db = s.preMulti
		}
	case name == "discard" && len(args) == 1 && ok:
		s.inMulti = false
		s.db = s.preMulti
	case name == "reset" && len(args) == 1 && ok:
		s.inMulti = false
		s.db = 0
	}
}

// close closes the connections, if any.
func (s *session) close() {
	s.disconnect()
	s.aux.close()
}

// describe returns the text that reports err to a person: redis-cli's
// words when the server went away, the error's own text otherwise.
func describe(err error) string {
	switch {
	case errors.Is(err, ErrInvalidArgs):
		return "Invalid argument(s)"
	case errors.Is(err, client.ErrServerClosed):
		return "Server closed the connection"
	}
	return err.Error()
}

// atoi converts as C's atoi: optional spaces and sign, then digits up to
// the first non-digit; 0 when there are none.
func atoi(s string) int {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' || n > 1<<31 {
			break
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}
