package msg

// Message ids. Refuse* say what is wrong, Next* what would allow it or what
// happens next, Reply* answer a command, Note* announce to a channel or DM.
const (
	RefuseAlreadyApproved   ID = "refuse.already_approved"
	RefuseAlreadyDecided    ID = "refuse.already_decided"
	RefuseBadURL            ID = "refuse.bad_url"
	RefuseEffort            ID = "refuse.effort"
	RefuseEvidenceRequired  ID = "refuse.evidence_required"
	RefuseFrozen            ID = "refuse.frozen"
	RefuseLineUnsatisfiable ID = "refuse.line_unsatisfiable"
	RefuseNoPrevious        ID = "refuse.no_previous"
	RefuseNotApproved       ID = "refuse.not_approved"
	RefuseNotApprover       ID = "refuse.not_approver"
	RefuseOverrideAdmin     ID = "refuse.override_admin"
	RefuseOwnerOnly         ID = "refuse.owner_only"
	RefuseReasonRequired    ID = "refuse.reason_required"
	RefuseRefRequired       ID = "refuse.ref_required"
	RefuseRefUnresolved     ID = "refuse.ref_unresolved"
	RefuseRunActive         ID = "refuse.run_active"
	RefuseScheduleInPast    ID = "refuse.schedule_in_past"
	RefuseSelfApprove       ID = "refuse.self_approve"
	RefuseSelfReject        ID = "refuse.self_reject"
	RefuseStepOrder         ID = "refuse.step_order"
	RefuseTextControl       ID = "refuse.text_control"
	RefuseTextEmpty         ID = "refuse.text_empty"
	RefuseTextEncoding      ID = "refuse.text_encoding"
	RefuseTextTooLong       ID = "refuse.text_too_long"
	RefuseUnknownRun        ID = "refuse.unknown_run"
	RefuseWindow            ID = "refuse.window"
	RefuseWrongState        ID = "refuse.wrong_state"
	RefuseUnknownVerb       ID = "refuse.unknown_verb"
	RefuseMissingArg        ID = "refuse.missing_arg"
	RefuseExtraArg          ID = "refuse.extra_arg"
	RefuseBadFlag           ID = "refuse.bad_flag"
	RefuseBadFlagValue      ID = "refuse.bad_flag_value"
	RefuseUnclosedQuote     ID = "refuse.unclosed_quote"
	RefuseBadCSRID          ID = "refuse.bad_csr_id"
	RefuseNoSuchCSR         ID = "refuse.no_such_csr"
	RefuseUnknownService    ID = "refuse.unknown_service"
	RefuseUnknownPerson     ID = "refuse.unknown_person"
	RefuseUnknownActor      ID = "refuse.unknown_actor"
	RefuseAdminOnly         ID = "refuse.admin_only"
	RefuseBusy              ID = "refuse.busy"
	RefuseBusyAny           ID = "refuse.busy_any"
	RefuseStoreDown         ID = "refuse.store_down"
	RefuseInternal          ID = "refuse.internal"
	RefuseBadTime           ID = "refuse.bad_time"
	RefuseTooLong           ID = "refuse.too_long"
	RefuseNotCurrent        ID = "refuse.not_current"

	NextAddEvidence     ID = "next.add_evidence"
	NextAskAdmin        ID = "next.ask_admin"
	NextAskOwners       ID = "next.ask_owners"
	NextAskStep         ID = "next.ask_step"
	NextBadURL          ID = "next.bad_url"
	NextCancelInstead   ID = "next.cancel_instead"
	NextDeploy          ID = "next.deploy"
	NextDeployFailed    ID = "next.deploy_failed"
	NextDeployLater     ID = "next.deploy_later"
	NextDeployRunning   ID = "next.deploy_running"
	NextDeployed        ID = "next.deployed"
	NextDraft           ID = "next.draft"
	NextEffort          ID = "next.effort"
	NextFrozen          ID = "next.frozen"
	NextNeedEvidence    ID = "next.need_evidence"
	NextNoPrevious      ID = "next.no_previous"
	NextNothing         ID = "next.nothing"
	NextRefRequired     ID = "next.ref_required"
	NextRejectReason    ID = "next.reject_reason"
	NextRejected        ID = "next.rejected"
	NextRollbackRunning ID = "next.rollback_running"
	NextScheduleLater   ID = "next.schedule_later"
	NextScheduled       ID = "next.scheduled"
	NextSeeNext         ID = "next.see_next"
	NextSubmit          ID = "next.submit"
	NextTestFailed      ID = "next.test_failed"
	NextTestRunning     ID = "next.test_running"
	NextTextControl     ID = "next.text_control"
	NextTextEmpty       ID = "next.text_empty"
	NextTextTooLong     ID = "next.text_too_long"
	NextUpdateRef       ID = "next.update_ref"
	NextWaitRun         ID = "next.wait_run"
	NextWindow          ID = "next.window"
	NextHelpVerb        ID = "next.help_verb"
	NextHelpAll         ID = "next.help_all"
	NextDidYouMean      ID = "next.did_you_mean"
	NextListCSRs        ID = "next.list_csrs"
	NextListServices    ID = "next.list_services"
	NextListPeople      ID = "next.list_people"
	NextRetryLater      ID = "next.retry_later"
	NextTimeFormat      ID = "next.time_format"
	NextShorter         ID = "next.shorter"
	NextRollbackCurrent ID = "next.rollback_current"

	ReplyRefused        ID = "reply.refused"
	ReplyCreated        ID = "reply.created"
	ReplyTestStarted    ID = "reply.test_started"
	ReplyEvidence       ID = "reply.evidence"
	ReplySubmitted      ID = "reply.submitted"
	ReplyApproved       ID = "reply.approved"
	ReplyFullyOK        ID = "reply.fully_approved"
	ReplyRejected       ID = "reply.rejected"
	ReplyRevised        ID = "reply.revised"
	ReplyUpdated        ID = "reply.updated"
	ReplyUnchanged      ID = "reply.unchanged"
	ReplyNothingChanged ID = "reply.nothing_changed"
	ReplyDeployStart    ID = "reply.deploy_started"
	ReplyScheduled      ID = "reply.scheduled"
	ReplyUnscheduled    ID = "reply.unscheduled"
	ReplyCancelled      ID = "reply.cancelled"
	ReplyRollback       ID = "reply.rollback"
	ReplyFrozen         ID = "reply.frozen"
	ReplyUnfrozen       ID = "reply.unfrozen"
	ReplyNotFrozen      ID = "reply.not_frozen"
	ReplyNoCSRs         ID = "reply.no_csrs"
	ReplyListHeader     ID = "reply.list_header"
	ReplyNext           ID = "reply.next"
	ReplyHistoryHead    ID = "reply.history_header"
	ReplyHelpHeader     ID = "reply.help_header"
	ReplyHelpFooter     ID = "reply.help_footer"
	ReplyHelpVerb       ID = "reply.help_verb"
	ReplyHelpLine       ID = "reply.help_line"
	ReplyListLine       ID = "reply.list_line"
	ReplyHistoryLine    ID = "reply.history_line"
	ReplyActing         ID = "reply.acting"
	ReplyProcessHead    ID = "reply.process_header"
	ReplyProcessEnvs    ID = "reply.process_envs"
	ReplyProcessStep    ID = "reply.process_step"
	ReplyProcessEvid    ID = "reply.process_evidence"
	ReplyProcessNoEv    ID = "reply.process_no_evidence"
	ReplyProcessWin     ID = "reply.process_window"
	ReplyProcessFrz     ID = "reply.process_freeze"
	ReplyProcessNoFrz   ID = "reply.process_no_freeze"
	ReplyProcessRules   ID = "reply.process_rules"

	NoteCreated       ID = "note.created"
	NoteRunStarted    ID = "note.run_started"
	NoteRunSucceeded  ID = "note.run_succeeded"
	NoteRunFailed     ID = "note.run_failed"
	NoteStepOpened    ID = "note.step_opened"
	NoteStepCompleted ID = "note.step_completed"
	NoteApproved      ID = "note.approved"
	NoteRejected      ID = "note.rejected"
	NoteVoided        ID = "note.voided"
	NoteRunError      ID = "note.run_error"
	NoteFrozen        ID = "note.frozen"
	NoteUnfrozen      ID = "note.unfrozen"
	NoteCancelled     ID = "note.cancelled"
	NoteOverride      ID = "note.override"
	NoteCancelledWhy  ID = "note.cancelled_why"

	CardActions     ID = "card.actions"
	CardState       ID = "card.state"
	CardPeople      ID = "card.people"
	CardEffort      ID = "card.effort"
	CardShips       ID = "card.ships"
	CardEvidence    ID = "card.evidence"
	CardApprovals   ID = "card.approvals"
	CardRuns        ID = "card.runs"
	CardPRs         ID = "card.prs"
	CardCommits     ID = "card.commits"
	CardMoreCommits ID = "card.more_commits"

	ConsoleWelcome ID = "console.welcome"
	ConsoleHelp    ID = "console.help"
	ConsoleNoPick  ID = "console.no_pick"
	ConsoleAskFor  ID = "console.ask_for"
	ConsoleClock   ID = "console.clock"

	DoctorAllOK         ID = "doctor.all_ok"
	DoctorFailed        ID = "doctor.failed"
	DoctorConfigOK      ID = "doctor.config_ok"
	DoctorConfigBad     ID = "doctor.config_bad"
	DoctorRedisOK       ID = "doctor.redis_ok"
	DoctorRedisDown     ID = "doctor.redis_down"
	DoctorRedisOld      ID = "doctor.redis_old"
	DoctorRedisEmbedded ID = "doctor.redis_embedded"
	DoctorSlackOK       ID = "doctor.slack_ok"
	DoctorSlackBad      ID = "doctor.slack_bad"
	DoctorSlackOff      ID = "doctor.slack_off"
	DoctorGitHubBad     ID = "doctor.github_bad"
	DoctorGitHubOff     ID = "doctor.github_off"
	DoctorRepoOK        ID = "doctor.repo_ok"
	DoctorRepoBad       ID = "doctor.repo_bad"

	StageDraft      ID = "stage.draft"
	StageTested     ID = "stage.tested"
	StageInApproval ID = "stage.in_approval"
	StageApproved   ID = "stage.approved"
	StageDeployed   ID = "stage.deployed"

	WordNobody     ID = "word.nobody"
	WordTest       ID = "word.test"
	WordProduction ID = "word.production"
	WordRollback   ID = "word.rollback"

	HelpNew      ID = "help.new"
	HelpShow     ID = "help.show"
	HelpList     ID = "help.list"
	HelpNext     ID = "help.next"
	HelpHistory  ID = "help.history"
	HelpTest     ID = "help.test"
	HelpEvidence ID = "help.evidence"
	HelpSubmit   ID = "help.submit"
	HelpApprove  ID = "help.approve"
	HelpReject   ID = "help.reject"
	HelpRevise   ID = "help.revise"
	HelpUpdate   ID = "help.update"
	HelpDeploy   ID = "help.deploy"
	HelpRollback ID = "help.rollback"
	HelpCancel   ID = "help.cancel"
	HelpFreeze   ID = "help.freeze"
	HelpUnfreeze ID = "help.unfreeze"
	HelpProcess  ID = "help.process"
	HelpHelp     ID = "help.help"
)

