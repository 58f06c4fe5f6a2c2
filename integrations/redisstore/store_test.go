package redisstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/store"
	"releasebot/internal/testenv"
)

var t0 = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// svc has a three-step approval line; alice requests, so she can approve
// nothing.
var svc = csr.Service{
	Name:         "payments",
	Environments: []string{"test", "prod"},
	Deployers:    map[string]string{"test": "fake", "prod": "fake"},
	Line: []csr.Step{
		{Name: "lead", Approvers: []csr.Person{"bob", "x1"}, Required: 1},
		{Name: "sm", Approvers: []csr.Person{"carol", "dave", "frank", "gina"}, Required: 2},
		{Name: "business", Approvers: []csr.Person{"erin"}, Required: 1},
	},
}

// backends are the Redis flavours the store must work on: the real server
// and miniredis, which the console embeds.
var backends = []struct {
	name string
	open func(testing.TB) (redis.UniversalClient, string)
}{
	{"redis", testenv.Redis},
	{"miniredis", func(t testing.TB) (redis.UniversalClient, string) {
		m := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { _ = rdb.Close() })
		return rdb, ""
	}},
}

func newStore(t testing.TB) (*redisstore.Store, redis.UniversalClient, string) {
	rdb, prefix := testenv.Redis(t)
	return redisstore.New(rdb, prefix), rdb, prefix
}

// create opens a draft CSR of service for requester/assignee.
func create(t testing.TB, st *redisstore.Store, service string, requester, assignee csr.Person) csr.CSR {
	t.Helper()
	ctx := context.Background()
	n, err := st.NextID(ctx)
	require.NoError(t, err)
	s := svc
	s.Name = service
	c, _, err := csr.New(csr.FormatID("CSR", n), csr.NewRequest{
		Title: "ship " + service, Requester: requester, Assignee: assignee,
		Refs: []csr.Ref{{Repo: "acme/" + service, Ref: "main", SHA: "0123456789abcdef"}},
	}, s, t0)
	require.NoError(t, err)
	c, err = st.Create(ctx, c)
	require.NoError(t, err)
	return c
}

// inApproval stores a CSR of svc waiting for its first approval step.
func inApproval(t testing.TB, st *redisstore.Store) csr.CSR {
	t.Helper()
	n, err := st.NextID(context.Background())
	require.NoError(t, err)
	c := csr.CSR{
		ID: csr.FormatID("CSR", n), Title: "ship payments", Service: svc.Name,
		Requester: "alice", Assignee: "alice",
		Refs:  []csr.Ref{{Repo: "acme/payments", Ref: "main", SHA: "0123456789abcdef"}},
		State: csr.InApproval,
		History: []csr.Entry{
			{At: t0, By: "alice", Action: "new", To: csr.Draft},
			{At: t0, By: "alice", Action: "submit", From: csr.Tested, To: csr.InApproval},
		},
		CreatedAt: t0, UpdatedAt: t0,
	}
	c, err = st.Create(context.Background(), c)
	require.NoError(t, err)
	return c
}

func approve(p csr.Person) store.Mutation {
	return func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(csr.Actor{Person: p}, t0, svc) }
}

