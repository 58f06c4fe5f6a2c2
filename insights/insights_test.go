package insights_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/insights"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func e(h float64, action string, from, to csr.State, note string) csr.Entry {
	return csr.Entry{At: at(h), By: "x", Action: action, From: from, To: to, Note: note}
}

// released is a CSR that goes new → approved (lead after 1h, sm after
// lead+sm hours) → deployed at hour deployed.
func released(id, svc string, start, lead, sm, deployed float64) csr.CSR {
	sub := start + 1
	return csr.CSR{ID: csr.ID(id), Service: svc, History: []csr.Entry{
		e(start, "new", "", csr.Draft, "t"),
		e(sub, "submit", csr.Tested, csr.InApproval, ""),
		e(sub+lead, "approve", csr.InApproval, csr.InApproval, "lead"),
		e(sub+lead+sm, "approve", csr.InApproval, csr.Approved, "sm"),
		e(deployed-0.5, "deploy", csr.Approved, csr.Deploying, id+"/deploy/1"),
		e(deployed, "deploy-result", csr.Deploying, csr.Deployed, id+"/deploy/1 succeeded"),
	}}
}

func TestSummarize(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name        string
		in          []time.Duration
		median, p90 time.Duration
	}{
		{"none", nil, 0, 0},
		{"one", []time.Duration{3 * h}, 3 * h, 3 * h},
		{"two: the median is between", []time.Duration{4 * h, 2 * h}, 3 * h, 3*h + 48*time.Minute},
		{"ten", []time.Duration{1 * h, 2 * h, 3 * h, 4 * h, 5 * h, 6 * h, 7 * h, 8 * h, 9 * h, 10 * h}, 5*h + 30*time.Minute, 9*h + 6*time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := insights.Summarize(tc.in)
			require.Equal(t, len(tc.in), s.N)
			require.Equal(t, tc.median, s.Median)
			require.Equal(t, tc.p90, s.P90)
		})
	}
}

func TestCompute(t *testing.T) {
	h := time.Hour
	week := [2]time.Time{t0, t0.Add(7 * 24 * h)}
	failedThenFixed := csr.CSR{ID: "CSR-4", Service: "api", History: []csr.Entry{
		e(0, "new", "", csr.Draft, "t"),
		e(1, "submit", csr.Tested, csr.InApproval, ""),
		e(2, "approve", csr.InApproval, csr.Approved, "lead"),
		e(10, "deploy-result", csr.Deploying, csr.DeployFailed, "CSR-4/deploy/1 failed"),
		e(13, "deploy-result", csr.Deploying, csr.Deployed, "CSR-4/deploy/2 succeeded"),
	}}
	rolledBack := csr.CSR{ID: "CSR-5", Service: "api", History: []csr.Entry{
		e(20, "new", "", csr.Draft, "t"),
		e(30, "deploy-result", csr.Deploying, csr.Deployed, "CSR-5/deploy/1 succeeded"),
		e(31, "rollback-result", csr.Deployed, csr.RolledBack, "CSR-5/rollback/1 succeeded"),
	}}
	rejectedOnce := csr.CSR{ID: "CSR-6", Service: "api", History: []csr.Entry{
		e(0, "new", "", csr.Draft, "t"),
		e(1, "submit", csr.Tested, csr.InApproval, ""),
		e(2, "approve", csr.InApproval, csr.InApproval, "lead"),
		e(50, "reject", csr.InApproval, csr.Rejected, "no"), // this round's waits never complete
		e(51, "revise", csr.Rejected, csr.Draft, ""),
		e(52, "submit", csr.Tested, csr.InApproval, ""),
		e(54, "approve", csr.InApproval, csr.InApproval, "lead"),
		e(55, "approve", csr.InApproval, csr.Approved, "sm"),
	}}
	tests := []struct {
		name   string
		csrs   []csr.CSR
		window [2]time.Time
		want   insights.Report
	}{
		{name: "nothing", window: week, want: insights.Report{}},
		{
			name: "three releases",
			csrs: []csr.CSR{
				released("CSR-1", "api", 0, 1, 2, 10),  // lead time 10h; lead waits 1h, sm 2h
				released("CSR-2", "api", 0, 3, 4, 20),  // 20h; 3h, 4h
				released("CSR-3", "api", 0, 5, 30, 60), // 60h; 5h, 30h
			},
			window: week,
			want: insights.Report{Deploys: 3, Succeeded: 3, DeploysPerWeek: 3,
				LeadTime: insights.Summary{N: 3, Median: 20 * h, P90: 52 * h},
				Steps: []insights.StepWait{
					{Step: "lead", Wait: insights.Summary{N: 3, Median: 3 * h, P90: 4*h + 36*time.Minute}},
					{Step: "sm", Wait: insights.Summary{N: 3, Median: 4 * h, P90: 24*h + 48*time.Minute}},
				}},
		},
		{
			name:   "a failed deploy and a rollback, each restored",
			csrs:   []csr.CSR{failedThenFixed, rolledBack, released("CSR-7", "api", 32, 1, 1, 40), released("CSR-8", "web", 0, 1, 1, 11)},
			window: week,
			want: insights.Report{Deploys: 5, Succeeded: 4, DeploysPerWeek: 4, Failures: 2, ChangeFailureRate: 0.4,
				// CSR-4: 13h (first deploy only); CSR-5: 10h; CSR-7: 8h; CSR-8: 11h.
				LeadTime: insights.Summary{N: 4, Median: 10*h + 30*time.Minute, P90: 12*h + 24*time.Minute},
				// failed at 10, fixed at 13: 3h; rolled back at 31, next deploy of api at 40: 9h. web is its own service.
				TimeToRestore: insights.Summary{N: 2, Median: 6 * h, P90: 8*h + 24*time.Minute},
				Steps: []insights.StepWait{
					{Step: "lead", Wait: insights.Summary{N: 3, Median: 1 * h, P90: 1 * h}},
					{Step: "sm", Wait: insights.Summary{N: 2, Median: 1 * h, P90: 1 * h}},
				}},
		},
		{
			name:   "a rejected round counts only the second pass",
			csrs:   []csr.CSR{rejectedOnce},
			window: week,
			want: insights.Report{Steps: []insights.StepWait{
				{Step: "lead", Wait: insights.Summary{N: 1, Median: 2 * h, P90: 2 * h}},
				{Step: "sm", Wait: insights.Summary{N: 1, Median: 1 * h, P90: 1 * h}},
			}},
		},
		{
			name:   "the window selects by when things happened",
			csrs:   []csr.CSR{released("CSR-1", "api", 0, 1, 2, 10), released("CSR-2", "api", 0, 3, 4, 200)},
			window: [2]time.Time{at(100), at(100 + 14*24)},
			want: insights.Report{Deploys: 1, Succeeded: 1, DeploysPerWeek: 0.5,
				LeadTime: insights.Summary{N: 1, Median: 200 * h, P90: 200 * h}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := insights.Compute(tc.csrs, tc.window[0], tc.window[1])
			tc.want.From, tc.want.To = tc.window[0], tc.window[1]
			require.Equal(t, tc.want, got)
		})
	}
}
