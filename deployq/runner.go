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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"releasebot/chat"
	"releasebot/clock"
	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/health"
	"releasebot/internal/wait"
	"releasebot/msg"
	"releasebot/store"
)

// Store is what the queue needs from the CSR store.
type Store interface {
	Get(ctx context.Context, id csr.ID) (csr.CSR, error)
	Update(ctx context.Context, id csr.ID, m store.Mutation) (csr.CSR, []csr.Event, error)
	// UpdateRun is Update computed first from last (the CSR as the job
	// read or saved it, saving a read when nobody changed it since), with
	// the queue's writes w in the same atomic step.
	UpdateRun(ctx context.Context, last csr.CSR, m store.Mutation, w RunWrite) (csr.CSR, []csr.Event, error)
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

// ErrNoGroup: the stream's consumer group is gone (Redis restarted empty,
// the stream was deleted). The queue makes it again and goes on.
var ErrNoGroup = errors.New("the deploy queue's consumer group is missing")

// ErrUnknownRun: a report names no run this installation knows.
var ErrUnknownRun = errors.New("no such run")

// Runner queues deploy runs and works on the queue. Effects (bot.Effects)
// starts runs with Start and Cancel; the console and tests use Wait.
type Runner struct {
	Effects Effects // set before Work; results and line positions are announced through it

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
	wg      sync.WaitGroup                     // Wait
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
	return &Runner{store: o.Store, jobs: o.Jobs, deployers: o.Deployers, services: o.Services, clock: o.Clock,
		log: o.Log.With("consumer", o.Consumer), consumer: o.Consumer, o: o, base: ctx,
		active: map[string]context.CancelCauseFunc{}, waiters: map[string]chan struct{}{}}
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
func (r *Runner) Enqueue(ctx context.Context, c csr.CSR, svc csr.Service, run csr.Run) (Enqueued, error) {
	ch := make(chan struct{})
	r.mu.Lock()
	if _, dup := r.waiters[run.ID]; dup {
		ch = nil
	} else {
		r.waiters[run.ID] = ch
	}
	r.mu.Unlock()
	e, err := r.jobs.Enqueue(ctx, Job{Run: run.ID, CSR: c.ID, Service: svc.Name, Env: run.Env, SHA: run.SHA, Purpose: run.Purpose})
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
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
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
func (r *Runner) Wait() { r.wg.Wait() }

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
		if wait.Sleep(ctx, 2*time.Second) != nil {
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
			_ = wait.Sleep(ctx, r.o.LinePoll)
			continue
		}
		ds, err := r.jobs.ReadJobs(ctx, r.consumer, min(free, 16), r.o.Block)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			r.health.Failed(ctx, r.log, "reading deploy jobs failed; retrying", err)
			r.heal(ctx, err)
			_ = wait.Sleep(ctx, 500*time.Millisecond)
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
	for wait.Sleep(ctx, every) == nil {
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
	if !errors.Is(err, ErrNoGroup) {
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
	for wait.Sleep(ctx, r.o.Sweep) == nil {
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
		e, err := r.jobs.Enqueue(ctx, Job{Run: run.ID, CSR: c.ID, Service: c.Service, Env: run.Env, SHA: run.SHA, Purpose: run.Purpose})
		if err == nil && e.New {
			r.log.WarnContext(ctx, "queued a run that had no job", "csr", c.ID, "run", run.ID)
		}
	}
}

// handle works on one job until its result is recorded, or until the job
// must be left to another process.
func (r *Runner) handle(ctx context.Context, d Delivery, reclaimed bool) {
	run := d.Job.Run
	jctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	r.mu.Lock()
	if _, busy := r.active[run]; busy {
		r.mu.Unlock()
		cancel(nil)
		return
	}
	r.active[run] = cancel
	r.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { cancel(errShutdown) })
	defer stop()
	j := &job{Delivery: d, r: r, cancel: cancel, reclaimed: reclaimed,
		log: r.log.With("csr", d.Job.CSR, "run", run, "service", d.Job.Service, "env", d.Job.Env)}
	hb := make(chan struct{})
	go func() { defer close(hb); j.heartbeat(jctx) }()
	j.process(jctx)
	cancel(nil)
	<-hb
	r.mu.Lock()
	delete(r.active, run)
	r.mu.Unlock()
}

// job is one delivery being worked on.
type job struct {
	Delivery
	r         *Runner
	log       *slog.Logger
	cancel    context.CancelCauseFunc
	reclaimed bool
	token     atomic.Int64 // the lock's fencing token, once held
	following atomic.Bool  // the run is started and being followed

	mu     sync.Mutex
	last   csr.CSR   // the CSR as this job last read or saved it
	heldAt time.Time // when the lock was last set or renewed (see held)
}

func (j *job) seen(c csr.CSR) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if c.Version >= j.last.Version {
		j.last = c
	}
}

func (j *job) lastCSR() csr.CSR {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last
}

// turn is the job's hold on its deploy lock, for fenced saves.
func (j *job) turn() Turn {
	return Turn{Service: j.Job.Service, Env: j.Job.Env, Run: j.Job.Run, Token: j.token.Load(), TTL: j.r.o.LockTTL}
}

// heartbeat keeps the job this process's while it works: it renews the
// lock and the pending entry, passes cancellation on, and stops following
// when a webhook or callback recorded the result.
func (j *job) heartbeat(ctx context.Context) {
	r := j.r
	t := time.NewTicker(r.o.Heartbeat)
	defer t.Stop()
	lastOK := time.Now()
	for {
		// The first beat waits one interval: the delivery was just read or
		// claimed, which made its pending entry fresh.
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := j.beat(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			j.log.WarnContext(ctx, "deploy job heartbeat failed", "err", err)
			if time.Since(lastOK) > r.o.LockTTL {
				// The lock has expired unseen: another process may own the
				// run by now.
				j.cancel(errLost)
				return
			}
		} else {
			lastOK = time.Now()
		}
	}
}

func (j *job) beat(ctx context.Context) error {
	r := j.r
	touch, err := r.jobs.TouchJob(ctx, r.consumer, j.MsgID, j.Job.Run)
	if err != nil {
		return err
	}
	if !touch.Owned {
		j.cancel(errLost)
		return nil
	}
	if touch.Cancelled {
		j.cancel(errCancelled)
	}
	if tok := j.token.Load(); tok > 0 {
		asked := time.Now()
		ok, err := r.jobs.RenewTurn(ctx, j.Job.Service, j.Job.Env, j.Job.Run, tok, r.o.LockTTL)
		if err != nil {
			return err
		}
		if !ok {
			j.cancel(errLost)
			return nil
		}
		j.held(tok, asked)
	}
	if j.following.Load() {
		c, err := r.store.Get(ctx, j.Job.CSR)
		if err != nil {
			return err
		}
		if run, ok := findRun(c, j.Job.Run); ok && run.Status.Done() {
			j.cancel(errRecorded)
		}
	}
	return nil
}

func findRun(c csr.CSR, id string) (csr.Run, bool) {
	for _, r := range c.Runs {
		if r.ID == id {
			return r, true
		}
	}
	return csr.Run{}, false
}

// load reads the job's CSR and run. ok is false when the job is over:
// finished here because it has nothing to do, or left for later because
// the store is unreachable.
func (j *job) load(ctx context.Context) (csr.CSR, csr.Run, bool) {
	c, err := j.r.store.Get(ctx, j.Job.CSR)
	return j.check(ctx, c, err)
}

// check is load's verdict on c, read with err.
func (j *job) check(ctx context.Context, c csr.CSR, err error) (csr.CSR, csr.Run, bool) {
	if errors.Is(err, store.ErrNotFound) {
		j.log.ErrorContext(ctx, "deploy job for a CSR that does not exist; dropped")
		j.finish(ctx)
		return c, csr.Run{}, false
	}
	if err != nil {
		j.log.WarnContext(ctx, "deploy job left for later: CSR not readable", "err", err)
		return c, csr.Run{}, false
	}
	j.seen(c)
	run, ok := findRun(c, j.Job.Run)
	if !ok {
		j.log.ErrorContext(ctx, "deploy job for a run the CSR does not have; dropped")
		j.finish(ctx)
		return c, run, false
	}
	if run.Status.Done() {
		j.announceOnce(ctx, c, run)
		j.finish(ctx)
		return c, run, false
	}
	return c, run, true
}

func (j *job) process(ctx context.Context) {
	r := j.r
	svc, ok := r.services.Service(j.Job.Service)
	if !ok {
		if _, _, ok := j.load(ctx); ok {
			j.record(ctx, deploy.Result{Status: csr.RunFailed, Detail: msg.T(msg.DetailNoService, "service", j.Job.Service).String()})
		}
		return
	}
	turn, ok, over := j.waitTurn(ctx, svc)
	if !ok {
		if !over {
			j.stopped(ctx, nil, deploy.Request{}, deploy.Handle{})
		}
		return
	}
	defer j.release()
	// The CSR as it is when the turn was given, read in the same step:
	// the run may have been linked or ended meanwhile, and nobody else
	// may start it from now on.
	var err error
	c := csr.CSR{}
	if turn.CSR != nil {
		c = *turn.CSR
	} else {
		err = fmt.Errorf("%s: %w", j.Job.CSR, store.ErrNotFound)
	}
	c, run, ok := j.check(ctx, c, err)
	if !ok {
		return
	}
	if c.State == csr.Cancelled && run.External == "" && run.Status == csr.RunQueued && !turn.StartedBefore {
		j.record(ctx, deploy.Result{Status: csr.RunCancelled, Detail: msg.T(msg.DetailCSRCancelled, "csr", string(c.ID)).String()})
		return
	}
	dep, err := r.deployers.For(svc, run.Env)
	if err != nil {
		j.fail(ctx, err)
		return
	}
	req := deploy.Request{CSR: c.ID, Service: svc.Name, Repo: svc.Repo, Run: run, Fence: j.token.Load(),
		Approvals: approvals(c), Progress: j.progress, Alert: func(ctx context.Context, detail string) { j.alert(ctx, svc, detail) }}
	if len(c.Refs) > 0 {
		req.Ref = c.Refs[0].Ref
	}
	h := deploy.Handle{ID: run.External, URL: run.URL}
	if h.ID != "" && j.reclaimed {
		j.log.InfoContext(ctx, "following a run another process started", "external", deploy.RedactText(h.ID))
	}
	for {
		if h.ID == "" {
			h, err = j.start(ctx, dep, req, run, turn.StartedBefore)
			switch {
			case ctx.Err() != nil:
				j.stopped(ctx, dep, req, h)
				return
			case errors.Is(err, deploy.ErrUnknownHandle):
				j.record(ctx, deploy.Result{Status: csr.RunUnknown, Detail: err.Error()})
				return
			case errors.Is(err, deploy.ErrOutcomeUnknown):
				// It may have started: never start it again, look for it.
				run.Status = csr.RunUnknown
				if !j.unknown(ctx, err) {
					j.stopped(ctx, dep, req, h)
					return
				}
				continue
			case err != nil:
				j.fail(ctx, err)
				return
			}
		}
		j.following.Store(true)
		res, err := dep.Follow(ctx, req, h)
		if err == nil && res.Status == csr.RunUnknown {
			err = fmt.Errorf("%s: %w", res.Detail, deploy.ErrOutcomeUnknown)
		}
		switch {
		case ctx.Err() != nil:
			j.stopped(ctx, dep, req, h)
			return
		case errors.Is(err, deploy.ErrUnknownHandle):
			// The process that ran it is gone, and so are the deploy's
			// processes: nothing runs any more, so the line may move on,
			// but what the deploy changed is for a person to check.
			j.record(ctx, deploy.Result{Status: csr.RunUnknown, URL: h.URL,
				Detail: msg.T(msg.DetailProcessDied, "env", run.Env).String()})
			return
		case errors.Is(err, deploy.ErrOutcomeUnknown):
			if !j.unknown(ctx, err) {
				j.stopped(ctx, dep, req, h)
				return
			}
		case err != nil:
			j.fail(ctx, err)
			return
		default:
			if res.URL == "" {
				res.URL = h.URL
			}
			j.record(ctx, res)
			return
		}
	}
}

// unknown records that the run's outcome cannot be told now, tells
// people once, keeps the job (and so the environment's lock), and waits
// before the deployer is asked again. It returns false when the job's
// context ended meanwhile: shutdown, takeover, or the outcome was recorded
// (by GitHub's webhook, or a person's `resolve`).
func (j *job) unknown(ctx context.Context, why error) bool {
	detail := deploy.Redact(why).Error()
	detail = strings.TrimSuffix(detail, ": "+deploy.ErrOutcomeUnknown.Error())
	j.log.WarnContext(ctx, "deploy outcome unknown; the environment stays locked and the bot keeps checking", "detail", detail)
	if err := j.r.apply(ctx, deploy.Report{RunID: j.Job.Run, Status: csr.RunUnknown, Detail: clip(detail, csr.MaxText)}, j); err != nil {
		j.log.WarnContext(ctx, "unknown outcome not recorded", "err", err)
	}
	j.settle()
	j.following.Store(true)
	return wait.Sleep(ctx, j.r.o.UnknownRetry) == nil
}

// alert records news someone must act on and tells the service's channel
// and the CSR's people.
func (j *job) alert(ctx context.Context, svc csr.Service, detail string) {
	j.progress(ctx, detail)
	c, err := j.r.store.Get(ctx, j.Job.CSR)
	if err != nil {
		j.log.WarnContext(ctx, "alert not sent: CSR not readable", "err", err)
		return
	}
	run, _ := findRun(c, j.Job.Run)
	link := ""
	if run.URL != "" {
		link = " " + run.URL
	}
	j.r.notice(ctx, chat.Notice{Channel: svc.Channel, To: c.People(), CSR: c.ID,
		Text: msg.T(msg.NoteRunProgress, "people", csr.Mentions(c.People()), "run", run.ID, "csr", string(c.ID),
			"env", run.Env, "detail", detail, "link", link)})
}

// progress records news about the running run in its detail.
func (j *job) progress(ctx context.Context, detail string) {
	if err := j.r.apply(ctx, deploy.Report{RunID: j.Job.Run, Status: csr.RunRunning, Detail: detail}, j); err != nil {
		j.log.WarnContext(ctx, "run progress not recorded", "err", err)
	}
}

// approvals lists the standing chat approvals of c, step by step.
func approvals(c csr.CSR) string {
	var parts []string
	for _, a := range c.Approvals {
		if !a.Voided && a.Decision == csr.Approve {
			parts = append(parts, a.Step+": "+string(a.By))
		}
	}
	return strings.Join(parts, "; ")
}

// waitTurn waits in the line of the job's service and environment until
// the job holds its lock (ok). over: the job turned out finished (its run
// is in no line any more) and was acknowledged.
func (j *job) waitTurn(ctx context.Context, svc csr.Service) (turn Acquired, ok, over bool) {
	r := j.r
	waited := false
	for {
		asked := time.Now()
		a, err := r.jobs.AcquireTurn(ctx, j.Job.Service, j.Job.Env, j.Job.Run, r.o.LockTTL)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return a, false, false
			}
			j.log.WarnContext(ctx, "deploy lock not available", "err", err)
		case a.Token > 0:
			j.held(a.Token, asked)
			if a.CSR != nil {
				j.seen(*a.CSR)
			}
			if waited {
				r.notice(ctx, chat.Notice{Channel: svc.Channel, CSR: j.Job.CSR, Text: msg.T(msg.NoteRunTurn, "run", j.Job.Run,
					"csr", string(j.Job.CSR), "service", j.Job.Service, "env", j.Job.Env)})
			}
			return a, true, false
		case a.Position == 0:
			// Only a finished job leaves its line; load finds the run
			// done and acknowledges this delivery.
			j.load(ctx)
			return a, false, true
		case a.Position > 1:
			waited = true
		}
		if wait.Sleep(ctx, r.o.LinePoll) != nil {
			return a, false, false
		}
	}
}

