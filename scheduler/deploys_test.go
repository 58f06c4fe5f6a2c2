package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// TestScheduledDeployStartsAtItsTime: nothing happens a minute before;
// at the time the deploy starts once, as the System actor, through Emit.
func TestScheduledDeployStartsAtItsTime(t *testing.T) {
	e := newEnv(t, "", kst(4, 15, 0)) // Friday afternoon
	a := e.instance("a", 5*time.Second, nil)
	c := e.csrTo("billing-api", csr.Approved)
	e.schedule(c.ID, kst(4, 22, 30))
	require.Equal(t, csr.Scheduled, e.get(c.ID).State)

	e.at(a, kst(4, 22, 29))
	_, emits := e.rec.all()
	require.Empty(t, emits)
	require.Equal(t, csr.Scheduled, e.get(c.ID).State)

	e.at(a, kst(4, 22, 30))
	got := e.get(c.ID)
	require.Equal(t, csr.Deploying, got.State)
	require.True(t, got.ScheduledAt.IsZero())
	last := got.History[len(got.History)-1]
	require.Equal(t, csr.System, last.By)
	require.Equal(t, "deploy", last.Action)
	require.Equal(t, csr.Scheduled, last.From)
	_, emits = e.rec.all()
	require.Equal(t, []string{"a:CSR-1/deploy/1"}, runsRequested(emits))
	require.Equal(t, csr.System, emits[0].evs[0].Run.TriggeredBy)
	require.Equal(t, []string{"⏰ CSR-1 was scheduled for Fri 2026-12-04 22:30 KST; its production deploy is under way."},
		e.rec.texts("#billing-releases"))

	e.at(a, kst(4, 22, 31))
	_, emits = e.rec.all()
	require.Len(t, runsRequested(emits), 1, "a started deploy is not started again")
}

// TestScheduledDeployRefusedInAFreeze: a freeze set after scheduling wins;
// the CSR goes back to approved and the channel and owners hear why.
func TestScheduledDeployRefusedInAFreeze(t *testing.T) {
	e := newEnv(t, "", kst(4, 15, 0))
	a := e.instance("a", 5*time.Second, nil)
	c := e.csrTo("billing-api", csr.Approved)
	e.schedule(c.ID, kst(4, 22, 30))
	require.NoError(t, e.store.SetFreeze(context.Background(), csr.Freeze{Service: "billing-api", From: kst(4, 16, 0),
		Until: kst(4, 23, 0), Reason: "payment provider maintenance", By: "grace"}))

	e.at(a, kst(4, 22, 30))
	got := e.get(c.ID)
	require.Equal(t, csr.Approved, got.State)
	require.True(t, got.ScheduledAt.IsZero())
	last := got.History[len(got.History)-1]
	require.Equal(t, csr.System, last.By)
	require.Equal(t, "unschedule", last.Action)
	require.Contains(t, last.Note, "frozen until Fri 2026-12-04 23:00 KST")
	notices, emits := e.rec.all()
	require.Empty(t, runsRequested(emits))
	require.Len(t, notices, 1)
	require.Equal(t, []csr.Person{"alice"}, notices[0].n.To)
	require.Equal(t, "⚠️ The scheduled production deploy of CSR-1 (Fri 2026-12-04 22:30 KST) did not start: "+
		"billing-api is frozen until Fri 2026-12-04 23:00 KST: payment provider maintenance. CSR-1 is `approved` again; @alice may schedule it anew. "+
		"Next: wait for the freeze to end, or an admin runs `deploy CSR-1 --override \"reason\"`.", e.rec.texts("#billing-releases")[0])
}

// TestMissedScheduleStartsLateInsideTheWindow: no process ran at 22:30;
// at 23:45 the window is still open, so the deploy starts and says so.
func TestMissedScheduleStartsLateInsideTheWindow(t *testing.T) {
	e := newEnv(t, "", kst(4, 15, 0))
	c := e.csrTo("billing-api", csr.Approved)
	e.schedule(c.ID, kst(4, 22, 30))

	// The process that took the schedule is gone; a new one starts later.
	b := e.instance("b", 5*time.Second, nil)
	e.at(b, kst(4, 23, 45))
	require.Equal(t, csr.Deploying, e.get(c.ID).State)
	_, emits := e.rec.all()
	require.Equal(t, []string{"b:CSR-1/deploy/1"}, runsRequested(emits))
	require.Equal(t, []string{"⏰ CSR-1 was scheduled to deploy at Fri 2026-12-04 22:30 KST, but no bot was running then. " +
		"The deploy window is still open, so it started now, 1h 15m late."}, e.rec.texts("#billing-releases"))
}

