package github_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/integrations/github"
	"releasebot/integrations/github/githubtest"
)

func client(t *testing.T, s *githubtest.Server) *github.Settings {
	t.Helper()
	return &github.Settings{APIURL: s.APIURL(), Token: deploy.NewSecret("ghp_test")}
}

func newActions(t *testing.T, s *githubtest.Server) *github.Actions {
	t.Helper()
	c, err := github.NewClient(*client(t, s))
	require.NoError(t, err)
	return &github.Actions{Client: c, Workflow: "deploy.yml", Inputs: map[string]string{"region": "ap-northeast-2"},
		Poll: 5 * time.Millisecond, FindWait: 300 * time.Millisecond, CancelWait: 2 * time.Second, Log: quiet()}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func request() deploy.Request {
	return deploy.Request{CSR: "CSR-7", Service: "billing-api", Repo: "acme/billing-api", Ref: "main",
		Run: csr.Run{ID: "CSR-7/deploy/1", Purpose: csr.PurposeDeploy, Env: "prod", SHA: githubtest.CommitSHA}}
}

// TestActionsSuccess: dispatch with the run marker and inputs, find the
// run the dispatch started among others, follow it to success.
func TestActionsSuccess(t *testing.T) {
	s := githubtest.New(t)
	// Someone else's run of the same workflow on the same branch.
	s.AddRun(githubtest.Run{Workflow: "deploy.yml", Title: "Deploy prod (CSR-3/deploy/1)", Branch: "main", Status: "completed", Conclusion: "success"})
	a := newActions(t, s)
	ctx := context.Background()

	h, err := a.Start(ctx, request())
	require.NoError(t, err)
	ds := s.Dispatches()
	require.Len(t, ds, 1)
	require.Equal(t, "releasebot/CSR-7-deploy-1", ds[0].Ref)
	require.Equal(t, map[string]any{"releasebot_run": "CSR-7/deploy/1", "csr": "CSR-7", "environment": "prod",
		"sha": githubtest.CommitSHA, "region": "ap-northeast-2"}, ds[0].Inputs)
	runs := s.Runs()
	mine := runs[len(runs)-1]
	require.Equal(t, "workflow_run:"+itoa(mine.ID)+"/1", h.ID)
	require.Equal(t, "https://github.com/acme/billing-api/actions/runs/"+itoa(mine.ID), h.URL)

	found, ok, err := a.Find(ctx, request())
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, h, found, "a bot taking over finds the same run by its identity")

	done := make(chan deploy.Result)
	go func() {
		res, err := a.Follow(ctx, request(), h)
		require.NoError(t, err)
		done <- res
	}()
	s.SetRun(mine.ID, "in_progress", "")
	s.SetRun(mine.ID, "completed", "success")
	res := <-done
	require.Equal(t, csr.RunSucceeded, res.Status)
	require.Equal(t, h.URL, res.URL)
	require.NotContains(t, s.Tags(), "releasebot/CSR-7-deploy-1", "the tag is deleted once the run ended")
	for _, auth := range s.Authorizations() {
		require.Equal(t, "Bearer ghp_test", auth)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestActionsFailure: a failed run is reported with its failed job and step.
func TestActionsFailure(t *testing.T) {
	s := githubtest.New(t)
	a := newActions(t, s)
	ctx := context.Background()
	h, err := a.Start(ctx, request())
	require.NoError(t, err)
	runs := s.Runs()
	s.SetRun(runs[0].ID, "completed", "failure")
	res, err := a.Follow(ctx, request(), h)
	require.NoError(t, err)
	require.Equal(t, csr.RunFailed, res.Status)
	require.Equal(t, "conclusion: failure; job deploy failed at step Run ./deploy.sh", res.Detail)
}

// TestActionsRequiredReviewers: a run waiting for the environment's
// required reviewers is approved in the name of the chat approval.
func TestActionsRequiredReviewers(t *testing.T) {
	s := githubtest.New(t)
	s.PendingEnv = "production"
	a := newActions(t, s)
	a.Environment, a.ApproveReviews = "production", true
	ctx := context.Background()
	req := request()
	req.Approvals = "lead: bob; sm: carol; business: erin"
	var mu sync.Mutex
	var told, warned []string
	req.Progress = func(_ context.Context, d string) { mu.Lock(); told = append(told, d); mu.Unlock() }
	req.Alert = func(_ context.Context, d string) { mu.Lock(); warned = append(warned, d); mu.Unlock() }
	h, err := a.Start(ctx, req)
	require.NoError(t, err)
	done := make(chan deploy.Result)
	go func() { res, _ := a.Follow(ctx, req, h); done <- res }()
	require.Eventually(t, func() bool { return len(s.Runs()[0].Approved) == 1 }, 5*time.Second, 5*time.Millisecond)
	s.SetRun(s.Runs()[0].ID, "completed", "success")
	require.Equal(t, csr.RunSucceeded, (<-done).Status)
	require.Equal(t, []int64{161088068}, s.Runs()[0].Approved)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, told, 1)
	require.Contains(t, told[0], "approved the wait on GitHub environment production")
	require.Empty(t, warned)
}

// TestDeployment: a deployment of the exact commit with the run in its
// payload, followed through the statuses the team's CD posts.
func TestDeployment(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []string
		want     csr.RunStatus
	}{
		{"success", []string{"queued", "in_progress", "success"}, csr.RunSucceeded},
		{"failure", []string{"queued", "failure"}, csr.RunFailed},
		{"error", []string{"error"}, csr.RunFailed},
		{"success then replaced", []string{"in_progress", "success", "inactive"}, csr.RunSucceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := githubtest.New(t)
			c, err := github.NewClient(*client(t, s))
			require.NoError(t, err)
			d := &github.Deployments{Client: c, Environment: "production", Poll: 5 * time.Millisecond}
			ctx := context.Background()
			h, err := d.Start(ctx, request())
			require.NoError(t, err)
			deps := s.Deployments()
			require.Len(t, deps, 1)
			require.Equal(t, githubtest.CommitSHA, deps[0].SHA)
			require.Equal(t, "production", deps[0].Environment)
			require.Equal(t, "CSR-7/deploy/1", github.PayloadRun(deps[0].Payload))
			found, ok, err := d.Find(ctx, request())
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, h, found)

			done := make(chan deploy.Result)
			go func() { res, _ := d.Follow(ctx, request(), h); done <- res }()
			for _, st := range tc.statuses {
				s.AddStatus(deps[0].ID, st)
			}
			res := <-done
			require.Equal(t, tc.want, res.Status)
			require.Equal(t, "https://example.com/deployment.log", res.URL)
		})
	}
}

