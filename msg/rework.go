package msg

// Sentences of the unhappy paths: editing and commenting after a
// rejection, rollback and its policy, state names, lists.
const (
	HelpEdit    ID = "help.edit"
	HelpComment ID = "help.comment"

	RefuseEditNothing      ID = "refuse.edit_nothing"
	RefuseRollbackPolicy   ID = "refuse.rollback_policy"
	RefuseRollbackReason   ID = "refuse.rollback_reason"
	RefuseNeedsQuotes      ID = "refuse.needs_quotes"
	NextEditExample        ID = "next.edit_example"
	NextAskRollback        ID = "next.ask_rollback"
	NextAskRollbackOrAdmin ID = "next.ask_rollback_or_admin"
	NextRollbackReason     ID = "next.rollback_reason"
	NextQuoteLike          ID = "next.quote_like"
	NextChooseService      ID = "next.choose_service"
	NextDidYouMeanCSR      ID = "next.did_you_mean_csr"
	NextDidYouMeanService  ID = "next.did_you_mean_service"
	NextDidYouMeanPerson   ID = "next.did_you_mean_person"
	NextDeployedRollback   ID = "next.deployed_rollback"
	NextDeployedNoRollback ID = "next.deployed_no_rollback"
	NextFixForward         ID = "next.fix_forward"
	NextRolledBackFix      ID = "next.rolled_back_fix"
	NextRolledBackFixSHA   ID = "next.rolled_back_fix_sha"
	NextRolledBackDone     ID = "next.rolled_back_done"
	NextRolledBackFurther  ID = "next.rolled_back_further"
	NextCancelled          ID = "next.cancelled"
	NextUnchanged          ID = "next.unchanged"

	ReplyEdited       ID = "reply.edited"
	ReplyEditedVoided ID = "reply.edited_voided"
	ReplyCommented    ID = "reply.commented"
	ReplyCommentedTo  ID = "reply.commented_to"
	ReplyRollbackWhy  ID = "reply.rollback_why"

	NoteEdited        ID = "note.edited"
	NoteEditVoided    ID = "note.edit_voided"
	NoteComment       ID = "note.comment"
	NoteCommentDM     ID = "note.comment_dm"
	NoteRollingBack   ID = "note.rolling_back"
	NoteRejectedDM    ID = "note.rejected_dm"
	ReplyProcessRollb ID = "reply.process_rollback"
	ReplyProcessStart ID = "reply.process_start"

	RollbackRoleRequester ID = "rollback.role.requester"
	RollbackRoleAssignee  ID = "rollback.role.assignee"
	RollbackRoleLastStep  ID = "rollback.role.last_step"
	RollbackRoleAdmins    ID = "rollback.role.admins"
	RollbackRolePeople    ID = "rollback.role.people"

	ListOne    ID = "list.one"
	ListPair   ID = "list.pair"
	ListMore   ID = "list.more"
	ListOrPair ID = "list.or_pair"

	FieldTitle       ID = "field.title"
	FieldDescription ID = "field.description"
	FieldRisk        ID = "field.risk"
	FieldEffort      ID = "field.effort"
	FieldAssignee    ID = "field.assignee"

	CardComments      ID = "card.comments"
	CardRejectedBy    ID = "card.rejected_by"
	HistoryMove       ID = "history.move"
	ReplyInProduction ID = "reply.in_production"

	ConsoleBye        ID = "console.bye"
	ConsoleByeKept    ID = "console.bye_kept"
	ConsoleNoActions  ID = "console.no_actions"
	ConsoleActionsFor ID = "console.actions_for"
)

