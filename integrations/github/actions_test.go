package github_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/integrations/github"
	"releasebot/integrations/github/githubtest"
	"releasebot/msg"
)

const (
	approvedSHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
	movedSHA    = "0f0e0d0c0b0a09080706050403020100ffeeddcc"
	olderSHA    = "9999888877776666555544443333222211110000"
)

// warnings records what a deploy told people.
type warnings struct {
	mu          sync.Mutex
	told, alert []string
}

func (w *warnings) attach(r *deploy.Request) {
	r.Progress = func(_ context.Context, d string) { w.mu.Lock(); w.told = append(w.told, d); w.mu.Unlock() }
	r.Alert = func(_ context.Context, d string) { w.mu.Lock(); w.alert = append(w.alert, d); w.mu.Unlock() }
}

func (w *warnings) get() (told, alert []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.told...), append([]string(nil), w.alert...)
}

func runOf(t *testing.T, s *githubtest.Server, h deploy.Handle) githubtest.Run {
	t.Helper()
	for _, r := range s.Runs() {
		if strings.HasPrefix(h.ID, "workflow_run:"+itoa(r.ID)+"/") {
			return r
		}
	}
	t.Fatalf("no run for handle %q", h.ID)
	return githubtest.Run{}
}

// TestActionsDeployExactlyTheApprovedCommit: whatever the branch does,
// the dispatch runs on the run's tag at its commit, the run builds that
// commit, and the tag is gone once the run ended.
func TestActionsDeployExactlyTheApprovedCommit(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(s *githubtest.Server)
		run     csr.Run
		wantTag string
	}{
		{"branch moved after approval", func(s *githubtest.Server) {
			s.SetBranch("main", approvedSHA)
			s.SetBranch("main", movedSHA) // a push after the approvals
		}, csr.Run{ID: "CSR-2/deploy/1", Purpose: csr.PurposeDeploy, Env: "prod", SHA: approvedSHA}, "releasebot/CSR-2-deploy-1"},
		{"pinned commit behind the branch head", func(s *githubtest.Server) {
			s.SetBranch("main", movedSHA)
			s.AddCommit(approvedSHA)
		}, csr.Run{ID: "CSR-3/deploy/1", Purpose: csr.PurposeDeploy, Env: "prod", SHA: approvedSHA}, "releasebot/CSR-3-deploy-1"},
		{"rollback to the previous production commit", func(s *githubtest.Server) {
			s.SetBranch("main", movedSHA)
			s.AddCommit(olderSHA)
		}, csr.Run{ID: "CSR-4/rollback/1", Purpose: csr.PurposeRollback, Env: "prod", SHA: olderSHA}, "releasebot/CSR-4-rollback-1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := githubtest.New(t)
			tc.setup(s)
			a := newActions(t, s)
			req := request()
			req.CSR, req.Run = csr.ID(strings.Split(tc.run.ID, "/")[0]), tc.run
			ctx := context.Background()

			h, err := a.Start(ctx, req)
			require.NoError(t, err)
			ds := s.Dispatches()
			require.Len(t, ds, 1)
			require.Equal(t, tc.wantTag, ds[0].Ref, "dispatched on the tag, never on the branch")
			require.Equal(t, tc.run.SHA, s.Tags()[tc.wantTag], "the tag points at the approved commit")
			require.Equal(t, map[string]any{"releasebot_run": tc.run.ID, "csr": string(req.CSR), "environment": "prod",
				"sha": tc.run.SHA, "region": "ap-northeast-2"}, ds[0].Inputs)
			run := runOf(t, s, h)
			require.Equal(t, tc.run.SHA, run.HeadSHA, "the run builds the approved commit")
			require.Equal(t, tc.wantTag, run.Branch)

			s.SetRun(run.ID, "completed", "success")
			res, err := a.Follow(ctx, req, h)
			require.NoError(t, err)
			require.Equal(t, csr.RunSucceeded, res.Status)
			require.NotContains(t, s.Tags(), tc.wantTag, "the tag is deleted when the run ends")
		})
	}
}

