package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/photondb/photon/engine"
)

// originalN is the size of the original PhotonDB's benchmark table.
const originalN = 1_000_000

// The original's figures for a million operations, in seconds, from its
// README; the rows it did not measure have none.
var originalSeconds = map[string]float64{
	"SET":  1.71,
	"GET":  1.00,
	"SAVE": 15.22,
}

// SnapshotFile is the snapshot file the embedded table saves to and
// loads from. main opens one with package persist; bench does not
// import it, so that only main wires the packages that touch the disk.
type SnapshotFile interface {
	engine.Snapshotter
	// Load reads the file into e.
	Load(e *engine.Engine) error
	// Close releases the file.
	Close() error
}

// EmbeddedConfig is a run of the original's table in-process.
type EmbeddedConfig struct {
	N   int    // operations in each row, and keys saved and loaded (1,000,000 in the original)
	Dir string // where SAVE writes its file; a new temporary directory, removed after, when ""
	// Open opens the snapshot file at path for SAVE and LOAD; when nil,
	// those two rows are left out.
	Open func(path string) (SnapshotFile, error)

	Format   Format    // how rows are printed
	Out      io.Writer // results
	Progress io.Writer // progress bars, redrawn in place; nil for none
}

// Row is one row of the embedded table.
type Row struct {
	Test      string  `json:"test"` // SET, GET, INCR, LPUSH, HSET, SAVE, LOAD
	Ops       int     `json:"ops"`  // commands run, or keys saved or loaded
	Seconds   float64 `json:"seconds"`
	OpsPerSec float64 `json:"ops_per_sec"`
	// OriginalSeconds is the original's time for the same row, scaled
	// linearly from its million when N differs; nil where it has none.
	OriginalSeconds *float64 `json:"original_seconds"`
	SpeedUp         *float64 `json:"speedup"` // OriginalSeconds / Seconds
}

