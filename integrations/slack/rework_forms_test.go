package slack

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// deployed walks a new CSR to deployed by slash commands.
func (h *harness) deployed(id csr.ID) {
	h.t.Helper()
	for _, step := range []struct{ user, text string }{
		{alice, `new billing-api "Fix rounding" --ref main`},
		{alice, "test " + string(id)},
		{frank, "evidence " + string(id) + " https://ci.example.com/run/1"},
		{alice, "submit " + string(id)},
		{bob, "approve " + string(id)},
		{carol, "approve " + string(id)},
		{erin, "approve " + string(id)},
		{alice, "deploy " + string(id)},
	} {
		h.slash(step.user, step.text)
		h.settle()
	}
	require.Equal(h.t, csr.Deployed, h.state(id))
}

// TestRollbackForm: the deployed CSR's Roll back button asks the reason in
// a form (required); once given, production goes back; a person the
// policy does not allow is refused at once, without a form.
func TestRollbackForm(t *testing.T) {
	h := newHarness(t)
	h.deployed("CSR-1")
	h.deployed("CSR-2")
	require.Contains(t, buttons(h.card("CSR-2").Blocks), "rollback", "offered where production would accept it")

	opened := len(h.fake.Calls("views.open"))
	h.click(frank, h.card("CSR-2"), "rollback") // frank tested, but may not roll back
	h.settle()
	require.Len(t, h.fake.Calls("views.open"), opened, "no form for a refused rollback")

	h.click(alice, h.card("CSR-2"), "rollback")
	h.settle()
	view := h.lastView("views.open")
	require.Equal(t, formRollback, view["callback_id"])
	require.Contains(t, viewBlocksText(view), "Fix rounding")
	meta := view["private_metadata"].(string)
	reason := func(s string) map[string]map[string]any {
		return map[string]map[string]any{fieldReason: {"type": "plain_text_input", "value": s}}
	}
	errs := submissionErrors(t, h.submitView(alice, "V0RBK00001", formRollback, meta, reason(" ")))
	require.Contains(t, errs[fieldReason], "needs a reason")
	require.Equal(t, csr.Deployed, h.state("CSR-2"))
	require.Equal(t, http.StatusOK, h.submitView(alice, "V0RBK00001", formRollback, meta, reason("error rate doubled")).StatusCode)
	h.settle()
	require.Equal(t, csr.RolledBack, h.state("CSR-2"))
	c, err := h.app.Store.Get(context.Background(), "CSR-2")
	require.NoError(t, err)
	require.Contains(t, c.History[len(c.History)-2].Note+c.History[len(c.History)-1].Note, "error rate doubled", "the reason is recorded")
	require.Contains(t, blocksText(h.card("CSR-2").Blocks), "prod runs CSR-1", "the card says what production runs now")
}

// TestEditForm: `/release edit CSR-1` opens the CSR's fields as they are;
// saving without a change says so next to the title; a change is saved.
func TestEditForm(t *testing.T) {
	h := newHarness(t)
	h.slash(alice, `new billing-api "Fix rounding" --ref main --effort 4h --risk "none"`)
	h.settle()
	h.slash(alice, "edit CSR-1")
	h.settle()
	view := h.lastView("views.open")
	require.Equal(t, formEdit, view["callback_id"])
	js := string(mustJSON(t, view))
	require.Contains(t, js, `"initial_value":"Fix rounding"`)
	require.Contains(t, js, `"initial_value":"4h"`)
	meta := view["private_metadata"].(string)
	values := func(risk string) map[string]map[string]any {
		return map[string]map[string]any{
			fieldTitle:       {"type": "plain_text_input", "value": "Fix rounding"},
			fieldAssignee:    {"type": "users_select", "selected_user": ""},
			fieldEffort:      {"type": "plain_text_input", "value": "4h"},
			fieldDescription: {"type": "plain_text_input", "value": ""},
			fieldRisk:        {"type": "plain_text_input", "value": risk},
		}
	}
	errs := submissionErrors(t, h.submitView(alice, "V0EDT00001", formEdit, meta, values("none")))
	require.Contains(t, errs[fieldTitle], "nothing was changed")
	require.Equal(t, http.StatusOK, h.submitView(alice, "V0EDT00001", formEdit, meta, values("rollback: redeploy v1.2")).StatusCode)
	h.settle()
	c, err := h.app.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Equal(t, "rollback: redeploy v1.2", c.Risk)
	require.Equal(t, "Fix rounding", c.Title, "what was not changed stays")

	h.slash(frank, "edit CSR-1") // not the CSR's: refused at once
	h.settle()
	require.Equal(t, formEdit, h.lastView("views.open")["callback_id"])
	require.Len(t, h.fake.Calls("views.open"), 1, "no form for a refused edit")
}

// TestUnscheduleButton: a scheduled CSR's card offers Unschedule, and the
// click takes it off the schedule.
func TestUnscheduleButton(t *testing.T) {
	h := newHarness(t)
	h.toApproval()
	for _, u := range []string{bob, carol, erin} {
		h.slash(u, "approve CSR-1")
		h.settle()
	}
	h.slash(alice, `deploy CSR-1 --at "2026-12-07 23:00"`)
	h.settle()
	require.Equal(t, csr.Scheduled, h.state("CSR-1"))
	require.Contains(t, buttons(h.card("CSR-1").Blocks), "unschedule")
	h.click(alice, h.card("CSR-1"), "unschedule")
	h.settle()
	require.Equal(t, csr.Approved, h.state("CSR-1"))
}
