package msg

// Sentences of the GitHub deployers (integrations/github) and of the
// doctor's GitHub checks.
const (
	// Required reviewers of a GitHub environment (github-actions).
	GitHubReviewWaiting ID = "github.review_waiting"
	GitHubReviewNotMine ID = "github.review_not_mine"
	GitHubReviewFailed  ID = "github.review_failed"

	// How a workflow run ended, beyond GitHub's conclusion.
	GitHubTimedOutCancelled ID = "github.timed_out_cancelled"
	GitHubReviewTimedOut    ID = "github.review_timed_out"
	GitHubWrongCommit       ID = "github.wrong_commit"
	GitHubDeploymentCommit  ID = "github.deployment_commit"

	// doctor: the workflow contract of a github-actions deployer.
	DoctorWorkflowOK         ID = "doctor.workflow_ok"
	DoctorWorkflowBad        ID = "doctor.workflow_bad"
	DoctorWorkflowMissing    ID = "doctor.workflow_missing"
	DoctorWorkflowInactive   ID = "doctor.workflow_inactive"
	DoctorWorkflowUnreadable ID = "doctor.workflow_unreadable"
	DoctorWorkflowBadYAML    ID = "doctor.workflow_bad_yaml"
	DoctorWorkflowNoDispatch ID = "doctor.workflow_no_dispatch"
	DoctorWorkflowUndeclared ID = "doctor.workflow_undeclared"
	DoctorWorkflowRequired   ID = "doctor.workflow_required"
	DoctorWorkflowNoMarker   ID = "doctor.workflow_no_marker"
	// doctor: the environment of a github-deployment deployer.
	DoctorEnvironmentOK  ID = "doctor.environment_ok"
	DoctorEnvironmentBad ID = "doctor.environment_bad"
	DoctorEnvironmentErr ID = "doctor.environment_err"
)

var githubEnglish = Catalog{
	GitHubReviewWaiting: "the run waits for the required reviewers of GitHub environment {env}: a reviewer must approve it on GitHub: {url}",
	GitHubReviewNotMine: "the run waits for the required reviewers of GitHub environment {env}, and the bot's GitHub identity is not one of them: a reviewer must approve it on GitHub: {url}",
	GitHubReviewFailed:  "the run waits for the required reviewers of GitHub environment {env}, and approving it for them failed ({error}): a reviewer must approve it on GitHub: {url}",

	GitHubTimedOutCancelled: "timed out after {timeout}; cancelled on GitHub.",
	GitHubReviewTimedOut:    "waited {timeout} for the required reviewers of GitHub environment {env}; cancelled on GitHub.",
	GitHubWrongCommit:       "the workflow run built commit {got}, not the approved commit {want}, so it does not count as deployed.",
	GitHubDeploymentCommit:  "the GitHub deployment is of commit {got}, not the approved commit {want}, so it does not count as deployed.",

	DoctorWorkflowOK:         "{service}/{env}: workflow {workflow} of {repo} accepts the bot's dispatch (checked on {branch}; a deploy runs the workflow file of the commit it deploys).",
	DoctorWorkflowBad:        "{service}/{env}: workflow {workflow} of {repo} {problem}",
	DoctorWorkflowMissing:    "does not exist: add .github/workflows/{workflow} on the default branch, or fix `workflow` in the config.",
	DoctorWorkflowInactive:   "is {state}: enable it in the repository's Actions tab.",
	DoctorWorkflowUnreadable: "could not be read ({error}): check that the token or app installation may read Actions and contents.",
	DoctorWorkflowBadYAML:    "is not valid YAML ({error}): fix the file.",
	DoctorWorkflowNoDispatch: "has no `workflow_dispatch` trigger under `on:`: add it, or the bot cannot start the workflow.",
	DoctorWorkflowUndeclared: "does not declare the inputs {inputs} that the bot sends, so GitHub refuses every dispatch (422 Unexpected inputs provided): declare them under on.workflow_dispatch.inputs, or remove them from the deployer's inputs in the config.",
	DoctorWorkflowRequired:   "requires the inputs {inputs} that the bot does not send, so GitHub refuses every dispatch: give them a default or make them optional, or set them in the deployer's inputs in the config.",
	DoctorWorkflowNoMarker:   "has a run-name without {marker}, so the bot cannot recognize the run it started: set run-name: \"Deploy {example}\".",

	DoctorEnvironmentOK:  "{service}/{env}: GitHub environment {environment} exists in {repo}.",
	DoctorEnvironmentBad: "{service}/{env}: GitHub environment {environment} does not exist in {repo}: create it (Settings → Environments), or fix `environment` in the config.",
	DoctorEnvironmentErr: "{service}/{env}: GitHub environment {environment} of {repo} could not be read ({error}).",
}
