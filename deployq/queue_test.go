package deployq_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/deployq"
	"releasebot/integrations/deploy"
	"releasebot/integrations/github"
	"releasebot/integrations/github/githubtest"
	"releasebot/integrations/redisstore"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

// serial is a deployer that records the order runs start in and how many
// run at once.
type serial struct {
	mu       sync.Mutex
	started  []string
	inFlight atomic.Int32
	most     atomic.Int32
}

func (s *serial) Start(_ context.Context, r deploy.Request) (deploy.Handle, error) {
	n := s.inFlight.Add(1)
	for {
		m := s.most.Load()
		if n <= m || s.most.CompareAndSwap(m, n) {
			break
		}
	}
	s.mu.Lock()
	s.started = append(s.started, r.Run.ID)
	s.mu.Unlock()
	return deploy.Handle{ID: "serial:" + r.Run.ID}, nil
}

func (s *serial) Follow(ctx context.Context, _ deploy.Request, _ deploy.Handle) (deploy.Result, error) {
	defer s.inFlight.Add(-1)
	// A little work, so that a second run started too early would overlap.
	t := time.NewTimer(5 * time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return deploy.Result{}, ctx.Err()
	case <-t.C:
	}
	return deploy.Result{Status: csr.RunSucceeded}, nil
}

// TestLineRunsOneAtATimeInOrder: 20 deploy requests for one service and
// environment arrive at once; three bot processes work the queue. The runs
// go one at a time, in the order they were queued, and those that wait are
// told their place in line.
func TestLineRunsOneAtATimeInOrder(t *testing.T) {
	f := newFixture(t)
	dep := &serial{}
	deps := oneDeployer{dep}
	enqueuer := f.runner(t, deps, "enqueuer")
	for i := range 3 {
		work(t, f.runner(t, deps, "worker-"+strconv.Itoa(i)))
	}
	type req struct {
		c   csr.CSR
		run csr.Run
	}
	var reqs []req
	for n := 1; n <= 20; n++ {
		c, run := f.testing(t, n)
		reqs = append(reqs, req{c, run})
	}
	seq := map[string]int64{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, rq := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			e, err := enqueuer.Enqueue(context.Background(), rq.c, billing(), rq.run)
			require.NoError(t, err)
			require.True(t, e.New)
			mu.Lock()
			seq[rq.run.ID] = e.Seq
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	enqueuer.Wait()

	require.Equal(t, int32(1), dep.most.Load(), "two runs of billing-api/test ran at once")
	want := make([]string, 0, len(seq))
	for run := range seq {
		want = append(want, run)
	}
	slices.SortFunc(want, func(a, b string) int { return int(seq[a] - seq[b]) })
	require.Equal(t, want, dep.started, "runs started out of queue order")
	for _, rq := range reqs {
		c := f.get(t, rq.c.ID)
		require.Equal(t, csr.Tested, c.State, rq.c.ID)
		require.Equal(t, 1, results(c, rq.run.ID))
	}
	queued := 0
	for _, n := range f.effects.notices {
		if n.Text.ID == msg.NoteRunQueued {
			queued++
		}
	}
	require.Positive(t, queued, "waiting runs are told their place in line")
	require.Len(t, f.effects.Finished(), 20)
}

// blocking is a deployer whose runs end only when cancelled.
type blocking struct {
	started   chan string
	cancelled chan string
}

func (b *blocking) Start(_ context.Context, r deploy.Request) (deploy.Handle, error) {
	b.started <- r.Run.ID
	return deploy.Handle{ID: "blocking:" + r.Run.ID}, nil
}

func (b *blocking) Follow(ctx context.Context, _ deploy.Request, _ deploy.Handle) (deploy.Result, error) {
	<-ctx.Done()
	return deploy.Result{}, ctx.Err()
}

func (b *blocking) Cancel(_ context.Context, r deploy.Request, _ deploy.Handle) error {
	b.cancelled <- r.Run.ID
	return nil
}

// TestCancelReachesAnotherProcess: `cancel` handled by one process stops
// the run another process performs, and the run is recorded cancelled.
func TestCancelReachesAnotherProcess(t *testing.T) {
	f := newFixture(t)
	dep := &blocking{started: make(chan string, 1), cancelled: make(chan string, 1)}
	worker := f.runner(t, oneDeployer{dep}, "worker")
	work(t, worker)
	chatSide := f.runner(t, oneDeployer{dep}, "chat")
	c, run := f.testing(t, 1)
	_, err := chatSide.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)
	require.Equal(t, run.ID, <-dep.started)

	chatSide.Cancel(run.ID)
	require.Equal(t, run.ID, <-dep.cancelled)
	chatSide.Wait()
	got := runOf(f.get(t, c.ID), run.ID)
	require.Equal(t, csr.RunCancelled, got.Status)
	require.Equal(t, csr.TestFailed, f.get(t, c.ID).State)
}

