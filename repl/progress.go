package repl

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress draws a one-line progress bar on a terminal for work that may
// take a while, such as loading a large snapshot when the shell opens it:
//
//	Loading dump.rdb [#############.................]  43%  108.2 MB of 250.0 MB
//
// The clock starts at the first Update, which reports nothing done yet.
// Nothing is drawn until the work has taken Delay, so quick work prints
// nothing, and the bar is redrawn at most every Interval. Done erases it.
type Progress struct {
	W        io.Writer        // where the bar is drawn: a terminal
	Label    string           // what is being done, such as "Loading dump.rdb"
	Delay    time.Duration    // how long the work runs before the bar shows
	Interval time.Duration    // the least time between two redraws
	Now      func() time.Time // the clock; nil: time.Now

	start, last time.Time
	drawn       bool // whether a bar is on the screen
}

// progressWidth is the number of cells between the bar's brackets.
const progressWidth = 30

// NewProgress returns a Progress for label on w that shows after one
// second and redraws up to ten times a second.
func NewProgress(w io.Writer, label string) *Progress {
	return &Progress{W: w, Label: label, Delay: time.Second, Interval: 100 * time.Millisecond}
}

func (p *Progress) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Update reports that done bytes of total are through (total < 0:
// unknown). Its signature is the one persist.LoadOptions.Progress wants.
func (p *Progress) Update(done, total int64) {
	now := p.now()
	if p.start.IsZero() {
		p.start = now
		return
	}
	if now.Sub(p.start) < p.Delay || p.drawn && now.Sub(p.last) < p.Interval {
		return
	}
	p.last, p.drawn = now, true
	fmt.Fprint(p.W, "\r"+p.line(done, total)+"\x1b[K")
}

// line is the bar's text for done bytes of total.
func (p *Progress) line(done, total int64) string {
	if total <= 0 {
		return fmt.Sprintf("%s  %s", p.Label, megabytes(done))
	}
	done = min(done, total)
	filled := int(done * progressWidth / total)
	return fmt.Sprintf("%s [%s%s] %3d%%  %s of %s", p.Label, strings.Repeat("#", filled),
		strings.Repeat(".", progressWidth-filled), done*100/total, megabytes(done), megabytes(total))
}

// megabytes writes n bytes in megabytes with one decimal.
func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// Done erases the bar, if one was drawn, so that what follows starts on
// a clean line.
func (p *Progress) Done() {
	if p.drawn {
		fmt.Fprint(p.W, "\r\x1b[K")
		p.drawn = false
	}
}
