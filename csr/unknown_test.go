package csr_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/msg"
)

func TestUnknownRunIsSettledByDeployerOrPerson(t *testing.T) {
	svc := unknownSvc()
	base := csr.CSR{ID: "CSR-9", Requester: "alice", Assignee: "dave", State: csr.Deploying,
		Runs: []csr.Run{{ID: "CSR-9/deploy/1", Purpose: csr.PurposeDeploy, Env: "prod", Status: csr.RunRunning}}}
	at := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)

	u, evs, err := base.UpdateRun("CSR-9/deploy/1", csr.RunUnknown, "", "credentials failed", at)
	require.NoError(t, err)
	require.Equal(t, csr.Deploying, u.State, "an unknown outcome changes no state")
	require.Len(t, evs, 1)
	require.Equal(t, csr.EvRunUnknown, evs[0].Kind)
	require.ElementsMatch(t, []csr.Person{"alice", "dave"}, evs[0].Notify)
	run, ok := u.ActiveRun()
	require.True(t, ok, "an unknown run is still active: it may be deploying")
	require.False(t, run.Status.Done())
	require.True(t, run.Status.Settled())
	require.Equal(t, msg.NextRunUnknown, u.NextStep(svc, at, nil).ID)

	_, _, err = u.UpdateRun("CSR-9/deploy/1", csr.RunUnknown, "", "credentials failed", at)
	require.ErrorIs(t, err, csr.ErrNoChange, "the same unknown twice is one announcement")

	// The deployer answers again: the bot settles it by itself.
	done, evs, err := u.UpdateRun("CSR-9/deploy/1", csr.RunSucceeded, "", "", at.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, csr.Deployed, done.State)
	require.Equal(t, csr.EvRunFinished, evs[0].Kind)

	for _, tc := range []struct {
		name    string
		actor   csr.Actor
		status  csr.RunStatus
		checked string
		rule    csr.Rule
	}{
		{"an approver may not settle it", csr.Actor{Person: "bob"}, csr.RunSucceeded, "looked", "owner-only"},
		{"cancelled is no outcome to resolve with", csr.Actor{Person: "alice"}, csr.RunCancelled, "looked", "bad-outcome"},
		{"what was checked is required", csr.Actor{Person: "alice"}, csr.RunFailed, "  ", "reason-required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := u.Resolve(tc.actor, tc.status, tc.checked, at)
			var r *csr.Refusal
			require.ErrorAs(t, err, &r)
			require.Equal(t, tc.rule, r.Rule)
		})
	}
	_, _, err = base.Resolve(csr.Actor{Person: "alice"}, csr.RunSucceeded, "x", at)
	var r *csr.Refusal
	require.ErrorAs(t, err, &r)
	require.Equal(t, csr.RuleNothingToResolve, r.Rule, "a running run is not resolved by hand")

	res, evs, err := u.Resolve(csr.Actor{Person: "dave"}, csr.RunFailed, "pods show the old image", at)
	require.NoError(t, err)
	require.Equal(t, csr.DeployFailed, res.State)
	require.Equal(t, csr.EvRunFinished, evs[0].Kind)
	last := res.History[len(res.History)-1]
	require.Equal(t, csr.Person("dave"), last.By)
	require.Contains(t, last.Note, "pods show the old image")
	require.Contains(t, res.Runs[0].Detail, "@dave")
}

func unknownSvc() csr.Service {
	return csr.Service{Name: "billing-api", Environments: []string{"test", "prod"}, Line: []csr.Step{{Name: "lead", Approvers: []csr.Person{"bob"}, Required: 1}}}
}
