package scheduler

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/robfig/cron/v3"

	"releasebot/bot/chat"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/internal/store"
	"releasebot/msg"
)

// maxItems bounds one reminder's list; the rest is counted.
const maxItems = 25

// maxSteps bounds the walk through a schedule's firings in one tick.
const maxSteps = 100_000

// remind posts reminder r if one of its firings is due: after the job's
// mark and at or before now. Several due firings (the clock jumped, or no
// process ran for a while) are posted once, since the report is about the
// state now; firings older than CatchUp are skipped as stale. The report is
// built first and the firing claimed second, so a store failure leaves the
// firing to the next tick, and a lost race or lease posts nothing.
func (s *Scheduler) remind(ctx context.Context, r config.Reminder, now time.Time) error {
	key := "reminder:" + r.Name
	mark, ok, err := s.o.Lease.Mark(ctx, key)
	if err != nil {
		return err
	}
	if !ok || mark.After(now.Add(clockSlack)) {
		// First sight of this reminder, or the clock was set back: count
		// from now, so nothing already past fires.
		from := mark
		if !ok {
			from = time.Time{}
		}
		_, err := s.o.Lease.Advance(ctx, key, from, now)
		return err
	}
	cursor, stale := mark, false
	if floor := now.Add(-s.o.CatchUp); cursor.Before(floor) {
		if next := r.Schedule.Next(cursor); !next.IsZero() && !next.After(floor) {
			stale = true
		}
		cursor = floor
	}
	latest := lastFiring(r.Schedule, cursor, now)
	var text msg.Text
	say := false
	switch {
	case !latest.IsZero():
		if text, say, err = s.report(ctx, r, now); err != nil {
			return err
		}
	case stale:
		latest = cursor // skip the stale firings, post nothing
	default:
		return nil
	}
	claimed, err := s.o.Lease.Advance(ctx, key, mark, latest)
	if err != nil || !claimed {
		return err
	}
	if stale {
		s.o.Log.InfoContext(ctx, "scheduler: reminder firings missed while no process ran; only a firing within the catch-up time is posted",
			"reminder", r.Name, "last_posted", mark, "catch_up", s.o.CatchUp)
	}
	if say {
		s.o.Effects.Notice(ctx, chat.Notice{Channel: r.Channel, Text: text})
		if s.o.Posted != nil {
			s.o.Posted(r.Kind)
		}
	}
	return nil
}

// lastFiring is the last firing of sched after after and at or before
// now, or the zero time.
func lastFiring(sched cron.Schedule, after, now time.Time) time.Time {
	var last time.Time
	for i, at := 0, sched.Next(after); i < maxSteps && !at.IsZero() && !at.After(now); i, at = i+1, sched.Next(at) {
		last = at
	}
	return last
}

// report builds what reminder r says at now; say is false when there is
// nothing to say.
func (s *Scheduler) report(ctx context.Context, r config.Reminder, now time.Time) (text msg.Text, say bool, err error) {
	var its []item
	switch r.Kind {
	case config.RemindApprovals:
		its, err = s.waitingApprovals(ctx, r, now)
	case config.RemindDeploys:
		its, err = s.scheduledDeploys(ctx, r, now)
	case config.RemindStuck:
		its, err = s.stuck(ctx, r, now)
	case config.RemindFreezes:
		its, err = s.freezes(ctx, r, now)
	default:
		err = fmt.Errorf("reminder %s: unknown kind %q", r.Name, r.Kind)
	}
	if err != nil || len(its) == 0 {
		return msg.Text{}, false, err
	}
	slices.SortStableFunc(its, func(a, b item) int { return cmp.Compare(a.order, b.order) })
	lines := make([]msg.Text, 0, min(len(its), maxItems)+1)
	for i, it := range its {
		if i == maxItems {
			lines = append(lines, msg.T(msg.NoteRemindMore, "count", strconv.Itoa(len(its)-maxItems)))
			break
		}
		lines = append(lines, it.text)
	}
	items := msg.Lines(lines...)
	within := human(r.Within)
	switch r.Kind {
	case config.RemindApprovals:
		if r.OlderThan <= 0 {
			return msg.T(msg.NoteRemindApprovalsAll, "items", items), true, nil
		}
		return msg.T(msg.NoteRemindApprovals, "threshold", human(r.OlderThan), "items", items), true, nil
	case config.RemindDeploys:
		return msg.T(msg.NoteRemindDeploys, "within", within, "items", items), true, nil
	case config.RemindStuck:
		return msg.T(msg.NoteRemindStuck, "items", items), true, nil
	default:
		return msg.T(msg.NoteRemindFreezes, "within", within, "items", items), true, nil
	}
}

