package redisstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/redisstore"
)

// TestSlackRefs: the Slack adapter's message refs are kept per CSR, under
// the installation's hash tag; a claim is won once.
func TestSlackRefs(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			rdb, prefix := b.open(t)
			st := redisstore.New(rdb, prefix)
			ctx := context.Background()
			refs, err := st.SlackRefs(ctx, "CSR-1")
			require.NoError(t, err)
			require.Empty(t, refs)

			won, err := st.ClaimSlackRef(ctx, "CSR-1", "card", "pending 1")
			require.NoError(t, err)
			require.True(t, won)
			won, err = st.ClaimSlackRef(ctx, "CSR-1", "card", "pending 2")
			require.NoError(t, err)
			require.False(t, won, "one replica posts the card")

			require.NoError(t, st.SetSlackRef(ctx, "CSR-1", "card", "C1 1700000000.000001"))
			require.NoError(t, st.SetSlackRef(ctx, "CSR-1", "dm:U0BOB00002:lead", "D1 1700000000.000002"))
			refs, err = st.SlackRefs(ctx, "CSR-1")
			require.NoError(t, err)
			require.Equal(t, map[string]string{"card": "C1 1700000000.000001", "dm:U0BOB00002:lead": "D1 1700000000.000002"}, refs)

			require.NoError(t, st.DeleteSlackRef(ctx, "CSR-1", "card"))
			refs, err = st.SlackRefs(ctx, "CSR-1")
			require.NoError(t, err)
			require.NotContains(t, refs, "card")

			tag := "{releasebot}"
			if prefix != "" {
				tag = "{" + prefix + "}"
			}
			n, err := rdb.Exists(ctx, tag+":slack:CSR-1").Result()
			require.NoError(t, err)
			require.Equal(t, int64(1), n, "keys share the installation's hash tag")
		})
	}
}
