package msg

// Names of the lifecycle states and run statuses, as people read them.
const (
	StateDraft         ID = "state.draft"
	StateTestDeploying ID = "state.test_deploying"
	StateTested        ID = "state.tested"
	StateTestFailed    ID = "state.test_failed"
	StateInApproval    ID = "state.in_approval"
	StateApproved      ID = "state.approved"
	StateRejected      ID = "state.rejected"
	StateScheduled     ID = "state.scheduled"
	StateDeploying     ID = "state.deploying"
	StateDeployed      ID = "state.deployed"
	StateDeployFailed  ID = "state.deploy_failed"
	StateRolledBack    ID = "state.rolled_back"
	StateCancelled     ID = "state.cancelled"

	RunQueued    ID = "run.queued"
	RunRunning   ID = "run.running"
	RunSucceeded ID = "run.succeeded"
	RunFailed    ID = "run.failed"
	RunCancelled ID = "run.cancelled"
	RunUnknown   ID = "run.unknown"

	RunKindTest     ID = "run.kind_test"
	RunKindDeploy   ID = "run.kind_deploy"
	RunKindRollback ID = "run.kind_rollback"
	// RunLabel is one run on a card: what, which attempt, where, which
	// commit, how it stands.
	RunLabel ID = "run.label"
)

var stateEnglish = Catalog{
	StateDraft:         "draft",
	StateTestDeploying: "test deploying",
	StateTested:        "tested",
	StateTestFailed:    "test failed",
	StateInApproval:    "in approval",
	StateApproved:      "approved",
	StateRejected:      "rejected",
	StateScheduled:     "scheduled",
	StateDeploying:     "deploying",
	StateDeployed:      "deployed",
	StateDeployFailed:  "deploy failed",
	StateRolledBack:    "rolled back",
	StateCancelled:     "cancelled",

	RunQueued:    "queued",
	RunRunning:   "running",
	RunSucceeded: "succeeded",
	RunFailed:    "failed",
	RunCancelled: "cancelled",
	RunUnknown:   "outcome unknown",

	RunKindTest:     "test deploy",
	RunKindDeploy:   "production deploy",
	RunKindRollback: "rollback",
	RunLabel:        "{kind} #{n} to {env} at {sha}: {status}",
}
