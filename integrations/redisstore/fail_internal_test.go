package redisstore

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/internal/store"
)

type replyErr string

func (e replyErr) Error() string { return string(e) }
func (replyErr) RedisError()     {}

// TestFailoverErrorsSayTryAgain: replies of a server that cannot serve for
// a moment are a failover, not "is it running".
func TestFailoverErrorsSayTryAgain(t *testing.T) {
	for _, reply := range []string{
		"TRYAGAIN Multiple keys request during rehashing of slot",
		"LOADING Redis is loading the dataset in memory",
		"READONLY You can't write against a read only replica.",
		"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
		"CLUSTERDOWN The cluster is down",
		"NOREPLICAS Not enough good replicas to write.",
	} {
		err := failAt("create CSR-4", "127.0.0.1:6379", replyErr(reply))
		require.ErrorIs(t, err, store.ErrFailingOver, reply)
		require.ErrorIs(t, err, store.ErrUnavailable, reply)
		require.Contains(t, err.Error(), "try again in a moment", reply)
		require.NotContains(t, err.Error(), "is it running", reply)
	}
	err := failAt("get CSR-1", "127.0.0.1:7000", replyErr("MOVED 1234 127.0.0.1:7001"))
	require.ErrorIs(t, err, store.ErrUnavailable)
	require.Contains(t, err.Error(), "redis+cluster://")
	err = failAt("get CSR-1", "h", errors.New("redis: all sentinels specified in configuration are unreachable"))
	require.ErrorIs(t, err, store.ErrFailingOver)
	err = failAt("get CSR-1", "h", replyErr("WRONGTYPE Operation against a key holding the wrong kind of value"))
	require.NotErrorIs(t, err, store.ErrUnavailable)
}
