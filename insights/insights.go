// Package insights computes a team's release figures from CSR histories:
// deploys per week, lead time, change failure rate, time to restore, and
// where CSRs wait in the approval line. It is pure: CSRs in, figures out,
// so the CLI, chat and tests compute the same numbers.
package insights

import (
	"cmp"
	"math"
	"slices"
	"time"

	"releasebot/csr"
)

// Summary is the median and 90th percentile of a set of durations; N is
// how many there were (0: no data, the durations are zero).
type Summary struct {
	N           int
	Median, P90 time.Duration
}

// StepWait is how long CSRs waited at one approval step: from the step
// opening (submit for the first, the previous step's quorum otherwise) to
// the approval that completed it.
type StepWait struct {
	Step string
	Wait Summary
}

// Report is the figures of a period.
type Report struct {
	From, To time.Time
	// Deploys counts production deploys that finished in the period
	// (succeeded or failed); DeploysPerWeek is Succeeded per 7 days.
	Deploys, Succeeded int
	DeploysPerWeek     float64
	// LeadTime runs from `new` to `deployed`, for CSRs deployed in the period.
	LeadTime Summary
	// Failures are failed production deploys and rollbacks;
	// ChangeFailureRate is Failures per production deploy (0 without deploys).
	Failures          int
	ChangeFailureRate float64
	// TimeToRestore runs from a failed deploy or a rollback to the next
	// successful production deploy of the same service.
	TimeToRestore Summary
	// Steps are the approval steps in the order CSRs pass them.
	Steps []StepWait
}

// Compute reports on the CSRs' histories in [from, to). CSRs of several
// services may be given; the caller filters by service.
func Compute(csrs []csr.CSR, from, to time.Time) Report {
	r := Report{From: from, To: to}
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	var lead, restore []time.Duration
	waits := map[string][]time.Duration{}
	var stepOrder []string
	type event struct {
		at   time.Time
		good bool // a deploy succeeded; otherwise production broke
	}
	byService := map[string][]event{}
	for _, c := range csrs {
		var created time.Time
		deployed := false
		var round *approvalRound
		for _, e := range c.History {
			switch {
			case e.Action == "new":
				created = e.At
			case e.Action == "submit" && e.To == csr.InApproval:
				round = &approvalRound{opened: e.At}
			case e.Action == string(csr.VerbApprove) && round != nil:
				round.approve(e)
				if e.To == csr.Approved {
					for _, s := range round.steps() {
						if in(s.done) {
							if !slices.Contains(stepOrder, s.name) {
								stepOrder = append(stepOrder, s.name)
							}
							waits[s.name] = append(waits[s.name], s.done.Sub(s.opened))
						}
					}
					round = nil
				}
			case e.Action == "reject" || e.Action == "revise" || e.Action == "update" || e.Action == "cancel":
				round = nil // the line starts again (or never ends): no step wait is complete
			case e.Action == "deploy-result" && e.To == csr.Deployed:
				byService[c.Service] = append(byService[c.Service], event{e.At, true})
				if in(e.At) {
					r.Deploys++
					r.Succeeded++
					if !deployed && !created.IsZero() {
						lead = append(lead, e.At.Sub(created))
					}
				}
				deployed = true
			case e.Action == "deploy-result" && e.To == csr.DeployFailed:
				byService[c.Service] = append(byService[c.Service], event{e.At, false})
				if in(e.At) {
					r.Deploys++
					r.Failures++
				}
			case e.Action == "rollback-result" && e.To == csr.RolledBack:
				byService[c.Service] = append(byService[c.Service], event{e.At, false})
				if in(e.At) {
					r.Failures++
				}
			}
		}
	}
	for _, evs := range byService {
		slices.SortStableFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })
		var broken time.Time
		for _, ev := range evs {
			switch {
			case !ev.good && broken.IsZero():
				broken = ev.at
			case ev.good && !broken.IsZero():
				if in(ev.at) {
					restore = append(restore, ev.at.Sub(broken))
				}
				broken = time.Time{}
			}
		}
	}
	if days := to.Sub(from).Hours() / 24; days > 0 {
		r.DeploysPerWeek = float64(r.Succeeded) * 7 / days
	}
	if r.Deploys > 0 {
		r.ChangeFailureRate = float64(r.Failures) / float64(r.Deploys)
	}
	r.LeadTime, r.TimeToRestore = Summarize(lead), Summarize(restore)
	for _, s := range stepOrder {
		r.Steps = append(r.Steps, StepWait{Step: s, Wait: Summarize(waits[s])})
	}
	return r
}

// approvalRound follows one pass through the approval line: each step's
// approvals, in the order the steps were approved.
type approvalRound struct {
	opened time.Time
	order  []string
	last   map[string]time.Time
}

func (a *approvalRound) approve(e csr.Entry) {
	if a.last == nil {
		a.last = map[string]time.Time{}
	}
	if _, ok := a.last[e.Note]; !ok {
		a.order = append(a.order, e.Note)
	}
	a.last[e.Note] = e.At // the step is complete at its last approval
}

type stepSpan struct {
	name         string
	opened, done time.Time
}

func (a *approvalRound) steps() []stepSpan {
	out := make([]stepSpan, 0, len(a.order))
	opened := a.opened
	for _, name := range a.order {
		done := a.last[name]
		out = append(out, stepSpan{name, opened, done})
		opened = done
	}
	return out
}

// Summarize gives the median and p90 of ds (linear interpolation between
// the closest ranks, the spreadsheet PERCENTILE's method).
func Summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	s := slices.Clone(ds)
	slices.SortFunc(s, cmp.Compare)
	return Summary{N: len(s), Median: percentile(s, 0.5), P90: percentile(s, 0.9)}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := p * float64(len(sorted)-1)
	lo := int(math.Floor(rank))
	hi := min(lo+1, len(sorted)-1)
	frac := rank - float64(lo)
	return sorted[lo] + time.Duration(math.Round(frac*float64(sorted[hi]-sorted[lo])))
}
