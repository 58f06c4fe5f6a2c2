package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/wait"
)

// MarkerInput is the workflow input that carries the run id
// ("CSR-1/deploy/1"). A dispatch returns no run id, so the bot finds the
// run it started by this marker: the workflow must show it in its run name,
//
//	run-name: "Deploy ${{ inputs.environment }} (${{ inputs.releasebot_run }})"
const MarkerInput = "releasebot_run"

// runMarker finds a run id in a run name or title.
var runMarker = regexp.MustCompile(`[A-Z][A-Z0-9]{0,9}-[0-9]+/(?:test|deploy|rollback)/[0-9]+`)

// Actions deploys by dispatching a GitHub Actions workflow
// (workflow_dispatch) and following the run it started.
type Actions struct {
	Client   *gh.Client
	Workflow string            // file name (deploy.yml) or numeric id
	Inputs   map[string]string // configured extra inputs
	// Environment is the value of the "environment" input; "" means the
	// releasebot environment's name.
	Environment string
	// ApproveReviews: when the run waits for the environment's required
	// reviewers, approve it in the name of the chat approval (the token's
	// user must be one of the reviewers).
	ApproveReviews bool
	Poll           time.Duration // how often the run is polled; 0: 15s
	Timeout        time.Duration // how long a run may take; 0: 2h
	// FindWait is how long to look for a dispatched run before giving up;
	// GitHub lists a new run after a few seconds. 0: 2m.
	FindWait time.Duration
	Now      func() time.Time
	Log      *slog.Logger
}

var (
	_ deploy.Deployer  = (*Actions)(nil)
	_ deploy.Finder    = (*Actions)(nil)
	_ deploy.Canceller = (*Actions)(nil)
)

func (a *Actions) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Actions) poll() time.Duration     { return orDefault(a.Poll, 15*time.Second) }
func (a *Actions) findWait() time.Duration { return orDefault(a.FindWait, 2*time.Minute) }

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (a *Actions) env(r deploy.Request) string {
	if a.Environment != "" {
		return a.Environment
	}
	return r.Run.Env
}

// Start dispatches the workflow on the CSR's ref and finds the run it
// started.
func (a *Actions) Start(ctx context.Context, r deploy.Request) (deploy.Handle, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Handle{}, err
	}
	inputs := map[string]any{}
	for k, v := range a.Inputs {
		inputs[k] = v
	}
	inputs[MarkerInput] = r.Run.ID
	inputs["csr"] = string(r.CSR)
	inputs["ref"] = r.Ref
	inputs["environment"] = a.env(r)
	since := a.now().Add(-5 * time.Second)
	ev := gh.CreateWorkflowDispatchEventRequest{Ref: r.Ref, Inputs: inputs}
	if id, err := strconv.ParseInt(a.Workflow, 10, 64); err == nil {
		_, err = a.Client.Actions.CreateWorkflowDispatchEventByID(ctx, owner, repo, id, ev)
		if err != nil {
			return deploy.Handle{}, fmt.Errorf("dispatch workflow %s of %s on %s: %w", a.Workflow, r.Repo, r.Ref, err)
		}
	} else if _, err := a.Client.Actions.CreateWorkflowDispatchEventByFileName(ctx, owner, repo, a.Workflow, ev); err != nil {
		return deploy.Handle{}, fmt.Errorf("dispatch workflow %s of %s on %s: %w", a.Workflow, r.Repo, r.Ref, err)
	}
	h, found, err := a.find(ctx, r, since)
	if err != nil {
		return h, err
	}
	if !found {
		return h, fmt.Errorf("dispatched workflow %s of %s on %s, but no run of it showed %q within %s: make the workflow's run-name include ${{ inputs.%s }}",
			a.Workflow, r.Repo, r.Ref, r.Run.ID, a.findWait(), MarkerInput)
	}
	return h, nil
}

// Find looks for the run a crashed bot process dispatched, by its marker.
func (a *Actions) Find(ctx context.Context, r deploy.Request) (deploy.Handle, bool, error) {
	return a.find(ctx, r, time.Time{})
}

// find lists the workflow's dispatched runs on the ref until one carries
// the run's marker, for at most FindWait. With since set (right after our
// own dispatch), a single new run without any marker is taken too: the
// lock allows only one deploy of the service and environment at a time.
func (a *Actions) find(ctx context.Context, r deploy.Request, since time.Time) (deploy.Handle, bool, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Handle{}, false, err
	}
	opts := &gh.ListWorkflowRunsOptions{Branch: r.Ref, Event: "workflow_dispatch", ListOptions: gh.ListOptions{PerPage: 50}}
	lookback := since
	if lookback.IsZero() {
		lookback = a.now().Add(-24 * time.Hour)
	}
	opts.Created = ">=" + lookback.UTC().Format(time.RFC3339)
	deadline := a.now().Add(a.findWait())
	every := min(a.poll(), 3*time.Second)
	for {
		var runs *gh.WorkflowRuns
		if id, perr := strconv.ParseInt(a.Workflow, 10, 64); perr == nil {
			runs, _, err = a.Client.Actions.ListWorkflowRunsByID(ctx, owner, repo, id, opts)
		} else {
			runs, _, err = a.Client.Actions.ListWorkflowRunsByFileName(ctx, owner, repo, a.Workflow, opts)
		}
		if err != nil && !transient(err) {
			return deploy.Handle{}, false, fmt.Errorf("list runs of workflow %s of %s: %w", a.Workflow, r.Repo, err)
		}
		if err == nil {
			if run := pick(runs.WorkflowRuns, r.Run.ID, since); run != nil {
				return handleOf(run), true, nil
			}
		}
		if !a.now().Before(deadline) {
			return deploy.Handle{}, false, nil
		}
		if err := wait.Sleep(ctx, every); err != nil {
			return deploy.Handle{}, false, err
		}
	}
}

