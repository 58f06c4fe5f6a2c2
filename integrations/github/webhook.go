package github

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	gh "github.com/google/go-github/v62/github"

	"releasebot/csr"
	"releasebot/integrations/deploy"
)

// Reporter records what GitHub told about a run (deployq.Runner).
type Reporter interface {
	Report(ctx context.Context, rep deploy.Report) error
}

// Claimer remembers delivery ids, so a redelivered webhook is dropped
// (redisstore.Store).
type Claimer interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, key string) error
}

// Webhook is the /github/webhook endpoint: it verifies
// X-Hub-Signature-256 and turns workflow_run, workflow_job and
// deployment_status deliveries into run reports. A delivery applied twice
// (redelivered, or also seen by the poller) changes nothing.
type Webhook struct {
	Secret  deploy.Secret
	Reports Reporter
	Claims  Claimer // may be nil: reports are idempotent anyway
	// Unknown tells the Reporter's "no such run" error (deployq.ErrUnknownRun).
	Unknown error
	Log     *slog.Logger
}

// maxPayload is GitHub's own cap on webhook payloads.
const maxPayload = 25 << 20

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if h.Secret.IsZero() {
		http.Error(w, "GitHub webhooks are off: "+EnvWebhookSecret+" is not set", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPayload+1))
	if err != nil || len(body) > maxPayload {
		http.Error(w, "payload unreadable or too large", http.StatusBadRequest)
		return
	}
	if !deploy.Verify(h.Secret, body, r.Header.Get("X-Hub-Signature-256")) {
		h.Log.WarnContext(ctx, "GitHub webhook with a bad signature refused", "remote", r.RemoteAddr, "event", r.Header.Get("X-GitHub-Event"))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	event, delivery := r.Header.Get("X-GitHub-Event"), r.Header.Get("X-GitHub-Delivery")
	if event == "ping" {
		_, _ = io.WriteString(w, "pong\n")
		return
	}
	rep, ok, err := parseEvent(event, body)
	if err != nil {
		http.Error(w, "unreadable "+event+" payload", http.StatusBadRequest)
		return
	}
	if !ok {
		w.WriteHeader(http.StatusAccepted) // an event releasebot does not act on
		return
	}
	key := ""
	if h.Claims != nil && delivery != "" {
		key = "github-delivery:" + delivery
		first, err := h.Claims.Claim(ctx, key, 0)
		switch {
		case err != nil:
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
			return
		case !first:
			h.Log.InfoContext(ctx, "GitHub delivery seen before; dropped", "delivery", delivery, "event", event)
			_, _ = io.WriteString(w, "duplicate delivery\n")
			return
		}
	}
	switch err := h.Reports.Report(ctx, rep); {
	case err == nil:
		w.WriteHeader(http.StatusNoContent)
	case h.Unknown != nil && errors.Is(err, h.Unknown):
		w.WriteHeader(http.StatusAccepted) // a run of another tool, or of another installation
	default:
		h.Log.ErrorContext(ctx, "GitHub webhook not recorded", "event", event, "delivery", delivery, "run", rep.RunID, "err", err)
		if key != "" {
			_ = h.Claims.Release(context.WithoutCancel(ctx), key) // let a redelivery try again
		}
		http.Error(w, "not recorded; redeliver", http.StatusInternalServerError)
	}
}

// parseEvent turns a delivery into a run report; ok is false for events
// and actions that say nothing about a run.
func parseEvent(event string, body []byte) (deploy.Report, bool, error) {
	switch event {
	case "workflow_run":
		var e gh.WorkflowRunEvent
		if err := json.Unmarshal(body, &e); err != nil {
			return deploy.Report{}, false, err
		}
		run := e.GetWorkflowRun()
		// Only a dispatched run can be one the bot started; a push or
		// pull request run of another workflow whose title happens to
		// contain a run id says nothing about it.
		if run == nil || run.GetEvent() != "workflow_dispatch" {
			return deploy.Report{}, false, nil
		}
		rep := deploy.Report{External: handleOf(run).ID, URL: run.GetHTMLURL(), Status: csr.RunRunning}
		// The run id in the title names the bot's run only on that run's
		// own tag; otherwise the queue finds the run by its External.
		if ids := runMarker.FindAllString(run.GetDisplayTitle()+" "+run.GetName(), -1); len(ids) > 0 && run.GetHeadBranch() == TagName(ids[0]) {
			rep.RunID = ids[0]
		}
		if run.GetStatus() == "completed" {
			rep.Status = conclusion(run.GetConclusion())
			if rep.Status != csr.RunSucceeded {
				rep.Detail = "conclusion: " + run.GetConclusion()
			}
		}
		return rep, true, nil
	case "workflow_job":
		var e gh.WorkflowJobEvent
		if err := json.Unmarshal(body, &e); err != nil {
			return deploy.Report{}, false, err
		}
		job := e.GetWorkflowJob()
		if job == nil || e.GetAction() != "completed" || job.GetConclusion() != "failure" {
			return deploy.Report{}, false, nil
		}
		// A failed job is news while the run goes on; the run's own
		// completion (workflow_run, or the poller) settles the result.
		return deploy.Report{External: runExternal(job.GetRunID(), int(job.GetRunAttempt())), Status: csr.RunRunning,
			Detail: failedJobs([]*gh.WorkflowJob{job})}, true, nil
	case "deployment_status":
		var e gh.DeploymentStatusEvent
		if err := json.Unmarshal(body, &e); err != nil {
			return deploy.Report{}, false, err
		}
		if e.Deployment == nil || e.DeploymentStatus == nil {
			return deploy.Report{}, false, nil
		}
		st := e.GetDeploymentStatus()
		status, final := deploymentState(st.GetState())
		if st.GetState() == "inactive" {
			return deploy.Report{}, false, nil
		}
		rep := deploy.Report{RunID: PayloadRun(e.Deployment.Payload), External: deploymentHandle(e.Deployment).ID,
			Status: status, URL: statusURL(st)}
		if final && status != csr.RunSucceeded {
			rep.Detail = st.GetDescription()
		}
		return rep, true, nil
	}
	return deploy.Report{}, false, nil
}
