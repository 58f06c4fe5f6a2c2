// Package scheduler runs releasebot's timed work: production deploys
// scheduled with `deploy CSR --at TIME`, and the reminders of the config
// file's `reminders:` section.
//
// Time comes from an injected clock, never from robfig/cron's runner (which
// reads the real one): cron's parser turns each spec into a schedule, and
// Tick asks it which firings are due at the clock's now. Tests and the
// console therefore run a week of schedules in milliseconds.
//
// Of several processes sharing one Redis, only the holder of a lease runs
// the jobs. Each reminder's firings are claimed by moving a mark in Redis,
// fenced by the lease, so a firing is posted once even across a takeover;
// a scheduled deploy starts through the domain's versioned transition, so
// it can start only once whatever the processes do.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"releasebot/bot/chat"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/internal/clock"
	"releasebot/internal/health"
	"releasebot/internal/store"
)

// Store is what the jobs need from the CSR store.
type Store interface {
	List(ctx context.Context, f store.Filter) ([]csr.CSR, error)
	Update(ctx context.Context, id csr.ID, m store.Mutation) (csr.CSR, []csr.Event, error)
	Freezes(ctx context.Context, service string, now time.Time) ([]csr.Freeze, error)
}

// Lease decides which process runs the jobs and records each job's last
// claimed firing (see redisstore.Lease).
type Lease interface {
	// Hold renews or acquires the lease and reports whether this process
	// holds it.
	Hold(ctx context.Context) (bool, error)
	// Release gives it up if held.
	Release(ctx context.Context) error
	// TTL is how long the lease lasts without renewal.
	TTL() time.Duration
	// Mark is the time of job's last claimed firing.
	Mark(ctx context.Context, job string) (time.Time, bool, error)
	// Advance moves job's mark from from to to, only while this process
	// holds the lease and the mark is still from.
	Advance(ctx context.Context, job string, from, to time.Time) (bool, error)
}

// Effects receives what the jobs decide: a deploy to start (through the
// same events as a typed `deploy`) and notices to post.
type Effects interface {
	Emit(ctx context.Context, c csr.CSR, by csr.Person, evs []csr.Event)
	Notice(ctx context.Context, n chat.Notice)
}

// Services looks up the services' policies.
type Services interface {
	Service(name string) (csr.Service, bool)
	Services() []csr.Service
}

// Options configure a Scheduler. Store, Lease, Effects and Services are
// required.
type Options struct {
	Store     Store
	Lease     Lease
	Effects   Effects
	Services  Services
	Reminders []config.Reminder
	Clock     clock.Clock   // default: the system clock
	Log       *slog.Logger  // default: slog.Default()
	Every     time.Duration // how often Run ticks; default DefaultEvery
	// Grace is how late a scheduled deploy may start and still count as on
	// time; a later start says it is late. Default DefaultGrace.
	Grace time.Duration
	// CatchUp is how old a reminder's firing may be and still be posted
	// when no process ran at its time; older firings are skipped and
	// logged. Default DefaultCatchUp.
	CatchUp time.Duration
	// Posted, when set, learns of every reminder posted, by its kind (the
	// app counts them in its metrics).
	Posted func(kind config.ReminderKind)
}

// Defaults.
const (
	DefaultEvery   = 2 * time.Second
	DefaultGrace   = 2 * time.Minute
	DefaultCatchUp = time.Hour
	// clockSlack is how far another process's clock may run ahead of this
	// one's before a mark in the future is taken as a clock set back (the
	// console's `clock`) rather than skew between hosts.
	clockSlack = time.Minute
)

// Scheduler runs the scheduled deploys and reminders of one process.
type Scheduler struct {
	o       Options
	jobs    []job
	mu      sync.Mutex // one tick at a time
	leading atomic.Bool
	lease   health.Status // the lease check's failures
	ticks   health.Status // the jobs' failures
}

// job is one unit of timed work; run does what is due at now.
type job struct {
	name string
	run  func(ctx context.Context, now time.Time) error
}

