package slack

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Block Kit limits that matter here (docs.slack.dev/reference/block-kit).
const (
	maxSectionText = 3000
	maxFieldText   = 2000
	maxHeaderText  = 150
	maxButtonText  = 75
	maxBlocks      = 50
	maxFallback    = 3000
)

// renderer turns the bot's messenger-neutral shapes into Block Kit: the
// Slack counterpart of console.Renderer. Every sentence comes from the
// catalog; @name mentions of configured people become real Slack mentions.
type renderer struct {
	cat     msg.Catalog
	loc     *time.Location
	slackID func(csr.Person) string // "" for an unknown person
	command string                  // the slash command, e.g. "/release"
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// mentionRE matches @name as written by the catalog's templates: a name
// may contain dots inside but a sentence's final dot is not part of it.
var mentionRE = regexp.MustCompile(`(^|[^\w@.&/])@([A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)`)

// User text is carried through a template between these private-use
// marks, so that mrkdwn can tell it from the bot's own words: in it, an
// @name stays text (mentions happen only where the bot means them) and,
// as everywhere, &, < and > are escaped, so no typed <!channel>, <@U…>,
// <#C…> or <url|label> is ever markup. userMention stands in for an @ of
// user text while mentions are made.
const (
	userOpen    = "\uE000"
	userClose   = "\uE001"
	userMention = "\uE002"
)

var (
	userMarks  = strings.NewReplacer(userOpen, "", userClose, "", userMention, "")
	userUnmark = strings.NewReplacer(userOpen, "", userClose, "", userMention, "@")
)

// userText marks s as typed by a person (see userOpen).
func userText(s string) string { return userOpen + userMarks.Replace(s) + userClose }

// render fills a catalog template, marking the arguments that are user
// text (msg.UserArgs), in nested sentences too.
func (r renderer) render(t msg.Text) string {
	if len(t.Args) == 0 && len(t.Sub) == 0 {
		return r.cat.Render(t)
	}
	return r.cat.Render(markUser(t))
}

// markUser is t with its user-text arguments marked, at every depth.
func markUser(t msg.Text) msg.Text {
	out := msg.Text{ID: t.ID}
	if len(t.Args) > 0 {
		out.Args = make(map[string]string, len(t.Args))
		for k, v := range t.Args {
			if msg.UserArgs[k] {
				v = userText(v)
			}
			out.Args[k] = v
		}
	}
	if len(t.Sub) > 0 {
		out.Sub = make(map[string]msg.Text, len(t.Sub))
		for k, sub := range t.Sub {
			out.Sub[k] = markUser(sub)
		}
	}
	return out
}

// mrkdwn escapes s for a mrkdwn text object and turns @name of configured
// people into <@U…> mentions, except in user text (see userOpen) and
// inside `code` (a command to copy), where an @name stays as typed. This
// is the one escaping rule of every mrkdwn field and top-level text.
func (r renderer) mrkdwn(s string) string {
	s = mrkdwnEscaper.Replace(s)
	if strings.Contains(s, userOpen) {
		var b strings.Builder
		for {
			before, rest, ok := strings.Cut(s, userOpen)
			b.WriteString(before)
			if !ok {
				break
			}
			typed, after, _ := strings.Cut(rest, userClose)
			b.WriteString(strings.ReplaceAll(typed, "@", userMention))
			s = after
		}
		s = b.String()
	}
	parts := strings.Split(s, "`")
	for i := 0; i < len(parts); i += 2 {
		parts[i] = mentionRE.ReplaceAllStringFunc(parts[i], func(m string) string {
			sub := mentionRE.FindStringSubmatch(m)
			if id := r.slackID(csr.Person(sub[2])); id != "" {
				return sub[1] + "<@" + id + ">"
			}
			return m
		})
	}
	return userUnmark.Replace(strings.Join(parts, "`"))
}

// t renders a catalog sentence as mrkdwn.
func (r renderer) t(t msg.Text) string { return r.mrkdwn(r.render(t)) }

// plain renders a catalog sentence for plain_text objects (no markup).
func (r renderer) plain(t msg.Text) string { return userMarks.Replace(r.render(t)) }

func (r renderer) person(p csr.Person) string {
	if id := r.slackID(p); id != "" {
		return "<@" + id + ">"
	}
	return "@" + mrkdwnEscaper.Replace(string(p))
}

// when says a past moment of a card (an approval, a run's end) in the
// service's zone.
func (r renderer) when(t time.Time) msg.Text {
	if t.IsZero() {
		return msg.Text{}
	}
	return msg.AtShort(t.In(r.loc))
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func mdText(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, clip(s, maxSectionText), false, false)
}

func plainText(s string, n int) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, clip(s, n), false, false)
}

