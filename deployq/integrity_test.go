package deployq_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/deployq"
	"releasebot/integrations/deploy"
	"releasebot/integrations/github"
	"releasebot/integrations/github/githubtest"
)

// TestMovedBranchShipsTheApprovedCommit: the CSR was tested and approved
// at `sha`; `main` then moved to another commit. Through the queue and a
// GitHub that behaves like the real one, production receives the
// approved commit: the dispatch is on the run's tag at that commit, never
// on the branch, and the result is recorded once.
func TestMovedBranchShipsTheApprovedCommit(t *testing.T) {
	f := newFixture(t)
	gh := githubtest.New(t)
	const moved = "bbbb000bbbb000bbbb000bbbb000bbbb000bbbb0"
	gh.AddCommit(sha)
	gh.SetBranch("main", moved)
	r := f.runner(t, actions(gh.APIURL(), 20*time.Millisecond), "worker")
	work(t, r)
	c, run := f.deploying(t, 1)
	_, err := r.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return runOf(f.get(t, c.ID), run.ID).External != "" }, 10*time.Second, 10*time.Millisecond)

	ds := gh.Dispatches()
	require.Len(t, ds, 1)
	require.Equal(t, github.TagName(run.ID), ds[0].Ref, "dispatched on the run's tag, not on main")
	require.Equal(t, sha, ds[0].Inputs[github.SHAInput])
	runs := gh.Runs()
	require.Len(t, runs, 1)
	require.Equal(t, sha, runs[0].HeadSHA, "the run builds the approved commit")
	gh.SetRun(runs[0].ID, "completed", "success")
	r.Wait()

	got := f.get(t, c.ID)
	require.Equal(t, csr.Deployed, got.State)
	require.Equal(t, sha, runOf(got, run.ID).SHA)
	require.Equal(t, 1, results(got, run.ID))
	require.Len(t, f.effects.Finished(), 1)
	require.Eventually(t, func() bool { _, ok := gh.Tags()[github.TagName(run.ID)]; return !ok }, 5*time.Second, 10*time.Millisecond,
		"the short-lived tag is deleted when the run ends")
}

// TestForeignRunDeliveryChangesNothing: while the CSR's own run is still
// in progress, a workflow_run completed/success delivery of another
// workflow (ci.yml, event push) whose title contains the run id arrives.
// It is accepted as not ours and changes nothing.
func TestForeignRunDeliveryChangesNothing(t *testing.T) {
	f := newFixture(t)
	gh := githubtest.New(t)
	r := f.runner(t, actions(gh.APIURL(), time.Hour), "worker")
	work(t, r)
	c, run := f.deploying(t, 1)
	_, err := r.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return runOf(f.get(t, c.ID), run.ID).External != "" }, 10*time.Second, 10*time.Millisecond)
	before := f.get(t, c.ID)

	hook := &github.Webhook{Secret: deploy.NewSecret("s3cret"), Reports: r, Claims: f.store, Unknown: deployq.ErrUnknownRun,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for i, tc := range []struct{ event, workflow, branch string }{
		{"push", ".github/workflows/ci.yml", "main"},
		{"workflow_dispatch", ".github/workflows/deploy.yml", "main"}, // a manual run on the branch
	} {
		v, _ := githubtest.Fixture(t, "webhook.workflow_run.completed.success.json").(map[string]any)
		wr, _ := v["workflow_run"].(map[string]any)
		wr["display_title"] = "CI for " + run.ID
		wr["event"] = tc.event
		wr["path"] = tc.workflow
		wr["head_branch"] = tc.branch
		wr["id"] = 900000 + i
		body, err := json.Marshal(v)
		require.NoError(t, err)
		req := httptest.NewRequest(http.MethodPost, "/github/webhook", bytes.NewReader(body))
		req.Header.Set("X-GitHub-Event", "workflow_run")
		req.Header.Set("X-GitHub-Delivery", "foreign-"+tc.event)
		req.Header.Set("X-Hub-Signature-256", deploy.Sign(hook.Secret, body))
		w := httptest.NewRecorder()
		hook.ServeHTTP(w, req)
		require.Equal(t, http.StatusAccepted, w.Code, "%s: answered as not ours", tc.event)
	}
	after := f.get(t, c.ID)
	require.Equal(t, before.Version, after.Version, "a run that is not the CSR's changes nothing")
	require.Equal(t, csr.Deploying, after.State)
	require.Empty(t, f.effects.Finished())
}
