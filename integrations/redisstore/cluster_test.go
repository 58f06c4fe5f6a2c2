package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/redistest"
	"releasebot/internal/store"
)

// TestOneNodeURLOfACluster: a redis:// URL naming any one node of a
// 3-primary cluster gets a cluster client, and the whole store works
// through it (every key shares one hash tag, so the scripts run), also
// from the nodes that do not hold the installation's slot.
func TestOneNodeURLOfACluster(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	nodes := redistest.StartCluster(t)
	var last csr.ID
	for _, n := range nodes {
		rdb, err := redisstore.Connect(ctx, "redis://"+n.Addr+"/0")
		require.NoError(t, err, n.Addr)
		t.Cleanup(func() { _ = rdb.Close() })
		require.Equal(t, redisstore.Cluster, rdb.URL.Kind)
		require.True(t, rdb.URL.Detected)
		_, isCluster := rdb.UniversalClient.(*redis.ClusterClient)
		require.True(t, isCluster)

		st := redisstore.New(rdb, "", redisstore.WithServices(lookup))
		in, err := st.CheckIntegrity(ctx)
		require.NoError(t, err)
		require.True(t, in.OK, in.Problems)
		c := inApproval(t, st)
		require.Greater(t, c.ID.Seq(), last.Seq())
		last = c.ID
		got, err := st.Get(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, c.ID, got.ID)
		_, _, err = st.Update(ctx, c.ID, approve("bob"))
		require.NoError(t, err)
		page, err := st.ListPage(ctx, store.Filter{Waiting: "carol", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, c.ID, page.CSRs[0].ID, "after bob's approval the SM step waits on carol")
		page, err = st.ListPage(ctx, store.Filter{Service: svc.Name, States: []csr.State{csr.InApproval}, Limit: 10})
		require.NoError(t, err)
		require.Equal(t, len(page.CSRs), page.Total)
		require.NoError(t, st.SetFreeze(ctx, csr.Freeze{Service: "payments", From: t0, Until: t0.Add(time.Hour), Reason: "x"}))
	}

	// A declared cluster URL with the other nodes works the same.
	rdb, err := redisstore.Connect(ctx, "redis+cluster://"+nodes[0].Addr+"?addr="+nodes[1].Addr)
	require.NoError(t, err)
	defer rdb.Close()
	require.False(t, rdb.URL.Detected)
	page, err := redisstore.New(rdb, "").ListPage(ctx, store.Filter{Limit: 10})
	require.NoError(t, err)
	require.Equal(t, 3, page.Total)

	// A database other than 0 cannot be on a cluster.
	_, err = redisstore.Connect(ctx, "redis://"+nodes[0].Addr+"/3")
	require.ErrorContains(t, err, "only database 0")
}

func lookup(name string) (csr.Service, bool) { return svc, name == svc.Name }
