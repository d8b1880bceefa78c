package bench

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Ensure that every bucket's range is contiguous with the next and holds
// exactly the values bucketOf maps to it, and that buckets are narrow:
// no wider than 1/subCount of their smallest value.
func TestHistogram_Buckets(t *testing.T) {
	var prevHi uint64
	for i := range numBuckets {
		lo, hi := bucketRange(i)
		if i > 0 && lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, want %d (right after bucket %d)", i, lo, prevHi+1, i-1)
		}
		for _, v := range []uint64{lo, hi, lo + (hi-lo)/2} {
			if got := bucketOf(v); got != i {
				t.Fatalf("bucketOf(%d) = %d, want %d (range %d-%d)", v, got, i, lo, hi)
			}
		}
		if width := hi - lo + 1; lo >= 2*subCount && width*subCount > lo {
			t.Fatalf("bucket %d (%d-%d) is %d wide, more than 1/%d of %d", i, lo, hi, width, subCount, lo)
		}
		prevHi = hi
	}
	if prevHi != maxTracked {
		t.Errorf("last bucket ends at %d, want %d", prevHi, uint64(maxTracked))
	}
	if got := bucketOf(math.MaxUint64); got != numBuckets-1 {
		t.Errorf("bucketOf(max uint64) = %d, want the last bucket %d", got, numBuckets-1)
	}
}

// Ensure that percentiles, min, max and mean agree with a sorted list of
// the same values to within a bucket's width, on random data shaped as
// latencies are: uniform, exponential, log-normal with a long tail, a few
// distinct values, and spikes far above the rest.
func TestHistogram_MatchesSortedReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name string
		n    int
		gen  func() int64
	}{
		{"uniform 0-2ms", 100000, func() int64 { return rng.Int64N(2_000_000) }},
		{"exponential mean 300us", 200000, func() int64 { return int64(rng.ExpFloat64() * 300_000) }},
		{"lognormal tail", 200000, func() int64 { return int64(math.Exp(rng.NormFloat64()*1.5 + 12)) }},
		{"few distinct", 50000, func() int64 { return []int64{17_000, 350_000, 351_000, 9_999_999}[rng.IntN(4)] }},
		{"small exact values", 10000, func() int64 { return rng.Int64N(600) }},
		{"spikes", 100000, func() int64 {
			if rng.IntN(1000) == 0 {
				return 2_000_000_000 + rng.Int64N(1_000_000_000)
			}
			return 200_000 + rng.Int64N(100_000)
		}},
		{"one value", 1, func() int64 { return 123_456 }},
	}
	quantiles := []float64{0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var h Histogram
			ref := make([]int64, tc.n)
			var sum int64
			for i := range ref {
				ref[i] = tc.gen()
				sum += ref[i]
				h.Record(time.Duration(ref[i]))
			}
			slices.Sort(ref)
			if h.Count() != uint64(tc.n) {
				t.Fatalf("Count = %d, want %d", h.Count(), tc.n)
			}
			if got, want := int64(h.Min()), ref[0]; got != want {
				t.Errorf("Min = %d, want %d", got, want)
			}
			if got, want := int64(h.Max()), ref[len(ref)-1]; got != want {
				t.Errorf("Max = %d, want %d", got, want)
			}
			if got, want := int64(h.Mean()), sum/int64(tc.n); got != want {
				t.Errorf("Mean = %d, want %d", got, want)
			}
			for _, q := range quantiles {
				rank := max(int(math.Ceil(q/100*float64(tc.n))), 1)
				want := ref[rank-1]
				got := int64(h.Percentile(q))
				// The reported value is the top of the bucket that holds
				// want: never below it, above by less than a bucket.
				if got < want || float64(got-want) > float64(want)/subCount {
					t.Errorf("p%v = %d, want %d (sorted rank %d) to within %.2f%% above", q, got, want, rank, 100.0/subCount)
				}
			}
		})
	}
}

// Ensure that merging per-client histograms gives what one histogram of
// every value gives.
func TestHistogram_Merge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var all Histogram
	parts := make([]Histogram, 7)
	for i := range 70000 {
		d := time.Duration(rng.Int64N(5_000_000))
		all.Record(d)
		parts[i%len(parts)].RecordN(d, 1)
	}
	var merged Histogram
	merged.Merge(&Histogram{}) // empty: changes nothing
	for i := range parts {
		merged.Merge(&parts[i])
	}
	if merged.Count() != all.Count() || merged.Min() != all.Min() || merged.Max() != all.Max() || merged.Mean() != all.Mean() {
		t.Fatalf("merged count/min/max/mean %d/%v/%v/%v, want %d/%v/%v/%v",
			merged.Count(), merged.Min(), merged.Max(), merged.Mean(), all.Count(), all.Min(), all.Max(), all.Mean())
	}
	for _, q := range []float64{50, 95, 99, 99.9} {
		if got, want := merged.Percentile(q), all.Percentile(q); got != want {
			t.Errorf("p%v = %v, want %v", q, got, want)
		}
	}
}

// Ensure that the edge cases answer sensibly: empty, zero, negative,
// RecordN of zero values, Reset.
func TestHistogram_Edges(t *testing.T) {
	var h Histogram
	if h.Percentile(50) != 0 || h.Mean() != 0 || h.Min() != 0 || h.Max() != 0 {
		t.Errorf("empty histogram: p50 %v mean %v min %v max %v, want zeros", h.Percentile(50), h.Mean(), h.Min(), h.Max())
	}
	h.RecordN(time.Second, 0)
	if h.Count() != 0 {
		t.Errorf("RecordN(_, 0) recorded %d values", h.Count())
	}
	h.Record(-time.Second)
	h.Record(0)
	if h.Count() != 2 || h.Max() != 0 || h.Percentile(100) != 0 {
		t.Errorf("negative and zero: count %d max %v p100 %v, want 2, 0, 0", h.Count(), h.Max(), h.Percentile(100))
	}
	h.Record(time.Hour) // beyond the tracked range: Max stays exact
	if h.Max() != time.Hour || h.Percentile(100) != time.Hour {
		t.Errorf("an hour: max %v p100 %v, want 1h both", h.Max(), h.Percentile(100))
	}
	h.Reset()
	if h.Count() != 0 || h.Percentile(99) != 0 {
		t.Errorf("after Reset: count %d p99 %v", h.Count(), h.Percentile(99))
	}
}

// Ensure that recording allocates nothing once the buckets exist.
func TestHistogram_RecordAllocs(t *testing.T) {
	var h Histogram
	h.Record(1)
	if n := testing.AllocsPerRun(1000, func() { h.Record(123456) }); n != 0 {
		t.Errorf("Record allocates %v times", n)
	}
}