// held notes that the lock is the job's with token, for at least LockTTL
// from asked (a time taken before the request that set or renewed it).
func (j *job) held(token int64, asked time.Time) {
	j.mu.Lock()
	j.heldAt = asked
	j.mu.Unlock()
	j.token.Store(token)
}

// surelyHeld reports whether the lock is certainly still the job's: it
// was set or renewed less than half its expiry ago, measured on this
// process's monotonic clock from before the request. Nobody else can
// release or take a lock that has not expired.
func (j *job) surelyHeld() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.token.Load() > 0 && time.Since(j.heldAt) < j.r.o.LockTTL/2
}

func (j *job) release() {
	tok := j.token.Load()
	if tok == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(j.r.base), 5*time.Second)
	defer cancel()
	if err := j.r.jobs.ReleaseTurn(ctx, j.Job.Service, j.Job.Env, j.Job.Run, tok); err != nil {
		j.log.WarnContext(ctx, "deploy lock not released; it expires by itself", "err", err)
	}
}

// start begins the run, or finds the one an earlier owner of the job
// began (startedBefore: an earlier owner had the turn).
func (j *job) start(ctx context.Context, dep deploy.Deployer, req deploy.Request, run csr.Run, startedBefore bool) (deploy.Handle, error) {
	r := j.r
	if startedBefore || run.Status == csr.RunRunning || run.Status == csr.RunUnknown {
		// An earlier attempt got as far as starting it, but recorded no
		// handle: find it, or start again only where that is certainly
		// harmless (the deployer says the run was never started, or
		// starting twice is idempotent).
		f, canFind := dep.(deploy.Finder)
		rs, canRestart := dep.(deploy.Restartable)
		switch {
		case canFind:
			h, found, err := f.Find(ctx, req)
			switch {
			case err != nil && ctx.Err() == nil && !errors.Is(err, deploy.ErrOutcomeUnknown):
				return h, fmt.Errorf("look for the run an earlier attempt started: %v: %w", err, deploy.ErrOutcomeUnknown)
			case err != nil:
				return h, err
			case found:
				j.log.InfoContext(ctx, "found the run an earlier attempt started", "external", deploy.RedactText(h.ID))
				return h, j.link(ctx, run, h)
			}
		case canRestart && rs.Restartable():
		default:
			return deploy.Handle{}, fmt.Errorf("%s: %w", msg.T(msg.DetailStartUnknown, "deployer", run.Deployer), deploy.ErrUnknownHandle)
		}
	}
	// Record that starting began before starting, so the card says so
	// and a process taking the job over looks for the run rather than
	// starts another; and only while the lock is provably still ours
	// (fencing), in the same step, which also renews the lock.
	asked := time.Now()
	c, _, err := r.store.UpdateRun(ctx, j.lastCSR(), func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.UpdateRun(run.ID, csr.RunRunning, "", "", r.clock.Now())
	}, RunWrite{Fence: j.turn()})
	switch {
	case errors.Is(err, csr.ErrNoChange):
		// Marked already by an earlier owner: the fence is checked alone,
		// unless the lock was set or renewed too recently to have expired.
		if !j.surelyHeld() {
			asked = time.Now()
			if ok, err := r.jobs.RenewTurn(ctx, j.Job.Service, j.Job.Env, j.Job.Run, j.token.Load(), r.o.LockTTL); err != nil || !ok {
				j.cancel(errLost)
				return deploy.Handle{}, errLost
			}
			j.held(j.token.Load(), asked)
		}
	case errors.Is(err, ErrTurnLost):
		j.cancel(errLost)
		return deploy.Handle{}, errLost
	case err != nil:
		return deploy.Handle{}, fmt.Errorf("mark %s running: %w", run.ID, err)
	default:
		j.seen(c)
		j.held(j.token.Load(), asked)
	}
	h, err := dep.Start(ctx, req)
	if err != nil {
		return h, err
	}
	if h.ID == "" {
		return h, fmt.Errorf("the %s deployer started the run but returned no handle to follow it by: %w", run.Deployer, deploy.ErrOutcomeUnknown)
	}
	j.log.InfoContext(ctx, "deploy run started", "external", deploy.RedactText(h.ID), "url", deploy.RedactURL(h.URL))
	if err := j.link(ctx, run, h); err != nil {
		// The run is started; following it still works, only a takeover
		// would have to find it again.
		j.log.WarnContext(ctx, "started run not linked on the CSR", "err", err)
	}
	return h, nil
}

