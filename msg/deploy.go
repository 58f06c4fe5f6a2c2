package msg

// Sentences of real deployers, the deploy queue and GitHub.
const (
	NoteRunQueued ID = "note.run_queued"
	NoteRunTurn   ID = "note.run_turn"
	NoteCommits   ID = "note.commits"

	DetailStartUnknown   ID = "detail.start_unknown"
	DetailNoService      ID = "detail.no_service"
	DetailCancelled      ID = "detail.cancelled"
	DetailCSRCancelled   ID = "detail.csr_cancelled"
	DetailReviewApproved ID = "detail.review_approved"

	// Refs on the source host (integrations/github.Refs, `test`).
	RefuseUnknownRef  ID = "refuse.unknown_ref"
	NextUnknownRef    ID = "next.unknown_ref"
	RefuseUnknownRepo ID = "refuse.unknown_repo"
	NextUnknownRepo   ID = "next.unknown_repo"
	RefuseGitHubDown  ID = "refuse.github_down"
	ReplyRefMoved     ID = "reply.ref_moved"
)

var deployEnglish = Catalog{
	NoteRunQueued: "⏳ {run} of {csr} waits in line for {service}/{env}: number {position}, after {ahead}. It starts by itself when its turn comes.",
	NoteRunTurn:   "▶️ {run} of {csr} reached the front of the line for {service}/{env} and is deploying now.",
	NoteCommits:   "{csr} ships {count|# commit|# commits} of {repo} from {base} to {head}:{commits}{prs}",

	DetailStartUnknown:   "a bot process stopped while starting this run and the {deployer} deployer cannot tell whether it started; check it there, then run it again.",
	DetailNoService:      "service {service} is no longer in the configuration.",
	DetailCancelled:      "cancelled before it finished.",
	DetailCSRCancelled:   "{csr} was cancelled before this run started.",
	DetailReviewApproved: "approved the wait on GitHub environment {env} for its required reviewers, as {csr} is fully approved in chat.",

	RefuseUnknownRef:  "there is no branch, tag or commit `{ref}` in {repo}; nothing was changed.",
	NextUnknownRef:    "check the branch name and that it is pushed to {repo}, or name the commit with `--sha`.",
	RefuseUnknownRepo: "GitHub shows the bot no repository {repo}, so `{ref}` could not be looked up; nothing was changed.",
	NextUnknownRepo:   "ask an admin to check the service's `repo` in the config and that the bot's GitHub access can read {repo}.",
	RefuseGitHubDown:  "GitHub could not be reached to look up `{ref}` in {repo}; nothing was changed.",
	ReplyRefMoved:     "`{ref}` moved from {from} to {to}: {csr} now ships {to}.",
}
