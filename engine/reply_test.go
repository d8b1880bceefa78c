package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/photondb/photon/engine"
)

// Ensure that replies the session holds (INCR's and LPUSH's integers,
// LRANGE's arrays) stay as they were answered until the whole run of
// commands they belong to has been written, as ExecBatch promises: many
// of them in one run, more than the session's storage held before it
// grew. ExecBatch must answer as Exec does when each reply is rendered
// before the next command runs.
func TestExecBatch_HeldReplies(t *testing.T) {
	cases := []struct {
		name  string
		setup []string
		batch []string
	}{
		{
			name:  "INCR past the small integers",
			setup: []string{"SET c 250"},
			batch: repeat(300, func(i int) string { return fmt.Sprintf("INCR c%d", i%3) }, "INCR c"),
		},
		{
			name:  "LPUSH lengths",
			batch: repeat(300, func(i int) string { return fmt.Sprintf("LPUSH l%d x", i%2) }),
		},
		{
			name:  "LRANGE 0 99 more times than one array holds",
			setup: lists(3, 150),
			batch: repeat(30, func(i int) string { return fmt.Sprintf("LRANGE l%d %d %d", i%3, i, i+99) }),
		},
		{
			name:  "LRANGE longer than the session keeps",
			setup: lists(1, 3000),
			batch: []string{"LRANGE l0 0 99", "LRANGE l0 0 -1", "LRANGE l0 5 1500", "LRANGE l0 -3 -1"},
		},
		{
			name:  "reads and writes taking turns",
			setup: lists(2, 120),
			batch: repeat(40, func(i int) string {
				return [...]string{"LRANGE l0 0 99", "INCR n", "LRANGE l1 10 109", "RPUSH l0 y"}[i%4]
			}),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e1, s1, _ := newEngine(t)
			e2, s2, _ := newEngine(t)
			for _, line := range tc.setup {
				do(t, e1, s1, line)
				do(t, e2, s2, line)
			}
			var want []string
			for _, line := range tc.batch {
				r, err := e1.Exec(s1, fields(line))
				want = append(want, fmt.Sprint(render(r, false), err))
			}
			var cmds [][][]byte
			for _, line := range tc.batch {
				cmds = append(cmds, fields(line))
			}
			var got []string
			e2.ExecBatch(s2, cmds, func(r engine.Reply, err error) { got = append(got, fmt.Sprint(render(r, false), err)) })
			if len(got) != len(want) {
				t.Fatalf("%d replies, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("reply %d to %s:\n got %s\nwant %s", i, tc.batch[i], got[i], want[i])
				}
			}
		})
	}
}

// Ensure that the replies EXEC gathers, which the session holds until the
// EXEC's reply is written, are each what the command answers alone.
func TestExec_HeldRepliesInTransaction(t *testing.T) {
	setup := append(lists(1, 200), "SET n 1000")
	queued := repeat(50, func(i int) string {
		return [...]string{"INCR n", "LRANGE l0 0 99", "LPUSH l0 z", "LRANGE l0 50 149"}[i%4]
	})
	e1, s1, _ := newEngine(t)
	e2, s2, _ := newEngine(t)
	for _, line := range setup {
		do(t, e1, s1, line)
		do(t, e2, s2, line)
	}
	var alone []string
	for _, line := range queued {
		alone = append(alone, do(t, e1, s1, line))
	}
	do(t, e2, s2, "MULTI")
	for _, line := range queued {
		do(t, e2, s2, line)
	}
	if got, want := do(t, e2, s2, "EXEC"), "["+strings.Join(alone, " ")+"]"; got != want {
		t.Errorf("EXEC:\n got %s\nwant %s", got, want)
	}
}

// Ensure that INCR of a large number, and LPUSH, allocate nothing once
// the session has answered a few, and LRANGE 0 99 only the array's box:
// their replies are the session's own (see engine.Int, engine.Bulks).
func TestExecBatch_RepliesWithoutAllocation(t *testing.T) {
	cases := []struct {
		line  string
		setup []string
		max   float64
	}{
		{"INCR counter", []string{"SET counter 1000000"}, 0},
		{"LPUSH mylist xxx", lists(1, 1000), 0},
		{"LRANGE l0 0 99", lists(1, 600), 1},
	}
	for _, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			e, s, _ := newEngine(t)
			for _, line := range tc.setup {
				do(t, e, s, line)
			}
			cmds := [][][]byte{fields(tc.line)}
			out := func(r engine.Reply, err error) {
				if err != nil {
					t.Fatal(err)
				}
			}
			e.ExecBatch(s, cmds, out)
			// AllocsPerRun rounds down: a record segment or list chunk
			// opened once in hundreds of commands does not count.
			if got := testing.AllocsPerRun(1000, func() { e.ExecBatch(s, cmds, out) }); got > tc.max {
				t.Errorf("%v allocations a command, want at most %v", got, tc.max)
			}
		})
	}
}

// repeat returns n lines, line(0) to line(n-1), then the extra lines.
func repeat(n int, line func(i int) string, extra ...string) []string {
	var out []string
	for i := range n {
		out = append(out, line(i))
	}
	return append(out, extra...)
}

// lists returns RPUSHes that fill lists l0, l1... with n elements each,
// every element telling its list and index apart.
func lists(count, n int) []string {
	var out []string
	for k := range count {
		args := []string{fmt.Sprintf("RPUSH l%d", k)}
		for i := range n {
			args = append(args, fmt.Sprintf("e%d.%d", k, i))
		}
		out = append(out, strings.Join(args, " "))
	}
	return out
}

// fields returns a command line's words as arguments.
func fields(line string) [][]byte {
	var args [][]byte
	for _, w := range strings.Fields(line) {
		args = append(args, []byte(w))
	}
	return args
}
