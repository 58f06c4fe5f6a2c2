package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/internal/store"
)

// snapshot is every key of the harness's installation, dumped byte for
// byte: "touches nothing" means it stays equal.
func (h *harness) snapshot() map[string]string {
	h.t.Helper()
	ctx := context.Background()
	var keys []string
	iter := h.rdb.Scan(ctx, 0, "*"+h.prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	require.NoError(h.t, iter.Err())
	sort.Strings(keys)
	out := map[string]string{}
	for _, k := range keys {
		v, err := h.rdb.Dump(ctx, k).Result()
		require.NoError(h.t, err)
		out[k] = v
	}
	return out
}

func storeAll() store.Filter { return store.Filter{Limit: 100} }

// TestRejectedRequestsTouchNothing: a forged, stale or unsigned request is
// answered 401 and changes nothing: no store key, no Slack call.
func TestRejectedRequestsTouchNothing(t *testing.T) {
	h := newHarness(t)
	h.slash(alice, `new billing-api "Fix rounding" --ref main`)
	h.settle()
	before, calls := h.snapshot(), len(h.fake.Calls(""))

	body, _ := h.slashBody(alice, "cancel CSR-1")
	forged := http.Header{}
	forged.Set(HeaderTimestamp, fmt.Sprint(h.clock.Now().Unix()))
	forged.Set(HeaderSignature, Sign(NewSecret("not-the-signing-secret-at-all"), fmt.Sprint(h.clock.Now().Unix()), body))
	tampered := []byte(strings.Replace(string(body), "cancel", "cancel+", 1))

	cases := []struct {
		name     string
		body     []byte
		signedAt time.Time
		header   http.Header
	}{
		{name: "unsigned", body: body},
		{name: "signed with another secret", body: body, header: forged},
		{name: "stale: signed six minutes ago", body: body, signedAt: h.clock.Now().Add(-6 * time.Minute)},
		{name: "from the future", body: body, signedAt: h.clock.Now().Add(6 * time.Minute)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, path := range []string{PathCommands, PathEvents, PathInteractions} {
				resp := h.send(path, form, c.body, c.signedAt, c.header)
				require.Equal(t, http.StatusUnauthorized, resp.StatusCode, path)
			}
		})
	}
	t.Run("body changed after signing", func(t *testing.T) {
		req := h.send(PathCommands, form, tampered, time.Time{}, signedFor(h, body))
		require.Equal(t, http.StatusUnauthorized, req.StatusCode)
	})
	h.settle()
	require.Equal(t, before, h.snapshot())
	require.Len(t, h.fake.Calls(""), calls)
	require.Equal(t, csr.Draft, h.state("CSR-1"))
}

// signedFor returns the signing headers of body, to send with another.
func signedFor(h *harness, body []byte) http.Header {
	ts := fmt.Sprint(h.clock.Now().Unix())
	hd := http.Header{}
	hd.Set(HeaderTimestamp, ts)
	hd.Set(HeaderSignature, Sign(h.secret, ts, body))
	return hd
}

// TestEventRetryAppliesOnce: Slack delivers a mention again (X-Slack-Retry-
// Num, same event_id) because the first answer was slow; one CSR results.
func TestEventRetryAppliesOnce(t *testing.T) {
	h := newHarness(t)
	body := h.eventBody("Ev0RETRY01", map[string]any{"user": alice, "channel": "C0TEAM0001",
		"text": `<@UBOT000001> new billing-api "Fix rounding" --ref main`})
	for i := range 3 {
		hd := http.Header{}
		if i > 0 {
			hd.Set("X-Slack-Retry-Num", fmt.Sprint(i))
			hd.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		resp := h.send(PathEvents, "application/json", body, h.clock.Now(), hd)
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	h.settle()
	cs, err := h.app.Store.List(context.Background(), storeAll())
	require.NoError(t, err)
	require.Len(t, cs, 1)
	var answers []apiCall
	for _, c := range h.fake.Calls("chat.postMessage") {
		if c.Channel == "C0TEAM0001" {
			answers = append(answers, c)
		}
	}
	require.Len(t, answers, 1, "one answer in the thread of the mention")
	require.Equal(t, "1595926230.009600", answers[0].Thread)
	require.Contains(t, answers[0].Text, "Created CSR-1")
}

// TestDoubleClickAppliesOnce: the same person clicking Approve twice on
// the same drawing of their DM (two payloads, two trigger ids) approves
// once and gets one answer.
func TestDoubleClickAppliesOnce(t *testing.T) {
	h := newHarness(t)
	h.toApproval()
	dm := h.dm("CSR-1", bob, "lead")
	before, _ := h.app.Store.Get(context.Background(), "CSR-1")
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { h.click(bob, dm, "approve") })
	}
	wg.Wait()
	h.settle()
	after, _ := h.app.Store.Get(context.Background(), "CSR-1")
	require.Len(t, after.Approvals, len(before.Approvals)+1)
	var answers int
	for _, r := range h.fake.Responses() {
		if strings.HasSuffix(r.Path, ".click") && strings.Contains(responseText(r.Body), "approve") {
			answers++
		}
	}
	require.Equal(t, 1, answers, "one answer: the duplicate is dropped silently")
}

