package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"releasebot/chat"
	"releasebot/clock"
	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/msg"
	"releasebot/store"
)

// DeployerSource picks the deployer of a service's environment.
type DeployerSource interface {
	For(svc csr.Service, env string) (deploy.Deployer, error)
}

// RunStore is what the runner needs to record run results.
type RunStore interface {
	Update(ctx context.Context, id csr.ID, m store.Mutation) (csr.CSR, []csr.Event, error)
}

// Runner performs deploy runs in the background of this process and records
// their results on the CSR.
type Runner struct {
	Store     RunStore
	Deployers DeployerSource
	Effects   *Effects
	Clock     clock.Clock
	Log       *slog.Logger

	base    context.Context
	mu      sync.Mutex
	cancels map[string]context.CancelFunc
	wg      sync.WaitGroup
}

// NewRunner returns a runner whose runs stop when ctx is cancelled.
func NewRunner(ctx context.Context, st RunStore, ds DeployerSource, c clock.Clock, log *slog.Logger) *Runner {
	return &Runner{Store: st, Deployers: ds, Clock: c, Log: log, base: ctx, cancels: map[string]context.CancelFunc{}}
}

// Start runs a deploy in the background.
func (r *Runner) Start(c csr.CSR, svc csr.Service, run csr.Run) {
	ctx, cancel := context.WithCancel(r.base)
	r.mu.Lock()
	r.cancels[run.ID] = cancel
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() {
			r.mu.Lock()
			delete(r.cancels, run.ID)
			r.mu.Unlock()
			cancel()
		}()
		r.perform(ctx, c, svc, run)
	}()
}

// Cancel stops a running deploy; its result is recorded as cancelled.
func (r *Runner) Cancel(runID string) {
	r.mu.Lock()
	cancel := r.cancels[runID]
	r.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Wait blocks until every started run has finished and been recorded.
func (r *Runner) Wait() { r.wg.Wait() }

func (r *Runner) perform(ctx context.Context, c csr.CSR, svc csr.Service, run csr.Run) {
	log := r.Log.With("csr", c.ID, "run", run.ID)
	res, err := r.deploy(ctx, c, svc, run)
	if err != nil {
		log.ErrorContext(ctx, "deploy could not run", "err", err)
		r.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID,
			Text: msg.T(msg.NoteRunError, "run", run.ID, "csr", string(c.ID), "error", err.Error())})
		res = deploy.Result{Status: csr.RunFailed, Detail: err.Error()}
	}
	// Record the result even when the run was cancelled: the CSR must not
	// stay "deploying" forever.
	saveCtx := context.WithoutCancel(ctx)
	updated, evs, err := r.Store.Update(saveCtx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.UpdateRun(run.ID, res.Status, res.URL, res.Detail, r.Clock.Now())
	})
	switch {
	case errors.Is(err, csr.ErrNoChange):
		return
	case err != nil:
		log.ErrorContext(ctx, "run result not recorded", "status", res.Status, "err", err)
		return
	}
	log.InfoContext(ctx, "run finished", "status", res.Status)
	r.Effects.Emit(saveCtx, updated, csr.System, evs)
}

func (r *Runner) deploy(ctx context.Context, c csr.CSR, svc csr.Service, run csr.Run) (deploy.Result, error) {
	d, err := r.Deployers.For(svc, run.Env)
	if err != nil {
		return deploy.Result{}, err
	}
	if _, _, err := r.Store.Update(ctx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.UpdateRun(run.ID, csr.RunRunning, "", "", r.Clock.Now())
	}); err != nil && !errors.Is(err, csr.ErrNoChange) {
		return deploy.Result{}, err
	}
	return d.Deploy(ctx, deploy.Request{CSR: c.ID, Service: svc.Name, Repo: svc.Repo, Run: run})
}
