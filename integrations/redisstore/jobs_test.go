package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/redisstore"
	"releasebot/internal/store"
	"releasebot/internal/testenv"
)

func job(run string) store.Job {
	return store.Job{Run: run, CSR: store.CSROf(run), Service: "billing-api", Env: "prod", SHA: "5b17166", Purpose: "deploy"}
}

// TestLineAndLock: runs take the lock in line order; the lock is fenced
// (renew and release only with the holder's token), and a finished run
// leaves the line.
func TestLineAndLock(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	s := redisstore.New(rdb, prefix)
	ctx := context.Background()
	require.NoError(t, s.EnsureGroup(ctx))
	for i, run := range []string{"CSR-1/deploy/1", "CSR-2/deploy/1", "CSR-3/deploy/1"} {
		e, err := s.Enqueue(ctx, job(run))
		require.NoError(t, err)
		require.True(t, e.New)
		require.Equal(t, i+1, e.Position)
	}
	again, err := s.Enqueue(ctx, job("CSR-2/deploy/1"))
	require.NoError(t, err)
	require.False(t, again.New, "a run is queued once")
	require.Equal(t, 2, again.Position)
	require.Equal(t, "CSR-1/deploy/1", again.Ahead)

	a, err := s.AcquireTurn(ctx, "billing-api", "prod", "CSR-2/deploy/1", time.Minute)
	tok, pos := a.Token, a.Position
	require.NoError(t, err)
	require.Zero(t, tok, "not its turn")
	require.Equal(t, 2, pos)
	a, err = s.AcquireTurn(ctx, "billing-api", "prod", "CSR-1/deploy/1", time.Minute)
	tok1, pos := a.Token, a.Position
	require.NoError(t, err)
	require.False(t, a.StartedBefore, "the first turn of a job")
	require.Nil(t, a.CSR, "no CSR-1 is stored in this test")
	require.Positive(t, tok1)
	require.Equal(t, 1, pos)
	a, err = s.AcquireTurn(ctx, "billing-api", "prod", "CSR-1/deploy/1", time.Minute)
	require.NoError(t, err)
	require.Zero(t, a.Token, "a second worker on the same run waits for the lock to expire")

	ok, err := s.RenewTurn(ctx, "billing-api", "prod", "CSR-1/deploy/1", tok1+1, time.Minute)
	require.NoError(t, err)
	require.False(t, ok, "a stale token renews nothing")
	require.NoError(t, s.ReleaseTurn(ctx, "billing-api", "prod", "CSR-1/deploy/1", tok1+1))
	ok, err = s.RenewTurn(ctx, "billing-api", "prod", "CSR-1/deploy/1", tok1, time.Minute)
	require.NoError(t, err)
	require.True(t, ok, "a wrong release left the lock alone")

	ds, err := s.ReadJobs(ctx, "w1", 10, 100*time.Millisecond)
	require.NoError(t, err)
	require.Len(t, ds, 3)
	require.Equal(t, job("CSR-1/deploy/1"), ds[0].Job)
	require.NoError(t, s.FinishJob(ctx, ds[0], tok1), "finishing also gives the turn up")
	done, err := s.JobDone(ctx, "CSR-1/deploy/1")
	require.NoError(t, err)
	require.True(t, done)

	a, err = s.AcquireTurn(ctx, "billing-api", "prod", "CSR-2/deploy/1", time.Minute)
	tok2 := a.Token
	require.NoError(t, err)
	require.Greater(t, tok2, tok1, "fencing tokens only grow")

	touch, err := s.TouchJob(ctx, "w2", ds[1].MsgID, "CSR-2/deploy/1")
	require.NoError(t, err)
	require.False(t, touch.Owned, "w2 does not own w1's job")
	require.NoError(t, s.CancelJob(ctx, "CSR-2/deploy/1"))
	touch, err = s.TouchJob(ctx, "w1", ds[1].MsgID, "CSR-2/deploy/1")
	require.NoError(t, err)
	require.Equal(t, store.Touch{Owned: true, Cancelled: true}, touch)

	reclaimed, err := s.ReclaimJobs(ctx, "w2", 0, 10)
	require.NoError(t, err)
	require.Len(t, reclaimed, 2, "the unfinished jobs of w1")
	first, err := s.MarkAnnounced(ctx, "CSR-1/deploy/1")
	require.NoError(t, err)
	require.False(t, first, "a finished job's result was announced before it finished")
	first, err = s.MarkAnnounced(ctx, "CSR-2/deploy/1")
	require.NoError(t, err)
	require.True(t, first)
	first, err = s.MarkAnnounced(ctx, "CSR-2/deploy/1")
	require.NoError(t, err)
	require.False(t, first)
}
