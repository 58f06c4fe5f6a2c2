package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/clock"
	"releasebot/msg"
)

// MarkerInput is the workflow input that carries the run id
// ("CSR-1/deploy/1"). A dispatch returns no run id, so the bot finds the
// run it started by this marker: the workflow must show it in its run name,
//
//	run-name: "Deploy ${{ inputs.environment }} (${{ inputs.releasebot_run }})"
const MarkerInput = "releasebot_run"

// SHAInput is the workflow input that carries the full commit SHA the run
// deploys; the workflow should check that it checked out exactly that.
const SHAInput = "sha"

// botInputs are the inputs every dispatch carries, besides the configured
// ones. (Before the dispatch ran on a tag at the exact commit, the bot also
// sent "ref", the branch name; it no longer does.)
var botInputs = []string{MarkerInput, "csr", "environment", SHAInput}

// BotInputs returns the workflow inputs the bot always sends; configured
// inputs must not use these names.
func BotInputs() []string { return slices.Clone(botInputs) }

// runMarker finds a run id in a run name or title.
var runMarker = regexp.MustCompile(`[A-Z][A-Z0-9]{0,9}-[0-9]+/(?:test|deploy|rollback)/[0-9]+`)

// fullSHA is a full commit SHA as GitHub writes it.
var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// TagName is the short-lived tag a run is dispatched on,
// refs/tags/releasebot/<run id with "/" as "-">: it points at the run's
// exact commit, so what the workflow checks out is what was approved, even
// when the branch has moved since.
func TagName(runID string) string { return "releasebot/" + strings.ReplaceAll(runID, "/", "-") }

// Actions deploys by dispatching a GitHub Actions workflow
// (workflow_dispatch) on a tag at the run's exact commit, and following
// the run it started.
//
// A run is the bot's only when it is of the configured workflow, was
// started by workflow_dispatch, on the run's tag, builds the run's commit
// and shows the run id in its name: a manual run, another workflow's run
// or a run on the branch is never taken for it. Its handle names the run
// and its attempt ("workflow_run:<id>/<attempt>"), so a later re-run of
// the same run never changes the outcome the bot reports.
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
	// Timeout is how long a run may take, not counting the time it waits
	// for the environment's required reviewers; then it is cancelled on
	// GitHub. 0: 2h.
	Timeout time.Duration
	// ReviewTimeout is how long a run may wait for the required
	// reviewers before it is cancelled on GitHub. 0: 24h.
	ReviewTimeout time.Duration
	// CancelWait is how long to wait, after asking GitHub to cancel a
	// timed-out run, for its final conclusion. 0: 2m.
	CancelWait time.Duration
	// FindWait is how long to look for a dispatched run before giving up;
	// GitHub lists a new run after a few seconds. 0: 2m.
	FindWait time.Duration
	// MaxRateWait is the longest rate limit waited out before a dispatch
	// is given up. 0: 90s.
	MaxRateWait time.Duration
	Now         func() time.Time
	Log         *slog.Logger
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

func (a *Actions) poll() time.Duration          { return orDefault(a.Poll, 15*time.Second) }
func (a *Actions) findWait() time.Duration      { return orDefault(a.FindWait, 2*time.Minute) }
func (a *Actions) timeout() time.Duration       { return orDefault(a.Timeout, 2*time.Hour) }
func (a *Actions) reviewTimeout() time.Duration { return orDefault(a.ReviewTimeout, 24*time.Hour) }
func (a *Actions) cancelWait() time.Duration    { return orDefault(a.CancelWait, 2*time.Minute) }
func (a *Actions) maxRateWait() time.Duration   { return orDefault(a.MaxRateWait, defaultMaxRateWait) }

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

func (a *Actions) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

