package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/store"
)

// TestUpdateFromStaleCopy: a change computed from a copy someone else has
// saved over since is decided again on what is stored, never saved over it.
func TestUpdateFromStaleCopy(t *testing.T) {
	ctx := context.Background()
	st, _, _ := newStore(t)
	c := create(t, st, "payments", "alice", "alice")
	stale := c
	_, _, err := st.Update(ctx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.AddEvidence(csr.Actor{Person: "frank"}, "https://ci.example.com/1", "first", t0)
	})
	require.NoError(t, err)

	seen := 0
	got, _, err := st.UpdateFrom(ctx, stale, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		seen++
		return c.AddEvidence(csr.Actor{Person: "frank"}, "https://ci.example.com/2", "second", t0)
	})
	require.NoError(t, err)
	require.Equal(t, 2, seen, "decided on the stale copy, then again on the stored one")
	require.Len(t, got.Evidence, 2, "the first evidence survived")
	require.Equal(t, c.Version+2, got.Version)

	// A fresh copy saves without reading again, and a refusal on a stale
	// copy is asked again on the stored one.
	got2, _, err := st.UpdateFrom(ctx, got, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.AddEvidence(csr.Actor{Person: "frank"}, "https://ci.example.com/3", "third", t0)
	})
	require.NoError(t, err)
	require.Len(t, got2.Evidence, 3)
	stored, err := st.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, got2, stored)
}

// TestUpdateRunFence: a change fenced by a deploy lock is saved only while
// the lock holds the run's token (and renews it); with the lock lost,
// nothing is written. A link indexes the external id in the same step.
func TestUpdateRunFence(t *testing.T) {
	ctx := context.Background()
	st, rdb, prefix := newStore(t)
	c := create(t, st, "payments", "alice", "alice")
	run := "CSR-1/test/1"
	_, err := st.Enqueue(ctx, store.Job{Run: run, CSR: c.ID, Service: "payments", Env: "test", SHA: "abc", Purpose: csr.PurposeTest})
	require.NoError(t, err)
	a, err := st.AcquireTurn(ctx, "payments", "test", run, 300*time.Millisecond)
	require.NoError(t, err)
	require.Positive(t, a.Token)
	require.NotNil(t, a.CSR, "the turn comes with the CSR as stored")
	require.Equal(t, c.ID, a.CSR.ID)

	evidence := func(note string) func(csr.CSR) (csr.CSR, []csr.Event, error) {
		return func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.AddEvidence(csr.Actor{Person: "frank"}, "https://ci.example.com/"+note, note, t0)
		}
	}
	turn := store.Turn{Service: "payments", Env: "test", Run: run, Token: a.Token, TTL: time.Minute}
	got, _, err := st.UpdateRun(ctx, *a.CSR, evidence("held"), store.RunWrite{Fence: turn,
		Link: store.Link{External: "workflow_run:7/1", Run: run}})
	require.NoError(t, err)
	require.Len(t, got.Evidence, 1)
	keys, err := rdb.Keys(ctx, "*"+prefix+"*:lock:payments:test").Result()
	require.NoError(t, err)
	require.Len(t, keys, 1)
	ttl, err := rdb.PTTL(ctx, keys[0]).Result()
	require.NoError(t, err)
	require.Greater(t, ttl, 10*time.Second, "the fenced save renewed the lock")
	linked, err := st.RunForExternal(ctx, "workflow_run:7/1")
	require.NoError(t, err)
	require.Equal(t, run, linked)

	stale := turn
	stale.Token++
	before, err := st.Get(ctx, c.ID)
	require.NoError(t, err)
	_, _, err = st.UpdateRun(ctx, before, evidence("lost"), store.RunWrite{Fence: stale,
		Link: store.Link{External: "workflow_run:8/1", Run: run}})
	require.ErrorIs(t, err, store.ErrTurnLost)
	after, err := st.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, before, after, "a lost turn writes nothing")
	linked, err = st.RunForExternal(ctx, "workflow_run:8/1")
	require.NoError(t, err)
	require.Empty(t, linked, "nor the link")
}