func ids(cs []csr.CSR) []csr.ID {
	out := []csr.ID{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestLifecycleListAudit(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			rdb, prefix := b.open(t)
			st := redisstore.New(rdb, prefix)

			one := create(t, st, "payments", "alice", "alice")
			two := create(t, st, "search", "carol", "dave")
			three := create(t, st, "payments", "hank", "")
			require.Equal(t, int64(1), one.Version)

			// draft -> test_deploying -> tested -> in_approval, then a first approval.
			alice := csr.Actor{Person: "alice"}
			steps := []store.Mutation{
				func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(alice, t0, svc) },
				func(c csr.CSR) (csr.CSR, []csr.Event, error) {
					return c.UpdateRun(c.Runs[0].ID, csr.RunSucceeded, "https://ci.example/1", "", t0)
				},
				func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(alice, t0, svc) },
				approve("bob"),
			}
			var got csr.CSR
			for _, m := range steps {
				var err error
				got, _, err = st.Update(ctx, one.ID, m)
				require.NoError(t, err)
			}
			require.Equal(t, int64(5), got.Version)
			require.Equal(t, csr.InApproval, got.State)
			stored, err := st.Get(ctx, one.ID)
			require.NoError(t, err)
			require.Equal(t, got, stored)

			for _, tc := range []struct {
				name string
				f    store.Filter
				want []csr.ID
			}{
				{"everything newest first", store.Filter{}, []csr.ID{three.ID, two.ID, one.ID}},
				{"draft", store.Filter{States: []csr.State{csr.Draft}}, []csr.ID{three.ID, two.ID}},
				{"moved to in_approval", store.Filter{States: []csr.State{csr.InApproval}}, []csr.ID{one.ID}},
				{"left test_deploying", store.Filter{States: []csr.State{csr.TestDeploying, csr.Tested}}, []csr.ID{}},
				{"two states", store.Filter{States: []csr.State{csr.InApproval, csr.Draft}}, []csr.ID{three.ID, two.ID, one.ID}},
				{"service", store.Filter{Service: "payments"}, []csr.ID{three.ID, one.ID}},
				{"requester", store.Filter{Person: "alice"}, []csr.ID{one.ID}},
				{"assignee", store.Filter{Person: "dave"}, []csr.ID{two.ID}},
				{"service and state", store.Filter{Service: "payments", States: []csr.State{csr.Draft}}, []csr.ID{three.ID}},
				{"service and person", store.Filter{Service: "search", Person: "carol"}, []csr.ID{two.ID}},
				{"limit", store.Filter{Limit: 2}, []csr.ID{three.ID, two.ID}},
				{"nobody", store.Filter{Person: "zoe"}, []csr.ID{}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					cs, err := st.List(ctx, tc.f)
					require.NoError(t, err)
					require.Equal(t, tc.want, ids(cs))
				})
			}

			audit, err := st.Audit(ctx, one.ID, 0)
			require.NoError(t, err)
			require.Len(t, audit, len(stored.History))
			for i, r := range audit {
				require.Equal(t, one.ID, r.CSR)
				require.Equal(t, stored.History[i], r.Entry, "entry %d", i)
			}
			last2, err := st.Audit(ctx, one.ID, 2)
			require.NoError(t, err)
			require.Equal(t, audit[len(audit)-2:], last2)

			all, err := st.Audit(ctx, "", 0)
			require.NoError(t, err)
			require.Len(t, all, len(stored.History)+len(two.History)+len(three.History))
			require.Equal(t, []csr.ID{one.ID, two.ID, three.ID}, []csr.ID{all[0].CSR, all[1].CSR, all[2].CSR}, "creation order")
			newest, err := st.Audit(ctx, "", 1)
			require.NoError(t, err)
			require.Equal(t, all[len(all)-1:], newest)

			_, err = st.Create(ctx, one)
			require.ErrorIs(t, err, redisstore.ErrExists)
			_, err = st.Get(ctx, "CSR-999")
			require.ErrorIs(t, err, store.ErrNotFound)
			_, _, err = st.Update(ctx, "CSR-999", approve("bob"))
			require.ErrorIs(t, err, store.ErrNotFound)
		})
	}
}

func TestRefusedMutationWritesNothing(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name  string
		m     store.Mutation
		check func(t *testing.T, err error)
	}{
		{"refusal", approve("alice"), func(t *testing.T, err error) {
			var r *csr.Refusal
			require.ErrorAs(t, err, &r)
			require.Equal(t, csr.RuleSeparationOfDuties, r.Rule)
		}},
		{"no change", func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c, nil, csr.ErrNoChange }, func(t *testing.T, err error) {
			require.Same(t, csr.ErrNoChange, err)
		}},
		{"other error", func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			c.Title = "changed but failed"
			return c, nil, boom
		}, func(t *testing.T, err error) {
			require.Same(t, boom, err)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st, rdb, prefix := newStore(t)
			c := inApproval(t, st)
			snapshot := func() []any {
				hash, err := rdb.HGetAll(ctx, "{"+prefix+"}:csr:"+string(c.ID)).Result()
				require.NoError(t, err)
				audit, err := rdb.XRange(ctx, "{"+prefix+"}:audit", "-", "+").Result()
				require.NoError(t, err)
				idx, err := rdb.ZRangeWithScores(ctx, "{"+prefix+"}:idx:state:in_approval", 0, -1).Result()
				require.NoError(t, err)
				return []any{hash, audit, idx}
			}
			before := snapshot()

			got, evs, err := st.Update(ctx, c.ID, tc.m)
			tc.check(t, err)
			require.Nil(t, evs)
			require.Equal(t, c, got, "the stored CSR comes back with a refusal")
			require.Equal(t, before, snapshot())
		})
	}
}

