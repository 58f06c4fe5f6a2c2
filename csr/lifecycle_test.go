package csr_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/msg"
)

// TestTransitions walks every allowed edge of the lifecycle.
func TestTransitions(t *testing.T) {
	svc := billing()
	optional := billing()
	optional.EvidenceRequired = false
	at := time.Date(2026, 12, 4, 23, 30, 0, 0, seoul) // Friday, inside the window
	mon2230 := time.Date(2026, 12, 7, 22, 30, 0, 0, seoul)
	sat0159 := time.Date(2026, 12, 5, 1, 59, 0, 0, seoul)
	sun1200 := time.Date(2026, 12, 6, 12, 0, 0, 0, seoul)
	xmas := csr.Freeze{Service: "billing", From: fri2100, Until: mon2200, Reason: "year-end close"}

	apply := func(f do) func(t *testing.T, c csr.CSR) csr.CSR {
		return func(t *testing.T, c csr.CSR) csr.CSR { return must(t, c, f) }
	}
	approvedBy := func(ps ...csr.Person) func(t *testing.T, c csr.CSR) csr.CSR {
		return func(t *testing.T, c csr.CSR) csr.CSR {
			for _, p := range ps {
				c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(p), fri2300, svc) })
			}
			return c
		}
	}
	rollingBack := apply(func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.Rollback(who(alice), prev, "error rate up", fri2300, svc)
	})
	cancelled := apply(func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Cancel(who(bob), "not needed", fri2300) })
	newCommit := csr.Ref{Repo: "acme/billing", Ref: "main", SHA: sha2}

	cases := []struct {
		name   string
		from   csr.State
		prep   func(t *testing.T, c csr.CSR) csr.CSR
		do     do
		by     csr.Person
		action string
		to     csr.State
		events []csr.EventKind
		when   time.Time // when the transition happens, if not at
		check  func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry)
	}{
		// Test
		{name: "test a draft", from: csr.Draft, by: alice, action: "test", to: csr.TestDeploying, events: []csr.EventKind{csr.EvRunRequested},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(who(alice), at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				want := csr.Run{ID: "CSR-7/test/1", Purpose: csr.PurposeTest, Env: "test", SHA: sha1, Deployer: "fake-test",
					TriggeredBy: alice, Status: csr.RunQueued, StartedAt: at}
				require.Equal(t, want, evs[0].Run)
				require.Equal(t, []csr.Run{want}, out.Runs)
				require.Equal(t, "CSR-7/test/1", e.Note)
				active, ok := out.ActiveRun()
				require.True(t, ok)
				require.Equal(t, want, active)
			}},
		{name: "retest a tested CSR, by the assignee", from: csr.Tested, by: bob, action: "test", to: csr.TestDeploying, events: []csr.EventKind{csr.EvRunRequested},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(who(bob), at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "CSR-7/test/2", evs[0].Run.ID)
			}},
		{name: "retest after a failure, by an admin", from: csr.TestFailed, by: root, action: "test", to: csr.TestDeploying, events: []csr.EventKind{csr.EvRunRequested},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(admin, at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "CSR-7/test/2", evs[0].Run.ID)
				require.Equal(t, root, evs[0].Run.TriggeredBy)
			}},

		// UpdateRun
		{name: "test run succeeds", from: csr.TestDeploying, by: csr.System, action: "test-result", to: csr.Tested, events: []csr.EventKind{csr.EvRunFinished},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunSucceeded, "https://ci.example.com/run/1", "", at)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				r, ok := out.LastRun(csr.PurposeTest)
				require.True(t, ok)
				require.Equal(t, csr.RunSucceeded, r.Status)
				require.Equal(t, "https://ci.example.com/run/1", r.URL)
				require.Equal(t, at, r.EndedAt)
				require.Equal(t, r, evs[0].Run)
				require.Equal(t, []csr.Person{alice, bob}, evs[0].Notify)
				require.Equal(t, "CSR-7/test/1 succeeded", e.Note)
				_, active := out.ActiveRun()
				require.False(t, active)
			}},
		{name: "test run fails", from: csr.TestDeploying, by: csr.System, action: "test-result", to: csr.TestFailed, events: []csr.EventKind{csr.EvRunFinished},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunFailed, "", "exit status 1", at)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "exit status 1", out.Runs[0].Detail)
			}},
		{name: "test run is cancelled", from: csr.TestDeploying, by: csr.System, action: "test-result", to: csr.TestFailed, events: []csr.EventKind{csr.EvRunFinished},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunCancelled, "", "", at)
			}},
		{name: "deploy run succeeds", from: csr.Deploying, by: csr.System, action: "deploy-result", to: csr.Deployed, events: []csr.EventKind{csr.EvRunFinished},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(deployRun, csr.RunSucceeded, "", "", at)
			}},
		{name: "deploy run fails", from: csr.Deploying, by: csr.System, action: "deploy-result", to: csr.DeployFailed, events: []csr.EventKind{csr.EvRunFinished},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(deployRun, csr.RunFailed, "", "", at)
			}},
		{name: "rollback run succeeds", from: csr.Deployed, prep: rollingBack, by: csr.System, action: "rollback-result", to: csr.RolledBack, events: []csr.EventKind{csr.EvRunFinished},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun("CSR-7/rollback/1", csr.RunSucceeded, "", "", at)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.True(t, out.State.Terminal())
				require.Equal(t, prev, evs[0].Run.SHA)
			}},
		{name: "rollback run fails: still deployed", from: csr.Deployed, prep: rollingBack, by: csr.System, action: "run-result", to: csr.Deployed, events: []csr.EventKind{csr.EvRunFinished},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun("CSR-7/rollback/1", csr.RunFailed, "", "", at)
			}},
		{name: "test result after cancel keeps the state", from: csr.TestDeploying, prep: cancelled, by: csr.System, action: "run-result", to: csr.Cancelled, events: []csr.EventKind{csr.EvRunFinished},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunSucceeded, "", "", at)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, csr.RunSucceeded, out.Runs[0].Status, "the run's result stays on record")
				require.Equal(t, "CSR-7/test/1 succeeded", e.Note)
			}},

		// AddEvidence: anyone may add it, in every state before approval ends
		{name: "evidence on a draft", from: csr.Draft, by: mallory, action: "evidence", to: csr.Draft, events: []csr.EventKind{csr.EvEvidence},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(mallory), "https://ci.example.com/run/42?tab=tests#summary", "regression suite green", at)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, []csr.Evidence{{URL: "https://ci.example.com/run/42?tab=tests#summary", Note: "regression suite green", By: mallory, At: at}}, out.Evidence)
				require.Equal(t, "https://ci.example.com/run/42?tab=tests#summary", e.Note)
			}},
		{name: "evidence over http while testing", from: csr.TestDeploying, by: lee, action: "evidence", to: csr.TestDeploying, events: []csr.EventKind{csr.EvEvidence},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(lee), "http://jenkins.internal:8080/job/7/", "", at)
			}},
		{name: "evidence after a failed test", from: csr.TestFailed, by: alice, action: "evidence", to: csr.TestFailed, events: []csr.EventKind{csr.EvEvidence},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "https://ci.example.com/run/43", "", at)
			}},
		{name: "evidence during approval", from: csr.InApproval, by: sam, action: "evidence", to: csr.InApproval, events: []csr.EventKind{csr.EvEvidence},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(sam), "https://ci.example.com/run/44", "load test", at)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Len(t, out.Evidence, 2)
			}},
		{name: "evidence on a rejected CSR", from: csr.Rejected, by: alice, action: "evidence", to: csr.Rejected, events: []csr.EventKind{csr.EvEvidence},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "https://ci.example.com/run/45", "", at)
			}},

		// Submit
		{name: "submit with evidence", from: csr.Tested, by: bob, action: "submit", to: csr.InApproval, events: []csr.EventKind{csr.EvStepOpened},
			prep: apply(func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(who(alice), "https://ci.example.com/run/42", "", fri2300)
			}),
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(who(bob), at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "lead", evs[0].Step)
				require.Equal(t, []csr.Person{lee, lena}, evs[0].Notify, "the assignee never approves, so is not asked")
			}},
		{name: "submit without evidence when optional", from: csr.Tested, by: alice, action: "submit", to: csr.InApproval, events: []csr.EventKind{csr.EvStepOpened},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(who(alice), at, optional) }},

		// Approve: lead (1 of lee, lena) -> sm (2 of sam, carol, dave) -> business (biz)
		{name: "lead approves: step 1 completes, sm opens", from: csr.InApproval, by: lee, action: "approve", to: csr.InApproval,
			events: []csr.EventKind{csr.EvStepCompleted, csr.EvStepOpened},
			do:     func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(lee), at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "lead", evs[0].Step)
				require.Equal(t, "sm", evs[1].Step)
				require.Equal(t, []csr.Person{sam, carol, dave}, evs[1].Notify)
				require.Equal(t, "lead", e.Note)
				require.Equal(t, []csr.Approval{{Step: "lead", By: lee, At: at, Decision: csr.Approve, SHA: sha1}}, out.Approvals)
				open, ok := out.OpenStep(svc)
				require.True(t, ok)
				require.Equal(t, 1, open.Index)
			}},
		{name: "first of two sm approvals: step stays open", from: csr.InApproval, prep: approvedBy(lee), by: sam, action: "approve", to: csr.InApproval,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(sam), at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				open, ok := out.OpenStep(svc)
				require.True(t, ok)
				require.Equal(t, "sm", open.Step.Name)
				require.Equal(t, 1, open.Missing())
				require.Equal(t, []csr.Person{carol, dave}, open.Pending(out))
			}},
		{name: "second sm approval: business opens", from: csr.InApproval, prep: approvedBy(lee, sam), by: dave, action: "approve", to: csr.InApproval,
			events: []csr.EventKind{csr.EvStepCompleted, csr.EvStepOpened},
			do:     func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(dave), at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "sm", evs[0].Step)
				require.Equal(t, "business", evs[1].Step)
				require.Equal(t, []csr.Person{biz}, evs[1].Notify)
			}},
		{name: "business approves: approved", from: csr.InApproval, prep: approvedBy(lee, sam, carol), by: biz, action: "approve", to: csr.Approved,
			events: []csr.EventKind{csr.EvStepCompleted, csr.EvApproved},
			do:     func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(biz), at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, []csr.Person{alice, bob}, evs[1].Notify)
				_, open := out.OpenStep(svc)
				require.False(t, open)
				for _, s := range out.Steps(svc) {
					require.True(t, s.Complete, s.Step.Name)
				}
			}},
		{name: "an approver listed in two steps approves the open one", from: csr.InApproval, by: sam, action: "approve", to: csr.InApproval,
			events: []csr.EventKind{csr.EvStepCompleted, csr.EvStepOpened},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				s := billing()
				s.Line[0].Approvers = append(s.Line[0].Approvers, sam)
				return c.Approve(who(sam), at, s)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "lead", out.Approvals[0].Step)
				require.Equal(t, []csr.Person{carol, dave}, evs[1].Notify, "sam decided already, so sm waits on the others")
			}},

		// Reject: at any step
		{name: "reject at lead", from: csr.InApproval, by: lena, action: "reject", to: csr.Rejected, events: []csr.EventKind{csr.EvRejected},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(lena), "no rollback plan", at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "no rollback plan", e.Note)
				require.Equal(t, csr.Event{Kind: csr.EvRejected, Step: "lead", Notify: []csr.Person{alice, bob}, Note: "no rollback plan"}, evs[0])
				require.Equal(t, csr.Approval{Step: "lead", By: lena, At: at, Decision: csr.Reject, Reason: "no rollback plan", SHA: sha1}, out.Approvals[0])
			}},
		{name: "reject at sm with a multiline reason", from: csr.InApproval, prep: approvedBy(lee, sam), by: carol, action: "reject", to: csr.Rejected, events: []csr.EventKind{csr.EvRejected},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Reject(who(carol), "1. no rollback plan\n2. no load test", at, svc)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "sm", evs[0].Step)
			}},
		{name: "reject at business", from: csr.InApproval, prep: approvedBy(lee, sam, carol), by: biz, action: "reject", to: csr.Rejected, events: []csr.EventKind{csr.EvRejected},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(biz), "not this quarter", at, svc) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "business", evs[0].Step)
			}},

		// Revise
		{name: "revise a rejected CSR", from: csr.Rejected, by: bob, action: "revise", to: csr.Draft,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Revise(who(bob), at) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.NotEmpty(t, out.Approvals)
				for _, a := range out.Approvals {
					require.True(t, a.Voided, "approval by %s must be void", a.By)
				}
				for _, a := range in.Approvals {
					require.False(t, a.Voided, "the input's approvals must stay as they were")
				}
				for _, s := range out.Steps(svc) {
					require.Empty(t, s.Approved)
				}
			}},

		// ChangeRef
		{name: "new commit during approval voids the approvals", from: csr.InApproval, prep: approvedBy(lee, sam), by: alice, action: "update", to: csr.Draft,
			events: []csr.EventKind{csr.EvApprovalsVoided},
			do:     func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.ChangeRef(who(alice), newCommit, at) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, []csr.Person{lee, sam}, evs[0].Notify)
				require.Equal(t, "main@2222222", evs[0].Note)
				require.Equal(t, "main@2222222", e.Note)
				require.Equal(t, sha2, out.SHA())
				require.Equal(t, sha1, in.SHA())
				for _, a := range out.Approvals {
					require.True(t, a.Voided)
					require.Equal(t, sha1, a.SHA, "a voided approval keeps the commit it was given for")
				}
			}},
		{name: "new commit after approval", from: csr.Approved, by: bob, action: "update", to: csr.Draft,
			events: []csr.EventKind{csr.EvApprovalsVoided},
			do:     func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.ChangeRef(who(bob), newCommit, at) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, []csr.Person{lee, sam, carol, biz}, evs[0].Notify)
			}},
		{name: "new commit on a scheduled CSR drops the schedule", from: csr.Scheduled, by: alice, action: "update", to: csr.Draft,
			events: []csr.EventKind{csr.EvApprovalsVoided},
			do:     func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.ChangeRef(who(alice), newCommit, at) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.False(t, in.ScheduledAt.IsZero())
				require.True(t, out.ScheduledAt.IsZero())
			}},
		{name: "new commit on a rejected CSR voids the rejection too", from: csr.Rejected, by: alice, action: "update", to: csr.Draft,
			events: []csr.EventKind{csr.EvApprovalsVoided},
			do:     func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.ChangeRef(who(alice), newCommit, at) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, []csr.Person{lee}, evs[0].Notify)
			}},
		{name: "new branch on a draft: nobody to tell", from: csr.Draft, by: alice, action: "update", to: csr.Draft,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.ChangeRef(who(alice), csr.Ref{Repo: "acme/billing", Ref: "release/1.2", SHA: sha2}, at)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "release/1.2", out.Refs[0].Ref)
				require.Equal(t, "main", in.Refs[0].Ref)
			}},
		{name: "unresolved ref renamed", from: csr.Draft, by: alice, action: "update", to: csr.Draft,
			prep: func(t *testing.T, c csr.CSR) csr.CSR { c.Refs = []csr.Ref{{Ref: "feature/x"}}; return c },
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.ChangeRef(who(alice), csr.Ref{Ref: "feature/y"}, at)
			}},
		{name: "commit after a failed test, by an admin", from: csr.TestFailed, by: root, action: "update", to: csr.Draft,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.ChangeRef(admin, newCommit, at) }},

		// Deploy
		{name: "deploy in the window", from: csr.Approved, by: alice, action: "deploy", to: csr.Deploying, events: []csr.EventKind{csr.EvRunRequested},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), at, svc, nil, csr.DeployOptions{})
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				want := csr.Run{ID: deployRun, Purpose: csr.PurposeDeploy, Env: "prod", SHA: sha1, Deployer: "fake-prod",
					TriggeredBy: alice, Status: csr.RunQueued, StartedAt: at}
				require.Equal(t, want, evs[0].Run)
				require.Equal(t, deployRun, e.Note)
			}},
		{name: "deploy at the window's last minute, Saturday 01:59", from: csr.Approved, by: bob, action: "deploy", to: csr.Deploying, events: []csr.EventKind{csr.EvRunRequested},
			when: sat0159,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(bob), sat0159, svc, nil, csr.DeployOptions{})
			}},
		{name: "deploy a scheduled CSR early", from: csr.Scheduled, by: alice, action: "deploy", to: csr.Deploying, events: []csr.EventKind{csr.EvRunRequested},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), at, svc, nil, csr.DeployOptions{})
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.True(t, out.ScheduledAt.IsZero())
			}},
		{name: "the scheduler deploys a scheduled CSR", from: csr.Scheduled, by: csr.System, action: "deploy", to: csr.Deploying, events: []csr.EventKind{csr.EvRunRequested},
			when: fri2300,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(csr.System), c.ScheduledAt, svc, nil, csr.DeployOptions{})
			}},
		{name: "deploy again after a failure", from: csr.DeployFailed, by: alice, action: "deploy", to: csr.Deploying, events: []csr.EventKind{csr.EvRunRequested},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(who(alice), at, svc, nil, csr.DeployOptions{})
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "CSR-7/deploy/2", evs[0].Run.ID)
			}},
		{name: "admin overrides the window", from: csr.Approved, by: root, action: "deploy", to: csr.Deploying, events: []csr.EventKind{csr.EvRunRequested},
			when: fri2100,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(admin, fri2100, svc, nil, csr.DeployOptions{Override: "payment outage, INC-1234"})
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "override (deploy-window): payment outage, INC-1234", e.Note)
			}},
		{name: "admin overrides a freeze", from: csr.Approved, by: root, action: "deploy", to: csr.Deploying, events: []csr.EventKind{csr.EvRunRequested},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(admin, at, svc, []csr.Freeze{xmas}, csr.DeployOptions{Override: "legal deadline"})
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, "override (freeze): legal deadline", e.Note)
			}},
		{name: "admin override inside the window is not needed", from: csr.Approved, by: root, action: "deploy", to: csr.Deploying, events: []csr.EventKind{csr.EvRunRequested},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Deploy(admin, at, svc, nil, csr.DeployOptions{Override: "just in case"})
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, deployRun, e.Note)
			}},
		{name: "deploy any time when the service has no window", from: csr.Approved, by: alice, action: "deploy", to: csr.Deploying, events: []csr.EventKind{csr.EvRunRequested},
			when: sun1200,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				s := billing()
				s.Window = nil
				return c.Deploy(who(alice), sun1200, s, nil, csr.DeployOptions{})
			}},

		// Schedule / Unschedule
		{name: "schedule into next week's window", from: csr.Approved, by: alice, action: "schedule", to: csr.Scheduled,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Schedule(who(alice), mon2230, at, svc, nil) },
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.Equal(t, mon2230, out.ScheduledAt)
				require.Equal(t, "2026-12-07 22:30 KST", e.Note)
			}},
		{name: "schedule after a freeze ends", from: csr.Approved, by: bob, action: "schedule", to: csr.Scheduled,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Schedule(who(bob), mon2200, at, svc, []csr.Freeze{xmas})
			}},
		{name: "unschedule by the requester", from: csr.Scheduled, by: alice, action: "unschedule", to: csr.Approved,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Unschedule(who(alice), at, "waiting for partner", nil)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				require.True(t, out.ScheduledAt.IsZero())
				require.Equal(t, "waiting for partner", e.Note)
			}},
		{name: "unschedule by the scheduler", from: csr.Scheduled, by: csr.System, action: "unschedule", to: csr.Approved,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Unschedule(who(csr.System), at, "freeze started", nil)
			}},

		// Rollback
		{name: "rollback a deployed CSR", from: csr.Deployed, by: bob, action: "rollback", to: csr.Deployed, events: []csr.EventKind{csr.EvRunRequested},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Rollback(who(bob), prev, "error rate up", at, svc)
			},
			check: func(t *testing.T, in, out csr.CSR, evs []csr.Event, e csr.Entry) {
				want := csr.Run{ID: "CSR-7/rollback/1", Purpose: csr.PurposeRollback, Env: "prod", SHA: prev, Deployer: "fake-prod",
					TriggeredBy: bob, Status: csr.RunQueued, StartedAt: at}
				require.Equal(t, want, evs[0].Run)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := reach(t, tc.from)
			if tc.prep != nil {
				in = tc.prep(t, in)
			}
			before := snapshot(in)
			out, evs, err := tc.do(in)
			require.NoError(t, err)
			when := tc.when
			if when.IsZero() {
				when = at
			}
			e := requireMoved(t, before, in, out, err, tc.by, tc.action, tc.to, when)
			require.Equal(t, tc.events, kinds(evs))
			if tc.check != nil {
				tc.check(t, in, out, evs, e)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	for _, s := range []csr.State{csr.Draft, csr.TestDeploying, csr.Tested, csr.TestFailed, csr.InApproval, csr.Approved, csr.Rejected, csr.Scheduled} {
		for _, a := range []csr.Actor{who(alice), who(bob), admin} {
			t.Run(string(s)+" by "+string(a.Person), func(t *testing.T) {
				in := reach(t, s)
				before := snapshot(in)
				out, evs, err := in.Cancel(a, "superseded by CSR-8", fri2300)
				e := requireMoved(t, before, in, out, err, a.Person, "cancel", csr.Cancelled, fri2300)
				require.Equal(t, "superseded by CSR-8", e.Note)
				require.True(t, out.State.Terminal())
				require.True(t, out.ScheduledAt.IsZero())
				if s == csr.TestDeploying {
					require.Equal(t, []csr.EventKind{csr.EvRunCancel}, kinds(evs))
					require.Equal(t, testRun, evs[0].Run.ID)
				} else {
					require.Empty(t, evs)
				}
			})
		}
	}
}

func TestNoChange(t *testing.T) {
	cases := []struct {
		name  string
		state csr.State
		prep  do
		do    do
	}{
		{name: "test result reported twice", state: csr.TestDeploying,
			prep: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunSucceeded, "", "", fri2300)
			},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunSucceeded, "", "", fri2300)
			}},
		{name: "a different result after the first", state: csr.TestDeploying,
			prep: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunFailed, "", "", fri2300)
			},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunSucceeded, "", "", fri2300)
			}},
		{name: "deploy result reported twice", state: csr.Deployed,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(deployRun, csr.RunSucceeded, "", "", fri2300)
			}},
		{name: "progress reported twice", state: csr.TestDeploying,
			prep: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunRunning, "https://ci.example.com/run/1", "", fri2300)
			},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunRunning, "https://ci.example.com/run/1", "", fri2300)
			}},
		{name: "progress without the link the webhook already gave", state: csr.TestDeploying,
			prep: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunRunning, "https://ci.example.com/run/1", "", fri2300)
			},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunRunning, "", "", fri2300)
			}},
		{name: "same commit again", state: csr.InApproval,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.ChangeRef(who(alice), csr.Ref{Repo: "acme/billing", Ref: "main", SHA: sha1}, fri2300)
			}},
		{name: "same unresolved ref again", state: csr.Draft,
			prep: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.ChangeRef(who(alice), csr.Ref{Repo: "acme/billing", Ref: "feature/x"}, fri2300)
			},
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.ChangeRef(who(alice), csr.Ref{Repo: "acme/billing", Ref: "feature/x"}, fri2300)
			}},
		{name: "same commit under a tag keeps the approvals", state: csr.Approved,
			do: func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.ChangeRef(who(alice), csr.Ref{Repo: "acme/billing", Ref: "v1.2.0", SHA: sha1}, fri2300)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := reach(t, tc.state)
			if tc.prep != nil {
				in = must(t, in, tc.prep)
			}
			before := snapshot(in)
			out, evs, err := tc.do(in)
			require.ErrorIs(t, err, csr.ErrNoChange)
			var r *csr.Refusal
			require.False(t, errors.As(err, &r), "no change is not a refusal")
			require.Empty(t, evs)
			require.Equal(t, before.c, out)
			requireUntouched(t, before, in)
		})
	}
}

