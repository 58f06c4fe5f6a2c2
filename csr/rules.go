package csr

// Rule names the rule that refused an action. The names are stable: audit
// entries, logs and the rule label of releasebot_commands_total show them.
type Rule string

// The rules of every refusal, the domain's and those of the layers around
// it (commands, the runtime, integrations).
const (
	RuleAdminOnly          Rule = "admin-only"
	RuleAlreadyDecided     Rule = "already-decided"
	RuleApprovalRequired   Rule = "approval-required"
	RuleBadEffort          Rule = "bad-effort"
	RuleBadOutcome         Rule = "bad-outcome"
	RuleBadURL             Rule = "bad-url"
	RuleClosedRequest      Rule = "closed-request"
	RuleConflict           Rule = "conflict"
	RuleDeployWindow       Rule = "deploy-window"
	RuleEvidenceRequired   Rule = "evidence-required"
	RuleFreeze             Rule = "freeze"
	RuleGithubUnavailable  Rule = "github-unavailable"
	RuleInternal           Rule = "internal"
	RuleLineUnsatisfiable  Rule = "line-unsatisfiable"
	RuleNoPreviousDeploy   Rule = "no-previous-deploy"
	RuleNoSuchCSR          Rule = "no-such-csr"
	RuleNotAnApprover      Rule = "not-an-approver"
	RuleNotAvailable       Rule = "not-available"
	RuleNothingToResolve   Rule = "nothing-to-resolve"
	RuleOverrideAdminOnly  Rule = "override-admin-only"
	RuleOwnerOnly          Rule = "owner-only"
	RuleReasonRequired     Rule = "reason-required"
	RuleRefRequired        Rule = "ref-required"
	RuleRefUnresolved      Rule = "ref-unresolved"
	RuleRollbackNotCurrent Rule = "rollback-not-current"
	RuleRollbackPolicy     Rule = "rollback-policy"
	RuleRunActive          Rule = "run-active"
	RuleScheduleInPast     Rule = "schedule-in-past"
	RuleSeparationOfDuties Rule = "separation-of-duties"
	RuleServiceRequired    Rule = "service-required"
	RuleStepOrder          Rule = "step-order"
	RuleStoreFailingOver   Rule = "store-failing-over"
	RuleStoreLostData      Rule = "store-lost-data"
	RuleStoreUnavailable   Rule = "store-unavailable"
	RuleStoreUnconfirmed   Rule = "store-unconfirmed"
	RuleSyntax             Rule = "syntax"
	RuleTextControl        Rule = "text-control"
	RuleTextEncoding       Rule = "text-encoding"
	RuleTextRequired       Rule = "text-required"
	RuleTextTooLong        Rule = "text-too-long"
	RuleTimeInPast         Rule = "time-in-past"
	RuleUnknownLanguage    Rule = "unknown-language"
	RuleUnknownPerson      Rule = "unknown-person"
	RuleUnknownRef         Rule = "unknown-ref"
	RuleUnknownRepo        Rule = "unknown-repo"
	RuleUnknownRun         Rule = "unknown-run"
	RuleWrongState         Rule = "wrong-state"
)

// Retryable reports whether the same request may succeed when sent again
// unchanged: the store was unavailable or busy, or the bot failed inside.
func (r Rule) Retryable() bool {
	return r == RuleInternal || r == RuleStoreUnavailable || r == RuleConflict
}