// RunEmbedded runs the original's benchmark table through engine.Exec,
// as a client's commands run in shell and serve: SET, GET, INCR, LPUSH,
// HSET, N of each, then SAVE of the N keys SET wrote and LOAD of the
// file into a fresh engine. It prints each row beside the original's
// figure, and returns the rows.
func RunEmbedded(ctx context.Context, cfg EmbeddedConfig) ([]Row, error) {
	if cfg.N < 1 {
		return nil, fmt.Errorf("-n %d: the number of operations must be at least 1", cfg.N)
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	t := &table{cfg: cfg, ctx: ctx, started: time.Now()}
	t.printHead()
	if err := t.run(); err != nil {
		return t.rows, err
	}
	return t.rows, t.printFoot()
}

// table runs the embedded rows and prints them.
type table struct {
	cfg     EmbeddedConfig
	ctx     context.Context
	started time.Time
	rows    []Row
	keys    [][]byte // key:0 ... key:N-1
	vals    [][]byte // value:0 ... value:N-1
}

// run runs every row in order. SET, GET, SAVE and LOAD work on the N
// string keys alone, as the original's did; INCR, LPUSH and HSET run on
// an engine of their own, dropped before SAVE.
func (t *table) run() error {
	n := t.cfg.N
	t.keys = make([][]byte, n)
	t.vals = make([][]byte, n)
	for i := range n {
		t.keys[i] = []byte("key:" + strconv.Itoa(i))
		t.vals[i] = []byte("value:" + strconv.Itoa(i))
	}

	var file SnapshotFile
	path := ""
	if t.cfg.Open != nil {
		dir := t.cfg.Dir
		if dir == "" {
			tmp, err := os.MkdirTemp("", "photon-bench-")
			if err != nil {
				return fmt.Errorf("a directory for the snapshot: %w", err)
			}
			defer os.RemoveAll(tmp)
			dir = tmp
		}
		path = filepath.Join(dir, "photon-bench.rdb")
		f, err := t.cfg.Open(path)
		if err != nil {
			return fmt.Errorf("open %s: %w", path, err)
		}
		defer f.Close()
		file = f
	}

	if err := t.stringRows(file); err != nil {
		return err
	}
	if file == nil {
		return nil
	}
	return t.load(file, path)
}

// stringRows runs SET and GET of the N keys, the collection rows, and
// then, when there is a file, SAVE of the N keys.
func (t *table) stringRows(file SnapshotFile) error {
	e, stop := newEngine(file)
	defer stop()
	s := e.NewSession()
	defer s.Close()
	// Each row reuses one argument slice, as a connection reuses its
	// read buffer, so that the loop allocates nothing of its own.
	set := [][]byte{[]byte("SET"), nil, nil}
	if err := t.each("SET", func(i int) error {
		set[1], set[2] = t.keys[i], t.vals[i]
		return check(e.Exec(s, set))
	}); err != nil {
		return err
	}
	get := [][]byte{[]byte("GET"), nil}
	if err := t.each("GET", func(i int) error {
		get[1] = t.keys[i]
		r, err := e.Exec(s, get)
		if err == nil && r == nil {
			err = fmt.Errorf("GET %s: the key is missing", t.keys[i])
		}
		return err
	}); err != nil {
		return err
	}
	if err := t.collections(); err != nil {
		return err
	}
	if file == nil {
		return nil
	}
	return t.timed("SAVE", t.cfg.N, nil, func() error { return check(e.Exec(s, [][]byte{[]byte("SAVE")})) })
}

// load runs LOAD of the file SAVE wrote into a fresh engine, and checks
// that every key came back.
func (t *table) load(file SnapshotFile, path string) error {
	runtime.GC() // the engine starts without the last one's garbage
	e, stop := newEngine(nil)
	defer stop()
	if err := t.timed("LOAD", t.cfg.N, nil, func() error { return file.Load(e) }); err != nil {
		return err
	}
	s := e.NewSession()
	defer s.Close()
	r, err := e.Exec(s, [][]byte{[]byte("DBSIZE")})
	if err != nil || r != int64(t.cfg.N) {
		return fmt.Errorf("LOAD of %s: DBSIZE is %v (%v), want %d", path, r, err, t.cfg.N)
	}
	return nil
}

// collections runs the INCR, LPUSH and HSET rows on an engine of their
// own: INCR on N new counters, LPUSH and HSET of N elements into one
// list and one hash.
func (t *table) collections() error {
	runtime.GC()
	e, stop := newEngine(nil)
	defer stop()
	s := e.NewSession()
	defer s.Close()
	incr := [][]byte{[]byte("INCR"), nil}
	if err := t.each("INCR", func(i int) error {
		incr[1] = t.keys[i]
		return check(e.Exec(s, incr))
	}); err != nil {
		return err
	}
	lpush := [][]byte{[]byte("LPUSH"), []byte("mylist"), nil}
	if err := t.each("LPUSH", func(i int) error {
		lpush[2] = t.vals[i]
		return check(e.Exec(s, lpush))
	}); err != nil {
		return err
	}
	hset := [][]byte{[]byte("HSET"), []byte("myhash"), nil, nil}
	return t.each("HSET", func(i int) error {
		hset[2], hset[3] = t.keys[i], t.vals[i]
		return check(e.Exec(s, hset))
	})
}

// check turns an engine reply and error into an error.
func check(_ engine.Reply, err error) error { return err }

// newEngine returns an engine with its background work running, as in
// shell and serve, and a func that stops it.
func newEngine(snap engine.Snapshotter) (*engine.Engine, func()) {
	e := engine.New(engine.Options{Snapshotter: snap, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	return e, func() { cancel(); <-done }
}

// each times op run for i = 0..N-1 as the row named name.
func (t *table) each(name string, op func(i int) error) error {
	var done atomic.Int64
	n := t.cfg.N
	return t.timed(name, n, &done, func() error {
		for i := range n {
			if err := op(i); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if i&4095 == 4095 {
				done.Store(int64(i + 1))
				if err := t.ctx.Err(); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// timed runs work once under a progress bar, times it, and prints the
// row. done counts what is done out of ops; nil draws a bar that only
// shows work goes on.
func (t *table) timed(name string, ops int, done *atomic.Int64, work func() error) error {
	total := int64(ops)
	if done == nil {
		done, total = new(atomic.Int64), 0
	}
	bar := startBar(t.cfg.Progress, rowLabel(name, ops), done, total)
	start := time.Now()
	err := work()
	elapsed := time.Since(start)
	bar.stop()
	if err != nil {
		return err
	}
	row := Row{Test: name, Ops: ops, Seconds: elapsed.Seconds(), OpsPerSec: float64(ops) / elapsed.Seconds()}
	if orig, ok := originalSeconds[name]; ok {
		scaled := orig * float64(ops) / originalN
		speedup := scaled / row.Seconds
		row.OriginalSeconds, row.SpeedUp = &scaled, &speedup
	}
	t.rows = append(t.rows, row)
	return t.printRow(row)
}

// rowLabel names a row as the original's table did: "SET 1M", "SAVE 1M
// keys".
func rowLabel(name string, n int) string {
	label := name + " " + count(n)
	if name == "SAVE" || name == "LOAD" {
		label += " keys"
	}
	return label
}

// count writes n as the original's table did: 1M, 100K; other numbers
// in full.
func count(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "K"
	}
	return strconv.Itoa(n)
}

// printHead prints what comes before the rows.
func (t *table) printHead() {
	switch t.cfg.Format {
	case Text:
		fmt.Fprintf(t.cfg.Out, "The original PhotonDB's table, in-process through engine.Exec, %s operations a row (%s, GOMAXPROCS %d)\n\n",
			count(t.cfg.N), runtime.Version(), runtime.GOMAXPROCS(0))
		if t.cfg.N != originalN {
			fmt.Fprintf(t.cfg.Out, "(the original's figures are for 1M; they are scaled linearly to %s)\n\n", count(t.cfg.N))
		}
		fmt.Fprintf(t.cfg.Out, "%-16s %10s %11s %9s %12s\n", "operation", "original", "photon", "speed-up", "ops/s")
	case CSV:
		fmt.Fprintln(t.cfg.Out, `"test","ops","seconds","ops_per_sec","original_seconds","speedup"`)
	}
}

// printRow prints a row as it completes; JSON waits for the end.
func (t *table) printRow(r Row) error {
	orig, speedup := "—", "—"
	csvOrig, csvSpeedup := "", ""
	if r.OriginalSeconds != nil {
		orig = seconds(*r.OriginalSeconds)
		speedup = fmt.Sprintf("%.1fx", *r.SpeedUp)
		csvOrig, csvSpeedup = fmt.Sprintf("%.3f", *r.OriginalSeconds), fmt.Sprintf("%.2f", *r.SpeedUp)
	}
	var err error
	switch t.cfg.Format {
	case Text:
		_, err = fmt.Fprintf(t.cfg.Out, "%-16s %10s %11s %9s %12.0f\n", rowLabel(r.Test, r.Ops), orig, seconds(r.Seconds), speedup, r.OpsPerSec)
	case Quiet:
		_, err = fmt.Fprintf(t.cfg.Out, "%s: %.3f s, %.2f per second, original %s, speed-up %s\n", rowLabel(r.Test, r.Ops), r.Seconds, r.OpsPerSec, orig, speedup)
	case CSV:
		_, err = fmt.Fprintf(t.cfg.Out, "\"%s\",\"%d\",\"%.3f\",\"%.2f\",\"%s\",\"%s\"\n", r.Test, r.Ops, r.Seconds, r.OpsPerSec, csvOrig, csvSpeedup)
	}
	return err
}

// seconds formats a time as the original's table did, "1.71 s", with
// three significant digits for times under a tenth of a second.
func seconds(s float64) string {
	if s < 0.1 {
		return fmt.Sprintf("%.3g s", s)
	}
	return fmt.Sprintf("%.2f s", s)
}

// printFoot prints what waits for the end: the JSON document.
func (t *table) printFoot() error {
	if t.cfg.Format != JSON {
		return nil
	}
	rows := t.rows
	if rows == nil {
		rows = []Row{}
	}
	enc := json.NewEncoder(t.cfg.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{
		"mode":       "embedded",
		"n":          t.cfg.N,
		"go":         runtime.Version(),
		"gomaxprocs": runtime.GOMAXPROCS(0),
		"started_at": t.started.UTC().Format(time.RFC3339),
		"results":    rows,
	})
}
