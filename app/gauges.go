package app

import (
	"context"
	"fmt"
	"time"

	"releasebot/csr"
	"releasebot/insights"
	"releasebot/internal/metrics"
	"releasebot/internal/store"
	"releasebot/scheduler"
)

// approvalPage is how many CSRs in approval one scrape reads per service:
// one page, so a scrape costs one listing per service whatever the
// backlog; CSRs beyond it are counted in releasebot_approvals_unread.
const approvalPage = 100

// Insights settings of the release metrics: the window `stats` shows by
// default, recomputed at most every releaseEvery.
const (
	releaseWindow = 30 * 24 * time.Hour
	releaseEvery  = 5 * time.Minute
	releasePage   = 500
)

// serviceList is what the gauges read of the Policy: every service.
type serviceList interface {
	Services() []csr.Service
}

// watchState registers the gauges read from the store and the scheduler at
// scrape time.
func (a *App) watchState(policy serviceList) []error {
	return []error{
		a.Metrics.WatchApprovals(func(ctx context.Context) ([]metrics.Waiting, map[string]int, error) {
			return a.approvalsWaiting(ctx, policy)
		}),
		a.Metrics.WatchLeader(func() bool { return a.Scheduler != nil && a.Scheduler.Leading() }),
		a.Metrics.WatchReleases(func(ctx context.Context) ([]metrics.Release, error) {
			return a.releases(ctx, policy)
		}, releaseEvery),
	}
}

// approvalsWaiting reads, for each service, one page of its CSRs in
// approval from the service+state index and groups them by open step.
func (a *App) approvalsWaiting(ctx context.Context, policy serviceList) ([]metrics.Waiting, map[string]int, error) {
	now := a.Clock.Now()
	var out []metrics.Waiting
	unread := map[string]int{}
	for _, svc := range policy.Services() {
		page, err := a.Store.ListPage(ctx, store.Filter{Service: svc.Name, States: []csr.State{csr.InApproval}, Limit: approvalPage})
		if err != nil {
			return nil, nil, fmt.Errorf("read the CSRs in approval of %s: %w", svc.Name, err)
		}
		unread[svc.Name] = page.Total - len(page.CSRs)
		at := map[string]int{} // step name → index in out
		for _, c := range page.CSRs {
			st, ok := c.OpenStep(svc)
			if !ok {
				continue
			}
			i, seen := at[st.Step.Name]
			if !seen {
				i = len(out)
				at[st.Step.Name] = i
				out = append(out, metrics.Waiting{Service: svc.Name, Step: st.Step.Name})
			}
			out[i].CSRs++
			out[i].Oldest = max(out[i].Oldest, now.Sub(scheduler.StepOpenedAt(c, svc, st)))
		}
	}
	return out, unread, nil
}

// releases computes each service's insights over the last releaseWindow,
// paging through its CSRs as `releasebot stats` does.
func (a *App) releases(ctx context.Context, policy serviceList) ([]metrics.Release, error) {
	now := a.Clock.Now()
	var out []metrics.Release
	for _, svc := range policy.Services() {
		var all []csr.CSR
		for offset := 0; ; offset += releasePage {
			page, err := a.Store.List(ctx, store.Filter{Service: svc.Name, Limit: releasePage, Offset: offset})
			if err != nil {
				return nil, fmt.Errorf("read the CSRs of %s for the release metrics: %w", svc.Name, err)
			}
			all = append(all, page...)
			if len(page) < releasePage {
				break
			}
		}
		r := insights.Compute(all, now.Add(-releaseWindow), now)
		rel := metrics.Release{Service: svc.Name, DeploysPerWeek: r.DeploysPerWeek, ChangeFailureRate: r.ChangeFailureRate,
			LeadTime: quantiles(r.LeadTime), TimeToRestore: quantiles(r.TimeToRestore), StepWaits: map[string]metrics.Quantiles{}}
		for _, s := range r.Steps {
			rel.StepWaits[s.Step] = quantiles(s.Wait)
		}
		out = append(out, rel)
	}
	return out, nil
}

func quantiles(s insights.Summary) metrics.Quantiles {
	return metrics.Quantiles{N: s.N, Median: s.Median, P90: s.P90}
}