// link records the started run's external id on the CSR and indexes it to
// the run, in one step.
func (j *job) link(ctx context.Context, run csr.Run, h deploy.Handle) error {
	r := j.r
	c, evs, err := r.store.UpdateRun(ctx, j.lastCSR(), func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.LinkRun(run.ID, h.ID, h.URL, r.clock.Now())
	}, RunWrite{Link: Link{External: h.ID, Run: run.ID}})
	switch {
	case errors.Is(err, csr.ErrNoChange):
		// Linked on the CSR already (an earlier owner): the index may not be.
		return r.jobs.LinkExternal(ctx, h.ID, run.ID)
	case err != nil:
		return err
	}
	j.seen(c)
	if len(evs) > 0 && r.Effects != nil {
		r.Effects.Emit(ctx, c, csr.System, evs) // the live card shows the run's link
	}
	return nil
}

// stopped handles a job whose context ended before the run did.
func (j *job) stopped(ctx context.Context, dep deploy.Deployer, req deploy.Request, h deploy.Handle) {
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errCancelled):
		if c, ok := dep.(deploy.Canceller); ok && h.ID != "" {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if err := c.Cancel(cctx, req, h); err != nil {
				j.log.WarnContext(ctx, "cancelling the started run failed", "external", deploy.RedactText(h.ID), "err", deploy.Redact(err))
			}
		}
		j.record(ctx, deploy.Result{Status: csr.RunCancelled, URL: h.URL, Detail: msg.T(msg.DetailCancelled).String()})
	case errors.Is(cause, errRecorded):
		j.finish(ctx)
	default:
		// Shutting down or taken over: leave the job to its next owner.
		j.log.InfoContext(ctx, "deploy job left to another process", "why", cause)
	}
}