// SentInputs lists the names of the inputs every dispatch carries, sorted:
// the bot's own (BotInputs) and the configured ones. The workflow must
// declare each of them, and require no other.
func (a *Actions) SentInputs() []string {
	out := BotInputs()
	for k := range a.Inputs {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// inputs are the dispatch's inputs.
func (a *Actions) inputs(r deploy.Request) map[string]any {
	in := map[string]any{}
	for k, v := range a.Inputs {
		in[k] = v
	}
	in[MarkerInput] = r.Run.ID
	in["csr"] = string(r.CSR)
	in["environment"] = a.env(r)
	in[SHAInput] = r.Run.SHA
	return in
}

// Start puts the run's tag on its exact commit, dispatches the workflow
// on that tag and finds the run the dispatch started.
func (a *Actions) Start(ctx context.Context, r deploy.Request) (deploy.Handle, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Handle{}, err
	}
	if !fullSHA.MatchString(r.Run.SHA) {
		return deploy.Handle{}, fmt.Errorf("run %s has no full commit SHA (%q), so it cannot be pinned; nothing was started", r.Run.ID, r.Run.SHA)
	}
	tag := TagName(r.Run.ID)
	if err := a.ensureTag(ctx, owner, repo, r, tag); err != nil {
		return deploy.Handle{}, err
	}
	err = rateRetry(ctx, a.log(), a.now, a.maxRateWait(), "dispatch", func() error { return a.dispatch(ctx, owner, repo, tag, r) })
	var limited *rateLimitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return deploy.Handle{}, fmt.Errorf("dispatch workflow %s of %s interrupted: %w", a.Workflow, r.Repo, ctx.Err())
	case errors.As(err, &limited):
		a.deleteTag(ctx, owner, repo, r)
		return deploy.Handle{}, fmt.Errorf("dispatch workflow %s of %s: %v; nothing was started, try again after the reset", a.Workflow, r.Repo, limited)
	case serverSide(err):
		// GitHub may have created the run and lost its answer: look
		// before deciding.
		a.log().WarnContext(ctx, "dispatch answered without success; looking for the run", "run", r.Run.ID, "err", deploy.Redact(err))
		h, found, unmarked, ferr := a.find(ctx, owner, repo, r, tag)
		switch {
		case ferr != nil:
			return deploy.Handle{}, ferr
		case found:
			return h, nil
		case unmarked != nil:
			return deploy.Handle{}, a.unmarkedError(r, unmarked)
		}
		return deploy.Handle{}, fmt.Errorf("dispatching workflow %s of %s on tag %s answered %s, and no run of it appeared within %s; it may still appear: %w",
			a.Workflow, r.Repo, tag, answer(err), a.findWait(), deploy.ErrOutcomeUnknown)
	default:
		a.deleteTag(ctx, owner, repo, r)
		return deploy.Handle{}, fmt.Errorf("GitHub refused to dispatch workflow %s of %s on tag %s: %s%s; nothing was started",
			a.Workflow, r.Repo, tag, answer(err), dispatchHint(err))
	}
	h, found, unmarked, err := a.find(ctx, owner, repo, r, tag)
	switch {
	case err != nil:
		return deploy.Handle{}, err
	case found:
		return h, nil
	case unmarked != nil:
		return deploy.Handle{}, a.unmarkedError(r, unmarked)
	}
	return deploy.Handle{}, fmt.Errorf("dispatched workflow %s of %s on tag %s, but no run of it appeared within %s; GitHub may be slow, and the run may still appear: %w",
		a.Workflow, r.Repo, tag, a.findWait(), deploy.ErrOutcomeUnknown)
}

// dispatchHint says how to fix a refused dispatch, when GitHub's answer
// tells.
func dispatchHint(err error) string {
	m := messageOf(err)
	switch {
	case strings.Contains(m, "Unexpected inputs"):
		return " (declare these inputs under on.workflow_dispatch.inputs of the workflow, or remove them from the deployer's inputs; `releasebot doctor` checks the workflow)"
	case strings.Contains(m, "Required input"):
		return " (the workflow requires an input the bot does not send: give it a default, or set it in the deployer's inputs)"
	case strings.Contains(m, "workflow_dispatch"):
		return " (add a workflow_dispatch trigger to the workflow)"
	case statusOf(err) == http.StatusNotFound:
		return " (check the deployer's workflow and that the token or app installation may run Actions in the repository)"
	}
	return ""
}

