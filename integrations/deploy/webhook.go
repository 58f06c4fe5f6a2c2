package deploy

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"releasebot/csr"
)

// SignatureHeader carries the HMAC-SHA256 of a webhook body, as
// "sha256=<hex>", both on the requests the bot sends and on the callbacks
// it accepts (the scheme GitHub uses for X-Hub-Signature-256).
const SignatureHeader = "X-Releasebot-Signature-256"

// Sign returns "sha256=<hex of HMAC-SHA256(secret, body)>".
func Sign(secret Secret, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret.Reveal()))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether sig is body's signature with secret, comparing in
// constant time. An empty secret verifies nothing.
func Verify(secret Secret, body []byte, sig string) bool {
	if secret.IsZero() || !strings.HasPrefix(sig, "sha256=") {
		return false
	}
	return hmac.Equal([]byte(Sign(secret, body)), []byte(sig))
}

// Report is a run's progress or result as told by the system performing
// it: a webhook delivery, a callback, a poll.
type Report struct {
	RunID string // the bot's run id ("CSR-1/deploy/1"), when the report names it
	// External is the deployer's id of the run the report is about (a
	// workflow run and its attempt, a deployment). When set, the report
	// changes the CSR only if it is the run the bot linked: a delivery
	// about any other run (another workflow's, a manual one, a re-run
	// attempt) changes nothing, whatever its title says.
	External string
	Status   csr.RunStatus
	URL      string
	Detail   string
}

// Webhook deploys by POSTing the run as JSON to an endpoint of the team's
// own deploy system. The body is signed (SignatureHeader) when a secret is
// set. The result comes back either by a signed callback to the bot (see
// ParseCallback) or, when StatusURL is set, by polling it.
type Webhook struct {
	URL string
	// StatusURL, when set, is polled for the run's state; "{run}" in it is
	// replaced by the escaped run id. A status URL in the endpoint's answer
	// takes precedence.
	StatusURL   string
	CallbackURL string // told to the endpoint, where it reports the result
	Secret      Secret
	Timeout     time.Duration // how long to wait for a result; 0: 1h
	Poll        time.Duration // status polling interval; 0: 10s
	Client      *http.Client
}

// webhookBody is what the endpoint receives.
type webhookBody struct {
	Run         string `json:"run_id"`
	CSR         string `json:"csr"`
	Service     string `json:"service"`
	Environment string `json:"environment"`
	Purpose     string `json:"purpose"`
	Ref         string `json:"ref"`
	SHA         string `json:"sha"`
	Fence       int64  `json:"fence"`
	CallbackURL string `json:"callback_url,omitempty"`
}

// webhookAnswer is what the endpoint may answer; every field is optional.
type webhookAnswer struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	StatusURL string `json:"status_url"`
}

// statusBody is both a status URL's answer and a callback's body.
type statusBody struct {
	Run    string `json:"run_id"`
	Status string `json:"status"` // queued, running, succeeded, failed, cancelled
	URL    string `json:"url"`
	Detail string `json:"detail"`
}