func TestFreezes(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			rdb, prefix := b.open(t)
			st := redisstore.New(rdb, prefix)
			f := csr.Freeze{Service: "payments", From: t0.Add(time.Hour), Until: t0.Add(3 * time.Hour), Reason: "quarter end", By: "erin"}
			require.NoError(t, st.SetFreeze(ctx, f))
			require.Error(t, st.SetFreeze(ctx, csr.Freeze{Service: "payments", From: t0, Until: t0}))

			for _, tc := range []struct {
				name string
				svc  string
				now  time.Time
				want []csr.Freeze
			}{
				{"future", "payments", t0, []csr.Freeze{f}},
				{"active", "payments", t0.Add(2 * time.Hour), []csr.Freeze{f}},
				{"over", "payments", t0.Add(3 * time.Hour), nil},
				{"other service", "search", t0, nil},
			} {
				got, err := st.Freezes(ctx, tc.svc, tc.now)
				require.NoError(t, err, tc.name)
				require.Equal(t, tc.want, got, tc.name)
			}

			cleared, err := st.ClearFreeze(ctx, "payments")
			require.NoError(t, err)
			require.True(t, cleared)
			cleared, err = st.ClearFreeze(ctx, "payments")
			require.NoError(t, err)
			require.False(t, cleared)
			got, err := st.Freezes(ctx, "payments", t0)
			require.NoError(t, err)
			require.Empty(t, got)
		})
	}
}

func TestClaimOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _, _ := newStore(t)

	start := make(chan struct{})
	wins := make(chan bool, 50)
	for range 50 {
		go func() {
			<-start
			ok, err := st.Claim(ctx, "slack:evt-1", time.Minute)
			if err != nil {
				t.Error(err)
			}
			wins <- ok
		}()
	}
	close(start)
	n := 0
	for range 50 {
		if <-wins {
			n++
		}
	}
	require.Equal(t, 1, n, "exactly one claim wins")

	require.NoError(t, st.Release(ctx, "slack:evt-1"))
	ok, err := st.Claim(ctx, "slack:evt-1", time.Minute)
	require.NoError(t, err)
	require.True(t, ok, "claimable again after Release")

	ok, err = st.Claim(ctx, "slack:evt-2", 50*time.Millisecond)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = st.Claim(ctx, "slack:evt-2", 50*time.Millisecond)
	require.NoError(t, err)
	require.False(t, ok)
	require.Eventually(t, func() bool {
		ok, err := st.Claim(ctx, "slack:evt-2", time.Minute)
		return err == nil && ok
	}, 5*time.Second, 10*time.Millisecond, "claimable again after the TTL")
}

// One CSR's audit records are found across pages of other CSRs' records.
func TestAuditPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, rdb, prefix := newStore(t)
	c := create(t, st, "search", "carol", "")

	// Other CSRs' records, written directly: more than two pages.
	const noise = 1100
	entry, err := json.Marshal(csr.Entry{At: t0, By: "bob", Action: "evidence"})
	require.NoError(t, err)
	pipe := rdb.Pipeline()
	for range noise {
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: "{" + prefix + "}:audit", Values: []any{"csr", "CSR-0", "entry", entry}})
	}
	_, err = pipe.Exec(ctx)
	require.NoError(t, err)

	c, _, err = st.Update(ctx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.AddEvidence(csr.Actor{Person: "tester"}, "https://ci.example/run/1", "", t0)
	})
	require.NoError(t, err)

	got, err := st.Audit(ctx, c.ID, 0)
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, c.History, []csr.Entry{got[0].Entry, got[1].Entry})
	newest, err := st.Audit(ctx, c.ID, 1)
	require.NoError(t, err)
	require.Equal(t, got[1:], newest)
	all, err := st.Audit(ctx, "", 0)
	require.NoError(t, err)
	require.Len(t, all, noise+2)
	require.Equal(t, got[0], all[0])
	require.Equal(t, got[1], all[noise+1])
}
