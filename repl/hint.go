package repl

import (
	"strconv"
	"sync"

	"github.com/chzyer/readline"
)

// hinter shows, after the cursor at the end of the line, the rest of the
// command's syntax in grey, as redis-cli does (see table.hint). It is a
// readline.Painter: readline repaints the whole line on every key, and
// the hint is drawn after the line with the cursor moved back, so that
// it disappears as soon as the line changes or is entered.
//
// A hint never wraps: it is cut at the edge of the terminal, and none is
// shown when the line already reaches the edge, so that readline's idea
// of where the cursor is stays true.
type hinter struct {
	t     *table
	pal   *palette   // nil: a plain hint
	width func() int // the terminal's width in columns; 0 or less: unknown

	mu     sync.Mutex
	prompt string // as readline shows it before the line
}

// setPrompt records the prompt shown before the line, whose width
// decides where the line ends on the screen.
func (h *hinter) setPrompt(p string) {
	h.mu.Lock()
	h.prompt = p
	h.mu.Unlock()
}

// Paint implements readline.Painter.
func (h *hinter) Paint(line []rune, pos int) []rune {
	if pos != len(line) || len(line) == 0 || line[len(line)-1] == '\n' {
		return line
	}
	hint := h.t.hint(string(line))
	if hint == "" {
		return line
	}
	width := h.width()
	if width <= 0 {
		return line
	}
	h.mu.Lock()
	prompt := h.prompt
	h.mu.Unlock()
	used := (screenWidth([]rune(prompt)) + screenWidth(line)) % width
	if used == 0 {
		return line // at the edge: readline is about to wrap
	}
	hr := []rune(hint)
	if avail := width - used - 1; len(hr) > avail {
		hr = hr[:max(avail, 0)]
	}
	if len(hr) == 0 {
		return line
	}
	out := append([]rune(nil), line...)
	out = append(out, []rune(h.pal.paint(roleArgs, string(hr)))...)
	return append(out, []rune("\x1b["+strconv.Itoa(len(hr))+"D")...)
}

// screenWidth is the number of columns rs takes, with tabs as readline
// shows them.
func screenWidth(rs []rune) int {
	n := 0
	for _, r := range rs {
		if r == '\t' {
			n += readline.TabWidth
			continue
		}
		n += readline.Runes{}.Width(r)
	}
	return n
}