// TestReportIsIdempotent: the same result reported twice (webhook and
// poller, or a redelivery) is recorded and announced once.
func TestReportIsIdempotent(t *testing.T) {
	f := newFixture(t)
	r := f.runner(t, oneDeployer{deploy.Fake{}}, "r")
	c, run := f.testing(t, 1)
	ctx := context.Background()
	// The worker links the run it found; only then do reports about it count.
	_, _, err := f.store.Update(ctx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.LinkRun(run.ID, "workflow_run:1/1", "", t0)
	})
	require.NoError(t, err)
	require.NoError(t, f.store.LinkExternal(ctx, "workflow_run:1/1", run.ID))
	require.ErrorIs(t, r.Report(ctx, deploy.Report{RunID: run.ID, External: "workflow_run:1/2", Status: csr.RunFailed}), deployq.ErrUnknownRun,
		"a re-run attempt of the linked run is another run")
	rep := deploy.Report{RunID: run.ID, External: "workflow_run:1", Status: csr.RunSucceeded, URL: "https://github.com/acme/billing-api/actions/runs/1"}
	require.NoError(t, r.Report(ctx, rep))
	after := f.get(t, c.ID)
	require.NoError(t, r.Report(ctx, rep))
	require.NoError(t, r.Report(ctx, deploy.Report{External: "workflow_run:1/1", Status: csr.RunFailed}))
	again := f.get(t, c.ID)
	require.Equal(t, after.Version, again.Version, "a result applied twice changes nothing")
	require.Equal(t, csr.Tested, again.State)
	require.Len(t, f.effects.Finished(), 1)
	require.ErrorIs(t, r.Report(ctx, deploy.Report{RunID: "CSR-99/test/1", Status: csr.RunSucceeded}), deployq.ErrUnknownRun)
	require.ErrorIs(t, r.Report(ctx, deploy.Report{External: "workflow_run:2", Status: csr.RunSucceeded}), deployq.ErrUnknownRun)
}

// actions is the github-actions deployer against a fake GitHub.
func actions(api string, poll time.Duration) oneDeployer {
	c, err := github.NewClient(github.Settings{APIURL: api, Token: deploy.NewSecret("ghp_test")})
	if err != nil {
		panic(err)
	}
	return oneDeployer{&github.Actions{Client: c, Workflow: "deploy.yml", Environment: "production", Poll: poll,
		FindWait: 5 * time.Second, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}}
}

// TestHelperProcess is a bot process for TestKilledProcessIsTakenOver:
// it works the queue until it is killed.
func TestHelperProcess(t *testing.T) {
	prefix := os.Getenv("DEPLOYQ_HELPER_PREFIX")
	if prefix == "" {
		t.Skip("a helper process of TestKilledProcessIsTakenOver")
	}
	st := redisstore.New(conn(t), prefix)
	o := options(st, actions(os.Getenv("DEPLOYQ_HELPER_GITHUB"), 50*time.Millisecond), "doomed")
	if os.Getenv("DEPLOYQ_HELPER_DEFAULTS") != "" {
		o = defaultTimings(o)
	}
	o.Effects = &effects{}
	r := deployq.New(context.Background(), o)
	r.Work(context.Background())
}

