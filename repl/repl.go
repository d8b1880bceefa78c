package repl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/chzyer/readline"

	"github.com/photondb/photon/client"
)

// ErrFailed is wrapped by the error of Run in script mode when a line
// failed (an error reply, a line that does not parse, a lost connection),
// and by the error of RunOnce when the command replied with an error. The
// replies and the "line N:" messages are printed already, so a caller
// seeing it only needs to exit with status 1.
var ErrFailed = errors.New("failed")

// Config configures a REPL session.
type Config struct {
	Name        string                         // prompt base: "photon:photon.rdb" for the shell, "127.0.0.1:6379" for connect
	Dial        func() (*client.Client, error) // opens a connection: at the start, after a drop, and one for completion
	In          io.Reader                      // lines to read; os.Stdin when nil
	Out         io.Writer                      // replies; os.Stdout when nil
	Err         io.Writer                      // failures; os.Stderr when nil
	Interactive bool                           // a person at a terminal: line editing, prompt, history, colours
	Output      Mode                           // how replies print: Standard in a terminal, Raw otherwise, as redis-cli
	NoColor     bool                           // no colours, even when interactive
	HistoryFile string                         // where interactive history persists; "" keeps none
	Bail        bool                           // script mode: stop at the first line that fails

	// Introducing each connection, as redis-cli's -a, --user, -n and -3.
	User     string // AUTH user name, with Password
	Password string // AUTH password; "" sends no AUTH
	DB       int    // database to select
	Protocol int    // 3 sends HELLO 3; 0 or 2 stays on RESP2

	// Keys lists key names for completion (the shell lists them from its
	// engine). When nil, an interactive session lists them with a
	// bounded SCAN on a connection of its own.
	Keys KeyLister

	// RunOnce runs its command Repeat times (1 when 0; forever when
	// negative), waiting Interval between runs, as redis-cli -r and -i.
	// Interval also spaces out the runs of "N command" lines.
	Repeat   int
	Interval time.Duration
}

// withDefaults fills the streams left nil.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Dial == nil {
		return cfg, errors.New("repl: Config.Dial is nil")
	}
	if cfg.In == nil {
		cfg.In = os.Stdin
	}
	if cfg.Out == nil {
		cfg.Out = os.Stdout
	}
	if cfg.Err == nil {
		cfg.Err = os.Stderr
	}
	return cfg, nil
}

// Run reads commands from cfg.In until it ends or a line says quit or
// exit, runs each one and prints its reply.
//
// Interactive, it edits lines with readline, keeps history in
// cfg.HistoryFile (never lines that carry a password), shows the rest of
// a command's syntax as a hint, completes on Tab, and keeps going after
// failures: Ctrl-C clears the line, or stops a command or the printing
// of its reply; Ctrl-D ends the session; a lost connection is dialled
// again for the next command. It returns nil when the session ends.
//
// Otherwise it runs a script: blank lines and lines starting with # are
// skipped, and each failing line is reported to cfg.Err as "line N:
// message". It returns an error that wraps ErrFailed if any line failed,
// or the error of the first Dial.
func Run(cfg Config) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	s := newSession(cfg)
	defer s.close()
	if cfg.Interactive {
		return s.interactive()
	}
	return s.script()
}

// RunOnce runs one command, args, prints its reply to cfg.Out as Run
// would, and returns an error wrapping ErrFailed if the reply was an
// error. help is answered locally; anything else, quit included, goes to
// the server, as with redis-cli HOST PORT CMD ARG... After SUBSCRIBE or
// MONITOR it prints what the server sends until the connection ends.
func RunOnce(cfg Config, args []string) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return client.ErrNoCommand
	}
	cfg.Interactive = false
	s := newSession(cfg)
	defer s.close()
	if isHelp(args[0]) {
		io.WriteString(cfg.Out, s.t.help(args[1:], nil))
		return nil
	}
	if err := s.connect(); err != nil {
		return err
	}
	times := int64(cfg.Repeat)
	if times == 0 {
		times = 1
	}
	err = s.repeat(args, times)
	var re replyError
	if errors.As(err, &re) {
		return fmt.Errorf("%s %w", args[0], ErrFailed)
	}
	return err
}

