package slack

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// TestLifecycleOverHTTP walks CSR-1 from `/release new` to deployed with
// slash commands and button clicks over signed HTTP requests, and checks
// after every step that the live card in the channel shows the truth and
// offers the moves that make sense, and that approvers' DMs open and
// close with their step.
func TestLifecycleOverHTTP(t *testing.T) {
	h := newHarness(t)
	id := csr.ID("CSR-1")

	trigger, ack := h.slash(alice, `new billing-api "Fix rounding" --ref main --effort 4h`)
	require.Empty(t, ack, "the command is acknowledged with an empty 200 and answered later")
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
		{"alice runs the test deploy from the card", func() { h.click(alice, h.card(id), "test") }, csr.Tested,
			[]string{"test", "evidence", "cancel"}},
		{"frank attaches evidence by slash command", func() {
			h.slash(frank, `evidence CSR-1 https://ci.example.com/run/1 "regression suite green"`)
		}, csr.Tested, []string{"test", "evidence", "submit", "cancel"}},
		{"alice submits from the card", func() { h.click(alice, h.card(id), "submit") }, csr.InApproval,
			[]string{"evidence", "approve", "reject", "cancel"}},
		{"bob approves from his DM", func() { h.click(bob, h.dm(id, bob, "lead"), "approve") }, csr.InApproval,
			[]string{"evidence", "approve", "reject", "cancel"}},
		{"carol approves from her DM", func() { h.click(carol, h.dm(id, carol, "sm"), "approve") }, csr.InApproval,
			[]string{"evidence", "approve", "reject", "cancel"}},
		{"erin approves by slash command", func() { h.slash(erin, "approve CSR-1") }, csr.Approved,
			[]string{"deploy", "cancel"}},
		{"alice deploys from the card", func() { h.click(alice, h.card(id), "deploy") }, csr.Deployed, nil},
	}
	for _, s := range steps {
		updates := h.fake.Updates(card.Channel, card.TS)
		s.act()
		h.settle()
		require.Equal(t, s.state, h.state(id), s.name)
		now := h.card(id)
		require.True(t, showsState(now, s.state), "%s: the card should show %s:\n%s", s.name, s.state, blocksText(now.Blocks))
		require.Greater(t, h.fake.Updates(card.Channel, card.TS), updates, "%s: the card was not updated", s.name)
		require.Equal(t, s.button, buttons(now.Blocks), s.name)
	}

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
}