// TestActionsWrongCommitNeverSucceeds: a run that builds another commit
// than the approved one is stopped and failed, naming both commits; a tag
// left at another commit is refused before anything is dispatched.
func TestActionsWrongCommitNeverSucceeds(t *testing.T) {
	s := githubtest.New(t)
	s.SetBranch("main", movedSHA)
	s.AddCommit(approvedSHA)
	a := newActions(t, s)
	req := request()
	req.Run.SHA = approvedSHA
	ctx := context.Background()

	id := s.AddRun(githubtest.Run{Workflow: "deploy.yml", Title: "Deploy prod (CSR-7/deploy/1)", Branch: "main", HeadSHA: movedSHA, Status: "in_progress"})
	res, err := a.Follow(ctx, req, deploy.Handle{ID: "workflow_run:" + itoa(id) + "/1"})
	require.NoError(t, err)
	require.Equal(t, csr.RunFailed, res.Status)
	require.Contains(t, res.Detail, movedSHA)
	require.Contains(t, res.Detail, approvedSHA)
	require.True(t, s.Runs()[0].CancelRequested, "a run deploying another commit is cancelled")

	s.SetTag(github.TagName(req.Run.ID), movedSHA)
	_, err = a.Start(ctx, req)
	require.ErrorContains(t, err, "already exists")
	require.ErrorContains(t, err, "not at the approved commit "+approvedSHA)
	require.False(t, errors.Is(err, deploy.ErrOutcomeUnknown), "nothing was dispatched: %v", err)
	require.Empty(t, s.Dispatches())
}

// TestActionsRetryAfterCrashReusesItsTag: the tag already at the run's
// commit is a retry's, not a conflict.
func TestActionsRetryAfterCrashReusesItsTag(t *testing.T) {
	s := githubtest.New(t)
	a := newActions(t, s)
	s.SetTag(github.TagName(request().Run.ID), githubtest.CommitSHA)
	_, err := a.Start(context.Background(), request())
	require.NoError(t, err)
	require.Len(t, s.Dispatches(), 1)
}

// TestActionsNeverAdoptsAnotherRun: manual runs, runs of the branch and
// runs of another workflow sit beside ours; only ours is taken.
func TestActionsNeverAdoptsAnotherRun(t *testing.T) {
	s := githubtest.New(t)
	s.SetWorkflow(githubtest.Workflow{File: "ci.yml", Name: "CI", RunName: "CI ${{ inputs.releasebot_run }}",
		Inputs: map[string]githubtest.Input{"releasebot_run": {}}})
	// A person's manual dispatch, unmarked, just before ours.
	manual := s.AddRun(githubtest.Run{Workflow: "deploy.yml", Title: "Deploy", Branch: "main", Status: "in_progress"})
	// A run of the branch titled with our marker.
	branch := s.AddRun(githubtest.Run{Workflow: "deploy.yml", Title: "Deploy prod (CSR-7/deploy/1)", Branch: "main", Status: "in_progress"})
	// Another workflow, started by a push, titled with our marker.
	s.AddRun(githubtest.Run{Workflow: "ci.yml", Title: "CI CSR-7/deploy/1", Branch: github.TagName("CSR-7/deploy/1"), Event: "push", Status: "in_progress"})
	a := newActions(t, s)
	h, err := a.Start(context.Background(), request())
	require.NoError(t, err)
	runs := s.Runs()
	mine := runs[len(runs)-1]
	require.Equal(t, "workflow_run:"+itoa(mine.ID)+"/1", h.ID)
	require.NotEqual(t, manual, mine.ID)
	require.NotEqual(t, branch, mine.ID)
}

// TestActionsRunNameWithoutMarker: the dispatch made a run that does not
// show the run id; the bot names that run and the fix, never guesses, and
// never dispatches again.
func TestActionsRunNameWithoutMarker(t *testing.T) {
	s := githubtest.New(t)
	wf := githubtest.DefaultWorkflow()
	wf.RunName = "Deploy ${{ inputs.environment }}"
	s.SetWorkflow(wf)
	a := newActions(t, s)
	ctx := context.Background()

	_, err := a.Start(ctx, request())
	require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "run-name lacks ${{ inputs.releasebot_run }}")
	require.ErrorContains(t, err, "https://github.com/acme/billing-api/actions/runs/"+itoa(s.Runs()[0].ID))
	require.Len(t, s.Dispatches(), 1)

	_, found, err := a.Find(ctx, request())
	require.False(t, found)
	require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "run-name lacks")
	require.Len(t, s.Dispatches(), 1, "never dispatched twice")
}

