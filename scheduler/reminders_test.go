package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// TestWaitingApprovalsReminder: the reminder fires at 10:00 in Seoul on
// weekdays only, names the step and mentions who holds it, and a reminder
// whose threshold is not reached says nothing.
func TestWaitingApprovalsReminder(t *testing.T) {
	e := newEnv(t, `
reminders:
  - name: approvals
    kind: waiting_approvals
    schedule: "CRON_TZ=Asia/Seoul 0 10 * * MON-FRI"
    channel: "#release-managers"
    older_than: 2h
  - name: approvals-patient
    kind: waiting_approvals
    schedule: "CRON_TZ=Asia/Seoul 0 10 * * MON-FRI"
    channel: "#patient"
    older_than: 4h
`, kst(4, 6, 0))
	a := e.instance("a", 5*time.Second, nil)
	e.tick(a) // first sight: counts from now

	e.clock.Set(kst(4, 6, 30))
	c := e.csrTo("billing-api", csr.InApproval) // submitted at 06:30
	e.csrTo("web-frontend", csr.InApproval)
	e.clock.Set(kst(4, 7, 0))
	e.approve(c.ID, "bob") // step sm of CSR-1 opens at 07:00

	e.at(a, kst(4, 9, 59).Add(59*time.Second))
	require.Empty(t, e.rec.texts("#release-managers"), "not before 10:00")

	e.at(a, kst(4, 10, 0))
	notices, _ := e.rec.all()
	require.Len(t, notices, 1)
	require.Equal(t, time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC), notices[0].at.UTC(), "10:00 in Seoul is 01:00 UTC")
	require.Equal(t, "⏳ Approvals waiting longer than 2h:\n"+
		"• CSR-2 \"Change web-frontend\" (web-frontend) has waited 3h 30m at step 1/1 `lead` for 1 more approval from @bob: `approve CSR-2` or `reject CSR-2 \"reason\"`.\n"+
		"• CSR-1 \"Change billing-api\" (billing-api) has waited 3h at step 2/3 `sm` for 1 more approval from @carol or @dave: `approve CSR-1` or `reject CSR-1 \"reason\"`.",
		e.rec.texts("#release-managers")[0])
	require.Empty(t, e.rec.texts("#patient"), "3h 30m is below 4h: nothing to say")

	e.at(a, kst(4, 10, 5))
	require.Len(t, e.rec.texts("#release-managers"), 1, "one post per firing")

	e.at(a, kst(5, 10, 0)) // Saturday
	e.at(a, kst(6, 10, 0)) // Sunday
	require.Len(t, e.rec.texts("#release-managers"), 1, "MON-FRI only")

	e.at(a, kst(7, 10, 0)) // Monday: both now
	require.Len(t, e.rec.texts("#release-managers"), 2)
	require.Len(t, e.rec.texts("#patient"), 1)
}

// TestReminderInItsOwnTimeZone: CRON_TZ names the zone the schedule is
// read in, whatever the file's timezone and the clock's.
func TestReminderInItsOwnTimeZone(t *testing.T) {
	e := newEnv(t, `
reminders:
  - {name: stuck-ny, kind: stuck, schedule: "CRON_TZ=America/New_York 0 9 * * *", channel: "#ny"}
  - {name: stuck-seoul, kind: stuck, schedule: "0 9 * * *", channel: "#seoul"}
`, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	a := e.instance("a", 5*time.Second, nil)
	e.tick(a)
	e.csrTo("web-frontend", csr.TestFailed)
	for t0 := e.clock.Now(); e.clock.Now().Before(t0.Add(24 * time.Hour)); {
		e.at(a, e.clock.Now().Add(time.Minute))
	}
	notices, _ := e.rec.all()
	require.Len(t, notices, 2)
	byChannel := map[string]time.Time{}
	for _, n := range notices {
		byChannel[n.n.Channel] = n.at
	}
	require.Equal(t, time.Date(2026, 12, 3, 9, 0, 0, 0, newYork), byChannel["#ny"].In(newYork))
	require.Equal(t, time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC), byChannel["#ny"].UTC())
	require.Equal(t, kst(4, 9, 0), byChannel["#seoul"].In(seoul), "no CRON_TZ: the file's timezone")
}

// TestScheduledDeploysReminder lists tonight's deploys in order with their
// windows, warns about one a freeze would refuse, and is silent without
// any.
func TestScheduledDeploysReminder(t *testing.T) {
	e := newEnv(t, `
reminders:
  - {name: tonight, kind: scheduled_deploys, schedule: "0 18 * * *", channel: "#tonight", within: 12h}
`, kst(3, 12, 0))
	a := e.instance("a", 5*time.Second, nil)
	e.tick(a)
	e.at(a, kst(3, 18, 0))
	require.Empty(t, e.rec.texts("#tonight"), "no deploys scheduled: nothing to say")

	late := e.csrTo("billing-api", csr.Approved)
	early := e.csrTo("web-frontend", csr.Approved)
	frozen := e.csrTo("billing-api", csr.Approved)
	later := e.csrTo("web-frontend", csr.Approved)
	e.schedule(late.ID, kst(4, 23, 30))
	e.schedule(early.ID, kst(4, 20, 0))
	e.schedule(frozen.ID, kst(4, 22, 0))
	e.schedule(later.ID, kst(5, 9, 0)) // beyond 12h from 18:00
	require.NoError(t, e.store.SetFreeze(context.Background(), csr.Freeze{Service: "billing-api", From: kst(4, 12, 0),
		Until: kst(4, 23, 0), Reason: "provider maintenance", By: "grace"}))

	e.at(a, kst(4, 18, 0))
	require.Equal(t, []string{"📅 Production deploys scheduled in the next 12h:\n" +
		"• Fri 2026-12-04 20:00 KST: CSR-2 \"Change web-frontend\" (web-frontend) to prod, by @alice; window any time.\n" +
		"• Fri 2026-12-04 22:00 KST: CSR-3 \"Change billing-api\" (billing-api) to prod, by @alice; window Mon-Fri 22:00-02:00 Asia/Seoul. " +
		"⚠️ As things stand it will not start: billing-api is frozen until Fri 2026-12-04 23:00 KST: provider maintenance.\n" +
		"• Fri 2026-12-04 23:30 KST: CSR-1 \"Change billing-api\" (billing-api) to prod, by @alice; window Mon-Fri 22:00-02:00 Asia/Seoul."},
		e.rec.texts("#tonight"))
}

