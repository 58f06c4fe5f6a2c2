package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/store"
)

// seed stores n CSRs: services s0..s3 by n%4, requesters p0..p4 by n%5,
// every third in approval (waiting on bob, the lead), the others drafts.
func seed(t *testing.T, st *redisstore.Store, n int) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				seq, err := st.NextID(ctx)
				if err != nil {
					errs <- err
					return
				}
				c := csr.CSR{ID: csr.FormatID("CSR", seq), Title: "t", Service: fmt.Sprintf("s%d", seq%4),
					Requester: csr.Person(fmt.Sprintf("p%d", seq%5)), State: csr.Draft, CreatedAt: t0, UpdatedAt: t0,
					History: []csr.Entry{{At: t0, By: "p", Action: "new", To: csr.Draft}}}
				if seq%3 == 0 {
					c.State = csr.InApproval
				}
				if _, err := st.Create(ctx, c); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// TestPagingAndTotals: at 1 000 CSRs every filter reports its total and
// pages through it newest first, without gaps or repeats.
func TestPagingAndTotals(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			rdb, prefix := b.open(t)
			services := func(name string) (csr.Service, bool) { s := svc; s.Name = name; return s, true }
			st := redisstore.New(rdb, prefix, redisstore.WithServices(services))
			const n = 1000
			seed(t, st, n)
			in, err := st.CheckIntegrity(ctx)
			require.NoError(t, err)
			require.True(t, in.OK, "ids handed out concurrently are no data loss: %v", in.Problems)
			require.Equal(t, int64(n), in.HighWater)

			count := func(keep func(seq int64) bool) int {
				k := 0
				for seq := int64(1); seq <= n; seq++ {
					if keep(seq) {
						k++
					}
				}
				return k
			}
			for _, tc := range []struct {
				name string
				f    store.Filter
				keep func(seq int64) bool
			}{
				{"all", store.Filter{}, func(int64) bool { return true }},
				{"mine", store.Filter{Person: "p2"}, func(s int64) bool { return s%5 == 2 }},
				{"service", store.Filter{Service: "s1"}, func(s int64) bool { return s%4 == 1 }},
				{"state", store.Filter{States: []csr.State{csr.InApproval}}, func(s int64) bool { return s%3 == 0 }},
				{"service and state", store.Filter{Service: "s1", States: []csr.State{csr.InApproval}}, func(s int64) bool { return s%4 == 1 && s%3 == 0 }},
				{"person and state", store.Filter{Person: "p2", States: []csr.State{csr.Draft}}, func(s int64) bool { return s%5 == 2 && s%3 != 0 }},
				{"person and service", store.Filter{Person: "p2", Service: "s1"}, func(s int64) bool { return s%5 == 2 && s%4 == 1 }},
				{"waiting on bob", store.Filter{Waiting: "bob"}, func(s int64) bool { return s%3 == 0 }},
				{"waiting on p1", store.Filter{Waiting: "p1"}, func(s int64) bool { return s%5 == 1 && s%3 != 0 }},
				{"waiting on bob in s1", store.Filter{Waiting: "bob", Service: "s1"}, func(s int64) bool { return s%3 == 0 && s%4 == 1 }},
				{"two states", store.Filter{States: []csr.State{csr.Draft, csr.InApproval}, Service: "s3"}, func(s int64) bool { return s%4 == 3 }},
			} {
				want := count(tc.keep)
				var got []int64
				for off := 0; ; off += 50 {
					f := tc.f
					f.Limit, f.Offset = 50, off
					p, err := st.ListPage(ctx, f)
					require.NoError(t, err, tc.name)
					require.Equal(t, want, p.Total, tc.name)
					if len(p.CSRs) == 0 {
						break
					}
					for _, c := range p.CSRs {
						got = append(got, c.ID.Seq())
					}
				}
				require.Len(t, got, want, tc.name)
				for i, seq := range got {
					require.True(t, tc.keep(seq), "%s: CSR-%d does not match", tc.name, seq)
					if i > 0 {
						require.Less(t, seq, got[i-1], "%s: newest first, no repeats", tc.name)
					}
				}
			}
		})
	}
}

// TestReindexBuildsTheNewIndexes: CSRs saved before the all/pairs/waiting
// indexes existed are found after EnsureIndexes.
func TestReindexBuildsTheNewIndexes(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := backends[0].open(t)
	st := redisstore.New(rdb, prefix)
	seed(t, st, 30)
	tag := "{" + prefix + "}"
	require.NoError(t, rdb.Del(ctx, tag+":idx:all").Err())
	p, err := st.ListPage(ctx, store.Filter{})
	require.NoError(t, err)
	require.Zero(t, p.Total)
	require.NoError(t, st.EnsureIndexes(ctx))
	p, err = st.ListPage(ctx, store.Filter{})
	require.NoError(t, err)
	require.Equal(t, 30, p.Total)
	v, err := rdb.HGet(ctx, tag+":marker", "index").Result()
	require.NoError(t, err)
	require.Equal(t, "2", v)
}