// TestActionsNoRunAppeared: the dispatch was accepted but no run shows
// up (GitHub is slow): the outcome is unknown, not failed.
func TestActionsNoRunAppeared(t *testing.T) {
	s := githubtest.New(t)
	s.Title = func(githubtest.Dispatch) string { return "Deploy" }
	a := newActions(t, s)
	s.Fail(githubtest.EPListRuns, 1000, githubtest.Fault{Status: http.StatusBadGateway})
	_, err := a.Start(context.Background(), request())
	require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "no run of it appeared")
	require.Len(t, s.Dispatches(), 1)
}

// TestActionsFind: a bot taking over a run whose starter died finds it,
// or says for sure it was never dispatched, or says it cannot tell.
func TestActionsFind(t *testing.T) {
	ctx := context.Background()
	t.Run("tag absent: never dispatched", func(t *testing.T) {
		s := githubtest.New(t)
		_, found, err := newActions(t, s).Find(ctx, request())
		require.NoError(t, err)
		require.False(t, found)
	})
	t.Run("tag present, no run", func(t *testing.T) {
		s := githubtest.New(t)
		s.SetTag(github.TagName(request().Run.ID), githubtest.CommitSHA)
		_, found, err := newActions(t, s).Find(ctx, request())
		require.False(t, found)
		require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
		require.ErrorContains(t, err, "may have been dispatched")
		require.Empty(t, s.Dispatches(), "Find never dispatches")
	})
	t.Run("tag present, our run", func(t *testing.T) {
		s := githubtest.New(t)
		a := newActions(t, s)
		h, err := a.Start(ctx, request())
		require.NoError(t, err)
		found, ok, err := a.Find(ctx, request())
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, h, found)
	})
	t.Run("tag unreadable", func(t *testing.T) {
		s := githubtest.New(t)
		s.Fail(githubtest.EPGetRef, 1, githubtest.Fault{Status: http.StatusInternalServerError})
		_, found, err := newActions(t, s).Find(ctx, request())
		require.False(t, found)
		require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
	})
}

// TestActionsDispatchAnswers: what a dispatch's answer means.
func TestActionsDispatchAnswers(t *testing.T) {
	ctx := context.Background()
	t.Run("502 after GitHub created the run: found and followed", func(t *testing.T) {
		s := githubtest.New(t)
		s.Fail(githubtest.EPDispatch, 1, githubtest.Fault{Status: http.StatusBadGateway, AfterEffect: true})
		a := newActions(t, s)
		h, err := a.Start(ctx, request())
		require.NoError(t, err)
		require.Len(t, s.Dispatches(), 1)
		require.Equal(t, 1, s.Calls(githubtest.EPDispatch))
		s.SetRun(runOf(t, s, h).ID, "completed", "success")
		res, err := a.Follow(ctx, request(), h)
		require.NoError(t, err)
		require.Equal(t, csr.RunSucceeded, res.Status)
	})
	t.Run("502 and no run: unknown", func(t *testing.T) {
		s := githubtest.New(t)
		s.Fail(githubtest.EPDispatch, 1, githubtest.Fault{Status: http.StatusBadGateway})
		_, err := newActions(t, s).Start(ctx, request())
		require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
		require.ErrorContains(t, err, "502")
		require.Equal(t, 1, s.Calls(githubtest.EPDispatch), "never dispatched twice")
		require.Contains(t, s.Tags(), github.TagName(request().Run.ID), "the tag stays: the run may still appear")
	})
	t.Run("422 undeclared input: refused, nothing started", func(t *testing.T) {
		s := githubtest.New(t)
		wf := githubtest.DefaultWorkflow()
		delete(wf.Inputs, "sha") // a workflow written for an older bot
		s.SetWorkflow(wf)
		_, err := newActions(t, s).Start(ctx, request())
		require.Error(t, err)
		require.False(t, errors.Is(err, deploy.ErrOutcomeUnknown), "%v", err)
		require.ErrorContains(t, err, `422 Unexpected inputs provided: ["sha"]`)
		require.ErrorContains(t, err, "nothing was started")
		require.Empty(t, s.Runs())
		require.NotContains(t, s.Tags(), github.TagName(request().Run.ID))
	})
	t.Run("commit not in the repository", func(t *testing.T) {
		s := githubtest.New(t)
		s.SetBranch("main", movedSHA)
		req := request()
		req.Run.SHA = approvedSHA // never pushed
		_, err := newActions(t, s).Start(ctx, req)
		require.ErrorContains(t, err, "Object does not exist")
		require.Empty(t, s.Dispatches())
	})
}

