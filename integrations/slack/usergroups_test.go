package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/internal/testenv"
)

// TestApproversFromUserGroup: the `sm` step follows Slack user group
// S0SMTEAM01. Only its members who are configured people are approvers:
// they get the DM, others are refused; a change in Slack applies after a
// refresh.
func TestApproversFromUserGroup(t *testing.T) {
	fake := newFakeSlack(t)
	fake.SetGroup("S0SMTEAM01", dave, "U0STRANGER")
	rdb, prefix := testenv.Redis(t)
	cfgYAML := testConfig + "slack_usergroups:\n  sm: S0SMTEAM01\n"
	h := newHarnessOn(t, fake, rdb, prefix, cfgYAML)
	members, ok := h.groups.Members("sm")
	require.True(t, ok)
	require.Equal(t, []csr.Person{"dave"}, members)

	h.toApproval()
	h.click(bob, h.dm("CSR-1", bob, "lead"), "approve")
	h.settle()
	refs, err := h.app.Store.SlackRefs(context.Background(), "CSR-1")
	require.NoError(t, err)
	_, toCarol := refs[dmField(carol, "sm", 1)]
	require.False(t, toCarol, "carol is in the config group but not in the Slack user group")
	h.dm("CSR-1", dave, "sm")

	trigger, _ := h.slash(carol, "approve CSR-1")
	h.settle()
	require.Contains(t, responseText(h.response(trigger)), "not an approver of step `sm`")

	// Slack's membership changes: carol joins, dave leaves.
	fake.SetGroup("S0SMTEAM01", carol)
	h.groups.groups.refresh(context.Background(), h.ad)
	trigger, _ = h.slash(dave, "approve CSR-1")
	h.settle()
	require.Contains(t, responseText(h.response(trigger)), "not an approver")
	trigger, _ = h.slash(carol, "approve CSR-1")
	h.settle()
	require.True(t, strings.Contains(responseText(h.response(trigger)), "You approved step `sm`"), responseText(h.response(trigger)))
	require.Len(t, fake.Calls("usergroups.users.list"), 2)
}

// TestUserGroupUnreachable: until Slack answers, a group's config members
// approve.
func TestUserGroupUnreachable(t *testing.T) {
	fake := newFakeSlack(t)
	fake.Fail("usergroups.users.list", "missing_scope")
	rdb, prefix := testenv.Redis(t)
	h := newHarnessOn(t, fake, rdb, prefix, testConfig+"slack_usergroups:\n  sm: S0SMTEAM01\n")
	_, ok := h.groups.Members("sm")
	require.False(t, ok)
	svc, _ := h.groups.Service("billing-api")
	require.Equal(t, []csr.Person{"carol", "dave"}, svc.Line[1].Approvers)
}

// TestRemindersFollowUserGroup: the scheduler reads the same view as the
// commands. The "approvals waiting" reminder names the Slack user group's
// members (dave), not the config group's (carol and dave), and so do the
// service's approvers as every part of the bot sees them.
func TestRemindersFollowUserGroup(t *testing.T) {
	fake := newFakeSlack(t)
	fake.SetGroup("S0SMTEAM01", dave)
	rdb, prefix := testenv.Redis(t)
	cfgYAML := testConfig + `slack_usergroups:
  sm: S0SMTEAM01
reminders:
  - name: approvals
    kind: waiting_approvals
    schedule: "*/30 * * * *"
    channel: "#release-managers"
`
	h := newHarnessOn(t, fake, rdb, prefix, cfgYAML)
	for _, svc := range []func() (csr.Service, bool){
		func() (csr.Service, bool) { return h.groups.Service("billing-api") },
		func() (csr.Service, bool) { return h.app.Handler.Config.Service("billing-api") },
		func() (csr.Service, bool) { return h.ad.services.Service("billing-api") },
	} {
		s, ok := svc()
		require.True(t, ok)
		require.Equal(t, []csr.Person{"dave"}, s.Line[1].Approvers)
	}
	all := h.groups.Services()
	require.Equal(t, "billing-api", all[0].Name)
	require.Equal(t, []csr.Person{"dave"}, all[0].Line[1].Approvers)

	h.toApproval()
	h.click(bob, h.dm("CSR-1", bob, "lead"), "approve")
	h.settle()
	ctx := context.Background()
	h.app.TickSchedules(ctx) // the reminder's first sight: it counts from now
	h.clock.Advance(31 * time.Minute)
	h.app.TickSchedules(ctx)
	h.settle()

	var reminder string
	for _, c := range fake.Calls("chat.postMessage") {
		if c.Channel == channelID("#release-managers") {
			reminder = c.Text + "\n" + blocksText(c.Blocks)
		}
	}
	require.Contains(t, reminder, "CSR-1")
	require.Contains(t, reminder, "<@"+dave+">", "the Slack user group's member is named")
	require.NotContains(t, reminder, "<@"+carol+">", "carol is in the config group only")
}