func (a *Actions) unmarkedError(r deploy.Request, run *gh.WorkflowRun) error {
	return fmt.Errorf("workflow run %s is on the run's tag %s but its name %q does not show the run id %s: the workflow's run-name lacks ${{ inputs.%s }}; "+
		"check that run on GitHub (it may be deploying) and add the marker to run-name: %w",
		run.GetHTMLURL(), TagName(r.Run.ID), run.GetDisplayTitle(), r.Run.ID, MarkerInput, deploy.ErrOutcomeUnknown)
}

func (a *Actions) dispatch(ctx context.Context, owner, repo, tag string, r deploy.Request) error {
	ev := gh.CreateWorkflowDispatchEventRequest{Ref: tag, Inputs: a.inputs(r)}
	if id, err := strconv.ParseInt(a.Workflow, 10, 64); err == nil {
		_, err = a.Client.Actions.CreateWorkflowDispatchEventByID(ctx, owner, repo, id, ev)
		return err
	}
	_, err := a.Client.Actions.CreateWorkflowDispatchEventByFileName(ctx, owner, repo, a.Workflow, ev)
	return err
}

// ensureTag creates the run's tag at its commit. A tag that already
// points there is a retry after a crash; one elsewhere is refused.
func (a *Actions) ensureTag(ctx context.Context, owner, repo string, r deploy.Request, tag string) error {
	ref, sha := "refs/tags/"+tag, r.Run.SHA
	err := rateRetry(ctx, a.log(), a.now, a.maxRateWait(), "create tag", func() error {
		_, _, err := a.Client.Git.CreateRef(ctx, owner, repo, &gh.Reference{Ref: gh.String(ref), Object: &gh.GitObject{SHA: gh.String(sha)}})
		return err
	})
	var limited *rateLimitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.As(err, &limited):
		return fmt.Errorf("create tag %s in %s/%s: %v; nothing was started, try again after the reset", tag, owner, repo, limited)
	case statusOf(err) == http.StatusUnprocessableEntity && strings.Contains(messageOf(err), "already exists"):
		at, gerr := a.tagCommit(ctx, owner, repo, tag)
		switch {
		case gerr != nil:
			return fmt.Errorf("tag %s already exists in %s/%s and could not be read (%s); nothing was started", tag, owner, repo, answer(gerr))
		case at != sha:
			return fmt.Errorf("tag %s already exists in %s/%s at commit %s, not at the approved commit %s; refusing to deploy: delete the tag if it is stale, then run it again; nothing was started",
				tag, owner, repo, at, sha)
		}
		return nil // a retry: the tag is ours
	case statusOf(err) == http.StatusUnprocessableEntity:
		return fmt.Errorf("GitHub refused to create tag %s at commit %s in %s/%s: %s (is the commit pushed to the repository?); nothing was started",
			tag, sha, owner, repo, answer(err))
	}
	return fmt.Errorf("create tag %s at commit %s in %s/%s: %s; nothing was started", tag, sha, owner, repo, answer(err))
}

// tagCommit is the commit a tag points at; "" with a nil error when
// there is no such tag.
func (a *Actions) tagCommit(ctx context.Context, owner, repo, tag string) (string, error) {
	var ref *gh.Reference
	err := rateRetry(ctx, a.log(), a.now, a.maxRateWait(), "get tag", func() error {
		var err error
		ref, _, err = a.Client.Git.GetRef(ctx, owner, repo, "tags/"+tag)
		return err
	})
	if statusOf(err) == http.StatusNotFound {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return ref.GetObject().GetSHA(), nil
}

// deleteTag removes the run's tag once it is no longer needed. A failure
// is logged, never the run's.
func (a *Actions) deleteTag(ctx context.Context, owner, repo string, r deploy.Request) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	tag := TagName(r.Run.ID)
	_, err := a.Client.Git.DeleteRef(ctx, owner, repo, "tags/"+tag)
	if err == nil || (statusOf(err) == http.StatusUnprocessableEntity && strings.Contains(messageOf(err), "does not exist")) {
		return
	}
	a.log().WarnContext(ctx, "could not delete the run's tag; delete it by hand", "run", r.Run.ID, "tag", tag, "repo", r.Repo, "err", deploy.Redact(err))
}