// TestActionsRateLimit: a rate limit that lifts soon is waited out; one
// that lifts much later is said with its time, and nothing starts.
func TestActionsRateLimit(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		fault func() githubtest.Fault
	}{
		{"primary, reset in 1s", func() githubtest.Fault {
			return githubtest.Fault{Status: http.StatusForbidden, RateLimitReset: time.Now().Add(time.Second)}
		}},
		{"secondary, retry after 1s", func() githubtest.Fault {
			return githubtest.Fault{Status: http.StatusForbidden, RetryAfter: time.Second}
		}},
		{"429, retry after 1s", func() githubtest.Fault {
			return githubtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := githubtest.New(t)
			s.Fail(githubtest.EPDispatch, 1, tc.fault())
			_, err := newActions(t, s).Start(ctx, request())
			require.NoError(t, err)
			require.Len(t, s.Dispatches(), 1)
			require.Equal(t, 2, s.Calls(githubtest.EPDispatch))
		})
	}
	t.Run("reset in 1h", func(t *testing.T) {
		s := githubtest.New(t)
		reset := time.Now().Add(time.Hour)
		s.Fail(githubtest.EPDispatch, 1, githubtest.Fault{Status: http.StatusForbidden, RateLimitReset: reset})
		_, err := newActions(t, s).Start(ctx, request())
		require.Error(t, err)
		require.False(t, errors.Is(err, deploy.ErrOutcomeUnknown), "%v", err)
		require.ErrorContains(t, err, "until "+reset.UTC().Format("2006-01-02 15:04:05")+" UTC")
		require.ErrorContains(t, err, "nothing was started")
		require.Empty(t, s.Dispatches())
		require.Empty(t, s.Runs())
	})
	t.Run("while following: waited, not failed", func(t *testing.T) {
		s := githubtest.New(t)
		a := newActions(t, s)
		h, err := a.Start(ctx, request())
		require.NoError(t, err)
		s.SetRun(runOf(t, s, h).ID, "completed", "success")
		s.Fail(githubtest.EPGetAttempt, 1, githubtest.Fault{Status: http.StatusForbidden, RateLimitReset: time.Now().Add(time.Second)})
		res, err := a.Follow(ctx, request(), h)
		require.NoError(t, err)
		require.Equal(t, csr.RunSucceeded, res.Status)
	})
}

// TestActionsFollowHonestly: answers that say nothing about the run
// never fail it.
func TestActionsFollowHonestly(t *testing.T) {
	ctx := context.Background()
	t.Run("401 while polling: unknown", func(t *testing.T) {
		s := githubtest.New(t)
		a := newActions(t, s)
		h, err := a.Start(ctx, request())
		require.NoError(t, err)
		s.SetRun(runOf(t, s, h).ID, "completed", "success") // it did deploy
		s.Fail(githubtest.EPGetAttempt, 1, githubtest.Fault{Status: http.StatusUnauthorized})
		_, err = a.Follow(ctx, request(), h)
		require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
		require.ErrorContains(t, err, "credentials stopped working while following")
		require.ErrorContains(t, err, "the run may still deploy")
		require.NotContains(t, err.Error(), "ghp_test")
		require.Contains(t, s.Tags(), github.TagName(request().Run.ID), "the tag stays while the outcome is unknown")
	})
	t.Run("5xx while polling: retried", func(t *testing.T) {
		s := githubtest.New(t)
		a := newActions(t, s)
		h, err := a.Start(ctx, request())
		require.NoError(t, err)
		s.SetRun(runOf(t, s, h).ID, "completed", "success")
		s.Fail(githubtest.EPGetAttempt, 3, githubtest.Fault{Status: http.StatusServiceUnavailable})
		res, err := a.Follow(ctx, request(), h)
		require.NoError(t, err)
		require.Equal(t, csr.RunSucceeded, res.Status)
	})
	t.Run("cancelled context", func(t *testing.T) {
		s := githubtest.New(t)
		a := newActions(t, s)
		h, err := a.Start(ctx, request())
		require.NoError(t, err)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err = a.Follow(cctx, request(), h)
		require.ErrorIs(t, err, context.Canceled)
	})
}