// TestKilledProcessIsTakenOver: a bot process is killed (SIGKILL) while it
// deploys through GitHub Actions; another process takes its job over,
// finds the workflow run the dead one dispatched, follows it instead of
// dispatching again, and the CSR ends deployed exactly once.
func TestKilledProcessIsTakenOver(t *testing.T) {
	for _, tc := range []struct {
		name string
		// linked: killed after the run was recorded on the CSR; otherwise
		// between the dispatch and finding the run.
		linked bool
	}{{"after the run is linked", true}, {"between dispatch and finding the run", false}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			gh := githubtest.New(t)
			if !tc.linked {
				gh.ListGate = make(chan struct{})
			}
			c, run := f.deploying(t, 1)
			survivor := f.runner(t, actions(gh.APIURL(), 20*time.Millisecond), "survivor")
			_, err := survivor.Enqueue(context.Background(), c, billing(), run)
			require.NoError(t, err)

			kill := testenv.StartKillable(t, testenv.HelperCommand("TestHelperProcess",
				"DEPLOYQ_HELPER_PREFIX="+f.prefix, "DEPLOYQ_HELPER_GITHUB="+gh.APIURL()))

			if tc.linked {
				require.Eventually(t, func() bool { return runOf(f.get(t, c.ID), run.ID).External != "" }, 20*time.Second, 10*time.Millisecond)
			} else {
				select {
				case <-gh.Listed: // dispatched, now looking for its run
				case <-time.After(20 * time.Second):
					t.Fatal("the helper process never dispatched")
				}
				require.Equal(t, csr.RunRunning, runOf(f.get(t, c.ID), run.ID).Status)
				require.Empty(t, runOf(f.get(t, c.ID), run.ID).External)
			}
			require.Len(t, gh.Dispatches(), 1)
			kill()
			if gh.ListGate != nil {
				close(gh.ListGate)
			}

			work(t, survivor)
			require.Eventually(t, func() bool { return runOf(f.get(t, c.ID), run.ID).External != "" }, 20*time.Second, 10*time.Millisecond)
			runs := gh.Runs()
			require.Len(t, runs, 1)
			gh.SetRun(runs[0].ID, "completed", "success")
			survivor.Wait()

			got := f.get(t, c.ID)
			require.Equal(t, csr.Deployed, got.State)
			require.Len(t, gh.Dispatches(), 1, "the workflow was dispatched again")
			require.Equal(t, 1, results(got, run.ID), "the result was recorded more than once")
			require.Equal(t, "https://github.com/acme/billing-api/actions/runs/"+strconv.FormatInt(runs[0].ID, 10), runOf(got, run.ID).URL)
			require.Len(t, f.effects.Finished(), 1, "the result was announced more than once")
		})
	}
}

// TestWebhookDeliveredTwice: GitHub's workflow_run delivery records the
// result while the queue still follows the run; the same delivery again,
// and the poller's later view, change nothing.
func TestWebhookDeliveredTwice(t *testing.T) {
	f := newFixture(t)
	gh := githubtest.New(t)
	r := f.runner(t, actions(gh.APIURL(), time.Hour), "worker") // polls too rarely to matter
	work(t, r)
	c, run := f.deploying(t, 1)
	_, err := r.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return runOf(f.get(t, c.ID), run.ID).External != "" }, 10*time.Second, 10*time.Millisecond)

	hook := &github.Webhook{Secret: deploy.NewSecret("s3cret"), Reports: r, Claims: f.store, Unknown: deployq.ErrUnknownRun,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	v, _ := githubtest.Fixture(t, "webhook.workflow_run.completed.success.json").(map[string]any)
	wr, _ := v["workflow_run"].(map[string]any)
	wr["display_title"] = "Deploy production (" + run.ID + ")"
	wr["id"] = gh.Runs()[0].ID
	wr["event"], wr["head_branch"] = "workflow_dispatch", github.TagName(run.ID) // a dispatched run, on the run's tag
	body, err := json.Marshal(v)
	require.NoError(t, err)
	post := func(delivery string) int {
		req := httptest.NewRequest(http.MethodPost, "/github/webhook", bytes.NewReader(body))
		req.Header.Set("X-GitHub-Event", "workflow_run")
		req.Header.Set("X-GitHub-Delivery", delivery)
		req.Header.Set("X-Hub-Signature-256", deploy.Sign(hook.Secret, body))
		w := httptest.NewRecorder()
		hook.ServeHTTP(w, req)
		return w.Code
	}
	require.Equal(t, http.StatusNoContent, post("delivery-1"))
	r.Wait() // the worker noticed the recorded result and finished the job
	first := f.get(t, c.ID)
	require.Equal(t, csr.Deployed, first.State)
	require.Equal(t, http.StatusOK, post("delivery-1"), "a redelivery is dropped")
	require.Equal(t, http.StatusNoContent, post("delivery-2"), "the same news in a new delivery is accepted")
	again := f.get(t, c.ID)
	require.Equal(t, first.Version, again.Version, "and changes nothing")
	require.Equal(t, 1, results(again, run.ID))
	require.Len(t, f.effects.Finished(), 1)
	require.Len(t, gh.Dispatches(), 1)
}