func pick(runs []*gh.WorkflowRun, marker string, since time.Time) *gh.WorkflowRun {
	var fresh []*gh.WorkflowRun
	for _, run := range runs {
		title := run.GetDisplayTitle() + " " + run.GetName()
		if strings.Contains(title, marker) {
			return run
		}
		if !since.IsZero() && !run.GetCreatedAt().Before(since) && !runMarker.MatchString(title) {
			fresh = append(fresh, run)
		}
	}
	if len(fresh) == 1 {
		return fresh[0]
	}
	return nil
}

func handleOf(run *gh.WorkflowRun) deploy.Handle {
	return deploy.Handle{ID: "workflow_run:" + strconv.FormatInt(run.GetID(), 10), URL: run.GetHTMLURL()}
}

func runID(h deploy.Handle) (int64, error) {
	s, ok := strings.CutPrefix(h.ID, "workflow_run:")
	id, err := strconv.ParseInt(s, 10, 64)
	if !ok || err != nil {
		return 0, fmt.Errorf("handle %q is not a workflow run", h.ID)
	}
	return id, nil
}

// Follow polls the run until it completes. A webhook may record the result
// first; the queue then stops following.
func (a *Actions) Follow(ctx context.Context, r deploy.Request, h deploy.Handle) (deploy.Result, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Result{}, err
	}
	id, err := runID(h)
	if err != nil {
		return deploy.Result{}, err
	}
	deadline := a.now().Add(orDefault(a.Timeout, 2*time.Hour))
	approved := false
	for {
		run, _, err := a.Client.Actions.GetWorkflowRunByID(ctx, owner, repo, id)
		switch {
		case err != nil && !transient(err):
			return deploy.Result{}, fmt.Errorf("get workflow run %d of %s: %w", id, r.Repo, err)
		case err != nil:
			a.log().WarnContext(ctx, "polling the workflow run failed; retrying", "run", r.Run.ID, "err", deploy.Redact(err))
		case run.GetStatus() == "completed":
			return a.result(ctx, owner, repo, run), nil
		case run.GetStatus() == "waiting" && a.ApproveReviews && !approved:
			approved = a.approve(ctx, owner, repo, id, r)
		}
		if !a.now().Before(deadline) {
			return deploy.Result{Status: csr.RunFailed, URL: h.URL, Detail: fmt.Sprintf("the workflow run did not complete within %s", orDefault(a.Timeout, 2*time.Hour))}, nil
		}
		if err := wait.Sleep(ctx, a.poll()); err != nil {
			return deploy.Result{}, err
		}
	}
}

func (a *Actions) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

// result maps a completed run to a run result, naming the failed jobs and
// steps when it failed.
func (a *Actions) result(ctx context.Context, owner, repo string, run *gh.WorkflowRun) deploy.Result {
	res := deploy.Result{URL: run.GetHTMLURL(), Status: conclusion(run.GetConclusion())}
	if res.Status == csr.RunSucceeded {
		return res
	}
	res.Detail = "conclusion: " + run.GetConclusion()
	jobs, _, err := a.Client.Actions.ListWorkflowJobs(ctx, owner, repo, run.GetID(), &gh.ListWorkflowJobsOptions{ListOptions: gh.ListOptions{PerPage: 100}})
	if err == nil {
		if failed := failedJobs(jobs.Jobs); failed != "" {
			res.Detail += "; " + failed
		}
	}
	return res
}

func conclusion(c string) csr.RunStatus {
	switch c {
	case "success":
		return csr.RunSucceeded
	case "cancelled":
		return csr.RunCancelled
	default: // failure, timed_out, action_required, startup_failure, stale, neutral, skipped
		return csr.RunFailed
	}
}

// failedJobs says which jobs failed, at which step.
func failedJobs(jobs []*gh.WorkflowJob) string {
	var out []string
	for _, j := range jobs {
		if c := j.GetConclusion(); c != "failure" && c != "timed_out" {
			continue
		}
		s := "job " + j.GetName() + " failed"
		for _, st := range j.Steps {
			if st.GetConclusion() == "failure" {
				s += " at step " + st.GetName()
				break
			}
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

// Cancel cancels the workflow run.
func (a *Actions) Cancel(ctx context.Context, r deploy.Request, h deploy.Handle) error {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return err
	}
	id, err := runID(h)
	if err != nil {
		return err
	}
	resp, err := a.Client.Actions.CancelWorkflowRunByID(ctx, owner, repo, id)
	var accepted *gh.AcceptedError
	if errors.As(err, &accepted) || (resp != nil && resp.StatusCode == http.StatusConflict) {
		return nil // 202: cancelling; 409: already completed
	}
	return err
}

// transient reports whether a GitHub API error is worth retrying: the
// network, rate limits and server errors.
func transient(err error) bool {
	var rl *gh.RateLimitError
	var arl *gh.AbuseRateLimitError
	var er *gh.ErrorResponse
	switch {
	case errors.As(err, &rl), errors.As(err, &arl):
		return true
	case errors.As(err, &er):
		return er.Response != nil && er.Response.StatusCode >= 500
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return true // a network error
}
