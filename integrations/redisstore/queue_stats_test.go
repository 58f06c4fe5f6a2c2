package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/redisstore"
	"releasebot/internal/testenv"
)

// TestQueueStats: the queue's depth counts jobs queued and running, and
// drops when one finishes; the oldest is the first queued.
func TestQueueStats(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	s := redisstore.New(rdb, prefix)
	ctx := context.Background()
	depth, oldest, err := s.QueueStats(ctx)
	require.NoError(t, err)
	require.Zero(t, depth, "no stream yet")
	require.True(t, oldest.IsZero())

	require.NoError(t, s.EnsureGroup(ctx))
	before := time.Now().Add(-time.Minute) // Redis's clock, not ours: a generous bound
	for _, run := range []string{"CSR-1/deploy/1", "CSR-2/deploy/1"} {
		_, err := s.Enqueue(ctx, job(run))
		require.NoError(t, err)
	}
	depth, oldest, err = s.QueueStats(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(2), depth)
	require.True(t, oldest.After(before), oldest)

	ds, err := s.ReadJobs(ctx, "w1", 10, time.Second)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	depth, _, err = s.QueueStats(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(2), depth, "running jobs are unfinished")
	require.NoError(t, s.FinishJob(ctx, ds[0], 0))
	depth, _, err = s.QueueStats(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1), depth)
}
