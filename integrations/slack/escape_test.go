package slack

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// markupRE is Slack markup that pings or disguises: a special mention, a
// user or channel mention, a link with a label.
var markupRE = regexp.MustCompile(`<[!@#]|<[a-z]+://[^>]*\|`)

// mrkdwnTexts collects every text Slack reads as mrkdwn in blocks (the
// text objects of type mrkdwn).
func mrkdwnTexts(t testing.TB, blocks any) []string {
	raw, err := json.Marshal(blocks)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				if s, ok := x["text"].(string); ok {
					out = append(out, s)
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return out
}

// hostile renders a CSR whose every user-typed field is s, as the card,
// an approver's DM, replies quoting it, the Home line and a rejection,
// and returns every top-level text and mrkdwn text. Nobody in it is a
// configured person, so no mention at all may appear.
func hostile(t testing.TB, f renderFixture, s string) []string {
	title := strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s))
	if utf8.RuneCountInString(title) > csr.MaxTitle {
		title = string([]rune(title)[:csr.MaxTitle])
	}
	if title == "" {
		title = "x"
	}
	at := f.at
	c := csr.CSR{ID: "CSR-9", Service: f.svc.Name, Title: title, Description: s, Risk: s, Requester: "zed", State: csr.Draft,
		Evidence: []csr.Evidence{{URL: "https://ci.example.com/" + s, Note: s, By: "zed", At: at}}, Version: 3}
	var texts []string
	add := func(text string, blocks []slackapi.Block) {
		texts = append(texts, text)
		texts = append(texts, mrkdwnTexts(t, blocks)...)
	}
	add(f.r.CardMessage(chat.Card{CSR: c, Service: f.svc, Now: at}, nil))
	add(f.r.Reply(chat.Reply{Card: &chat.Card{CSR: c, Service: f.svc, Now: at}}))
	c.State = csr.InApproval // the DM of an open step (the card would name its approvers)
	add(f.r.ApprovalDM(c, f.svc, "lead", "zed", at))
	add(f.r.Reply(chat.Reply{Texts: []msg.Text{
		msg.T(msg.ReplyCreated, "csr", "CSR-9", "title", s),
		msg.T(msg.NoteCreated, "by", "@zed", "csr", "CSR-9", "service", "billing-api", "title", s),
		msg.T(msg.RefuseBadCSRID, "value", s, "example", "CSR-12"),
	}}))
	add(f.r.Reply(chat.Reply{Refusal: &chat.Refusal{Why: msg.T(msg.RefuseBadURL, "url", s), Next: msg.T(msg.NextDidYouMean, "suggestion", s)}}))
	texts = append(texts, f.r.t(msg.T(msg.SlackHomeLine, "csr", "CSR-9", "service", "billing-api", "title", s, "state", "draft")))
	texts = append(texts, f.r.t(msg.T(msg.SlackStepRejected, "step", "lead", "by", "@zed", "at", "now", "reason", s)))
	return texts
}

// FuzzHostileText: whatever a person types into any field, what the bot
// sends Slack has no markup from it: no <!channel>, no mention, no
// disguised link, and an @name of a configured person stays text.
func FuzzHostileText(f *testing.F) {
	for _, s := range []string{
		"Ping <!channel> <https://evil.example|click me>",
		"@bob please", "&lt;!channel&gt;", "&amp;lt;!here&amp;gt;", "<@U0BOB00002>", "<#C0123|general>",
		"<!subteam^S123|@sm-team>", "`@bob` and @carol.", "\uE000@bob\uE001", "\uE001<!here>\uE000", "a\uE002b",
		"<https://x.example|x>", "<<!channel>>", "&<>&<>",
	} {
		f.Add(s)
	}
	fx := newRenderFixture(f)
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		for _, text := range hostile(t, fx, s) {
			require.False(t, markupRE.MatchString(text), "markup from user text: %q\nin %q", s, text)
			for _, mark := range []string{userOpen, userClose, userMention} {
				require.NotContains(t, text, mark, "a private mark leaked")
			}
		}
	})
}

// TestUserTextNeverMentions: @bob typed into a title stays text, while the
// bot's own mention of bob in the same message is a mention.
func TestUserTextNeverMentions(t *testing.T) {
	f := newRenderFixture(t)
	got := f.r.t(msg.T(msg.NoteStepOpened, "people", "@bob", "csr", "CSR-1", "title", "ask @bob or @carol <!here>", "step", "lead"))
	require.Equal(t, 1, strings.Count(got, "<@U0BOB00002>"), got)
	require.NotContains(t, got, "<@U0CAROL003>")
	require.Contains(t, got, "ask @bob or @carol &lt;!here&gt;")
}

// TestHostileTitleEndToEnd: a title that pings and disguises a link,
// typed in Slack, is sent back inert in every message and update: the
// notification texts included.
func TestHostileTitleEndToEnd(t *testing.T) {
	h := newHarness(t)
	title := "Ping <!channel> <https://evil.example|click me> @bob"
	h.slash(alice, slackEscape(`new billing-api "`+title+`" --ref main`))
	h.settle()
	h.slash(alice, "test CSR-1")
	h.settle()
	trigger, _ := h.slash(alice, "show CSR-1")
	h.settle()
	require.Contains(t, responseText(h.response(trigger)), "CSR-1")
	// What Slack reads as markup: top-level texts and mrkdwn objects
	// (plain_text, like the header, is shown as typed).
	var texts []string
	for _, c := range h.fake.Calls("") {
		texts = append(texts, c.Text)
		texts = append(texts, mrkdwnTexts(t, c.Blocks)...)
	}
	for _, r := range h.fake.Responses() {
		text, _ := r.Body["text"].(string)
		texts = append(texts, text)
		texts = append(texts, mrkdwnTexts(t, r.Body["blocks"])...)
	}
	for _, s := range texts {
		require.NotContains(t, s, "<!channel>")
		require.NotContains(t, s, "|click me>")
		require.NotContains(t, s, "<@U0BOB00002>", "bob is not mentioned: he is not part of this CSR")
	}
}