// Find looks for the run a crashed bot process dispatched. Without the
// run's tag the dispatch never happened; with it, the run is looked for by
// its identity, and not finding it leaves the outcome unknown.
func (a *Actions) Find(ctx context.Context, r deploy.Request) (deploy.Handle, bool, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Handle{}, false, err
	}
	tag := TagName(r.Run.ID)
	at, err := a.tagCommit(ctx, owner, repo, tag)
	switch {
	case err != nil && ctx.Err() != nil:
		return deploy.Handle{}, false, ctx.Err()
	case err != nil:
		return deploy.Handle{}, false, fmt.Errorf("could not read tag %s of %s to tell whether the workflow was dispatched (%s): %w", tag, r.Repo, answer(err), deploy.ErrOutcomeUnknown)
	case at == "":
		return deploy.Handle{}, false, nil // the tag comes before the dispatch: never dispatched
	case at != r.Run.SHA:
		return deploy.Handle{}, false, fmt.Errorf("tag %s of %s points at commit %s, not at the run's commit %s; check the workflow's runs on GitHub, "+
			"and delete the tag if no run of it deploys: %w", tag, r.Repo, at, r.Run.SHA, deploy.ErrOutcomeUnknown)
	}
	h, found, unmarked, err := a.find(ctx, owner, repo, r, tag)
	switch {
	case err != nil:
		return deploy.Handle{}, false, err
	case found:
		return h, true, nil
	case unmarked != nil:
		return deploy.Handle{}, false, a.unmarkedError(r, unmarked)
	}
	return deploy.Handle{}, false, fmt.Errorf("tag %s of %s exists, so workflow %s may have been dispatched, but no run of it appeared within %s; "+
		"if none appears on GitHub, the dispatch never happened: delete the tag and the bot starts the run: %w",
		tag, r.Repo, a.Workflow, a.findWait(), deploy.ErrOutcomeUnknown)
}

// find lists the workflow's dispatched runs of the run's commit on its tag
// until one is the run's, for at most FindWait. unmarked is a run that
// matches in everything but the run id in its name.
func (a *Actions) find(ctx context.Context, owner, repo string, r deploy.Request, tag string) (h deploy.Handle, found bool, unmarked *gh.WorkflowRun, err error) {
	opts := &gh.ListWorkflowRunsOptions{Branch: tag, Event: "workflow_dispatch", HeadSHA: r.Run.SHA, ListOptions: gh.ListOptions{PerPage: 100}}
	deadline := a.now().Add(a.findWait())
	every := min(a.poll(), 3*time.Second)
	for {
		var runs *gh.WorkflowRuns
		if id, perr := strconv.ParseInt(a.Workflow, 10, 64); perr == nil {
			runs, _, err = a.Client.Actions.ListWorkflowRunsByID(ctx, owner, repo, id, opts)
		} else {
			runs, _, err = a.Client.Actions.ListWorkflowRunsByFileName(ctx, owner, repo, a.Workflow, opts)
		}
		_, limited := rateLimitedUntil(err, a.now())
		switch {
		case err != nil && ctx.Err() != nil:
			return deploy.Handle{}, false, nil, ctx.Err()
		case err != nil && !limited && !serverSide(err):
			return deploy.Handle{}, false, nil, fmt.Errorf("list runs of workflow %s of %s/%s to find run %s (%s): %w",
				a.Workflow, owner, repo, r.Run.ID, answer(err), deploy.ErrOutcomeUnknown)
		case err != nil:
			a.log().WarnContext(ctx, "listing workflow runs failed; retrying", "run", r.Run.ID, "err", deploy.Redact(err))
		default:
			var mine *gh.WorkflowRun
			for _, run := range runs.WorkflowRuns {
				if !a.identical(run, r, tag) {
					continue
				}
				if !marked(run, r.Run.ID) {
					if unmarked == nil {
						unmarked = run
					}
					continue
				}
				if mine == nil || run.GetID() < mine.GetID() { // the first dispatched
					mine = run
				}
			}
			if mine != nil {
				return handleOf(mine), true, nil, nil
			}
		}
		if !a.now().Before(deadline) {
			return deploy.Handle{}, false, unmarked, nil
		}
		if err := clock.Sleep(ctx, every); err != nil {
			return deploy.Handle{}, false, nil, err
		}
	}
}

