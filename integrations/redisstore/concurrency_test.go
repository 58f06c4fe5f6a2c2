package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/testenv"
)

// decide is one person clicking approve (or reject) until the domain gives
// a final answer: a person whose step has not opened yet clicks again later.
func decide(ctx context.Context, st *redisstore.Store, id csr.ID, p csr.Person, reject bool) (csr.CSR, []csr.Event, error) {
	_, mine, _ := csr.StepOf(svc, p)
	for {
		var seen csr.CSR
		c, evs, err := st.Update(ctx, id, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			seen = c
			if reject {
				return c.Reject(csr.Actor{Person: p}, "not convinced by the evidence", t0, svc)
			}
			return c.Approve(csr.Actor{Person: p}, t0, svc)
		})
		var r *csr.Refusal
		if errors.As(err, &r) {
			if open, ok := seen.OpenStep(svc); ok && mine > open.Index {
				runtime.Gosched()
				continue
			}
		}
		return c, evs, err
	}
}

func TestConcurrentDecisions(t *testing.T) {
	people := []csr.Person{"bob", "x1", "carol", "dave", "frank", "gina", "erin"}
	for _, tc := range []struct {
		name   string
		reject func(i int, p csr.Person) bool
		want   []csr.State
	}{
		{"approve and reject", func(i int, p csr.Person) bool { return (p == "dave" || p == "erin") && i%2 == 0 },
			[]csr.State{csr.Approved, csr.Rejected}},
		{"approve only", func(int, csr.Person) bool { return false }, []csr.State{csr.Approved}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st, _, _ := newStore(t)
			c := inApproval(t, st)

			type win struct {
				by  csr.Person
				c   csr.CSR
				evs []csr.Event
			}
			var (
				mu    sync.Mutex
				wins  []win
				wg    sync.WaitGroup
				start = make(chan struct{})
			)
			for i := range 50 {
				p := people[i%len(people)]
				wg.Go(func() {
					<-start
					got, evs, err := decide(ctx, st, c.ID, p, tc.reject(i, p))
					var r *csr.Refusal
					switch {
					case errors.As(err, &r): // a second click, or too late: the domain said no
					case err != nil:
						t.Errorf("%s: %v", p, err)
					default:
						mu.Lock()
						wins = append(wins, win{p, got, evs})
						mu.Unlock()
					}
				})
			}
			close(start)
			wg.Wait()

			final, err := st.Get(ctx, c.ID)
			require.NoError(t, err)
			var record []string
			for _, a := range final.Approvals {
				record = append(record, fmt.Sprintf("%s %s %s", a.Step, a.By, a.Decision))
			}
			t.Logf("%s after %d decisions: %s", final.State, len(wins), strings.Join(record, ", "))
			require.Contains(t, tc.want, final.State)
			require.Equal(t, int64(1+len(wins)), final.Version, "one version per successful update")
			require.Len(t, final.History, len(c.History)+len(wins), "one history entry per successful update")
			require.Len(t, final.Approvals, len(wins), "one decision per successful update")

			winners := map[csr.Person]bool{}
			outcomes := 0
			for _, w := range wins {
				require.False(t, winners[w.by], "%s won twice", w.by)
				winners[w.by] = true
				for _, e := range w.evs {
					if e.Kind == csr.EvApproved || e.Kind == csr.EvRejected {
						outcomes++
					}
				}
			}
			require.Equal(t, 1, outcomes, "exactly one update approved or rejected the CSR")

			stepIdx := map[string]int{}
			for i, s := range svc.Line {
				stepIdx[s.Name] = i
			}
			approvals := make([]int, len(svc.Line))
			rejects := 0
			for i, a := range final.Approvals {
				require.True(t, winners[a.By], "%s recorded without a successful update", a.By)
				delete(winners, a.By) // each person's decision recorded at most once
				require.Equal(t, a.By, final.History[len(c.History)+i].By)
				if i > 0 {
					require.GreaterOrEqual(t, stepIdx[a.Step], stepIdx[final.Approvals[i-1].Step], "steps complete in order")
				}
				require.Zero(t, rejects, "nothing recorded after a rejection")
				if a.Decision == csr.Reject {
					rejects++
					for s := range stepIdx[a.Step] {
						require.Equal(t, svc.Line[s].Required, approvals[s], "rejected at %s before step %s completed", a.Step, svc.Line[s].Name)
					}
					continue
				}
				approvals[stepIdx[a.Step]]++
			}
			if final.State == csr.Approved {
				require.Zero(t, rejects)
				for i, s := range svc.Line {
					require.Equal(t, s.Required, approvals[i], "approvals of step %s", s.Name)
				}
			} else {
				require.Equal(t, 1, rejects)
			}

			audit, err := st.Audit(ctx, c.ID, 0)
			require.NoError(t, err)
			require.Len(t, audit, len(final.History), "one audit record per history entry")
			for i, r := range audit {
				require.Equal(t, final.History[i], r.Entry)
			}
		})
	}
}

// Two bot processes, each with its own connections, adding evidence to the
// same CSR at once: every addition survives.
func TestTwoProcessesLoseNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	first, _, prefix := newStore(t)
	rdb, err := redisstore.Connect(ctx, testenv.RedisURL())
	require.NoError(t, err)
	t.Cleanup(func() { _ = rdb.Close() })
	second := redisstore.New(rdb, prefix)
	c := inApproval(t, first)

	const n = 50
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		st := first
		if i%2 == 1 {
			st = second
		}
		wg.Go(func() {
			<-start
			link := fmt.Sprintf("https://ci.example/run/%d", i)
			_, _, err := st.Update(ctx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
				return c.AddEvidence(csr.Actor{Person: csr.Person(fmt.Sprint("tester", i))}, link, "", t0)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()

	final, err := second.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(1+n), final.Version)
	require.Len(t, final.History, len(c.History)+n)
	links := map[string]bool{}
	for _, e := range final.Evidence {
		links[e.URL] = true
	}
	for i := range n {
		require.True(t, links[fmt.Sprintf("https://ci.example/run/%d", i)], "evidence %d lost", i)
	}
	require.Len(t, final.Evidence, n)
	audit, err := first.Audit(ctx, c.ID, 0)
	require.NoError(t, err)
	require.Len(t, audit, len(final.History))
}
