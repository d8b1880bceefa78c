package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Format is how results are printed.
type Format int

// The formats: redis-benchmark's report, its -q and --csv lines, and a
// JSON document for comparing runs.
const (
	Text  Format = iota // a block per test: requests, time, throughput, latency percentiles
	Quiet               // -q: one line per test, "SET: 70422.54 requests per second, p50=0.687 msec"
	CSV                 // --csv: redis-benchmark's columns, one row per test
	JSON                // --json: one document with every result, printed at the end
)

// Result is one test of a network run.
type Result struct {
	Test       string  `json:"test"` // as redis-benchmark titles it
	Requests   int     `json:"requests"`
	Clients    int     `json:"clients"`
	Pipeline   int     `json:"pipeline"`
	DataSize   int     `json:"data_size"`
	Seconds    float64 `json:"seconds"`
	OpsPerSec  float64 `json:"ops_per_sec"`
	Errors     int     `json:"errors"`                // error replies, counted as requests done
	FirstError string  `json:"first_error,omitempty"` // the text of the first of them
	Latency    Latency `json:"latency_ms"`
}

// Latency summarizes a test's latencies, in milliseconds.
type Latency struct {
	Avg  float64 `json:"avg"`
	Min  float64 `json:"min"`
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99.9"`
	Max  float64 `json:"max"`
}

// setTiming fills the throughput and latency fields from the test's
// duration and histogram.
func (r *Result) setTiming(elapsed time.Duration, h *Histogram) {
	r.Seconds = elapsed.Seconds()
	if r.Seconds > 0 {
		r.OpsPerSec = float64(r.Requests) / r.Seconds
	}
	r.Latency = Latency{
		Avg: ms(h.Mean()), Min: ms(h.Min()), Max: ms(h.Max()),
		P50: ms(h.Percentile(50)), P95: ms(h.Percentile(95)),
		P99: ms(h.Percentile(99)), P999: ms(h.Percentile(99.9)),
	}
}

// ms converts a duration to milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// reporter prints results in one format: as each arrives, or, for JSON,
// all together when the run finishes.
type reporter struct {
	w       io.Writer
	format  Format
	header  map[string]any // the run's settings, for JSON
	results []any          // kept for JSON
	started bool           // the CSV header is out
}

func newReporter(w io.Writer, f Format, header map[string]any) *reporter {
	return &reporter{w: w, format: f, header: header}
}

// result prints one network result.
func (rp *reporter) result(r Result) error {
	var err error
	switch rp.format {
	case JSON:
		rp.results = append(rp.results, r)
	case Quiet:
		_, err = fmt.Fprintf(rp.w, "%s: %.2f requests per second, p50=%.3f msec\n", r.Test, r.OpsPerSec, r.Latency.P50)
	case CSV:
		if !rp.started {
			rp.started = true
			if _, err = io.WriteString(rp.w, `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"`+"\n"); err != nil {
				return err
			}
		}
		l := r.Latency
		_, err = fmt.Fprintf(rp.w, "%s,\"%.2f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\"\n",
			csvQuote(r.Test), r.OpsPerSec, l.Avg, l.Min, l.P50, l.P95, l.P99, l.Max)
	default:
		err = writeText(rp.w, r)
	}
	if err == nil && r.Errors > 0 && rp.format != JSON && rp.format != CSV {
		_, err = fmt.Fprintf(rp.w, "  %d of the replies were errors; the first: %s\n", r.Errors, r.FirstError)
	}
	return err
}

// writeText prints a result as redis-benchmark's summary does, with p99.9
// added.
func writeText(w io.Writer, r Result) error {
	l := r.Latency
	_, err := fmt.Fprintf(w, "====== %s ======\n"+
		"  %d requests completed in %.2f seconds\n"+
		"  %d parallel clients\n"+
		"  %d bytes payload\n"+
		"  keep alive: 1\n"+
		"  pipeline: %d\n"+
		"\n"+
		"Summary:\n"+
		"  throughput summary: %.2f requests per second\n"+
		"  latency summary (msec):\n"+
		"    %9s %9s %9s %9s %9s %9s %9s\n"+
		"    %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n\n",
		r.Test, r.Requests, r.Seconds, r.Clients, r.DataSize, r.Pipeline, r.OpsPerSec,
		"avg", "min", "p50", "p95", "p99", "p99.9", "max",
		l.Avg, l.Min, l.P50, l.P95, l.P99, l.P999, l.Max)
	return err
}

// csvQuote quotes a field for CSV, doubling quotes inside it.
func csvQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// finish prints what waits for the end: the JSON document.
func (rp *reporter) finish() error {
	if rp.format != JSON {
		return nil
	}
	doc := map[string]any{}
	for k, v := range rp.header {
		doc[k] = v
	}
	if rp.results == nil {
		rp.results = []any{}
	}
	doc["results"] = rp.results
	enc := json.NewEncoder(rp.w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
