package redisstore_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/redistest"
	"releasebot/internal/store"
	"releasebot/internal/testenv"
)

// syncBuffer is a log destination safe for the store's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func storeOn(t *testing.T, url string) (*redisstore.Store, *syncBuffer) {
	t.Helper()
	rdb, err := redisstore.Connect(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rdb.Close() })
	var logs syncBuffer
	return redisstore.New(rdb, "", redisstore.WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))), &logs
}

// TestEmptyRestartIsDetectedAndNoIDIsReused: Redis restarts empty under a
// running store. The integrity check says data was lost, CSR-1 is reported
// as lost rather than as never existing, and the next CSR is CSR-4, not a
// second CSR-1.
func TestEmptyRestartIsDetectedAndNoIDIsReused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := redistest.Start(t)
	st, logs := storeOn(t, "redis://"+srv.Addr)

	in, err := st.CheckIntegrity(ctx)
	require.NoError(t, err)
	require.True(t, in.OK, "a new store is intact: %v", in.Problems)
	for range 3 {
		create(t, st, "payments", "alice", "bob")
	}
	in, err = st.CheckIntegrity(ctx)
	require.NoError(t, err)
	require.True(t, in.OK, in.Problems)
	require.Equal(t, int64(3), in.HighWater)
	require.False(t, in.Created.IsZero())

	srv.Restart()

	in, err = st.CheckIntegrity(ctx)
	require.NoError(t, err)
	require.False(t, in.OK)
	require.ErrorIs(t, in.Err(), store.ErrDataLost)
	require.Contains(t, in.Err().Error(), "marker is gone")
	require.Contains(t, logs.String(), "level=ERROR")
	require.Contains(t, logs.String(), "STORE DATA LOSS")

	_, err = st.Get(ctx, "CSR-1")
	require.ErrorIs(t, err, store.ErrDataLost, "a CSR handed out before is lost, not unknown")
	require.ErrorIs(t, err, store.ErrNotFound, "and still not found for callers that only know that")
	_, err = st.Get(ctx, "CSR-9")
	require.NotErrorIs(t, err, store.ErrDataLost, "a number never handed out is just not found")

	c := create(t, st, "payments", "alice", "bob")
	require.Equal(t, csr.ID("CSR-4"), c.ID, "no id is handed out twice")

	in, err = st.CheckIntegrity(ctx)
	require.NoError(t, err)
	require.False(t, in.OK, "the loss stays reported")

	// Another process (doctor) sees the loss recorded in the marker.
	other, _ := storeOn(t, "redis://"+srv.Addr)
	in, err = other.CheckIntegrity(ctx)
	require.NoError(t, err)
	require.False(t, in.OK)
	require.Contains(t, in.Err().Error(), "lost_at")
}

// TestLostWritesAreDetected: the store remembers fewer ids than this
// process handed out (a failover to a replica that missed CSR-3): the
// check says so, and the next id is above every id seen.
func TestLostWritesAreDetected(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			rdb, prefix := b.open(t)
			st := redisstore.New(rdb, prefix, redisstore.WithLogger(slog.New(slog.DiscardHandler)))
			for range 3 {
				create(t, st, "payments", "alice", "bob")
			}
			tag := "{" + prefix + "}"
			if prefix == "" {
				tag = "{releasebot}"
			}
			// What the promoted replica had: CSR-1 and CSR-2 only.
			require.NoError(t, rdb.Set(ctx, tag+":seq", 2, 0).Err())
			require.NoError(t, rdb.HSet(ctx, tag+":marker", "high", 2).Err())
			require.NoError(t, rdb.Del(ctx, tag+":csr:CSR-3").Err())

			in, err := st.CheckIntegrity(ctx)
			require.NoError(t, err)
			require.False(t, in.OK)
			require.Contains(t, in.Err().Error(), "up to 3")
			n, err := st.NextID(ctx)
			require.NoError(t, err)
			require.Equal(t, int64(4), n)
		})
	}
}

// TestCounterBehindMarker: a counter below the marker's high-water mark
// is reported, and NextID continues above the mark.
func TestCounterBehindMarker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t)
	create(t, redisstore.New(rdb, prefix), "payments", "alice", "bob")
	create(t, redisstore.New(rdb, prefix), "payments", "alice", "bob")
	tag := "{" + prefix + "}"
	require.NoError(t, rdb.Del(ctx, tag+":seq").Err())

	fresh := redisstore.New(rdb, prefix, redisstore.WithLogger(slog.New(slog.DiscardHandler)))
	in, err := fresh.CheckIntegrity(ctx)
	require.NoError(t, err)
	require.False(t, in.OK)
	require.Contains(t, in.Err().Error(), "counter is at 0")
	n, err := fresh.NextID(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(3), n)
}

// TestMarkerForOlderInstallations: a store with CSRs but no marker (made
// before it existed) is not a loss; the check makes the marker.
func TestMarkerForOlderInstallations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t)
	create(t, redisstore.New(rdb, prefix), "payments", "alice", "bob")
	tag := "{" + prefix + "}"
	require.NoError(t, rdb.Del(ctx, tag+":marker").Err())

	st := redisstore.New(rdb, prefix)
	in, err := st.CheckIntegrity(ctx)
	require.NoError(t, err)
	require.True(t, in.OK, in.Problems)
	require.Equal(t, int64(1), in.HighWater)
	require.False(t, in.Created.IsZero())
}
