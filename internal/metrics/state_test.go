package metrics_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/internal/metrics"
)

func TestCommandKind(t *testing.T) {
	for _, tc := range []struct{ name, kind string }{
		{"HGET", "read"}, {"zintercard", "read"}, {"hset", "write"}, {"evalsha", "script"},
		{"xadd", "stream"}, {"XAUTOCLAIM", "stream"}, {"ping", "other"}, {"", "other"},
	} {
		require.Equal(t, tc.kind, metrics.CommandKind(tc.name), tc.name)
	}
}

// TestReleasesCached: the release figures are computed at the first
// scrape and not again within the period, however often Prometheus scrapes.
func TestReleasesCached(t *testing.T) {
	m := metrics.New()
	calls := 0
	require.NoError(t, m.WatchReleases(func(context.Context) ([]metrics.Release, error) {
		calls++
		return []metrics.Release{{Service: "api", DeploysPerWeek: float64(calls)}}, nil
	}, time.Hour))
	for range 3 {
		fams, err := m.Registry.Gather()
		require.NoError(t, err)
		for _, f := range fams {
			if f.GetName() == "releasebot_release_deploys_per_week" {
				require.Equal(t, 1.0, f.GetMetric()[0].GetGauge().GetValue())
			}
		}
	}
	require.Equal(t, 1, calls)
}
