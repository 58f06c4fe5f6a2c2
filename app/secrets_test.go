package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/integrations/console"
	"releasebot/internal/clock"
	"releasebot/internal/logging"
	"releasebot/internal/testenv"
)

// Recognisable fake secrets: if any of them (or its distinctive middle)
// shows up in a log line, a secret leaked.
var fakeSecrets = map[string]string{
	"GITHUB_TOKEN":          "ghp_LEAKCANARYgithubTOKEN0000000000000",
	"GITHUB_WEBHOOK_SECRET": "LEAKCANARY-github-webhook-secret",
	"DEPLOY_WEBHOOK_SECRET": "LEAKCANARY-deploy-webhook-secret",
	"SLACK_BOT_TOKEN":       "xoxb-LEAKCANARY-0000-slack",
	"SLACK_SIGNING_SECRET":  "LEAKCANARY-slack-signing",
}

func requireNoSecret(t *testing.T, where, s string) {
	t.Helper()
	for name, v := range fakeSecrets {
		require.NotContains(t, s, v, "%s shows %s", where, name)
	}
	require.NotContains(t, s, "LEAKCANARY", where)
}

// TestSecretsNeverLogged runs the lifecycle script with every secret set,
// and a CSR against a hostile GitHub that fails every call and quotes the
// request's Authorization header back in its error messages (as a proxy
// in front of GitHub might): at debug level, no log line shows a secret.
func TestSecretsNeverLogged(t *testing.T) {
	getenv := func(k string) string { return fakeSecrets[k] }
	run := rehearseObserved(t, "../examples/lifecycle.script", getenv)
	requireNoSecret(t, "the lifecycle's logs", run.logs.String())

	var calls int
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/json")
		status := http.StatusUnauthorized
		if calls%2 == 0 {
			status = http.StatusInternalServerError
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"message":"bad credentials %s for %s","documentation_url":"https://docs.github.com/%s"}`,
			r.Header.Get("Authorization"), r.URL, r.Header.Get("Authorization"))
	}))
	defer hostile.Close()
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Parse(t, testenv.GitHubYAML)
	env := map[string]string{"GITHUB_API_URL": hostile.URL + "/"}
	for k, v := range fakeSecrets {
		env[k] = v
	}
	logs := &testenv.Buffer{}
	log, err := logging.New(logs, "text", "debug", "json", "info")
	require.NoError(t, err)
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix,
		Clock: clock.NewManual(time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)), Getenv: func(k string) string { return env[k] },
		Log: log, Notifier: func(console.Renderer) bot.Notifier { return &recorded{} }})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	var replies []string
	for _, line := range []string{
		`new billing-api "Fix rounding" --ref main`,
		`new billing-api "Pinned" --ref main --sha 0cec0d2e1d9f5e6b1bd8b2b3f0c5ea55f5b9e9a1`,
		"test CSR-1", "deploy CSR-1", "show CSR-1",
	} {
		out := a.Bot.Handle(context.Background(), chat.Event{User: "alice", Channel: "C1", Text: line})
		replies = append(replies, fmt.Sprintf("%+v", out.Reply))
	}
	a.Runner.Wait()
	require.Positive(t, calls, "the bot asked the hostile GitHub")
	require.Contains(t, logs.String(), "msg=command", "the failures were logged")
	requireNoSecret(t, "the logs of failing GitHub calls", logs.String())
	requireNoSecret(t, "the replies", strings.Join(replies, "\n"))
	fams := scrape(t, a)
	require.Positive(t, testenv.Sample(fams, "releasebot_api_requests_total", map[string]string{"api": "github", "code": "401"}))
}
