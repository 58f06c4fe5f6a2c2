package msg

// Sentences of the integrity rule: unknown outcomes and how they are
// settled, what production runs, which commit ships.
const (
	RefuseNothingToResolve ID = "refuse.nothing_to_resolve"
	RefuseResolveOutcome   ID = "refuse.resolve_outcome"
	RefuseResolveChecked   ID = "refuse.resolve_checked"
	NextResolve            ID = "next.resolve"
	DetailResolved         ID = "detail.resolved"
	NoteRunUnknown         ID = "note.run_unknown"
	NoteRunProgress        ID = "note.run_progress"
	ReplyResolved          ID = "reply.resolved"
	HelpResolve            ID = "help.resolve"
	NextRunUnknown         ID = "next.run_unknown"

	DetailFollowLost     ID = "detail.follow_lost"
	DetailProcessDied    ID = "detail.process_died"
	DetailStartAmbiguous ID = "detail.start_ambiguous"
)

var integrityEnglish = Catalog{
	RefuseNothingToResolve: "{csr} has no run whose outcome is unknown; there is nothing to resolve.",
	RefuseResolveOutcome:   "`{outcome}` is not an outcome to resolve a run with.",
	RefuseResolveChecked:   "say what you checked, so the record shows why the outcome is known.",
	NextResolve:            "check the deploy where it ran, then: `resolve {csr} succeeded \"what I checked\"` or `resolve {csr} failed \"what I checked\"`.",
	DetailResolved:         "resolved by {by}: {checked}",
	NoteRunUnknown:         "❓ {people} the outcome of {kind} run {run} of {csr} on {env} is unknown: {detail}{link}\nThe deploy may still be going on, so {env} stays locked and I keep checking. When you know, tell me: `resolve {csr} succeeded \"what I checked\"` or `resolve {csr} failed \"what I checked\"`.",
	NoteRunProgress:        "ℹ️ {people} {run} of {csr} on {env}: {detail}{link}",
	ReplyResolved:          "Recorded: {run} of {csr} {status}, on your word ({checked}).",
	HelpResolve:            "settle a run whose outcome the bot could not know, after you checked it.",
	NextRunUnknown:         "the outcome of {run} is unknown; check the deploy where it ran, then `resolve {csr} succeeded|failed \"what I checked\"`.",

	DetailFollowLost:     "the bot could not follow the run any more ({error}); it may still be deploying. Check it at its link.",
	DetailProcessDied:    "the bot process running this deploy stopped before it finished, and the deploy's processes were stopped with it. What it changed before it stopped is not known: check {env}.",
	DetailStartAmbiguous: "starting the run got an unclear answer ({error}) and no run of it was found afterwards; it may or may not have started. Check the deployer.",
}