func TestRunProgress(t *testing.T) {
	in := reach(t, csr.TestDeploying)
	before := snapshot(in)
	out, evs, err := in.UpdateRun(testRun, csr.RunRunning, "https://ci.example.com/run/1", "step 2/5", fri2300)
	require.NoError(t, err)
	requireUntouched(t, before, in)
	require.Equal(t, in.History, out.History, "progress is not history")
	require.Equal(t, csr.TestDeploying, out.State)
	require.Equal(t, fri2300, out.UpdatedAt)
	require.Equal(t, in.Version, out.Version)
	require.Equal(t, []csr.EventKind{csr.EvRunUpdated}, kinds(evs))
	r := out.Runs[0]
	require.Equal(t, csr.RunRunning, r.Status)
	require.Equal(t, "https://ci.example.com/run/1", r.URL)
	require.Equal(t, "step 2/5", r.Detail)
	require.True(t, r.EndedAt.IsZero())
	require.Equal(t, r, evs[0].Run)

	// The poller knows no link; the one the webhook gave stays, the new detail is kept.
	out2, _, err := out.UpdateRun(testRun, csr.RunRunning, "", "step 3/5", fri2300.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, "https://ci.example.com/run/1", out2.Runs[0].URL)
	require.Equal(t, "step 3/5", out2.Runs[0].Detail)

	// The result arrives without a link: the link stays too.
	out3, _, err := out2.UpdateRun(testRun, csr.RunSucceeded, "", "", fri2300.Add(2*time.Minute))
	require.NoError(t, err)
	require.Equal(t, "https://ci.example.com/run/1", out3.Runs[0].URL)
	require.Equal(t, csr.Tested, out3.State)
}

