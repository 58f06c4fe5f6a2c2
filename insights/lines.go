package insights

import (
	"strconv"
	"time"

	"releasebot/msg"
)

// Lines says r in the catalog's words, one line per figure, for chat and
// the CLI alike: service "" means all services, days the period asked for.
func Lines(r Report, service string, days int) []msg.Text {
	from, to := r.From.Format(time.DateOnly), r.To.Format(time.DateOnly)
	head := msg.T(msg.OpsStatsHeadAll, "days", days, "from", from, "to", to)
	if service != "" {
		head = msg.T(msg.OpsStatsHeadService, "service", service, "days", days, "from", from, "to", to)
	}
	pct := 0
	if r.Deploys > 0 {
		pct = int(100*r.ChangeFailureRate + 0.5)
	}
	out := []msg.Text{
		head,
		msg.T(msg.OpsStatsDeploys, "deploys", r.Deploys, "succeeded", r.Succeeded, "rate", strconv.FormatFloat(r.DeploysPerWeek, 'f', 1, 64)),
		msg.T(msg.OpsStatsLead, "summary", said(r.LeadTime)),
		msg.T(msg.OpsStatsFailure, "pct", pct, "failures", r.Failures),
		msg.T(msg.OpsStatsRestore, "summary", said(r.TimeToRestore)),
	}
	for _, s := range r.Steps {
		out = append(out, msg.T(msg.OpsStatsStep, "step", s.Step, "summary", said(s.Wait)))
	}
	return out
}

// said is a summary in words: median and p90 in the reader's units.
func said(s Summary) msg.Text {
	if s.N == 0 {
		return msg.T(msg.OpsStatsNoData)
	}
	return msg.T(msg.OpsStatsSummary, "median", msg.Dur(s.Median), "ninety", msg.Dur(s.P90), "n", s.N)
}
