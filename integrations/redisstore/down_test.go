package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/redisstore"
	"releasebot/internal/redistest"
	"releasebot/internal/store"
)

func TestRedisDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	addr, stop := redistest.StartServer(t)
	rdb, err := redisstore.Connect(ctx, "redis://"+addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rdb.Close() })
	st := redisstore.New(rdb, "")
	c := inApproval(t, st)
	stop()

	for _, tc := range []struct {
		name string
		do   func() error
	}{
		{"get", func() error { _, err := st.Get(ctx, c.ID); return err }},
		{"update", func() error { _, _, err := st.Update(ctx, c.ID, approve("bob")); return err }},
		{"create", func() error {
			c := c
			c.ID = "CSR-99"
			_, err := st.Create(ctx, c)
			return err
		}},
		{"claim", func() error { _, err := st.Claim(ctx, "evt", time.Minute); return err }},
		{"list", func() error { _, err := st.List(ctx, store.Filter{}); return err }},
		{"audit", func() error { _, err := st.Audit(ctx, c.ID, 0); return err }},
		{"next id", func() error { _, err := st.NextID(ctx); return err }},
		{"freezes", func() error { _, err := st.Freezes(ctx, "payments", t0); return err }},
		{"ping", func() error { return st.Ping(ctx) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			began := time.Now()
			err := tc.do()
			t.Log(err)
			require.ErrorIs(t, err, store.ErrUnavailable)
			require.Contains(t, err.Error(), addr, "the message says where Redis was expected")
			require.Less(t, time.Since(began), 5*time.Second, "reported promptly")
		})
	}

	_, err = redisstore.Connect(ctx, "redis://"+addr)
	require.ErrorIs(t, err, store.ErrUnavailable)
}
