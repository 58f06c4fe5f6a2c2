package deployq_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/msg"
)

// doubtful is a deployer whose answers a test scripts: Start and Follow
// say "unknown" a number of times before they tell the truth, and Find
// finds what Start started.
type doubtful struct {
	mu            sync.Mutex
	startUnknown  int  // Start: this many ambiguous answers (the run is created all the same)
	followUnknown int  // Follow: this many "cannot tell" answers first
	forgotten     bool // Follow: the handle belongs to a process that died
	outcome       csr.RunStatus
	starts, finds int
	created       map[string]bool
	release       chan struct{} // Follow's truth waits for it, when set
}

func (d *doubtful) Start(_ context.Context, r deploy.Request) (deploy.Handle, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.starts++
	if d.created == nil {
		d.created = map[string]bool{}
	}
	d.created[r.Run.ID] = true
	if d.startUnknown > 0 {
		d.startUnknown--
		return deploy.Handle{}, fmt.Errorf("dispatch answered 502 Bad Gateway: %w", deploy.ErrOutcomeUnknown)
	}
	return deploy.Handle{ID: "doubt:" + r.Run.ID}, nil
}

func (d *doubtful) Find(_ context.Context, r deploy.Request) (deploy.Handle, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.finds++
	if !d.created[r.Run.ID] {
		return deploy.Handle{}, false, nil
	}
	return deploy.Handle{ID: "doubt:" + r.Run.ID}, true, nil
}

func (d *doubtful) Follow(ctx context.Context, r deploy.Request, _ deploy.Handle) (deploy.Result, error) {
	d.mu.Lock()
	if d.forgotten {
		d.mu.Unlock()
		return deploy.Result{}, deploy.ErrUnknownHandle
	}
	if d.followUnknown > 0 {
		d.followUnknown--
		d.mu.Unlock()
		return deploy.Result{}, fmt.Errorf("GitHub answered 401 Bad credentials while following: %w", deploy.ErrOutcomeUnknown)
	}
	release := d.release
	d.mu.Unlock()
	if release != nil {
		select {
		case <-release:
		case <-ctx.Done():
			return deploy.Result{}, ctx.Err()
		}
	}
	return deploy.Result{Status: d.outcome}, nil
}

func (d *doubtful) counts() (starts, finds int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.starts, d.finds
}

// TestUnknownOutcomeIsNeverFailed: when the deployer cannot tell (401
// while following, a 502 on dispatch), the run is recorded unknown and
// announced once, never failed; the bot keeps asking and records the
// truth when the deployer tells it; the run is started once.
func TestUnknownOutcomeIsNeverFailed(t *testing.T) {
	for _, tc := range []struct {
		name string
		dep  *doubtful
		// told: how often people hear "unknown": once per time the bot
		// loses sight of the run (a run found again is running again).
		told int
	}{
		{"credentials fail while following", &doubtful{followUnknown: 3, outcome: csr.RunSucceeded}, 1},
		{"dispatch answered 502 but the run was created", &doubtful{startUnknown: 1, outcome: csr.RunSucceeded}, 1},
		{"found after the 502, then credentials fail, and the run failed in the end", &doubtful{startUnknown: 1, followUnknown: 2, outcome: csr.RunFailed}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			r := f.runner(t, oneDeployer{tc.dep}, "worker")
			work(t, r)
			c, run := f.deploying(t, 1)
			_, err := r.Enqueue(context.Background(), c, billing(), run)
			require.NoError(t, err)
			// The result is saved, then announced: wait for both.
			require.Eventually(t, func() bool {
				return runOf(f.get(t, c.ID), run.ID).Status.Done() && len(f.effects.Finished()) > 0
			}, 10*time.Second, 5*time.Millisecond)

			got := f.get(t, c.ID)
			require.Equal(t, tc.dep.outcome, runOf(got, run.ID).Status, "what the deployer said in the end")
			want := csr.Deployed
			if tc.dep.outcome == csr.RunFailed {
				want = csr.DeployFailed
			}
			require.Equal(t, want, got.State)
			starts, _ := tc.dep.counts()
			require.Equal(t, 1, starts, "an unknown start is looked for, never started again")
			require.Len(t, f.effects.Unknown(), tc.told, "people are told once each time the outcome becomes unknown")
			require.Len(t, f.effects.Finished(), 1, "and once of the outcome")
			require.Equal(t, 1, results(got, run.ID))
		})
	}
}

// TestUnknownOutcomeHoldsTheLine: while a production run's outcome is
// unknown, the next deploy of the same environment waits; a person's
// resolve settles the run, and only then does the next one start.
func TestUnknownOutcomeHoldsTheLine(t *testing.T) {
	f := newFixture(t)
	dep := &doubtful{followUnknown: 1 << 30, outcome: csr.RunSucceeded}
	r := f.runner(t, oneDeployer{dep}, "worker")
	work(t, r)
	c1, run1 := f.deploying(t, 1)
	_, err := r.Enqueue(context.Background(), c1, billing(), run1)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return runOf(f.get(t, c1.ID), run1.ID).Status == csr.RunUnknown }, 10*time.Second, 5*time.Millisecond)
	r.Wait() // the console's wait ends at an unknown outcome

	c2, run2 := f.deploying(t, 2)
	_, err = r.Enqueue(context.Background(), c2, billing(), run2)
	require.NoError(t, err)
	time.Sleep(300 * time.Millisecond) // long enough for a wrongly free line to start run2
	starts, _ := dep.counts()
	require.Equal(t, 1, starts, "the environment stays locked while a deploy may still be going on")
	require.Equal(t, csr.RunQueued, runOf(f.get(t, c2.ID), run2.ID).Status)
	got := f.get(t, c1.ID)
	require.Equal(t, csr.Deploying, got.State, "never deploy_failed while it may go on")
	require.Equal(t, msg.NextRunUnknown, got.NextStep(billing(), t0, nil).ID)

	_, _, err = f.store.Update(context.Background(), c1.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.Resolve(csr.Actor{Person: "alice"}, csr.RunFailed, "the pods still run the old image", t0)
	})
	require.NoError(t, err)
	require.Eventually(t, func() bool { s, _ := dep.counts(); return s == 2 }, 10*time.Second, 5*time.Millisecond,
		"the next deploy starts once the unknown run is settled")
	require.Equal(t, csr.DeployFailed, f.get(t, c1.ID).State)
}

// TestDeadProcessRunIsUnknown: the deployer cannot follow a run whose
// process died (a command deploy of a killed bot, whose processes died
// with it): the run ends unknown, never failed, and the line moves on.
func TestDeadProcessRunIsUnknown(t *testing.T) {
	f := newFixture(t)
	dep := &doubtful{forgotten: true}
	r := f.runner(t, oneDeployer{dep}, "worker")
	work(t, r)
	c, run := f.deploying(t, 1)
	_, err := r.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)
	r.Wait()
	got := runOf(f.get(t, c.ID), run.ID)
	require.Equal(t, csr.RunUnknown, got.Status)
	require.Contains(t, got.Detail, "check prod")
	require.Len(t, f.effects.Unknown(), 1)
	require.Empty(t, f.effects.Finished())

	c2, run2 := f.deploying(t, 2)
	dep.mu.Lock()
	dep.forgotten = false
	dep.outcome = csr.RunSucceeded
	dep.mu.Unlock()
	_, err = r.Enqueue(context.Background(), c2, billing(), run2)
	require.NoError(t, err)
	r.Wait()
	require.Equal(t, csr.Deployed, f.get(t, c2.ID).State)
}
