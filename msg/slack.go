package msg

// Sentences of the Slack adapter: modals, buttons, App Home, set-up errors.
const (
	SlackSetupMissing       ID = "slack.setup.missing"
	SlackSetupBadToken      ID = "slack.setup.bad_token"
	SlackSetupBadChars      ID = "slack.setup.bad_chars"
	SlackSetupSecretIsToken ID = "slack.setup.secret_is_token"
	SlackSetupBadURL        ID = "slack.setup.bad_url"

	SlackBusy ID = "slack.busy"
	SlackBy   ID = "slack.by"

	SlackHelpHeader ID = "slack.help.header"
	SlackHelpLine   ID = "slack.help.line"
	SlackHelpFooter ID = "slack.help.footer"

	SlackCardService   ID = "slack.card.service"
	SlackCardState     ID = "slack.card.state"
	SlackCardRequester ID = "slack.card.requester"
	SlackCardAssignee  ID = "slack.card.assignee"
	SlackCardEffort    ID = "slack.card.effort"
	SlackCardShips     ID = "slack.card.ships"
	SlackCardApprovals ID = "slack.card.approvals"
	SlackCardEvidence  ID = "slack.card.evidence"
	SlackCardRuns      ID = "slack.card.runs"
	SlackCardNext      ID = "slack.card.next"
	SlackStepDone      ID = "slack.step.done"
	SlackStepOpen      ID = "slack.step.open"
	SlackStepSoFar     ID = "slack.step.so_far"
	SlackStepWaiting   ID = "slack.step.waiting"
	SlackStepRejected  ID = "slack.step.rejected"
	SlackApprovalBy    ID = "slack.approval.by"
	SlackApprovalStep  ID = "slack.approval.step"
	SlackRunLine       ID = "slack.run.line"
	SlackRunLink       ID = "slack.run.link"

	SlackButtonTest      ID = "slack.button.test"
	SlackButtonSubmit    ID = "slack.button.submit"
	SlackButtonApprove   ID = "slack.button.approve"
	SlackButtonReject    ID = "slack.button.reject"
	SlackButtonDeploy    ID = "slack.button.deploy"
	SlackButtonRevise    ID = "slack.button.revise"
	SlackButtonCancel    ID = "slack.button.cancel"
	SlackButtonRollback  ID = "slack.button.rollback"
	SlackButtonEvidence  ID = "slack.button.evidence"
	SlackConfirmTitle    ID = "slack.confirm.title"
	SlackConfirmDeploy   ID = "slack.confirm.deploy"
	SlackConfirmCancel   ID = "slack.confirm.cancel"
	SlackConfirmRollback ID = "slack.confirm.rollback"
	SlackConfirmYes      ID = "slack.confirm.yes"
	SlackConfirmNo       ID = "slack.confirm.no"

	SlackDMAsk          ID = "slack.dm.ask"
	SlackDMAbout        ID = "slack.dm.about"
	SlackDMApprovals    ID = "slack.dm.approvals"
	SlackDMCommits      ID = "slack.dm.commits"
	SlackDMDescription  ID = "slack.dm.description"
	SlackDMRisk         ID = "slack.dm.risk"
	SlackDMNoEvidence   ID = "slack.dm.no_evidence"
	SlackDMBefore       ID = "slack.dm.before"
	SlackDMYouApproved  ID = "slack.dm.you_approved"
	SlackDMYouRejected  ID = "slack.dm.you_rejected"
	SlackDMStepDone     ID = "slack.dm.step_done"
	SlackDMStepComplete ID = "slack.dm.step_complete"
	SlackDMRejected     ID = "slack.dm.rejected"
	SlackDMNotWaiting   ID = "slack.dm.not_waiting"

	// An approval request of a round that ended, and a click on one.
	SlackRoundRejected     ID = "slack.round.rejected"
	SlackRoundVoided       ID = "slack.round.voided"
	SlackRoundCancelled    ID = "slack.round.cancelled"
	SlackRoundCompleted    ID = "slack.round.completed"
	SlackRefuseOldRound    ID = "slack.refuse.old_round"
	SlackFormBadValue      ID = "slack.form.bad_value"
	SlackNextNewestRequest ID = "slack.next.newest_request"

	SlackFormNewTitle      ID = "slack.form.new_title"
	SlackFormEvidenceTitle ID = "slack.form.evidence_title"
	SlackFormRejectTitle   ID = "slack.form.reject_title"
	SlackFormCreate        ID = "slack.form.create"
	SlackFormAdd           ID = "slack.form.add"
	SlackFormRejectSubmit  ID = "slack.form.reject_submit"
	SlackFormClose         ID = "slack.form.close"
	SlackFormPickService   ID = "slack.form.pick_service"
	SlackFormPickPerson    ID = "slack.form.pick_person"
	SlackFormRejecting     ID = "slack.form.rejecting"
	SlackFormUnknownPerson ID = "slack.form.unknown_person"
	SlackFormFailed        ID = "slack.form.failed"
	SlackFieldService      ID = "slack.field.service"
	SlackFieldTitle        ID = "slack.field.title"
	SlackFieldRef          ID = "slack.field.ref"
	SlackFieldAssignee     ID = "slack.field.assignee"
	SlackFieldEffort       ID = "slack.field.effort"
	SlackFieldDescription  ID = "slack.field.description"
	SlackFieldCSR          ID = "slack.field.csr"
	SlackFieldURL          ID = "slack.field.url"
	SlackFieldNote         ID = "slack.field.note"
	SlackFieldReason       ID = "slack.field.reason"
	SlackHintRef           ID = "slack.hint.ref"
	SlackHintAssignee      ID = "slack.hint.assignee"
	SlackHintURL           ID = "slack.hint.url"
	SlackHintReason        ID = "slack.hint.reason"
	SlackPlaceholderTitle  ID = "slack.placeholder.title"
	SlackPlaceholderRef    ID = "slack.placeholder.ref"
	SlackPlaceholderEffort ID = "slack.placeholder.effort"
	SlackPlaceholderURL    ID = "slack.placeholder.url"
	SlackPlaceholderNote   ID = "slack.placeholder.note"

	SlackHomeTitle   ID = "slack.home.title"
	SlackHomeWaiting ID = "slack.home.waiting"
	SlackHomeNothing ID = "slack.home.nothing"
	SlackHomeMine    ID = "slack.home.mine"
	SlackHomeNone    ID = "slack.home.none"
	SlackHomeLine    ID = "slack.home.line"
	SlackHomeFooter  ID = "slack.home.footer"
)