func section(s string) *slackapi.SectionBlock { return slackapi.NewSectionBlock(mdText(s), nil, nil) }

func contextLine(s string) *slackapi.ContextBlock {
	return slackapi.NewContextBlock("", mdText(s))
}

// sections packs lines into as few section blocks as the size limit allows.
func sections(lines []string) []slackapi.Block {
	var out []slackapi.Block
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, section(cur.String()))
			cur.Reset()
		}
	}
	for _, l := range lines {
		l = clip(l, maxSectionText)
		if cur.Len() > 0 && cur.Len()+1+len(l) > maxSectionText {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(l)
	}
	flush()
	return out
}

// limit keeps a message within Slack's block count, keeping the end (the
// actions) and dropping from the middle.
func limit(blocks []slackapi.Block) []slackapi.Block {
	if len(blocks) <= maxBlocks {
		return blocks
	}
	head := blocks[:maxBlocks-2]
	return append(append(head[:len(head):len(head)], section("…")), blocks[len(blocks)-1])
}

// fallback is the plain text Slack shows in notifications and to screen
// readers that cannot read blocks.
func fallback(s string) string { return clip(s, maxFallback) }

// Reply renders an answer to a person: the refusal, the texts, the card
// and the person's own actions. scope names where its buttons live.
func (r renderer) Reply(rep chat.Reply) (string, []slackapi.Block) {
	var blocks []slackapi.Block
	var first string
	if f := rep.Refusal; f != nil {
		first = r.t(msg.T(msg.ReplyRefused, "why", r.render(f.Why)))
		blocks = append(blocks, section(first))
		if !f.Next.IsZero() {
			blocks = append(blocks, contextLine(r.t(msg.T(msg.ReplyNext, "next", r.render(f.Next)))))
		}
	}
	lines := make([]string, 0, len(rep.Texts))
	for _, t := range rep.Texts {
		lines = append(lines, r.t(t))
	}
	if first == "" && len(lines) > 0 {
		first = lines[0]
	}
	blocks = append(blocks, sections(lines)...)
	if rep.Card != nil {
		if first == "" {
			first = r.mrkdwn(string(rep.Card.CSR.ID) + " · " + userText(rep.Card.CSR.Title))
		}
		blocks = append(blocks, r.Card(*rep.Card, rep.Actions, scopeReply)...)
	} else if len(rep.Actions) > 0 {
		blocks = append(blocks, r.buttons(blockID(scopeReply, rep.Actions[0].CSR, -1, ""), rep.Actions))
	}
	return fallback(first), limit(blocks)
}

// Block id scopes: where a button was clicked.
const (
	scopeCard  = "card"  // the live card in the service channel
	scopeReply = "reply" // an answer to one person
	scopeDM    = "dm"    // an approver's direct message
	scopeHome  = "home"  // the App Home tab
)

// blockID names an actions block: scope, CSR, the CSR version the buttons
// were drawn for (-1: unknown) and a detail (the step of a DM). Two clicks
// of one person on the same button of the same drawing are one action.
func blockID(scope string, id csr.ID, version int64, detail string) string {
	v := ""
	if version >= 0 {
		v = strconv.FormatInt(version, 10)
	}
	return strings.Join([]string{scope, string(id), v, detail}, "|")
}

type buttonRef struct {
	scope   string
	csr     csr.ID
	version string // "" when unknown
	detail  string
}

func parseBlockID(s string) (buttonRef, bool) {
	parts := strings.Split(s, "|")
	if len(parts) != 4 {
		return buttonRef{}, false
	}
	return buttonRef{scope: parts[0], csr: csr.ID(parts[1]), version: parts[2], detail: parts[3]}, true
}