// TestStuckReminder names CSRs stuck after a failed deploy and what moves
// them on; younger than older_than, or none, says nothing.
func TestStuckReminder(t *testing.T) {
	e := newEnv(t, `
reminders:
  - {name: stuck, kind: stuck, schedule: "CRON_TZ=Asia/Seoul 30 9 * * MON-FRI", channel: "#stuck", older_than: 1h}
`, kst(3, 8, 0))
	a := e.instance("a", 5*time.Second, nil)
	e.tick(a)
	e.at(a, kst(3, 9, 30))
	require.Empty(t, e.rec.texts("#stuck"), "nothing stuck")

	e.clock.Set(kst(3, 12, 0))
	e.csrTo("billing-api", csr.TestFailed)
	e.clock.Set(kst(4, 9, 0))
	e.csrTo("web-frontend", csr.DeployFailed) // 30 minutes before the reminder: too fresh
	e.at(a, kst(4, 9, 30))
	require.Equal(t, []string{"🚧 CSRs stuck after a failed deploy:\n" +
		"• CSR-1 \"Change billing-api\" (billing-api) is `test_failed` since Thu 2026-12-03 12:00 KST (21h 30m). " +
		"the test deploy of CSR-1 failed. Next: @alice fixes it and runs `test CSR-1` again (or `update CSR-1 --ref ...` for a new commit)."},
		e.rec.texts("#stuck"))
}

// TestFreezesReminder announces freezes starting and ending within its
// horizon, from the config file and from chat, and is silent otherwise.
func TestFreezesReminder(t *testing.T) {
	e := newEnv(t, `
reminders:
  - {name: freezes, kind: freezes, schedule: "0 9 * * *", channel: "#freezes", within: 48h, services: [billing-api]}
`, kst(10, 8, 0))
	a := e.instance("a", 5*time.Second, nil)
	e.tick(a)
	e.at(a, kst(10, 9, 0))
	require.Empty(t, e.rec.texts("#freezes"), "the year-end freeze is two weeks away")

	e.at(a, kst(23, 9, 0))
	require.Equal(t, []string{"❄️ Freezes starting or ending in the next 2d:\n" +
		"• billing-api freezes from Thu 2026-12-24 00:00 KST until Sat 2026-12-26 00:00 KST: Year-end freeze: billing close"},
		e.rec.texts("#freezes"))

	require.NoError(t, e.store.SetFreeze(context.Background(), csr.Freeze{Service: "billing-api", From: kst(25, 8, 0),
		Until: kst(26, 12, 0), Reason: "close continues", By: "grace"}))
	e.at(a, kst(25, 9, 0))
	require.Equal(t, "❄️ Freezes starting or ending in the next 2d:\n"+
		"• billing-api is frozen until Sat 2026-12-26 00:00 KST: Year-end freeze: billing close\n"+
		"• billing-api is frozen until Sat 2026-12-26 12:00 KST: close continues", e.rec.texts("#freezes")[1])
}

// TestRemindersAfterDowntime: firings missed while no process ran are
// posted once if the latest is recent, and skipped when stale; a clock set
// back starts counting again from the new time.
func TestRemindersAfterDowntime(t *testing.T) {
	e := newEnv(t, `
reminders:
  - {name: every10, kind: stuck, schedule: "*/10 * * * *", channel: "#every10"}
  - {name: daily, kind: stuck, schedule: "0 10 * * *", channel: "#daily"}
`, kst(4, 9, 0))
	a := e.instance("a", 5*time.Second, nil)
	e.csrTo("web-frontend", csr.TestFailed)
	e.tick(a)

	e.at(a, kst(4, 9, 35)) // 09:10, 09:20, 09:30 were due
	require.Len(t, e.rec.texts("#every10"), 1, "one post for the firings due at once")
	e.at(a, kst(4, 12, 0)) // the 10:00 daily is two hours old
	require.Len(t, e.rec.texts("#every10"), 2)
	require.Empty(t, e.rec.texts("#daily"), "a firing older than the catch-up time is skipped")
	e.at(a, kst(5, 10, 0))
	require.Len(t, e.rec.texts("#daily"), 1, "and the next one fires")

	e.at(a, kst(4, 9, 0)) // set back a day
	e.at(a, kst(4, 10, 0))
	require.Len(t, e.rec.texts("#daily"), 2, "after the clock is set back, reminders fire at their times again")
}
