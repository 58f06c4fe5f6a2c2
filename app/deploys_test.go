package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/integrations/console"
	"releasebot/integrations/deploy"
	"releasebot/integrations/github/githubtest"
	"releasebot/internal/clock"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

type recorded struct {
	mu  sync.Mutex
	all []chat.Notice
}

func (r *recorded) Notify(_ context.Context, n chat.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, n)
	return nil
}

func (r *recorded) find(id msg.ID) []chat.Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []chat.Notice
	for _, n := range r.all {
		if n.Text.ID == id {
			out = append(out, n)
		}
	}
	return out
}

// TestGitHubDeploysEndToEnd walks a CSR through the bot with the real
// GitHub deployers against a fake GitHub: refs resolve on GitHub, the test
// deploy dispatches a workflow whose result arrives by webhook, the
// production deploy creates a deployment followed through its statuses,
// and the next CSR lists the commits it ships.
func TestGitHubDeploysEndToEnd(t *testing.T) {
	gh := githubtest.New(t)
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Parse(t, testenv.GitHubYAML)
	env := map[string]string{"GITHUB_TOKEN": "ghp_sandbox", "GITHUB_API_URL": gh.APIURL(), "GITHUB_WEBHOOK_SECRET": "s3cret"}
	notes := &recorded{}
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix,
		Clock: clock.NewManual(time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)), Getenv: func(k string) string { return env[k] },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Notifier: func(console.Renderer) bot.Notifier { return notes }})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	mux := http.NewServeMux()
	a.Routes(mux)
	say := func(user, text string) chat.Reply {
		out := a.Bot.Handle(context.Background(), chat.Event{User: user, Channel: "C1", Text: text})
		require.Nil(t, out.Reply.Refusal, "%s: %v", text, out.Reply.Refusal)
		return out.Reply
	}
	get := func(id csr.ID) csr.CSR {
		c, err := a.Store.Get(context.Background(), id)
		require.NoError(t, err)
		return c
	}

	say("alice", `new billing-api "Fix rounding" --ref main`)
	require.Equal(t, githubtest.CommitSHA, get("CSR-1").SHA(), "the ref resolved on GitHub")
	say("alice", "test CSR-1")
	require.Eventually(t, func() bool { return get("CSR-1").Runs[0].External != "" }, 10*time.Second, 10*time.Millisecond)
	ds := gh.Dispatches()
	require.Len(t, ds, 1)
	require.Equal(t, "CSR-1/test/1", ds[0].Inputs["releasebot_run"])
	require.Equal(t, "ap-northeast-2", ds[0].Inputs["region"])

	// GitHub reports the run's end by webhook.
	v, _ := githubtest.Fixture(t, "webhook.workflow_run.completed.success.json").(map[string]any)
	wr, _ := v["workflow_run"].(map[string]any)
	wr["display_title"], wr["id"] = "Deploy test (CSR-1/test/1)", gh.Runs()[0].ID
	wr["event"], wr["head_branch"] = "workflow_dispatch", "releasebot/CSR-1-test-1" // a dispatched run, on the run's tag
	body, err := json.Marshal(v)
	require.NoError(t, err)
	post := func(sig string) int {
		req := httptest.NewRequest(http.MethodPost, "/github/webhook", bytes.NewReader(body))
		req.Header.Set("X-GitHub-Event", "workflow_run")
		req.Header.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
		req.Header.Set("X-Hub-Signature-256", sig)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		return w.Code
	}
	require.Equal(t, http.StatusUnauthorized, post(deploy.Sign(deploy.NewSecret("forged"), body)))
	require.Equal(t, csr.TestDeploying, get("CSR-1").State)
	require.Equal(t, http.StatusNoContent, post(deploy.Sign(deploy.NewSecret("s3cret"), body)))
	a.Runner.Wait()
	require.Equal(t, csr.Tested, get("CSR-1").State)

	say("alice", "submit CSR-1")
	say("bob", "approve CSR-1")
	say("alice", "deploy CSR-1")
	require.Eventually(t, func() bool { return len(gh.Deployments()) == 1 }, 10*time.Second, 10*time.Millisecond)
	dep := gh.Deployments()[0]
	require.Equal(t, "production", dep.Environment)
	require.Equal(t, githubtest.CommitSHA, dep.SHA)
	gh.AddStatus(dep.ID, "in_progress")
	gh.AddStatus(dep.ID, "success")
	a.Runner.Wait()
	c := get("CSR-1")
	require.Equal(t, csr.Deployed, c.State)
	require.Equal(t, "https://example.com/deployment.log", c.Runs[1].URL)
	require.Len(t, notes.find(msg.NoteRunSucceeded), 2)

	// The next CSR of the service lists what it ships beyond production.
	gh.Title = nil
	// `new --sha` checks the commit exists in the repository.
	gh.SetRef("main", githubtest.CommitSHA)
	gh.SetRef("0cec0d2e1d9f5e6b1bd8b2b3f0c5ea55f5b9e9a1", "0cec0d2e1d9f5e6b1bd8b2b3f0c5ea55f5b9e9a1")
	say("alice", `new billing-api "Next change" --ref v0.7 --sha 0cec0d2e1d9f5e6b1bd8b2b3f0c5ea55f5b9e9a1`)
	c2 := get("CSR-2")
	require.Len(t, c2.Refs[0].Commits, 4)
	shipped := notes.find(msg.NoteCommits)
	require.Len(t, shipped, 1)
	require.True(t, strings.Contains(shipped[0].Text.Args["commits"], "Publish version 0.7"))
}

// TestGitHubWithoutCredentials: a config that deploys through GitHub
// does not start without credentials, and says which variables to set.
func TestGitHubWithoutCredentials(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Parse(t, testenv.GitHubYAML)
	_, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix, Getenv: func(string) string { return "" },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Notifier: func(console.Renderer) bot.Notifier { return &recorded{} }})
	require.ErrorContains(t, err, "set GITHUB_TOKEN, or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY_FILE and GITHUB_APP_INSTALLATION_ID")
}
