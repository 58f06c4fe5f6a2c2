package commands_test

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/bot/chat"
	"releasebot/commands"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/integrations/gitref"
	"releasebot/integrations/redisstore"
	"releasebot/internal/clock"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

// friday2300 is inside billing-api's deploy window.
var friday2300 = time.Date(2026, 12, 4, 23, 0, 0, 0, mustZone("Asia/Seoul"))

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// effects records what handlers emit; runs are finished by the test.
type effects struct {
	mu      sync.Mutex
	events  []csr.Event
	notices []chat.Notice
}

func (e *effects) Emit(_ context.Context, _ csr.CSR, _ csr.Person, evs []csr.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.events = append(e.events, evs...)
}

func (e *effects) Notice(_ context.Context, n chat.Notice) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notices = append(e.notices, n)
}

type env struct {
	t       *testing.T
	h       *commands.Handler
	cfg     *config.Config
	store   *redisstore.Store
	rdb     redis.UniversalClient
	prefix  string
	clock   *clock.Manual
	effects *effects
}

func newEnv(t *testing.T) *env {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	return newEnvWith(t, rdb, prefix)
}

func newEnvWith(t *testing.T, rdb redis.UniversalClient, prefix string) *env {
	cfg := testenv.Config(t)
	st := redisstore.New(rdb, prefix, redisstore.WithServices(cfg.Service))
	e := &env{t: t, cfg: cfg, store: st, rdb: rdb, prefix: prefix, clock: clock.NewManual(friday2300), effects: &effects{}}
	e.h = &commands.Handler{Registry: commands.Default(), Store: st, Config: cfg, Clock: e.clock, Refs: gitref.Offline{},
		Effects: e.effects, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return e
}

// do runs a command line as a person and returns the reply.
func (e *env) do(person, line string) chat.Reply {
	e.t.Helper()
	p := csr.Person(person)
	return e.h.Execute(context.Background(), commands.Request{Actor: csr.Actor{Person: p, Admin: e.cfg.IsAdmin(p)}}, line)
}

// ok runs a command that must succeed.
func (e *env) ok(person, line string) chat.Reply {
	e.t.Helper()
	r := e.do(person, line)
	require.Nil(e.t, r.Refusal, "%s: %q refused: %s", person, line, render(r))
	return r
}

// finishRuns records success for every open run, as the runner would.
func (e *env) finishRuns(id csr.ID) {
	e.t.Helper()
	c, err := e.store.Get(context.Background(), id)
	require.NoError(e.t, err)
	for _, r := range c.Runs {
		if r.Status.Done() {
			continue
		}
		_, _, err := e.store.Update(context.Background(), id, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.UpdateRun(r.ID, csr.RunSucceeded, "fake://"+r.ID, "", e.clock.Now())
		})
		require.NoError(e.t, err)
	}
}

func (e *env) state(id csr.ID) csr.State {
	e.t.Helper()
	c, err := e.store.Get(context.Background(), id)
	require.NoError(e.t, err)
	return c.State
}

// walk takes CSR-1 of billing-api to the given state.
func (e *env) walk(to csr.State) csr.ID {
	e.t.Helper()
	e.ok("alice", `new billing-api "Fix rounding" --ref main --effort 4h`)
	id := csr.ID("CSR-1")
	steps := []struct {
		at   csr.State
		do   func()
		next csr.State
	}{
		{csr.Draft, func() { e.ok("alice", "test CSR-1") }, csr.TestDeploying},
		{csr.TestDeploying, func() { e.finishRuns(id) }, csr.Tested},
		{csr.Tested, func() {
			e.ok("frank", "evidence CSR-1 https://ci.example.com/run/1 \"green\"")
			e.ok("alice", "submit CSR-1")
		}, csr.InApproval},
		{csr.InApproval, func() {
			e.ok("bob", "approve CSR-1")
			e.ok("carol", "approve CSR-1")
			e.ok("erin", "approve CSR-1")
		}, csr.Approved},
		{csr.Approved, func() { e.ok("alice", "deploy CSR-1") }, csr.Deploying},
		{csr.Deploying, func() { e.finishRuns(id) }, csr.Deployed},
	}
	for _, s := range steps {
		if e.state(id) == to {
			break
		}
		require.Equal(e.t, s.at, e.state(id))
		s.do()
		require.Equal(e.t, s.next, e.state(id))
	}
	require.Equal(e.t, to, e.state(id))
	return id
}

// snapshot is every key of this test's installation, dumped byte for byte.
func (e *env) snapshot() map[string]string {
	e.t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	var keys []string
	iter := e.rdb.Scan(ctx, 0, "*"+e.prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	require.NoError(e.t, iter.Err())
	sort.Strings(keys)
	for _, k := range keys {
		v, err := e.rdb.Dump(ctx, k).Result()
		require.NoError(e.t, err)
		out[k] = v
	}
	return out
}

// render is how the reply reads in English.
func render(r chat.Reply) string {
	var b strings.Builder
	if r.Refusal != nil {
		b.WriteString(msg.English.Render(r.Refusal.Why) + " | " + msg.English.Render(r.Refusal.Next) + "\n")
	}
	for _, t := range r.Texts {
		b.WriteString(msg.English.Render(t) + "\n")
	}
	if r.Card != nil {
		b.WriteString(msg.English.Render(r.Card.Next) + "\n")
	}
	return b.String()
}

func redisClient(t *testing.T, addr string) redis.UniversalClient {
	t.Helper()
	rdb, err := redisstore.Connect(context.Background(), "redis://"+addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}
