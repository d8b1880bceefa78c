package bench

import (
	"math"
	"math/bits"
	"time"
)

// subBits sets the histogram's resolution: every power of two is split
// into 2^subBits equal buckets, so a recorded value is known to within
// 1/256 of itself (0.4%), whatever its size.
const subBits = 8

// subCount is the number of buckets per power of two.
const subCount = 1 << subBits

// maxTracked is the largest value the buckets tell apart (about 18
// minutes in nanoseconds); larger values share the last bucket, though
// Max still reports them exactly.
const maxTracked = 1<<40 - 1

// Histogram counts durations in log-linear buckets, as HdrHistogram does:
// values below 2*subCount nanoseconds each have a bucket of their own;
// above that, each power of two [2^k, 2^(k+1)) is cut into subCount
// buckets of equal width. Recording is an index computation and an
// increment, with no allocation and no sorting, so a client can record
// every reply; percentiles are read by walking the buckets once.
//
// The zero value is ready to use. A Histogram is not safe for concurrent
// use: each client records into its own and the results are merged.
type Histogram struct {
	counts []uint64 // per bucket; allocated on the first Record
	total  uint64   // values recorded
	sum    uint64   // of every value, in nanoseconds, for the exact mean
	min    uint64
	max    uint64
}

// bucketOf returns the index of the bucket that holds v.
func bucketOf(v uint64) int {
	if v > maxTracked {
		v = maxTracked
	}
	h := bits.Len64(v)
	if h <= subBits+1 {
		return int(v)
	}
	shift := h - subBits - 1
	return (shift+1)<<subBits + int(v>>shift) - subCount
}

// bucketRange returns the smallest and the largest value bucket i holds.
func bucketRange(i int) (lo, hi uint64) {
	if i < 2*subCount {
		return uint64(i), uint64(i)
	}
	shift := i>>subBits - 1
	lo = uint64(i&(subCount-1)+subCount) << shift
	return lo, lo + 1<<shift - 1
}

// numBuckets is how many buckets it takes to reach maxTracked.
var numBuckets = bucketOf(maxTracked) + 1

// Record adds one duration. Negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	h.RecordN(d, 1)
}

// RecordN adds n values of the same duration, as a pipeline's replies
// that arrived together.
func (h *Histogram) RecordN(d time.Duration, n uint64) {
	if n == 0 {
		return
	}
	if h.counts == nil {
		h.counts = make([]uint64, numBuckets)
	}
	v := uint64(max(d, 0))
	h.counts[bucketOf(v)] += n
	if h.total == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.total += n
	h.sum += v * n
}

// Merge adds every value recorded in o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.total == 0 {
		return
	}
	if h.counts == nil {
		h.counts = make([]uint64, numBuckets)
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.total == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.total += o.total
	h.sum += o.sum
}

// Count returns the number of values recorded.
func (h *Histogram) Count() uint64 { return h.total }

// Min returns the smallest value recorded, exactly; 0 when empty.
func (h *Histogram) Min() time.Duration { return time.Duration(h.min) }

// Max returns the largest value recorded, exactly; 0 when empty.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean returns the exact mean of the values recorded; 0 when empty.
func (h *Histogram) Mean() time.Duration {
	if h.total == 0 {
		return 0
	}
	return time.Duration(h.sum / h.total)
}

// Percentile returns the value below or at which q percent of the
// recorded values lie (q in [0, 100]): the value of rank ceil(q/100 *
// count) in sorted order, as a sorted list of every value would give it,
// to within the bucket that holds it. Like HdrHistogram it reports the
// largest value of that bucket, so it never understates a latency by
// more than the bucket's width (0.4%), and it never reports beyond the
// exact Max nor below the exact Min. It returns 0 when empty.
func (h *Histogram) Percentile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q / 100 * float64(h.total)))
	rank = min(max(rank, 1), h.total)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			_, hi := bucketRange(i)
			if i == numBuckets-1 { // holds everything beyond maxTracked
				hi = h.max
			}
			return time.Duration(min(max(hi, h.min), h.max))
		}
	}
	return time.Duration(h.max)
}

// Reset forgets every value, keeping the buckets' memory.
func (h *Histogram) Reset() {
	clear(h.counts)
	h.total, h.sum, h.min, h.max = 0, 0, 0, 0
}
