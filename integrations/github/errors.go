package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	gh "github.com/google/go-github/v62/github"

	"releasebot/integrations/deploy"
	"releasebot/internal/clock"
)

// defaultMaxRateWait is how long a rate limit is waited out before an
// action that starts nothing gives up.
const defaultMaxRateWait = 90 * time.Second

// rateMargin is waited beyond a rate limit's reset, which GitHub gives in
// whole seconds.
const rateMargin = 250 * time.Millisecond

// statusOf is the HTTP status of a GitHub API error; 0 when there was no
// answer (the network, a timeout).
func statusOf(err error) int {
	var er *gh.ErrorResponse
	var rl *gh.RateLimitError
	var arl *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &rl) && rl.Response != nil:
		return rl.Response.StatusCode
	case errors.As(err, &arl) && arl.Response != nil:
		return arl.Response.StatusCode
	case errors.As(err, &er) && er.Response != nil:
		return er.Response.StatusCode
	}
	return 0
}

// messageOf is GitHub's message in an error answer, or the error's text.
func messageOf(err error) string {
	var er *gh.ErrorResponse
	var rl *gh.RateLimitError
	var arl *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &rl):
		return rl.Message
	case errors.As(err, &arl):
		return arl.Message
	case errors.As(err, &er) && er.Message != "":
		return er.Message
	case errors.As(err, &er) && er.Response != nil:
		return http.StatusText(er.Response.StatusCode)
	}
	return deploy.Redact(err).Error()
}

// answer says what GitHub answered, for an error text: "422 Unexpected
// inputs provided: [\"region\"]", or the network error.
func answer(err error) string {
	if code := statusOf(err); code != 0 {
		return strconv.Itoa(code) + " " + messageOf(err)
	}
	return deploy.Redact(err).Error()
}

// rateLimitedUntil reports whether err is a rate limit answer (primary:
// 403 or 429 with X-RateLimit-Remaining 0; secondary: a Retry-After), and
// when the limit lifts.
func rateLimitedUntil(err error, now time.Time) (time.Time, bool) {
	var rl *gh.RateLimitError
	var arl *gh.AbuseRateLimitError
	var er *gh.ErrorResponse
	switch {
	case err == nil:
		return time.Time{}, false
	case errors.As(err, &rl):
		return rl.Rate.Reset.Time, true
	case errors.As(err, &arl):
		if arl.RetryAfter != nil {
			return now.Add(*arl.RetryAfter), true
		}
		return now.Add(time.Minute), true // GitHub's advice without a Retry-After
	case errors.As(err, &er) && er.Response != nil:
		code, h := er.Response.StatusCode, er.Response.Header
		if code != http.StatusTooManyRequests && code != http.StatusForbidden {
			return time.Time{}, false
		}
		if s, perr := strconv.Atoi(h.Get("Retry-After")); perr == nil && s >= 0 {
			return now.Add(time.Duration(s) * time.Second), true
		}
		if h.Get("X-RateLimit-Remaining") == "0" {
			if s, perr := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); perr == nil {
				return time.Unix(s, 0), true
			}
		}
		if code == http.StatusTooManyRequests {
			return now.Add(time.Minute), true
		}
	}
	return time.Time{}, false
}

// serverSide reports whether err says nothing about the request itself:
// no answer (the network) or a 5xx. Whether the request took effect is
// then unknown.
func serverSide(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errAppAuth) {
		return false
	}
	code := statusOf(err)
	return code == 0 || code >= 500
}

// rateLimitError: GitHub's rate limit lifts later than the bot waits.
type rateLimitError struct {
	until time.Time
	err   error
}

func (e *rateLimitError) Error() string {
	return fmt.Sprintf("GitHub's API rate limit for the bot is exhausted until %s (%s)", e.until.UTC().Format("2006-01-02 15:04:05 UTC"), messageOf(e.err))
}

func (e *rateLimitError) Unwrap() error { return e.err }

// rateRetry calls fn, waiting out a rate limit that lifts within max (at
// most three times); a later one is a *rateLimitError.
func rateRetry(ctx context.Context, log *slog.Logger, now func() time.Time, max time.Duration, what string, fn func() error) error {
	for tries := 0; ; tries++ {
		err := fn()
		until, limited := rateLimitedUntil(err, now())
		if !limited {
			return err
		}
		d := until.Sub(now())
		if d > max || tries >= 3 {
			return &rateLimitError{until: until, err: err}
		}
		log.WarnContext(ctx, "GitHub rate limit; waiting for its reset", "what", what, "reset", until.UTC().Format(time.RFC3339))
		if err := clock.Sleep(ctx, max0(d)+rateMargin); err != nil {
			return err
		}
	}
}

func max0(d time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	return d
}