var slackEnglish = Catalog{
	SlackSetupMissing:       "{var} is not set. Set it in the bot's environment (see the Slack section of the README).",
	SlackSetupBadToken:      "{var} does not hold {kind}. Copy it again from the app's settings page.",
	SlackSetupBadChars:      "{var} looks malformed (too short, or it contains spaces, quotes or line breaks). Copy it again from the app's settings page.",
	SlackSetupSecretIsToken: "{var} holds a token, not the signing secret. The signing secret is under Basic Information > App Credentials.",
	SlackSetupBadURL:        "{var} must be an http(s) base URL such as https://slack.com/api/.",

	SlackBusy: "⏳ I am too busy to take this right now, and nothing was done. Try again in a moment.",
	SlackBy:   "(by {who})",

	SlackHelpHeader: "*releasebot* runs the release flow: type a command after `{command}`, mention me in a channel, or write to me directly.",
	SlackHelpLine:   "`{command} {example}`: {summary}",
	SlackHelpFooter: "`{command} new` alone opens a form. `{command} help VERB` explains one command. CSR ids look like {example}; quote text with spaces.",

	SlackCardService:   "Service",
	SlackCardState:     "State",
	SlackCardRequester: "Requester",
	SlackCardAssignee:  "Assignee",
	SlackCardEffort:    "Effort",
	SlackCardShips:     "Ships",
	SlackCardApprovals: "Approvals",
	SlackCardEvidence:  "Test evidence",
	SlackCardRuns:      "Deploy runs",
	SlackCardNext:      "▶ {next}",
	SlackStepDone:      "✓ {n}/{total} `{step}`: approved by {who}",
	SlackStepOpen:      "● {n}/{total} `{step}`: {got}/{required}, waiting on {people}",
	SlackStepSoFar:     "(so far: {who})",
	SlackStepWaiting:   "○ {n}/{total} `{step}`",
	SlackStepRejected:  "✗ rejected at `{step}` by {by} ({at}): {reason}",
	SlackApprovalBy:    "{who} ({at})",
	SlackApprovalStep:  "{who} at `{step}` ({at})",
	SlackRunLine:       "`{run}` → {env}: {status} ({at})",
	SlackRunLink:       "<{url}|open run>",

	SlackButtonTest:      "Run test deploy",
	SlackButtonSubmit:    "Submit for approval",
	SlackButtonApprove:   "Approve",
	SlackButtonReject:    "Reject…",
	SlackButtonDeploy:    "Deploy to production",
	SlackButtonRevise:    "Revise",
	SlackButtonCancel:    "Cancel CSR",
	SlackButtonRollback:  "Roll back",
	SlackButtonEvidence:  "Add evidence…",
	SlackConfirmTitle:    "Are you sure?",
	SlackConfirmDeploy:   "Deploy {csr} to production now?",
	SlackConfirmCancel:   "Cancel {csr}? A cancelled CSR cannot be reopened.",
	SlackConfirmRollback: "Roll back {csr} to the commit that was in production before?",
	SlackConfirmYes:      "Yes",
	SlackConfirmNo:       "No",

	SlackDMAsk:          "*{csr}* · {service} · *{title}* waits for your approval at step `{step}` ({n}/{total}).",
	SlackDMAbout:        "*{csr}* · {service} · *{title}*: approval step `{step}` ({n}/{total}).",
	SlackDMApprovals:    "Approvals: {who}",
	SlackDMCommits:      "What ships",
	SlackDMDescription:  "Description",
	SlackDMRisk:         "Risk",
	SlackDMNoEvidence:   "No test evidence is attached.",
	SlackDMBefore:       "Approved before you: {who}",
	SlackDMYouApproved:  "✓ You approved {csr} at step `{step}` ({at}).",
	SlackDMYouRejected:  "✗ You rejected {csr} ({at}): {reason}",
	SlackDMStepDone:     "Step `{step}` is complete.",
	SlackDMStepComplete: "✓ Step `{step}` of {csr} is complete (approved by {who}); nothing more is needed from you.",
	SlackDMRejected:     "✗ {csr} was rejected by {by}: {reason}. Nothing is needed from you now.",
	SlackDMNotWaiting:   "{csr} is {state} and no longer waits for your decision.",

	SlackRoundRejected:     "✗ This request for {csr} is closed: its approval round ended when {by} rejected it ({reason}). A new round sends you a new request.",
	SlackRoundVoided:       "This request for {csr} is closed: its approval round ended when the CSR was changed and its approvals were voided. A new round sends you a new request.",
	SlackRoundCancelled:    "This request for {csr} is closed: the CSR was cancelled.",
	SlackRoundCompleted:    "✓ This request for {csr} is closed: its approval round was completed.",
	SlackFormBadValue:      "“{value}” does not fit here: give {want}.",
	SlackRefuseOldRound:    "this request belongs to an earlier approval round of {csr}, which has ended.",
	SlackNextNewestRequest: "use the newest request about {csr} in your messages, or type `show {csr}` to see where it stands.",

	SlackFormNewTitle:      "New CSR",
	SlackFormEvidenceTitle: "Add test evidence",
	SlackFormRejectTitle:   "Reject CSR",
	SlackFormCreate:        "Create",
	SlackFormAdd:           "Add",
	SlackFormRejectSubmit:  "Reject",
	SlackFormClose:         "Cancel",
	SlackFormPickService:   "Pick a service",
	SlackFormPickPerson:    "Pick a person",
	SlackFormRejecting:     "You are rejecting *{csr}* {title}. The requester will see your reason.",
	SlackFormUnknownPerson: "This person is not in releasebot's list of people; pick someone from the config.",
	SlackFormFailed:        "I could not open the form. Type the whole command instead: see `{command} help {verb}`.",
	SlackFieldService:      "Service",
	SlackFieldTitle:        "Title",
	SlackFieldRef:          "What it ships",
	SlackFieldAssignee:     "Assignee",
	SlackFieldEffort:       "Effort",
	SlackFieldDescription:  "Description",
	SlackFieldCSR:          "CSR",
	SlackFieldURL:          "Link to the evidence",
	SlackFieldNote:         "What was tested",
	SlackFieldReason:       "Reason",
	SlackHintRef:           "A branch, tag or commit SHA of the service's repository.",
	SlackHintAssignee:      "Who carries it out, if not you.",
	SlackHintURL:           "A test report, CI run or checklist an approver can open.",
	SlackHintReason:        "Say what must change for you to approve it.",
	SlackPlaceholderTitle:  "Fix rounding of invoice totals",
	SlackPlaceholderRef:    "main",
	SlackPlaceholderEffort: "4h",
	SlackPlaceholderURL:    "https://ci.example.com/run/42",
	SlackPlaceholderNote:   "regression suite green",

	SlackHomeTitle:   "Releases",
	SlackHomeWaiting: "Waiting on you ({count})",
	SlackHomeNothing: "Nothing waits on you. 🎉",
	SlackHomeMine:    "Your other CSRs ({count})",
	SlackHomeNone:    "You have no other CSRs.",
	SlackHomeLine:    "*{csr}* · {service} · {title} · {state}",
	SlackHomeFooter:  "Type `{command} help` for every command, or `{command} new` to open a CSR.",
}
