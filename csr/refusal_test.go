package csr_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// verbAllowedFrom lists, per verb, the states it works in; every other state
// must be refused. Each verb is tried by the requester, who may do anything
// an owner may.
func verbAllowedFrom() []struct {
	verb    string
	from    []csr.State
	do      do
	outside func(s csr.State) csr.Rule // the rule refusing it elsewhere
} {
	svc := billing()
	optional := billing()
	optional.EvidenceRequired = false
	at := fri2300
	wrong := func(csr.State) csr.Rule { return "wrong-state" }
	return []struct {
		verb    string
		from    []csr.State
		do      do
		outside func(s csr.State) csr.Rule
	}{
		{"test", []csr.State{csr.Draft, csr.Tested, csr.TestFailed},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(who(alice), at, svc) }, wrong},
		{"evidence", []csr.State{csr.Draft, csr.TestDeploying, csr.Tested, csr.TestFailed, csr.InApproval, csr.Rejected},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "https://ci.example.com/run/43", "", at)
			}, wrong},
		{"submit", []csr.State{csr.Tested},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(who(alice), at, optional) }, wrong},
		{"approve", []csr.State{csr.InApproval},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(lena), at, svc) }, wrong},
		{"reject", []csr.State{csr.InApproval},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(lena), "no", at, svc) }, wrong},
		{"revise", []csr.State{csr.Rejected},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Revise(who(alice), at) }, wrong},
		{"update", []csr.State{csr.Draft, csr.Tested, csr.TestFailed, csr.InApproval, csr.Approved, csr.Rejected, csr.Scheduled},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.ChangeRef(who(alice), csr.Ref{Repo: "acme/billing", Ref: "main", SHA: sha2}, at)
			}, wrong},
		{"deploy", []csr.State{csr.Approved, csr.Scheduled, csr.DeployFailed},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), at, svc, nil, csr.DeployOptions{})
			}, func(s csr.State) csr.Rule {
				if slices.Contains([]csr.State{csr.Draft, csr.TestDeploying, csr.Tested, csr.TestFailed, csr.InApproval, csr.Rejected}, s) {
					return "approval-required"
				}
				return "wrong-state"
			}},
		{"schedule", []csr.State{csr.Approved},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Schedule(who(alice), mon2200, at, svc, nil)
			}, wrong},
		{"unschedule", []csr.State{csr.Scheduled},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Unschedule(who(alice), at, "", nil) }, wrong},
		{"cancel", []csr.State{csr.Draft, csr.TestDeploying, csr.Tested, csr.TestFailed, csr.InApproval, csr.Approved, csr.Rejected, csr.Scheduled},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Cancel(who(alice), "", at) }, wrong},
		{"rollback", []csr.State{csr.Deployed},
			func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Rollback(who(alice), prev, "error rate up", at, svc)
			}, wrong},
	}
}

// TestStateMatrix tries every verb in every state: allowed where the
// lifecycle allows it, refused with a readable reason everywhere else.
func TestStateMatrix(t *testing.T) {
	for _, v := range verbAllowedFrom() {
		for _, s := range csr.States {
			allowed := slices.Contains(v.from, s)
			name := fmt.Sprintf("%s from %s", v.verb, s)
			if allowed {
				name += " allowed"
			} else {
				name += " refused"
			}
			t.Run(name, func(t *testing.T) {
				in := reach(t, s)
				before := snapshot(in)
				out, evs, err := v.do(in)
				if allowed {
					require.NoError(t, err)
					requireUntouched(t, before, in)
					return
				}
				r := requireRefusal(t, v.outside(s), before, in, out, evs, err)
				if r.Rule == "wrong-state" {
					why := r.Why.String()
					require.Contains(t, why, " is "+s.Name().String()+";", "the state is said in words")
					for _, f := range v.from {
						require.Contains(t, why, f.Name().String())
					}
				}
			})
		}
	}
}

