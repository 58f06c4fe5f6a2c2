package msg

// Sentences of reminders and scheduled deploys.
const (
	HelpUnschedule ID = "help.unschedule"

	RefuseAtWithOverride ID = "refuse.at_with_override"
	NextAtOrOverride     ID = "next.at_or_override"

	NoteScheduled       ID = "note.scheduled"
	NoteUnscheduled     ID = "note.unscheduled"
	NoteScheduledStart  ID = "note.scheduled_start"
	NoteScheduledLate   ID = "note.scheduled_late"
	NoteScheduledRefuse ID = "note.scheduled_refused"
	NoteScheduledMissed ID = "note.scheduled_missed"
	HistScheduleRefused ID = "hist.schedule_refused"
	HistRescheduled     ID = "hist.rescheduled"
	ReasonSuffix        ID = "note.reason_suffix"

	NoteRemindApprovals    ID = "note.remind_approvals"
	NoteRemindApprovalsAll ID = "note.remind_approvals_all"
	NoteNobodyEligible     ID = "note.nobody_eligible"
	NoteRemindApproval     ID = "note.remind_approval_item"
	NoteRemindDeploys      ID = "note.remind_deploys"
	NoteRemindDeploy       ID = "note.remind_deploy_item"
	NoteRemindDeployWarn   ID = "note.remind_deploy_item_warn"
	NoteRemindStuck        ID = "note.remind_stuck"
	NoteRemindStuckItem    ID = "note.remind_stuck_item"
	NoteRemindFreezes      ID = "note.remind_freezes"
	NoteRemindFreezeStart  ID = "note.remind_freeze_start"
	NoteRemindFreezeEnd    ID = "note.remind_freeze_end"
	NoteRemindMore         ID = "note.remind_more"
)

var scheduleEnglish = Catalog{
	HelpUnschedule: "take a scheduled CSR off the schedule; it is `approved` again and nothing deploys.",

	RefuseAtWithOverride: "`--at` and `--override` do not go together: a scheduled deploy starts only inside the deploy window and outside freezes.",
	NextAtOrOverride:     "schedule it inside the window with `deploy {csr} --at 22:30`, or deploy now with `deploy {csr} --override \"reason\"` (admins).",

	NoteScheduled:       "📅 {by} scheduled the production deploy of {csr} to {env} for {when}. ▶ {next}",
	NoteUnscheduled:     "{by} took {csr} off the schedule (it was set for {when}); it is `approved` again.{reason} ▶ {next}",
	NoteScheduledStart:  "⏰ {csr} was scheduled for {when}; its production deploy is under way.",
	NoteScheduledLate:   "⏰ {csr} was scheduled to deploy at {when}, but no bot was running then. The deploy window is still open, so it started now, {late} late.",
	NoteScheduledRefuse: "⚠️ The scheduled production deploy of {csr} ({when}) did not start: {why} {csr} is `approved` again; {owners} may schedule it anew. Next: {next}",
	NoteScheduledMissed: "⚠️ {csr} was scheduled to deploy at {when}, but no bot was running then, and now {why} The deploy did not start; {csr} is `approved` again and {owners} may schedule it anew. Next: {next}",
	HistScheduleRefused: "scheduled for {when}, not started: {why}",
	HistRescheduled:     "moved from {was}",
	ReasonSuffix:        " Reason: {reason}",

	NoteRemindApprovals:    "⏳ Approvals waiting longer than {threshold}:\n{items}",
	NoteRemindApprovalsAll: "⏳ Approvals waiting:\n{items}",
	NoteNobodyEligible:     "nobody eligible (ask an admin to fix the approval line)",
	NoteRemindApproval:     "• {csr} \"{title}\" ({service}) has waited {waited} at step {n}/{total} `{step}` for {missing|1 more approval|# more approvals} from {people}: `approve {csr}` or `reject {csr} \"reason\"`.",
	NoteRemindDeploys:      "📅 Production deploys scheduled in the next {within}:\n{items}",
	NoteRemindDeploy:       "• {when}: {csr} \"{title}\" ({service}) to {env}, by {owners}; window {window}.",
	NoteRemindDeployWarn:   "• {when}: {csr} \"{title}\" ({service}) to {env}, by {owners}; window {window}. ⚠️ As things stand it will not start: {why}",
	NoteRemindStuck:        "🚧 CSRs stuck after a failed deploy:\n{items}",
	NoteRemindStuckItem:    "• {csr} \"{title}\" ({service}) is `{state}` since {since} ({ago}). {next}",
	NoteRemindFreezes:      "❄️ Freezes starting or ending in the next {within}:\n{items}",
	NoteRemindFreezeStart:  "• {service} freezes from {from} until {until}: {reason}",
	NoteRemindFreezeEnd:    "• {service} is frozen until {until}: {reason}",
	NoteRemindMore:         "• …and {count} more.",
}