// New returns a scheduler for the deploys scheduled in the store and the
// given reminders.
func New(o Options) *Scheduler {
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Every <= 0 {
		o.Every = DefaultEvery
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	if o.CatchUp <= 0 {
		o.CatchUp = DefaultCatchUp
	}
	s := &Scheduler{o: o}
	s.jobs = append(s.jobs, job{name: "scheduled-deploys", run: s.startDue})
	for _, r := range o.Reminders {
		s.jobs = append(s.jobs, job{name: "reminder:" + r.Name, run: func(ctx context.Context, now time.Time) error {
			return s.remind(ctx, r, now)
		}})
	}
	return s
}

// Leading reports whether this process held the lease at its last tick.
func (s *Scheduler) Leading() bool { return s.leading.Load() }

// Tick runs, if this process holds the lease, every job that is due at the
// clock's now. It waits for a tick already running (the console calls it
// after moving the clock, and must see what fell due). Tests call it
// directly; Run calls it every few seconds.
func (s *Scheduler) Tick(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tick(ctx)
}

// tryTick is Run's tick: when the previous one is still running it is
// skipped, not queued (cron.SkipIfStillRunning's behaviour, for the whole
// tick: its jobs share the lease check and run in order).
func (s *Scheduler) tryTick(ctx context.Context) {
	if !s.mu.TryLock() {
		s.o.Log.DebugContext(ctx, "scheduler: tick skipped; the previous one is still running")
		return
	}
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := s.tick(ctx); err != nil {
		s.ticks.Failed(ctx, s.o.Log, "scheduler: tick failed", err)
	} else {
		s.ticks.OK(ctx, s.o.Log, "scheduler: ticks work again")
	}
}

// Ready is nil while the scheduler can check its lease and run its jobs,
// otherwise the failure that stands (for /readyz).
func (s *Scheduler) Ready() error {
	if err := s.lease.Err(); err != nil {
		return err
	}
	return s.ticks.Err()
}

func (s *Scheduler) tick(ctx context.Context) error {
	if !s.hold(ctx) {
		return nil
	}
	now := s.o.Clock.Now()
	var errs []error
	for _, j := range s.jobs {
		if err := s.invoke(ctx, j, now); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", j.name, err))
		}
	}
	return errors.Join(errs...)
}

// hold renews or acquires the lease and logs changes of leadership.
func (s *Scheduler) hold(ctx context.Context) bool {
	held, err := s.o.Lease.Hold(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return false // shutting down: not a lease problem
		}
		s.lease.Failed(ctx, s.o.Log, "scheduler: cannot check the lease; no schedules run here until it works", err)
		held = false
	} else {
		s.lease.OK(ctx, s.o.Log, "scheduler: the lease can be checked again")
	}
	if was := s.leading.Swap(held); was != held {
		if held {
			s.o.Log.InfoContext(ctx, "scheduler: this process now runs the schedules")
		} else {
			s.o.Log.InfoContext(ctx, "scheduler: another process runs the schedules")
		}
	}
	return held
}

// invoke runs one job with cron.Recover: a panicking job is logged with
// its stack and the others still run.
func (s *Scheduler) invoke(ctx context.Context, j job, now time.Time) (err error) {
	cron.NewChain(cron.Recover(cronLog{s.o.Log, j.name})).Then(cron.FuncJob(func() {
		err = j.run(ctx, now)
	})).Run()
	return err
}

// Run ticks every Every until ctx ends, renewing the lease on its own so
// a slow tick does not lose it, then gives the lease up so another process
// takes over at once.
func (s *Scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.keepLease(ctx)
	}()
	t := time.NewTicker(s.o.Every)
	defer t.Stop()
	for {
		s.tryTick(ctx)
		select {
		case <-ctx.Done():
			wg.Wait()
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if err := s.o.Lease.Release(rctx); err != nil {
				s.o.Log.WarnContext(rctx, "scheduler: lease not released; another process takes over when it expires", "err", err)
			}
			s.leading.Store(false)
			return
		case <-t.C:
		}
	}
}

// keepLease renews the lease three times per lease time.
func (s *Scheduler) keepLease(ctx context.Context) {
	every := s.o.Lease.TTL() / 3
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.hold(ctx)
		}
	}
}

// cronLog sends cron's wrapper messages to slog.
type cronLog struct {
	log *slog.Logger
	job string
}

func (l cronLog) Info(m string, kv ...any) {
	l.log.Info("scheduler: "+m, append([]any{"job", l.job}, kv...)...)
}

func (l cronLog) Error(err error, m string, kv ...any) {
	l.log.Error("scheduler: job failed: "+m, append([]any{"job", l.job, "err", err}, kv...)...)
}