// TestNonApproverClickChangesNothing: dave (an approver of a later step)
// clicks Approve on the card while step lead is open: he alone is told
// why and what would allow it; the CSR does not change. A second click
// is refused again (not dropped as a duplicate).
func TestNonApproverClickChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.toApproval()
	before, _ := h.app.Store.Get(context.Background(), "CSR-1")
	for range 2 {
		resp := h.click(dave, h.card("CSR-1"), "approve")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		h.settle()
	}
	after, _ := h.app.Store.Get(context.Background(), "CSR-1")
	require.Equal(t, before.Version, after.Version)
	var refusals []map[string]any
	for _, r := range h.fake.Responses() {
		if strings.Contains(responseText(r.Body), "Not done") {
			refusals = append(refusals, r.Body)
		}
	}
	require.Len(t, refusals, 2)
	require.Equal(t, "ephemeral", refusals[0]["response_type"])
	require.Equal(t, false, refusals[0]["replace_original"])
	text := responseText(refusals[0])
	require.Contains(t, text, "step 1/3 `lead` of CSR-1 is still open")
	require.Contains(t, text, "waiting for 1 more approval from <@U0BOB00002>")
}

// TestRateLimitIsWaitedOut: Slack answers the card update 429 with
// Retry-After: 1; the update is sent again after that wait, not dropped.
func TestRateLimitIsWaitedOut(t *testing.T) {
	h := newHarness(t)
	h.slash(alice, `new billing-api "Fix rounding" --ref main`)
	h.settle()
	card := h.card("CSR-1")
	h.fake.RateLimit("chat.update", 2)
	h.fake.RateLimit("chat.postMessage", 1)
	h.click(alice, card, "test")
	h.settle()
	require.True(t, showsState(h.card("CSR-1"), csr.Tested))
	waits := h.waited()
	require.GreaterOrEqual(t, len(waits), 3)
	for _, w := range waits {
		require.Equal(t, time.Second, w, "waited as long as Retry-After said")
	}
	var thread []string
	for _, c := range h.fake.Calls("chat.postMessage") {
		if c.Thread == card.TS {
			thread = append(thread, c.Text)
		}
	}
	require.Len(t, thread, 2, "both run notices posted, the rate-limited one after its wait: %q", thread)
}

// TestRateLimitRealWait: with the real clock, the call after a 429 comes
// no sooner than Retry-After (1 s) later.
func TestRateLimitRealWait(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Wait = nil })
	h.fake.RateLimit("chat.postMessage", 1)
	h.slash(alice, `new billing-api "Fix rounding" --ref main`)
	h.settle()
	limited := h.fake.LimitedAt()
	require.Len(t, limited, 1)
	posts := h.fake.Calls("chat.postMessage")
	require.NotEmpty(t, posts, "the post was made after all")
	require.GreaterOrEqual(t, posts[0].At.Sub(limited[0]), time.Second)
	require.True(t, showsState(h.card("CSR-1"), csr.Draft))
}

// TestCardUpdatesAreCoalesced: many changes to one CSR while Slack is
// slow become far fewer chat.update calls, and the last one shows the
// final state.
func TestCardUpdatesAreCoalesced(t *testing.T) {
	h := newHarness(t)
	h.slash(alice, `new billing-api "Fix rounding" --ref main`)
	h.settle()
	card := h.card("CSR-1")
	base := h.fake.Updates(card.Channel, card.TS)
	h.fake.RateLimit("chat.update", 1) // the first redraw waits; changes pile up meanwhile
	for i := range 10 {
		h.slash(frank, fmt.Sprintf(`evidence CSR-1 https://ci.example.com/run/%d "run %d"`, i, i))
	}
	h.settle()
	got := h.fake.Updates(card.Channel, card.TS) - base
	t.Logf("%d redraws for 10 changes", got)
	require.Less(t, got, 10, "ten changes, fewer redraws")
	c, err := h.app.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Len(t, c.Evidence, 10)
	for i := range 10 {
		require.Contains(t, blocksText(h.card("CSR-1").Blocks), fmt.Sprintf("https://ci.example.com/run/%d", i))
	}
}

