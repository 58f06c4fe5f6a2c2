package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"releasebot/bot"
	"releasebot/commands"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/deployq"
	"releasebot/integrations/deploy"
	"releasebot/integrations/github"
	"releasebot/integrations/gitref"
)

// Environment variables of deploys. Secrets and endpoints never come from
// the config file.
const (
	EnvDeployWebhookSecret = "DEPLOY_WEBHOOK_SECRET" // signs webhook deploys and verifies their callbacks
)

// deployWiring is what the deploy endpoints need.
type deployWiring struct {
	callbackSecret deploy.Secret
	github         http.Handler
}

// wireDeploys builds the deployers of every service and environment, the
// deploy queue and its worker (run from Start), and returns the ref
// resolver for commands.
func (a *App) wireDeploys(ctx context.Context, o Options, effects *bot.Effects, observed observedEffects) (commands.RefResolver, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg := o.Config
	a.deploys.callbackSecret = deploy.NewSecret(getenv(EnvDeployWebhookSecret))
	var client *gh.Client
	if usesGitHub(cfg) {
		settings, err := github.SettingsFromEnv(getenv)
		if err != nil {
			return nil, fmt.Errorf("the config deploys through GitHub: %w", err)
		}
		settings.Transport = a.Metrics.Transport("github", settings.Transport)
		if client, err = github.NewClient(settings); err != nil {
			return nil, err
		}
	}
	deps, err := buildDeployers(cfg, client, a.deploys.callbackSecret, o.Log)
	if err != nil {
		return nil, err
	}
	// A deployer that can never learn its result would leave runs hanging
	// silently; say so loudly at startup.
	for _, w := range deploy.CheckEnvironment(deps, a.deploys.callbackSecret) {
		o.Log.ErrorContext(ctx, "deploy setup: "+w)
	}
	qo := o.Deploys
	qo.Store, qo.Jobs, qo.Deployers, qo.Services, qo.Clock, qo.Log = a.Store, a.Store, deps, o.Policy, o.Clock, o.Log
	// The queue announces through the same effects as the commands, so a
	// run's link, progress and result redraw the messenger's card too.
	qo.Effects = observed
	a.Runner = deployq.New(ctx, qo)
	effects.Runs = a.Runner
	// The worker claims and reclaims jobs and announces their results:
	// it starts with Start, once the notices can be delivered.
	a.onStart(func(ctx context.Context) { a.background(ctx, a.Runner.Work) })
	a.deploys.github = &github.Webhook{Secret: deploy.NewSecret(getenv(github.EnvWebhookSecret)), Reports: a.Runner,
		Claims: a.Store, Unknown: deployq.ErrUnknownRun, Log: o.Log}
	if client != nil {
		return github.Refs{Client: client}, nil
	}
	return gitref.Offline{}, nil
}

// usesGitHub reports whether any service deploys through GitHub.
func usesGitHub(cfg *config.Config) bool {
	for _, svc := range cfg.Services() {
		for _, env := range svc.Environments {
			if dc, _ := cfg.DeployerFor(svc.Name, env); strings.HasPrefix(dc.Kind, "github-") {
				return true
			}
		}
	}
	return false
}

// deployRoutes mounts the endpoints deploy systems report to.
func (a *App) deployRoutes(mux *http.ServeMux) {
	mux.Handle("POST /deploy/callback", deployq.CallbackHandler(a.Runner, a.deploys.callbackSecret, a.Handler.Log))
	mux.Handle("POST /github/webhook", a.deploys.github)
}

// deployers holds the deployer of every service and environment, built
// once: a deployer may keep state between starting a run and following it.
type deployers map[string]map[string]deploy.Deployer

func (d deployers) For(svc csr.Service, env string) (deploy.Deployer, error) {
	dep, ok := d[svc.Name][env]
	if !ok {
		return nil, fmt.Errorf("no deployer configured for %s/%s", svc.Name, env)
	}
	return dep, nil
}

// buildDeployers makes the configured deployers; every problem is reported
// at once.
func buildDeployers(cfg *config.Config, client *gh.Client, webhookSecret deploy.Secret, log *slog.Logger) (deployers, error) {
	out := deployers{}
	var problems []string
	for _, svc := range cfg.Services() {
		out[svc.Name] = map[string]deploy.Deployer{}
		for _, env := range svc.Environments {
			dc, ok := cfg.DeployerFor(svc.Name, env)
			if !ok {
				continue
			}
			dep, err := newDeployer(dc, client, webhookSecret, log)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s/%s (%s): %v", svc.Name, env, dc.Kind, err))
				continue
			}
			out[svc.Name][env] = dep
		}
	}
	if len(problems) > 0 {
		return nil, errors.New("deployers: " + strings.Join(problems, "; "))
	}
	return out, nil
}

func newDeployer(dc config.Deployer, client *gh.Client, webhookSecret deploy.Secret, log *slog.Logger) (deploy.Deployer, error) {
	switch dc.Kind {
	case "fake":
		return deploy.Fake{Delay: dc.Delay, Succeed: dc.Outcome != "failure"}, nil
	case "command":
		c := deploy.NewCommand(dc.Argv, dc.Timeout, dc.TailLines)
		c.Dir, c.PassEnv = dc.Dir, dc.PassEnv
		return c, nil
	case "webhook":
		return &deploy.Webhook{URL: dc.URL, StatusURL: dc.StatusURL, CallbackURL: dc.CallbackURL, Secret: webhookSecret,
			Timeout: dc.Timeout, Poll: dc.Poll}, nil
	case "github-actions":
		return &github.Actions{Client: client, Workflow: dc.Workflow, Inputs: dc.Inputs, Environment: dc.Environment,
			ApproveReviews: dc.ApproveReviews, Poll: dc.Poll, Timeout: dc.Timeout, ReviewTimeout: dc.ReviewTimeout, Log: log}, nil
	case "github-deployment":
		return &github.Deployments{Client: client, Environment: dc.Environment, Task: dc.Task, Poll: dc.Poll, Timeout: dc.Timeout, Log: log}, nil
	default:
		return nil, fmt.Errorf("deployer kind %q is not supported by this build", dc.Kind)
	}
}
