package msg

// Sentences of what production runs: the record kept per service and
// environment, rollbacks to the commit before, branches that moved after
// approval.
const (
	ReplyProcessRuns     ID = "reply.process_runs"
	ReplyProcessRunsSHA  ID = "reply.process_runs_sha"
	ReplyProcessRunsNone ID = "reply.process_runs_none"

	ReplyBranchMoved       ID = "reply.branch_moved"
	ReplyRollbackTarget    ID = "reply.rollback_target"
	ReplyRollbackTargetSHA ID = "reply.rollback_target_sha"

	NextRolledBack    ID = "next.rolled_back"
	NextRolledBackSHA ID = "next.rolled_back_sha"
	NextSuperseded    ID = "next.superseded"
	NextSupersededSHA ID = "next.superseded_sha"

	RefuseNotCurrentSHA ID = "refuse.not_current_sha"
)

var productionEnglish = Catalog{
	ReplyProcessRuns:     "5. {env} runs {csr} at {sha} since {at} ({run}).",
	ReplyProcessRunsSHA:  "5. {env} runs {sha} since {at}, restored by the rollback of {rollback_of}.",
	ReplyProcessRunsNone: "5. Nothing has been deployed to {env} yet.",

	ReplyBranchMoved:       "`{ref}` is now at {head}; {csr} ships {sha} as approved.",
	ReplyRollbackTarget:    "When it succeeds, {env} runs {target} at {sha} again.",
	ReplyRollbackTargetSHA: "When it succeeds, {env} runs {sha} again.",

	NextRolledBack:    "{csr} was rolled back: {env} runs {current} at {sha} now. Nothing more to do.",
	NextRolledBackSHA: "{csr} was rolled back: {env} runs {sha} now. Nothing more to do.",
	NextSuperseded:    "{csr} was deployed; {env} now runs {current} at {sha}. Nothing more to do.",
	NextSupersededSHA: "{csr} was deployed; {env} now runs {sha}, restored by the rollback of {rollback_of}. Nothing more to do.",

	RefuseNotCurrentSHA: "{csr} is no longer what runs in {env}: it runs {sha} now, restored by the rollback of {rollback_of}.",
}