// TestActionsTimeout: a run that takes too long is cancelled on GitHub,
// and what GitHub then says is recorded: a cancel is asynchronous, and the
// run may still succeed.
func TestActionsTimeout(t *testing.T) {
	for _, tc := range []struct {
		name       string
		outcome    string
		delay      time.Duration
		want       csr.RunStatus
		wantDetail string
		unknown    bool
	}{
		{"still succeeded", "success", 30 * time.Millisecond, csr.RunSucceeded, "", false},
		{"cancelled", "", 30 * time.Millisecond, csr.RunCancelled, "timed out after 50ms; cancelled on GitHub.", false},
		{"cancel never takes", "", time.Hour, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := githubtest.New(t)
			s.CancelOutcome, s.CancelDelay = tc.outcome, tc.delay
			a := newActions(t, s)
			a.Timeout, a.CancelWait = 50*time.Millisecond, 300*time.Millisecond
			ctx := context.Background()
			h, err := a.Start(ctx, request())
			require.NoError(t, err)
			s.SetRun(runOf(t, s, h).ID, "in_progress", "")
			res, err := a.Follow(ctx, request(), h)
			require.True(t, runOf(t, s, h).CancelRequested, "the run is cancelled on GitHub")
			if tc.unknown {
				require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
				require.ErrorContains(t, err, "had not completed")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Status)
			require.Equal(t, tc.wantDetail, res.Detail)
			require.NotContains(t, s.Tags(), github.TagName(request().Run.ID))
		})
	}
}

// TestActionsRequiredReviewersReachPeople: a run waiting for reviewers
// the bot does not stand in for is said once, with the environment and
// the link; the wait has its own timeout and does not count against the
// run's.
func TestActionsRequiredReviewersReachPeople(t *testing.T) {
	for _, tc := range []struct {
		name          string
		approve       bool
		cannotApprove bool
		wantAlert     string
	}{
		{"approving is not configured", false, false, "a reviewer must approve it on GitHub"},
		{"the bot is not a reviewer", true, true, "the bot's GitHub identity is not one of them"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := githubtest.New(t)
			s.PendingEnv, s.CannotApprove = "production", tc.cannotApprove
			a := newActions(t, s)
			a.Environment, a.ApproveReviews = "production", tc.approve
			// The wait below is longer than the timeout and must not count;
			// the timeout leaves room for slow polls on a loaded machine.
			a.Timeout = 500 * time.Millisecond
			req := request()
			var w warnings
			w.attach(&req)
			ctx := context.Background()
			h, err := a.Start(ctx, req)
			require.NoError(t, err)
			done := make(chan deploy.Result, 1)
			go func() { res, _ := a.Follow(ctx, req, h); done <- res }()
			require.Eventually(t, func() bool { _, alert := w.get(); return len(alert) > 0 }, 5*time.Second, 5*time.Millisecond)
			polls := s.Calls(githubtest.EPGetAttempt)
			time.Sleep(2 * a.Timeout)
			require.Eventually(t, func() bool { return s.Calls(githubtest.EPGetAttempt) > polls+10 }, 5*time.Second, 5*time.Millisecond)
			s.SetRun(runOf(t, s, h).ID, "completed", "success")
			res := <-done
			require.Equal(t, csr.RunSucceeded, res.Status, "waiting for reviewers does not count against the timeout")
			told, alert := w.get()
			require.Len(t, alert, 1, "said once per wait: %q", alert)
			require.Contains(t, alert[0], tc.wantAlert)
			require.Contains(t, alert[0], "GitHub environment production")
			require.Contains(t, alert[0], h.URL)
			require.Empty(t, told)
		})
	}
	t.Run("review timeout", func(t *testing.T) {
		s := githubtest.New(t)
		s.PendingEnv = "production"
		a := newActions(t, s)
		a.Environment, a.ReviewTimeout = "production", 50*time.Millisecond
		ctx := context.Background()
		h, err := a.Start(ctx, request())
		require.NoError(t, err)
		res, err := a.Follow(ctx, request(), h)
		require.NoError(t, err)
		require.Equal(t, csr.RunCancelled, res.Status)
		require.Equal(t, "waited 50ms for the required reviewers of GitHub environment production; cancelled on GitHub.", res.Detail)
	})
}