// identical reports whether a run is, but for its name, one the bot's
// dispatch of r started: the configured workflow, dispatched, on the
// run's tag, building its commit.
func (a *Actions) identical(run *gh.WorkflowRun, r deploy.Request, tag string) bool {
	if run.GetEvent() != "workflow_dispatch" || run.GetHeadSHA() != r.Run.SHA || run.GetHeadBranch() != tag {
		return false
	}
	if id, err := strconv.ParseInt(a.Workflow, 10, 64); err == nil {
		return run.GetWorkflowID() == id
	}
	// Listed by the workflow's own endpoint, which lists only its runs
	// (go-github's WorkflowRun carries no path to compare).
	return true
}

// marked reports whether the run's name shows exactly this run id
// (CSR-1/deploy/1 is not CSR-1/deploy/12).
func marked(run *gh.WorkflowRun, id string) bool {
	return slices.Contains(runMarker.FindAllString(run.GetDisplayTitle()+" "+run.GetName(), -1), id)
}

func handleOf(run *gh.WorkflowRun) deploy.Handle {
	return deploy.Handle{ID: runExternal(run.GetID(), run.GetRunAttempt()), URL: run.GetHTMLURL()}
}

// runExternal is the id of one attempt of a workflow run:
// "workflow_run:<id>/<attempt>".
func runExternal(id int64, attempt int) string {
	if attempt < 1 {
		attempt = 1
	}
	return "workflow_run:" + strconv.FormatInt(id, 10) + "/" + strconv.Itoa(attempt)
}

// runID reads a handle: "workflow_run:<id>/<attempt>", or
// "workflow_run:<id>" (linked before attempts were part of it: the first).
func runID(h deploy.Handle) (int64, int, error) {
	s, ok := strings.CutPrefix(h.ID, "workflow_run:")
	ids, att, hasAttempt := strings.Cut(s, "/")
	id, err := strconv.ParseInt(ids, 10, 64)
	attempt := 1
	if hasAttempt {
		n, aerr := strconv.Atoi(att)
		if aerr != nil || n < 1 {
			err = errors.Join(err, fmt.Errorf("bad attempt %q", att))
		}
		attempt = n
	}
	if !ok || err != nil || id <= 0 {
		return 0, 0, fmt.Errorf("handle %q is not a workflow run", h.ID)
	}
	return id, attempt, nil
}

// Follow polls the run's attempt until it completes. A webhook may record
// the result first; the queue then stops following. A run that builds
// another commit than the run's is never reported succeeded. When the run
// takes longer than Timeout (not counting its wait for required
// reviewers), or waits for reviewers longer than ReviewTimeout, it is
// cancelled on GitHub and GitHub's final word is reported.
func (a *Actions) Follow(ctx context.Context, r deploy.Request, h deploy.Handle) (deploy.Result, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Result{}, err
	}
	id, attempt, err := runID(h)
	if err != nil {
		return deploy.Result{}, err
	}
	res, err := a.follow(ctx, owner, repo, r, h, id, attempt)
	if err == nil {
		a.deleteTag(ctx, owner, repo, r)
	}
	return res, err
}

