package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/bot/chat"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/clock"
	"releasebot/internal/testenv"
	"releasebot/msg"
	"releasebot/scheduler"
)

var _ scheduler.Lease = (*redisstore.Lease)(nil)

// baseConfig has billing-api (night window in Seoul, three approval steps,
// a year-end freeze) and web-frontend (deploys any time); tests append
// their reminders.
const baseConfig = `
timezone: Asia/Seoul
admins: [grace]
people: {alice: U0ALICE001, bob: U0BOB00002, carol: U0CAROL003, dave: U0DAVE0004, erin: U0ERIN0005, frank: U0FRANK006, grace: U0GRACE007}
groups: {sm: [carol, dave]}
services:
  - name: billing-api
    repo: acme/billing-api
    channel: "#billing-releases"
    environments:
      - {name: test, deployer: {kind: fake}}
      - {name: prod, deployer: {kind: fake}}
    approval_line:
      - {name: lead, approvers: [bob]}
      - {name: sm, approvers: ["group:sm"]}
      - {name: business, approvers: [erin]}
    evidence_required: true
    deploy_window: {days: [mon, tue, wed, thu, fri], start: "22:00", end: "02:00", timezone: Asia/Seoul}
    freezes:
      - {from: "2026-12-24 00:00", until: "2026-12-26 00:00", reason: "Year-end freeze: billing close"}
  - name: web-frontend
    repo: acme/web-frontend
    channel: "#web-releases"
    environments:
      - {name: staging, deployer: {kind: fake}}
      - {name: prod, deployer: {kind: fake}}
    approval_line:
      - {name: lead, approvers: [bob]}
`

var (
	seoul   = zone("Asia/Seoul")
	newYork = zone("America/New_York")
)

func zone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// kst is a time in Seoul; December 2026 starts on a Tuesday, so
// 2026-12-04 is a Friday.
func kst(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, seoul) }

func loadConfig(t testing.TB, reminders string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(baseConfig+reminders))
	require.NoError(t, err)
	return cfg
}

// posted is one notice and what posted it, when.
type posted struct {
	by string
	at time.Time
	n  chat.Notice
}

// emitted is one Emit call.
type emitted struct {
	by  string
	csr csr.CSR
	evs []csr.Event
}

// recorder collects what every scheduler instance of a test posts and
// emits, in order.
type recorder struct {
	mu      sync.Mutex
	notices []posted
	emits   []emitted
}

func (r *recorder) all() ([]posted, []emitted) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]posted(nil), r.notices...), append([]emitted(nil), r.emits...)
}

// texts renders the notices posted to channel.
func (r *recorder) texts(channel string) []string {
	ns, _ := r.all()
	var out []string
	for _, p := range ns {
		if p.n.Channel == channel {
			out = append(out, msg.English.Render(p.n.Text))
		}
	}
	return out
}

// effects is one instance's view of the recorder.
type effects struct {
	rec   *recorder
	name  string
	clock clock.Clock
	panic bool // Notice panics: a failing job
}

func (e *effects) Notice(_ context.Context, n chat.Notice) {
	if e.panic {
		panic("notifier exploded")
	}
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	e.rec.notices = append(e.rec.notices, posted{by: e.name, at: e.clock.Now(), n: n})
}

func (e *effects) Emit(_ context.Context, c csr.CSR, _ csr.Person, evs []csr.Event) {
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	e.rec.emits = append(e.rec.emits, emitted{by: e.name, csr: c, evs: evs})
}

// env is one installation: a store on the real Redis under a test prefix,
// a manual clock, and the scheduler instances of the test.
type env struct {
	t      *testing.T
	cfg    *config.Config
	rdb    redis.UniversalClient
	prefix string
	store  *redisstore.Store
	clock  *clock.Manual
	rec    *recorder
	seq    int64
}

func newEnv(t *testing.T, reminders string, start time.Time) *env {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	return &env{t: t, cfg: loadConfig(t, reminders), rdb: rdb, prefix: prefix, store: redisstore.New(rdb, prefix),
		clock: clock.NewManual(start), rec: &recorder{}}
}

// instance is one scheduler process: its own Redis connection, store,
// lease and effects.
type instance struct {
	name  string
	s     *scheduler.Scheduler
	lease *redisstore.Lease
	fx    *effects
}

