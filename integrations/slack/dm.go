package slack

import (
	"slices"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// ApprovalDM is the direct message asking person p to decide on step of
// c: what ships, the test evidence, who approved before, and Approve /
// Reject buttons while the decision is p's to make. Once it is not (the
// step completed, p decided, the CSR was rejected or left approval), the
// buttons give way to a line saying so.
func (r renderer) ApprovalDM(c csr.CSR, svc csr.Service, step string, p csr.Person, now time.Time) (string, []slackapi.Block) {
	return r.RoundDM(c, svc, step, p, now, approvalRound(c))
}

// RoundDM is the direct message of an approval request of a given round:
// ApprovalDM while the round is the CSR's current one; once a later
// round began, the closed request of the round that ended, saying how it
// ended.
func (r renderer) RoundDM(c csr.CSR, svc csr.Service, step string, p csr.Person, now time.Time, round int) (string, []slackapi.Block) {
	sts := c.Steps(svc)
	idx := slices.IndexFunc(sts, func(s csr.StepStatus) bool { return s.Step.Name == step })
	n, total := strconv.Itoa(idx+1), strconv.Itoa(len(sts))
	current := round == approvalRound(c)
	active := current && idx >= 0 && waitsOnPerson(c, svc, sts[idx], p)
	head := msg.SlackDMAbout
	if active {
		head = msg.SlackDMAsk
	}
	ask := r.t(msg.T(head, "csr", string(c.ID), "service", c.Service, "title", c.Title, "step", step, "n", n, "total", total))
	blocks := []slackapi.Block{section(ask)}

	fields := []*slackapi.TextBlockObject{
		mdText("*" + r.t(msg.T(msg.SlackCardRequester)) + "*\n" + r.person(c.Requester)),
	}
	if c.Assignee != "" && c.Assignee != c.Requester {
		fields = append(fields, mdText("*"+r.t(msg.T(msg.SlackCardAssignee))+"*\n"+r.person(c.Assignee)))
	}
	if len(c.Refs) > 0 {
		fields = append(fields, mdText(clip("*"+r.t(msg.T(msg.SlackCardShips))+"*\n"+r.refs(c.Refs), maxFieldText)))
	}
	if c.Effort > 0 {
		fields = append(fields, mdText("*"+r.t(msg.T(msg.SlackCardEffort))+"*\n"+r.effort(c.Effort)))
	}
	blocks = append(blocks, slackapi.NewSectionBlock(nil, fields, nil))

	if commits := shipped(c); len(commits) > 0 {
		blocks = append(blocks, section("*"+r.t(msg.T(msg.SlackDMCommits))+"*\n"+strings.Join(commits, "\n")))
	}
	if c.Description != "" {
		blocks = append(blocks, section("*"+r.t(msg.T(msg.SlackDMDescription))+"*\n"+r.mrkdwn(userText(clip(c.Description, 1200)))))
	}
	if c.Risk != "" {
		blocks = append(blocks, section("*"+r.t(msg.T(msg.SlackDMRisk))+"*\n"+r.mrkdwn(userText(clip(c.Risk, 800)))))
	}
	evidence := []string{"*" + r.t(msg.T(msg.SlackCardEvidence)) + "*"}
	for _, e := range c.Evidence {
		evidence = append(evidence, r.evidence(e))
	}
	if len(c.Evidence) == 0 {
		evidence = append(evidence, r.t(msg.T(msg.SlackDMNoEvidence)))
	}
	if run, ok := c.LastRun(csr.PurposeTest); ok {
		evidence = append(evidence, r.run(run))
	}
	blocks = append(blocks, section(strings.Join(evidence, "\n")))

	var before []msg.Text
	for _, a := range c.Approvals {
		if !a.Voided && a.Decision == csr.Approve {
			before = append(before, msg.T(msg.SlackApprovalStep, "who", "@"+string(a.By), "step", a.Step, "at", r.when(a.At)))
		}
	}
	if len(before) > 0 && current {
		so := msg.SlackDMApprovals
		if active {
			so = msg.SlackDMBefore
		}
		blocks = append(blocks, contextLine(r.t(msg.T(so, "who", msg.List(before...)))))
	}

	if active {
		blocks = append(blocks, r.buttons(blockID(scopeDM, c.ID, c.Version, dmDetail(step, round)), []chat.Action{
			{Verb: csr.VerbApprove, CSR: c.ID, Command: "approve " + string(c.ID)},
			{Verb: csr.VerbReject, CSR: c.ID, Command: "reject " + string(c.ID), NeedsInput: "reason"},
		}))
		return fallback(ask), blocks
	}
	var closed string
	if current {
		closed = r.dmClosed(c, sts, idx, step, p)
	} else {
		closed = r.roundEnded(c, round)
	}
	blocks = append(blocks, section(closed))
	return fallback(closed), blocks
}

// dmDetail is the detail of a DM's block id: its step and round, so that a
// click on a request of a round that ended is told so, not applied to the
// current round.
func dmDetail(step string, round int) string { return step + "#" + strconv.Itoa(round) }

func parseDMDetail(d string) (step string, round int, ok bool) {
	step, r, found := strings.Cut(d, "#")
	if !found {
		return d, 0, false
	}
	n, err := strconv.Atoi(r)
	return step, n, err == nil
}

// roundEnded says how an approval round that is over ended: rejected (by
// whom), voided by a change of what ships, cancelled, or completed.
func (r renderer) roundEnded(c csr.CSR, round int) string {
	id := string(c.ID)
	n := 0
	for _, e := range c.History {
		if e.Action == "submit" {
			n++
			continue
		}
		if n != round {
			continue
		}
		switch {
		case e.Action == "reject":
			return r.t(msg.T(msg.SlackRoundRejected, "csr", id, "by", "@"+string(e.By), "reason", e.Note))
		case e.Action == "update" || e.Action == "revise":
			return r.t(msg.T(msg.SlackRoundVoided, "csr", id))
		case e.Action == "cancel":
			return r.t(msg.T(msg.SlackRoundCancelled, "csr", id))
		case e.To == csr.Approved:
			return r.t(msg.T(msg.SlackRoundCompleted, "csr", id))
		}
	}
	return r.t(msg.T(msg.SlackRoundVoided, "csr", id))
}

// waitsOnPerson: the step is the open one and p may still approve it.
func waitsOnPerson(c csr.CSR, svc csr.Service, st csr.StepStatus, p csr.Person) bool {
	open, ok := c.OpenStep(svc)
	return ok && open.Index == st.Index && slices.Contains(st.Pending(c), p)
}

// dmClosed says why the approver no longer needs to act.
func (r renderer) dmClosed(c csr.CSR, sts []csr.StepStatus, idx int, step string, p csr.Person) string {
	id := string(c.ID)
	for _, a := range c.Approvals {
		if a.Voided || a.By != p {
			continue
		}
		if a.Decision == csr.Reject {
			return r.t(msg.T(msg.SlackDMYouRejected, "csr", id, "at", r.when(a.At), "reason", a.Reason))
		}
		if a.Step == step {
			line := r.t(msg.T(msg.SlackDMYouApproved, "csr", id, "step", step, "at", r.when(a.At)))
			if idx >= 0 && sts[idx].Complete {
				line += " " + r.t(msg.T(msg.SlackDMStepDone, "step", step))
			}
			return line
		}
	}
	if c.State == csr.Rejected {
		for i := len(c.Approvals) - 1; i >= 0; i-- {
			if a := c.Approvals[i]; a.Decision == csr.Reject && !a.Voided {
				return r.t(msg.T(msg.SlackDMRejected, "csr", id, "by", "@"+string(a.By), "reason", a.Reason))
			}
		}
	}
	if idx >= 0 && sts[idx].Complete && c.State != csr.Draft && c.State != csr.Cancelled {
		who := make([]string, 0, len(sts[idx].Approved))
		for _, a := range sts[idx].Approved {
			who = append(who, "@"+string(a.By))
		}
		return r.t(msg.T(msg.SlackDMStepComplete, "csr", id, "step", step, "who", msg.And(who...)))
	}
	return r.t(msg.T(msg.SlackDMNotWaiting, "csr", id, "state", c.State.Name()))
}

// shipped lists the commits a CSR ships, newest last, at most eight.
func shipped(c csr.CSR) []string {
	var out []string
	for _, ref := range c.Refs {
		for _, cm := range ref.Commits {
			sha := cm.SHA
			if len(sha) > 7 {
				sha = sha[:7]
			}
			line := "`" + sha + "` " + mrkdwnEscaper.Replace(clip(cm.Title, 120))
			if cm.Author != "" {
				line += " (" + mrkdwnEscaper.Replace(cm.Author) + ")"
			}
			out = append(out, line)
		}
	}
	if len(out) > 8 {
		out = out[len(out)-8:]
	}
	return out
}
