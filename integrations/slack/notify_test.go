package slack

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/chat"
)

type recordingNotifier struct {
	mu  sync.Mutex
	got []chat.Notice
}

func (r *recordingNotifier) Notify(_ context.Context, n chat.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, n)
	return nil
}

// TestLateNotifierNeverDrops: a notice that arrives before the notifier is
// set is a wiring bug, logged as an error, and waits for Set instead of
// being dropped; only a context that ends first loses it, and says so.
func TestLateNotifierNeverDrops(t *testing.T) {
	logs := &logBuffer{}
	late := &LateNotifier{Log: slog.New(slog.NewTextHandler(logs, nil))}
	done := make(chan error, 1)
	go func() {
		done <- late.Notify(context.Background(), chat.Notice{Channel: "#release-managers"})
	}()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "level=ERROR") }, 5*time.Second, time.Millisecond)
	require.Contains(t, logs.String(), "before the Slack notifier was set")
	select {
	case err := <-done:
		t.Fatalf("Notify returned before Set: %v", err)
	default:
	}
	rec := &recordingNotifier{}
	late.Set(rec)
	require.NoError(t, <-done)
	require.Len(t, rec.got, 1, "the early notice was delivered once the notifier was set")
	require.NoError(t, late.Notify(context.Background(), chat.Notice{Channel: "#x"}))
	require.Len(t, rec.got, 2)
	require.Panics(t, func() { late.Set(rec) }, "a second Set is a wiring bug")

	never := &LateNotifier{Log: slog.New(slog.NewTextHandler(logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := never.Notify(ctx, chat.Notice{Channel: "#x"})
	require.ErrorIs(t, err, context.Canceled)
	require.Contains(t, err.Error(), "never set")
}