// TestActionsRerunDoesNotChangeTheOutcome: a re-run (attempt 2) of a
// finished run is not the run the bot followed.
func TestActionsRerunDoesNotChangeTheOutcome(t *testing.T) {
	for _, tc := range []struct {
		first, second string
		want          csr.RunStatus
	}{
		{"failure", "success", csr.RunFailed},
		{"success", "failure", csr.RunSucceeded},
	} {
		t.Run(tc.first+" then re-run "+tc.second, func(t *testing.T) {
			s := githubtest.New(t)
			a := newActions(t, s)
			ctx := context.Background()
			h, err := a.Start(ctx, request())
			require.NoError(t, err)
			id := runOf(t, s, h).ID
			s.SetRun(id, "completed", tc.first)
			require.Equal(t, 2, s.Rerun(id))
			s.SetRun(id, "completed", tc.second)
			res, err := a.Follow(ctx, request(), h)
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Status)
			// A handle linked before attempts were part of it is attempt 1.
			res, err = a.Follow(ctx, request(), deploy.Handle{ID: "workflow_run:" + itoa(id)})
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Status)
		})
	}
}

// TestActionsCancel: cancelling is idempotent, a completed run is left
// alone, and the tag goes.
func TestActionsCancel(t *testing.T) {
	s := githubtest.New(t)
	s.CancelDelay = time.Hour
	a := newActions(t, s)
	ctx := context.Background()
	h, err := a.Start(ctx, request())
	require.NoError(t, err)
	s.SetRun(runOf(t, s, h).ID, "in_progress", "")
	require.NoError(t, a.Cancel(ctx, request(), h))
	require.NoError(t, a.Cancel(ctx, request(), h), "twice")
	require.True(t, runOf(t, s, h).CancelRequested)
	require.NotContains(t, s.Tags(), github.TagName(request().Run.ID))
	s.SetRun(runOf(t, s, h).ID, "completed", "cancelled")
	require.NoError(t, a.Cancel(ctx, request(), h), "a completed run")
}

// TestDeploymentsHonestOutcomes: a deployment cannot be cancelled, so
// what the bot cannot see is unknown, never failed.
func TestDeploymentsHonestOutcomes(t *testing.T) {
	ctx := context.Background()
	deployments := func(t *testing.T, s *githubtest.Server) *github.Deployments {
		return &github.Deployments{Client: must(github.NewClient(*client(t, s))), Environment: "production", Poll: 5 * time.Millisecond,
			FindWait: 200 * time.Millisecond, Log: quiet()}
	}
	t.Run("401 while following", func(t *testing.T) {
		s := githubtest.New(t)
		d := deployments(t, s)
		h, err := d.Start(ctx, request())
		require.NoError(t, err)
		s.Fail(githubtest.EPStatuses, 1, githubtest.Fault{Status: http.StatusUnauthorized})
		_, err = d.Follow(ctx, request(), h)
		require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
		require.ErrorContains(t, err, "credentials stopped working")
	})
	t.Run("no final status in time", func(t *testing.T) {
		s := githubtest.New(t)
		d := deployments(t, s)
		d.Timeout = 30 * time.Millisecond
		h, err := d.Start(ctx, request())
		require.NoError(t, err)
		_, err = d.Follow(ctx, request(), h)
		require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
		require.ErrorContains(t, err, "cannot be cancelled")
	})
	t.Run("502 after GitHub created it", func(t *testing.T) {
		s := githubtest.New(t)
		s.Fail(githubtest.EPCreateDeployment, 1, githubtest.Fault{Status: http.StatusBadGateway, AfterEffect: true})
		d := deployments(t, s)
		h, err := d.Start(ctx, request())
		require.NoError(t, err)
		require.Len(t, s.Deployments(), 1)
		require.Equal(t, "deployment:"+itoa(s.Deployments()[0].ID), h.ID)
	})
	t.Run("502 and none created", func(t *testing.T) {
		s := githubtest.New(t)
		s.Fail(githubtest.EPCreateDeployment, 1, githubtest.Fault{Status: http.StatusBadGateway})
		_, err := deployments(t, s).Start(ctx, request())
		require.ErrorIs(t, err, deploy.ErrOutcomeUnknown)
		require.Empty(t, s.Deployments())
	})
	t.Run("a deployment of another commit", func(t *testing.T) {
		s := githubtest.New(t)
		id := s.AddDeployment(githubtest.Deployment{SHA: movedSHA, Ref: "main", Environment: "production", Task: "deploy",
			Payload: []byte(`{"releasebot_run":"CSR-7/deploy/1"}`), Statuses: []string{"success"}})
		d := deployments(t, s)
		_, found, err := d.Find(ctx, request())
		require.NoError(t, err)
		require.False(t, found, "not of the run's commit")
		res, err := d.Follow(ctx, request(), deploy.Handle{ID: "deployment:" + itoa(id)})
		require.NoError(t, err)
		require.Equal(t, csr.RunFailed, res.Status)
		require.Contains(t, res.Detail, movedSHA)
		require.Contains(t, res.Detail, githubtest.CommitSHA)
	})
}

