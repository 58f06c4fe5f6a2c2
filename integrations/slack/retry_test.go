package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// TestEveryDeliveryAnsweredOnce sends each kind of delivery three times
// (Slack's retries with X-Slack-Retry-Num, a Socket Mode redelivery, a
// double submit): it is answered, and applied, once. The answers the
// adapter gives itself (help, forms, the Home tab) are claimed first too.
func TestEveryDeliveryAnsweredOnce(t *testing.T) {
	retried := func(h *harness, path, contentType string, body []byte) {
		for i := range 3 {
			hd := http.Header{}
			if i > 0 {
				hd.Set("X-Slack-Retry-Num", fmt.Sprint(i))
				hd.Set("X-Slack-Retry-Reason", "http_timeout")
			}
			require.Equal(h.t, http.StatusOK, h.send(path, contentType, body, h.clock.Now(), hd).StatusCode)
		}
		h.settle()
	}
	interaction := func(h *harness, p map[string]any) []byte {
		raw, err := json.Marshal(p)
		require.NoError(h.t, err)
		return []byte(url.Values{"payload": {string(raw)}}.Encode())
	}
	count := func(h *harness, methods ...string) int {
		n := 0
		for _, m := range methods {
			n += len(h.fake.Calls(m))
		}
		return n
	}
	for _, tc := range []struct {
		name    string
		setup   func(h *harness)
		deliver func(h *harness)
		answers func(h *harness) int
	}{
		{"help after a mention", nil, func(h *harness) {
			retried(h, PathEvents, "application/json", h.eventBody("Ev0HELP001", map[string]any{"user": alice, "channel": "C0TEAM0001",
				"text": "<@UBOT000001> help"}))
		}, func(h *harness) int { return count(h, "chat.postEphemeral") }},
		{"help in a direct message", nil, func(h *harness) {
			retried(h, PathEvents, "application/json", h.eventBody("Ev0HELP002", map[string]any{"type": "message", "channel_type": "im",
				"channel": "D0ALICE001", "user": alice, "text": "help"}))
		}, func(h *harness) int { return count(h, "chat.postMessage") }},
		{"a mention by an unknown person", nil, func(h *harness) {
			retried(h, PathEvents, "application/json", h.eventBody("Ev0STRNG01", map[string]any{"user": "U0STRANGER", "channel": "C0TEAM0001",
				"text": "<@UBOT000001> list"}))
		}, func(h *harness) int { return count(h, "chat.postEphemeral", "chat.postMessage") }},
		{"a command in a direct message", nil, func(h *harness) {
			retried(h, PathEvents, "application/json", h.eventBody("Ev0DMCMD01", map[string]any{"type": "message", "channel_type": "im",
				"channel": "D0ALICE001", "user": alice, "text": `new billing-api "Fix rounding" --ref main`}))
		}, func(h *harness) int {
			n := 0
			for _, c := range h.fake.Calls("chat.postMessage") {
				if c.Channel == "D0ALICE001" {
					n++
				}
			}
			return n
		}},
		{"the Home tab opened", nil, func(h *harness) {
			retried(h, PathEvents, "application/json", h.eventBody("Ev0HOMERT1", map[string]any{"type": "app_home_opened", "user": bob,
				"channel": "D0BOB00002", "tab": "home"}))
		}, func(h *harness) int { return count(h, "views.publish") }},
		{"a slash command that opens a form", nil, func(h *harness) {
			body, _ := h.slashBody(alice, "new")
			retried(h, PathCommands, form, body)
		}, func(h *harness) int { return count(h, "views.open") }},
		{"the global shortcut", nil, func(h *harness) {
			p := fixtureJSON(h.t, "socket-mode.interactive.shortcut.json")["payload"].(map[string]any)
			p["callback_id"] = shortcutNew
			retried(h, PathInteractions, form, interaction(h, p))
		}, func(h *harness) int { return count(h, "views.open") }},
		{"Reject… on a DM", func(h *harness) { h.toApproval() }, func(h *harness) {
			retried(h, PathInteractions, form, h.clickBody(bob, h.dm("CSR-1", bob, "lead"), "reject"))
		}, func(h *harness) int { return count(h, "views.open") }},
		{"Approve on a DM", func(h *harness) { h.toApproval() }, func(h *harness) {
			retried(h, PathInteractions, form, h.clickBody(bob, h.dm("CSR-1", bob, "lead"), "approve"))
		}, func(h *harness) int {
			c, err := h.app.Store.Get(context.Background(), "CSR-1")
			require.NoError(h.t, err)
			return len(c.Approvals)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if tc.setup != nil {
				tc.setup(h)
			}
			tc.deliver(h)
			require.Equal(t, 1, tc.answers(h))
		})
	}
}

// TestFormSubmittedTwiceAppliesOnce: the same view submitted twice (a
// double click on Create, a redelivery) creates one CSR.
func TestFormSubmittedTwiceAppliesOnce(t *testing.T) {
	h := newHarness(t)
	trigger, _ := h.slash(alice, "new")
	h.settle()
	meta := h.lastView("views.open")["private_metadata"].(string)
	values := map[string]map[string]any{
		fieldService: {"type": "static_select", "selected_option": map[string]any{"value": "billing-api"}},
		fieldTitle:   {"type": "plain_text_input", "value": "Fix rounding"},
		fieldRef:     {"type": "plain_text_input", "value": "main"},
	}
	for range 3 {
		require.Equal(t, http.StatusOK, h.submitView(alice, "V0TWICE001", "new", meta, values).StatusCode)
	}
	h.settle()
	_, err := h.app.Store.Get(context.Background(), "CSR-2")
	require.Error(t, err)
	require.Equal(t, csr.Draft, h.state("CSR-1"))
	n := 0
	for _, r := range h.fake.Responses() {
		if r.Path == trigger {
			n++
		}
	}
	require.Equal(t, 1, n, "answered once")
}
