package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/photondb/photon/bench"
	"github.com/photondb/photon/engine"
	"github.com/photondb/photon/persist"
)

// rdbFile is a persist.File as the embedded table wants it, as main
// wires it.
type rdbFile struct{ *persist.File }

func (f rdbFile) Load(e *engine.Engine) error {
	_, err := f.File.Load(e)
	return err
}

func openRDB(path string) (bench.SnapshotFile, error) {
	f, err := persist.Open(path)
	if err != nil {
		return nil, err
	}
	return rdbFile{f}, nil
}

// Ensure that the embedded table runs every row with a small -n, scales
// the original's figures to it, writes its snapshot where told, and
// prints a JSON document of the rows.
func TestRunEmbedded_JSON(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	rows, err := bench.RunEmbedded(context.Background(), bench.EmbeddedConfig{
		N: 3000, Dir: dir, Open: openRDB, Format: bench.JSON, Out: &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"SET", "GET", "INCR", "LPUSH", "HSET", "SAVE", "LOAD"}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	original := map[string]float64{"SET": 1.71, "GET": 1.00, "SAVE": 15.22}
	for i, r := range rows {
		if r.Test != want[i] || r.Ops != 3000 || r.Seconds <= 0 || r.OpsPerSec <= 0 {
			t.Errorf("row %d: %+v, want %s of 3000 in a positive time", i, r, want[i])
		}
		o, has := original[r.Test]
		if has != (r.OriginalSeconds != nil) {
			t.Errorf("%s: original %v, want one only for SET, GET and SAVE", r.Test, r.OriginalSeconds)
			continue
		}
		if has {
			if scaled := o * 3000 / 1e6; math.Abs(*r.OriginalSeconds-scaled) > 1e-12 || math.Abs(*r.SpeedUp-scaled/r.Seconds) > 1e-9 {
				t.Errorf("%s: original %v speed-up %v, want %v and %v", r.Test, *r.OriginalSeconds, *r.SpeedUp, scaled, scaled/r.Seconds)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "photon-bench.rdb")); err != nil {
		t.Errorf("SAVE left no file in --dir: %v", err)
	}
	var doc struct {
		Mode    string
		N       int
		Results []bench.Row
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Mode != "embedded" || doc.N != 3000 || len(doc.Results) != len(want) {
		t.Errorf("JSON document (%v): %s", err, out.String())
	}
	if !strings.Contains(out.String(), `"original_seconds": null`) {
		t.Errorf("rows without an original figure should say null:\n%s", out.String())
	}
}

// Ensure that the text table prints the original's figures beside ours,
// that the CSV and quiet forms print a line a row, and that without a
// snapshot file the SAVE and LOAD rows are left out.
func TestRunEmbedded_Formats(t *testing.T) {
	var out bytes.Buffer
	if _, err := bench.RunEmbedded(context.Background(), bench.EmbeddedConfig{N: 1000, Open: openRDB, Format: bench.Text, Out: &out}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"1K operations a row", "scaled linearly to 1K", "operation", "original", "speed-up",
		"SET 1K", "GET 1K", "INCR 1K", "LPUSH 1K", "HSET 1K", "SAVE 1K keys", "LOAD 1K keys", "0.00171 s", "0.0152 s"} {
		if !strings.Contains(text, want) {
			t.Errorf("text table lacks %q:\n%s", want, text)
		}
	}

	out.Reset()
	rows, err := bench.RunEmbedded(context.Background(), bench.EmbeddedConfig{N: 500, Format: bench.CSV, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(rows) != 5 || len(lines) != 6 || lines[0] != `"test","ops","seconds","ops_per_sec","original_seconds","speedup"` ||
		!strings.HasPrefix(lines[1], `"SET","500","`) || !strings.HasSuffix(lines[3], `"",""`) {
		t.Errorf("CSV without a file: %d rows\n%s", len(rows), out.String())
	}

	out.Reset()
	if _, err := bench.RunEmbedded(context.Background(), bench.EmbeddedConfig{N: 500, Format: bench.Quiet, Out: &out}); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 5 || !strings.HasPrefix(lines[0], "SET 500: ") {
		t.Errorf("quiet output:\n%s", out.String())
	}
}

// Ensure that bad settings and a file that cannot be opened are refused
// by name, and that a cancelled run stops.
func TestRunEmbedded_Errors(t *testing.T) {
	if _, err := bench.RunEmbedded(context.Background(), bench.EmbeddedConfig{N: 0}); err == nil || !strings.Contains(err.Error(), "-n 0") {
		t.Errorf("N 0: %v", err)
	}
	dir := t.TempDir()
	held, err := persist.Open(filepath.Join(dir, "photon-bench.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	_, err = bench.RunEmbedded(context.Background(), bench.EmbeddedConfig{N: 10, Dir: dir, Open: openRDB})
	if err == nil || !strings.Contains(err.Error(), "photon-bench.rdb") {
		t.Errorf("a locked file: %v, want an error naming it", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := bench.RunEmbedded(ctx, bench.EmbeddedConfig{N: 100000}); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("cancelled: %v", err)
	}
}
