package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/redisstore"
	"releasebot/internal/testenv"
)

// TestLeaseOneHolderAtATime: of two contenders one holds the lease; it
// renews it; the other gets it only when it is released or expires.
func TestLeaseOneHolderAtATime(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t)
	st := redisstore.New(rdb, prefix)
	a, b := st.Lease("scheduler", 300*time.Millisecond), st.Lease("scheduler", 300*time.Millisecond)

	held, err := a.Hold(ctx)
	require.NoError(t, err)
	require.True(t, held)
	held, err = b.Hold(ctx)
	require.NoError(t, err)
	require.False(t, held)
	holder, err := b.Holder(ctx)
	require.NoError(t, err)
	require.Equal(t, a.Token(), holder)

	// Renewal keeps it past its first lease time.
	pttl := func() time.Duration { return rdb.PTTL(ctx, "{"+prefix+"}:lease:scheduler").Val() }
	require.NoError(t, b.Release(ctx)) // not b's: no effect
	held, err = a.Hold(ctx)
	require.NoError(t, err)
	require.True(t, held)
	require.Greater(t, pttl(), 200*time.Millisecond)

	require.NoError(t, a.Release(ctx))
	held, err = b.Hold(ctx)
	require.NoError(t, err)
	require.True(t, held, "released: the other takes it at once")

	// b dies without releasing: a gets it once it expires.
	require.Eventually(t, func() bool {
		held, err := a.Hold(ctx)
		require.NoError(t, err)
		return held
	}, 3*time.Second, 20*time.Millisecond)
	held, err = b.Hold(ctx)
	require.NoError(t, err)
	require.False(t, held, "b lost it while silent")
}

// TestLeaseMarksAreFenced: a mark moves only from where it was read and
// only for the holder of the lease.
func TestLeaseMarksAreFenced(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t)
	st := redisstore.New(rdb, prefix)
	a, b := st.Lease("scheduler", time.Minute), st.Lease("scheduler", time.Minute)
	t1 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	t2 := t1.Add(10 * time.Minute)

	_, ok, err := a.Mark(ctx, "reminder:x")
	require.NoError(t, err)
	require.False(t, ok, "no mark yet")

	_, err = a.Advance(ctx, "reminder:x", time.Time{}, t1)
	require.ErrorIs(t, err, redisstore.ErrNotHolder, "nobody holds the lease yet")

	held, err := a.Hold(ctx)
	require.NoError(t, err)
	require.True(t, held)
	moved, err := a.Advance(ctx, "reminder:x", time.Time{}, t1)
	require.NoError(t, err)
	require.True(t, moved)
	at, ok, err := b.Mark(ctx, "reminder:x")
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, at.Equal(t1))

	moved, err = a.Advance(ctx, "reminder:x", time.Time{}, t2)
	require.NoError(t, err)
	require.False(t, moved, "the mark is no longer where the caller read it")

	_, err = b.Advance(ctx, "reminder:x", t1, t2)
	require.ErrorIs(t, err, redisstore.ErrNotHolder, "b does not hold the lease")

	moved, err = a.Advance(ctx, "reminder:x", at, t2)
	require.NoError(t, err)
	require.True(t, moved)
	at, _, err = a.Mark(ctx, "reminder:x")
	require.NoError(t, err)
	require.True(t, at.Equal(t2))
}
