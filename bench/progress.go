package bench

import (
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"
)

// progress redraws one status line in place on a terminal, from a
// goroutine of its own, until stopped; stopping erases the line, so that
// the result printed next starts clean. A nil *progress does nothing.
type progress struct {
	w    io.Writer
	quit chan struct{}
	done chan struct{}
}

// startLine redraws line() every interval on w; a nil w shows nothing.
func startLine(w io.Writer, interval time.Duration, line func(elapsed time.Duration) string) *progress {
	if w == nil {
		return nil
	}
	p := &progress{w: w, quit: make(chan struct{}), done: make(chan struct{})}
	start := time.Now()
	go func() {
		defer close(p.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		width := 0
		for {
			select {
			case <-p.quit:
				fmt.Fprintf(w, "\r%s\r", strings.Repeat(" ", width))
				return
			case <-tick.C:
				s := line(time.Since(start))
				// Pad over what is left of a longer line before.
				fmt.Fprintf(w, "\r%s%s", s, strings.Repeat(" ", max(width-len(s), 0)))
				width = max(width, len(s))
			}
		}
	}()
	return p
}

// stop erases the line and returns once the goroutine has.
func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.quit)
	<-p.done
}

// startProgress shows a network test's progress as redis-benchmark does:
// the rate over the last interval and overall, and the mean latency over
// each, every 250 ms.
func startProgress(w io.Writer, title string, r *run) *progress {
	var lastDone, lastSum int64
	var lastAt time.Duration
	return startLine(w, 250*time.Millisecond, func(elapsed time.Duration) string {
		done, sum := r.done.Load(), r.latSum.Load()
		dt := (elapsed - lastAt).Seconds()
		rps := float64(done-lastDone) / dt
		avg := 0.0
		if done > lastDone {
			avg = ms(time.Duration((sum - lastSum) / (done - lastDone)))
		}
		overallAvg := 0.0
		if done > 0 {
			overallAvg = ms(time.Duration(sum / done))
		}
		lastDone, lastSum, lastAt = done, sum, elapsed
		return fmt.Sprintf("%s: rps=%.1f (overall: %.1f) avg_msec=%.3f (overall: %.3f) %d%%",
			title, rps, float64(done)/elapsed.Seconds(), avg, overallAvg, done*100/r.total)
	})
}

// barWidth is the number of cells in a progress bar.
const barWidth = 30

// startBar shows an embedded row's progress: a bar of done out of total,
// or, when total is 0 (work whose size is not known ahead), a moving
// marker; with the elapsed time after it.
func startBar(w io.Writer, label string, done *atomic.Int64, total int64) *progress {
	frame := 0
	return startLine(w, 100*time.Millisecond, func(elapsed time.Duration) string {
		cells := []byte(strings.Repeat("-", barWidth))
		pct := ""
		if total > 0 {
			n := min(done.Load(), total)
			full := int(n * barWidth / total)
			for i := range full {
				cells[i] = '#'
			}
			pct = fmt.Sprintf(" %3d%%", n*100/total)
		} else {
			cells[frame%barWidth] = '#'
			frame++
		}
		return fmt.Sprintf("%-10s [%s]%s %6.2f s", label, cells, pct, elapsed.Seconds())
	})
}
