package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/clock"
	"releasebot/msg"
)

// Deployments deploys through the GitHub Deployments API: it creates a
// deployment of the run's commit for an environment, with the run in its
// payload, and follows the statuses the team's own CD posts on it. A
// deployment of another commit than the run's is never reported
// succeeded. A deployment cannot be cancelled on GitHub, so one without a
// final status within Timeout has an unknown outcome, not a failed one:
// the team's CD may still deploy it.
type Deployments struct {
	Client *gh.Client
	// Environment is the GitHub environment; "" means the releasebot
	// environment's name.
	Environment string
	Task        string        // "" means "deploy"
	Poll        time.Duration // 0: 15s
	Timeout     time.Duration // 0: 2h
	// FindWait bounds the search for a deployment whose creation GitHub
	// answered with a 5xx or not at all. 0: 30s.
	FindWait time.Duration
	// MaxRateWait is the longest rate limit waited out before creating
	// the deployment is given up. 0: 90s.
	MaxRateWait time.Duration
	Now         func() time.Time
	Log         *slog.Logger
}

var (
	_ deploy.Deployer = (*Deployments)(nil)
	_ deploy.Finder   = (*Deployments)(nil)
)

// deploymentPayload is what the team's CD finds in the deployment.
type deploymentPayload struct {
	Run     string `json:"releasebot_run"`
	CSR     string `json:"csr"`
	Service string `json:"service"`
	Ref     string `json:"ref"`
}

func (d *Deployments) env(r deploy.Request) string {
	if d.Environment != "" {
		return d.Environment
	}
	return r.Run.Env
}

func (d *Deployments) task() string {
	if d.Task != "" {
		return d.Task
	}
	return "deploy"
}

func (d *Deployments) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Deployments) poll() time.Duration { return orDefault(d.Poll, 15*time.Second) }

// Start creates the deployment of the run's exact commit. When GitHub's
// answer is lost (a 5xx, the network), the deployment is looked for
// before deciding.
func (d *Deployments) Start(ctx context.Context, r deploy.Request) (deploy.Handle, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Handle{}, err
	}
	if !fullSHA.MatchString(r.Run.SHA) {
		return deploy.Handle{}, fmt.Errorf("run %s has no full commit SHA (%q); nothing was started", r.Run.ID, r.Run.SHA)
	}
	env, task := d.env(r), d.task()
	desc := fmt.Sprintf("%s (%s) via releasebot", r.CSR, r.Run.ID)
	var dep *gh.Deployment
	err = rateRetry(ctx, d.log(), d.now, orDefault(d.MaxRateWait, defaultMaxRateWait), "create deployment", func() error {
		var err error
		dep, _, err = d.Client.Repositories.CreateDeployment(ctx, owner, repo, &gh.DeploymentRequest{
			Ref: gh.String(r.Run.SHA), Task: gh.String(task), Environment: gh.String(env), AutoMerge: gh.Bool(false),
			Payload: deploymentPayload{Run: r.Run.ID, CSR: string(r.CSR), Service: r.Service, Ref: r.Ref}, Description: gh.String(desc),
			ProductionEnvironment: gh.Bool(r.Run.Purpose != csr.PurposeTest),
		})
		return err
	})
	var limited *rateLimitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return deploy.Handle{}, fmt.Errorf("create a deployment of %s@%s to %s interrupted: %w", r.Repo, short(r.Run.SHA), env, ctx.Err())
	case errors.As(err, &limited):
		return deploy.Handle{}, fmt.Errorf("create a deployment of %s@%s to %s: %v; nothing was started, try again after the reset", r.Repo, short(r.Run.SHA), env, limited)
	case serverSide(err):
		d.log().WarnContext(ctx, "creating the deployment answered without success; looking for it", "run", r.Run.ID, "err", deploy.Redact(err))
		deadline := d.now().Add(orDefault(d.FindWait, 30*time.Second))
		for {
			h, found, ferr := d.Find(ctx, r)
			if found {
				return h, nil
			}
			if ferr == nil && !d.now().Before(deadline) {
				return deploy.Handle{}, fmt.Errorf("creating a deployment of %s@%s to %s answered %s, and none was found; it may still appear: %w",
					r.Repo, short(r.Run.SHA), env, answer(err), deploy.ErrOutcomeUnknown)
			}
			if ferr != nil && (ctx.Err() != nil || !d.now().Before(deadline)) {
				return deploy.Handle{}, ferr
			}
			if err := clock.Sleep(ctx, min(d.poll(), 3*time.Second)); err != nil {
				return deploy.Handle{}, err
			}
		}
	default:
		return deploy.Handle{}, fmt.Errorf("GitHub refused to create a deployment of %s@%s to %s: %s; nothing was started", r.Repo, short(r.Run.SHA), env, answer(err))
	}
	if dep.GetSHA() != "" && dep.GetSHA() != r.Run.SHA {
		return deploy.Handle{}, fmt.Errorf("GitHub created deployment %d of %s to %s for commit %s, not the run's commit %s; mark it inactive on GitHub: %w",
			dep.GetID(), r.Repo, env, dep.GetSHA(), r.Run.SHA, deploy.ErrOutcomeUnknown)
	}
	return deploymentHandle(dep), nil
}

func deploymentHandle(dep *gh.Deployment) deploy.Handle {
	return deploy.Handle{ID: "deployment:" + strconv.FormatInt(dep.GetID(), 10)}
}

