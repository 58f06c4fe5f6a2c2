package slack

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// transport is how a test person talks to the bot: over signed HTTP or
// over Socket Mode.
type transport struct {
	// slash runs `/release TEXT` and returns the trigger whose
	// response_url carries the answer.
	slash func(user, text string) string
	click func(user string, m apiCall, action string)
	// before runs before step i (Socket Mode: a reconnect, a drop).
	before func(i int)
}

// TestLifecycleOverHTTP walks CSR-1 from `/release new` to deployed with
// slash commands and button clicks over signed HTTP requests, and checks
// after every step that the live card in the channel shows the truth and
// offers the moves that make sense, and that approvers' DMs open and
// close with their step.
func TestLifecycleOverHTTP(t *testing.T) {
	h := newHarness(t)
	runLifecycle(t, h, transport{
		slash: func(user, text string) string {
			trigger, ack := h.slash(user, text)
			require.Empty(t, ack, "the command is acknowledged with an empty 200 and answered later")
			return trigger
		},
		click: func(user string, m apiCall, action string) { h.click(user, m, action) },
	})
}

// runLifecycle is the whole release over a transport, with the card, DM
// and thread checks after every step.
func runLifecycle(t *testing.T, h *harness, tr transport) {
	id := csr.ID("CSR-1")
	before := func(i int) {
		if tr.before != nil {
			tr.before(i)
		}
	}

	before(0)
	trigger := tr.slash(alice, `new billing-api "Fix rounding" --ref main --effort 4h`)
	h.settle()
	require.Contains(t, responseText(h.response(trigger)), "Created CSR-1: Fix rounding.")
	require.Equal(t, "ephemeral", h.response(trigger)["response_type"])
	card := h.card(id)
	require.Equal(t, "CBILLINGRELEASES", card.Channel)
	require.True(t, showsState(card, csr.Draft), blocksText(card.Blocks))
	require.Equal(t, []string{"test", "evidence", "cancel"}, buttons(card.Blocks))

	steps := []struct {
		name   string
		act    func()
		state  csr.State
		button []string
	}{
		{"alice runs the test deploy from the card", func() { tr.click(alice, h.card(id), "test") }, csr.Tested,
			[]string{"test", "evidence", "cancel"}},
		{"frank attaches evidence by slash command", func() {
			tr.slash(frank, `evidence CSR-1 https://ci.example.com/run/1 "regression suite green"`)
		}, csr.Tested, []string{"test", "evidence", "submit", "cancel"}},
		{"alice submits from the card", func() { tr.click(alice, h.card(id), "submit") }, csr.InApproval,
			[]string{"evidence", "approve", "reject", "cancel"}},
		{"bob approves from his DM", func() { tr.click(bob, h.dm(id, bob, "lead"), "approve") }, csr.InApproval,
			[]string{"evidence", "approve", "reject", "cancel"}},
		{"carol approves from her DM", func() { tr.click(carol, h.dm(id, carol, "sm"), "approve") }, csr.InApproval,
			[]string{"evidence", "approve", "reject", "cancel"}},
		{"erin approves by slash command", func() { tr.slash(erin, "approve CSR-1") }, csr.Approved,
			[]string{"deploy", "cancel"}},
		{"alice deploys from the card", func() { tr.click(alice, h.card(id), "deploy") }, csr.Deployed, nil},
	}
	for i, s := range steps {
		before(i + 1)
		updates := h.fake.Updates(card.Channel, card.TS)
		s.act()
		h.settle()
		require.Equal(t, s.state, h.state(id), s.name)
		now := h.card(id)
		require.True(t, showsState(now, s.state), "%s: the card should show %s:\n%s", s.name, s.state, blocksText(now.Blocks))
		require.Greater(t, h.fake.Updates(card.Channel, card.TS), updates, "%s: the card was not updated", s.name)
		require.Equal(t, s.button, buttons(now.Blocks), s.name)
	}

	c, err := h.app.Store.Get(context.Background(), id)
	require.NoError(t, err)
	require.Len(t, c.Approvals, 3, "each approval applied once")
	final := blocksText(h.card(id).Blocks)
	require.Contains(t, final, "approved by <@U0BOB00002>", "the card names who approved")
	require.Contains(t, final, "CSR-1/deploy/1", "the card lists the deploy run")
	require.Contains(t, final, "✓ deployed")

	// Every approver's DM was closed when its step completed: no buttons,
	// and it says so.
	for _, d := range []struct{ user, step, says string }{
		{bob, "lead", "You approved CSR-1 at step `lead`"},
		{carol, "sm", "You approved CSR-1 at step `sm`"},
		{dave, "sm", "Step `sm` of CSR-1 is complete (approved by <@U0CAROL003>)"},
		{erin, "business", "You approved CSR-1 at step `business`"},
	} {
		m := h.dm(id, d.user, d.step)
		require.Empty(t, buttons(m.Blocks), "DM of %s still has buttons", d.user)
		require.Contains(t, blocksText(m.Blocks), d.says)
	}
	// The thread of the card carries the milestones.
	var thread []string
	for _, c := range h.fake.Calls("chat.postMessage") {
		if c.Thread == card.TS {
			thread = append(thread, c.Text)
		}
	}
	require.NotEmpty(t, thread)
	require.True(t, strings.Contains(strings.Join(thread, "\n"), "deploy CSR-1/deploy/1 of CSR-1 to prod succeeded"), "%q", thread)
	require.Empty(t, h.fake.refused)
	requireKnownMethods(t, h.fake)
}
