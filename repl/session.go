package repl

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
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

// session is the state shared by every mode: the connection, what the
// prompt shows, and how replies are rendered. Only its own goroutine uses
// it.
type session struct {
	cfg    Config
	t      *table
	render formatter // colours only in interactive standard mode
	now    func() time.Time

	c        *client.Client // nil when not connected
	db       int            // selected database, as the prompt shows it
	preMulti int            // db when MULTI began; DISCARD or a failed EXEC return to it
	inMulti  bool
}

// replyError is an error reply from the server, as a Go error for the
// "line N:" report of script mode.
type replyError string

func (e replyError) Error() string { return string(e) }

// newSession returns a session for cfg, not yet connected.
func newSession(cfg Config) *session {
	s := &session{cfg: cfg, t: newTable(engine.Commands()), now: time.Now}
	if cfg.Interactive && !cfg.NoColor && !cfg.Raw {
		s.render.pal = newPalette()
	}
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
	c, err := s.cfg.Dial()
	if err != nil {
		return fmt.Errorf("could not connect to %s: %w", s.cfg.Name, err)
	}
	s.inMulti = false
	if s.db != 0 {
		v, err := c.Do("SELECT", strconv.Itoa(s.db))
		if err != nil {
			c.Close()
			return fmt.Errorf("could not connect to %s: %w", s.cfg.Name, err)
		}
		if v.Kind == resp.Error {
			s.db = 0
		}
	}
	s.c = c
	return nil
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
// (quit, exit, help, clear) here, anything else on the server. Replies go
// to cfg.Out; failures are left to the caller to report, since each mode
// reports them its own way.
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
		io.WriteString(s.cfg.Out, s.t.help(args[1:], s.render.pal))
		return outcome{}
	case len(args) == 1 && strings.EqualFold(args[0], "clear"):
		if s.cfg.Interactive {
			io.WriteString(s.cfg.Out, clearScreen)
		}
		return outcome{}
	}
	return outcome{err: s.run(args)}
}

// run sends one command, prints its reply and follows the commands that
// change the prompt. It returns a replyError for an error reply.
func (s *session) run(args []string) error {
	if err := s.connect(); err != nil {
		return err
	}
	start := s.now()
	v, err := s.c.Do(args...)
	if err != nil {
		s.disconnect()
		return err
	}
	io.WriteString(s.cfg.Out, s.render.format(v, s.cfg.Raw || rawReply(args)))
	if d := s.now().Sub(start); s.cfg.Interactive && !s.cfg.Raw && d >= slowReply {
		fmt.Fprintf(s.cfg.Out, "(%.2fs)\n", d.Seconds())
	}
	s.follow(args, v)
	if v.Kind == resp.Error {
		return replyError(v.Str)
	}
	return nil
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

// close closes the connection, if any.
func (s *session) close() { s.disconnect() }

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
