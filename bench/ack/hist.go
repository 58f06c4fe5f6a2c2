package main

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// subBits sets the histogram's precision: 2^subBits sub-buckets per power
// of two, so a recorded latency is off by less than 1/128 (0.8 %).
const subBits = 7

// nBuckets covers every int64 nanosecond value.
const nBuckets = (64 - subBits + 1) << subBits

// hist is a log-linear latency histogram in the manner of HDR Histogram:
// a fixed array of counters, whatever the number of samples, and quantiles
// within 0.8 %. It is safe for concurrent use; every sender records into
// the same one without a lock.
type hist struct {
	counts [nBuckets]atomic.Uint64
	n      atomic.Uint64
	max    atomic.Int64
}

// bucket is the index of the bucket of v (nanoseconds, ≥ 0).
func bucket(v uint64) int {
	if v < 1<<subBits {
		return int(v)
	}
	exp := bits.Len64(v) - subBits - 1 // v>>exp is in [2^subBits, 2^(subBits+1))
	return (exp+1)<<subBits + int(v>>exp) - 1<<subBits
}

// upper is the highest value that falls in bucket i.
func upper(i int) uint64 {
	if i < 2<<subBits {
		return uint64(i)
	}
	exp := i>>subBits - 1
	mant := uint64(i&(1<<subBits-1)) + 1<<subBits
	return (mant+1)<<exp - 1
}

func (h *hist) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucket(uint64(d))].Add(1)
	h.n.Add(1)
	for {
		m := h.max.Load()
		if int64(d) <= m || h.max.CompareAndSwap(m, int64(d)) {
			return
		}
	}
}

func (h *hist) count() uint64 { return h.n.Load() }

// quantile returns the latency below which a fraction q of the samples
// fall: the upper edge of the bucket holding the sample of that rank (never
// more than the largest sample), or 0 without samples.
func (h *hist) quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(n)))
	rank = max(rank, 1)
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			return min(time.Duration(upper(i)), h.maxValue())
		}
	}
	return h.maxValue()
}

func (h *hist) maxValue() time.Duration { return time.Duration(h.max.Load()) }
