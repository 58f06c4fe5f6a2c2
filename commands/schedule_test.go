package commands_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/msg"
)

// TestDeployAtSchedules: `deploy CSR --at TIME` puts an approved CSR in
// scheduled, tells the channel, and `unschedule` takes it back.
func TestDeployAtSchedules(t *testing.T) {
	e := newEnv(t) // Friday 23:00 in Seoul, inside billing-api's window
	e.walk(csr.Approved)

	r := e.ok("alice", "deploy CSR-1 --at 23:30")
	text := render(r)
	require.Contains(t, text, "CSR-1 will deploy at Fri 2026-12-04 23:30 KST.")
	require.Contains(t, text, "the deploy to prod is scheduled for Fri 2026-12-04 23:30 KST; I will start it then.")
	c, err := e.store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Equal(t, csr.Scheduled, c.State)
	require.True(t, c.ScheduledAt.Equal(time.Date(2026, 12, 4, 23, 30, 0, 0, mustZone("Asia/Seoul"))))
	require.Equal(t, "📅 @alice scheduled the production deploy of CSR-1 to prod for Fri 2026-12-04 23:30 KST. "+
		"▶ the deploy to prod is scheduled for Fri 2026-12-04 23:30 KST; I will start it then. To take it back, @alice runs `unschedule CSR-1`.",
		msg.English.Render(e.effects.notices[len(e.effects.notices)-1].Text))
	require.Equal(t, "#billing-releases", e.effects.notices[len(e.effects.notices)-1].Channel)
	for _, ev := range e.effects.events {
		require.False(t, ev.Kind == csr.EvRunRequested && ev.Run.Purpose == csr.PurposeDeploy, "scheduling starts no deploy")
	}

	r = e.ok("alice", `unschedule CSR-1 "vendor maintenance tonight"`)
	require.Contains(t, render(r), "CSR-1 is no longer scheduled.")
	require.Equal(t, csr.Approved, e.state("CSR-1"))
	require.Equal(t, "@alice took CSR-1 off the schedule (it was set for Fri 2026-12-04 23:30 KST); it is `approved` again. Reason: vendor maintenance tonight"+
		" ▶ CSR-1 is approved. Next: @alice runs `deploy CSR-1` to ship it to prod.",
		msg.English.Render(e.effects.notices[len(e.effects.notices)-1].Text))

	// A date, on the next weekday night.
	e.ok("alice", `deploy CSR-1 --at "2026-12-07 22:30"`)
	require.Equal(t, csr.Scheduled, e.state("CSR-1"))
	require.Contains(t, render(e.ok("alice", "history CSR-1")), "scheduled  approved → scheduled  for Mon 2026-12-07 22:30 KST")

	// A new time moves a scheduled deploy; a refused one leaves it where it was.
	e.ok("alice", `deploy CSR-1 --at "2026-12-08 23:00"`)
	history := render(e.ok("alice", "history CSR-1"))
	require.Contains(t, history, "unscheduled  scheduled → approved  moved from Mon 2026-12-07 22:30 KST")
	require.Contains(t, history, "scheduled  approved → scheduled  for Tue 2026-12-08 23:00 KST")
	before := e.snapshot()
	r = e.do("alice", `deploy CSR-1 --at "2026-12-12 23:00"`) // a Saturday
	require.NotNil(t, r.Refusal)
	require.Equal(t, before, e.snapshot())
}

// TestDeployAtRefusals: each wrong schedule is refused with its reason and
// what to do instead, and the store is unchanged.
func TestDeployAtRefusals(t *testing.T) {
	cases := []struct {
		name   string
		state  csr.State
		person string
		line   string
		want   string
	}{
		{"outside the window", csr.Approved, "alice", `deploy CSR-1 --at "2026-12-05 22:30"`, "allowed only Mon-Fri 22:00-02:00 Asia/Seoul"},
		{"in the past", csr.Approved, "alice", `deploy CSR-1 --at "2026-12-04 22:30"`, "is not in the future"},
		{"not a time", csr.Approved, "alice", "deploy CSR-1 --at someday", "`someday` is not a time"},
		{"empty time", csr.Approved, "alice", `deploy CSR-1 --at ""`, "a time after --at"},
		{"no time", csr.Approved, "alice", "deploy CSR-1 --at", "a value after --at"},
		{"with override", csr.Approved, "grace", `deploy CSR-1 --at 23:30 --override "hotfix"`, "`--at` and `--override` do not go together"},
		{"before approval", csr.InApproval, "alice", "deploy CSR-1 --at 23:30", "`schedule` works only when it is approved"},
		{"not the owner", csr.Approved, "bob", "deploy CSR-1 --at 23:30", "only @alice"},
		{"unschedule: not scheduled", csr.Approved, "alice", "unschedule CSR-1", "`unschedule` works only when it is scheduled"},
		{"unschedule: no id", csr.Approved, "alice", "unschedule", "needs a CSR id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.walk(tc.state)
			before := e.snapshot()
			r := e.do(tc.person, tc.line)
			require.NotNil(t, r.Refusal, "expected a refusal, got: %s", render(r))
			require.Contains(t, render(r), tc.want)
			require.NotContains(t, render(r), "{", "unfilled placeholder")
			require.False(t, r.Refusal.Next.IsZero(), "a refusal says what to do instead")
			require.Equal(t, before, e.snapshot(), "a refused command changed the store")
		})
	}
}

// TestUnscheduleIsTheOwners: only the requester, assignee or an admin may
// take a CSR off the schedule.
func TestUnscheduleIsTheOwners(t *testing.T) {
	e := newEnv(t)
	e.walk(csr.Approved)
	e.ok("alice", "deploy CSR-1 --at 23:30")
	r := e.do("bob", "unschedule CSR-1")
	require.NotNil(t, r.Refusal)
	require.Contains(t, render(r), "only @alice")
	require.Equal(t, csr.Scheduled, e.state("CSR-1"))
	e.ok("grace", "unschedule CSR-1")
	require.Equal(t, csr.Approved, e.state("CSR-1"))
}

func TestScheduleHelp(t *testing.T) {
	e := newEnv(t)
	require.Contains(t, render(e.ok("alice", "help unschedule")), "`unschedule CSR [\"REASON\"]`: take a scheduled CSR off the schedule")
	require.Contains(t, render(e.ok("alice", "help deploy")), "`deploy CSR [--at TIME] [--override \"REASON\"]`")
}