// TestWebhookSignature checks GitHub's documented example, then the
// endpoint: a forged delivery is refused, a signed one is reported.
func TestWebhookSignature(t *testing.T) {
	var ex struct {
		Secret, Payload string
		Signature       string `json:"signature_256"`
	}
	require.NoError(t, json.Unmarshal(githubtest.FixtureBytes(t, "signature-example.json"), &ex))
	require.True(t, deploy.Verify(deploy.NewSecret(ex.Secret), []byte(ex.Payload), ex.Signature))
	require.False(t, deploy.Verify(deploy.NewSecret(ex.Secret), []byte(ex.Payload+" "), ex.Signature))
	require.False(t, deploy.Verify(deploy.NewSecret("other"), []byte(ex.Payload), ex.Signature))

	rec := &reports{}
	h := &github.Webhook{Secret: deploy.NewSecret("s3cret"), Reports: rec, Claims: &claims{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	body := workflowRun(t, "webhook.workflow_run.completed.success.json", "Deploy prod (CSR-7/deploy/1)", "releasebot/CSR-7-deploy-1")
	forged := deliver(h, "workflow_run", "d-1", body, deploy.Sign(deploy.NewSecret("guess"), body))
	require.Equal(t, http.StatusUnauthorized, forged.Code)
	unsigned := deliver(h, "workflow_run", "d-1", body, "")
	require.Equal(t, http.StatusUnauthorized, unsigned.Code)
	require.Empty(t, rec.all)

	ok := deliver(h, "workflow_run", "d-1", body, deploy.Sign(h.Secret, body))
	require.Equal(t, http.StatusNoContent, ok.Code)
	require.Equal(t, []deploy.Report{{RunID: "CSR-7/deploy/1", External: "workflow_run:289782451/1", Status: csr.RunSucceeded,
		URL: "https://github.com/octo-org/octo-repo/actions/runs/289782451"}}, rec.all)

	again := deliver(h, "workflow_run", "d-1", body, deploy.Sign(h.Secret, body))
	require.Equal(t, http.StatusOK, again.Code)
	require.Contains(t, again.Body.String(), "duplicate")
	require.Len(t, rec.all, 1, "a redelivery is dropped")
}

// TestWebhookEvents maps each delivery to its report. Only a dispatched
// run can be the bot's: a push or pull request run of another workflow
// whose title merely contains a run id reports nothing, and the run id of
// a title names the bot's run only on that run's own tag.
func TestWebhookEvents(t *testing.T) {
	fixture := func(name string) []byte { return githubtest.FixtureBytes(t, name) }
	foreign := func(event string) []byte { // ci.yml, started by a push, titled with a run id
		v, _ := githubtest.Fixture(t, "webhook.workflow_run.completed.success.json").(map[string]any)
		run, _ := v["workflow_run"].(map[string]any)
		run["display_title"], run["name"], run["event"], run["path"] = "CSR-18/test/1 fix flaky test", "CI", event, ".github/workflows/ci.yml"
		return must(json.Marshal(v))
	}
	rerun := func() []byte {
		v, _ := githubtest.Fixture(t, "webhook.workflow_run.completed.success.json").(map[string]any)
		run, _ := v["workflow_run"].(map[string]any)
		run["display_title"], run["event"], run["head_branch"], run["run_attempt"] = "Deploy test (CSR-18/test/1)", "workflow_dispatch", "releasebot/CSR-18-test-1", 2
		return must(json.Marshal(v))
	}
	const url = "https://github.com/octo-org/octo-repo/actions/runs/289782451"
	cases := []struct {
		name, event string
		body        []byte
		want        *deploy.Report
	}{
		{"recorded repository_dispatch run", "workflow_run", fixture("webhook.workflow_run.requested.json"), nil},
		{"recorded dynamic run", "workflow_run", fixture("webhook.workflow_run.in_progress.json"), nil},
		{"foreign push run titled with a run id", "workflow_run", foreign("push"), nil},
		{"foreign pull_request run titled with a run id", "workflow_run", foreign("pull_request"), nil},
		{"dispatched run on the run's tag", "workflow_run",
			workflowRun(t, "webhook.workflow_run.requested.json", "Deploy test (CSR-18/test/1)", "releasebot/CSR-18-test-1"),
			&deploy.Report{RunID: "CSR-18/test/1", External: "workflow_run:289782451/1", Status: csr.RunRunning, URL: url}},
		{"dispatched run titled with a run id, on a branch", "workflow_run",
			workflowRun(t, "webhook.workflow_run.completed.success.json", "Deploy test (CSR-18/test/1)", "main"),
			&deploy.Report{External: "workflow_run:289782451/1", Status: csr.RunSucceeded, URL: url}},
		{"a re-run attempt", "workflow_run", rerun(),
			&deploy.Report{RunID: "CSR-18/test/1", External: "workflow_run:289782451/2", Status: csr.RunSucceeded, URL: url}},
		{"failed job", "workflow_job", fixture("webhook.workflow_job.completed.failure.json"), &deploy.Report{External: "workflow_run:2202229078/1",
			Status: csr.RunRunning, Detail: "job linters failed at step Run yarn run format-check"}},
		{"succeeded job", "workflow_job", fixture("webhook.workflow_job.completed.success.json"), nil},
		{"deployment status", "deployment_status", fixture("webhook.deployment_status.created.success.json"),
			&deploy.Report{External: "deployment:145988746", Status: csr.RunSucceeded}},
		{"deployment", "deployment", fixture("webhook.deployment.created.json"), nil},
		{"push", "push", fixture("webhook.push.json"), nil},
		{"ping", "ping", fixture("webhook.ping.json"), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &reports{}
			h := &github.Webhook{Secret: deploy.NewSecret("s3cret"), Reports: rec, Log: quiet()}
			w := deliver(h, tc.event, "d-"+tc.name, tc.body, deploy.Sign(h.Secret, tc.body))
			if tc.want == nil {
				require.Empty(t, rec.all)
				require.Less(t, w.Code, 300)
				return
			}
			require.Equal(t, http.StatusNoContent, w.Code)
			require.Equal(t, []deploy.Report{*tc.want}, rec.all)
		})
	}
}

// workflowRun is a recorded workflow_run delivery made a dispatched run
// with this title on this branch (or tag).
func workflowRun(t *testing.T, file, title, branch string) []byte {
	t.Helper()
	v, _ := githubtest.Fixture(t, file).(map[string]any)
	run, _ := v["workflow_run"].(map[string]any)
	run["display_title"] = title
	run["event"] = "workflow_dispatch"
	run["head_branch"] = branch
	return must(json.Marshal(v))
}

func deliver(h http.Handler, event, id string, body []byte, sig string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/github/webhook", bytes.NewReader(body))
	r.Header.Set("X-GitHub-Event", event)
	r.Header.Set("X-GitHub-Delivery", id)
	if sig != "" {
		r.Header.Set("X-Hub-Signature-256", sig)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

type reports struct {
	mu  sync.Mutex
	all []deploy.Report
}

func (r *reports) Report(_ context.Context, rep deploy.Report) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, rep)
	return nil
}

type claims struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (c *claims) Claim(_ context.Context, key string, _ time.Duration) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	first := !c.seen[key]
	c.seen[key] = true
	return first, nil
}