// TestCallback: the webhook deployer's receiver reports the result through
// the signed callback endpoint.
func TestCallback(t *testing.T) {
	f := newFixture(t)
	var posted []map[string]any
	var mu sync.Mutex
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !deploy.Verify(deploy.NewSecret("hook-secret"), body, r.Header.Get(deploy.SignatureHeader)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var v map[string]any
		_ = json.Unmarshal(body, &v)
		mu.Lock()
		posted = append(posted, v)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"id":"job-77","url":"https://deploy.example.com/jobs/77"}`))
	}))
	t.Cleanup(endpoint.Close)
	hook := &deploy.Webhook{URL: endpoint.URL, CallbackURL: "https://bot.example.com/deploy/callback", Secret: deploy.NewSecret("hook-secret")}
	r := f.runner(t, oneDeployer{hook}, "worker")
	work(t, r)
	c, run := f.testing(t, 1)
	_, err := r.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return runOf(f.get(t, c.ID), run.ID).External == "callback:job-77" }, 10*time.Second, 10*time.Millisecond)
	mu.Lock()
	require.Len(t, posted, 1)
	require.Equal(t, run.ID, posted[0]["run_id"])
	require.Equal(t, "https://bot.example.com/deploy/callback", posted[0]["callback_url"])
	mu.Unlock()

	cb := deployq.CallbackHandler(r, deploy.NewSecret("hook-secret"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	send := func(body, sig string) int {
		req := httptest.NewRequest(http.MethodPost, "/deploy/callback", bytes.NewReader([]byte(body)))
		if sig != "" {
			req.Header.Set(deploy.SignatureHeader, sig)
		}
		w := httptest.NewRecorder()
		cb.ServeHTTP(w, req)
		return w.Code
	}
	body := `{"run_id":"` + run.ID + `","status":"failed","detail":"migrations failed"}`
	require.Equal(t, http.StatusUnauthorized, send(body, deploy.Sign(deploy.NewSecret("guess"), []byte(body))))
	require.Equal(t, http.StatusUnauthorized, send(body, ""))
	require.Equal(t, http.StatusNoContent, send(body, deploy.Sign(deploy.NewSecret("hook-secret"), []byte(body))))
	r.Wait()
	got := f.get(t, c.ID)
	require.Equal(t, csr.TestFailed, got.State)
	require.Equal(t, "migrations failed", runOf(got, run.ID).Detail)
	require.Equal(t, http.StatusNoContent, send(body, deploy.Sign(deploy.NewSecret("hook-secret"), []byte(body))))
	require.Equal(t, got.Version, f.get(t, c.ID).Version)
	unknown := `{"run_id":"CSR-9/test/1","status":"succeeded"}`
	require.Equal(t, http.StatusNotFound, send(unknown, deploy.Sign(deploy.NewSecret("hook-secret"), []byte(unknown))))
}

// TestRollbackRunsThroughTheQueue: `rollback` redeploys the previous
// commit through the same deployer and line, as a recorded run.
func TestRollbackRunsThroughTheQueue(t *testing.T) {
	f := newFixture(t)
	dep := &serial{}
	r := f.runner(t, oneDeployer{dep}, "worker")
	work(t, r)
	c, run := f.deploying(t, 1)
	_, err := r.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)
	r.Wait()
	const prev = "0ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9"
	var rb csr.Run
	c, _, err = f.store.Update(context.Background(), c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		d, evs, err := c.Rollback(csr.Actor{Person: "alice"}, prev, "error rate up", t0, billing())
		if err == nil {
			rb = evs[0].Run
		}
		return d, evs, err
	})
	require.NoError(t, err)
	_, err = r.Enqueue(context.Background(), c, billing(), rb)
	require.NoError(t, err)
	r.Wait()
	got := f.get(t, c.ID)
	require.Equal(t, csr.RolledBack, got.State)
	require.Equal(t, []string{run.ID, "CSR-1/rollback/1"}, dep.started)
	rolled := runOf(got, "CSR-1/rollback/1")
	require.Equal(t, prev, rolled.SHA)
	require.Equal(t, csr.RunSucceeded, rolled.Status)
}

// TestLegacyLinkedRunStillReported: a run linked before attempts were part
// of the id ("workflow_run:7") is still found by a delivery about its
// first attempt ("workflow_run:7/1"), and by no other attempt.
func TestLegacyLinkedRunStillReported(t *testing.T) {
	f := newFixture(t)
	r := f.runner(t, oneDeployer{deploy.Fake{}}, "r")
	c, run := f.testing(t, 1)
	ctx := context.Background()
	_, _, err := f.store.Update(ctx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.LinkRun(run.ID, "workflow_run:7", "", t0)
	})
	require.NoError(t, err)
	require.NoError(t, f.store.LinkExternal(ctx, "workflow_run:7", run.ID))
	require.ErrorIs(t, r.Report(ctx, deploy.Report{External: "workflow_run:7/2", Status: csr.RunFailed}), deployq.ErrUnknownRun)
	require.NoError(t, r.Report(ctx, deploy.Report{External: "workflow_run:7/1", Status: csr.RunSucceeded}))
	require.Equal(t, csr.Tested, f.get(t, c.ID).State)
}

// defaultTimings is o with the lock, heartbeat and reclaim timings a
// production bot runs with.
func defaultTimings(o deployq.Options) deployq.Options {
	o.LockTTL, o.Heartbeat, o.ReclaimIdle, o.Block = 0, 0, 0, 0
	return o
}

// TestTakeoverAtDefaultTimings: a bot process deploying through GitHub
// Actions is killed (SIGKILL) with the timings production runs with; the
// surviving process takes the job over and records the run's result
// within 20 seconds of the kill (the lock expires after 10 s, the pending
// entry is reclaimed once idle for 12 s, looked for every 2 s).
func TestTakeoverAtDefaultTimings(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a takeover at production timings (~15 s)")
	}
	f := newFixture(t)
	gh := githubtest.New(t)
	c, run := f.deploying(t, 1)
	st := redisstore.New(conn(t), f.prefix)
	so := defaultTimings(options(st, actions(gh.APIURL(), 20*time.Millisecond), "survivor"))
	so.Effects = f.effects
	survivor := deployq.New(context.Background(), so)
	_, err := survivor.Enqueue(context.Background(), c, billing(), run)
	require.NoError(t, err)

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "DEPLOYQ_HELPER_PREFIX="+f.prefix, "DEPLOYQ_HELPER_GITHUB="+gh.APIURL(), "DEPLOYQ_HELPER_DEFAULTS=1")
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	require.Eventually(t, func() bool { return runOf(f.get(t, c.ID), run.ID).External != "" }, 20*time.Second, 10*time.Millisecond)
	work(t, survivor) // after the helper took the job: the survivor must take it over
	require.NoError(t, cmd.Process.Kill())
	<-exited
	killed := time.Now()
	runs := gh.Runs()
	require.Len(t, runs, 1)
	gh.SetRun(runs[0].ID, "completed", "success")

	require.Eventually(t, func() bool { return f.get(t, c.ID).State == csr.Deployed }, 40*time.Second, 50*time.Millisecond)
	took := time.Since(killed)
	t.Logf("taken over and recorded %.1f s after the kill", took.Seconds())
	require.Less(t, took, 20*time.Second, "takeover slower than the lock and reclaim timings allow")
	require.Len(t, gh.Dispatches(), 1, "the workflow was dispatched again")
	require.Equal(t, 1, results(f.get(t, c.ID), run.ID))
	require.Len(t, f.effects.Finished(), 1)
}