func TestRefusals(t *testing.T) {
	svc := billing()
	at := fri2300
	noEvidence := billing()
	noEvidence.EvidenceRequired = false
	openLine := func(line ...csr.Step) csr.Service { s := noEvidence; s.Line = line; return s }

	// fixtures built on top of reach
	approvedBy := func(ps ...csr.Person) func(t *testing.T, c csr.CSR) csr.CSR {
		return func(t *testing.T, c csr.CSR) csr.CSR {
			for _, p := range ps {
				c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(p), at, svc) })
			}
			return c
		}
	}
	unresolved := func(t *testing.T, c csr.CSR) csr.CSR {
		c.Refs = []csr.Ref{{Repo: "acme/billing", Ref: "feature/x"}}
		return c
	}
	rollingBack := func(t *testing.T, c csr.CSR) csr.CSR {
		return must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.Rollback(who(alice), prev, "error rate up", at, svc)
		})
	}
	longURL := "https://ci.example.com/" + strings.Repeat("a", csr.MaxURL)
	mon2159 := time.Date(2026, 12, 7, 21, 59, 0, 0, seoul)
	xmas := csr.Freeze{Service: "billing", From: time.Date(2026, 12, 4, 18, 0, 0, 0, seoul),
		Until: time.Date(2026, 12, 7, 9, 0, 0, 0, seoul), Reason: "year-end close", By: root}
	frozen := billing()
	frozen.Freezes = []csr.Freeze{xmas}

	cases := []struct {
		name  string
		state csr.State
		prep  func(t *testing.T, c csr.CSR) csr.CSR
		do    do
		rule  csr.Rule
		why   []string // substrings of the rendered Why
		next  []string // substrings of the rendered Next
	}{
		// Test
		{name: "test by a non-owner", state: csr.Draft, rule: "owner-only", why: []string{"@alice or @bob", "CSR-7"}, next: []string{"ask @alice or @bob"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(who(mallory), at, svc) }},
		{name: "test by an approver", state: csr.TestFailed, rule: "owner-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(who(lee), at, svc) }},
		{name: "test without a resolved commit", state: csr.Draft, prep: unresolved, rule: "ref-unresolved", next: []string{"update CSR-7 --ref"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(who(alice), at, svc) }},

		// UpdateRun
		{name: "result of an unknown run", state: csr.TestDeploying, rule: "unknown-run", why: []string{"CSR-7/test/9"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun("CSR-7/test/9", csr.RunSucceeded, "", "", at)
			}},
		{name: "result of another CSR's run", state: csr.TestDeploying, rule: "unknown-run",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun("CSR-8/test/1", csr.RunSucceeded, "", "", at)
			}},

		// AddEvidence
		{name: "evidence javascript: link", state: csr.Tested, rule: "bad-url", why: []string{"javascript:alert(1)"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "javascript:alert(1)", "", at)
			}},
		{name: "evidence data: link", state: csr.Tested, rule: "bad-url",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "data:text/html,<b>hi</b>", "", at)
			}},
		{name: "evidence ftp link", state: csr.Tested, rule: "bad-url",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "ftp://ci.example.com/log", "", at)
			}},
		{name: "evidence relative link", state: csr.Tested, rule: "bad-url",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.AddEvidence(who(alice), "/run/42", "", at) }},
		{name: "evidence scheme-relative link", state: csr.Tested, rule: "bad-url",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "//ci.example.com/run/42", "", at)
			}},
		{name: "evidence link without host", state: csr.Tested, rule: "bad-url",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "https:///run/42", "", at)
			}},
		{name: "evidence link with only a scheme", state: csr.Tested, rule: "bad-url",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.AddEvidence(who(alice), "https://", "", at) }},
		{name: "evidence empty link", state: csr.Tested, rule: "bad-url",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.AddEvidence(who(alice), "", "", at) }},
		{name: "evidence link with a newline", state: csr.Tested, rule: "bad-url",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "https://ci.example.com/run/42\nSet-Cookie: x", "", at)
			}},
		{name: "evidence link with a DEL", state: csr.Tested, rule: "bad-url",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "https://ci.example.com/run/\x7f", "", at)
			}},
		{name: "evidence link too long", state: csr.Tested, rule: "bad-url", why: []string{"…"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.AddEvidence(who(alice), longURL, "", at) }},
		{name: "evidence note with control characters", state: csr.Tested, rule: "text-control",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "https://ci.example.com/run/42", "green\x1b[0m", at)
			}},
		{name: "evidence note too long", state: csr.Tested, rule: "text-too-long",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "https://ci.example.com/run/42", strings.Repeat("n", csr.MaxNote+1), at)
			}},

		// Submit
		{name: "submit by a non-owner", state: csr.Tested, rule: "owner-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(who(lee), at, svc) }},
		{name: "submit without required evidence", state: csr.Tested, rule: "evidence-required", why: []string{"billing"}, next: []string{"evidence CSR-7"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(who(alice), at, svc) }},
		{name: "submit when the only lead is the requester", state: csr.Tested, rule: "line-unsatisfiable",
			why: []string{"`lead`", "needs 1", "only 0"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Submit(who(alice), at, openLine(csr.Step{Name: "lead", Approvers: []csr.Person{alice}, Required: 1}))
			}},
		{name: "submit when the quorum needs the assignee", state: csr.Tested, rule: "line-unsatisfiable",
			why: []string{"`sm`", "needs 2", "only 1"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				s := noEvidence
				s.Line = []csr.Step{{Name: "lead", Approvers: []csr.Person{lee}, Required: 1}, {Name: "sm", Approvers: []csr.Person{bob, sam}, Required: 2}}
				return c.Submit(who(alice), at, s)
			}},

		// Approve
		{name: "approve by the requester", state: csr.InApproval, rule: "separation-of-duties",
			why: []string{"you requested CSR-7"}, next: []string{"step 1/3 `lead`", "@lee or @lena"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(alice), at, svc) }},
		{name: "approve by the assignee, who is also a lead", state: csr.InApproval, rule: "separation-of-duties",
			why: []string{"you are assigned to CSR-7"},
			do:  func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(bob), at, svc) }},
		{name: "approve by the requester as admin", state: csr.InApproval, rule: "separation-of-duties",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Approve(csr.Actor{Person: alice, Admin: true}, at, svc)
			}},
		{name: "approve a later step first", state: csr.InApproval, rule: "step-order",
			why: []string{"step 1/3 `lead`", "step 2 `sm`"}, next: []string{"@lee or @lena"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(sam), at, svc) }},
		{name: "approve the last step while the second is open", state: csr.InApproval, prep: approvedBy(lee), rule: "step-order",
			why: []string{"step 2/3 `sm`", "step 3 `business`"},
			do:  func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(biz), at, svc) }},
		{name: "approve by a non-approver", state: csr.InApproval, rule: "not-an-approver", why: []string{"`lead`"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(mallory), at, svc) }},
		{name: "approve by an admin who is no approver", state: csr.InApproval, rule: "not-an-approver",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(admin, at, svc) }},
		{name: "approve a completed step", state: csr.InApproval, prep: approvedBy(lee), rule: "not-an-approver", why: []string{"`sm`"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(lena), at, svc) }},
		{name: "approve twice in the quorum step", state: csr.InApproval, prep: approvedBy(lee, sam), rule: "already-decided",
			why: []string{"step `sm`", "2026-12-04 23:00 KST"}, next: []string{"1 more approval from @carol or @dave"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(sam), at, svc) }},
		{name: "approve again after the step completed", state: csr.InApproval, prep: approvedBy(lee), rule: "already-decided", why: []string{"step `lead`"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(lee), at, svc) }},

		// Reject
		{name: "reject without a reason", state: csr.InApproval, rule: "reason-required", next: []string{`reject CSR-7 "`},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(lee), "", at, svc) }},
		{name: "reject with a blank reason", state: csr.InApproval, rule: "reason-required",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(lee), " \n\t", at, svc) }},
		{name: "reject with control characters", state: csr.InApproval, rule: "text-control",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(lee), "no\x00", at, svc) }},
		{name: "reject with a reason too long", state: csr.InApproval, rule: "text-too-long",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Reject(who(lee), strings.Repeat("r", csr.MaxReason+1), at, svc)
			}},
		{name: "reject by a non-approver", state: csr.InApproval, rule: "not-an-approver",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(mallory), "no", at, svc) }},
		{name: "reject by a later step's approver", state: csr.InApproval, rule: "not-an-approver",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(biz), "no", at, svc) }},
		{name: "reject by the requester", state: csr.InApproval, rule: "separation-of-duties", next: []string{"cancel CSR-7"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(alice), "no", at, svc) }},
		{name: "reject by the assignee", state: csr.InApproval, rule: "separation-of-duties",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(bob), "no", at, svc) }},
		{name: "reject after approving", state: csr.InApproval, prep: approvedBy(lee, sam), rule: "already-decided",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(sam), "changed my mind", at, svc) }},

		// Revise
		{name: "revise by a non-owner", state: csr.Rejected, rule: "owner-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Revise(who(lee), at) }},

		// ChangeRef
		{name: "update by a non-owner", state: csr.Approved, rule: "owner-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.ChangeRef(who(mallory), csr.Ref{Ref: "main", SHA: sha2}, at)
			}},

		// Deploy
		{name: "deploy by a non-owner", state: csr.Approved, rule: "owner-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(biz), at, svc, nil, csr.DeployOptions{})
			}},
		{name: "the scheduler deploys only scheduled CSRs", state: csr.Approved, rule: "owner-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(csr.System), at, svc, nil, csr.DeployOptions{})
			}},
		{name: "the scheduler is held to a freeze set after scheduling", state: csr.Scheduled, rule: "freeze",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(csr.System), c.ScheduledAt, svc, []csr.Freeze{xmas}, csr.DeployOptions{})
			}},
		{name: "deploy just before the window", state: csr.Approved, rule: "deploy-window",
			why: []string{"Mon-Fri 22:00-02:00 Asia/Seoul"}, next: []string{"Mon 2026-12-07 22:00 KST"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), mon2159, svc, nil, csr.DeployOptions{})
			}},
		{name: "deploy on a Saturday night", state: csr.Approved, rule: "deploy-window", next: []string{"Mon 2026-12-07 22:00 KST"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), time.Date(2026, 12, 5, 22, 30, 0, 0, seoul), svc, nil, csr.DeployOptions{})
			}},
		{name: "deploy after a failure, outside the window", state: csr.DeployFailed, rule: "deploy-window",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), fri2100, svc, nil, csr.DeployOptions{})
			}},
		{name: "deploy during a freeze passed in", state: csr.Approved, rule: "freeze",
			why: []string{"billing is frozen until Mon 2026-12-07 09:00 KST", "year-end close"}, next: []string{"--override"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), at, svc, []csr.Freeze{xmas}, csr.DeployOptions{})
			}},
		{name: "deploy during a configured freeze", state: csr.Approved, rule: "freeze",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), at, frozen, nil, csr.DeployOptions{})
			}},
		{name: "deploy during a freeze by an admin without override", state: csr.Approved, rule: "freeze",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(admin, at, frozen, nil, csr.DeployOptions{})
			}},
		{name: "override by a non-admin", state: csr.Approved, rule: "override-admin-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), mon2159, svc, nil, csr.DeployOptions{Override: "hotfix"})
			}},
		{name: "override reason with control characters", state: csr.Approved, rule: "text-control",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(admin, mon2159, svc, nil, csr.DeployOptions{Override: "hot\nfix"})
			}},

		// Schedule / Unschedule
		{name: "schedule by a non-owner", state: csr.Approved, rule: "owner-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Schedule(who(lee), mon2200, at, svc, nil) }},
		{name: "schedule in the past", state: csr.Approved, rule: "schedule-in-past", why: []string{"Fri 2026-12-04 22:30 KST"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Schedule(who(alice), at.Add(-30*time.Minute), at, svc, nil)
			}},
		{name: "schedule for now", state: csr.Approved, rule: "schedule-in-past",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Schedule(who(alice), at, at, svc, nil) }},
		{name: "schedule outside the window", state: csr.Approved, rule: "deploy-window",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Schedule(who(alice), mon2159, at, svc, nil) }},
		{name: "schedule into a freeze", state: csr.Approved, rule: "freeze",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Schedule(who(alice), at.Add(time.Hour), at, svc, []csr.Freeze{xmas})
			}},
		{name: "unschedule by a non-owner", state: csr.Scheduled, rule: "owner-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Unschedule(who(lee), at, "", nil) }},

		// Cancel
		{name: "cancel by a non-owner", state: csr.InApproval, rule: "owner-only",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Cancel(who(lee), "", at) }},
		{name: "cancel with control characters", state: csr.Draft, rule: "text-control",
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Cancel(who(alice), "bye\x00", at) }},

		// Rollback
		{name: "rollback by someone the policy does not name", state: csr.Deployed, rule: "rollback-policy",
			why: []string{"the requester", "the approvers of the last step"}, next: []string{"@alice", "@biz", "admin"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Rollback(who(lee), prev, "error rate up", at, svc)
			}},
		{name: "rollback without a reason", state: csr.Deployed, rule: "reason-required", next: []string{`rollback CSR-7 "`},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Rollback(who(alice), prev, "  ", at, svc) }},
		{name: "rollback without a previous deploy", state: csr.Deployed, rule: "no-previous-deploy", why: []string{"billing"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Rollback(who(alice), "", "error rate up", at, svc)
			}},
		{name: "rollback while a rollback runs", state: csr.Deployed, prep: rollingBack, rule: "run-active", why: []string{"CSR-7/rollback/1"},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Rollback(who(alice), prev, "error rate up", at, svc)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := reach(t, tc.state)
			if tc.prep != nil {
				in = tc.prep(t, in)
			}
			before := snapshot(in)
			out, evs, err := tc.do(in)
			r := requireRefusal(t, tc.rule, before, in, out, evs, err)
			for _, s := range tc.why {
				require.Contains(t, r.Why.String(), s)
			}
			for _, s := range tc.next {
				require.Contains(t, r.Next.String(), s)
			}
		})
	}
}
