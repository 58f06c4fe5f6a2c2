package deployq

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/clock"
	"releasebot/internal/health"
	"releasebot/internal/store"
	"releasebot/msg"
)

// Store is what the queue needs from the CSR store.
type Store interface {
	Get(ctx context.Context, id csr.ID) (csr.CSR, error)
	Update(ctx context.Context, id csr.ID, m store.Mutation) (csr.CSR, []csr.Event, error)
	// UpdateRun is Update computed first from last (the CSR as the job
	// read or saved it, saving a read when nobody changed it since), with
	// the queue's writes w in the same atomic step.
	UpdateRun(ctx context.Context, last csr.CSR, m store.Mutation, w store.RunWrite) (csr.CSR, []csr.Event, error)
	List(ctx context.Context, f store.Filter) ([]csr.CSR, error)
}

// DeployerSource picks the deployer of a service's environment.
type DeployerSource interface {
	For(svc csr.Service, env string) (deploy.Deployer, error)
}

// Services looks up a service's policy.
type Services interface {
	Service(name string) (csr.Service, bool)
}

// Effects announces results: bot.Effects implements it.
type Effects interface {
	Emit(ctx context.Context, c csr.CSR, by csr.Person, evs []csr.Event)
	Notice(ctx context.Context, n chat.Notice)
}

// Options configure a Runner. Zero durations take the defaults noted.
type Options struct {
	Store     Store
	Jobs      Jobs
	Deployers DeployerSource
	Services  Services
	Clock     clock.Clock
	Log       *slog.Logger
	// Effects announce results and line positions and redraw what a
	// messenger shows of a run (bot.Effects); nil announces nothing.
	Effects Effects
	// Consumer names this process in the consumer group; default: host,
	// pid and a random suffix. Two processes must never share one.
	Consumer string
	// LockTTL is the expiry of a service/environment deploy lock; the
	// holder renews it every Heartbeat. Default 10s.
	LockTTL time.Duration
	// Heartbeat is how often a job's owner renews its lock, keeps its
	// pending entry fresh and checks for cancellation. Default LockTTL/3.
	Heartbeat time.Duration
	// ReclaimIdle is how long a job may go without a heartbeat before
	// another process takes it over. Longer than LockTTL, so the dead
	// owner's lock has expired by then. Default LockTTL + Heartbeat, so a
	// dead process's deploy is taken over within about 15s by default.
	ReclaimIdle time.Duration
	// LinePoll is how often a job waiting in line asks for its turn.
	// Default 1s.
	LinePoll time.Duration
	// Block is how long one read of the stream waits. Default 1s.
	Block time.Duration
	// Sweep is how often runs left queued without a job (a process died
	// between saving the CSR and queueing the job) are queued again.
	// Default 1m.
	Sweep time.Duration
	// UnknownRetry is how long a run whose outcome is unknown waits before
	// the deployer is asked again (found, followed). The environment stays
	// locked meanwhile. Default 1m.
	UnknownRetry time.Duration
	// MaxJobs bounds the new jobs this process works on at once; taken
	// over jobs come on top, so a full process still rescues a dead one's.
	// Default 64.
	MaxJobs int
}

// Causes of a job's context ending before its run did.
var (
	errCancelled = errors.New("the run was cancelled")
	errLost      = errors.New("the job was taken over by another process")
	errRecorded  = errors.New("the result was recorded by a webhook or callback")
	errShutdown  = errors.New("the bot process is stopping")
)

// ErrUnknownRun: a report names no run this installation knows.
var ErrUnknownRun = errors.New("no such run")

// Runner queues deploy runs and works on the queue. bot.Effects starts
// runs with Start and Cancel; the console and tests use Wait.
type Runner struct {
	effects Effects // Options.Effects

	store     Store
	jobs      Jobs
	deployers DeployerSource
	services  Services
	clock     clock.Clock
	log       *slog.Logger
	consumer  string
	o         Options

	base    context.Context
	health  health.Status
	mu      sync.Mutex
	active  map[string]context.CancelCauseFunc // runs this process works on
	waiters map[string]chan struct{}           // runs started here, closed when finished here
	// watching counts the runs Wait waits for; idle is broadcast when it
	// drops to zero. (A WaitGroup would forbid Start while a Wait is
	// under way, which the console and the messenger adapters do.)
	watching int
	idle     *sync.Cond
}