// Card renders a CSR card: what it ships, who is involved, the lifecycle
// as a progress line, the approval steps, evidence, the last runs, what
// happens next, and buttons for actions.
func (r renderer) Card(card chat.Card, actions []chat.Action, scope string) []slackapi.Block {
	c, svc := card.CSR, card.Service
	blocks := []slackapi.Block{
		slackapi.NewHeaderBlock(plainText(string(c.ID)+" · "+c.Title, maxHeaderText)),
	}
	field := func(label msg.ID, value string) *slackapi.TextBlockObject {
		return mdText(clip("*"+r.t(msg.T(label))+"*\n"+value, maxFieldText))
	}
	fields := []*slackapi.TextBlockObject{
		field(msg.SlackCardService, mrkdwnEscaper.Replace(c.Service)),
		field(msg.SlackCardState, r.t(c.State.Name())),
		field(msg.SlackCardRequester, r.person(c.Requester)),
	}
	if c.Assignee != "" && c.Assignee != c.Requester {
		fields = append(fields, field(msg.SlackCardAssignee, r.person(c.Assignee)))
	}
	if c.Effort > 0 {
		fields = append(fields, field(msg.SlackCardEffort, r.effort(c.Effort)))
	}
	if len(c.Refs) > 0 {
		fields = append(fields, field(msg.SlackCardShips, r.refs(c.Refs)))
	}
	blocks = append(blocks, slackapi.NewSectionBlock(nil, fields, nil))
	blocks = append(blocks, contextLine(r.progressLine(c.State)))
	if len(svc.Line) > 0 {
		blocks = append(blocks, section("*"+r.t(msg.T(msg.SlackCardApprovals))+"*\n"+strings.Join(r.steps(c, svc), "\n")))
	}
	if len(c.Evidence) > 0 {
		lines := []string{"*" + r.t(msg.T(msg.SlackCardEvidence)) + "*"}
		for _, e := range c.Evidence {
			lines = append(lines, r.evidence(e))
		}
		blocks = append(blocks, section(strings.Join(lines, "\n")))
	}
	if runs := lastRuns(c.Runs, 3); len(runs) > 0 {
		lines := []string{"*" + r.t(msg.T(msg.SlackCardRuns)) + "*"}
		for _, run := range runs {
			lines = append(lines, r.run(run))
		}
		blocks = append(blocks, section(strings.Join(lines, "\n")))
	}
	if !card.Next.IsZero() {
		blocks = append(blocks, section(r.t(msg.T(msg.SlackCardNext, "next", r.render(card.Next)))))
	}
	if len(actions) > 0 {
		blocks = append(blocks, r.buttons(blockID(scope, c.ID, c.Version, ""), actions))
	}
	return blocks
}

func lastRuns(runs []csr.Run, n int) []csr.Run {
	if len(runs) > n {
		return runs[len(runs)-n:]
	}
	return runs
}

// effort says an effort in the reader's language (4h, 1h 30m / 4시간).
func (r renderer) effort(d time.Duration) string { return r.t(msg.Dur(d)) }