// TestFullLifecycle tells the whole story once, and checks the history reads
// as it happened.
func TestFullLifecycle(t *testing.T) {
	c := reach(t, csr.RolledBack)
	var path []string
	for _, e := range c.History {
		path = append(path, e.Action+":"+string(e.From)+">"+string(e.To))
	}
	require.Equal(t, []string{
		"new:>draft",
		"test:draft>test_deploying",
		"test-result:test_deploying>tested",
		"evidence:tested>tested",
		"submit:tested>in_approval",
		"approve:in_approval>in_approval",
		"approve:in_approval>in_approval",
		"approve:in_approval>in_approval",
		"approve:in_approval>approved",
		"deploy:approved>deploying",
		"deploy-result:deploying>deployed",
		"rollback:deployed>deployed",
		"rollback-result:deployed>rolled_back",
	}, path)
	for i := 1; i < len(c.History); i++ {
		require.False(t, c.History[i].At.Before(c.History[i-1].At), "history out of order at %d", i)
	}
}

// TestRejectReviseResubmit checks that a second round of approvals starts
// from nothing and that a new rejection is the one NextStep reports.
func TestRejectReviseResubmit(t *testing.T) {
	svc := billing()
	c := reach(t, csr.Rejected)
	at := fri2300
	c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Revise(who(alice), at) })
	c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(who(alice), at, svc) })
	c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.UpdateRun("CSR-7/test/2", csr.RunSucceeded, "", "", at)
	})
	c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(who(alice), at, svc) })
	open, ok := c.OpenStep(svc)
	require.True(t, ok)
	require.Equal(t, "lead", open.Step.Name)
	require.Equal(t, []csr.Person{lee, lena}, open.Pending(c), "lee's voided rejection does not count as a decision")

	c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(lee), at, svc) })
	c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.Reject(who(carol), "still no load test", at, svc)
	})
	require.Contains(t, c.NextStep(svc, at, nil).String(), "@carol: still no load test")
}