// item is one line of a reminder, with its place in the list.
type item struct {
	order int64
	text  msg.Text
}

// services are the services r reports on.
func (s *Scheduler) services(r config.Reminder) []csr.Service {
	if len(r.Services) == 0 {
		return s.o.Services.Services()
	}
	var out []csr.Service
	for _, name := range r.Services {
		if svc, ok := s.o.Services.Service(name); ok {
			out = append(out, svc)
		}
	}
	return out
}

// inScope lists the CSRs in states of the services r reports on, with
// each CSR's service.
func (s *Scheduler) inScope(ctx context.Context, r config.Reminder, states ...csr.State) ([]csr.CSR, map[string]csr.Service, error) {
	svcs := map[string]csr.Service{}
	for _, svc := range s.services(r) {
		svcs[svc.Name] = svc
	}
	cs, err := s.o.Store.List(ctx, store.Filter{States: states, Limit: listLimit})
	if err != nil {
		return nil, nil, err
	}
	cs = slices.DeleteFunc(cs, func(c csr.CSR) bool { _, ok := svcs[c.Service]; return !ok })
	return cs, svcs, nil
}

// freezesOf returns the chat-set freezes of each service, fetched once per
// report.
type freezeCache struct {
	s   *Scheduler
	now time.Time
	m   map[string][]csr.Freeze
}

func (f *freezeCache) of(ctx context.Context, svc string) ([]csr.Freeze, error) {
	if fz, ok := f.m[svc]; ok {
		return fz, nil
	}
	fz, err := f.s.o.Store.Freezes(ctx, svc, f.now)
	if err != nil {
		return nil, err
	}
	if f.m == nil {
		f.m = map[string][]csr.Freeze{}
	}
	f.m[svc] = fz
	return fz, nil
}

// waitingApprovals lists CSRs whose open approval step has waited at least
// r.OlderThan, longest first, naming the people who may approve it.
func (s *Scheduler) waitingApprovals(ctx context.Context, r config.Reminder, now time.Time) ([]item, error) {
	cs, svcs, err := s.inScope(ctx, r, csr.InApproval)
	if err != nil {
		return nil, err
	}
	var out []item
	for _, c := range cs {
		svc := svcs[c.Service]
		st, ok := c.OpenStep(svc)
		if !ok {
			continue
		}
		waited := now.Sub(StepOpenedAt(c, svc, st))
		if waited < r.OlderThan {
			continue
		}
		out = append(out, item{order: -int64(waited), text: msg.T(msg.NoteRemindApproval, "csr", string(c.ID), "title", c.Title,
			"service", c.Service, "waited", human(waited), "n", strconv.Itoa(st.Index+1), "total", strconv.Itoa(len(svc.Line)),
			"step", st.Step.Name, "missing", strconv.Itoa(st.Missing()), "people", mentions(st.Pending(c)))})
	}
	return out, nil
}

// StepOpenedAt is when the open step st of c opened (the reminders and the
// approval metrics measure waits from it): when c was last
// submitted, or when the step before it got its last approval, whichever is
// later.
func StepOpenedAt(c csr.CSR, svc csr.Service, st csr.StepStatus) time.Time {
	var opened time.Time
	for i := len(c.History) - 1; i >= 0; i-- {
		if c.History[i].To == csr.InApproval && c.History[i].From != csr.InApproval {
			opened = c.History[i].At
			break
		}
	}
	for _, before := range c.Steps(svc)[:st.Index] {
		for _, a := range before.Approved {
			if a.At.After(opened) {
				opened = a.At
			}
		}
	}
	if opened.IsZero() {
		opened = c.UpdatedAt
	}
	return opened
}