// fail records an error that kept the run from being performed or followed.
// The run's result announcement carries the error, so people get one
// message, not one for the error and one for the result. The error is kept
// on the run and shown in the channel, so the URLs in it are redacted
// first: they may carry credentials (?token=…, user:pass@).
func (j *job) fail(ctx context.Context, err error) {
	err = deploy.Redact(err)
	j.log.ErrorContext(ctx, "deploy could not run", "err", err)
	j.record(ctx, deploy.Result{Status: csr.RunFailed, Detail: clip(err.Error(), csr.MaxText)})
}

// record saves the run's result on the CSR, announces it, and only then
// finishes (acknowledges) the job. A result already recorded (by a webhook,
// a callback, an earlier owner) changes nothing.
//
// A result that cannot be saved (the store is down or failing over) is
// tried again here, soon after the store answers again, not left for a
// takeover: the result is known only to this process. It gives up only
// when the process stops; the job then stays pending for a takeover,
// which follows the run again and records its result.
func (j *job) record(ctx context.Context, res deploy.Result) {
	ctx = context.WithoutCancel(ctx)
	rep := deploy.Report{RunID: j.Job.Run, Status: res.Status, URL: res.URL, Detail: res.Detail}
	err := j.persist(ctx, "run result", func() error {
		err := j.r.apply(ctx, rep, j)
		if errors.Is(err, ErrUnknownRun) {
			j.log.ErrorContext(ctx, "run result for a run its CSR does not have; dropped", "status", res.Status, "err", err)
			return nil
		}
		return err
	})
	if err != nil {
		j.log.ErrorContext(ctx, "run result not recorded before the process stopped; the job stays queued for a takeover", "status", res.Status)
		return
	}
	j.finish(ctx)
}