func TestSoloCSR(t *testing.T) {
	// Nobody else assigned: the requester alone owns it and hears about it.
	svc := billing()
	in := request()
	in.Assignee = ""
	draft, _, err := csr.New("CSR-7", in, svc, thu1000)
	require.NoError(t, err)
	require.Contains(t, draft.NextStep(svc, fri2300, nil).String(), "Next: @alice runs")

	before := snapshot(draft)
	out, evs, err := draft.Test(who(bob), fri2300, svc)
	requireRefusal(t, "owner-only", before, draft, out, evs, err)

	c := must(t, draft, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(who(alice), fri2300, svc) })
	_, evs, err = c.UpdateRun(testRun, csr.RunSucceeded, "", "", fri2300)
	require.NoError(t, err)
	require.Equal(t, []csr.Person{alice}, evs[0].Notify)
}

func TestChangeRefWithoutRefs(t *testing.T) {
	in := reach(t, csr.Draft)
	in.Refs = nil
	require.Contains(t, in.NextStep(billing(), fri2300, nil).String(), "deploy ? to test")
	before := snapshot(in)
	out, _, err := in.ChangeRef(who(alice), csr.Ref{Repo: "acme/billing", Ref: "v1.2.0", SHA: sha2}, fri2300)
	requireMoved(t, before, in, out, err, alice, "update", csr.Draft, fri2300)
	require.Equal(t, []csr.Ref{{Repo: "acme/billing", Ref: "v1.2.0", SHA: sha2}}, out.Refs)
}