// TestCommit: a commit the repository has, full or abbreviated; never a
// branch named like one.
func TestCommit(t *testing.T) {
	s := githubtest.New(t)
	s.SetBranch("main", movedSHA)
	s.AddCommit(approvedSHA)
	s.SetRef("deadbeef", movedSHA) // a branch named like a SHA
	refs := github.Refs{Client: must(github.NewClient(*client(t, s)))}
	ctx := context.Background()
	for _, tc := range []struct {
		name, sha, want string
		rule            csr.Rule
	}{
		{"full", approvedSHA, approvedSHA, ""},
		{"abbreviated", approvedSHA[:10], approvedSHA, ""},
		{"upper case", strings.ToUpper(approvedSHA), approvedSHA, ""},
		{"unknown", olderSHA, "", "unknown-ref"},
		{"a branch name", "main", "", "unknown-ref"},
		{"a branch named like a SHA", "deadbeef", "", "unknown-ref"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := refs.Commit(ctx, "acme/billing-api", tc.sha)
			if tc.rule == "" {
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
				return
			}
			var r *csr.Refusal
			require.ErrorAs(t, err, &r)
			require.Equal(t, tc.rule, r.Rule)
		})
	}
	sha, err := refs.Resolve(ctx, "acme/billing-api", "main")
	require.NoError(t, err)
	require.Equal(t, movedSHA, sha)
	sha, err = refs.Resolve(ctx, "acme/billing-api", approvedSHA)
	require.NoError(t, err)
	require.Equal(t, approvedSHA, sha)
}

// TestWorkflowProblems checks workflow files against the inputs the bot
// sends, whatever form `on:` takes.
func TestWorkflowProblems(t *testing.T) {
	sent := (&github.Actions{Inputs: map[string]string{"region": "eu"}}).SentInputs()
	require.Equal(t, []string{"csr", "environment", "region", "releasebot_run", "sha"}, sent)
	inputs := `
    inputs:
      releasebot_run: {required: true}
      csr: {required: true}
      environment: {required: true}
      sha: {required: true}
      region: {required: false, default: eu}`
	marker := "\nrun-name: \"Deploy ${{ inputs.environment }} (${{ inputs.releasebot_run }})\"\n"
	for _, tc := range []struct {
		name, file string
		want       []msg.ID
		contains   string
	}{
		{"fits", "on:\n  workflow_dispatch:" + inputs + marker, nil, ""},
		{"on as a string", "on: workflow_dispatch\n" + marker, []msg.ID{msg.DoctorWorkflowUndeclared}, "csr, environment, region, releasebot_run, sha"},
		{"on as a list", "on: [push, workflow_dispatch]\n" + marker, []msg.ID{msg.DoctorWorkflowUndeclared}, ""},
		{"no dispatch trigger", "on: [push]\n" + marker, []msg.ID{msg.DoctorWorkflowNoDispatch}, ""},
		{"an input the bot does not send", "on:\n  workflow_dispatch:" + inputs + "\n      ref: {required: true}" + marker,
			[]msg.ID{msg.DoctorWorkflowRequired}, "ref"},
		{"a sent input missing", "on:\n  workflow_dispatch:" + strings.Replace(inputs, "      sha: {required: true}\n", "", 1) + marker,
			[]msg.ID{msg.DoctorWorkflowUndeclared}, "sha"},
		{"run-name without the marker", "on:\n  workflow_dispatch:" + inputs + "\nrun-name: Deploy\n", []msg.ID{msg.DoctorWorkflowNoMarker}, "${{ inputs.releasebot_run }}"},
		{"not YAML", "on: [", []msg.ID{msg.DoctorWorkflowBadYAML}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := github.WorkflowProblems([]byte(tc.file), sent)
			var ids []msg.ID
			text := ""
			for _, p := range got {
				ids = append(ids, p.ID)
				text += p.String()
			}
			require.Equal(t, tc.want, ids, text)
			require.Contains(t, text, tc.contains)
		})
	}
	// The fake's rendered default workflow fits too.
	require.Empty(t, github.WorkflowProblems([]byte(githubtest.DefaultWorkflow().YAML()), sent))
}
