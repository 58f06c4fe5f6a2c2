package msg

// Sentences of the operator commands in chat: release figures (stats),
// the audit trail (audit) and the running bot's diagnosis (doctor).
const (
	HelpStats  ID = "help.stats"
	HelpAudit  ID = "help.audit"
	HelpDoctor ID = "help.doctor"

	OpsStatsHeadService ID = "ops.stats_head_service"
	OpsStatsHeadAll     ID = "ops.stats_head_all"
	OpsStatsDeploys     ID = "ops.stats_deploys"
	OpsStatsLead        ID = "ops.stats_lead"
	OpsStatsFailure     ID = "ops.stats_failure"
	OpsStatsRestore     ID = "ops.stats_restore"
	OpsStatsStep        ID = "ops.stats_step"
	OpsStatsSummary     ID = "ops.stats_summary"
	OpsStatsNoData      ID = "ops.stats_no_data"
	OpsStatsWant        ID = "ops.stats_want"

	OpsAuditHead  ID = "ops.audit_head"
	OpsAuditLine  ID = "ops.audit_line"
	OpsAuditMore  ID = "ops.audit_more"
	OpsAuditNone  ID = "ops.audit_none"
	OpsAuditWant  ID = "ops.audit_want"
	OpsDoctorLine ID = "ops.doctor_line"
	OpsNotWired   ID = "ops.not_wired"
	OpsNextCLI    ID = "ops.next_cli"

	// ReplyHelpAliases lists the Korean words that stand for verbs.
	ReplyHelpAliases ID = "reply.help_aliases"
)

var opsEnglish = Catalog{
	HelpStats:  "release figures of one service or all: deploys per week, lead time, change failure rate, time to restore, and how long each approval step waits.",
	HelpAudit:  "admins: the transitions of a period (who moved which CSR from what to what); `releasebot audit` exports them whole as CSV or JSON.",
	HelpDoctor: "admins: check Redis, the release store, Slack and GitHub from the running bot.",

	OpsStatsHeadService: "📊 {service}, the last {days|one day|# days} ({from} – {to}):",
	OpsStatsHeadAll:     "📊 All services, the last {days|one day|# days} ({from} – {to}):",
	OpsStatsDeploys:     "• Production deploys: {deploys} ({succeeded} succeeded), {rate} a week",
	OpsStatsLead:        "• Lead time from `new` to deployed: {summary}",
	OpsStatsFailure:     "• Change failure rate: {pct}% ({failures|one failed deploy or rollback|# failed deploys and rollbacks})",
	OpsStatsRestore:     "• Time to restore after a failure: {summary}",
	OpsStatsStep:        "• Wait at step `{step}`: {summary}",
	OpsStatsSummary:     "median {median}, p90 {ninety} ({n|one CSR|# CSRs})",
	OpsStatsNoData:      "no data yet",
	OpsStatsWant:        "a number of days from 1 to 366",

	OpsAuditHead: "🧾 {n|One transition|# transitions} from {from} to {to}{scope}:",
	OpsAuditLine: "• {at} {csr} ({service}) `{action}` {from} → {to} by @{by}{note}",
	OpsAuditMore: "…and {n|one more|# more}. The whole trail: `releasebot audit --since {since} --until {until}` (CSV or JSON).",
	OpsAuditNone: "No transition from {from} to {to}{scope}.",
	OpsAuditWant: "a date like 2026-11-01",
	// mark is ✓, ✗ or –; name is the part checked.
	OpsDoctorLine: "{mark} *{name}*: {text}",
	OpsNotWired:   "`{verb}` is not available in this bot.",
	OpsNextCLI:    "run `releasebot {verb}` where the bot runs, with the same REDIS_URL.",

	ReplyHelpAliases: "In Korean too: {aliases}.",
}
