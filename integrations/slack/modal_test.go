package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// lastView returns the latest view sent with a method (views.open,
// views.publish).
func (h *harness) lastView(method string) map[string]any {
	h.t.Helper()
	calls := h.fake.Calls(method)
	require.NotEmpty(h.t, calls, "no %s call", method)
	return calls[len(calls)-1].View
}

func viewBlocksText(v map[string]any) string {
	var blocks []map[string]any
	for _, b := range v["blocks"].([]any) {
		blocks = append(blocks, b.(map[string]any))
	}
	return blocksText(blocks)
}

func submissionErrors(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(readBody(t, resp)), &m), "a response_action body")
	require.Equal(t, "errors", m["response_action"])
	return m["errors"].(map[string]any)
}

// TestNewForm: `/release new` opens the form; problems are shown next to
// their fields and nothing is created; a good submission creates the CSR
// and answers where the command was typed.
func TestNewForm(t *testing.T) {
	h := newHarness(t)
	trigger, ack := h.slash(alice, "new")
	require.Empty(t, ack)
	h.settle()
	view := h.lastView("views.open")
	require.Equal(t, "new", view["callback_id"])
	meta := view["private_metadata"].(string)
	require.Contains(t, meta, trigger, "the form remembers the command's response_url")

	values := func(title, ref, effort, assignee string) map[string]map[string]any {
		return map[string]map[string]any{
			fieldService:     {"type": "static_select", "selected_option": map[string]any{"value": "billing-api"}},
			fieldTitle:       {"type": "plain_text_input", "value": title},
			fieldRef:         {"type": "plain_text_input", "value": ref},
			fieldAssignee:    {"type": "users_select", "selected_user": assignee},
			fieldEffort:      {"type": "plain_text_input", "value": effort},
			fieldDescription: {"type": "plain_text_input", "value": "Totals \"rounded\" per line.\nNow per invoice."},
		}
	}
	errs := submissionErrors(t, h.submitView(alice, "V0NEW00001", "new", meta, values("Fix rounding", "main", "lots", frank)))
	require.Equal(t, "“lots” does not fit here: give a duration like 4h or 90m.", errs[fieldEffort], "said in form language")
	errs = submissionErrors(t, h.submitView(alice, "V0NEW00001", "new", meta, values("Fix rounding", "main", "4h", "U0STRANGER")))
	require.Contains(t, errs[fieldAssignee], "not in releasebot's list")
	errs = submissionErrors(t, h.submitView(alice, "V0NEW00001", "new", meta, values(string(make([]rune, 201)), "main", "4h", frank)))
	require.Contains(t, errs, fieldTitle)
	h.settle()
	_, err := h.app.Store.Get(context.Background(), "CSR-1")
	require.Error(t, err, "nothing is created while the form has problems")

	resp := h.submitView(alice, "V0NEW00001", "new", meta, values("Fix rounding", "main", "4h", frank))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, readBody(t, resp), "an empty 200 closes the form")
	h.settle()
	c, err := h.app.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Equal(t, "Fix rounding", c.Title)
	require.Equal(t, csr.Person("frank"), c.Assignee)
	require.Equal(t, "Totals \"rounded\" per line.\nNow per invoice.", c.Description)
	require.Contains(t, responseText(h.response(trigger)), "Created CSR-1")
	require.True(t, showsState(h.card("CSR-1"), csr.Draft))
}

// TestRejectFromDM: Reject in the approver's DM opens a form asking the
// reason; it is required; once given the CSR is rejected and the DMs and
// the card say so.
func TestRejectFromDM(t *testing.T) {
	h := newHarness(t)
	h.toApproval()
	h.click(bob, h.dm("CSR-1", bob, "lead"), "reject")
	h.settle()
	view := h.lastView("views.open")
	require.Equal(t, "reject", view["callback_id"])
	require.Contains(t, viewBlocksText(view), "Fix rounding")
	meta := view["private_metadata"].(string)

	reason := func(s string) map[string]map[string]any {
		return map[string]map[string]any{fieldReason: {"type": "plain_text_input", "value": s}}
	}
	errs := submissionErrors(t, h.submitView(bob, "V0REJ00001", "reject", meta, reason("   ")))
	require.Contains(t, errs[fieldReason], "needs a reason")
	require.Equal(t, csr.InApproval, h.state("CSR-1"))

	require.Equal(t, http.StatusOK, h.submitView(bob, "V0REJ00001", "reject", meta, reason("no rollback plan")).StatusCode)
	h.settle()
	require.Equal(t, csr.Rejected, h.state("CSR-1"))
	dm := h.dm("CSR-1", bob, "lead")
	require.Empty(t, buttons(dm.Blocks))
	require.Contains(t, blocksText(dm.Blocks), "You rejected CSR-1")
	card := h.card("CSR-1")
	require.True(t, showsState(card, csr.Rejected))
	require.Contains(t, blocksText(card.Blocks), "no rollback plan")
	require.Equal(t, []string{"evidence", "revise", "cancel"}, buttons(card.Blocks))
}