// TestGetWithFreezes: a CSR and its service's freeze in one read, on the
// real Redis and on the console's embedded one.
func TestGetWithFreezes(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			rdb, prefix := b.open(t)
			st := redisstore.New(rdb, prefix)
			c := create(t, st, "payments", "alice", "alice")
			got, fz, err := st.GetWithFreezes(ctx, c.ID, t0)
			require.NoError(t, err)
			require.Equal(t, c, got)
			require.Empty(t, fz)
			f := csr.Freeze{Service: "payments", From: t0, Until: t0.Add(time.Hour), Reason: "close", By: "grace"}
			require.NoError(t, st.SetFreeze(ctx, f))
			_, fz, err = st.GetWithFreezes(ctx, c.ID, t0.Add(time.Minute))
			require.NoError(t, err)
			require.Len(t, fz, 1)
			require.Equal(t, "close", fz[0].Reason)
			_, fz, err = st.GetWithFreezes(ctx, c.ID, t0.Add(2*time.Hour))
			require.NoError(t, err)
			require.Empty(t, fz, "an ended freeze is not in force")
			_, _, err = st.GetWithFreezes(ctx, "CSR-99", t0)
			require.ErrorIs(t, err, store.ErrNotFound)
		})
	}
}

// TestProductionReadWithTheTurn: a production run's turn comes with what
// the environment runs, and its result's save uses it without reading it
// again; a record that changed meanwhile (it cannot while the turn is
// held, but a lost turn could) is caught and read afresh, so the lineage
// keeps both deploys.
func TestProductionReadWithTheTurn(t *testing.T) {
	ctx := context.Background()
	st, _, _ := newStore(t)
	first := running(t, st, "payments", csr.PurposeDeploy, "prod", "aaaa000111")
	require.NoError(t, finish(t, st, first, csr.RunSucceeded, t0.Add(time.Hour)))

	c := running(t, st, "payments", csr.PurposeDeploy, "prod", "bbbb000222")
	run := c.Runs[0].ID
	_, err := st.Enqueue(ctx, store.Job{Run: run, CSR: c.ID, Service: "payments", Env: "prod", SHA: "bbbb000222", Purpose: csr.PurposeDeploy})
	require.NoError(t, err)
	a, err := st.AcquireTurn(ctx, "payments", "prod", run, time.Minute)
	require.NoError(t, err)
	require.NotNil(t, a.Production, "a production run's turn reads what production runs")
	require.Len(t, a.Production.Entries, 1)
	require.Equal(t, first.ID, a.Production.Entries[0].CSR)

	// Meanwhile (a lost turn), a third CSR reaches production.
	third := running(t, st, "payments", csr.PurposeDeploy, "prod", "cccc000333")
	require.NoError(t, finish(t, st, third, csr.RunSucceeded, t0.Add(2*time.Hour)))

	_, _, err = st.UpdateRun(ctx, *a.CSR, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.UpdateRun(run, csr.RunSucceeded, "", "", t0.Add(3*time.Hour))
	}, store.RunWrite{Production: a.Production})
	require.NoError(t, err)
	h, err := st.ProductionHistory(ctx, "payments", "prod", 0)
	require.NoError(t, err)
	var ids []csr.ID
	for _, d := range h {
		ids = append(ids, d.CSR)
	}
	require.Equal(t, []csr.ID{c.ID, third.ID, first.ID}, ids, "the stale read was caught: no deploy is lost from the lineage")

	test := running(t, st, "payments", csr.PurposeTest, "test", "dddd000444")
	_, err = st.Enqueue(ctx, store.Job{Run: test.Runs[0].ID, CSR: test.ID, Service: "payments", Env: "test", Purpose: csr.PurposeTest})
	require.NoError(t, err)
	a, err = st.AcquireTurn(ctx, "payments", "test", test.Runs[0].ID, time.Minute)
	require.NoError(t, err)
	require.Nil(t, a.Production, "a test run changes no production record")
}
