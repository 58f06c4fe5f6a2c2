package deployq

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/clock"
	"releasebot/internal/store"
	"releasebot/msg"
)

// handle works on one job until its result is recorded, or until the job
// must be left to another process.
func (r *Runner) handle(ctx context.Context, d store.Delivery, reclaimed bool) {
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
	store.Delivery
	r         *Runner
	log       *slog.Logger
	cancel    context.CancelCauseFunc
	reclaimed bool
	token     atomic.Int64 // the lock's fencing token, once held
	following atomic.Bool  // the run is started and being followed

	mu         sync.Mutex
	last       csr.CSR        // the CSR as this job last read or saved it
	heldAt     time.Time      // when the lock was last set or renewed (see held)
	production *store.Lineage // what the environment ran when the turn was given
}

// productionRead is what the environment ran when the job got its turn
// (nil: not read), which the turn keeps anyone else from changing.
func (j *job) productionRead() *store.Lineage {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.production
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
	return clock.Sleep(ctx, j.r.o.UnknownRetry) == nil
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
		Text: msg.T(msg.NoteRunProgress, "people", csr.MentionsAll(c.People()), "run", run.ID, "csr", string(c.ID),
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

// start begins the run, or finds the one an earlier owner of the job
// began (startedBefore: an earlier owner had the turn).
func (j *job) start(ctx context.Context, dep deploy.Deployer, req deploy.Request, run csr.Run, startedBefore bool) (deploy.Handle, error) {
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
	if imm, ok := dep.(deploy.Immediate); ok && imm.Immediate() {
		// Start returns at once: the link right after it records the run
		// running; the turn marked the job started for a takeover.
		if err := j.fence(ctx); err != nil {
			return deploy.Handle{}, err
		}
	} else if err := j.markRunning(ctx, run); err != nil {
		return deploy.Handle{}, err
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
// markRunning records that starting began, before starting, so the card
// says so while a slow Start waits on another system, and a process
// taking the job over looks for the run rather than starts another; and
// only while the lock is provably still ours (fencing), in the same step,
// which also renews the lock.
func (j *job) markRunning(ctx context.Context, run csr.Run) error {
	r := j.r
	asked := time.Now()
	c, _, err := r.store.UpdateRun(ctx, j.lastCSR(), func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.UpdateRun(run.ID, csr.RunRunning, "", "", r.clock.Now())
	}, store.RunWrite{Fence: j.turn()})
	switch {
	case errors.Is(err, csr.ErrNoChange):
		return j.fence(ctx) // marked already by an earlier owner
	case errors.Is(err, store.ErrTurnLost):
		j.cancel(errLost)
		return errLost
	case err != nil:
		return fmt.Errorf("mark %s running: %w", run.ID, err)
	}
	j.seen(c)
	j.held(j.token.Load(), asked)
	return nil
}

// fence checks the lock is still the job's before a start, asking Redis
// only when it was set or renewed too long ago to be sure.
func (j *job) fence(ctx context.Context) error {
	if j.surelyHeld() {
		return nil
	}
	asked := time.Now()
	if ok, err := j.r.jobs.RenewTurn(ctx, j.Job.Service, j.Job.Env, j.Job.Run, j.token.Load(), j.r.o.LockTTL); err != nil || !ok {
		j.cancel(errLost)
		return errLost
	}
	j.held(j.token.Load(), asked)
	return nil
}

func (j *job) link(ctx context.Context, run csr.Run, h deploy.Handle) error {
	r := j.r
	c, evs, err := r.store.UpdateRun(ctx, j.lastCSR(), func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.LinkRun(run.ID, h.ID, h.URL, r.clock.Now())
	}, store.RunWrite{Link: store.Link{External: h.ID, Run: run.ID}})
	switch {
	case errors.Is(err, csr.ErrNoChange):
		// Linked on the CSR already (an earlier owner): the index may not be.
		return r.jobs.LinkExternal(ctx, h.ID, run.ID)
	case err != nil:
		return err
	}
	j.seen(c)
	if len(evs) > 0 && r.effects != nil {
		r.effects.Emit(ctx, c, csr.System, evs) // the live card shows the run's link
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
		if err := clock.Sleep(j.r.base, backoff); err != nil {
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
	if err != nil || !first || r.effects == nil {
		return
	}
	r.effects.Emit(ctx, c, csr.System, []csr.Event{{Kind: csr.EvRunFinished, Run: run, Notify: c.People()}})
}