// TestMissedScheduleOutsideTheWindowGoesBackToApproved: the window closed
// at 02:00 while no process ran; nothing deploys on Saturday morning.
func TestMissedScheduleOutsideTheWindowGoesBackToApproved(t *testing.T) {
	e := newEnv(t, "", kst(4, 15, 0))
	c := e.csrTo("billing-api", csr.Approved)
	e.schedule(c.ID, kst(4, 23, 30))

	b := e.instance("b", 5*time.Second, nil)
	e.at(b, kst(5, 9, 0)) // Saturday 09:00
	got := e.get(c.ID)
	require.Equal(t, csr.Approved, got.State)
	require.Contains(t, got.History[len(got.History)-1].Note, "allowed only Mon-Fri 22:00-02:00 Asia/Seoul")
	_, emits := e.rec.all()
	require.Empty(t, runsRequested(emits))
	text := e.rec.texts("#billing-releases")
	require.Len(t, text, 1)
	require.Equal(t, "⚠️ CSR-1 was scheduled to deploy at Fri 2026-12-04 23:30 KST, but no bot was running then, and now "+
		"production deploys of billing-api are allowed only Mon-Fri 22:00-02:00 Asia/Seoul. The deploy did not start; CSR-1 is `approved` again "+
		"and @alice may schedule it anew. Next: the window next opens Mon 2026-12-07 22:00 KST; deploy then, schedule it with "+
		"`deploy CSR-1 --at HH:MM`, or an admin overrides with `deploy CSR-1 --override \"reason\"`.", text[0])
}

// TestScheduleSurvivesARestart: the schedule is the CSR's state in Redis;
// a process started after the one that saw it scheduled deploys it.
func TestScheduleSurvivesARestart(t *testing.T) {
	e := newEnv(t, "", kst(4, 15, 0))
	a := e.instance("a", 5*time.Second, nil)
	c := e.csrTo("web-frontend", csr.Approved)
	e.schedule(c.ID, kst(4, 16, 0))
	e.at(a, kst(4, 15, 30))
	require.NoError(t, a.lease.Release(context.Background())) // a shuts down

	b := e.instance("b", 5*time.Second, nil)
	e.at(b, kst(4, 16, 0))
	require.Equal(t, csr.Deploying, e.get(c.ID).State)
	_, emits := e.rec.all()
	require.Equal(t, []string{"b:CSR-1/deploy/1"}, runsRequested(emits))
}

// TestUnscheduledOrRescheduledMeanwhile: the scheduler decides on the CSR
// as stored, so a deploy taken off the schedule, or moved, does not start.
func TestUnscheduledOrRescheduledMeanwhile(t *testing.T) {
	e := newEnv(t, "", kst(4, 15, 0))
	a := e.instance("a", 5*time.Second, nil)
	c1 := e.csrTo("web-frontend", csr.Approved)
	c2 := e.csrTo("web-frontend", csr.Approved)
	e.schedule(c1.ID, kst(4, 16, 0))
	e.schedule(c2.ID, kst(4, 16, 0))
	_, _, err := e.store.Update(context.Background(), c1.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.Unschedule(csr.Actor{Person: "alice"}, e.clock.Now(), "not tonight", nil)
	})
	require.NoError(t, err)
	_, _, err = e.store.Update(context.Background(), c2.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		c, _, err := c.Unschedule(csr.Actor{Person: "alice"}, e.clock.Now(), "", nil)
		if err != nil {
			return c, nil, err
		}
		svc, _ := e.cfg.Service(c.Service)
		return c.Schedule(csr.Actor{Person: "alice"}, kst(4, 18, 0), e.clock.Now(), svc, nil)
	})
	require.NoError(t, err)

	e.at(a, kst(4, 16, 0))
	require.Equal(t, csr.Approved, e.get(c1.ID).State)
	require.Equal(t, csr.Scheduled, e.get(c2.ID).State)
	e.at(a, kst(4, 18, 0))
	require.Equal(t, csr.Deploying, e.get(c2.ID).State)
	_, emits := e.rec.all()
	require.Equal(t, []string{"a:CSR-2/deploy/1"}, runsRequested(emits))
}

// TestAPanickingJobDoesNotStopTheOthers: the notifier panics while the
// deploy job runs; the tick survives (cron.Recover) and the reminders still
// run.
func TestAPanickingJobDoesNotStopTheOthers(t *testing.T) {
	e := newEnv(t, `
reminders:
  - {name: stuck, kind: stuck, schedule: "*/10 * * * *", channel: "#ops"}
`, kst(4, 15, 55))
	a := e.instance("a", 5*time.Second, nil)
	c := e.csrTo("web-frontend", csr.Approved)
	e.csrTo("web-frontend", csr.TestFailed)
	e.schedule(c.ID, kst(4, 16, 0))
	e.tick(a)
	a.fx.panic = true
	require.NotPanics(t, func() { _ = a.s.Tick(context.Background()) }) // clock still 15:55: nothing due
	e.clock.Set(kst(4, 16, 0))
	require.NotPanics(t, func() { _ = a.s.Tick(context.Background()) })
	require.Equal(t, csr.Deploying, e.get(c.ID).State, "the transition was saved before the notice panicked")
	a.fx.panic = false
	e.at(a, kst(4, 16, 10))
	require.Len(t, e.rec.texts("#ops"), 1, "the reminder job still runs on later ticks")
}
