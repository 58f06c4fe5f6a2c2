package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/internal/testenv"
)

// TestSmoke runs the benchmark's core for about a second at a low load
// (5 senders, 50 requests a second), so that `go test ./...` keeps it
// compiling and working. It checks what was sent and answered, never how
// fast: timings belong to `go run ./bench/ack` on a quiet machine.
func TestSmoke(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	o := options{duration: 500 * time.Millisecond, openDuration: 500 * time.Millisecond, concurrency: 5, rate: 50,
		openWorkers: 5, openFloor: true, workers: 4, csrs: 4, redis: rdb, prefix: prefix}
	rep, err := run(context.Background(), o, t.Output())
	require.NoError(t, err)

	for _, st := range []*stats{rep.closedBot, rep.closedFloor, rep.openBot, rep.openFloor} {
		require.NotNil(t, st)
		require.Positive(t, st.requests(), "%s against the %s sent nothing", st.load, st.target)
		require.Zero(t, st.n(failed), "%s against the %s: %v", st.load, st.target, st.firstErr)
		require.Zero(t, st.n(non2xx), "%s against the %s: %v", st.load, st.target, st.firstErr)
	}
	require.Equal(t, int64(25), rep.openBot.requests(), "50/s for half a second")

	var out bytes.Buffer
	rep.write(&out)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Regexp(t, `^open50 p99_ms=[0-9.]+ achieved_rps=[0-9]+ `, lines[len(lines)-3])
	require.Regexp(t, `^ack p50_ms=[0-9.]+ p99_ms=[0-9.]+ rps=[0-9]+ floor_p99_ms=[0-9.]+ ratio=[0-9.]+$`, lines[len(lines)-1])
}

// TestHistQuantiles: the histogram's quantiles are within its 0.8 % of
// the exact ones, and its max is exact.
func TestHistQuantiles(t *testing.T) {
	var h hist
	rng := rand.New(rand.NewPCG(1, 2))
	var all []time.Duration
	for range 100_000 {
		d := time.Duration(rng.ExpFloat64() * float64(2*time.Millisecond))
		all = append(all, d)
		h.record(d)
	}
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := all[int(q*float64(len(all)))-1]
		require.InEpsilon(t, float64(exact), float64(h.quantile(q)), 0.008, "q=%v", q)
	}
	require.Equal(t, all[len(all)-1], h.maxValue())
	for v := uint64(0); v < 1<<20; v += 7 {
		i := bucket(v)
		require.LessOrEqual(t, v, upper(i))
		if i > 0 {
			require.Greater(t, v, upper(i-1))
		}
	}
}

func TestFlags(t *testing.T) {
	var stderr bytes.Buffer
	require.Equal(t, 2, cli([]string{"-concurrency", "0"}, &stderr, &stderr))
	require.Equal(t, 2, cli([]string{"-no-such-flag"}, &stderr, &stderr))
}
