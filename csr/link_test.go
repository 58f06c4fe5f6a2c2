package csr_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// TestLinkRun: recording a started run's external id is idempotent, and a
// finished run is never reopened.
func TestLinkRun(t *testing.T) {
	at := thu1000
	cases := []struct {
		name     string
		prepare  func(c csr.CSR) csr.CSR
		external string
		link     string
		want     error
		rule     csr.Rule
	}{
		{"queued run is linked", nil, "workflow_run:1", "https://github.com/acme/billing/actions/runs/1", nil, ""},
		{"the same link again", func(c csr.CSR) csr.CSR {
			return must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.LinkRun(testRun, "workflow_run:1", "https://github.com/acme/billing/actions/runs/1", at)
			})
		}, "workflow_run:1", "", csr.ErrNoChange, ""},
		{"a finished run", func(c csr.CSR) csr.CSR {
			return must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.UpdateRun(testRun, csr.RunSucceeded, "", "", at)
			})
		}, "workflow_run:1", "", csr.ErrNoChange, ""},
		{"an unknown run", nil, "workflow_run:1", "", nil, "unknown-run"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := reach(t, csr.TestDeploying)
			if tc.prepare != nil {
				c = tc.prepare(c)
			}
			id := testRun
			if tc.rule != "" {
				id = "CSR-7/test/9"
			}
			got, evs, err := c.LinkRun(id, tc.external, tc.link, at)
			switch {
			case tc.rule != "":
				var r *csr.Refusal
				require.True(t, errors.As(err, &r))
				require.Equal(t, tc.rule, r.Rule)
			case tc.want != nil:
				require.ErrorIs(t, err, tc.want)
				require.Equal(t, c, got, "nothing changes")
			default:
				require.NoError(t, err)
				run, _ := got.ActiveRun()
				require.Equal(t, csr.RunRunning, run.Status)
				require.Equal(t, tc.external, run.External)
				require.Equal(t, tc.link, run.URL)
				require.Equal(t, []csr.Event{{Kind: csr.EvRunUpdated, Run: run}}, evs)
				require.Equal(t, csr.TestDeploying, got.State)
				require.Len(t, got.History, len(c.History), "linking is progress, not a transition")
			}
		})
	}
}