// scheduledDeploys lists the production deploys scheduled from now to
// r.Within ahead, soonest first, with their windows, and warns about those
// the window or a freeze would refuse as things stand.
func (s *Scheduler) scheduledDeploys(ctx context.Context, r config.Reminder, now time.Time) ([]item, error) {
	cs, svcs, err := s.inScope(ctx, r, csr.Scheduled)
	if err != nil {
		return nil, err
	}
	fc := freezeCache{s: s, now: now}
	until := now.Add(r.Within)
	var out []item
	for _, c := range cs {
		if c.ScheduledAt.Before(now) || !c.ScheduledAt.Before(until) {
			continue
		}
		svc := svcs[c.Service]
		fz, err := fc.of(ctx, svc.Name)
		if err != nil {
			return nil, err
		}
		when := msg.At(c.ScheduledAt.In(svc.Location()))
		t := msg.T(msg.NoteRemindDeploy, "when", when, "csr", string(c.ID), "title", c.Title, "service", c.Service,
			"env", svc.ProdEnv(), "owners", owners(c), "window", svc.Window.Text())
		if ref := csr.CheckDeployTime(c.ID, c.ScheduledAt, svc, fz); ref != nil {
			t = msg.T(msg.NoteRemindDeployWarn, "when", when, "csr", string(c.ID), "title", c.Title, "service", c.Service,
				"env", svc.ProdEnv(), "owners", owners(c), "window", svc.Window.Text(), "why", ref.Why)
		}
		out = append(out, item{order: c.ScheduledAt.UnixNano(), text: t})
	}
	return out, nil
}

// stuck lists CSRs that have stayed in test_failed or deploy_failed for at
// least r.OlderThan, longest first, with what would move them on.
func (s *Scheduler) stuck(ctx context.Context, r config.Reminder, now time.Time) ([]item, error) {
	cs, svcs, err := s.inScope(ctx, r, csr.TestFailed, csr.DeployFailed)
	if err != nil {
		return nil, err
	}
	fc := freezeCache{s: s, now: now}
	var out []item
	for _, c := range cs {
		svc := svcs[c.Service]
		since := c.UpdatedAt
		for i := len(c.History) - 1; i >= 0; i-- {
			if c.History[i].To == c.State {
				since = c.History[i].At
				break
			}
		}
		if now.Sub(since) < r.OlderThan {
			continue
		}
		fz, err := fc.of(ctx, svc.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, item{order: since.UnixNano(), text: msg.T(msg.NoteRemindStuckItem, "csr", string(c.ID), "title", c.Title,
			"service", c.Service, "state", string(c.State), "since", msg.At(since.In(svc.Location())),
			"ago", human(now.Sub(since)), "next", c.NextStep(svc, now, fz))})
	}
	return out, nil
}

// freezes lists the freezes, from the config file and from chat, that
// start or end from now to r.Within ahead, in the order they do.
func (s *Scheduler) freezes(ctx context.Context, r config.Reminder, now time.Time) ([]item, error) {
	until := now.Add(r.Within)
	var out []item
	for _, svc := range s.services(r) {
		chatSet, err := s.o.Store.Freezes(ctx, svc.Name, now)
		if err != nil {
			return nil, err
		}
		loc := svc.Location()
		for _, f := range append(slices.Clone(svc.Freezes), chatSet...) {
			switch {
			case f.From.After(now) && !f.From.After(until):
				out = append(out, item{order: f.From.UnixNano(), text: msg.T(msg.NoteRemindFreezeStart, "service", svc.Name,
					"from", msg.At(f.From.In(loc)), "until", msg.At(f.Until.In(loc)), "reason", f.Reason)})
			case f.Active(now) && !f.Until.After(until):
				out = append(out, item{order: f.Until.UnixNano(), text: msg.T(msg.NoteRemindFreezeEnd, "service", svc.Name,
					"until", msg.At(f.Until.In(loc)), "reason", f.Reason)})
			}
		}
	}
	return out, nil
}

// mentions says people any one of whom may act, "@alice or @bob", which
// messengers turn into notifications.
func mentions(ps []csr.Person) msg.Text {
	if len(ps) == 0 {
		return msg.T(msg.NoteNobodyEligible)
	}
	return csr.Mentions(ps)
}

// human says a duration as people read it, in their language, to the
// minute: "45m", "5h 30m", "2d 3h".
func human(d time.Duration) msg.Text {
	if d >= time.Minute {
		d = d.Round(time.Minute)
	}
	return msg.Dur(d)
}