var reworkEnglish = Catalog{
	HelpEdit:    "change a CSR's title, description, risk, effort or assignee, e.g. to answer a reviewer; during approval the approvals given so far are voided.",
	HelpComment: "answer on a CSR: recorded in its history and sent to its requester, assignee and whoever rejected it.",

	RefuseEditNothing:      "`edit` needs at least one of --title, --description, --risk, --effort or --assignee.",
	RefuseRollbackPolicy:   "the rollback policy of {service} lets only {policy} roll back {csr}.",
	RefuseRollbackReason:   "a rollback of {csr} needs a reason, so the team knows what went wrong.",
	RefuseNeedsQuotes:      "`{verb}` takes its text as one quoted argument; `{arg}` looks like the rest of it.",
	NextEditExample:        "for example `edit {csr} --risk \"rollback: redeploy the previous tag\"`.",
	NextAskRollback:        "ask {people}.",
	NextAskRollbackOrAdmin: "ask {people}, or an admin.",
	NextRollbackReason:     "write it in quotes: `rollback {csr} \"what went wrong\"`.",
	NextQuoteLike:          "put the text in quotes, like this: `{example}`.",
	NextChooseService:      "name one of the services: {services}, e.g. `{example}`.",
	NextDidYouMeanCSR:      "did you mean {suggestion}? See your CSRs with `list mine`, or all with `list all`.",
	NextDidYouMeanService:  "did you mean `{suggestion}`? Services: {services}.",
	NextDidYouMeanPerson:   "did you mean `{suggestion}`? People: {people}.",
	NextDeployedRollback:   "{csr} is deployed to {env}: it runs {sha} now. Nothing more to do; if it misbehaves, {people} may run `rollback {csr} \"what went wrong\"` to restore {target}.",
	NextDeployedNoRollback: "{csr} is deployed to {env}: it runs {sha} now. Nothing more to do; it is the first deploy there, so a problem is fixed with a new CSR (`new {service} \"TITLE\" --ref REF`).",
	NextFixForward:         "ship a fix as a new CSR: `new {service} \"TITLE\" --ref REF`.",
	NextRolledBackFix:      "{csr} was rolled back: {env} runs {current} at {sha} now. Next: {owners} ship a fix as a new CSR (`new {service} \"TITLE\" --ref REF`).",
	NextRolledBackFixSHA:   "{csr} was rolled back: {env} runs {sha} now. Next: {owners} ship a fix as a new CSR (`new {service} \"TITLE\" --ref REF`).",
	NextRolledBackDone:     "{csr} was rolled back: {env} runs the commit from before it again. Next: {owners} ship a fix as a new CSR (`new {service} \"TITLE\" --ref REF`); `show {csr}` says what {env} runs.",
	NextRolledBackFurther:  "{csr} was rolled back: {env} runs {current} at {sha} now. Next: {owners} ship a fix as a new CSR (`new {service} \"TITLE\" --ref REF`); if {current} must go too, {people} may `rollback {current} \"reason\"`.",
	NextCancelled:          "{csr} was cancelled; nothing more happens to it. To ship this change after all, open a new CSR with `new {service} \"TITLE\" --ref REF`.",
	NextUnchanged:          "see what it needs with `next {csr}`.",

	ReplyEdited:       "{csr}: {fields} changed.",
	ReplyEditedVoided: "{csr}: {fields} changed while in approval, so the {n|approval|# approvals} given so far {n|is|are} void and the line starts again at its first step.",
	ReplyCommented:    "Comment added to {csr}.",
	ReplyCommentedTo:  "Comment added to {csr} and sent to {people}.",
	ReplyRollbackWhy:  "Reason: {reason}",

	NoteEdited:      "✏️ {by} edited {fields} of {csr}. {next}",
	NoteEditVoided:  "{people}: {by} edited {fields} of {csr} \"{title}\" during its approval, so your decision no longer counts. {next}",
	NoteComment:     "💬 {by} on {csr} \"{title}\": {text} ▶ {next}",
	NoteCommentDM:   "💬 {by} answered on {csr} \"{title}\": {text} — {next}",
	NoteRollingBack: "↩️ {by} is rolling back {csr} in {env} to {sha}: {reason} ▶ {next}",
	NoteRejectedDM:  "{csr} \"{title}\" was rejected at step `{step}` by {by}: {reason}. {next}",

	ReplyProcessRollb: "6. Rollback: only while a CSR is what production runs, with a reason, by {policy}; it redeploys the commit production ran before it.",

	ReplyProcessStart: "Next: open a CSR with `new {service} \"TITLE\" --ref REF`; `help` explains every command.",

	RollbackRoleRequester: "the requester",
	RollbackRoleAssignee:  "the assignee",
	RollbackRoleLastStep:  "the approvers of the last step",
	RollbackRoleAdmins:    "admins",
	RollbackRolePeople:    "{people}",

	ListOne:    "{a}",
	ListPair:   "{a} and {b}",
	ListMore:   "{a}, {rest}",
	ListOrPair: "{a} or {b}",

	FieldTitle:       "the title",
	FieldDescription: "the description",
	FieldRisk:        "the risk",
	FieldEffort:      "the effort",
	FieldAssignee:    "the assignee",

	CardComments:      "comment",
	CardRejectedBy:    "rejected by {by}: {reason}",
	HistoryMove:       "{from} → {to}",
	ReplyInProduction: "⚠️ {env} already runs {sha} ({current}): as it stands, {csr} would ship nothing new. If that is not meant, point it at another commit with `update {csr} --ref REF`, or `cancel {csr}`.",

	ConsoleBye:        "Bye. The console's store was an embedded in-memory Redis: its CSRs, history and freezes are gone now.",
	ConsoleByeKept:    "Bye. The CSRs stay in the store at REDIS_URL.",
	ConsoleNoActions:  "{person} has nothing to do on {csr} now.",
	ConsoleActionsFor: "{person}'s actions on {csr}: {actions}",
}
