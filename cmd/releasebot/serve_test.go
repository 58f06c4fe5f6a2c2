package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/slack"
	"releasebot/internal/testenv"
)

const (
	botToken      = "xoxb-1111111111-2222222222-abcdefghijklmnop"
	signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"
)

// clearSlackEnv unsets every Slack variable for the test.
func clearSlackEnv(t *testing.T) {
	for _, k := range []string{slack.EnvBotToken, slack.EnvSigningSecret, slack.EnvAppToken, slack.EnvAPIURL} {
		t.Setenv(k, "")
	}
}

// TestServeRefusesBadSecrets: missing or malformed secrets stop startup
// with a message naming the variable, never its value.
func TestServeRefusesBadSecrets(t *testing.T) {
	cases := []struct {
		name   string
		env    map[string]string
		names  string
		hidden string
	}{
		{"no bot token", map[string]string{slack.EnvSigningSecret: signingSecret}, slack.EnvBotToken, signingSecret},
		{"a user token", map[string]string{slack.EnvBotToken: "xoxp-1111111111-secretvalue", slack.EnvSigningSecret: signingSecret},
			slack.EnvBotToken, "secretvalue"},
		{"no signing secret in HTTP mode", map[string]string{slack.EnvBotToken: botToken}, slack.EnvSigningSecret, botToken},
		{"the bot token as signing secret", map[string]string{slack.EnvBotToken: botToken, slack.EnvSigningSecret: botToken},
			slack.EnvSigningSecret, botToken},
		{"a bot token as app token", map[string]string{slack.EnvBotToken: botToken, slack.EnvAppToken: botToken},
			slack.EnvAppToken, botToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearSlackEnv(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"serve", "--config", "../../config.example.yaml"}, strings.NewReader(""), &out, &errb)
			require.Equal(t, 1, code)
			require.Contains(t, errb.String(), c.names)
			require.NotContains(t, errb.String(), c.hidden)
		})
	}
}

// TestDefaultVerb: with SLACK_BOT_TOKEN set, `releasebot` alone serves
// Slack (here it stops at the missing signing secret); without, it is the
// console.
func TestDefaultVerb(t *testing.T) {
	clearSlackEnv(t)
	t.Setenv(slack.EnvBotToken, botToken)
	var out, errb bytes.Buffer
	require.Equal(t, 1, run(context.Background(), nil, strings.NewReader(""), &out, &errb))
	require.Contains(t, errb.String(), slack.EnvSigningSecret)

	clearSlackEnv(t)
	t.Setenv("REDIS_URL", "")
	out.Reset()
	errb.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"--config", "../../config.example.yaml"}, strings.NewReader("quit\n"), &out, &errb), errb.String())
	require.Contains(t, out.String(), "releasebot console")
}

// TestServeHTTPMode starts `releasebot serve` against a fake Slack API: it
// checks the token (auth.test), serves /healthz beside /slack/*, refuses
// an unsigned request, accepts a signed one, and stops cleanly.
func TestServeHTTPMode(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/auth.test":
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user_id": "UBOT000001", "team_id": "T1"})
		default:
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "ts": "1.1", "channel": "C1"})
		}
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
		done <- run(ctx, []string{"serve", "--config", "../../config.example.yaml", "--listen", addr}, strings.NewReader(""), &bytes.Buffer{}, &errb)
	}()
	base := "http://" + addr
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond, "serve did not come up: %s", errb.String())
	// Once Slack accepted the token, the background work runs: the
	// scheduler holds its lease and the deploy worker its consumer group.
	require.Eventually(t, func() bool {
		n, err := rdb.Exists(context.Background(), "{"+prefix+"}:lease:scheduler", "{"+prefix+"}:deploys").Result()
		return err == nil && n == 2
	}, 10*time.Second, 20*time.Millisecond, "serve did not start the scheduler and the deploy worker: %s", errb.String())

	body := []byte("command=%2Frelease&text=help&user_id=U0ALICE001&channel_id=C1&trigger_id=1.2.3")
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
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var help map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&help))
	require.Equal(t, "ephemeral", help["response_type"])

	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code, errb.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	require.NotContains(t, errb.String(), botToken)
	require.NotContains(t, errb.String(), signingSecret)
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeBadTokenStartsNothing: a replica whose bot token Slack refuses
// exits before it does anything shared: it takes no scheduler lease (so no
// reminder firing is claimed and lost), creates or reclaims no deploy job,
// and writes nothing to Redis. Slack's answer is held back a moment so
// that background work started too early would show.
func TestServeBadTokenStartsNothing(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	pattern := "{" + prefix + "}:*"
	var early atomic.Value // the keys seen while auth.test was pending
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/auth.test" {
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for deadline := time.Now().Add(500 * time.Millisecond); time.Now().Before(deadline); <-tick.C {
				if keys, err := rdb.Keys(r.Context(), pattern).Result(); err == nil && len(keys) > 0 {
					early.Store(keys)
					break
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_auth"})
	}))
	defer api.Close()
	clearSlackEnv(t)
	t.Setenv(slack.EnvBotToken, botToken)
	t.Setenv(slack.EnvSigningSecret, signingSecret)
	t.Setenv(slack.EnvAPIURL, api.URL+"/api/")
	t.Setenv("REDIS_URL", testenv.RedisURL())
	t.Setenv("REDIS_PREFIX", prefix)
	t.Setenv("LOG_LEVEL", "error")

	var errb syncBuffer
	code := run(context.Background(), []string{"serve", "--config", "../../config.example.yaml", "--listen", freeAddr(t)},
		strings.NewReader(""), &bytes.Buffer{}, &errb)
	require.Equal(t, 1, code)
	require.Contains(t, errb.String(), "auth.test")
	require.Nil(t, early.Load(), "background work ran before Slack accepted the token")
	keys, err := rdb.Keys(context.Background(), pattern).Result()
	require.NoError(t, err)
	require.Empty(t, keys, "a replica that never served left state behind")
}