func (e *env) instance(name string, ttl time.Duration, tune func(*scheduler.Options)) *instance {
	e.t.Helper()
	opt, err := redis.ParseURL(testenv.RedisURL())
	require.NoError(e.t, err)
	rdb := redis.NewClient(opt)
	e.t.Cleanup(func() { _ = rdb.Close() })
	st := redisstore.New(rdb, e.prefix)
	lease := st.Lease("scheduler", ttl)
	fx := &effects{rec: e.rec, name: name, clock: e.clock}
	o := scheduler.Options{Store: st, Lease: lease, Effects: fx, Services: e.cfg, Reminders: e.cfg.Reminders(),
		Clock: e.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if tune != nil {
		tune(&o)
	}
	return &instance{name: name, s: scheduler.New(o), lease: lease, fx: fx}
}

func (e *env) tick(in *instance) {
	e.t.Helper()
	require.NoError(e.t, in.s.Tick(context.Background()))
}

// at sets the clock and ticks.
func (e *env) at(in *instance, t time.Time) {
	e.t.Helper()
	e.clock.Set(t)
	e.tick(in)
}

// csrTo creates a CSR of service walked through the domain to state, each
// step at the clock's time, and stores it.
func (e *env) csrTo(service string, to csr.State) csr.CSR {
	e.t.Helper()
	svc, ok := e.cfg.Service(service)
	require.True(e.t, ok)
	now := e.clock.Now()
	e.seq++
	alice := csr.Actor{Person: "alice"}
	c, _, err := csr.New(csr.FormatID("CSR", e.seq), csr.NewRequest{Title: "Change " + service, Requester: "alice",
		Refs: []csr.Ref{{Repo: svc.Repo, Ref: "main", SHA: "5b17166c0ffee5b17166c0ffee5b17166c0ffee5"}}}, svc, now)
	require.NoError(e.t, err)
	step := func(d csr.CSR, _ []csr.Event, err error) {
		e.t.Helper()
		require.NoError(e.t, err)
		c = d
	}
	run := func() string { r, _ := c.ActiveRun(); return r.ID }
	for c.State != to {
		switch c.State {
		case csr.Draft:
			step(c.Test(alice, now, svc))
		case csr.TestDeploying:
			if to == csr.TestFailed {
				step(c.UpdateRun(run(), csr.RunFailed, "", "exit 1", now))
				continue
			}
			step(c.UpdateRun(run(), csr.RunSucceeded, "", "", now))
		case csr.Tested:
			if svc.EvidenceRequired {
				step(c.AddEvidence(csr.Actor{Person: "frank"}, "https://ci.example.com/run/1", "green", now))
			}
			step(c.Submit(alice, now, svc))
		case csr.InApproval:
			st, _ := c.OpenStep(svc)
			if to == csr.InApproval && st.Index > 0 {
				require.Failf(e.t, "walk", "in_approval is reached before any approval")
			}
			step(c.Approve(csr.Actor{Person: st.Step.Approvers[0]}, now, svc))
		case csr.Approved:
			step(c.Deploy(csr.Actor{Person: "grace", Admin: true}, now, svc, nil, csr.DeployOptions{Override: "test setup"}))
		case csr.Deploying:
			if to == csr.DeployFailed {
				step(c.UpdateRun(run(), csr.RunFailed, "", "exit 1", now))
				continue
			}
			step(c.UpdateRun(run(), csr.RunSucceeded, "", "", now))
		default:
			require.Failf(e.t, "walk", "cannot walk from %s to %s", c.State, to)
		}
	}
	c, err = e.store.Create(context.Background(), c)
	require.NoError(e.t, err)
	return c
}

// approve records p's approval of the open step of id at the clock's time.
func (e *env) approve(id csr.ID, p csr.Person) {
	e.t.Helper()
	_, _, err := e.store.Update(context.Background(), id, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		svc, _ := e.cfg.Service(c.Service)
		return c.Approve(csr.Actor{Person: p}, e.clock.Now(), svc)
	})
	require.NoError(e.t, err)
}

// schedule schedules the approved CSR id for when, as alice, at the
// clock's time.
func (e *env) schedule(id csr.ID, when time.Time) {
	e.t.Helper()
	_, _, err := e.store.Update(context.Background(), id, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		svc, _ := e.cfg.Service(c.Service)
		return c.Schedule(csr.Actor{Person: "alice"}, when, e.clock.Now(), svc, nil)
	})
	require.NoError(e.t, err)
}

func (e *env) get(id csr.ID) csr.CSR {
	e.t.Helper()
	c, err := e.store.Get(context.Background(), id)
	require.NoError(e.t, err)
	return c
}

// runsRequested lists the deploy runs emitted, by instance.
func runsRequested(es []emitted) []string {
	var out []string
	for _, e := range es {
		for _, ev := range e.evs {
			if ev.Kind == csr.EvRunRequested {
				out = append(out, e.by+":"+ev.Run.ID)
			}
		}
	}
	return out
}