func TestServiceWithoutWindowUsesUTC(t *testing.T) {
	svc := billing()
	svc.Window = nil
	c := reach(t, csr.Approved)
	c, _, err := c.Schedule(who(alice), kst(6, 12, 0), fri2300, svc, nil)
	require.NoError(t, err)
	require.Equal(t, "2026-12-06 03:00 UTC", c.History[len(c.History)-1].Note)
	require.Contains(t, c.NextStep(svc, fri2300, nil).String(), "Sun 2026-12-06 03:00 UTC")
}

// A CSR in approval whose service line was reconfigured so that no step is
// open any more: nobody can approve, and the texts point at `next`.
func TestApprovalLineChangedUnderACSR(t *testing.T) {
	svc := billing()
	c := reach(t, csr.InApproval)
	c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(lee), fri2300, svc) })
	svc.Line = svc.Line[:1] // only the completed lead step is left
	_, ok := c.OpenStep(svc)
	require.False(t, ok)
	require.Equal(t, msg.NextSeeNext, c.NextStep(svc, fri2300, nil).ID)
	before := snapshot(c)
	out, evs, err := c.Approve(who(sam), fri2300, svc)
	r := requireRefusal(t, "not-an-approver", before, c, out, evs, err)
	require.Equal(t, msg.NextSeeNext, r.Next.ID)
}
