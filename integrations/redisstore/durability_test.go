package redisstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/redistest"
	"releasebot/internal/store"
)

// TestMinReplicas: with ?min_replicas=1 a write is confirmed only when a
// replica acknowledged it; with the replica stopped, Create and Update
// refuse to confirm.
func TestMinReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primary := redistest.Start(t)
	replica := redistest.StartReplica(t, primary)
	rdb, err := redisstore.Connect(ctx, "redis://"+primary.Addr+"/0?min_replicas=1&min_replicas_timeout=300ms")
	require.NoError(t, err)
	defer rdb.Close()
	st := redisstore.New(rdb, "")

	c := inApproval(t, st)
	_, _, err = st.Update(ctx, c.ID, approve("bob"))
	require.NoError(t, err)
	got, err := redisstore.New(replica.Client(), "").Get(ctx, c.ID)
	require.NoError(t, err, "the replica has the confirmed CSR")
	require.Equal(t, int64(2), got.Version)

	replica.Stop()

	n, err := st.NextID(ctx)
	require.NoError(t, err)
	next := c
	next.ID, next.History = csr.FormatID("CSR", n), c.History[:1]
	_, err = st.Create(ctx, next)
	require.ErrorIs(t, err, store.ErrUnconfirmed)
	require.ErrorContains(t, err, "may not survive a failover")
	require.ErrorContains(t, err, "0 of 1 replica(s)")

	_, _, err = st.Update(ctx, c.ID, approve("carol"))
	require.ErrorIs(t, err, store.ErrUnconfirmed)
}
