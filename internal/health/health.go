// Package health tracks a background loop's failures: it logs each
// distinct failure (the same one again at most once a minute, so a loop
// failing every second does not flood the log, and a new kind of failure
// is never hidden behind the first), says when the loop recovered, and
// answers readiness checks with the failure that stands.
package health

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Repeat is how often the same failure is logged again while it lasts.
const Repeat = time.Minute

// Status is one loop's health. The zero value is healthy.
type Status struct {
	mu     sync.Mutex
	last   error
	logged string
	at     time.Time
}

// Failed records that what failed with err, and logs it at warning level
// unless the same error was logged less than Repeat ago.
func (h *Status) Failed(ctx context.Context, log *slog.Logger, what string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = fmt.Errorf("%s: %w", what, err)
	text := what + ": " + err.Error()
	if text == h.logged && time.Since(h.at) < Repeat {
		return
	}
	h.logged, h.at = text, time.Now()
	log.WarnContext(ctx, what, "err", err)
}

// OK records that the loop works; after a failure it logs what at info
// level, once.
func (h *Status) OK(ctx context.Context, log *slog.Logger, what string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.last == nil {
		return
	}
	h.last, h.logged = nil, ""
	log.InfoContext(ctx, what)
}

// Err is the failure that stands, or nil.
func (h *Status) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}