// TestEvidenceForm: `/release evidence CSR-1` opens the form for that
// CSR; a link that is not one is refused next to the field.
func TestEvidenceForm(t *testing.T) {
	h := newHarness(t)
	h.slash(alice, `new billing-api "Fix rounding" --ref main`)
	h.settle()
	h.slash(frank, "evidence CSR-1")
	h.settle()
	view := h.lastView("views.open")
	require.Equal(t, "evidence", view["callback_id"])
	require.Contains(t, string(mustJSON(t, view)), `"initial_value":"CSR-1"`)
	meta := view["private_metadata"].(string)
	values := func(link string) map[string]map[string]any {
		return map[string]map[string]any{
			fieldCSR:  {"type": "plain_text_input", "value": "CSR-1"},
			fieldURL:  {"type": "plain_text_input", "value": link},
			fieldNote: {"type": "plain_text_input", "value": "suite green"},
		}
	}
	errs := submissionErrors(t, h.submitView(frank, "V0EVI00001", "evidence", meta, values("ci run 42")))
	require.Contains(t, errs[fieldURL], "not a link")
	require.Equal(t, http.StatusOK, h.submitView(frank, "V0EVI00001", "evidence", meta, values("https://ci.example.com/run/42")).StatusCode)
	h.settle()
	c, err := h.app.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Len(t, c.Evidence, 1)
	require.Equal(t, csr.Person("frank"), c.Evidence[0].By)
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// TestAppHome: the Home tab shows what waits on the person with buttons,
// and acting from it redraws it.
func TestAppHome(t *testing.T) {
	h := newHarness(t)
	h.toApproval()
	open := h.eventBody("Ev0HOME001", map[string]any{"type": "app_home_opened", "user": bob, "channel": "D0BOB00002", "tab": "home"})
	require.Equal(t, http.StatusOK, h.send(PathEvents, "application/json", open, h.clock.Now(), nil).StatusCode)
	h.settle()
	home := h.fake.Calls("views.publish")
	require.Len(t, home, 1)
	require.Equal(t, bob, home[0].User)
	text := viewBlocksText(home[0].View)
	require.Contains(t, text, "Waiting on you (1)")
	require.Contains(t, text, "*CSR-1* · billing-api · Fix rounding · in approval")

	var blocks []map[string]any
	for _, b := range home[0].View["blocks"].([]any) {
		blocks = append(blocks, b.(map[string]any))
	}
	require.Equal(t, []string{"evidence", "approve", "reject"}, buttons(blocks))
	h.click(bob, apiCall{Channel: "", TS: "", Blocks: blocks}, "approve")
	h.settle()
	require.Len(t, h.fake.Calls("views.publish"), 2, "the Home is redrawn after acting from it")
	require.Contains(t, viewBlocksText(h.lastView("views.publish")), "Nothing waits on you")
	var toBob []apiCall
	for _, m := range h.fake.Calls("chat.postMessage") {
		if m.Channel == "D0BOB00002" && m.Text == "You approved step `lead` of CSR-1." {
			toBob = append(toBob, m)
		}
	}
	require.Len(t, toBob, 1, "the answer to a Home click comes by DM")

	// Someone not in the config sees why nothing is listed.
	stranger := h.eventBody("Ev0HOME002", map[string]any{"type": "app_home_opened", "user": "U0STRANGER", "channel": "D0STRANGER", "tab": "home"})
	h.send(PathEvents, "application/json", stranger, h.clock.Now(), nil)
	h.settle()
	require.Contains(t, viewBlocksText(h.lastView("views.publish")), "not in releasebot's list of people")
}

// TestShortcutAndClosedForm: the global shortcut opens the new-CSR form
// (other shortcuts are not ours); closing a form changes nothing.
func TestShortcutAndClosedForm(t *testing.T) {
	h := newHarness(t)
	post := func(p map[string]any) {
		raw, err := json.Marshal(p)
		require.NoError(t, err)
		resp := h.send(PathInteractions, form, []byte(url.Values{"payload": {string(raw)}}.Encode()), h.clock.Now(), nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	shortcut := fixtureJSON(t, "socket-mode.interactive.shortcut.json")["payload"].(map[string]any)
	post(shortcut) // callback_id do-something
	h.settle()
	require.Empty(t, h.fake.Calls("views.open"))
	shortcut["callback_id"] = shortcutNew
	post(shortcut)
	h.settle()
	require.Equal(t, "new", h.lastView("views.open")["callback_id"])

	before := len(h.fake.Calls(""))
	post(fixtureJSON(t, "interaction.view_closed.json"))
	h.settle()
	require.Len(t, h.fake.Calls(""), before)
}

// TestFormInternalFailureRef: a form that cannot be checked for a reason
// of ours (here a reject form whose metadata names no CSR) shows a
// reference the person can quote, and the log line with the cause carries
// the same reference.
func TestFormInternalFailureRef(t *testing.T) {
	h := newHarness(t)
	reason := map[string]map[string]any{fieldReason: {"type": "plain_text_input", "value": "no rollback plan"}}
	meta := modalMeta{Channel: "C0TEAM0001"}.encode()
	refs := map[string]bool{}
	for range 2 {
		errs := submissionErrors(t, h.submitView(bob, "V0REJ00009", "reject", meta, reason))
		text, _ := errs[fieldReason].(string)
		m := regexp.MustCompile(`ref ([0-9a-f]{6})\b`).FindStringSubmatch(text)
		require.NotNil(t, m, "no reference in %q", text)
		require.Regexp(t, `level=ERROR msg="form submission failed" ref=`+m[1]+` form=reject err=`, h.logs.String())
		refs[m[1]] = true
	}
	require.Len(t, refs, 2, "each failure has its own reference")
}
