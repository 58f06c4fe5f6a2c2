package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"releasebot/bot"
	"releasebot/config"
	"releasebot/scheduler"
)

// ScheduleOptions tune the scheduler of scheduled deploys and reminders.
// Zero values take the scheduler's defaults.
type ScheduleOptions struct {
	// Every is how often the background loop ticks (default 2s).
	Every time.Duration
	// LeaseTTL is how long a replica runs the schedules without renewing
	// its lease; another takes over within it when one dies (default 15s).
	LeaseTTL time.Duration
	Grace    time.Duration // see scheduler.Options
	CatchUp  time.Duration // see scheduler.Options
	// NoLoop: no background loop; schedules run only when TickSchedules
	// is called (tests that drive time themselves).
	NoLoop bool
}

// DefaultLeaseTTL is how long the scheduler lease lasts without renewal.
const DefaultLeaseTTL = 15 * time.Second

// schedules is the running scheduler of an App.
type schedules struct {
	stop func()
	wg   sync.WaitGroup
	log  *slog.Logger
}

// startSchedules builds the scheduler and, unless o.Schedules.NoLoop, has
// Start run it in the background until Close: in the console and in
// `serve` alike. Its services are o.Policy, as the commands see them.
func (a *App) startSchedules(o Options, cfg *config.Config, effects *bot.Effects) {
	so := o.Schedules
	a.schedules.log = o.Log
	ttl := so.LeaseTTL
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	a.Scheduler = scheduler.New(scheduler.Options{
		Store:     a.Store,
		Lease:     a.Store.Lease("scheduler", ttl),
		Effects:   effects,
		Services:  o.Policy,
		Reminders: cfg.Reminders(),
		Clock:     o.Clock,
		Log:       o.Log,
		Every:     so.Every,
		Grace:     so.Grace,
		CatchUp:   so.CatchUp,
		Posted:    func(kind config.ReminderKind) { a.Metrics.Reminder(string(kind)) },
	})
	for _, r := range cfg.Reminders() {
		a.Metrics.ExpectReminders(string(r.Kind))
	}
	if so.NoLoop {
		return
	}
	a.AddReadiness("scheduler", func(context.Context) error { return a.Scheduler.Ready() })
	a.onStart(func(ctx context.Context) {
		ctx, cancel := context.WithCancel(ctx)
		a.schedules.stop = cancel
		a.schedules.wg.Add(1)
		go func() {
			defer a.schedules.wg.Done()
			a.Scheduler.Run(ctx)
		}()
	})
}

// stopSchedules ends the background loop and gives up the lease, so
// another replica takes over at once.
func (a *App) stopSchedules() {
	if a.schedules.stop != nil {
		a.schedules.stop()
		a.schedules.wg.Wait()
	}
}

// TickSchedules runs what is due now: the console calls it after `clock`
// moves time, so a rehearsal sees due deploys and reminders at once.
func (a *App) TickSchedules(ctx context.Context) {
	if a.Scheduler == nil {
		return
	}
	if err := a.Scheduler.Tick(ctx); err != nil {
		a.schedules.log.WarnContext(ctx, "scheduler tick failed", "err", err)
	}
}
