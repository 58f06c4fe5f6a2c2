package deployq

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/store"
)

// Report records what a deploy system told about a run: from a webhook
// delivery, a callback or a poll. It is idempotent: a report already
// applied returns nil and changes nothing. A report about a run this
// installation does not know returns ErrUnknownRun.
func (r *Runner) Report(ctx context.Context, rep deploy.Report) error {
	if rep.RunID == "" && rep.External != "" {
		run, err := r.jobs.RunForExternal(ctx, rep.External)
		if err != nil {
			return err
		}
		if legacy, ok := strings.CutSuffix(rep.External, "/1"); run == "" && ok && strings.HasPrefix(legacy, "workflow_run:") {
			// Linked before attempts were part of the id.
			if run, err = r.jobs.RunForExternal(ctx, legacy); err != nil {
				return err
			}
		}
		rep.RunID = run
	}
	if rep.RunID == "" {
		return ErrUnknownRun
	}
	return r.apply(ctx, rep, nil)
}

// ErrNotOurRun: a report names a run of the deployer that is not the one
// linked to the bot's run (another workflow's, a manual one, a re-run
// attempt). It changes nothing; callers treat it like ErrUnknownRun.
var ErrNotOurRun = fmt.Errorf("the report is about another run than the one the bot follows: %w", ErrUnknownRun)

// apply records rep on its run's CSR. j is the job of this process that
// performs the run, when it is the one reporting (nil for webhooks,
// callbacks and polls): its copy of the CSR saves a read, and its finish
// marks the result announced.
func (r *Runner) apply(ctx context.Context, rep deploy.Report, j *job) error {
	now := r.clock.Now()
	update := func(m store.Mutation) (csr.CSR, []csr.Event, error) {
		if j == nil {
			return r.store.Update(ctx, store.CSROf(rep.RunID), m)
		}
		c, evs, err := r.store.UpdateRun(ctx, j.lastCSR(), m, store.RunWrite{Production: j.productionRead()})
		if err == nil {
			j.seen(c)
		}
		return c, evs, err
	}
	c, evs, err := update(func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		run, ok := findRun(c, rep.RunID)
		if ok && rep.External != "" && !SameExternal(run.External, rep.External) {
			// Only the run the bot linked may change the CSR: an unlinked
			// run is linked by the worker that found it by its identity,
			// never by a delivery that merely names it.
			return c, nil, ErrNotOurRun
		}
		if !rep.Status.Done() {
			return c.UpdateRun(rep.RunID, rep.Status, rep.URL, clip(rep.Detail, csr.MaxText), now)
		}
		detail := rep.Detail
		if rep.Status == csr.RunFailed && run.Detail != "" && !strings.Contains(detail, run.Detail) {
			// Keep what was learnt while it ran (the failed job and step)
			// beside the final word.
			detail = run.Detail + "; " + detail
		}
		return c.UpdateRun(rep.RunID, rep.Status, rep.URL, clip(detail, csr.MaxText), now)
	})
	var refusal *csr.Refusal
	switch {
	case errors.Is(err, csr.ErrNoChange):
		return nil
	case errors.Is(err, ErrNotOurRun):
		r.log.InfoContext(ctx, "report about a run that is not the one linked; ignored", "run", rep.RunID, "external", deploy.RedactText(rep.External))
		return fmt.Errorf("%s: %w", rep.RunID, ErrNotOurRun)
	case errors.Is(err, store.ErrNotFound), errors.As(err, &refusal) && refusal.Rule == csr.RuleUnknownRun:
		return fmt.Errorf("%s: %w", rep.RunID, ErrUnknownRun)
	case err != nil:
		return fmt.Errorf("record %s %s: %w", rep.RunID, rep.Status, err)
	}
	if !rep.Status.Done() {
		if r.effects != nil {
			r.effects.Emit(ctx, c, csr.System, evs) // redraws the card; an unknown outcome is announced
		}
		return nil
	}
	r.log.InfoContext(ctx, "run finished", "csr", c.ID, "run", rep.RunID, "status", rep.Status)
	// A job of this process still following the run can stop now; one in
	// another process notices on its next heartbeat.
	r.mu.Lock()
	stop := r.active[rep.RunID]
	r.mu.Unlock()
	if stop != nil {
		stop(errRecorded)
	}
	if r.effects != nil {
		r.effects.Emit(ctx, c, csr.System, evs)
	}
	if j != nil {
		return nil // its finish marks it announced
	}
	if _, err := r.jobs.MarkAnnounced(ctx, rep.RunID); err != nil {
		r.log.WarnContext(ctx, "announcement not marked", "run", rep.RunID, "err", err)
	}
	return nil
}

// SameExternal reports whether two deployer ids name the same run. A
// workflow run linked before attempts were part of the id
// ("workflow_run:7") is its first attempt ("workflow_run:7/1").
func SameExternal(linked, reported string) bool {
	norm := func(s string) string {
		if strings.HasPrefix(s, "workflow_run:") && !strings.Contains(s, "/") {
			return s + "/1"
		}
		return s
	}
	return linked != "" && norm(linked) == norm(reported)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return "…" + string(r[len(r)-n+1:])
	}
	return s
}
