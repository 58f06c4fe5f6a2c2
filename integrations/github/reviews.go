package github

import (
	"context"
	"fmt"
	"slices"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"releasebot/integrations/deploy"
	"releasebot/msg"
)

// pendingDeployment is one environment a workflow run waits on (GET
// /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments, which
// go-github v62 does not wrap).
type pendingDeployment struct {
	Environment struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"environment"`
	CurrentUserCanApprove bool `json:"current_user_can_approve"`
}

// review handles a run that waits for its environment's required
// reviewers, once per wait. With ApproveReviews the bot approves the wait
// in the name of the chat approval, so the team approves once, and says
// so; when it may not or cannot, it tells the channel and the CSR's
// people that a reviewer must approve it on GitHub, with the run's link.
func (a *Actions) review(ctx context.Context, owner, repo string, run *gh.WorkflowRun, r deploy.Request) {
	env, url, runID := a.env(r), run.GetHTMLURL(), run.GetID()
	if !a.ApproveReviews {
		r.Warn(ctx, msg.T(msg.GitHubReviewWaiting, "env", env, "url", url).String())
		return
	}
	req, err := a.Client.NewRequest("GET", fmt.Sprintf("repos/%s/%s/actions/runs/%d/pending_deployments", owner, repo, runID), nil)
	if err != nil {
		r.Warn(ctx, msg.T(msg.GitHubReviewFailed, "env", env, "error", err.Error(), "url", url).String())
		return
	}
	var pending []pendingDeployment
	if _, err := a.Client.Do(ctx, req, &pending); err != nil {
		a.log().WarnContext(ctx, "pending deployments not readable", "run", r.Run.ID, "err", deploy.Redact(err))
		r.Warn(ctx, msg.T(msg.GitHubReviewFailed, "env", env, "error", answer(err), "url", url).String())
		return
	}
	var ids []int64
	var others []string
	for _, p := range pending {
		switch {
		case p.Environment.Name == env && p.CurrentUserCanApprove:
			ids = append(ids, p.Environment.ID)
		case p.Environment.Name != env && !slices.Contains(others, p.Environment.Name):
			others = append(others, p.Environment.Name)
		}
	}
	if len(ids) == 0 {
		if len(others) > 0 { // the run waits on an environment the deployer does not name
			env = strings.Join(others, ", ")
		}
		r.Warn(ctx, msg.T(msg.GitHubReviewNotMine, "env", env, "url", url).String())
		return
	}
	comment := fmt.Sprintf("Approved in chat: %s (%s). Approvals: %s", r.CSR, r.Run.ID, r.Approvals)
	if _, _, err := a.Client.Actions.PendingDeployments(ctx, owner, repo, runID, &gh.PendingDeploymentsRequest{
		EnvironmentIDs: ids, State: "approved", Comment: comment}); err != nil {
		a.log().WarnContext(ctx, "approving the environment's wait failed", "run", r.Run.ID, "err", deploy.Redact(err))
		r.Warn(ctx, msg.T(msg.GitHubReviewFailed, "env", env, "error", answer(err), "url", url).String())
		return
	}
	r.Tell(ctx, msg.T(msg.DetailReviewApproved, "env", env, "csr", string(r.CSR)).String())
}