// TestURLVerification answers Slack's challenge when the Events URL is
// set up, but only for a signed request.
func TestURLVerification(t *testing.T) {
	h := newHarness(t)
	body := fixture(t, "event.url_verification.json")
	resp := h.send(PathEvents, "application/json", body, h.clock.Now(), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`, readBody(t, resp))
	require.Equal(t, http.StatusUnauthorized, h.send(PathEvents, "application/json", body, time.Time{}, nil).StatusCode)
}

// TestHelpIsImmediate: `/release` and `/release help` answer in the
// acknowledgement, listing every verb with an example.
func TestHelpIsImmediate(t *testing.T) {
	h := newHarness(t)
	for _, text := range []string{"", "help"} {
		_, ack := h.slash(alice, text)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(ack), &m))
		require.Equal(t, "ephemeral", m["response_type"])
		for _, s := range h.app.Handler.Registry.Specs() {
			require.Contains(t, responseText(m), "`/release "+s.Example+"`")
		}
	}
}

// TestMentionAndDirectMessage: the grammar works after a mention and in a
// direct message; bot messages are ignored.
func TestMentionAndDirectMessage(t *testing.T) {
	h := newHarness(t)
	dmEvent := h.eventBody("Ev0DM00001", map[string]any{"type": "message", "channel_type": "im", "channel": "D0ALICE001",
		"user": alice, "text": `new billing-api "Fix rounding" --ref main --assignee <@U0FRANK006>`})
	require.Equal(t, http.StatusOK, h.send(PathEvents, "application/json", dmEvent, h.clock.Now(), nil).StatusCode)
	botEcho := h.eventBody("Ev0DM00002", map[string]any{"type": "message", "channel_type": "im", "channel": "D0ALICE001",
		"user": "UBOT000001", "bot_id": "B111", "text": "new billing-api \"Echo\" --ref main"})
	require.Equal(t, http.StatusOK, h.send(PathEvents, "application/json", botEcho, h.clock.Now(), nil).StatusCode)
	h.settle()
	c, err := h.app.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Equal(t, csr.Person("frank"), c.Assignee, "a mention in the text names the person")
	_, err = h.app.Store.Get(context.Background(), "CSR-2")
	require.Error(t, err, "the bot's own message is not a command")
	var inDM []apiCall
	for _, m := range h.fake.Calls("chat.postMessage") {
		if m.Channel == "D0ALICE001" {
			inDM = append(inDM, m)
		}
	}
	require.Len(t, inDM, 1)
	require.Contains(t, inDM[0].Text, "Created CSR-1")
}

// toApproval takes CSR-1 of billing-api to in_approval.
func (h *harness) toApproval() {
	h.t.Helper()
	for _, step := range []struct{ user, text string }{
		{alice, `new billing-api "Fix rounding" --ref main`},
		{alice, "test CSR-1"},
		{frank, `evidence CSR-1 https://ci.example.com/run/1`},
		{alice, "submit CSR-1"},
	} {
		h.slash(step.user, step.text)
		h.settle()
	}
	require.Equal(h.t, csr.InApproval, h.state("CSR-1"))
}

// TestClickOnEphemeralReply: the buttons of an answer only the person sees
// (here `show`) act like the card's; the answer is replaced by the new one.
func TestClickOnEphemeralReply(t *testing.T) {
	h := newHarness(t)
	h.slash(alice, `new billing-api "Fix rounding" --ref main`)
	h.settle()
	trigger, _ := h.slash(alice, "show CSR-1")
	h.settle()
	shown := h.response(trigger)
	var blocks []map[string]any
	for _, b := range shown["blocks"].([]any) {
		blocks = append(blocks, b.(map[string]any))
	}
	blockID, value, ok := button(blocks, "test")
	require.True(t, ok, "the answer offers alice's actions: %v", buttons(blocks))

	p := fixtureJSON(t, "interaction.block_actions.ephemeral-button.json")
	p["user"].(map[string]any)["id"] = alice
	p["trigger_id"] = "4000.ephemeral"
	p["response_url"] = h.fake.ResponseURL("4000.ephemeral")
	act := p["actions"].([]any)[0].(map[string]any)
	act["action_id"], act["block_id"], act["value"] = "test", blockID, value
	raw, err := json.Marshal(p)
	require.NoError(t, err)
	resp := h.send(PathInteractions, form, []byte(url.Values{"payload": {string(raw)}}.Encode()), h.clock.Now(), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	h.settle()
	answer := h.response("4000.ephemeral")
	require.Equal(t, true, answer["replace_original"])
	require.Contains(t, responseText(answer), "Test deploy CSR-1/test/1 of CSR-1 to test started.")
	require.Equal(t, csr.Tested, h.state("CSR-1"))
}