func (a *Actions) follow(ctx context.Context, owner, repo string, r deploy.Request, h deploy.Handle, id int64, attempt int) (deploy.Result, error) {
	var active time.Duration // time not spent waiting for reviewers
	last := a.now()
	var waitingSince time.Time
	prevWaiting := false
	for {
		run, _, err := a.Client.Actions.GetWorkflowRunAttempt(ctx, owner, repo, id, attempt, nil)
		now := a.now()
		if !prevWaiting {
			active += now.Sub(last)
		}
		last = now
		sleep := a.poll()
		switch {
		case ctx.Err() != nil:
			return deploy.Result{}, ctx.Err()
		case err != nil:
			if until, limited := rateLimitedUntil(err, now); limited {
				// Not a failure: GitHub answers again after the reset.
				a.log().WarnContext(ctx, "GitHub rate limit while following; waiting for its reset", "run", r.Run.ID, "reset", until.UTC().Format(time.RFC3339))
				sleep = max(sleep, until.Sub(now)+rateMargin)
				break
			}
			if serverSide(err) {
				a.log().WarnContext(ctx, "polling the workflow run failed; retrying", "run", r.Run.ID, "err", deploy.Redact(err))
				break
			}
			return deploy.Result{}, a.followError(r, h, id, attempt, err)
		default:
			if run.GetHeadSHA() != r.Run.SHA {
				return a.wrongCommit(ctx, owner, repo, r, run), nil
			}
			status := run.GetStatus()
			if status == "completed" {
				return a.result(ctx, owner, repo, run, attempt), nil
			}
			if status != "waiting" {
				waitingSince, prevWaiting = time.Time{}, false
				break
			}
			prevWaiting = true
			if waitingSince.IsZero() {
				waitingSince = now
				a.review(ctx, owner, repo, run, r)
			}
			if now.Sub(waitingSince) >= a.reviewTimeout() {
				return a.expire(ctx, owner, repo, r, h, id, attempt,
					msg.T(msg.GitHubReviewTimedOut, "timeout", a.reviewTimeout().String(), "env", a.env(r)))
			}
		}
		if active >= a.timeout() {
			return a.expire(ctx, owner, repo, r, h, id, attempt, msg.T(msg.GitHubTimedOutCancelled, "timeout", a.timeout().String()))
		}
		if err := clock.Sleep(ctx, sleep); err != nil {
			return deploy.Result{}, err
		}
	}
}

// followError: GitHub stopped answering about the run in a way that says
// nothing about the run itself.
func (a *Actions) followError(r deploy.Request, h deploy.Handle, id int64, attempt int, err error) error {
	switch code := statusOf(err); {
	case code == http.StatusUnauthorized || code == http.StatusForbidden || errors.Is(err, errAppAuth):
		return fmt.Errorf("GitHub credentials stopped working while following workflow run %d (attempt %d, %s) of %s: %s; the run may still deploy: check it on GitHub: %w",
			id, attempt, h.URL, r.Repo, answer(err), deploy.ErrOutcomeUnknown)
	case code == http.StatusNotFound:
		return fmt.Errorf("GitHub no longer shows workflow run %d (attempt %d, %s) of %s to the bot; it may still deploy: check it on GitHub: %w",
			id, attempt, h.URL, r.Repo, deploy.ErrOutcomeUnknown)
	}
	return fmt.Errorf("following workflow run %d (attempt %d, %s) of %s: %s: %w", id, attempt, h.URL, r.Repo, answer(err), deploy.ErrOutcomeUnknown)
}

// wrongCommit stops a run that builds another commit than the approved
// one, and reports it failed.
func (a *Actions) wrongCommit(ctx context.Context, owner, repo string, r deploy.Request, run *gh.WorkflowRun) deploy.Result {
	a.log().ErrorContext(ctx, "the workflow run builds another commit than the approved one", "run", r.Run.ID,
		"want", r.Run.SHA, "got", run.GetHeadSHA(), "url", run.GetHTMLURL())
	if run.GetStatus() != "completed" {
		if err := a.cancelRun(ctx, owner, repo, run.GetID()); err != nil {
			a.log().WarnContext(ctx, "could not cancel the run of another commit", "run", r.Run.ID, "err", deploy.Redact(err))
		}
	}
	return deploy.Result{Status: csr.RunFailed, URL: run.GetHTMLURL(),
		Detail: msg.T(msg.GitHubWrongCommit, "got", run.GetHeadSHA(), "want", r.Run.SHA).String()}
}

