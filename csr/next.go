package csr

import (
	"strconv"
	"time"

	"releasebot/msg"
)

// NextStep says in one sentence what must happen next and who must do it.
func (c CSR) NextStep(svc Service, now time.Time, freezes []Freeze) msg.Text {
	id := string(c.ID)
	if run, ok := c.ActiveRun(); ok && run.Status == RunUnknown {
		return msg.T(msg.NextRunUnknown, "run", run.ID, "csr", id)
	}
	switch c.State {
	case Draft:
		return msg.T(msg.NextDraft, "csr", id, "owners", c.owners(), "sha", shortOr(c), "env", svc.TestEnv())
	case TestDeploying:
		run, _ := c.LastRun(PurposeTest)
		return msg.T(msg.NextTestRunning, "run", run.ID, "env", run.Env, "status", run.Status.Name())
	case TestFailed:
		return msg.T(msg.NextTestFailed, "csr", id, "owners", c.owners())
	case Tested:
		if svc.EvidenceRequired && len(c.Evidence) == 0 {
			return msg.T(msg.NextNeedEvidence, "csr", id, "owners", c.owners())
		}
		return msg.T(msg.NextSubmit, "csr", id, "owners", c.owners())
	case InApproval:
		st, ok := c.OpenStep(svc)
		if !ok {
			return msg.T(msg.NextSeeNext, "csr", id)
		}
		return msg.T(msg.NextAskStep, "n", strconv.Itoa(st.Index+1), "total", strconv.Itoa(len(svc.Line)),
			"step", st.Step.Name, "missing", strconv.Itoa(st.Missing()), "people", mentions(st.Pending(c)))
	case Approved, DeployFailed:
		id := msg.NextDeploy
		if c.State == DeployFailed {
			id = msg.NextDeployFailed
		}
		if r := CheckDeployTime(c.ID, now, svc, freezes); r != nil {
			return msg.T(msg.NextDeployLater, "csr", string(c.ID), "owners", c.owners(), "why", r.Why, "then", r.Next)
		}
		return msg.T(id, "csr", string(c.ID), "owners", c.owners(), "env", svc.ProdEnv())
	case Rejected:
		reason, by := "", Person("")
		for i := len(c.Approvals) - 1; i >= 0; i-- {
			if c.Approvals[i].Decision == Reject && !c.Approvals[i].Voided {
				reason, by = c.Approvals[i].Reason, c.Approvals[i].By
				break
			}
		}
		return msg.T(msg.NextRejected, "csr", id, "by", string(by), "reason", reason, "owners", c.owners())
	case Scheduled:
		return msg.T(msg.NextScheduled, "when", msg.At(c.ScheduledAt.In(loc(svc))), "env", svc.ProdEnv(),
			"owners", c.owners(), "csr", id)
	case Deploying:
		run, _ := c.LastRun(PurposeDeploy)
		return msg.T(msg.NextDeployRunning, "run", run.ID, "env", run.Env, "status", run.Status.Name())
	case Deployed:
		if run, ok := c.ActiveRun(); ok {
			return msg.T(msg.NextRollbackRunning, "run", run.ID, "status", run.Status.Name())
		}
		return msg.T(msg.NextDeployed, "csr", id, "env", svc.ProdEnv())
	default:
		if c.State == RolledBack {
			return msg.T(msg.NextRolledBackDone, "csr", id, "env", svc.ProdEnv(), "owners", c.owners(), "service", c.Service)
		}
		if c.State == Cancelled {
			return msg.T(msg.NextCancelled, "csr", id, "service", c.Service)
		}
		return msg.T(msg.NextNothing, "csr", id, "state", c.State.Name())
	}
}

func shortOr(c CSR) string {
	if len(c.Refs) == 0 {
		return "?"
	}
	if s := c.Refs[0].ShortSHA(); s != "" {
		return c.Refs[0].Ref + "@" + s
	}
	return c.Refs[0].Ref
}

// Verb names an action a person can take on a CSR.
type Verb string

// Verbs offered as buttons or numbered choices.
const (
	VerbTest     Verb = "test"
	VerbSubmit   Verb = "submit"
	VerbApprove  Verb = "approve"
	VerbReject   Verb = "reject"
	VerbDeploy   Verb = "deploy"
	VerbRevise   Verb = "revise"
	VerbCancel   Verb = "cancel"
	VerbRollback Verb = "rollback"
	VerbEvidence Verb = "evidence"
	// VerbUnschedule takes a scheduled deploy back; VerbRollback is offered
	// only to those the service's rollback policy allows.
	VerbUnschedule Verb = "unschedule"
)

// Actions lists what a may do to c right now: each transition is tried on a
// copy, so the list can never disagree with the rules.
func (c CSR) Actions(a Actor, now time.Time, svc Service, freezes []Freeze) []Verb {
	try := []struct {
		v  Verb
		fn func() error
	}{
		{VerbTest, func() error { _, _, err := c.Test(a, now, svc); return err }},
		{VerbEvidence, func() error { _, _, err := c.AddEvidence(a, "https://example.invalid/x", "", now); return err }},
		{VerbSubmit, func() error { _, _, err := c.Submit(a, now, svc); return err }},
		{VerbApprove, func() error { _, _, err := c.Approve(a, now, svc); return err }},
		{VerbReject, func() error { _, _, err := c.Reject(a, "reason", now, svc); return err }},
		{VerbDeploy, func() error { _, _, err := c.Deploy(a, now, svc, freezes, DeployOptions{}); return err }},
		{VerbUnschedule, func() error { _, _, err := c.Unschedule(a, now, "", nil); return err }},
		{VerbRevise, func() error { _, _, err := c.Revise(a, now); return err }},
		{VerbCancel, func() error { _, _, err := c.Cancel(a, "", now); return err }},
		// The commit to restore is the store's to know: a stand-in here,
		// and the handler drops the action when production has none.
		{VerbRollback, func() error { _, _, err := c.Rollback(a, "0000000", "reason", now, svc); return err }},
	}
	var out []Verb
	for _, t := range try {
		if t.fn() == nil {
			out = append(out, t.v)
		}
	}
	return out
}
