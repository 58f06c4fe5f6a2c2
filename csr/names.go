package csr

import (
	"strings"

	"releasebot/msg"
)

var stateNames = map[State]msg.ID{
	Draft: msg.StateDraft, TestDeploying: msg.StateTestDeploying, Tested: msg.StateTested, TestFailed: msg.StateTestFailed,
	InApproval: msg.StateInApproval, Approved: msg.StateApproved, Rejected: msg.StateRejected, Scheduled: msg.StateScheduled,
	Deploying: msg.StateDeploying, Deployed: msg.StateDeployed, DeployFailed: msg.StateDeployFailed,
	RolledBack: msg.StateRolledBack, Cancelled: msg.StateCancelled,
}

// Name is the state as people read it, through their catalog.
func (s State) Name() msg.Text {
	if id, ok := stateNames[s]; ok {
		return msg.T(id)
	}
	return msg.T(msg.ID("state." + string(s)))
}

var runNames = map[RunStatus]msg.ID{
	RunQueued: msg.RunQueued, RunRunning: msg.RunRunning, RunSucceeded: msg.RunSucceeded,
	RunFailed: msg.RunFailed, RunCancelled: msg.RunCancelled, RunUnknown: msg.RunUnknown,
}

// Name is the run status as people read it.
func (s RunStatus) Name() msg.Text {
	if id, ok := runNames[s]; ok {
		return msg.T(id)
	}
	return msg.T(msg.ID("run." + string(s)))
}

// Label says a run in a card's words: "test deploy #1 to staging at
// 5b17166: running". The run's id keeps the purpose ("CSR-1/test/1"), which
// is not always the environment's name; the label says where it ran.
func (r Run) Label() msg.Text {
	kind := msg.RunKindDeploy
	switch r.Purpose {
	case PurposeTest:
		kind = msg.RunKindTest
	case PurposeRollback:
		kind = msg.RunKindRollback
	}
	n := r.ID[strings.LastIndexByte(r.ID, '/')+1:]
	sha := r.SHA
	if len(sha) > 7 {
		sha = sha[:7]
	}
	return msg.T(msg.RunLabel, "kind", msg.T(kind), "n", n, "env", r.Env, "sha", sha, "status", r.Status.Name())
}
