package metrics_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/internal/metrics"
	"releasebot/internal/testenv"
)

// TestRedisHook: each round trip is one observation of its kind; a
// pipeline is one, however many commands it carries; a missing key is ok.
func TestRedisHook(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	m := metrics.New()
	rdb.AddHook(m.RedisHook())
	ctx := context.Background()
	key := prefix + ":hook"
	before := samples(t, m)
	require.NoError(t, rdb.HSet(ctx, key, "a", "1").Err())
	require.NoError(t, rdb.HGet(ctx, key, "a").Err())
	require.Error(t, rdb.Get(ctx, key+":absent").Err())
	require.NoError(t, rdb.Eval(ctx, "return 1", nil).Err())
	require.NoError(t, rdb.XAdd(ctx, &redis.XAddArgs{Stream: key + ":stream", Values: map[string]any{"a": "1"}}).Err())
	pipe := rdb.Pipeline()
	pipe.HGet(ctx, key, "a")
	pipe.HGet(ctx, key, "b")
	_, _ = pipe.Exec(ctx)

	got := samples(t, m)
	for k, n := range before {
		if got[k] -= n; got[k] == 0 {
			delete(got, k)
		}
	}
	// A connection the pool opens meanwhile says HELLO and CLIENT SETINFO
	// (kind other): real round trips, but not the test's.
	delete(got, "kind=other result=ok ")
	require.Equal(t, map[string]uint64{
		"kind=write result=ok ":    1,
		"kind=read result=ok ":     2,
		"kind=script result=ok ":   1,
		"kind=stream result=ok ":   1,
		"kind=pipeline result=ok ": 1,
	}, got)
}

// samples are the store histogram's counts by labels.
func samples(t *testing.T, m *metrics.Metrics) map[string]uint64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	require.NoError(t, err)
	got := map[string]uint64{}
	for _, f := range fams {
		if f.GetName() != "releasebot_store_request_duration_seconds" {
			continue
		}
		for _, s := range f.GetMetric() {
			labels := ""
			for _, l := range s.GetLabel() {
				labels += l.GetName() + "=" + l.GetValue() + " "
			}
			got[labels] = s.GetHistogram().GetSampleCount()
		}
	}
	return got
}
