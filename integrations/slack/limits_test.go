package slack

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// slackEscape is how Slack delivers typed text: &, < and > as entities.
func slackEscape(s string) string { return mrkdwnEscaper.Replace(s) }

// TestCSRAtEveryLimit drives a CSR to every limit the bot accepts (a
// 200-character title full of &<>, a 4000-character description and risk,
// 55 evidence links, over 100 history entries) and shows that its card,
// an approver's DM, the Home tab and the `history` reply are all payloads
// Slack accepts: the fake checks each against the Block Kit limits.
func TestCSRAtEveryLimit(t *testing.T) {
	h := newHarness(t)
	id := csr.ID("CSR-1")
	title := strings.Repeat("&<>x", csr.MaxTitle/4)
	long := strings.Repeat("risk & <b>bold</b> ", csr.MaxText/19+1)[:csr.MaxText]
	h.slash(alice, slackEscape(fmt.Sprintf(`new billing-api %s --ref main --description %s --risk %s`, quote(title), quote(long), quote(long))))
	h.settle()
	c, err := h.app.Store.Get(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, title, c.Title)
	require.Len(t, []rune(c.Description), csr.MaxText)
	require.Len(t, []rune(c.Risk), csr.MaxText)

	for i := range 55 {
		h.slash(frank, fmt.Sprintf(`evidence CSR-1 https://ci.example.com/run/%d/%s %s`, i, strings.Repeat("a", 80), quote(strings.Repeat("note ", 40))))
		h.settle()
	}
	for {
		c, err = h.app.Store.Get(context.Background(), id)
		require.NoError(t, err)
		if len(c.History) >= 100 {
			break
		}
		h.slash(alice, "test CSR-1")
		h.settle()
	}
	require.Len(t, c.Evidence, 55)
	h.slash(alice, "submit CSR-1")
	h.settle()
	require.Equal(t, csr.InApproval, h.state(id))

	card := h.card(id)
	require.NotContains(t, card.Text, "<", "the card's notification text is escaped")
	dm := h.dm(id, bob, "lead")
	require.Contains(t, blocksText(dm.Blocks), "&amp;&lt;&gt;x", "the title is escaped in mrkdwn")
	require.Equal(t, []string{"approve", "reject"}, buttons(dm.Blocks))

	home := h.eventBody("Ev0HOMELIM1", map[string]any{"type": "app_home_opened", "user": bob, "channel": "D0BOB00002", "tab": "home"})
	require.Equal(t, http.StatusOK, h.send(PathEvents, "application/json", home, h.clock.Now(), nil).StatusCode)
	h.settle()
	require.NotEmpty(t, h.fake.Calls("views.publish"))

	trigger, _ := h.slash(alice, "history CSR-1")
	h.settle()
	require.Contains(t, responseText(h.response(trigger)), "CSR-1")
	trigger, _ = h.slash(alice, "show CSR-1")
	h.settle()
	require.NotContains(t, h.response(trigger)["text"], "<")
	require.Empty(t, h.fake.refused, "every payload was one Slack accepts")
}

// TestSlackErrorDetailIsLogged: when Slack refuses a call it says which
// field was wrong; the log keeps it.
func TestSlackErrorDetailIsLogged(t *testing.T) {
	h := newHarness(t)
	h.fake.FailWith("views.open", "invalid_arguments", "[ERROR] must be less than 3001 [json-pointer:/view/blocks/5/element/max_length]")
	h.slash(alice, "new")
	h.settle()
	require.Contains(t, h.logs.String(), "json-pointer:/view/blocks/5/element/max_length")
}
