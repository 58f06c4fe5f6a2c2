package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"releasebot/integrations/slack"
	"releasebot/internal/testenv"
)

// sample is the value of the one sample of family name whose labels
// include want: a counter's value or a histogram's count (-1: none).
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	total := -1.0
	for _, m := range fams[name].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		ok := true
		for k, v := range want {
			ok = ok && labels[k] == v
		}
		if !ok {
			continue
		}
		if total < 0 {
			total = 0
		}
		if m.Counter != nil {
			total += m.GetCounter().GetValue()
		} else if m.Histogram != nil {
			total += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return total
}

// TestServeMetrics runs serve in HTTP mode against a fake Slack, sends a
// forged and a signed slash command, and scrapes /metrics: the
// acknowledgements are timed by endpoint and status, the Slack calls
// counted by method, the command by verb and outcome.
func TestServeMetrics(t *testing.T) {
	_, prefix := testenv.Redis(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user_id": "UBOT000001", "team_id": "T1", "ts": "1.1", "channel": "C1"})
	}))
	defer api.Close()
	clearSlackEnv(t)
	t.Setenv(slack.EnvBotToken, botToken)
	t.Setenv(slack.EnvSigningSecret, signingSecret)
	t.Setenv(slack.EnvAPIURL, api.URL+"/api/")
	t.Setenv("REDIS_URL", testenv.RedisURL())
	t.Setenv("REDIS_PREFIX", prefix)
	t.Setenv("LOG_LEVEL", "error")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errb syncBuffer
	go func() {
		done <- run(ctx, []string{"serve", "--config", "../../config.example.yaml", "--listen", addr}, strings.NewReader(""), io.Discard, &errb)
	}()
	base := "http://" + addr
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/livez")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond, "serve did not come up: %s", errb.String())

	body := []byte("command=%2Frelease&text=process+billing-api&user_id=U0ALICE001&channel_id=C1&trigger_id=1.2.3")
	resp, err := http.Post(base+slack.PathCommands, "application/x-www-form-urlencoded", bytes.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	req, err := http.NewRequest(http.MethodPost, base+slack.PathCommands, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slack.SignRequest(req, slack.NewSecret(signingSecret), time.Now(), body)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	scrape := func() map[string]*dto.MetricFamily {
		resp, err := http.Get(base + "/metrics")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(resp.Body)
		require.NoError(t, err)
		return fams
	}
	// The command runs after the acknowledgement, in the worker pool.
	var fams map[string]*dto.MetricFamily
	require.Eventually(t, func() bool {
		fams = scrape()
		return sample(fams, "releasebot_commands_total", map[string]string{"verb": "process"}) == 1
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, 1.0, sample(fams, "releasebot_commands_total", map[string]string{"source": "command", "verb": "process", "outcome": "ok"}))
	const ack = "releasebot_http_request_duration_seconds"
	require.Equal(t, 1.0, sample(fams, ack, map[string]string{"endpoint": slack.PathCommands, "code": "401"}))
	require.Equal(t, 1.0, sample(fams, ack, map[string]string{"endpoint": slack.PathCommands, "code": "200"}))
	require.Positive(t, sample(fams, ack, map[string]string{"endpoint": "/livez", "code": "200"}))
	require.Equal(t, 1.0, sample(fams, "releasebot_api_requests_total", map[string]string{"api": "slack", "operation": "auth.test", "code": "200"}))
	require.Eventually(t, func() bool {
		// The answer goes out through the Web API.
		fams = scrape()
		return sample(fams, "releasebot_api_requests_total", map[string]string{"api": "slack"}) >= 2
	}, 10*time.Second, 20*time.Millisecond)

	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code, errb.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}
