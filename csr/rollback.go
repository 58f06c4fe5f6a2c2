package csr

import (
	"slices"
	"strings"
	"time"

	"releasebot/msg"
)

// RollbackRole is a kind of person a rollback policy lets roll back.
type RollbackRole string

// Roles of a rollback policy.
const (
	RollbackRequester RollbackRole = "requester"
	RollbackAssignee  RollbackRole = "assignee"
	RollbackLastStep  RollbackRole = "last_step" // the approvers of the approval line's last step
	RollbackAdmins    RollbackRole = "admins"
)

var roleNames = map[RollbackRole]msg.ID{
	RollbackRequester: msg.RollbackRoleRequester,
	RollbackAssignee:  msg.RollbackRoleAssignee,
	RollbackLastStep:  msg.RollbackRoleLastStep,
	RollbackAdmins:    msg.RollbackRoleAdmins,
}

// RollbackRoles lists the roles in the order a policy is explained.
var RollbackRoles = []RollbackRole{RollbackRequester, RollbackAssignee, RollbackLastStep, RollbackAdmins}

// RollbackPolicy says who may roll back a deployed CSR of a service: people
// by role, and people named in the config. Undoing production is as weighty
// as shipping it, so not everyone on the team may do it alone.
type RollbackPolicy struct {
	Roles  []RollbackRole
	People []Person
}

// DefaultRollbackPolicy: the CSR's requester and assignee, the approvers of
// the last step, and admins.
func DefaultRollbackPolicy() RollbackPolicy {
	return RollbackPolicy{Roles: slices.Clone(RollbackRoles)}
}

// RollbackPolicyOf is the service's policy, the default when it sets none.
func (s Service) RollbackPolicyOf() RollbackPolicy {
	if len(s.Rollback.Roles) == 0 && len(s.Rollback.People) == 0 {
		return DefaultRollbackPolicy()
	}
	return s.Rollback
}

// MayRollBack reports whether a may roll back c under the service's policy.
func (c CSR) MayRollBack(a Actor, svc Service) bool {
	p := svc.RollbackPolicyOf()
	if slices.Contains(p.People, a.Person) {
		return true
	}
	for _, r := range p.Roles {
		switch r {
		case RollbackRequester:
			if a.Person == c.Requester {
				return true
			}
		case RollbackAssignee:
			if a.Person == c.Assignee {
				return true
			}
		case RollbackLastStep:
			if len(svc.Line) > 0 && slices.Contains(svc.Line[len(svc.Line)-1].Approvers, a.Person) {
				return true
			}
		case RollbackAdmins:
			if a.Admin {
				return true
			}
		}
	}
	return false
}

// RollbackPeople lists who may roll back c, admins aside: the names a
// refusal or a next step gives to ask.
func (c CSR) RollbackPeople(svc Service) []Person {
	p := svc.RollbackPolicyOf()
	var out []Person
	add := func(ps ...Person) {
		for _, q := range ps {
			if q != "" && !slices.Contains(out, q) {
				out = append(out, q)
			}
		}
	}
	for _, r := range p.Roles {
		switch r {
		case RollbackRequester:
			add(c.Requester)
		case RollbackAssignee:
			add(c.Assignee)
		case RollbackLastStep:
			if len(svc.Line) > 0 {
				add(svc.Line[len(svc.Line)-1].Approvers...)
			}
		}
	}
	add(p.People...)
	return out
}

// RollbackAdminsMay reports whether the policy lets admins roll back.
func (s Service) RollbackAdminsMay() bool {
	return slices.Contains(s.RollbackPolicyOf().Roles, RollbackAdmins)
}

// askRollback is what a refused person should do: ask who may.
func (c CSR) askRollback(svc Service) msg.Text {
	if svc.RollbackAdminsMay() {
		return msg.T(msg.NextAskRollbackOrAdmin, "people", mentions(c.RollbackPeople(svc)))
	}
	return msg.T(msg.NextAskRollback, "people", mentions(c.RollbackPeople(svc)))
}

// Rollback redeploys prevSHA, the commit production ran before c, to
// production, for the reason given. The CSR becomes rolled_back when that
// run succeeds.
func (c CSR) Rollback(a Actor, prevSHA, reason string, at time.Time, svc Service) (CSR, []Event, error) {
	if c.State != Deployed {
		return c, nil, c.wrongState("rollback", Deployed)
	}
	if !c.MayRollBack(a, svc) {
		return c, nil, refuse(RuleRollbackPolicy, msg.T(msg.RefuseRollbackPolicy, "csr", string(c.ID), "service", svc.Name,
			"policy", svc.RollbackPolicyOf().Describe()), c.askRollback(svc))
	}
	if run, ok := c.ActiveRun(); ok {
		return c, nil, refuse(RuleRunActive, msg.T(msg.RefuseRunActive, "run", run.ID), msg.T(msg.NextWaitRun))
	}
	if strings.TrimSpace(reason) == "" {
		return c, nil, refuse(RuleReasonRequired, msg.T(msg.RefuseRollbackReason, "csr", string(c.ID)),
			msg.T(msg.NextRollbackReason, "csr", string(c.ID)))
	}
	if r := checkText(msg.TextFieldReason, reason, MaxReason, true, true); r != nil {
		return c, nil, r
	}
	if prevSHA == "" {
		return c, nil, refuse(RuleNoPreviousDeploy, msg.T(msg.RefuseNoPrevious, "service", svc.Name),
			msg.T(msg.NextNoPrevious, "service", svc.Name))
	}
	d := c.clone()
	env := svc.ProdEnv()
	run := d.newRun(PurposeRollback, env, svc.Deployers[env], prevSHA, a.Person, at)
	d.History = append(d.History, Entry{At: at, By: a.Person, Action: "rollback", From: d.State, To: d.State, Note: run.ID + ": " + reason})
	d.UpdatedAt = at
	return d, []Event{{Kind: EvRunRequested, Run: run, Note: reason}}, nil
}

// Describe says the policy in words: "the requester, the assignee, the
// approvers of the last step, admins, @carol".
func (p RollbackPolicy) Describe() msg.Text {
	parts := make([]msg.Text, 0, len(p.Roles)+1)
	for _, r := range p.Roles {
		parts = append(parts, msg.T(roleNames[r]))
	}
	if len(p.People) > 0 {
		parts = append(parts, msg.T(msg.RollbackRolePeople, "people", MentionsAll(p.People)))
	}
	return msg.List(parts...)
}
