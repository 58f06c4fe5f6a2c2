package slack

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

// TestRateLimitPausesTheMethod: while one call waits out a 429, another
// call of the same method waits with it (Slack would refuse it too), and a
// call of another method does not.
func TestRateLimitPausesTheMethod(t *testing.T) {
	release := make(chan struct{})
	waiting := make(chan struct{})
	w := &webAPI{log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		wait: func(ctx context.Context, d time.Duration) error {
			close(waiting)
			<-release
			return nil
		}}
	var limited atomic.Bool
	first := make(chan error, 1)
	go func() {
		first <- w.call(context.Background(), "chat.postMessage", false, func(context.Context) error {
			if limited.CompareAndSwap(false, true) {
				return &slackapi.RateLimitedError{RetryAfter: time.Second}
			}
			return nil
		})
	}()
	<-waiting

	require.NoError(t, w.call(context.Background(), "chat.update", true, func(context.Context) error { return nil }),
		"another method is not held")
	second := make(chan error, 1)
	var ran atomic.Bool
	go func() {
		second <- w.call(context.Background(), "chat.postMessage", false, func(context.Context) error { ran.Store(true); return nil })
	}()
	select {
	case <-second:
		t.Fatal("a post went out while chat.postMessage was rate limited")
	case <-time.After(50 * time.Millisecond):
	}
	require.False(t, ran.Load())
	close(release)
	require.NoError(t, <-first)
	require.NoError(t, <-second)
	require.True(t, ran.Load())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w.paused = map[string]chan struct{}{"chat.postMessage": make(chan struct{})}
	require.ErrorIs(t, w.call(ctx, "chat.postMessage", false, func(context.Context) error { return nil }), context.Canceled)
}