// finish acknowledges the job, marks its result announced and gives its
// turn up, trying again while the store does not answer: a job left
// unacknowledged would be announced again by its takeover.
func (j *job) finish(ctx context.Context) {
	r := j.r
	ctx = context.WithoutCancel(ctx)
	err := j.persist(ctx, "deploy job acknowledgement", func() error {
		return r.jobs.FinishJob(ctx, j.Delivery, j.token.Load())
	})
	if err != nil {
		j.log.ErrorContext(ctx, "deploy job not acknowledged before the process stopped; it will be taken over and found done")
		return
	}
	j.token.Store(0) // released with it
	j.settle()
}

// persist runs write until it succeeds, with a backoff of at most a
// second, so it succeeds soon after the store answers again. It returns an
// error only when the process stops first.
func (j *job) persist(ctx context.Context, what string, write func() error) error {
	backoff := 50 * time.Millisecond
	for {
		err := write()
		if err == nil {
			return nil
		}
		j.log.ErrorContext(ctx, what+" not saved yet; trying again", "err", err, "in", backoff)
		if err := wait.Sleep(j.r.base, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, time.Second)
	}
}

// settle ends Wait's wait for the run in this process: it finished, or
// its outcome is unknown and waits for the deployer or a person.
func (j *job) settle() {
	r := j.r
	r.mu.Lock()
	ch := r.waiters[j.Job.Run]
	delete(r.waiters, j.Job.Run)
	r.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}

