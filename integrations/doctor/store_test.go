package doctor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/redisstore"
	"releasebot/internal/redistest"
	"releasebot/msg"
)

func storeTexts(checks []Check) (ids []msg.ID, failed int, text string) {
	for _, c := range checks {
		ids = append(ids, c.Text.ID)
		if !c.OK && !c.Skip {
			failed++
		}
		text += msg.English.Render(c.Text) + "\n"
	}
	return ids, failed, text
}

func TestCheckStore(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	url := "redis://:@" + srv.Addr + "/0"

	ids, failed, text := storeTexts(CheckStore(ctx, url, ""))
	require.Zero(t, failed, text)
	require.Contains(t, ids, msg.StoreDoctorNoPersistence, "the test server keeps nothing on disk")
	require.Contains(t, ids, msg.StoreDoctorNew)

	// The bot saw CSRs, then Redis lost its counter: doctor, another
	// process, finds the loss the marker recorded and the counter behind.
	rdb, err := redisstore.Connect(ctx, url)
	require.NoError(t, err)
	defer rdb.Close()
	st := redisstore.New(rdb, "")
	_, err = st.NextID(ctx)
	require.NoError(t, err)
	require.NoError(t, rdb.Del(ctx, "{releasebot}:seq").Err())
	ids, failed, text = storeTexts(CheckStore(ctx, url, ""))
	require.Equal(t, 1, failed, text)
	require.Contains(t, ids, msg.StoreDoctorLost)
	require.Contains(t, text, "counter is at 0")

	require.NoError(t, srv.Client().ConfigSet(ctx, "appendonly", "yes").Err())
	ids, _, _ = storeTexts(CheckStore(ctx, url, ""))
	require.Contains(t, ids, msg.StoreDoctorPersistent)

	// min_replicas with no replica connected fails.
	_, failed, text = storeTexts(CheckStore(ctx, url+"?min_replicas=1", "other"))
	require.Equal(t, 1, failed, text)
	require.Contains(t, text, "0 replicas connected")
}

func TestCheckStoreClusterNode(t *testing.T) {
	nodes := redistest.StartCluster(t)
	ids, failed, text := storeTexts(CheckStore(context.Background(), "redis://"+nodes[1].Addr, ""))
	require.Zero(t, failed, text)
	require.Contains(t, ids, msg.StoreDoctorClusterNode)
	require.Contains(t, text, "redis+cluster://"+nodes[1].Addr)
}
