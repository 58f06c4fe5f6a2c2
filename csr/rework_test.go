package csr_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

func ptr[T any](v T) *T { return &v }

func TestEdit(t *testing.T) {
	at := fri2300
	svc := billing()
	approvedBy := func(ps ...csr.Person) func(t *testing.T, c csr.CSR) csr.CSR {
		return func(t *testing.T, c csr.CSR) csr.CSR {
			for _, p := range ps {
				c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(p), fri2300, svc) })
			}
			return c
		}
	}
	cases := []struct {
		name    string
		state   csr.State
		prep    func(t *testing.T, c csr.CSR) csr.CSR
		by      csr.Actor
		edits   csr.Edits
		rule    csr.Rule // a refusal's rule, or "" for success
		noop    bool
		voided  []csr.Person
		reopens bool
	}{
		{name: "risk on a rejected CSR", state: csr.Rejected, by: who(alice), edits: csr.Edits{Risk: ptr("rollback: redeploy v1.4")}},
		{name: "title, effort and assignee on a draft", state: csr.Draft, by: who(bob),
			edits: csr.Edits{Title: ptr("Fix rounding in invoices"), Effort: ptr(6 * time.Hour), Assignee: ptr(csr.Person("carol"))}},
		{name: "during approval the approvals are voided and step 1 asks again", state: csr.InApproval,
			prep: approvedBy(lee),
			by:   who(alice), edits: csr.Edits{Description: ptr("now with a rollback plan")}, voided: []csr.Person{lee}, reopens: true},
		{name: "during approval with nothing approved yet", state: csr.InApproval, by: who(alice), edits: csr.Edits{Risk: ptr("low")}},
		{name: "the same words again change nothing", state: csr.Draft, by: who(alice), edits: csr.Edits{Title: ptr("Fix rounding")}, noop: true},
		{name: "by someone else", state: csr.Rejected, by: who(lee), edits: csr.Edits{Risk: ptr("x")}, rule: "owner-only"},
		{name: "by an admin", state: csr.Rejected, by: admin, edits: csr.Edits{Risk: ptr("x")}},
		{name: "after approval", state: csr.Approved, by: who(alice), edits: csr.Edits{Risk: ptr("x")}, rule: "wrong-state"},
		{name: "an empty title", state: csr.Draft, by: who(alice), edits: csr.Edits{Title: ptr("  ")}, rule: "text-required"},
		{name: "an impossible effort", state: csr.Draft, by: who(alice), edits: csr.Edits{Effort: ptr(-time.Hour)}, rule: "bad-effort"},
		{name: "an assignee who leaves a step without approvers", state: csr.InApproval, by: who(alice),
			edits: csr.Edits{Assignee: ptr(biz)}, rule: "line-unsatisfiable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := reach(t, tc.state)
			if tc.prep != nil {
				in = tc.prep(t, in)
			}
			before := snapshot(in)
			out, evs, err := in.Edit(tc.by, tc.edits, at, svc)
			switch {
			case tc.rule != "":
				requireRefusal(t, tc.rule, before, in, out, evs, err)
				return
			case tc.noop:
				require.ErrorIs(t, err, csr.ErrNoChange)
				requireUntouched(t, before, in)
				return
			}
			require.NoError(t, err)
			requireUntouched(t, before, in)
			e := out.History[len(out.History)-1]
			require.Equal(t, "edit", e.Action)
			require.Equal(t, tc.by.Person, e.By)
			require.Equal(t, in.State, out.State, "an edit never moves the CSR")
			require.Equal(t, csr.EvEdited, evs[0].Kind)
			require.Equal(t, tc.voided, evs[0].Notify)
			if tc.reopens {
				require.Len(t, evs, 2)
				require.Equal(t, csr.EvStepOpened, evs[1].Kind)
				st, ok := out.OpenStep(svc)
				require.True(t, ok)
				require.Equal(t, 0, st.Index)
			}
			if tc.edits.Risk != nil {
				require.Equal(t, *tc.edits.Risk, out.Risk)
			}
			if tc.edits.Assignee != nil {
				require.Equal(t, *tc.edits.Assignee, out.Assignee)
			}
		})
	}
}

