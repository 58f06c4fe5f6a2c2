package redistest_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/internal/redistest"
	"releasebot/internal/testenv"
)

func TestClientCleansUp(t *testing.T) {
	ctx := context.Background()
	var key string
	t.Run("uses keys", func(t *testing.T) {
		rdb, prefix := testenv.Redis(t)
		key = "{" + prefix + "}:csr:CSR-1"
		require.NoError(t, rdb.Set(ctx, key, "x", 0).Err())
	})
	rdb, _ := testenv.Redis(t)
	n, err := rdb.Exists(ctx, key).Result()
	require.NoError(t, err)
	require.Zero(t, n, "keys of a finished test are deleted")
}

func TestStartServerStop(t *testing.T) {
	addr, stop := redistest.StartServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()
	ctx := context.Background()
	require.NoError(t, rdb.Ping(ctx).Err())
	stop()
	require.Error(t, rdb.Ping(ctx).Err())
	stop() // idempotent, and the cleanup calls it again
}

func TestRestartIsEmpty(t *testing.T) {
	s := redistest.Start(t)
	rdb := s.Client()
	ctx := context.Background()
	require.NoError(t, rdb.Set(ctx, "k", "v", 0).Err())
	s.Restart()
	n, err := rdb.Exists(ctx, "k").Result()
	require.NoError(t, err)
	require.Zero(t, n, "a restarted server keeps nothing")
}

func TestReplicaFollows(t *testing.T) {
	p := redistest.Start(t)
	r := redistest.StartReplica(t, p)
	ctx := context.Background()
	require.NoError(t, p.Client().Set(ctx, "k", "v", 0).Err())
	n, err := p.Client().Wait(ctx, 1, 2*time.Second).Result()
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	v, err := r.Client().Get(ctx, "k").Result()
	require.NoError(t, err)
	require.Equal(t, "v", v)
}

func TestClusterOfThree(t *testing.T) {
	nodes := redistest.StartCluster(t)
	require.Len(t, nodes, 3)
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].Addr}})
	defer rdb.Close()
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		require.NoError(t, rdb.Set(ctx, k, k, 0).Err())
	}
	var masters atomic.Int32 // ForEachMaster calls in parallel
	require.NoError(t, rdb.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { masters.Add(1); return nil }))
	require.Equal(t, int32(3), masters.Load())
}
