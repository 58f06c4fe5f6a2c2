package clock_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/internal/clock"
)

func TestSleep(t *testing.T) {
	require.NoError(t, clock.Sleep(context.Background(), time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	require.ErrorIs(t, clock.Sleep(ctx, time.Hour), context.Canceled)
	require.Less(t, time.Since(start), time.Minute, "a done context ends the wait at once")
}
