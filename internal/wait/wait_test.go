package wait_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/internal/wait"
)

func TestSleep(t *testing.T) {
	require.NoError(t, wait.Sleep(context.Background(), time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	require.ErrorIs(t, wait.Sleep(ctx, time.Hour), context.Canceled)
	require.Less(t, time.Since(start), time.Minute, "a done context ends the wait at once")
}
