package github

import (
	"context"
	"fmt"

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

// approve approves the run's wait on its GitHub environment in the name of
// the chat approval, so the team approves once. It reports on the run what
// it did; true means nothing more is to be done.
func (a *Actions) approve(ctx context.Context, owner, repo string, runID int64, r deploy.Request) bool {
	env := a.env(r)
	req, err := a.Client.NewRequest("GET", fmt.Sprintf("repos/%s/%s/actions/runs/%d/pending_deployments", owner, repo, runID), nil)
	if err != nil {
		return false
	}
	var pending []pendingDeployment
	if _, err := a.Client.Do(ctx, req, &pending); err != nil {
		a.log().WarnContext(ctx, "pending deployments not readable", "run", r.Run.ID, "err", deploy.Redact(err))
		return false
	}
	var ids []int64
	for _, p := range pending {
		if p.Environment.Name == env && p.CurrentUserCanApprove {
			ids = append(ids, p.Environment.ID)
		}
	}
	if len(ids) == 0 {
		r.Tell(ctx, msg.T(msg.DetailReviewNotMine, "env", env).String())
		return true
	}
	comment := fmt.Sprintf("Approved in chat: %s (%s). Approvals: %s", r.CSR, r.Run.ID, r.Approvals)
	if _, _, err := a.Client.Actions.PendingDeployments(ctx, owner, repo, runID, &gh.PendingDeploymentsRequest{
		EnvironmentIDs: ids, State: "approved", Comment: comment}); err != nil {
		r.Tell(ctx, msg.T(msg.DetailReviewFailed, "env", env, "error", deploy.Redact(err).Error()).String())
		return true
	}
	r.Tell(ctx, msg.T(msg.DetailReviewApproved, "env", env, "csr", string(r.CSR)).String())
	return true
}
