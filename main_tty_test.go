package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/photondb/photon/internal/redistest"
)

// term is the photon binary running in a tmux pane, for tests that type
// at it as a person would and read the screen as a person sees it.
type term struct {
	t    *testing.T
	tmux string
	sock string // the tmux server of this term alone (tmux -L)
}

// termCount names the tmux servers of one test run.
var termCount atomic.Int64

// startTerm runs bin with args in a new tmux pane of 200 by 50 cells,
// with env added to the environment and NO_COLOR removed from it. The
// pane stays after the program exits, so that its last screen can be
// read.
func startTerm(t *testing.T, bin string, env []string, args ...string) *term {
	t.Helper()
	tm := &term{t: t, tmux: redistest.Tool(t, "tmux"), sock: fmt.Sprintf("photon-test-%d-%d", os.Getpid(), termCount.Add(1))}
	line := "exec env -u NO_COLOR TERM=xterm-256color"
	for _, e := range env {
		line += " " + shellQuote(e)
	}
	line += " " + shellQuote(bin)
	for _, a := range args {
		line += " " + shellQuote(a)
	}
	tm.run("-f", "/dev/null", "start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";",
		"new-session", "-d", "-x", "200", "-y", "50", line)
	t.Cleanup(func() { exec.Command(tm.tmux, "-L", tm.sock, "kill-server").Run() })
	return tm
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// run runs a tmux command on the term's server and returns its output.
func (tm *term) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command(tm.tmux, append([]string{"-L", tm.sock}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// typ types text as it is.
func (tm *term) typ(text string) { tm.t.Helper(); tm.run("send-keys", "-t", "0", "-l", text) }

// key presses keys named as tmux names them: Tab, Enter, C-c, Up.
func (tm *term) key(names ...string) {
	tm.t.Helper()
	tm.run(append([]string{"send-keys", "-t", "0"}, names...)...)
}

// screen returns what the pane shows, in plain text.
func (tm *term) screen() string { tm.t.Helper(); return tm.run("capture-pane", "-p", "-t", "0") }

// colours returns what the pane shows, with its colours as escape
// sequences.
func (tm *term) colours() string { tm.t.Helper(); return tm.run("capture-pane", "-p", "-e", "-t", "0") }

// cursor returns the text of the line the cursor is on, without trailing
// blanks, and the cursor's column.
func (tm *term) cursor() (string, int) {
	tm.t.Helper()
	pos := strings.Fields(tm.run("display-message", "-p", "-t", "0", "#{cursor_x} #{cursor_y}"))
	x, _ := strconv.Atoi(pos[0])
	y, _ := strconv.Atoi(pos[1])
	lines := strings.Split(tm.screen(), "\n")
	if y >= len(lines) {
		return "", x
	}
	return strings.TrimRight(lines[y], " "), x
}

// waitFor waits until cond holds of the screen, failing the test with the
// screen after a while.
func (tm *term) waitFor(what string, cond func(screen string) bool) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := tm.screen()
		if cond(s) {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %s; the screen:\n%s", what, strings.TrimRight(s, "\n "))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitShows waits until the screen shows text.
func (tm *term) waitShows(text string) {
	tm.t.Helper()
	tm.waitFor(fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

// waitLine waits until the cursor's line is line, with the cursor at
// column col (-1: anywhere).
func (tm *term) waitLine(line string, col int) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, x := tm.cursor()
		if got == strings.TrimRight(line, " ") && (col < 0 || x == col) {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for the line %q with the cursor at %d; it is %q at %d; the screen:\n%s",
				line, col, got, x, strings.TrimRight(tm.screen(), "\n "))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitExit waits until the program has exited.
func (tm *term) waitExit() {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for strings.TrimSpace(tm.run("display-message", "-p", "-t", "0", "#{pane_dead}")) != "1" {
		if time.Now().After(deadline) {
			tm.t.Fatalf("the program did not exit; the screen:\n%s", tm.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Ensure that the shell and connect work in a terminal as a person would
// use them: Tab completion of commands, keywords and keys, hints that
// narrow as arguments are typed, history that survives a restart and
// holds no password, colours in a terminal only, Ctrl-C that clears a
// line or stops a long reply without quitting, and a subscription that
// streams until Ctrl-C. The real binary runs in tmux.
func TestTerminal(t *testing.T) {
	redistest.Tool(t, "tmux")
	bin := buildPhoton(t)
	const prompt = "photon:data.rdb> "

	t.Run("completion and hints", func(t *testing.T) {
		dir := t.TempDir()
		tm := startTerm(t, bin, []string{"PHOTON_HISTFILE="}, "shell", filepath.Join(dir, "data.rdb"))
		tm.waitLine(prompt, len(prompt))
		tm.typ("SET mykey 1")
		tm.key("Enter")
		tm.waitShows("OK")

		tm.typ("LRAN") // a prefix of one command only
		tm.key("Tab")
		tm.waitLine(prompt+"LRANGE key start stop", len(prompt+"LRANGE "))
		tm.key("C-u")
		tm.typ("lran")
		tm.key("Tab")
		tm.waitLine(prompt+"lrange key start stop", len(prompt+"lrange "))
		tm.key("C-u")

		tm.typ("SET ")
		tm.waitLine(prompt+"SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]", len(prompt+"SET "))
		tm.typ("k v ")
		tm.waitLine(prompt+"SET k v [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]", len(prompt+"SET k v "))
		tm.typ("E")
		tm.waitLine(prompt+"SET k v E", len(prompt+"SET k v E"))
		tm.typ("X")
		tm.waitLine(prompt+"SET k v EX seconds", len(prompt+"SET k v EX"))
		tm.key("C-u")

		tm.typ("get my")
		tm.key("Tab")
		tm.waitLine(prompt+"get mykey", len(prompt+"get mykey "))
		tm.key("Enter")
		tm.waitShows(`"1"`)

		tm.typ("client setn")
		tm.key("Tab")
		tm.waitLine(prompt+"client setname connection-name", len(prompt+"client setname "))
		tm.key("C-u")
		tm.typ("config get datab")
		tm.key("Tab")
		tm.waitLine(prompt+"config get databases [parameter ...]", len(prompt+"config get databases "))
		tm.key("C-u")
	})

	t.Run("history", func(t *testing.T) {
		dir := t.TempDir()
		hist := filepath.Join(dir, "history")
		env := []string{"PHOTON_HISTFILE=" + hist}
		tm := startTerm(t, bin, env, "shell", filepath.Join(dir, "data.rdb"))
		tm.waitLine(prompt, len(prompt))
		for _, line := range []string{"AUTH hunter2", "HELLO 3 AUTH default hunter3", "CONFIG SET requirepass hunter4", "ECHO remembered", "ECHO latest"} {
			tm.typ(line)
			tm.key("Enter")
		}
		tm.waitShows(`"latest"`)
		tm.typ("quit")
		tm.key("Enter")
		tm.waitExit()
		b, err := os.ReadFile(hist)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(b), "ECHO remembered\nECHO latest\nquit\n"; got != want {
			t.Errorf("history file %q, want %q", got, want)
		}

		tm = startTerm(t, bin, env, "shell", filepath.Join(dir, "data.rdb"))
		tm.waitLine(prompt, len(prompt))
		tm.key("Up")
		tm.waitLine(prompt+"quit", -1)
		tm.key("Up")
		tm.waitLine(prompt+"ECHO latest", -1)
		tm.key("C-c")
		tm.waitLine(prompt, len(prompt))
		tm.key("C-r")
		tm.typ("remem")
		tm.waitShows(prompt + "ECHO remembered")
		tm.key("Enter")
		tm.key("Enter")
		tm.waitShows(`"remembered"`)
	})

	t.Run("colours", func(t *testing.T) {
		dir := t.TempDir()
		for _, c := range []struct {
			name   string
			env    []string
			args   []string
			colour bool
		}{
			{"terminal", nil, nil, true},
			{"--no-color", nil, []string{"--no-color"}, false},
			{"NO_COLOR", []string{"NO_COLOR=1"}, nil, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				args := append(append([]string{"shell"}, c.args...), filepath.Join(dir, c.name+".rdb"))
				tm := startTerm(t, bin, append(c.env, "PHOTON_HISTFILE="), args...)
				tm.typ("INCR n")
				tm.key("Enter")
				tm.typ("NOSUCH")
				tm.key("Enter")
				tm.waitShows("(error) ERR unknown command 'NOSUCH'")
				screen := tm.colours()
				hasColour := strings.Contains(screen, "\x1b[36m(integer) 1") && strings.Contains(screen, "\x1b[31m(error)")
				if hasColour != c.colour || !c.colour && strings.Contains(screen, "\x1b[3") {
					t.Errorf("colours %v, want %v; the screen:\n%q", hasColour, c.colour, screen)
				}
			})
		}
		t.Run("pipe", func(t *testing.T) {
			for _, args := range [][]string{{"shell"}, {"shell", "--no-raw"}} {
				cmd := exec.Command(bin, append(args, filepath.Join(dir, "pipe.rdb"))...)
				cmd.Stdin = strings.NewReader("INCR n\nNOSUCH\n")
				cmd.Env = append(os.Environ(), "NO_COLOR=")
				out, _ := cmd.Output()
				if strings.Contains(string(out), "\x1b") || !strings.Contains(string(out), "ERR unknown command 'NOSUCH'") {
					t.Errorf("photon %q in a pipe printed %q", args, out)
				}
			}
		})
	})

	t.Run("ctrl-c", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "data.rdb")
		// Enough keys for KEYS * to take a while to print.
		var script strings.Builder
		for i := 0; i < 400; i++ {
			script.WriteString("MSET")
			for j := 0; j < 1000; j++ {
				fmt.Fprintf(&script, " key:%d:%d v", i, j)
			}
			script.WriteString("\n")
		}
		if _, stderr, err := runApp(t, script.String(), "shell", path); err != nil {
			t.Fatalf("fill %s: %v\n%s", path, err, stderr)
		}

		tm := startTerm(t, bin, []string{"PHOTON_HISTFILE="}, "shell", path)
		tm.waitLine(prompt, len(prompt))
		tm.typ("SET half")
		tm.key("C-c")
		tm.waitShows(prompt + "SET half^C")
		tm.waitLine(prompt, len(prompt))

		tm.typ("KEYS *")
		tm.key("Enter")
		tm.waitShows(`) "key:`)
		tm.key("C-c")
		tm.waitShows("(interrupted)")
		tm.waitLine(prompt, len(prompt))
		tm.typ("PING")
		tm.key("Enter")
		tm.waitShows("PONG")
	})

	t.Run("connect", func(t *testing.T) {
		_, addr := serveTCP(t)
		c := dial(t, addr)
		do(t, c, "SET", "remote:alpha", "1")
		port := addr[strings.LastIndexByte(addr, ':')+1:]
		tm := startTerm(t, bin, []string{"PHOTON_HISTFILE="}, "connect", "-p", port)
		p := addr + "> "
		tm.waitLine(p, len(p))

		tm.typ("GET remote:a")
		tm.key("Tab")
		tm.waitLine(p+"GET remote:alpha", len(p+"GET remote:alpha "))
		tm.key("C-u")

		tm.typ("SELECT 2")
		tm.key("Enter")
		p2 := addr + "[2]> "
		tm.waitLine(p2, len(p2))

		tm.typ("SUBSCRIBE news weather")
		tm.key("Enter")
		tm.waitShows("3) (integer) 2")
		tm.waitShows("Reading messages... (press Ctrl-C to quit)")
		for do(t, c, "PUBLISH", "news", "extra extra") != "(integer) 1\n" {
			time.Sleep(20 * time.Millisecond)
		}
		tm.waitShows(`3) "extra extra"`)
		tm.key("C-c")
		tm.waitLine(p2, len(p2))
		tm.typ("PING")
		tm.key("Enter")
		tm.waitShows("PONG")

		do(t, c, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
		tm.typ("ECHO first")
		tm.key("Enter")
		tm.waitShows("Error: Server closed the connection")
		tm.waitLine("not connected> ", len("not connected> "))
		tm.typ("ECHO second")
		tm.key("Enter")
		tm.waitShows(`"second"`)
		tm.waitLine(p2, len(p2))
	})
}
