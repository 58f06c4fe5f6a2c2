package scheduler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/internal/store"
	"releasebot/msg"
)

// listLimit bounds one listing of CSRs in a state: far above what one
// installation has scheduled or waiting at once.
const listLimit = 1000

// system is the actor of the scheduler's transitions.
var system = csr.Actor{Person: csr.System}

// startDue starts every scheduled deploy whose time has come, oldest
// first.
func (s *Scheduler) startDue(ctx context.Context, now time.Time) error {
	cs, err := s.o.Store.List(ctx, store.Filter{States: []csr.State{csr.Scheduled}, Limit: listLimit})
	if err != nil {
		return err
	}
	slices.SortFunc(cs, func(a, b csr.CSR) int { return a.ScheduledAt.Compare(b.ScheduledAt) })
	var errs []error
	for _, c := range cs {
		if c.ScheduledAt.After(now) {
			break
		}
		if err := s.startScheduled(ctx, c, now); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.ID, err))
		}
	}
	return errors.Join(errs...)
}

// startScheduled starts the production deploy of seen, a CSR scheduled for
// now or earlier, as the System actor through the store's versioned
// Update. If the window or a freeze refuses the deploy now, the CSR goes
// back to approved and its channel and owners are told why. A start more
// than Grace after the scheduled time (no process ran then) says it is
// late. Another process that got there first makes this a no-op.
func (s *Scheduler) startScheduled(ctx context.Context, seen csr.CSR, now time.Time) error {
	svc, ok := s.o.Services.Service(seen.Service)
	if !ok {
		s.o.Log.ErrorContext(ctx, "scheduler: scheduled CSR of a service no longer configured", "csr", seen.ID, "service", seen.Service)
		return nil
	}
	fz, err := s.o.Store.Freezes(ctx, svc.Name, now)
	if err != nil {
		return err
	}
	when := msg.At(seen.ScheduledAt.In(svc.Location()))
	var refusal *csr.Refusal
	c, evs, err := s.o.Store.Update(ctx, seen.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		refusal = nil
		if c.State != csr.Scheduled || !c.ScheduledAt.Equal(seen.ScheduledAt) {
			return c, nil, csr.ErrNoChange // started, unscheduled or rescheduled meanwhile
		}
		d, evs, err := c.Deploy(system, now, svc, fz, csr.DeployOptions{})
		if !errors.As(err, &refusal) {
			return d, evs, err
		}
		says := msg.T(msg.HistScheduleRefused, "when", when, "why", refusal.Why)
		return c.Unschedule(system, now, says.String(), &says)
	})
	switch {
	case errors.Is(err, csr.ErrNoChange):
		return nil
	case err != nil:
		return err
	}
	late := now.Sub(seen.ScheduledAt) > s.o.Grace
	id := string(c.ID)
	log := s.o.Log.With("csr", c.ID, "scheduled_at", seen.ScheduledAt, "late", late)
	if refusal != nil {
		log.InfoContext(ctx, "scheduler: scheduled deploy refused; back to approved", "rule", refusal.Rule)
		next := refusal.Next
		if next.IsZero() {
			next = msg.T(msg.NextSeeNext, "csr", id)
		}
		text := msg.T(msg.NoteScheduledRefuse, "csr", id, "when", when, "why", refusal.Why, "owners", owners(c), "next", next)
		if late {
			text = msg.T(msg.NoteScheduledMissed, "csr", id, "when", when, "why", refusal.Why, "owners", owners(c), "next", next)
		}
		s.o.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, To: c.People(), CSR: c.ID, Text: text})
		return nil
	}
	log.InfoContext(ctx, "scheduler: scheduled deploy starts")
	text := msg.T(msg.NoteScheduledStart, "csr", id, "when", when)
	if late {
		text = msg.T(msg.NoteScheduledLate, "csr", id, "when", when, "late", human(now.Sub(seen.ScheduledAt)))
	}
	// The run first: it matters more than the words about it.
	s.o.Effects.Emit(ctx, c, csr.System, evs)
	s.o.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Text: text})
	return nil
}

// owners mentions the people of c: "@alice" or "@alice or @bob".
func owners(c csr.CSR) msg.Text { return mentions(c.People()) }
