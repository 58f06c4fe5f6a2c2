package slack

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/internal/testenv"
)

// TestOneLiveMessagePerRound: after reject → revise → resubmit, the first
// round's approval requests are closed (no buttons, and they say how the
// round ended) and stay so while the new round gets messages of its own;
// a click on a drawing of the old round is refused, not applied to the
// new one; after the deploy every request of both rounds is closed.
func TestOneLiveMessagePerRound(t *testing.T) {
	h := newHarness(t)
	id := csr.ID("CSR-1")
	h.toApproval()
	oldBob := h.dm(id, bob, "lead")
	require.Equal(t, []string{"approve", "reject"}, buttons(oldBob.Blocks))

	h.slash(bob, `reject CSR-1 "no rollback plan"`)
	h.settle()
	for _, step := range []string{"revise CSR-1", "test CSR-1", "submit CSR-1"} {
		h.slash(alice, step)
		h.settle()
	}
	require.Equal(t, csr.InApproval, h.state(id))

	closed := h.dmOfRound(id, bob, "lead", 1)
	require.Equal(t, oldBob.TS, closed.TS)
	require.Empty(t, buttons(closed.Blocks), "the first round's request is closed")
	require.Contains(t, blocksText(closed.Blocks), "its approval round ended when <@U0BOB00002> rejected it (no rollback plan)")
	fresh := h.dm(id, bob, "lead")
	require.NotEqual(t, oldBob.TS, fresh.TS, "a new round posts a new message")
	require.Equal(t, []string{"approve", "reject"}, buttons(fresh.Blocks))

	// A click on the old drawing (as a slow client still shows it).
	trigger := h.clickTrigger(bob, oldBob, "approve")
	h.settle()
	require.Contains(t, responseText(h.response(trigger)), "this request belongs to an earlier approval round of CSR-1")
	c, err := h.app.Store.Get(t.Context(), id)
	require.NoError(t, err)
	for _, a := range c.Approvals {
		require.True(t, a.Voided || a.Decision != csr.Approve, "the old click approved nothing")
	}
	opens := len(h.fake.Calls("views.open"))
	trigger = h.clickTrigger(bob, oldBob, "reject")
	h.settle()
	require.Contains(t, responseText(h.response(trigger)), "earlier approval round")
	require.Len(t, h.fake.Calls("views.open"), opens, "no form opens for a closed request")

	h.click(bob, fresh, "approve")
	h.settle()
	h.click(carol, h.dm(id, carol, "sm"), "approve")
	h.settle()
	h.slash(erin, "approve CSR-1")
	h.settle()
	h.click(alice, h.card(id), "deploy")
	h.settle()
	require.Equal(t, csr.Deployed, h.state(id))
	for _, m := range []apiCall{h.dmOfRound(id, bob, "lead", 1), h.dm(id, bob, "lead"), h.dm(id, carol, "sm"), h.dm(id, dave, "sm"),
		h.dm(id, erin, "business")} {
		require.Empty(t, buttons(m.Blocks), "after the deploy no request has buttons: %s", blocksText(m.Blocks))
	}

	// Reject on a deployed CSR is refused at once, without a form.
	trigger, _ = h.slash(bob, "reject CSR-1")
	h.settle()
	require.Contains(t, responseText(h.response(trigger)), "Not done")
	require.Len(t, h.fake.Calls("views.open"), opens, "no form for an action that is not possible")
}

// clickTrigger clicks a button and returns the trigger whose response_url
// carries the answer.
func (h *harness) clickTrigger(user string, m apiCall, action string) string {
	h.t.Helper()
	body, trigger := h.clickBodyTrigger(user, m, action)
	resp := h.send(PathInteractions, form, body, h.clock.Now(), nil)
	require.Equal(h.t, http.StatusOK, resp.StatusCode)
	return trigger
}

// TestRestartResendsNothingUnchanged: a bot process started after another
// (a restart, or a second replica) that is asked to redraw a CSR's
// messages sends nothing when they already show the truth.
func TestRestartResendsNothingUnchanged(t *testing.T) {
	fake := newFakeSlack(t)
	rdb, prefix := testenv.Redis(t)
	first := newHarnessOn(t, fake, rdb, prefix, testConfig)
	first.toApproval()
	updates := len(fake.Calls("chat.update"))
	posts := len(fake.Calls("chat.postMessage"))

	second := newHarnessOn(t, fake, rdb, prefix, testConfig)
	second.ad.keeper.touch("CSR-1")
	second.settle()
	require.Len(t, fake.Calls("chat.update"), updates, "no message redrawn unchanged")
	require.Len(t, fake.Calls("chat.postMessage"), posts)

	second.slash(frank, "evidence CSR-1 https://ci.example.com/run/9")
	second.settle()
	require.Greater(t, len(fake.Calls("chat.update")), updates, "a change is still drawn")
	require.Contains(t, blocksText(second.dm("CSR-1", bob, "lead").Blocks), "run/9")
}