func TestComment(t *testing.T) {
	at := fri2300
	rejected := reach(t, csr.Rejected)
	rej, ok := rejected.LastRejection()
	require.True(t, ok)
	revised := must(t, rejected, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Revise(who(alice), at) })
	cases := []struct {
		name   string
		in     csr.CSR
		by     csr.Person
		text   string
		notify []csr.Person
		rule   csr.Rule
	}{
		{name: "the requester answers the rejecter", in: rejected, by: alice, text: "rollback plan added", notify: []csr.Person{rej.By, bob}},
		{name: "after revise the rejecter still hears", in: revised, by: bob, text: "see the new risk", notify: []csr.Person{rej.By, alice}},
		{name: "the rejecter answers back", in: rejected, by: rej.By, text: "thanks, looks good", notify: []csr.Person{alice, bob}},
		{name: "on a draft nobody rejected", in: reach(t, csr.Draft), by: carol, text: "which tickets?", notify: []csr.Person{alice, bob}},
		{name: "empty", in: rejected, by: alice, text: " ", rule: "text-required"},
		{name: "control characters", in: rejected, by: alice, text: "a\x00b", rule: "text-control"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(tc.in)
			out, evs, err := tc.in.Comment(who(tc.by), tc.text, at)
			if tc.rule != "" {
				requireRefusal(t, tc.rule, before, tc.in, out, evs, err)
				return
			}
			require.NoError(t, err)
			requireUntouched(t, before, tc.in)
			require.Equal(t, tc.in.State, out.State)
			require.Equal(t, csr.Comment{By: tc.by, At: at, Text: tc.text}, out.Comments[len(out.Comments)-1])
			require.Equal(t, "comment", out.History[len(out.History)-1].Action)
			require.Equal(t, []csr.Event{{Kind: csr.EvCommented, Notify: tc.notify, Note: tc.text}}, evs)
		})
	}
}

// TestRollbackPolicy: who may roll back, by the default policy and by a
// service's own, and that a reason is required of everyone.
func TestRollbackPolicy(t *testing.T) {
	at := fri2300
	deployed := reach(t, csr.Deployed) // requested by alice, assigned to bob
	onlySM := billing()
	onlySM.Rollback = csr.RollbackPolicy{Roles: []csr.RollbackRole{csr.RollbackAdmins}, People: []csr.Person{sam}}
	cases := []struct {
		name   string
		svc    csr.Service
		by     csr.Actor
		reason string
		rule   csr.Rule
		next   []string
	}{
		{name: "default: the requester", svc: billing(), by: who(alice), reason: "errors"},
		{name: "default: the assignee", svc: billing(), by: who(bob), reason: "errors"},
		{name: "default: an approver of the last step", svc: billing(), by: who(biz), reason: "errors"},
		{name: "default: an admin", svc: billing(), by: admin, reason: "errors"},
		{name: "default: an approver of an earlier step may not", svc: billing(), by: who(lee), reason: "errors", rule: "rollback-policy",
			next: []string{"@alice, @bob or @biz", "or an admin"}},
		{name: "default: a stranger may not", svc: billing(), by: who(mallory), reason: "errors", rule: "rollback-policy"},
		{name: "default: the requester without a reason", svc: billing(), by: who(alice), reason: "", rule: "reason-required"},
		{name: "own policy: the named person", svc: onlySM, by: who(sam), reason: "errors"},
		{name: "own policy: the requester may not", svc: onlySM, by: who(alice), reason: "errors", rule: "rollback-policy",
			next: []string{"@sam", "admin"}},
		{name: "own policy: an admin", svc: onlySM, by: admin, reason: "errors"},
		{name: "own policy: a reason is still required", svc: onlySM, by: who(sam), reason: "\t", rule: "reason-required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(deployed)
			out, evs, err := deployed.Rollback(tc.by, prev, tc.reason, at, tc.svc)
			offered := false
			for _, v := range deployed.Actions(tc.by, at, tc.svc, nil) {
				offered = offered || v == csr.VerbRollback
			}
			if tc.rule != "" {
				r := requireRefusal(t, tc.rule, before, deployed, out, evs, err)
				for _, s := range tc.next {
					require.Contains(t, r.Next.String(), s)
				}
				require.Equal(t, tc.rule == "reason-required", offered, "offered exactly to those the policy allows")
				return
			}
			require.NoError(t, err)
			require.True(t, offered)
			require.Equal(t, prev, evs[0].Run.SHA)
			require.Contains(t, out.History[len(out.History)-1].Note, tc.reason)
		})
	}
	require.Equal(t, "the requester, the assignee, the approvers of the last step and admins", csr.DefaultRollbackPolicy().Describe().String())
}