func (w *Webhook) client() *http.Client {
	if w.Client != nil {
		return w.Client
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// Start posts the run. The endpoint should treat the run id as an
// idempotency key (it is also sent as Idempotency-Key): a bot that took
// over a crashed one's run may post it again.
func (w *Webhook) Start(ctx context.Context, r Request) (Handle, error) {
	body, err := json.Marshal(webhookBody{Run: r.Run.ID, CSR: string(r.CSR), Service: r.Service, Environment: r.Run.Env,
		Purpose: string(r.Run.Purpose), Ref: r.Ref, SHA: r.Run.SHA, Fence: r.Fence, CallbackURL: w.CallbackURL})
	if err != nil {
		return Handle{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return Handle{}, fmt.Errorf("webhook deployer: %w", redactHTTP(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", r.Run.ID)
	if !w.Secret.IsZero() {
		req.Header.Set(SignatureHeader, Sign(w.Secret, body))
	}
	resp, err := w.client().Do(req)
	if err != nil {
		// net/http names the whole URL, query and all: redacted.
		return Handle{}, fmt.Errorf("webhook deployer: %w", redactHTTP(err))
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return Handle{}, fmt.Errorf("webhook deployer: %s answered %s: %s", RedactURL(w.URL), resp.Status, clipText(redactEcho(string(data), w.URL), 200))
	}
	var ans webhookAnswer
	_ = json.Unmarshal(data, &ans) // an empty or non-JSON answer is fine
	status := ans.StatusURL
	if status == "" && w.StatusURL != "" {
		status = strings.ReplaceAll(w.StatusURL, "{run}", url.PathEscape(r.Run.ID))
	}
	link := linkURL(ans.URL)
	if status != "" {
		return Handle{ID: "poll:" + status, URL: link}, nil
	}
	id := ans.ID
	if id == "" {
		id = r.Run.ID
	}
	return Handle{ID: "callback:" + id, URL: link}, nil
}

// Restartable implements Restartable: the endpoint de-duplicates by the
// run id it gets as Idempotency-Key.
func (w *Webhook) Restartable() bool { return true }

// Follow polls the status URL, or waits for the callback (which the queue
// sees recorded on the CSR, and then stops following) until Timeout.
func (w *Webhook) Follow(ctx context.Context, r Request, h Handle) (Result, error) {
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = time.Hour
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errWebhookTimeout)
	defer cancel()
	statusURL, polling := strings.CutPrefix(h.ID, "poll:")
	if !polling {
		<-ctx.Done()
		return w.timedOut(ctx, h)
	}
	every := w.Poll
	if every <= 0 {
		every = 10 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, done, err := w.poll(ctx, statusURL)
		if err == nil && done {
			if res.URL == "" {
				res.URL = h.URL
			}
			return res, nil
		}
		select {
		case <-ctx.Done():
			return w.timedOut(ctx, h)
		case <-t.C:
		}
	}
}

var errWebhookTimeout = errors.New("webhook deployer: no result in time")

func (w *Webhook) timedOut(ctx context.Context, h Handle) (Result, error) {
	if errors.Is(context.Cause(ctx), errWebhookTimeout) {
		return Result{Status: csr.RunFailed, URL: h.URL, Detail: "no result from the deploy endpoint within " + w.Timeout.String()}, nil
	}
	return Result{}, ctx.Err()
}

func (w *Webhook) poll(ctx context.Context, statusURL string) (Result, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, statusURL, nil)
	if err != nil {
		return Result{}, false, redactHTTP(err)
	}
	resp, err := w.client().Do(req)
	if err != nil {
		return Result{}, false, redactHTTP(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return Result{}, false, fmt.Errorf("status %s", resp.Status)
	}
	var s statusBody
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&s); err != nil {
		return Result{}, false, err
	}
	st, ok := parseStatus(s.Status)
	if !ok || !st.Done() {
		return Result{}, false, nil
	}
	return Result{Status: st, URL: linkURL(s.URL), Detail: clipText(s.Detail, 2000)}, true, nil
}

func parseStatus(s string) (csr.RunStatus, bool) {
	switch st := csr.RunStatus(strings.ToLower(s)); st {
	case csr.RunQueued, csr.RunRunning, csr.RunSucceeded, csr.RunFailed, csr.RunCancelled:
		return st, true
	}
	switch strings.ToLower(s) {
	case "success":
		return csr.RunSucceeded, true
	case "failure", "error":
		return csr.RunFailed, true
	case "in_progress", "pending":
		return csr.RunRunning, true
	}
	return "", false
}

// ParseCallback reads a deploy endpoint's report on a run: a JSON body
// {"run_id", "status", "url", "detail"} signed with secret in
// SignatureHeader. A missing or wrong signature is an error.
func ParseCallback(r *http.Request, secret Secret) (Report, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return Report{}, fmt.Errorf("read callback: %w", err)
	}
	if !Verify(secret, body, r.Header.Get(SignatureHeader)) {
		return Report{}, ErrBadSignature
	}
	var s statusBody
	if err := json.Unmarshal(body, &s); err != nil {
		return Report{}, fmt.Errorf("callback body: %w", err)
	}
	st, ok := parseStatus(s.Status)
	if !ok || s.Run == "" {
		return Report{}, fmt.Errorf("callback: need run_id and a status (queued, running, succeeded, failed, cancelled), got %q %q", s.Run, s.Status)
	}
	return Report{RunID: s.Run, Status: st, URL: linkURL(s.URL), Detail: clipText(s.Detail, 2000)}, nil
}

// ErrBadSignature: a delivery's signature is missing or does not match.
var ErrBadSignature = errors.New("signature missing or wrong")

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