// Find looks for the deployment a crashed bot process created, by the run
// id in its payload and the run's commit.
func (d *Deployments) Find(ctx context.Context, r deploy.Request) (deploy.Handle, bool, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Handle{}, false, err
	}
	var deps []*gh.Deployment
	err = rateRetry(ctx, d.log(), d.now, orDefault(d.MaxRateWait, defaultMaxRateWait), "list deployments", func() error {
		var err error
		deps, _, err = d.Client.Repositories.ListDeployments(ctx, owner, repo, &gh.DeploymentsListOptions{
			SHA: r.Run.SHA, Environment: d.env(r), Task: d.task(), ListOptions: gh.ListOptions{PerPage: 100}})
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return deploy.Handle{}, false, ctx.Err()
		}
		return deploy.Handle{}, false, fmt.Errorf("list deployments of %s to tell whether run %s created one (%s): %w", r.Repo, r.Run.ID, answer(err), deploy.ErrOutcomeUnknown)
	}
	for _, dep := range deps {
		if PayloadRun(dep.Payload) == r.Run.ID && dep.GetSHA() == r.Run.SHA {
			return deploymentHandle(dep), true, nil
		}
	}
	return deploy.Handle{}, false, nil
}

// PayloadRun returns the run id in a deployment's payload, or "".
func PayloadRun(payload json.RawMessage) string {
	var p deploymentPayload
	if json.Unmarshal(payload, &p) != nil {
		return ""
	}
	return p.Run
}

// Follow checks the deployment is of the run's commit, then polls its
// statuses until one is final.
func (d *Deployments) Follow(ctx context.Context, r deploy.Request, h deploy.Handle) (deploy.Result, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Result{}, err
	}
	s, ok := strings.CutPrefix(h.ID, "deployment:")
	id, perr := strconv.ParseInt(s, 10, 64)
	if !ok || perr != nil {
		return deploy.Result{}, fmt.Errorf("handle %q is not a deployment", h.ID)
	}
	timeout := orDefault(d.Timeout, 2*time.Hour)
	deadline := d.now().Add(timeout)
	checked := false
	for {
		sleep := d.poll()
		var err error
		if !checked {
			var dep *gh.Deployment
			dep, _, err = d.Client.Repositories.GetDeployment(ctx, owner, repo, id)
			if err == nil {
				if dep.GetSHA() != r.Run.SHA {
					return deploy.Result{Status: csr.RunFailed, URL: h.URL,
						Detail: msg.T(msg.GitHubDeploymentCommit, "got", dep.GetSHA(), "want", r.Run.SHA).String()}, nil
				}
				checked = true
			}
		}
		var sts []*gh.DeploymentStatus
		if err == nil {
			sts, _, err = d.Client.Repositories.ListDeploymentStatuses(ctx, owner, repo, id, &gh.ListOptions{PerPage: 100})
		}
		switch {
		case ctx.Err() != nil:
			return deploy.Result{}, ctx.Err()
		case err != nil:
			if until, limited := rateLimitedUntil(err, d.now()); limited {
				d.log().WarnContext(ctx, "GitHub rate limit while following; waiting for its reset", "run", r.Run.ID, "reset", until.UTC().Format(time.RFC3339))
				sleep = max(sleep, until.Sub(d.now())+rateMargin)
				break
			}
			if serverSide(err) {
				d.log().WarnContext(ctx, "polling the deployment failed; retrying", "run", r.Run.ID, "err", deploy.Redact(err))
				break
			}
			if code := statusOf(err); code == http.StatusUnauthorized || code == http.StatusForbidden || errors.Is(err, errAppAuth) {
				return deploy.Result{}, fmt.Errorf("GitHub credentials stopped working while following deployment %d of %s: %s; the team's CD may still deploy it: %w",
					id, r.Repo, answer(err), deploy.ErrOutcomeUnknown)
			}
			return deploy.Result{}, fmt.Errorf("following deployment %d of %s: %s; the team's CD may still deploy it: %w", id, r.Repo, answer(err), deploy.ErrOutcomeUnknown)
		default:
			if res, done := statusResult(sts); done {
				return res, nil
			}
		}
		if !d.now().Before(deadline) {
			return deploy.Result{}, fmt.Errorf("deployment %d of %s@%s got no final status within %s; a GitHub deployment cannot be cancelled, "+
				"so the team's CD may still deploy it: check the CD, then record the outcome: %w", id, r.Repo, short(r.Run.SHA), timeout, deploy.ErrOutcomeUnknown)
		}
		if err := clock.Sleep(ctx, sleep); err != nil {
			return deploy.Result{}, err
		}
	}
}

func (d *Deployments) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

// statusResult reads the statuses, newest first as GitHub lists them.
// "inactive" is set on a deployment that a newer one replaced, after it
// succeeded, so a success further down still counts.
func statusResult(sts []*gh.DeploymentStatus) (deploy.Result, bool) {
	for i, st := range sts {
		status, final := deploymentState(st.GetState())
		if !final {
			if st.GetState() == "inactive" {
				continue
			}
			return deploy.Result{}, false
		}
		if i > 0 && sts[0].GetState() != "inactive" {
			return deploy.Result{}, false
		}
		return deploy.Result{Status: status, URL: statusURL(st), Detail: st.GetDescription()}, true
	}
	return deploy.Result{}, false
}

// deploymentState maps a deployment status state.
func deploymentState(s string) (csr.RunStatus, bool) {
	switch s {
	case "success":
		return csr.RunSucceeded, true
	case "failure", "error":
		return csr.RunFailed, true
	}
	return csr.RunRunning, false // queued, pending, in_progress, inactive
}

func statusURL(st *gh.DeploymentStatus) string {
	for _, u := range []string{st.GetLogURL(), st.GetTargetURL(), st.GetEnvironmentURL()} {
		if u != "" {
			return u
		}
	}
	return ""
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
