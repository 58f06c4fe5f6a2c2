package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
)

// webAPI makes the outgoing calls to Slack. Every call waits out a 429
// for as long as Retry-After says and tries again, until its context
// ends: a notice or a card update is delayed, never dropped. Idempotent
// calls (updates, views) are also retried a few times on 5xx and network
// errors; posts are not, since a post whose answer was lost may have
// been made. While one call of a method waits out a 429, the other calls
// of that method wait with it: Slack limits a method for the whole
// workspace, so they would only be refused too.
type webAPI struct {
	c    *slackapi.Client
	http *http.Client
	wait func(ctx context.Context, d time.Duration) error
	log  *slog.Logger
	// origins are the scheme://host a response_url may point at.
	origins []string

	mu     sync.Mutex
	paused map[string]chan struct{} // a rate-limited method: closed when its wait is over
}

const maxTransientRetries = 3

// methodScopes are the Web API methods the bot calls and the bot-token
// scopes each needs; eventScopes the events it subscribes to and theirs.
// deploy/slack/manifest.yaml declares exactly these (a test compares them), so
// the app asks a workspace for no more than it uses.
var (
	methodScopes = map[string][]string{
		"auth.test":             nil,
		"chat.postMessage":      {"chat:write", "chat:write.public"}, // public: a service channel the bot was not invited to; DMs go to the user id
		"chat.update":           {"chat:write"},
		"chat.postEphemeral":    {"chat:write"},
		"views.open":            nil, // by trigger id: interactivity, no scope
		"views.publish":         nil, // the App Home
		"usergroups.users.list": {"usergroups:read"},
		"users.info":            {"users:read"}, // a person's Slack language, with include_locale
		"apps.connections.open": nil,            // app-level token, connections:write
	}
	eventScopes = map[string]string{
		"app_mention":     "app_mentions:read",
		"message.im":      "im:history",
		"app_home_opened": "",
	}
	// featureScopes are needed by the manifest's features: the slash
	// command and the global shortcut.
	featureScopes = []string{"commands"}
)

// call runs fn until it succeeds, fails for good, or ctx ends.
func (w *webAPI) call(ctx context.Context, method string, idempotent bool, fn func(ctx context.Context) error) error {
	transient := 0
	for {
		if werr := w.awaitPause(ctx, method); werr != nil {
			return fmt.Errorf("slack %s: rate limited and %w", method, werr)
		}
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if d, limited := retryAfter(err); limited {
			w.log.InfoContext(ctx, "slack rate limit: waiting", "method", method, "retry_after", d)
			resume := w.pause(method)
			werr := w.wait(ctx, d)
			resume()
			if werr != nil {
				return fmt.Errorf("slack %s: rate limited and %w", method, werr)
			}
			continue
		}
		if idempotent && transient < maxTransientRetries && isTransient(err) {
			transient++
			if werr := w.wait(ctx, time.Duration(transient)*500*time.Millisecond); werr != nil {
				return fmt.Errorf("slack %s: %w", method, err)
			}
			continue
		}
		return fmt.Errorf("slack %s: %w%s", method, err, slackDetail(err))
	}
}

// pause holds the other calls of method until the returned resume is
// called; a method already paused stays held by the call that paused it.
func (w *webAPI) pause(method string) (resume func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, held := w.paused[method]; held {
		return func() {}
	}
	if w.paused == nil {
		w.paused = map[string]chan struct{}{}
	}
	ch := make(chan struct{})
	w.paused[method] = ch
	return func() {
		w.mu.Lock()
		delete(w.paused, method)
		w.mu.Unlock()
		close(ch)
	}
}

// awaitPause returns when method is not paused, or with ctx's error.
func (w *webAPI) awaitPause(ctx context.Context, method string) error {
	w.mu.Lock()
	ch := w.paused[method]
	w.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// slackDetail is what Slack said about a refused call beyond its error
// code: which field was wrong (response_metadata.messages, as json
// pointers) or which scope was missing. Without it an operator sees
// "invalid_blocks" and has to guess.
func slackDetail(err error) string {
	var parts []string
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) {
		parts = append(parts, se.ResponseMetadata.Messages...)
		parts = append(parts, se.ResponseMetadata.Warnings...)
		if se.Needed != "" {
			parts = append(parts, "needed scope "+se.Needed+", the token has "+se.Provided)
		}
	}
	var rs *responseStatus
	if errors.As(err, &rs) && rs.detail != "" {
		parts = append(parts, rs.detail)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// retryAfter reports whether err is a rate limit and how long to wait.
func retryAfter(err error) (time.Duration, bool) {
	var rl *slackapi.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, time.Second), true
	}
	var sc slackapi.StatusCodeError
	if errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests {
		return time.Second, true // a 429 without Retry-After
	}
	var rs *responseStatus
	if errors.As(err, &rs) && rs.code == http.StatusTooManyRequests {
		return max(rs.retryAfter, time.Second), true
	}
	return 0, false
}