func (c *claims) Release(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.seen, key)
	return nil
}

// TestAppAuth: as a GitHub App, the bot trades a signed JWT for an
// installation token and uses it.
func TestAppAuth(t *testing.T) {
	s := githubtest.New(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "app.pem")
	require.NoError(t, os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	env := map[string]string{github.EnvAppID: "12345", github.EnvAppKeyFile: file, github.EnvInstallationID: "42", github.EnvAPIURL: s.APIURL()}
	settings, err := github.SettingsFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	c, err := github.NewClient(settings)
	require.NoError(t, err)
	sha, err := github.Refs{Client: c}.Resolve(context.Background(), "acme/billing-api", "main")
	require.NoError(t, err)
	require.Equal(t, githubtest.CommitSHA, sha)
	auths := s.Authorizations()
	require.Len(t, auths, 2)
	require.True(t, strings.HasPrefix(auths[0], "Bearer ey"), "the JWT")
	require.Equal(t, "Bearer ghs_installation_42", auths[1])

	_, err = github.SettingsFromEnv(func(string) string { return "" })
	require.ErrorIs(t, err, github.ErrNotConfigured)
	env[github.EnvInstallationID] = "forty-two"
	_, err = github.SettingsFromEnv(func(k string) string { return env[k] })
	require.ErrorContains(t, err, github.EnvInstallationID)
}

// TestShips lists the commits and pull requests between two commits.
func TestShips(t *testing.T) {
	s := githubtest.New(t)
	c, err := github.NewClient(*client(t, s))
	require.NoError(t, err)
	commits, prs, err := github.Refs{Client: c}.Ships(context.Background(), "acme/billing-api", "v0.6", "v0.7")
	require.NoError(t, err)
	require.Len(t, commits, 4)
	require.Equal(t, "Publish version 0.7", commits[2].Title)
	require.Equal(t, "Merge branch 'develop'", commits[3].Title)
	require.Empty(t, prs)
}

func TestSecretsAreRedacted(t *testing.T) {
	s := deploy.NewSecret("ghp_supersecret")
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "token", s)
	require.NotContains(t, buf.String()+s.String()+string(must(json.Marshal(s)))+fmt.Sprintf("%v %+v %#v", s, s, s), "supersecret")
}
