package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/integrations/console"
	"releasebot/internal/testenv"
)

type discardNotices struct{}

func (discardNotices) Notify(context.Context, chat.Notice) error { return nil }

func deferredApp(t *testing.T) (*app.App, redis.UniversalClient, string) {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Example(t)
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix, Defer: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Getenv: func(string) string { return "" },
		Notifier: func(console.Renderer) bot.Notifier { return discardNotices{} }})
	require.NoError(t, err)
	return a, rdb, prefix
}

// anyKeys reports whether the app keeps keys under prefix. It does not
// fail the test: require.Never calls it from its own goroutines, which may
// still run when the test has ended.
func anyKeys(rdb redis.UniversalClient, prefix string) bool {
	keys, err := rdb.Keys(context.Background(), "{"+prefix+"}:*").Result()
	return err == nil && len(keys) > 0
}

// keysOf lists the keys the app keeps under prefix.
func keysOf(t *testing.T, rdb redis.UniversalClient, prefix string) []string {
	keys, err := rdb.Keys(context.Background(), "{"+prefix+"}:*").Result()
	require.NoError(t, err)
	return keys
}

// TestDeferredStart: with Options.Defer, New takes no lease, creates no
// deploy consumer and sends nothing until Start; Start begins both the
// deploy worker and the scheduler, once.
func TestDeferredStart(t *testing.T) {
	a, rdb, prefix := deferredApp(t)
	defer a.Close()
	require.Never(t, func() bool { return anyKeys(rdb, prefix) }, 300*time.Millisecond, 10*time.Millisecond,
		"background work ran before Start")

	a.Start(context.Background())
	a.Start(context.Background()) // again: nothing more
	lease, stream := "{"+prefix+"}:lease:scheduler", "{"+prefix+"}:deploys"
	require.Eventually(t, func() bool {
		n, err := rdb.Exists(context.Background(), lease, stream).Result()
		return err == nil && n == 2
	}, 10*time.Second, 10*time.Millisecond, "Start runs the scheduler (its lease) and the deploy worker (its stream): %v", keysOf(t, rdb, prefix))
}

// TestCloseBeforeStart: an app closed before it started (serve refusing a
// bad Slack token) never starts its background work.
func TestCloseBeforeStart(t *testing.T) {
	a, rdb, prefix := deferredApp(t)
	a.Close()
	a.Start(context.Background())
	require.Never(t, func() bool { return anyKeys(rdb, prefix) }, 200*time.Millisecond, 10*time.Millisecond)
}
