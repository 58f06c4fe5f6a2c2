package redistest_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/internal/redistest"
)

func TestClientCleansUp(t *testing.T) {
	ctx := context.Background()
	var key string
	t.Run("uses keys", func(t *testing.T) {
		rdb, prefix := redistest.Client(t)
		key = "{" + prefix + "}:csr:CSR-1"
		require.NoError(t, rdb.Set(ctx, key, "x", 0).Err())
	})
	rdb, _ := redistest.Client(t)
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
