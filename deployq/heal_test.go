package deployq_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/deploy"
)

// TestWorkerHealsALostStream: the deploy stream (and with it the consumer
// group) disappears under a running worker, as after Redis restarted
// empty; the worker makes the group again and the next run is performed
// within seconds, without restarting the bot.
func TestWorkerHealsALostStream(t *testing.T) {
	f := newFixture(t)
	r := f.runner(t, oneDeployer{deploy.Fake{Succeed: true}}, "worker")
	work(t, r)
	c1, run1 := f.testing(t, 1)
	_, err := r.Enqueue(context.Background(), c1, billing(), run1)
	require.NoError(t, err)
	r.Wait()
	require.Equal(t, csr.Tested, f.get(t, c1.ID).State)

	rdb := conn(t)
	keys, err := rdb.Keys(context.Background(), "*"+f.prefix+"*:deploys").Result()
	require.NoError(t, err)
	require.Len(t, keys, 1, "the stream of this installation")
	require.NoError(t, rdb.Del(context.Background(), keys[0]).Err())
	require.Eventually(t, func() bool { return r.Ready() != nil }, 5*time.Second, 5*time.Millisecond,
		"readiness says the worker cannot read its queue")

	c2, run2 := f.testing(t, 2)
	_, err = r.Enqueue(context.Background(), c2, billing(), run2)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return f.get(t, c2.ID).State == csr.Tested }, 5*time.Second, 10*time.Millisecond,
		"the next run is performed without a restart")
	require.Eventually(t, func() bool { return r.Ready() == nil }, 5*time.Second, 5*time.Millisecond)
}
