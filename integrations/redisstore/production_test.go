package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/store"
)

// running stores a CSR of service whose single run (purpose p, in env) is
// running, as if its deploy had started.
func running(t testing.TB, st *redisstore.Store, service string, p csr.Purpose, env, sha string) csr.CSR {
	t.Helper()
	ctx := context.Background()
	n, err := st.NextID(ctx)
	require.NoError(t, err)
	id := csr.FormatID("CSR", n)
	state := csr.Deploying
	switch p {
	case csr.PurposeTest:
		state = csr.TestDeploying
	case csr.PurposeRollback:
		state = csr.Deployed
	}
	c := csr.CSR{ID: id, Title: "ship " + service, Service: service, Requester: "alice", Assignee: "alice", State: state,
		Refs:      []csr.Ref{{Repo: "acme/" + service, Ref: "main", SHA: sha}},
		Runs:      []csr.Run{{ID: fmt.Sprintf("%s/%s/1", id, p), Purpose: p, Env: env, SHA: sha, Status: csr.RunRunning, StartedAt: t0}},
		History:   []csr.Entry{{At: t0, By: "alice", Action: "new", To: state}},
		CreatedAt: t0,
	}
	c, err = st.Create(ctx, c)
	require.NoError(t, err)
	return c
}

func finish(t testing.TB, st *redisstore.Store, c csr.CSR, status csr.RunStatus, at time.Time) error {
	t.Helper()
	_, _, err := st.Update(context.Background(), c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.UpdateRun(c.Runs[len(c.Runs)-1].ID, status, "", "", at)
	})
	return err
}

// TestProductionRecordedWithTheResult: what an environment runs is written
// by the save of a deploy or rollback result that succeeded, and only then.
func TestProductionRecordedWithTheResult(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			cases := []struct {
				name    string
				purpose csr.Purpose
				env     string
				status  csr.RunStatus
				want    bool
			}{
				{"a production deploy that succeeds", csr.PurposeDeploy, "prod", csr.RunSucceeded, true},
				{"a test deploy", csr.PurposeTest, "test", csr.RunSucceeded, false},
				{"a failed deploy", csr.PurposeDeploy, "prod", csr.RunFailed, false},
				{"a cancelled deploy", csr.PurposeDeploy, "prod", csr.RunCancelled, false},
				{"an unknown outcome", csr.PurposeDeploy, "prod", csr.RunUnknown, false},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					rdb, prefix := b.open(t)
					st := redisstore.New(rdb, prefix+":"+tc.name)
					ctx := context.Background()
					c := running(t, st, "payments", tc.purpose, tc.env, "aaaa000111")
					require.NoError(t, finish(t, st, c, tc.status, t0.Add(time.Hour)))
					d, ok, err := st.Production(ctx, "payments", tc.env)
					require.NoError(t, err)
					require.Equal(t, tc.want, ok)
					if !tc.want {
						return
					}
					require.Equal(t, store.Deployment{CSR: c.ID, SHA: "aaaa000111", Run: c.Runs[0].ID, Purpose: csr.PurposeDeploy, At: t0.Add(time.Hour)}, d)

					// The same result again is refused by the domain; a
					// change that keeps the run succeeded writes no second
					// entry either.
					require.ErrorIs(t, finish(t, st, c, tc.status, t0.Add(2*time.Hour)), csr.ErrNoChange)
					_, _, err = st.Update(ctx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
						c.UpdatedAt = t0.Add(3 * time.Hour)
						return c, nil, nil
					})
					require.NoError(t, err)
					h, err := st.ProductionHistory(ctx, "payments", tc.env, 0)
					require.NoError(t, err)
					require.Len(t, h, 1)
				})
			}
		})
	}
}

