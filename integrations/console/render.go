// Package console is the terminal messenger: a REPL and a script runner
// that speak the same grammar as Slack, render cards as text and offer the
// actions a person may take as numbered choices.
package console

import (
	"fmt"
	"strings"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Renderer turns replies, cards and notices into text.
type Renderer struct {
	Catalog msg.Catalog
	Loc     *time.Location
}

func (r Renderer) t(t msg.Text) string { return r.Catalog.Render(t) }

// Reply renders a reply; the actions are numbered from 1.
func (r Renderer) Reply(rep chat.Reply) string {
	var b strings.Builder
	if f := rep.Refusal; f != nil {
		b.WriteString(r.t(msg.T(msg.ReplyRefused, "why", r.t(f.Why))))
		b.WriteByte('\n')
		if !f.Next.IsZero() {
			b.WriteString("   " + r.t(msg.T(msg.ReplyNext, "next", r.t(f.Next))) + "\n")
		}
	}
	for _, t := range rep.Texts {
		b.WriteString(r.t(t))
		b.WriteByte('\n')
	}
	if rep.Card != nil {
		b.WriteString(r.Card(*rep.Card))
	}
	b.WriteString(r.Actions(rep.Actions))
	return b.String()
}

// Actions renders numbered choices.
func (r Renderer) Actions(as []chat.Action) string {
	if len(as) == 0 {
		return ""
	}
	return r.t(msg.T(msg.CardActions, "actions", r.actionList(as))) + "\n"
}

// actionList numbers the actions from 1: "[1] test CSR-1  [2] cancel CSR-1 …reason?".
func (r Renderer) actionList(as []chat.Action) string {
	parts := make([]string, len(as))
	for i, a := range as {
		cmd := a.Command
		if what, optional, ok := inputOf(a); ok {
			id := msg.ConsoleInput
			if optional {
				id = msg.ConsoleInputOptional
			}
			cmd += " " + r.t(msg.T(id, "what", what))
		}
		parts[i] = fmt.Sprintf("[%d] %s", i+1, cmd)
	}
	return strings.Join(parts, "  ")
}

// Card renders a CSR card as a framed block of text.
func (r Renderer) Card(card chat.Card) string {
	c, svc := card.CSR, card.Service
	var b strings.Builder
	line := func(label msg.ID, value string) {
		fmt.Fprintf(&b, "│ %s %s\n", pad(r.t(msg.T(label)), 10), value)
	}
	fmt.Fprintf(&b, "┌─ %s · %s · %s\n", c.ID, c.Service, c.Title)
	line(msg.CardState, r.t(c.State.Name())+"   "+r.progress(c.State))
	people := "@" + string(c.Requester)
	if c.Assignee != c.Requester {
		people += " → @" + string(c.Assignee)
	}
	if c.Effort > 0 {
		people += "   " + r.t(msg.T(msg.CardEffort, "effort", csr.EffortText(c.Effort)))
	}
	line(msg.CardPeople, people)
	for _, ref := range c.Refs {
		line(msg.CardShips, fmt.Sprintf("%s %s@%s", ref.Repo, ref.Ref, ref.ShortSHA()))
		if len(ref.PRs) > 0 {
			prs := make([]string, len(ref.PRs))
			for i, n := range ref.PRs {
				prs[i] = fmt.Sprintf("#%d", n)
			}
			line(msg.CardPRs, strings.Join(prs, ", "))
		}
		const shown = 5
		for i, cm := range ref.Commits {
			if i == shown {
				line(msg.CardCommits, r.t(msg.T(msg.CardMoreCommits, "n", fmt.Sprint(len(ref.Commits)-shown))))
				break
			}
			sha := cm.SHA
			if len(sha) > 7 {
				sha = sha[:7]
			}
			line(msg.CardCommits, sha+" "+cm.Title)
		}
	}
	for _, e := range c.Evidence {
		note := ""
		if e.Note != "" {
			note = fmt.Sprintf(" %q", e.Note)
		}
		line(msg.CardEvidence, fmt.Sprintf("%s%s (@%s)", e.URL, note, e.By))
	}
	if len(svc.Line) > 0 {
		line(msg.CardApprovals, r.steps(c, svc))
	}
	runs := c.Runs
	if len(runs) > 3 {
		runs = runs[len(runs)-3:]
	}
	for _, run := range runs {
		// The label names the real environment and the commit; the id is
		// what a deployer's logs and tags are searched by.
		s := r.t(run.Label()) + " (" + run.ID + ")"
		if run.URL != "" {
			s += " " + run.URL
		}
		line(msg.CardRuns, s)
	}
	comments := c.Comments
	if len(comments) > 2 {
		comments = comments[len(comments)-2:]
	}
	for _, cm := range comments {
		line(msg.CardComments, fmt.Sprintf("@%s: %s", cm.By, cm.Text))
	}
	if !card.Next.IsZero() {
		fmt.Fprintf(&b, "└─ ▶ %s\n", r.t(card.Next))
	} else {
		b.WriteString("└─\n")
	}
	return b.String()
}

func (r Renderer) steps(c csr.CSR, svc csr.Service) string {
	sts := c.Steps(svc)
	parts := make([]string, len(sts))
	for i, st := range sts {
		var who []string
		for _, a := range st.Approved {
			who = append(who, "@"+string(a.By))
		}
		mark := "○"
		switch {
		case st.Complete:
			mark = "✓ " + r.t(msg.And(who...))
		case st.Open:
			mark = "● " + r.t(msg.T(msg.CardStepWaiting, "got", len(st.Approved), "required", st.Step.Required, "people", csr.Mentions(st.Pending(c))))
			if len(who) > 0 {
				mark += " (" + r.t(msg.And(who...)) + " ✓)"
			}
		}
		parts[i] = fmt.Sprintf("%d/%d %s %s", i+1, len(sts), st.Step.Name, mark)
	}
	for _, a := range c.Approvals {
		if a.Decision == csr.Reject && !a.Voided {
			parts = append(parts, "✗ "+r.t(msg.T(msg.CardRejectedBy, "by", "@"+string(a.By), "reason", a.Reason)))
		}
	}
	return strings.Join(parts, " · ")
}

func (r Renderer) progress(s csr.State) string {
	stages := chat.Progress(s)
	parts := make([]string, len(stages))
	for i, st := range stages {
		mark := map[chat.Mark]string{chat.Pending: "○", chat.Done: "✓", chat.Current: "●", chat.Failed: "✗"}[st.Mark]
		parts[i] = r.t(msg.T(st.Name)) + " " + mark
	}
	return "(" + strings.Join(parts, " → ") + ")"
}

// inputOf names the free text an action asks for ("reason", "reason?" when
// it may be left out, "link") in the reader's words.
func inputOf(a chat.Action) (what msg.Text, optional, ok bool) {
	kind, optional := strings.CutSuffix(a.NeedsInput, "?")
	switch kind {
	case "":
		return msg.Text{}, false, false
	case "link":
		return msg.T(msg.InputLink), optional, true
	default:
		return msg.T(msg.InputReason), optional, true
	}
}

// Notice renders a notice as the messenger would show it: to a channel as
// "[#channel] …", to people as "[DM @name] …".
func (r Renderer) Notice(n chat.Notice) string {
	var b strings.Builder
	text := r.t(n.Text)
	if n.Channel != "" {
		fmt.Fprintf(&b, "[%s] %s\n", n.Channel, text)
	}
	if len(n.To) > 0 && (n.Channel == "" || len(n.Actions) > 0) {
		who := make([]string, len(n.To))
		for i, p := range n.To {
			who[i] = "@" + string(p)
		}
		b.WriteString(r.t(msg.T(msg.ConsoleDM, "to", strings.Join(who, ", "), "text", text)) + "\n")
	}
	return b.String()
}
