package slack

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/commands"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// golden compares v, as indented JSON, with testdata/name.golden.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	require.Equal(t, string(want), string(got), "rendering changed; if on purpose, run go test ./integrations/slack -update")
}

type renderFixture struct {
	cfg *config.Config
	svc csr.Service
	r   renderer
	at  time.Time
}

// grammarOf is the runtime's view of a grammar, as the adapter reads it
// for help texts (the app's *bot.Bot, over a handler of reg).
func grammarOf(reg *commands.Registry) Grammar {
	return &bot.Bot{Handler: &commands.Handler{Registry: reg}}
}

func newRenderFixture(t testing.TB) renderFixture {
	cfg := testenv.Config(t)
	svc, _ := cfg.Service("billing-api")
	return renderFixture{cfg: cfg, svc: svc, at: friday2300,
		r: renderer{cat: msg.English, loc: cfg.Location(), slackID: cfg.SlackID, command: "/release"}}
}

// walk builds CSR-7 of billing-api up to the given number of steps along
// the main path: 0 draft, 1 tested with evidence, 2 in approval, 3 lead
// approved, 4 rejected by carol.
func (f renderFixture) walk(t *testing.T, steps int) csr.CSR {
	at := f.at
	must := func(c csr.CSR, _ []csr.Event, err error) csr.CSR {
		t.Helper()
		require.NoError(t, err)
		return c
	}
	person := func(p string) csr.Actor { return csr.Actor{Person: csr.Person(p)} }
	c := must(csr.New("CSR-7", csr.NewRequest{Title: "Fix rounding <of> invoice & totals", Requester: "alice", Assignee: "frank",
		Effort: 4 * time.Hour, Description: "Totals were rounded per line instead of per invoice.", Risk: "Low: covered by the invoice suite.",
		Refs: []csr.Ref{{Repo: "acme/billing-api", Ref: "main", SHA: "5b17166d3a0c4c1f9f5e2d6b8a7c9e1f2a3b4c5d", PRs: []int{482},
			Commits: []csr.Commit{{SHA: "5b17166d3a0c", Title: "Round per invoice, not per line", Author: "alice"}}}}}, f.svc, at))
	if steps >= 1 {
		c = must(c.Test(person("alice"), at, f.svc))
		c = must(c.UpdateRun("CSR-7/test/1", csr.RunSucceeded, "https://ci.example.com/deploys/91", "", at.Add(time.Minute)))
		c = must(c.AddEvidence(person("frank"), "https://ci.example.com/run/42", "regression suite green", at.Add(2*time.Minute)))
	}
	if steps >= 2 {
		c = must(c.Submit(person("alice"), at.Add(3*time.Minute), f.svc))
	}
	if steps >= 3 {
		c = must(c.Approve(person("bob"), at.Add(4*time.Minute), f.svc))
	}
	if steps >= 4 {
		c = must(c.Reject(person("carol"), "no rollback plan", at.Add(5*time.Minute), f.svc))
	}
	c.Version = int64(steps + 1)
	return c
}

func (f renderFixture) card(c csr.CSR) chat.Card {
	return chat.Card{CSR: c, Service: f.svc, Next: c.NextStep(f.svc, f.at, nil), Now: f.at}
}

func TestRenderCard(t *testing.T) {
	f := newRenderFixture(t)
	for _, tc := range []struct {
		name  string
		steps int
	}{{"card_draft", 0}, {"card_in_approval", 3}, {"card_rejected", 4}} {
		t.Run(tc.name, func(t *testing.T) {
			c := f.walk(t, tc.steps)
			owner := commands.ActionsFor(c, csr.Actor{Person: c.Requester}, f.svc, f.at, nil)
			text, blocks := f.r.CardMessage(f.card(c), cardActions(c, owner))
			golden(t, tc.name, map[string]any{"text": text, "blocks": blocks})
		})
	}
}

func TestRenderApprovalDM(t *testing.T) {
	f := newRenderFixture(t)
	open := f.walk(t, 3)
	text, blocks := f.r.ApprovalDM(open, f.svc, "sm", "carol", f.at)
	golden(t, "dm_open", map[string]any{"text": text, "blocks": blocks})

	text, blocks = f.r.ApprovalDM(open, f.svc, "lead", "bob", f.at)
	golden(t, "dm_approved", map[string]any{"text": text, "blocks": blocks})

	rejected := f.walk(t, 4)
	text, blocks = f.r.ApprovalDM(rejected, f.svc, "sm", "dave", f.at)
	golden(t, "dm_rejected", map[string]any{"text": text, "blocks": blocks})
}

func TestRenderReply(t *testing.T) {
	f := newRenderFixture(t)
	c := f.walk(t, 2)
	card := f.card(c)
	refusal := chat.Reply{Private: true, Refusal: &chat.Refusal{Rule: "not-an-approver",
		Why: msg.T(msg.RefuseNotApprover, "csr", "CSR-7", "step", "lead"), Next: msg.T(msg.NextAskStep, "n", "1", "total", "3",
			"step", "lead", "missing", "1", "people", "@bob")}}
	text, blocks := f.r.Reply(refusal)
	golden(t, "reply_refusal", map[string]any{"text": text, "blocks": blocks})

	ok := chat.Reply{Texts: []msg.Text{msg.T(msg.ReplySubmitted, "csr", "CSR-7")}, Card: &card,
		Actions: commands.ActionsFor(c, csr.Actor{Person: "bob"}, f.svc, f.at, nil)}
	text, blocks = f.r.Reply(ok)
	golden(t, "reply_card", map[string]any{"text": text, "blocks": blocks})
}