// announceOnce announces a result recorded by a process that died before
// announcing it.
func (j *job) announceOnce(ctx context.Context, c csr.CSR, run csr.Run) {
	r := j.r
	first, err := r.jobs.MarkAnnounced(ctx, run.ID)
	if err != nil || !first || r.Effects == nil {
		return
	}
	r.Effects.Emit(ctx, c, csr.System, []csr.Event{{Kind: csr.EvRunFinished, Run: run, Notify: c.People()}})
}

func (r *Runner) notice(ctx context.Context, n chat.Notice) {
	if r.Effects != nil {
		r.Effects.Notice(ctx, n)
	}
}

// Report records what a deploy system told about a run: from a webhook
// delivery, a callback or a poll. It is idempotent: a report already
// applied returns nil and changes nothing. A report about a run this
// installation does not know returns ErrUnknownRun.
func (r *Runner) Report(ctx context.Context, rep deploy.Report) error {
	if rep.RunID == "" && rep.External != "" {
		run, err := r.jobs.RunForExternal(ctx, rep.External)
		if err != nil {
			return err
		}
		if legacy, ok := strings.CutSuffix(rep.External, "/1"); run == "" && ok && strings.HasPrefix(legacy, "workflow_run:") {
			// Linked before attempts were part of the id.
			if run, err = r.jobs.RunForExternal(ctx, legacy); err != nil {
				return err
			}
		}
		rep.RunID = run
	}
	if rep.RunID == "" {
		return ErrUnknownRun
	}
	return r.apply(ctx, rep, nil)
}

