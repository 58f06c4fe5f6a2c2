package github

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/wait"
)

// Deployments deploys through the GitHub Deployments API: it creates a
// deployment of the run's commit for an environment, with the run in its
// payload, and follows the statuses the team's own CD posts on it.
type Deployments struct {
	Client *gh.Client
	// Environment is the GitHub environment; "" means the releasebot
	// environment's name.
	Environment string
	Task        string        // "" means "deploy"
	Poll        time.Duration // 0: 15s
	Timeout     time.Duration // 0: 2h
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

// Start creates the deployment of the run's exact commit.
func (d *Deployments) Start(ctx context.Context, r deploy.Request) (deploy.Handle, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Handle{}, err
	}
	env, task := d.env(r), d.task()
	desc := fmt.Sprintf("%s (%s) via releasebot", r.CSR, r.Run.ID)
	dep, _, err := d.Client.Repositories.CreateDeployment(ctx, owner, repo, &gh.DeploymentRequest{
		Ref: gh.String(r.Run.SHA), Task: gh.String(task), Environment: gh.String(env), AutoMerge: gh.Bool(false),
		Payload: deploymentPayload{Run: r.Run.ID, CSR: string(r.CSR), Service: r.Service, Ref: r.Ref}, Description: gh.String(desc),
		ProductionEnvironment: gh.Bool(r.Run.Purpose != csr.PurposeTest),
	})
	if err != nil {
		return deploy.Handle{}, fmt.Errorf("create a deployment of %s@%s to %s: %w", r.Repo, short(r.Run.SHA), env, err)
	}
	return deploymentHandle(dep), nil
}

func deploymentHandle(dep *gh.Deployment) deploy.Handle {
	return deploy.Handle{ID: "deployment:" + strconv.FormatInt(dep.GetID(), 10)}
}

// Find looks for the deployment a crashed bot process created, by the run
// id in its payload.
func (d *Deployments) Find(ctx context.Context, r deploy.Request) (deploy.Handle, bool, error) {
	owner, repo, err := splitRepo(r.Repo)
	if err != nil {
		return deploy.Handle{}, false, err
	}
	deps, _, err := d.Client.Repositories.ListDeployments(ctx, owner, repo, &gh.DeploymentsListOptions{
		SHA: r.Run.SHA, Environment: d.env(r), Task: d.task(), ListOptions: gh.ListOptions{PerPage: 100}})
	if err != nil {
		return deploy.Handle{}, false, fmt.Errorf("list deployments of %s: %w", r.Repo, err)
	}
	for _, dep := range deps {
		if PayloadRun(dep.Payload) == r.Run.ID {
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

// Follow polls the deployment's statuses until one is final.
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
	for {
		sts, _, err := d.Client.Repositories.ListDeploymentStatuses(ctx, owner, repo, id, &gh.ListOptions{PerPage: 100})
		switch {
		case err != nil && !transient(err):
			return deploy.Result{}, fmt.Errorf("deployment %d statuses: %w", id, err)
		case err != nil:
			d.log().WarnContext(ctx, "polling deployment statuses failed; retrying", "run", r.Run.ID, "err", deploy.Redact(err))
		default:
			if res, done := statusResult(sts); done {
				return res, nil
			}
		}
		if !d.now().Before(deadline) {
			return deploy.Result{Status: csr.RunFailed, URL: h.URL, Detail: "no final deployment status within " + timeout.String()}, nil
		}
		if err := wait.Sleep(ctx, orDefault(d.Poll, 15*time.Second)); err != nil {
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