func isTransient(err error) bool {
	var sc slackapi.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500
	}
	var rs *responseStatus
	if errors.As(err, &rs) {
		return rs.code >= 500
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// post sends a new message and returns its channel id and timestamp.
func (w *webAPI) post(ctx context.Context, channel string, opts ...slackapi.MsgOption) (string, string, error) {
	var ch, ts string
	err := w.call(ctx, "chat.postMessage", false, func(ctx context.Context) error {
		var err error
		ch, ts, err = w.c.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ch, ts, err
}

func (w *webAPI) update(ctx context.Context, channel, ts string, opts ...slackapi.MsgOption) error {
	return w.call(ctx, "chat.update", true, func(ctx context.Context) error {
		_, _, _, err := w.c.UpdateMessageContext(ctx, channel, ts, opts...)
		return err
	})
}

func (w *webAPI) ephemeral(ctx context.Context, channel, user string, opts ...slackapi.MsgOption) error {
	return w.call(ctx, "chat.postEphemeral", false, func(ctx context.Context) error {
		_, err := w.c.PostEphemeralContext(ctx, channel, user, opts...)
		return err
	})
}

func (w *webAPI) openView(ctx context.Context, trigger string, v slackapi.ModalViewRequest) error {
	// A trigger id is good for 3 seconds: waiting out a long rate limit
	// would only end in expired_trigger_id.
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return w.call(ctx, "views.open", true, func(ctx context.Context) error {
		_, err := w.c.OpenViewContext(ctx, trigger, v)
		return err
	})
}

func (w *webAPI) publishHome(ctx context.Context, user string, v slackapi.HomeTabViewRequest) error {
	return w.call(ctx, "views.publish", true, func(ctx context.Context) error {
		_, err := w.c.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: user, View: v})
		return err
	})
}

func (w *webAPI) groupMembers(ctx context.Context, group string) ([]string, error) {
	var ids []string
	err := w.call(ctx, "usergroups.users.list", true, func(ctx context.Context) error {
		var err error
		ids, err = w.c.GetUserGroupMembersContext(ctx, group)
		return err
	})
	return ids, err
}

// responseMessage is what a response_url accepts.
type responseMessage struct {
	ResponseType    string           `json:"response_type,omitempty"`
	Text            string           `json:"text"`
	Blocks          []slackapi.Block `json:"blocks,omitempty"`
	ReplaceOriginal bool             `json:"replace_original"`
	ThreadTS        string           `json:"thread_ts,omitempty"`

	// encoded is the message's JSON (with json.Encoder's newline) when it
	// is one of the acknowledgements encoded once (see encoded).
	encoded []byte
}

// responseStatus is a non-2xx answer of a response_url.
type responseStatus struct {
	code       int
	retryAfter time.Duration
	detail     string // Slack's error and response_metadata, when it said
}

func (e *responseStatus) Error() string { return "response_url answered " + strconv.Itoa(e.code) }

// responseDetail reads Slack's error out of a refused response_url post.
func responseDetail(body []byte) string {
	var r struct {
		Error    string `json:"error"`
		Metadata struct {
			Messages []string `json:"messages"`
		} `json:"response_metadata"`
	}
	if json.Unmarshal(body, &r) != nil || r.Error == "" {
		return ""
	}
	return strings.Join(append([]string{r.Error}, r.Metadata.Messages...), "; ")
}

var errResponseHost = errors.New("response_url does not point at Slack")

// respond posts to a response_url: the way to answer a slash command or a
// click, good for 30 minutes and 5 uses. The URL came in a signed request,
// but it is still checked to point at Slack (or the configured API host),
// so the bot never posts elsewhere. It is a credential: no error returned
// quotes it (see hideResponseURL).
func (w *webAPI) respond(ctx context.Context, responseURL string, m responseMessage) error {
	u, err := url.Parse(responseURL)
	if err != nil || !w.allowedHost(u) {
		return errResponseHost
	}
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return w.call(ctx, "response_url", false, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
		if err != nil {
			return hideResponseURL(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := w.http.Do(req)
		if err != nil {
			return hideResponseURL(err)
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if resp.StatusCode/100 != 2 {
			secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			return &responseStatus{code: resp.StatusCode, retryAfter: time.Duration(secs) * time.Second, detail: responseDetail(answer)}
		}
		return nil
	})
}

func (w *webAPI) allowedHost(u *url.URL) bool {
	origin := strings.ToLower(u.Scheme + "://" + u.Host)
	for _, o := range w.origins {
		if origin == o {
			return true
		}
	}
	return false
}

// responseOrigins are where response_urls may point: Slack's hooks hosts
// and the origin of a configured API URL (a fake, a proxy).
func responseOrigins(apiURL string) []string {
	out := []string{"https://hooks.slack.com", "https://hooks.slack-gov.com"}
	if u, err := url.Parse(apiURL); err == nil && apiURL != "" {
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out
}
