package deployq_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/deployq"
	"releasebot/integrations/deploy"
	"releasebot/integrations/redisstore"
	"releasebot/internal/testenv"
)

var t0 = time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)

const sha = "5b17166a7c43d5a1f0c2b2e1f0aa6de3c4d5e6f7"

func billing() csr.Service {
	return csr.Service{Name: "billing-api", Repo: "acme/billing-api", Channel: "#billing-releases",
		Environments: []string{"test", "prod"}, Deployers: map[string]string{"test": "fake", "prod": "fake"},
		Line: []csr.Step{{Name: "lead", Approvers: []csr.Person{"bob"}, Required: 1}}}
}

type services map[string]csr.Service

func (s services) Service(name string) (csr.Service, bool) {
	svc, ok := s[name]
	return svc, ok
}

// oneDeployer serves the same deployer for every environment.
type oneDeployer struct{ d deploy.Deployer }

func (o oneDeployer) For(csr.Service, string) (deploy.Deployer, error) { return o.d, nil }

// effects records what the queue announced.
type effects struct {
	mu       sync.Mutex
	finished []csr.Run
	unknown  []csr.Run
	updated  []csr.Run
	notices  []chat.Notice
}

func (e *effects) Emit(_ context.Context, _ csr.CSR, _ csr.Person, evs []csr.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range evs {
		switch ev.Kind {
		case csr.EvRunFinished:
			e.finished = append(e.finished, ev.Run)
		case csr.EvRunUnknown:
			e.unknown = append(e.unknown, ev.Run)
		case csr.EvRunUpdated:
			e.updated = append(e.updated, ev.Run)
		}
	}
}

func (e *effects) Notice(_ context.Context, n chat.Notice) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notices = append(e.notices, n)
}

func (e *effects) Unknown() []csr.Run {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]csr.Run(nil), e.unknown...)
}

func (e *effects) Updated() []csr.Run {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]csr.Run(nil), e.updated...)
}

func (e *effects) Notices() []chat.Notice {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]chat.Notice(nil), e.notices...)
}

func (e *effects) Finished() []csr.Run {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]csr.Run(nil), e.finished...)
}

// fixture is one installation on the shared Redis.
type fixture struct {
	prefix  string
	store   *redisstore.Store
	effects *effects
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	return &fixture{prefix: prefix, store: redisstore.New(rdb, prefix), effects: &effects{}}
}

// conn is a separate connection to the shared Redis, as another process
// would have.
func conn(t testing.TB) redis.UniversalClient {
	t.Helper()
	opt, err := redis.ParseURL(testenv.RedisURL())
	require.NoError(t, err)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// options are the queue timings of the tests: short, so takeovers happen
// in a second or two.
func options(st *redisstore.Store, deps deployq.DeployerSource, consumer string) deployq.Options {
	return deployq.Options{Store: st, Jobs: st, Deployers: deps, Services: services{"billing-api": billing()},
		Clock: fixedClock{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Consumer: consumer,
		LockTTL: time.Second, Heartbeat: 150 * time.Millisecond, ReclaimIdle: 1500 * time.Millisecond,
		LinePoll: 10 * time.Millisecond, Block: 100 * time.Millisecond, Sweep: time.Hour, UnknownRetry: 30 * time.Millisecond}
}

type fixedClock struct{}

func (fixedClock) Now() time.Time { return t0 }

// runner is one bot process's queue: its own connection, same installation.
func (f *fixture) runner(t *testing.T, deps deployq.DeployerSource, consumer string) *deployq.Runner {
	t.Helper()
	st := redisstore.New(conn(t), f.prefix)
	o := options(st, deps, consumer)
	o.Effects = f.effects
	return deployq.New(context.Background(), o)
}

// work runs r's workers until the test ends.
func work(t *testing.T, r *deployq.Runner) context.CancelFunc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Work(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return cancel
}

// testing creates CSR-n with its test run queued.
func (f *fixture) testing(t *testing.T, n int) (csr.CSR, csr.Run) {
	t.Helper()
	ctx := context.Background()
	svc := billing()
	c, _, err := csr.New(csr.FormatID("CSR", int64(n)), csr.NewRequest{Title: fmt.Sprintf("change %d", n), Requester: "alice",
		Refs: []csr.Ref{{Repo: svc.Repo, Ref: "main", SHA: sha}}}, svc, t0)
	require.NoError(t, err)
	_, err = f.store.Create(ctx, c)
	require.NoError(t, err)
	var run csr.Run
	c, _, err = f.store.Update(ctx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		d, evs, err := c.Test(csr.Actor{Person: "alice"}, t0, svc)
		if err == nil {
			run = evs[0].Run
		}
		return d, evs, err
	})
	require.NoError(t, err)
	return c, run
}

// deploying brings CSR-n to its production deploy: run CSR-n/deploy/1 queued.
func (f *fixture) deploying(t *testing.T, n int) (csr.CSR, csr.Run) {
	t.Helper()
	ctx := context.Background()
	svc := billing()
	c, test := f.testing(t, n)
	steps := []func(c csr.CSR) (csr.CSR, []csr.Event, error){
		func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.UpdateRun(test.ID, csr.RunSucceeded, "", "", t0)
		},
		func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(csr.Actor{Person: "alice"}, t0, svc) },
		func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(csr.Actor{Person: "bob"}, t0, svc) },
	}
	for _, step := range steps {
		var err error
		c, _, err = f.store.Update(ctx, c.ID, step)
		require.NoError(t, err)
	}
	var run csr.Run
	c, _, err := f.store.Update(ctx, c.ID, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		d, evs, err := c.Deploy(csr.Actor{Person: "alice"}, t0, svc, nil, csr.DeployOptions{})
		if err == nil {
			run = evs[0].Run
		}
		return d, evs, err
	})
	require.NoError(t, err)
	require.Equal(t, csr.Deploying, c.State)
	return c, run
}

func (f *fixture) get(t *testing.T, id csr.ID) csr.CSR {
	t.Helper()
	c, err := f.store.Get(context.Background(), id)
	require.NoError(t, err)
	return c
}

func runOf(c csr.CSR, id string) csr.Run {
	for _, r := range c.Runs {
		if r.ID == id {
			return r
		}
	}
	return csr.Run{}
}

// results counts the history entries that recorded a run's result.
func results(c csr.CSR, run string) int {
	n := 0
	for _, e := range c.History {
		if (e.Action == "deploy-result" || e.Action == "test-result" || e.Action == "run-result") && e.Note != "" &&
			len(e.Note) > len(run) && e.Note[:len(run)+1] == run+" " {
			n++
		}
	}
	return n
}

// The Redis store is the queue's storage.
var (
	_ deployq.Jobs  = (*redisstore.Store)(nil)
	_ deployq.Store = (*redisstore.Store)(nil)
)