// script runs the lines of cfg.In.
func (s *session) script() error {
	if err := s.connect(); err != nil {
		return err
	}
	br := bufio.NewReader(s.cfg.In)
	lineNo, ran, failed := 0, 0, 0
	for {
		line, rerr := br.ReadString('\n')
		if line == "" && rerr != nil {
			if rerr != io.EOF {
				return fmt.Errorf("read script: %w", rerr)
			}
			break
		}
		lineNo++
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if skipLine(line) {
			continue
		}
		ran++
		out := s.handleLine(line)
		if out.err != nil {
			failed++
			fmt.Fprintf(s.cfg.Err, "line %d: %s\n", lineNo, describe(out.err))
			if s.cfg.Bail {
				return fmt.Errorf("script: stopped at line %d, which %w", lineNo, ErrFailed)
			}
		}
		if out.quit {
			break
		}
	}
	if failed > 0 {
		return fmt.Errorf("script: %d of %d commands %w", failed, ran, ErrFailed)
	}
	return nil
}

// skipLine reports whether a script line is blank or a comment.
func skipLine(line string) bool {
	t := strings.TrimLeft(line, " \t\r\n\v\f")
	return t == "" || t[0] == '#'
}

// interactive runs the readline loop.
func (s *session) interactive() error {
	if err := s.connect(); err != nil {
		fmt.Fprintln(s.cfg.Err, "Error:", describe(err))
	}
	// Ctrl-C reaches the process as SIGINT only while a command runs:
	// readline reads it as a key while a line is edited.
	intr := make(chan os.Signal, 1)
	signal.Notify(intr, os.Interrupt)
	defer signal.Stop(intr)
	s.intr = intr

	hints := &hinter{t: s.t, width: readline.GetScreenWidth}
	if !s.cfg.NoColor {
		hints.pal = newPalette()
	}
	rc := &readline.Config{
		Prompt:                 s.prompt(),
		HistoryFile:            s.cfg.HistoryFile,
		HistoryLimit:           historyLimit,
		DisableAutoSaveHistory: true,
		AutoComplete:           s.completer(),
		Painter:                hints,
		HistorySearchFold:      true,
		Stdout:                 s.cfg.Out,
		Stderr:                 s.cfg.Err,
	}
	if s.cfg.In != os.Stdin {
		rc.Stdin = readline.NewCancelableStdin(s.cfg.In)
	}
	rl, err := readline.NewEx(rc)
	if err != nil {
		return fmt.Errorf("start line editor: %w", err)
	}
	defer rl.Close()
	for {
		prompt := s.prompt()
		hints.setPrompt(prompt)
		s.tabDB.Store(int64(s.db))
		rl.SetPrompt(prompt)
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			continue // Ctrl-C: forget the line
		case errors.Is(err, io.EOF):
			return nil // Ctrl-D
		case err != nil:
			return fmt.Errorf("read line: %w", err)
		}
		if h := strings.TrimRight(line, " \t"); strings.TrimSpace(h) != "" && !secret(h) {
			rl.SaveHistory(h)
		}
		s.drainInterrupts()
		out := s.handleLine(line)
		s.report(out.err)
		if out.quit {
			return nil
		}
	}
}

// completer returns the Tab completion of an interactive session, with
// key names from cfg.Keys or a SCAN on the completion connection, and
// directive names from its CONFIG GET *.
func (s *session) completer() *completer {
	c := newCompleter(s.t)
	list := s.cfg.Keys
	if list == nil {
		list = s.aux.scan
	}
	keys := newKeyFinder(list)
	c.keys = func(prefix string) []string { return keys.find(int(s.tabDB.Load()), prefix) }
	names := &configNameCache{wait: tabWait, fetch: func() ([]string, error) { return s.aux.configNames(0) }}
	c.configNames = names.get
	return c
}

// report tells the person at the terminal why a line failed, where
// redis-cli would: a bad line on stdout, a connection problem on stderr.
// An error reply was printed with the other replies already.
func (s *session) report(err error) {
	var re replyError
	switch {
	case err == nil, errors.As(err, &re):
	case errors.Is(err, ErrInvalidArgs), errors.Is(err, errBadRepeat):
		fmt.Fprintln(s.cfg.Out, describe(err))
	default:
		fmt.Fprintln(s.cfg.Err, "Error:", describe(err))
	}
}