// English is the default catalog: the core sentences and those of each
// integration, each kept in its own file so features grow independently.
// Backticks mark commands a person can copy.
var English = merge(coreEnglish, formatEnglish, timeEnglish, namesEnglish, opsEnglish, slackFormsEnglish, reworkEnglish, stateEnglish, slackEnglish, deployEnglish, scheduleEnglish, integrityEnglish, productionEnglish, githubEnglish, storeEnglish, consoleEnglish, historyEnglish)

// merge joins catalogs; a message id defined twice is a programming error
// caught at startup.
func merge(cs ...Catalog) Catalog {
	out := Catalog{}
	for _, c := range cs {
		for id, text := range c {
			if _, dup := out[id]; dup {
				panic("msg: message id defined twice: " + string(id))
			}
			out[id] = text
		}
	}
	return out
}

var coreEnglish = Catalog{
	RefuseAlreadyApproved:   "you already approved {csr} at step `{step}` ({at}); one person approves a CSR once.",
	RefuseAlreadyDecided:    "you already gave your decision on {csr}.",
	RefuseBadURL:            "`{url}` is not a link an approver can open.",
	RefuseEffort:            "an effort of {effort} is not possible.",
	RefuseEvidenceRequired:  "service {service} needs test evidence before a CSR goes to approval, and there is none yet.",
	RefuseFrozen:            "{service} is frozen until {until}: {reason}.",
	RefuseLineUnsatisfiable: "step `{step}` needs {required} approvals but only {eligible} of its approvers may approve this CSR (requester and assignee never can).",
	RefuseNoPrevious:        "{service} has no earlier successful production deploy to roll back to.",
	RefuseNotApproved:       "{csr} is {state}; production deploys need a fully approved CSR.",
	RefuseNotApprover:       "you are not an approver of step `{step}` of {csr}.",
	RefuseOverrideAdmin:     "only an admin may override a deploy window or a freeze.",
	RefuseOwnerOnly:         "only {owners} (requester or assignee) or an admin may do this to {csr}.",
	RefuseReasonRequired:    "a rejection needs a reason, so the requester knows what to fix.",
	RefuseRefRequired:       "a CSR must name what it ships.",
	RefuseRefUnresolved:     "{csr} has no resolved commit yet.",
	RefuseRunActive:         "run {run} is still going.",
	RefuseScheduleInPast:    "{when} is not in the future.",
	RefuseSelfApprove:       "you {role} {csr}, so you cannot approve it (separation of duties).",
	RefuseSelfReject:        "you cannot reject your own CSR {csr}.",
	RefuseStepOrder:         "step {n}/{total} `{open}` of {csr} is still open; you approve at step {m} `{yours}`, which opens after it.",
	RefuseTextControl:       "the {field} contains control characters.",
	RefuseTextEmpty:         "the {field} is empty.",
	RefuseTextEncoding:      "the {field} is not valid UTF-8 text.",
	RefuseTextTooLong:       "the {field} is {len} characters long; the limit is {max}.",
	RefuseUnknownRun:        "{csr} has no run {run}.",
	RefuseWindow:            "production deploys of {service} are allowed only {window}.",
	RefuseWrongState:        "{csr} is {state}; `{verb}` works only when it is {allowed}.",
	RefuseUnknownVerb:       "I don't know the command `{verb}`.",
	RefuseMissingArg:        "`{verb}` needs {arg}.",
	RefuseExtraArg:          "`{verb}` takes no argument `{arg}`.",
	RefuseBadFlag:           "`{verb}` has no option `{flag}`.",
	RefuseBadFlagValue:      "`{flag}` needs {want}, not `{value}`.",
	RefuseUnclosedQuote:     "a quote is opened but never closed.",
	RefuseBadCSRID:          "`{value}` is not a CSR id (they look like {example}).",
	RefuseNoSuchCSR:         "there is no {csr}.",
	RefuseUnknownService:    "there is no service `{service}`.",
	RefuseUnknownPerson:     "I don't know the person `{person}`.",
	RefuseUnknownActor:      "you ({who}) are not in releasebot's list of people, so I cannot act for you.",
	RefuseAdminOnly:         "only an admin may `{verb}`.",
	RefuseBusy:              "someone else changed {csr} at the same moment, and your action was not applied.",
	RefuseBusyAny:           "others changed the same data at the same moment, and your action was not applied.",
	RefuseStoreDown:         "the release store (Redis) is unreachable, so nothing was read or changed.",
	RefuseInternal:          "something went wrong (ref {ref}). Nothing was changed.",
	RefuseBadTime:           "`{value}` is not a time I understand.",
	RefuseTooLong:           "the command is {len} characters long; the limit is {max}.",
	RefuseNotCurrent:        "{csr} is no longer what runs in {env}: {current} was deployed after it, and rolling {csr} back would undo {current} too.",

	NextAddEvidence:     "add evidence with `evidence {csr} URL \"what was tested\"`, then `submit {csr}`.",
	NextAskAdmin:        "ask an admin (see `process SERVICE`).",
	NextAskOwners:       "ask {owners}.",
	NextAskStep:         "step {n}/{total} `{step}` is waiting for {missing|1 more approval|# more approvals} from {people}.",
	NextBadURL:          "give a full link starting with https://, e.g. `https://ci.example.com/run/42`.",
	NextCancelInstead:   "to withdraw it, use `cancel {csr} \"reason\"`.",
	NextDeploy:          "{csr} is approved. Next: {owners} runs `deploy {csr}` to ship it to {env}.",
	NextDeployFailed:    "the production deploy of {csr} failed. Next: {owners} checks the run and runs `deploy {csr}` again.",
	NextDeployLater:     "{csr} is approved, but {why} Next: {then}",
	NextDeployRunning:   "production deploy {run} to {env} is {status}; I will announce the result.",
	NextDeployed:        "{csr} is deployed to {env}. Nothing more to do; if it misbehaves, `next {csr}` says who may roll it back and to what.",
	NextDraft:           "{csr} is a draft. Next: {owners} runs `test {csr}` to deploy {sha} to {env}.",
	NextEffort:          "give the effort in hours, e.g. `--effort 4h` (at most 1000h).",
	NextFrozen:          "wait for the freeze to end, or an admin runs `deploy {csr} --override \"reason\"`.",
	NextNeedEvidence:    "{csr} passed its test deploy. Next: {owners} adds evidence with `evidence {csr} URL \"note\"`, then `submit {csr}`.",
	NextNoPrevious:      "ship a fix as a new CSR instead: `new {service} \"TITLE\" --ref REF`.",
	NextNothing:         "{csr} is {state}. Nothing more to do.",
	NextRefRequired:     "add `--ref BRANCH|TAG|SHA`, e.g. `--ref main`.",
	NextRejectReason:    "write it in quotes: `reject {csr} \"what must change\"`.",
	NextRejected:        "{csr} was rejected by @{by}: {reason}. Next: {owners} runs `revise {csr}`, fixes it and tests again.",
	NextRollbackRunning: "rollback {run} is {status}; I will announce the result.",
	NextScheduleLater:   "pick a time in the future, e.g. `--at 22:30`.",
	NextScheduled:       "the deploy to {env} is scheduled for {when}; I will start it then. To take it back, {owners} runs `unschedule {csr}`.",
	NextSeeNext:         "see what it needs with `next {csr}`.",
	NextSubmit:          "{csr} passed its test deploy. Next: {owners} runs `submit {csr}` to start approvals.",
	NextTestFailed:      "the test deploy of {csr} failed. Next: {owners} fixes it and runs `test {csr}` again (or `update {csr} --ref ...` for a new commit).",
	NextTestRunning:     "test deploy {run} to {env} is {status}; I will announce the result.",
	NextTextControl:     "retype the {field} as plain text.",
	NextTextEmpty:       "give the {field} in quotes, e.g. \"Fix rounding\".",
	NextTextTooLong:     "shorten the {field} to at most {max} characters; put details in the description or a link.",
	NextUpdateRef:       "point it at a commit with `update {csr} --ref BRANCH`.",
	NextWaitRun:         "wait for it to finish.",
	NextWindow:          "the window next opens {next}; deploy then, schedule it with `deploy {csr} --at HH:MM`, or an admin overrides with `deploy {csr} --override \"reason\"`.",
	NextHelpVerb:        "see `help {verb}`.",
	NextHelpAll:         "type `help` to see every command.",
	NextDidYouMean:      "did you mean `{suggestion}`? See `help` for every command.",
	NextListCSRs:        "see your CSRs with `list mine`, or all with `list all`.",
	NextListServices:    "services: {services}.",
	NextListPeople:      "people: {people}.",
	NextRetryLater:      "try again in a minute; if it persists, ask an admin to run `releasebot doctor`.",
	NextTimeFormat:      "use `22:30`, `2026-12-01 22:30` or `2026-12-01T22:30` (time zone {tz}).",
	NextShorter:         "split it into shorter commands.",
	NextRollbackCurrent: "{people} may roll back {current} first (`rollback {current} \"reason\"`), or ship a fix as a new CSR (`new {service} \"TITLE\" --ref REF`).",

	ReplyRefused:        "✋ Not done: {why}",
	ReplyCreated:        "Created {csr}: {title}.",
	ReplyTestStarted:    "Test deploy {run} of {csr} to {env} started.",
	ReplyEvidence:       "Evidence added to {csr}.",
	ReplySubmitted:      "{csr} is submitted for approval.",
	ReplyApproved:       "You approved step `{step}` of {csr}.",
	ReplyFullyOK:        "You approved step `{step}`; {csr} is fully approved.",
	ReplyRejected:       "You rejected {csr}: {reason}.",
	ReplyRevised:        "{csr} is a draft again; earlier approvals are void.",
	ReplyUpdated:        "{csr} now ships {ref}.",
	ReplyUnchanged:      "{csr} already ships that; nothing changed. Next: see what it needs with `next {csr}`.",
	ReplyNothingChanged: "That was already done; nothing changed.",
	ReplyDeployStart:    "Production deploy {run} of {csr} to {env} started.",
	ReplyScheduled:      "{csr} will deploy at {when}.",
	ReplyUnscheduled:    "{csr} is no longer scheduled.",
	ReplyCancelled:      "{csr} is cancelled.",
	ReplyRollback:       "Rollback {run} of {csr} to {sha} started.",
	ReplyFrozen:         "{service} is frozen until {until}: {reason}.",
	ReplyUnfrozen:       "{service} is no longer frozen.",
	ReplyNotFrozen:      "{service} has no freeze set from chat; nothing changed.",
	ReplyNoCSRs:         "No CSRs match.",
	ReplyListHeader:     "{count|# CSR|# CSRs}:",
	ReplyNext:           "Next: {next}",
	ReplyHistoryHead:    "History of {csr}:",
	ReplyHelpHeader:     "Commands (type `help VERB` for one):",
	ReplyHelpFooter:     "CSR ids look like {example}; quote text with spaces.",
	ReplyHelpVerb:       "`{usage}`: {summary}\nExample: `{example}`",
	ReplyHelpLine:       "`{usage}`: {summary}",
	ReplyListLine:       "{csr} [{state}] {service}: {title} (@{requester}). {next}",
	ReplyHistoryLine:    "{at}  @{by}  {action}  {move}  {note}",
	ReplyActing:         "You are now acting as {person}.",
	ReplyProcessHead:    "How {service} ({repo}) is released:",
	ReplyProcessEnvs:    "1. Environments, in order: {envs}. `test CSR` deploys to {test}; `deploy CSR` to {prod}.",
	ReplyProcessStep:    "   approval step {n}/{total} `{step}`: {required} of {people}",
	ReplyProcessEvid:    "2. Test evidence is required before `submit` (`evidence CSR URL \"note\"`).",
	ReplyProcessNoEv:    "2. Test evidence is optional.",
	ReplyProcessWin:     "4. Production deploys: {window}.",
	ReplyProcessFrz:     "   frozen {from} – {until}: {reason}",
	ReplyProcessNoFrz:   "   no freezes.",
	ReplyProcessRules:   "3. Approvals, in this order (a step opens when the one before is complete; the requester and assignee never approve; one rejection rejects the CSR; a new commit voids approvals):",

	NoteCreated:       "{by} created {csr} for {service}: {title}. ▶ {next}",
	NoteRunStarted:    "{kind} deploy {run} of {csr} to {env} started ({deployer}). ▶ {next}",
	NoteRunSucceeded:  "✅ {kind} deploy {run} of {csr} to {env} succeeded.{link} ▶ {next}",
	NoteRunFailed:     "❌ {kind} deploy {run} of {csr} to {env} {status}.{link} {detail} ▶ {next}",
	NoteStepOpened:    "{people}: {csr} \"{title}\" waits for your approval at step `{step}`. `approve {csr}` or `reject {csr} \"reason\"`.",
	NoteStepCompleted: "Step `{step}` of {csr} is complete. ▶ {next}",
	NoteApproved:      "{csr} is fully approved. ▶ {next}",
	NoteRejected:      "{csr} was rejected at step `{step}` by {by}: {reason} ▶ {next}",
	NoteVoided:        "{people}: {csr} now ships {ref}; your earlier approval is void and the CSR must be tested and approved again. ▶ {next}",
	NoteRunError:      "⚠️ deploy {run} of {csr} could not run: {error}",
	NoteFrozen:        "❄️ {service} is frozen until {until} by {by}: {reason}",
	NoteUnfrozen:      "{service} is no longer frozen ({by}).",
	NoteCancelled:     "{csr} was cancelled by {by}. ▶ {next}",
	NoteCancelledWhy:  "{csr} was cancelled by {by}: {reason} ▶ {next}",
	NoteOverride:      "⚠️ {by} deployed {csr} despite the deploy policy, recorded as: {note}",

	HelpNew:      "open a change request for a service; it starts as a draft.",
	HelpShow:     "show a CSR's card: what it ships, approvals, runs and what happens next.",
	HelpList:     "list CSRs: yours (default), those waiting on you, or all.",
	HelpNext:     "say what a CSR needs next and who must act.",
	HelpHistory:  "show every transition of a CSR: who, when, from, to.",
	HelpTest:     "deploy the CSR's commit to the test environment.",
	HelpEvidence: "attach a link to test evidence (required before submit for some services).",
	HelpSubmit:   "send a tested CSR into its approval line.",
	HelpApprove:  "approve the open step of a CSR you are an approver of.",
	HelpReject:   "reject a CSR at its open step, with the reason.",
	HelpRevise:   "take a rejected CSR back to draft to fix it.",
	HelpUpdate:   "point a CSR at a new commit; approvals given so far are voided.",
	HelpDeploy:   "deploy an approved CSR to production inside the deploy window, now or `--at` a later time.",
	HelpRollback: "redeploy the commit that was in production before this CSR.",
	HelpCancel:   "abandon a CSR that has not started its production deploy.",
	HelpFreeze:   "admins: refuse production deploys of a service until a time.",
	HelpUnfreeze: "admins: lift a freeze set from chat.",
	HelpProcess:  "explain a service's release process: environments, approval steps, windows, freezes.",
	HelpHelp:     "list the commands, or explain one.",

	CardActions:     "Your actions: {actions}",
	CardState:       "state",
	CardPeople:      "people",
	CardEffort:      "effort {effort}",
	CardShips:       "ships",
	CardEvidence:    "evidence",
	CardApprovals:   "approvals",
	CardRuns:        "run",
	CardPRs:         "PRs",
	CardCommits:     "commit",
	CardMoreCommits: "… and {n} more",

	ConsoleWelcome: "releasebot console — acting as {person}. Type `help` for commands, `as NAME` to act as someone else ({people}), a number to pick an action, `clock TIME` to move time, `quit` or `exit` to leave.",
	ConsoleHelp:    "Console: `as NAME` switches the acting person; a number runs one of the actions shown last; `clock +2h` or `clock 2026-12-04T22:30` moves time; `lang ko` or `lang en` switches the language for the session (without it, the console speaks the acting person's); `quit` or `exit` leaves. On a terminal, arrows edit the line and up and down go through the history.",
	ConsoleNoPick:  "{person} has no action {n}; pick one of the numbers shown for {person} after the last card.",
	ConsoleAskFor:  "{what}: ",
	ConsoleClock:   "🕒 The clock now reads {time}. Next: carry on; deploy windows, freezes and schedules follow this time now.",

	DoctorAllOK:         "Everything answers.",
	DoctorFailed:        "{n|# check|# checks} failed; fix {n|it|them} from the top (later checks often fail because of an earlier one).",
	DoctorConfigOK:      "{file}: {services|# service|# services}, {people|# person|# people}",
	DoctorConfigBad:     "{error}",
	DoctorRedisOK:       "Redis {version} answers in {ms} ms",
	DoctorRedisDown:     "{error}. Start Redis (`redis-server --daemonize yes --save ''`) or fix REDIS_URL.",
	DoctorRedisOld:      "Redis {version} is too old: the deploy queue needs 6.2 or newer (XAUTOCLAIM).",
	DoctorRedisEmbedded: "REDIS_URL is not set: the bot would use an embedded in-memory Redis, which is lost on exit and not shared by replicas.",
	DoctorSlackOK:       "signed in as {bot} in {team} ({mode})",
	DoctorSlackBad:      "{error}",
	DoctorSlackOff:      "SLACK_BOT_TOKEN is not set: `releasebot` runs the console, not Slack.",
	DoctorGitHubBad:     "{error}",
	DoctorGitHubOff:     "no GitHub credentials: only fake, command and webhook deployers can run.",
	DoctorRepoOK:        "{repo} is readable",
	DoctorRepoBad:       "{repo}: {error}. Check the repository name in the config and that the token or app installation can see it.",

	StageDraft:      "draft",
	StageTested:     "tested",
	StageInApproval: "in approval",
	StageApproved:   "approved",
	StageDeployed:   "deployed",
	WordNobody:      "nobody eligible",
	WordTest:        "Test",
	WordProduction:  "Production",
	WordRollback:    "Rollback",
}
