package repl_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/photondb/photon/repl"
)

// Ensure that the bar stays hidden for the first second, then redraws
// at most every interval, and that Done erases only a bar that was drawn.
func TestProgress(t *testing.T) {
	tests := []struct {
		name    string
		updates [][3]int64 // milliseconds since the start, done, total
		want    string
	}{
		{"quick work draws nothing", [][3]int64{{0, 0, 100e6}, {500, 50e6, 100e6}, {900, 100e6, 100e6}}, ""},
		{"slow work draws a bar and erases it", [][3]int64{{0, 0, 100e6}, {999, 10e6, 100e6}, {1000, 43e6, 100e6}, {1050, 50e6, 100e6}, {1100, 100e6, 100e6}},
			"\rLoading x.rdb [############..................]  43%  43.0 MB of 100.0 MB\x1b[K" +
				"\rLoading x.rdb [##############################] 100%  100.0 MB of 100.0 MB\x1b[K\r\x1b[K"},
		{"unknown size", [][3]int64{{0, 0, -1}, {2000, 5e6, -1}}, "\rLoading x.rdb  5.0 MB\x1b[K\r\x1b[K"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			start := time.Unix(1e9, 0)
			var now time.Time
			p := repl.NewProgress(&out, "Loading x.rdb")
			p.Now = func() time.Time { return now }
			for _, u := range tt.updates {
				now = start.Add(time.Duration(u[0]) * time.Millisecond)
				p.Update(u[1], u[2])
			}
			p.Done()
			if got := out.String(); got != tt.want {
				t.Errorf("drew %q\nwant %q", got, tt.want)
			}
		})
	}
}
