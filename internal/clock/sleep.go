package clock

import (
	"context"
	"time"
)

// Sleep is the one way releasebot's loops pause. It waits for d of real
// time (not a Manual clock's), or until ctx is done, whichever comes first. It
// returns nil when d passed and ctx's error when ctx ended the wait.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
