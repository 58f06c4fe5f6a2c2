package deployq_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/deployq"
	"releasebot/integrations/deploy"
	"releasebot/integrations/redisstore"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

// TestFailedWebhookLeaksNoSecret: a webhook deploy whose endpoint URL
// carries credentials fails; the channel is told, the run keeps the error,
// the log has it, and none of them shows the credentials.
func TestFailedWebhookLeaksNoSecret(t *testing.T) {
	f := newFixture(t)
	var logs testenv.Buffer
	hook := &deploy.Webhook{URL: "http://u:p@127.0.0.1:1/hook?token=SECRET123", CallbackURL: "https://bot.example.com/deploy/callback"}
	o := options(redisstore.New(conn(t), f.prefix), oneDeployer{hook}, "worker")
	o.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.Effects = f.effects
	r := deployq.New(context.Background(), o)
	work(t, r)
	c, run := f.testing(t, 1)
	_, err := r.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)
	r.Wait()

	saved := f.get(t, c.ID)
	got := runOf(saved, run.ID)
	require.Equal(t, csr.RunFailed, got.Status)
	require.Contains(t, got.Detail, `Post "http://127.0.0.1:1/hook?[redacted]"`, "the error still says which endpoint failed")
	record, err := json.Marshal(saved)
	require.NoError(t, err)

	f.effects.mu.Lock()
	var notices []string
	for _, n := range f.effects.notices {
		notices = append(notices, msg.English.Render(n.Text))
	}
	f.effects.mu.Unlock()
	require.Empty(t, notices, "one message per outcome: the result announcement carries the error")
	finished := f.effects.Finished()
	require.Len(t, finished, 1, "the channel is told the run could not start, once")
	notices = append(notices, finished[0].Detail)
	require.Contains(t, logs.String(), "deploy could not run")

	for what, text := range map[string]string{"run detail": got.Detail, "CSR record": string(record), "notices": strings.Join(notices, "\n"), "log": logs.String()} {
		require.NotContains(t, text, "SECRET123", what)
		require.NotContains(t, text, "p@", what)
	}
}

// leaky is a deployer whose start fails with an error naming a URL with a
// token, as a client library's error may.
type leaky struct{}

func (leaky) Start(context.Context, deploy.Request) (deploy.Handle, error) {
	return deploy.Handle{}, errors.New(`dispatch: POST "https://x:pw@ghe.example.com/api/v3/dispatches?access_token=SECRET123": 502 Bad Gateway`)
}

func (leaky) Follow(context.Context, deploy.Request, deploy.Handle) (deploy.Result, error) {
	return deploy.Result{}, errors.New("not started")
}

// TestAnyDeployerErrorIsRedacted: the queue redacts the URLs in every
// deployer's error before showing, keeping or logging it, not only the
// webhook deployer's.
func TestAnyDeployerErrorIsRedacted(t *testing.T) {
	f := newFixture(t)
	var logs testenv.Buffer
	o := options(redisstore.New(conn(t), f.prefix), oneDeployer{leaky{}}, "worker")
	o.Log = slog.New(slog.NewTextHandler(&logs, nil))
	o.Effects = f.effects
	r := deployq.New(context.Background(), o)
	work(t, r)
	c, run := f.testing(t, 1)
	_, err := r.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)
	r.Wait()
	got := runOf(f.get(t, c.ID), run.ID)
	require.Equal(t, `dispatch: POST "https://ghe.example.com/api/v3/dispatches?[redacted]": 502 Bad Gateway`, got.Detail)
	require.NotContains(t, logs.String(), "SECRET123")
}

// TestCallbackWithoutSecretIsLogged: with no DEPLOY_WEBHOOK_SECRET every
// callback is refused; the operator reads why in the log, not only the
// sender in its 503.
func TestCallbackWithoutSecretIsLogged(t *testing.T) {
	var logs testenv.Buffer
	h := deployq.CallbackHandler(nil, deploy.Secret{}, slog.New(slog.NewTextHandler(&logs, nil)))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/deploy/callback", strings.NewReader(`{"run_id":"CSR-1/test/1","status":"succeeded"}`)))
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Contains(t, logs.String(), "level=ERROR msg=\"deploy callback refused: DEPLOY_WEBHOOK_SECRET is not set")
}