// New returns a runner. Its Start, Cancel and Wait work at once; call Work
// to also run jobs in this process. ctx bounds the runner's own
// background work (Start's enqueueing, Wait's watching).
func New(ctx context.Context, o Options) *Runner {
	if o.LockTTL <= 0 {
		o.LockTTL = 10 * time.Second
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = o.LockTTL / 5
	}
	if o.ReclaimIdle <= 0 {
		o.ReclaimIdle = o.LockTTL + o.Heartbeat
	}
	if o.LinePoll <= 0 {
		o.LinePoll = time.Second
	}
	if o.Block <= 0 {
		o.Block = time.Second
	}
	if o.Sweep <= 0 {
		o.Sweep = time.Minute
	}
	if o.MaxJobs <= 0 {
		o.MaxJobs = 64
	}
	if o.UnknownRetry <= 0 {
		o.UnknownRetry = time.Minute
	}
	if o.Consumer == "" {
		o.Consumer = defaultConsumer()
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	r := &Runner{store: o.Store, jobs: o.Jobs, deployers: o.Deployers, services: o.Services, clock: o.Clock,
		log: o.Log.With("consumer", o.Consumer), consumer: o.Consumer, o: o, base: ctx, effects: o.Effects,
		active: map[string]context.CancelCauseFunc{}, waiters: map[string]chan struct{}{}}
	r.idle = sync.NewCond(&r.mu)
	return r
}

func defaultConsumer() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Start queues a run the domain requested. It never blocks on the run:
// the queue's workers (in this process or another) perform it. When other
// runs of the same service and environment are ahead, the channel is told
// the run's place in line.
func (r *Runner) Start(c csr.CSR, svc csr.Service, run csr.Run) {
	ctx, cancel := context.WithTimeout(r.base, 10*time.Second)
	defer cancel()
	if _, err := r.Enqueue(ctx, c, svc, run); err != nil {
		err = deploy.Redact(err)
		r.log.ErrorContext(ctx, "deploy run not queued", "csr", c.ID, "run", run.ID, "err", err)
		r.notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID,
			Text: msg.T(msg.NoteRunError, "run", run.ID, "csr", string(c.ID), "error", err.Error())})
	}
}

// Enqueue queues a run and says where it stands. Queueing a run twice
// adds nothing.
func (r *Runner) Enqueue(ctx context.Context, c csr.CSR, svc csr.Service, run csr.Run) (store.Enqueued, error) {
	ch := make(chan struct{})
	r.mu.Lock()
	if _, dup := r.waiters[run.ID]; dup {
		ch = nil
	} else {
		r.waiters[run.ID] = ch
	}
	r.mu.Unlock()
	e, err := r.jobs.Enqueue(ctx, store.Job{Run: run.ID, CSR: c.ID, Service: svc.Name, Env: run.Env, SHA: run.SHA, Purpose: run.Purpose})
	if err != nil {
		if ch != nil {
			r.mu.Lock()
			delete(r.waiters, run.ID)
			r.mu.Unlock()
		}
		return e, err
	}
	if ch != nil {
		r.watch(run.ID, ch)
	}
	if e.New && e.Position > 1 {
		r.notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Text: msg.T(msg.NoteRunQueued, "run", run.ID, "csr", string(c.ID),
			"service", svc.Name, "env", run.Env, "position", strconv.Itoa(e.Position), "ahead", e.Ahead)})
	}
	r.log.InfoContext(ctx, "deploy run queued", "csr", c.ID, "run", run.ID, "position", e.Position, "new", e.New)
	return e, nil
}

// watch counts a run in Wait until it is finished: here (its channel is
// closed) or by another process (its job is marked done).
func (r *Runner) watch(run string, ch chan struct{}) {
	r.mu.Lock()
	r.watching++
	r.mu.Unlock()
	go func() {
		defer func() {
			r.mu.Lock()
			if r.watching--; r.watching == 0 {
				r.idle.Broadcast()
			}
			r.mu.Unlock()
		}()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ch:
				return
			case <-r.base.Done():
				return
			case <-t.C:
				if done, err := r.jobs.JobDone(r.base, run); err == nil && done {
					r.mu.Lock()
					delete(r.waiters, run)
					r.mu.Unlock()
					return
				}
			}
		}
	}()
}

// Cancel asks whichever process runs (or will run) the run to stop it; the
// result is recorded as cancelled.
func (r *Runner) Cancel(runID string) {
	r.mu.Lock()
	cancel := r.active[runID]
	r.mu.Unlock()
	if cancel != nil {
		cancel(errCancelled)
	}
	ctx, stop := context.WithTimeout(r.base, 5*time.Second)
	defer stop()
	if err := r.jobs.CancelJob(ctx, runID); err != nil {
		r.log.WarnContext(ctx, "cancel not passed on", "run", runID, "err", err)
	}
}

// Wait blocks until every run started by this runner so far has finished
// and its result is recorded and announced, wherever it ran.
func (r *Runner) Wait() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.watching > 0 {
		r.idle.Wait()
	}
}

