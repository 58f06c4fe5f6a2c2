package health_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/internal/health"
)

func TestEachDistinctFailureIsLoggedAndRecoveryOnce(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	ctx := context.Background()
	var h health.Status
	require.NoError(t, h.Err())
	h.OK(ctx, log, "works again")
	require.Empty(t, buf.String(), "nothing to recover from")

	for range 100 {
		h.Failed(ctx, log, "reading jobs failed", errors.New("connection refused"))
	}
	h.Failed(ctx, log, "reading jobs failed", errors.New("NOGROUP no such key"))
	h.Failed(ctx, log, "reading jobs failed", errors.New("NOGROUP no such key"))
	require.ErrorContains(t, h.Err(), "reading jobs failed: NOGROUP")
	require.Equal(t, 1, strings.Count(buf.String(), "connection refused"), "the same failure once")
	require.Equal(t, 1, strings.Count(buf.String(), "NOGROUP"), "a new failure is logged too")

	h.OK(ctx, log, "works again")
	h.OK(ctx, log, "works again")
	require.NoError(t, h.Err())
	require.Equal(t, 1, strings.Count(buf.String(), "works again"))
	h.Failed(ctx, log, "reading jobs failed", errors.New("connection refused"))
	require.Equal(t, 2, strings.Count(buf.String(), "connection refused"), "after a recovery the failure is news again")
}