// ErrNotOurRun: a report names a run of the deployer that is not the one
// linked to the bot's run (another workflow's, a manual one, a re-run
// attempt). It changes nothing; callers treat it like ErrUnknownRun.
var ErrNotOurRun = fmt.Errorf("the report is about another run than the one the bot follows: %w", ErrUnknownRun)

// apply records rep on its run's CSR. j is the job of this process that
// performs the run, when it is the one reporting (nil for webhooks,
// callbacks and polls): its copy of the CSR saves a read, and its finish
// marks the result announced.
func (r *Runner) apply(ctx context.Context, rep deploy.Report, j *job) error {
	now := r.clock.Now()
	update := func(m store.Mutation) (csr.CSR, []csr.Event, error) {
		if j == nil {
			return r.store.Update(ctx, CSROf(rep.RunID), m)
		}
		c, evs, err := r.store.UpdateRun(ctx, j.lastCSR(), m, RunWrite{})
		if err == nil {
			j.seen(c)
		}
		return c, evs, err
	}
	c, evs, err := update(func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		run, ok := findRun(c, rep.RunID)
		if ok && rep.External != "" && !SameExternal(run.External, rep.External) {
			// Only the run the bot linked may change the CSR: an unlinked
			// run is linked by the worker that found it by its identity,
			// never by a delivery that merely names it.
			return c, nil, ErrNotOurRun
		}
		if !rep.Status.Done() {
			return c.UpdateRun(rep.RunID, rep.Status, rep.URL, clip(rep.Detail, csr.MaxText), now)
		}
		detail := rep.Detail
		if rep.Status == csr.RunFailed && run.Detail != "" && !strings.Contains(detail, run.Detail) {
			// Keep what was learnt while it ran (the failed job and step)
			// beside the final word.
			detail = run.Detail + "; " + detail
		}
		return c.UpdateRun(rep.RunID, rep.Status, rep.URL, clip(detail, csr.MaxText), now)
	})
	var refusal *csr.Refusal
	switch {
	case errors.Is(err, csr.ErrNoChange):
		return nil
	case errors.Is(err, ErrNotOurRun):
		r.log.InfoContext(ctx, "report about a run that is not the one linked; ignored", "run", rep.RunID, "external", deploy.RedactText(rep.External))
		return fmt.Errorf("%s: %w", rep.RunID, ErrNotOurRun)
	case errors.Is(err, store.ErrNotFound), errors.As(err, &refusal) && refusal.Rule == "unknown-run":
		return fmt.Errorf("%s: %w", rep.RunID, ErrUnknownRun)
	case err != nil:
		return fmt.Errorf("record %s %s: %w", rep.RunID, rep.Status, err)
	}
	if !rep.Status.Done() {
		if r.Effects != nil {
			r.Effects.Emit(ctx, c, csr.System, evs) // redraws the card; an unknown outcome is announced
		}
		return nil
	}
	r.log.InfoContext(ctx, "run finished", "csr", c.ID, "run", rep.RunID, "status", rep.Status)
	// A job of this process still following the run can stop now; one in
	// another process notices on its next heartbeat.
	r.mu.Lock()
	stop := r.active[rep.RunID]
	r.mu.Unlock()
	if stop != nil {
		stop(errRecorded)
	}
	if r.Effects != nil {
		r.Effects.Emit(ctx, c, csr.System, evs)
	}
	if j != nil {
		return nil // its finish marks it announced
	}
	if _, err := r.jobs.MarkAnnounced(ctx, rep.RunID); err != nil {
		r.log.WarnContext(ctx, "announcement not marked", "run", rep.RunID, "err", err)
	}
	return nil
}

// SameExternal reports whether two deployer ids name the same run. A
// workflow run linked before attempts were part of the id
// ("workflow_run:7") is its first attempt ("workflow_run:7/1").
func SameExternal(linked, reported string) bool {
	norm := func(s string) string {
		if strings.HasPrefix(s, "workflow_run:") && !strings.Contains(s, "/") {
			return s + "/1"
		}
		return s
	}
	return linked != "" && norm(linked) == norm(reported)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return "…" + string(r[len(r)-n+1:])
	}
	return s
}