// Work runs queued jobs until ctx is done: new ones, and those of
// processes that died. Jobs in progress when ctx ends stay unacknowledged
// and are taken over by another process (or this one, restarted).
func (r *Runner) Work(ctx context.Context) {
	for {
		err := r.jobs.EnsureGroup(ctx)
		if err == nil {
			break
		}
		r.health.Failed(ctx, r.log, "deploy queue not ready", err)
		if clock.Sleep(ctx, 2*time.Second) != nil {
			return
		}
	}
	r.health.OK(ctx, r.log, "deploy queue ready")
	var loops, jobs sync.WaitGroup
	loops.Add(2)
	go func() { defer loops.Done(); r.reclaimLoop(ctx, &jobs) }()
	go func() { defer loops.Done(); r.sweepLoop(ctx) }()
	r.readLoop(ctx, &jobs)
	loops.Wait()
	jobs.Wait()
}

func (r *Runner) readLoop(ctx context.Context, jobs *sync.WaitGroup) {
	sem := make(chan struct{}, r.o.MaxJobs)
	for ctx.Err() == nil {
		free := cap(sem) - len(sem)
		if free == 0 {
			_ = clock.Sleep(ctx, r.o.LinePoll)
			continue
		}
		ds, err := r.jobs.ReadJobs(ctx, r.consumer, min(free, 16), r.o.Block)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			r.health.Failed(ctx, r.log, "reading deploy jobs failed; retrying", err)
			r.heal(ctx, err)
			_ = clock.Sleep(ctx, 500*time.Millisecond)
			continue
		}
		r.health.OK(ctx, r.log, "reading deploy jobs works again")
		for _, d := range ds {
			sem <- struct{}{}
			jobs.Add(1)
			go func() {
				defer jobs.Done()
				defer func() { <-sem }()
				r.handle(ctx, d, false)
			}()
		}
	}
}

func (r *Runner) reclaimLoop(ctx context.Context, jobs *sync.WaitGroup) {
	every := max(min(r.o.ReclaimIdle/8, 2*time.Second), 10*time.Millisecond)
	for clock.Sleep(ctx, every) == nil {
		ds, err := r.jobs.ReclaimJobs(ctx, r.consumer, r.o.ReclaimIdle, 16)
		if err != nil {
			if ctx.Err() == nil {
				r.heal(ctx, err)
			}
			continue
		}
		for _, d := range ds {
			r.log.InfoContext(ctx, "took over a deploy job of a stopped process", "run", d.Job.Run, "csr", d.Job.CSR)
			jobs.Add(1)
			go func() {
				defer jobs.Done()
				r.handle(ctx, d, true)
			}()
		}
	}
}

// heal makes the consumer group again when a read found it gone: after
// Redis restarted empty, every read would fail until then.
func (r *Runner) heal(ctx context.Context, err error) {
	if !errors.Is(err, store.ErrNoGroup) {
		return
	}
	if err := r.jobs.EnsureGroup(ctx); err != nil {
		r.health.Failed(ctx, r.log, "deploy queue's consumer group not made again", err)
		return
	}
	r.log.WarnContext(ctx, "the deploy queue's consumer group was missing (Redis restarted empty, or the stream was deleted); made it again")
	// Runs whose jobs were lost with the stream are queued again at once.
	r.sweep(ctx)
}

// Ready says whether this process can work its queue now: nil, or the
// failure that stops it (for /readyz).
func (r *Runner) Ready() error { return r.health.Err() }

// sweepLoop queues runs that were requested but never queued: the process
// that saved the transition died before queueing its job. Queueing is
// idempotent, so every process may sweep.
func (r *Runner) sweepLoop(ctx context.Context) {
	for clock.Sleep(ctx, r.o.Sweep) == nil {
		r.sweep(ctx)
	}
}

func (r *Runner) sweep(ctx context.Context) {
	cs, err := r.store.List(ctx, store.Filter{States: []csr.State{csr.TestDeploying, csr.Deploying, csr.Deployed, csr.Cancelled}, Limit: 1000})
	if err != nil {
		r.log.DebugContext(ctx, "sweep failed", "err", err)
		return
	}
	for _, c := range cs {
		run, ok := c.ActiveRun()
		if !ok {
			continue
		}
		if _, ok := r.services.Service(c.Service); !ok {
			continue
		}
		e, err := r.jobs.Enqueue(ctx, store.Job{Run: run.ID, CSR: c.ID, Service: c.Service, Env: run.Env, SHA: run.SHA, Purpose: run.Purpose})
		if err == nil && e.New {
			r.log.WarnContext(ctx, "queued a run that had no job", "csr", c.ID, "run", run.ID)
		}
	}
}

func (r *Runner) notice(ctx context.Context, n chat.Notice) {
	if r.effects != nil {
		r.effects.Notice(ctx, n)
	}
}