func TestRenderHelpAndForms(t *testing.T) {
	f := newRenderFixture(t)
	a := &Adapter{grammar: grammarOf(commands.Default()), services: f.cfg, r: f.r, lang: "en", command: "/release"}
	golden(t, "help", a.help("/release", "en"))
	meta := modalMeta{CSR: "CSR-7", Channel: "C0TEAM0001", ResponseURL: "https://hooks.slack.com/commands/T1/2/3"}
	golden(t, "form_new", a.r.newForm(meta, a.services.Services()))
	golden(t, "form_evidence", a.r.evidenceForm(meta))
	golden(t, "form_reject", a.r.rejectForm(meta, "Fix rounding"))
}

// TestRenderLimits: long texts are cut to Block Kit's limits, never
// refused by Slack.
func TestRenderLimits(t *testing.T) {
	f := newRenderFixture(t)
	var texts []msg.Text
	for range 400 {
		texts = append(texts, msg.T(msg.ReplyListLine, "csr", "CSR-1", "state", "draft", "service", "billing-api",
			"title", string(make([]byte, 150)), "requester", "alice", "next", "x"))
	}
	_, blocks := f.r.Reply(chat.Reply{Texts: texts})
	require.LessOrEqual(t, len(blocks), maxBlocks)
	for _, b := range blocks {
		if s, ok := b.(*slackapi.SectionBlock); ok && s.Text != nil {
			require.LessOrEqual(t, len([]rune(s.Text.Text)), maxSectionText)
		}
	}
}

func TestMentionsAndEscaping(t *testing.T) {
	f := newRenderFixture(t)
	cases := map[string]string{
		"@bob approved":                "<@U0BOB00002> approved",
		"waiting on @carol, @dave.":    "waiting on <@U0CAROL003>, <@U0DAVE0004>.",
		"mail bob@example.com":         "mail bob@example.com",
		"@nobody is not configured":    "@nobody is not configured",
		"run `approve CSR-1 @bob` now": "run `approve CSR-1 @bob` now",
		"<!channel> & <@U1>":           "&lt;!channel&gt; &amp; &lt;@U1&gt;",
	}
	for in, want := range cases {
		require.Equal(t, want, f.r.mrkdwn(in), in)
	}
}

func TestCommandText(t *testing.T) {
	cfg := testenv.Config(t)
	cases := map[string]string{
		`<@UBOT000001> approve CSR-1`:                              "approve CSR-1",
		`new billing-api "A &amp; B" --assignee <@U0BOB00002|bob>`: `new billing-api "A & B" --assignee @bob`,
		`evidence CSR-1 <https://ci.example.com/run/1|run 1>`:      "evidence CSR-1 https://ci.example.com/run/1",
		`freeze billing-api "x &lt;y&gt;" <!here>`:                 `freeze billing-api "x <y>"`,
		`new billing-api "t" --assignee <@U0UNKNOWN1>`:             `new billing-api "t" --assignee @U0UNKNOWN1`,
		`please <@UBOT000001> next CSR-3`:                          "next CSR-3",
		`new billing-api "&amp;lt;!channel&amp;gt;" --ref main`:    `new billing-api "&lt;!channel&gt;" --ref main`,
		`please <@UBOT000001|releasebot> next CSR-3`:               "next CSR-3",
		`next CSR-3 <@UBOT000001>`:                                 "next CSR-3",
		`ask <@U0BOB00002> first, <@UBOT000001> show CSR-3`:        "show CSR-3",
	}
	for in, want := range cases {
		require.Equal(t, want, commandText(mentionedCommand(in, "UBOT000001"), cfg.PersonBySlackID, "UBOT000001"), in)
	}
	require.Equal(t, `"a \"quoted\" \\ line"`, quote(`a "quoted" \ line`))
	toks, err := commands.Tokenize("x " + quote("a \"q\" \\ “smart” line\nnext"))
	require.NoError(t, err)
	require.Equal(t, []string{"x", "a \"q\" \\ “smart” line\nnext"}, toks)
}

// TestRendersThroughCatalog: every sentence the adapter shows comes from
// its catalog, also the parts filled into other sentences (a command's
// summary in the help, the stages of the progress line, "nobody
// eligible"). A pseudo-catalog marks each of its sentences ⟦…⟧; an
// English part rendered past it would show unmarked.
func TestRendersThroughCatalog(t *testing.T) {
	f := newRenderFixture(t)
	pseudo := msg.Catalog{}
	for id, tmpl := range msg.English {
		pseudo[id] = "⟦" + tmpl + "⟧"
	}
	a, err := New(Options{Settings: Settings{BotToken: NewSecret("xoxb-0000-test-token")},
		Grammar: grammarOf(commands.Default()), People: f.cfg, Services: f.cfg, Catalog: pseudo, Workers: 1})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, a.Close(context.Background())) })

	help, err := json.Marshal(a.help("/release", "en"))
	require.NoError(t, err)
	checked := 0
	for _, s := range commands.Default().Specs() {
		summary := msg.English.Render(msg.T(s.Summary))
		if strings.ContainsAny(summary, "&<>`@\"\\") {
			continue // escaped on the way; the plain ones suffice
		}
		require.Contains(t, string(help), "⟦"+summary+"⟧", "the summary of %s", s.Verb)
		checked++
	}
	require.NotZero(t, checked)

	c := f.walk(t, 2)
	_, blocks := a.r.CardMessage(f.card(c), nil)
	cardJSON, err := json.Marshal(blocks)
	require.NoError(t, err)
	for _, stage := range []string{"draft", "tested", "in approval", "approved", "deployed"} {
		require.Contains(t, string(cardJSON), "⟦"+stage+"⟧")
	}
	require.Equal(t, "⟦"+msg.English[msg.WordNobody]+"⟧", a.r.render(csr.Mentions(nil)))
}