// expire cancels a run that took too long and reports what GitHub says it
// came to: a cancel takes a while, and the run may still succeed.
func (a *Actions) expire(ctx context.Context, owner, repo string, r deploy.Request, h deploy.Handle, id int64, attempt int, why msg.Text) (deploy.Result, error) {
	a.log().WarnContext(ctx, "the workflow run took too long; cancelling it on GitHub", "run", r.Run.ID, "why", why.String())
	cancelErr := a.cancelRun(ctx, owner, repo, id)
	if ctx.Err() != nil {
		return deploy.Result{}, ctx.Err()
	}
	deadline := a.now().Add(a.cancelWait())
	every := min(a.poll(), 5*time.Second)
	for {
		run, _, err := a.Client.Actions.GetWorkflowRunAttempt(ctx, owner, repo, id, attempt, nil)
		switch {
		case ctx.Err() != nil:
			return deploy.Result{}, ctx.Err()
		case err == nil && run.GetHeadSHA() != r.Run.SHA:
			return a.wrongCommit(ctx, owner, repo, r, run), nil
		case err == nil && run.GetStatus() == "completed":
			res := a.result(ctx, owner, repo, run, attempt)
			if res.Status == csr.RunCancelled {
				res.Detail = why.String()
			}
			return res, nil
		}
		if !a.now().Before(deadline) {
			note := ""
			if cancelErr != nil {
				note = " (the cancel request failed: " + answer(cancelErr) + ")"
			}
			return deploy.Result{}, fmt.Errorf("%s The bot asked GitHub to cancel workflow run %d (%s) of %s%s, but it had not completed %s later; it may still deploy: %w",
				why.String(), id, h.URL, r.Repo, note, a.cancelWait(), deploy.ErrOutcomeUnknown)
		}
		if err := clock.Sleep(ctx, every); err != nil {
			return deploy.Result{}, err
		}
	}
}

// result maps a completed run to a run result, naming the failed jobs and
// steps when it failed.
func (a *Actions) result(ctx context.Context, owner, repo string, run *gh.WorkflowRun, attempt int) deploy.Result {
	res := deploy.Result{URL: run.GetHTMLURL(), Status: conclusion(run.GetConclusion())}
	if res.Status == csr.RunSucceeded {
		return res
	}
	res.Detail = "conclusion: " + run.GetConclusion()
	jobs, _, err := a.Client.Actions.ListWorkflowJobsAttempt(ctx, owner, repo, run.GetID(), int64(attempt), &gh.ListOptions{PerPage: 100})
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

// Cancel cancels the run's attempt, if it still goes on, and removes the
// run's tag. Cancelling twice, or a run that already completed, is fine.
func (a *Actions) Cancel(ctx context.Context, r deploy.Request, h deploy.Handle) error {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return err
	}
	id, attempt, err := runID(h)
	if err != nil {
		return err
	}
	// A cancel stops the run's latest attempt: leave a later re-run,
	// which is not the bot's, alone once the bot's attempt is over.
	if run, _, err := a.Client.Actions.GetWorkflowRunAttempt(ctx, owner, repo, id, attempt, nil); err == nil && run.GetStatus() == "completed" {
		a.deleteTag(ctx, owner, repo, r)
		return nil
	}
	if err := a.cancelRun(ctx, owner, repo, id); err != nil {
		return fmt.Errorf("cancel workflow run %d of %s: %s", id, r.Repo, answer(err))
	}
	a.deleteTag(ctx, owner, repo, r)
	return nil
}

// cancelRun asks GitHub to cancel a run: 202 accepted, 409 already
// completed.
func (a *Actions) cancelRun(ctx context.Context, owner, repo string, id int64) error {
	_, err := a.Client.Actions.CancelWorkflowRunByID(ctx, owner, repo, id)
	var accepted *gh.AcceptedError
	if err == nil || errors.As(err, &accepted) || statusOf(err) == http.StatusConflict {
		return nil
	}
	return err
}
