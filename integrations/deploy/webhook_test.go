package deploy_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/deploy"
)

// TestWebhookPollsStatus: the run is POSTed signed, then its status URL is
// polled until the receiver says it is done.
func TestWebhookPollsStatus(t *testing.T) {
	secret := deploy.NewSecret("hook-secret")
	var polls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			body, _ := io.ReadAll(r.Body)
			if !deploy.Verify(secret, body, r.Header.Get(deploy.SignatureHeader)) || r.Header.Get("Idempotency-Key") != "CSR-3/deploy/1" {
				http.Error(w, "bad request", http.StatusUnauthorized)
				return
			}
			var b map[string]any
			_ = json.Unmarshal(body, &b)
			if b["sha"] != "5b17166a7c43" || b["environment"] != "prod" || b["fence"] != float64(17) {
				http.Error(w, "bad body", http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusAccepted)
		case http.MethodGet:
			require.Equal(t, "/status/CSR-3%2Fdeploy%2F1", r.URL.EscapedPath())
			if polls.Add(1) < 3 {
				_, _ = w.Write([]byte(`{"status":"running"}`))
				return
			}
			_, _ = w.Write([]byte(`{"status":"succeeded","url":"https://deploy.example.com/77"}`))
		}
	}))
	t.Cleanup(srv.Close)
	w := &deploy.Webhook{URL: srv.URL + "/deploy", StatusURL: srv.URL + "/status/{run}", Secret: secret, Poll: 5 * time.Millisecond}
	ctx := context.Background()
	h, err := w.Start(ctx, cmdRequest("main"))
	require.NoError(t, err)
	res, err := w.Follow(ctx, cmdRequest("main"), h)
	require.NoError(t, err)
	require.Equal(t, deploy.Result{Status: csr.RunSucceeded, URL: "https://deploy.example.com/77"}, res)

	w.Secret = deploy.NewSecret("wrong")
	_, err = w.Start(ctx, cmdRequest("main"))
	require.ErrorContains(t, err, "401")
}

// TestWebhookWaitsForCallback: without a status URL the run waits for the
// callback, and fails when none comes in time.
func TestWebhookWaitsForCallback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(srv.Close)
	w := &deploy.Webhook{URL: srv.URL, Timeout: 50 * time.Millisecond}
	h, err := w.Start(context.Background(), cmdRequest("main"))
	require.NoError(t, err)
	require.Equal(t, "callback:CSR-3/deploy/1", h.ID)
	res, err := w.Follow(context.Background(), cmdRequest("main"), h)
	require.NoError(t, err)
	require.Equal(t, csr.RunFailed, res.Status)
	require.Contains(t, res.Detail, "no result from the deploy endpoint within 50ms")
}

// TestFakeHandleFollowsAnywhere: a fake run's handle carries its plan, so
// a process that did not start it can follow it.
func TestFakeHandleFollowsAnywhere(t *testing.T) {
	ctx := context.Background()
	h, err := deploy.Fake{Delay: 20 * time.Millisecond}.Start(ctx, cmdRequest("main"))
	require.NoError(t, err)
	res, err := deploy.Fake{}.Follow(ctx, cmdRequest("main"), h)
	require.NoError(t, err)
	require.Equal(t, csr.RunFailed, res.Status, "the plan, not the follower's settings, decides")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	h, _ = deploy.Fake{Delay: time.Hour, Succeed: true}.Start(ctx, cmdRequest("main"))
	_, err = deploy.Fake{}.Follow(cctx, cmdRequest("main"), h)
	require.ErrorIs(t, err, context.Canceled)
}