func (r renderer) refs(refs []csr.Ref) string {
	lines := make([]string, 0, len(refs))
	for _, ref := range refs {
		s := mrkdwnEscaper.Replace(ref.Repo) + " `" + mrkdwnEscaper.Replace(ref.Ref)
		if sha := ref.ShortSHA(); sha != "" && sha != ref.Ref {
			s += "@" + sha
		}
		s += "`"
		for _, pr := range ref.PRs {
			s += " #" + strconv.Itoa(pr)
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}

func (r renderer) progressLine(s csr.State) string {
	stages := chat.Progress(s)
	parts := make([]string, len(stages))
	for i, st := range stages {
		mark := map[chat.Mark]string{chat.Pending: "○", chat.Done: "✓", chat.Current: "●", chat.Failed: "✗"}[st.Mark]
		name := r.render(msg.T(st.Name))
		if st.Mark == chat.Current || st.Mark == chat.Failed {
			name = "*" + name + "*"
		}
		parts[i] = mark + " " + name
	}
	return strings.Join(parts, "  →  ")
}

// steps is one line per approval step, then any standing rejection.
func (r renderer) steps(c csr.CSR, svc csr.Service) []string {
	sts := c.Steps(svc)
	total := strconv.Itoa(len(sts))
	out := make([]string, 0, len(sts)+1)
	for i, st := range sts {
		n := strconv.Itoa(i + 1)
		who := make([]msg.Text, 0, len(st.Approved))
		for _, a := range st.Approved {
			who = append(who, msg.T(msg.SlackApprovalBy, "who", "@"+string(a.By), "at", r.when(a.At)))
		}
		switch {
		case st.Complete:
			out = append(out, r.t(msg.T(msg.SlackStepDone, "n", n, "total", total, "step", st.Step.Name, "who", msg.List(who...))))
		case st.Open:
			line := r.t(msg.T(msg.SlackStepOpen, "n", n, "total", total, "step", st.Step.Name,
				"got", strconv.Itoa(len(st.Approved)), "required", strconv.Itoa(st.Step.Required), "people", csr.Mentions(st.Pending(c))))
			if len(who) > 0 {
				line += " " + r.t(msg.T(msg.SlackStepSoFar, "who", msg.List(who...)))
			}
			out = append(out, line)
		default:
			out = append(out, r.t(msg.T(msg.SlackStepWaiting, "n", n, "total", total, "step", st.Step.Name)))
		}
	}
	for _, a := range c.Approvals {
		if a.Decision == csr.Reject && !a.Voided {
			out = append(out, r.t(msg.T(msg.SlackStepRejected, "step", a.Step, "by", "@"+string(a.By), "at", r.when(a.At), "reason", a.Reason)))
		}
	}
	return out
}

func (r renderer) evidence(e csr.Evidence) string {
	note := ""
	if e.Note != "" {
		note = " — " + e.Note
	}
	return r.mrkdwn(userText(e.URL)+userText(note)) + " " + r.t(msg.T(msg.SlackBy, "who", "@"+string(e.By)))
}

func (r renderer) run(run csr.Run) string {
	link := ""
	if u := safeLink(run.URL); u != "" {
		// The bot's own link markup around a URL safeLink made inert.
		link = " " + r.cat.Render(msg.T(msg.SlackRunLink, "url", u))
	} else if run.URL != "" {
		link = " " + mrkdwnEscaper.Replace(run.URL)
	}
	at := run.StartedAt
	if !run.EndedAt.IsZero() {
		at = run.EndedAt
	}
	return r.mrkdwn(r.render(msg.T(msg.SlackRunLine, "run", run.ID, "env", run.Env, "status", run.Status.Name(), "at", r.when(at)))) + link
}

// safeLink returns an http(s) URL fit for <url|text> link markup, or "".
func safeLink(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return strings.NewReplacer("|", "%7C", "<", "%3C", ">", "%3E", " ", "%20").Replace(u.String())
}

// button labels and styles per verb.
var buttonLabels = map[csr.Verb]msg.ID{
	csr.VerbTest:       msg.SlackButtonTest,
	csr.VerbSubmit:     msg.SlackButtonSubmit,
	csr.VerbApprove:    msg.SlackButtonApprove,
	csr.VerbReject:     msg.SlackButtonReject,
	csr.VerbDeploy:     msg.SlackButtonDeploy,
	csr.VerbRevise:     msg.SlackButtonRevise,
	csr.VerbCancel:     msg.SlackButtonCancel,
	csr.VerbRollback:   msg.SlackButtonRollback,
	csr.VerbUnschedule: msg.SlackButtonUnschedule,
	csr.VerbEvidence:   msg.SlackButtonEvidence,
}

func (r renderer) buttons(id string, actions []chat.Action) *slackapi.ActionBlock {
	els := make([]slackapi.BlockElement, 0, len(actions))
	for _, a := range actions {
		label, ok := buttonLabels[a.Verb]
		if !ok {
			continue
		}
		b := slackapi.NewButtonBlockElement(string(a.Verb), string(a.CSR), plainText(r.plain(msg.T(label)), maxButtonText))
		switch a.Verb {
		case csr.VerbApprove, csr.VerbSubmit, csr.VerbTest:
			b.Style = slackapi.StylePrimary
		case csr.VerbDeploy:
			b.Style = slackapi.StylePrimary
			b.Confirm = r.confirm(msg.T(msg.SlackConfirmDeploy, "csr", string(a.CSR)))
		case csr.VerbCancel:
			b.Style = slackapi.StyleDanger
			b.Confirm = r.confirm(msg.T(msg.SlackConfirmCancel, "csr", string(a.CSR)))
		case csr.VerbRollback:
			b.Style = slackapi.StyleDanger
			b.Confirm = r.confirm(msg.T(msg.SlackConfirmRollback, "csr", string(a.CSR)))
		case csr.VerbReject:
			b.Style = slackapi.StyleDanger
		}
		els = append(els, b)
	}
	return slackapi.NewActionBlock(id, els...)
}

func (r renderer) confirm(text msg.Text) *slackapi.ConfirmationBlockObject {
	return slackapi.NewConfirmationBlockObject(
		plainText(r.plain(msg.T(msg.SlackConfirmTitle)), 100),
		mdText(r.t(text)),
		plainText(r.plain(msg.T(msg.SlackConfirmYes)), 30),
		plainText(r.plain(msg.T(msg.SlackConfirmNo)), 30))
}

// Notice renders a notice's text for a channel or a person.
func (r renderer) Notice(n chat.Notice) (string, []slackapi.Block) {
	s := r.t(n.Text)
	return fallback(s), []slackapi.Block{section(s)}
}

// CardMessage is the live card: the notice that announced it (or the
// card's title) as the notification text, then the card.
func (r renderer) CardMessage(card chat.Card, actions []chat.Action) (string, []slackapi.Block) {
	text := r.mrkdwn(string(card.CSR.ID) + " · " + userText(card.CSR.Title) + " · " + r.render(card.CSR.State.Name()))
	return fallback(text), limit(r.Card(card, actions, scopeCard))
}
