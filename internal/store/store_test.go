package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/internal/store"
)

var t0 = time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)

func run(id csr.ID, p csr.Purpose, sha string, status csr.RunStatus, n int) csr.Run {
	return csr.Run{ID: fmt.Sprintf("%s/%s/1", id, p), Purpose: p, Env: "prod", SHA: sha, Status: status,
		StartedAt: t0, EndedAt: t0.Add(time.Duration(n) * time.Hour)}
}

func dep(id csr.ID, sha string, n int) store.Deployment {
	return store.Deployment{CSR: id, SHA: sha, Run: string(id) + "/deploy/1", Purpose: csr.PurposeDeploy, At: t0.Add(time.Duration(n) * time.Hour)}
}

func TestAdvance(t *testing.T) {
	three := []store.Deployment{dep("CSR-3", "ccc", 3), dep("CSR-2", "bbb", 2), dep("CSR-1", "aaa", 1)}
	cases := []struct {
		name    string
		lineage []store.Deployment
		id      csr.ID
		run     csr.Run
		want    []store.Deployment
		ok      bool
	}{
		{"a deploy goes on top", three[1:], "CSR-3", run("CSR-3", csr.PurposeDeploy, "ccc", csr.RunSucceeded, 3), three, true},
		{"the first deploy", nil, "CSR-1", run("CSR-1", csr.PurposeDeploy, "aaa", csr.RunSucceeded, 1), three[2:], true},
		{"the same result twice", three, "CSR-3", run("CSR-3", csr.PurposeDeploy, "ccc", csr.RunSucceeded, 3), three, false},
		{"a test run", three, "CSR-4", csr.Run{ID: "CSR-4/test/1", Purpose: csr.PurposeTest, Env: "prod", SHA: "ddd", Status: csr.RunSucceeded}, three, false},
		{"a failed deploy", three, "CSR-4", run("CSR-4", csr.PurposeDeploy, "ddd", csr.RunFailed, 4), three, false},
		{"a rollback restores the entry before", three, "CSR-3", run("CSR-3", csr.PurposeRollback, "bbb", csr.RunSucceeded, 4),
			[]store.Deployment{{CSR: "CSR-2", SHA: "bbb", Run: "CSR-3/rollback/1", Purpose: csr.PurposeRollback, At: t0.Add(4 * time.Hour), RollbackOf: "CSR-3"}, three[2]}, true},
		{"a rollback to a commit not on record", three[:1], "CSR-3", run("CSR-3", csr.PurposeRollback, "zzz", csr.RunSucceeded, 4),
			[]store.Deployment{{SHA: "zzz", Run: "CSR-3/rollback/1", Purpose: csr.PurposeRollback, At: t0.Add(4 * time.Hour), RollbackOf: "CSR-3"}, three[0]}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]store.Deployment(nil), tc.lineage...)
			got, ok := store.Advance(tc.lineage, tc.id, tc.run)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.want, got)
			require.Equal(t, before, tc.lineage, "the lineage given is not changed")
		})
	}
}

func TestHistoryIsBounded(t *testing.T) {
	var lineage []store.Deployment
	for i := range store.HistoryLen + 5 {
		id := csr.ID(fmt.Sprintf("CSR-%d", i+1))
		var ok bool
		lineage, ok = store.Advance(lineage, id, run(id, csr.PurposeDeploy, fmt.Sprint(i), csr.RunSucceeded, i))
		require.True(t, ok)
	}
	require.Len(t, lineage, store.HistoryLen)
	require.Equal(t, fmt.Sprint(store.HistoryLen+4), lineage[0].SHA)
}

func TestRebuildReplaysInOrder(t *testing.T) {
	cs := []csr.CSR{
		{ID: "CSR-3", Runs: []csr.Run{run("CSR-3", csr.PurposeDeploy, "ccc", csr.RunSucceeded, 3), run("CSR-3", csr.PurposeRollback, "bbb", csr.RunSucceeded, 4)}},
		{ID: "CSR-2", Runs: []csr.Run{{ID: "CSR-2/test/1", Purpose: csr.PurposeTest, Env: "test", SHA: "bbb", Status: csr.RunSucceeded}, run("CSR-2", csr.PurposeDeploy, "bbb", csr.RunSucceeded, 2)}},
		{ID: "CSR-1", Runs: []csr.Run{run("CSR-1", csr.PurposeDeploy, "aaa", csr.RunSucceeded, 1)}},
	}
	got := store.Rebuild(cs, "prod")
	require.Len(t, got, 2)
	require.Equal(t, csr.ID("CSR-2"), got[0].CSR)
	require.Equal(t, csr.ID("CSR-3"), got[0].RollbackOf)
	require.Equal(t, csr.ID("CSR-1"), got[1].CSR)
	require.Empty(t, store.Rebuild(cs, "test"), "test runs change no lineage")
}