// TestRollbackRestoresTheEntryBefore: after three deploys production runs
// the third; its rollback restores the second, whose rollback would then
// restore the first.
func TestRollbackRestoresTheEntryBefore(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			rdb, prefix := b.open(t)
			st := redisstore.New(rdb, prefix)
			ctx := context.Background()
			var cs []csr.CSR
			for i, sha := range []string{"1111111aaa", "2222222bbb", "3333333ccc"} {
				c := running(t, st, "payments", csr.PurposeDeploy, "prod", sha)
				require.NoError(t, finish(t, st, c, csr.RunSucceeded, t0.Add(time.Duration(i+1)*time.Hour)))
				cs = append(cs, c)
			}
			h, err := st.ProductionHistory(ctx, "payments", "prod", 2)
			require.NoError(t, err)
			require.Len(t, h, 2)
			require.Equal(t, cs[2].ID, h[0].CSR)
			require.Equal(t, cs[1].ID, h[1].CSR, "the rollback target is the second deploy")
			require.Equal(t, "2222222bbb", h[1].SHA)

			// Roll back the third to the second's commit.
			_, _, err = st.Update(ctx, cs[2].ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.Rollback(csr.Actor{Person: "alice"}, h[1].SHA, "error rate up", t0.Add(4*time.Hour), svc)
			})
			require.NoError(t, err)
			third, err := st.Get(ctx, cs[2].ID)
			require.NoError(t, err)
			require.NoError(t, finish(t, st, third, csr.RunSucceeded, t0.Add(5*time.Hour)))

			h, err = st.ProductionHistory(ctx, "payments", "prod", 0)
			require.NoError(t, err)
			require.Len(t, h, 2)
			require.Equal(t, store.Deployment{CSR: cs[1].ID, SHA: "2222222bbb", Run: third.Runs[1].ID, Purpose: csr.PurposeRollback,
				At: t0.Add(5 * time.Hour), RollbackOf: cs[2].ID}, h[0])
			require.Equal(t, cs[0].ID, h[1].CSR, "the second's rollback restores the first")
		})
	}
}

// TestLineageRebuiltOnceForOldData: CSRs deployed before records were kept
// (stored with their runs, no record) give a lineage rebuilt from them; it
// is kept, and a result recorded later builds on it.
func TestLineageRebuiltOnceForOldData(t *testing.T) {
	st, rdb, prefix := newStore(t)
	ctx := context.Background()
	var old []csr.CSR
	for i, sha := range []string{"1111111aaa", "2222222bbb"} {
		c := running(t, st, "payments", csr.PurposeDeploy, "prod", sha)
		c.Runs[0].Status, c.Runs[0].EndedAt, c.State = csr.RunSucceeded, t0.Add(time.Duration(i+1)*time.Hour), csr.Deployed
		// Saved the way the bot saved results before: no record.
		require.NoError(t, rdb.HSet(ctx, "{"+prefix+"}:csr:"+string(c.ID), "data", mustJSON(t, c)).Err())
		old = append(old, c)
	}
	n, err := rdb.Exists(ctx, "{"+prefix+"}:prod:payments:prod").Result()
	require.NoError(t, err)
	require.Zero(t, n)

	h, err := st.ProductionHistory(ctx, "payments", "prod", 0)
	require.NoError(t, err)
	require.Len(t, h, 2)
	require.Equal(t, old[1].ID, h[0].CSR)
	require.Equal(t, old[0].ID, h[1].CSR)
	n, err = rdb.Exists(ctx, "{"+prefix+"}:prod:payments:prod", "{"+prefix+"}:prodhist:payments:prod").Result()
	require.NoError(t, err)
	require.EqualValues(t, 2, n, "the rebuilt lineage is kept")

	third := running(t, st, "payments", csr.PurposeDeploy, "prod", "3333333ccc")
	require.NoError(t, finish(t, st, third, csr.RunSucceeded, t0.Add(3*time.Hour)))
	h, err = st.ProductionHistory(ctx, "payments", "prod", 0)
	require.NoError(t, err)
	require.Equal(t, []csr.ID{third.ID, old[1].ID, old[0].ID}, []csr.ID{h[0].CSR, h[1].CSR, h[2].CSR})

	// An environment nothing was deployed to has no record, and reading
	// it writes nothing.
	_, ok, err := st.Production(ctx, "payments", "staging")
	require.NoError(t, err)
	require.False(t, ok)
	n, err = rdb.Exists(ctx, "{"+prefix+"}:prod:payments:staging").Result()
	require.NoError(t, err)
	require.Zero(t, n)
}

// TestConcurrentDeploysKeepBothInTheLineage: two CSRs' results saved at
// once both land in the lineage: the loser of the race on the record
// retries on the fresh one.
func TestConcurrentDeploysKeepBothInTheLineage(t *testing.T) {
	st, _, _ := newStore(t)
	ctx := context.Background()
	const n = 8
	cs := make([]csr.CSR, n)
	for i := range cs {
		cs[i] = running(t, st, "payments", csr.PurposeDeploy, "prod", fmt.Sprintf("%07dabc", i))
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = finish(t, st, c, csr.RunSucceeded, t0.Add(time.Duration(i)*time.Minute))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	h, err := st.ProductionHistory(ctx, "payments", "prod", 0)
	require.NoError(t, err)
	require.Len(t, h, n)
	seen := map[csr.ID]bool{}
	for _, d := range h {
		seen[d.CSR] = true
	}
	require.Len(t, seen, n)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
