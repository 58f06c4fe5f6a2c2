package deployq

import (
	"context"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/internal/clock"
	"releasebot/internal/store"
	"releasebot/msg"
)

// turn is the job's hold on its deploy lock, for fenced saves.
func (j *job) turn() store.Turn {
	return store.Turn{Service: j.Job.Service, Env: j.Job.Env, Run: j.Job.Run, Token: j.token.Load(), TTL: j.r.o.LockTTL}
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

// waitTurn waits in the line of the job's service and environment until
// the job holds its lock (ok). over: the job turned out finished (its run
// is in no line any more) and was acknowledged.
func (j *job) waitTurn(ctx context.Context, svc csr.Service) (turn store.Acquired, ok, over bool) {
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
			j.mu.Lock()
			j.production = a.Production
			j.mu.Unlock()
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
		if clock.Sleep(ctx, r.o.LinePoll) != nil {
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
