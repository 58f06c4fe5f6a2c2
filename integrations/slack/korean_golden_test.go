package slack

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/commands"
	"releasebot/csr"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

// requireValidMessage checks a message as the fake checks what the bot
// posts: Slack's Block Kit limits and rules.
func requireValidMessage(t *testing.T, text string, blocks any) {
	t.Helper()
	var bs []any
	require.NoError(t, json.Unmarshal(mustJSON(t, blocks), &bs))
	require.Empty(t, validateMessage(text, text != "", bs), "Slack would refuse this message")
}

// TestRenderKorean: the card and an approval DM of a CSR in approval, as
// a Korean installation shows them (times in Asia/Seoul, the service's
// zone), kept as golden files for a reviewer to read the Korean Block Kit
// (testdata/ko_*.golden; go test -update rewrites them).
func TestRenderKorean(t *testing.T) {
	f := newRenderFixture(t)
	f.r.cat = msg.Korean
	require.Equal(t, "Asia/Seoul", f.r.loc.String())
	c := f.walk(t, 3) // in approval: lead approved by bob, sm open
	require.Equal(t, csr.InApproval, c.State)

	owner := commands.ActionsFor(c, csr.Actor{Person: c.Requester}, f.svc, f.at, nil)
	text, blocks := f.r.CardMessage(f.card(c), cardActions(c, owner))
	requireValidMessage(t, text, blocks)
	golden(t, "ko_card_in_approval", map[string]any{"text": text, "blocks": blocks})

	text, blocks = f.r.ApprovalDM(c, f.svc, "sm", "carol", f.at)
	requireValidMessage(t, text, blocks)
	golden(t, "ko_dm_open", map[string]any{"text": text, "blocks": blocks})
}

// TestKoreanHome: the App Home tab of an approver a CSR waits on, in a
// Korean installation whose people read Korean in Slack too, as the bot
// publishes it (views.publish, checked by the fake), kept as a golden file.
func TestKoreanHome(t *testing.T) {
	fake := newFakeSlack(t)
	for _, id := range []string{alice, bob, carol, dave, erin, frank} {
		fake.SetLocale(id, "ko-KR")
	}
	rdb, prefix := testenv.Redis(t)
	h := newHarnessOn(t, fake, rdb, prefix, testConfig+"\nlanguage: ko\n")
	h.toApproval()
	// One of bob's own, closed: the Home's second list.
	h.slash(bob, `new web-frontend "Banner copy" --ref main`)
	h.settle()
	h.slash(bob, "cancel CSR-2")
	h.settle()
	require.Equal(t, csr.Cancelled, h.state("CSR-2"))
	open := h.eventBody("Ev0KOHOME01", map[string]any{"type": "app_home_opened", "user": bob, "channel": "D0BOB00002", "tab": "home"})
	require.Equal(t, http.StatusOK, h.send(PathEvents, "application/json", open, h.clock.Now(), nil).StatusCode)
	h.settle()
	require.Empty(t, fake.refused)
	home := h.lastView("views.publish")
	require.Empty(t, validateView(home))
	require.Contains(t, viewBlocksText(home), msg.Korean[msg.SlackHomeTitle])
	golden(t, "ko_home", home)
}
