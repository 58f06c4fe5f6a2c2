package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/config"
	"releasebot/integrations/console"
	"releasebot/internal/clock"
	"releasebot/internal/testenv"
)

const benchConfig = `
timezone: Asia/Seoul
admins: [grace]
people: {alice: U0ALICE001, bob: U0BOB00002, carol: U0CAROL003, erin: U0ERIN0005, frank: U0FRANK006, grace: U0GRACE007}
services:
  - name: billing-api
    repo: acme/billing-api
    channel: "#billing-releases"
    environments:
      - {name: test, deployer: {kind: fake, delay: 0s}}
      - {name: prod, deployer: {kind: fake, delay: 0s}}
    approval_line:
      - {name: lead, approvers: [bob]}
      - {name: sm, approvers: [carol]}
      - {name: business, approvers: [erin]}
    evidence_required: true
    deploy_window: {days: [mon, tue, wed, thu, fri], start: "22:00", end: "02:00"}
`

// roundTrips counts network round trips: one per command, one per pipeline.
type roundTrips struct {
	n atomic.Int64
	// trace, when set, records one line per round trip (the command and its
	// first key), so `go test -bench Lifecycle -v` shows where they go.
	mu    sync.Mutex
	trace []string
	on    atomic.Bool
}

func (r *roundTrips) note(cmds ...redis.Cmder) {
	r.n.Add(1)
	if !r.on.Load() {
		return
	}
	var line []string
	for _, c := range cmds {
		args := c.Args()
		name := fmt.Sprint(args[0])
		if (name == "evalsha" || name == "eval") && len(args) > 3 {
			name += " " + fmt.Sprint(args[3])
		} else if len(args) > 1 {
			name += " " + fmt.Sprint(args[1])
		}
		line = append(line, name)
	}
	r.mu.Lock()
	r.trace = append(r.trace, strings.Join(line, " | "))
	r.mu.Unlock()
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { r.note(cmd); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { r.note(cmds...); return next(ctx, cmds) }
}

type discard struct{}

func (discard) Notify(context.Context, chat.Notice) error { return nil }

// BenchmarkLifecycle walks one CSR from `new` to `deployed` through the
// command handler, the runner and the real Redis, with a fake deployer that
// returns at once. It reports lifecycles per second and Redis round trips
// per lifecycle.
func BenchmarkLifecycle(b *testing.B) {
	rdb, prefix := testenv.Redis(b)
	var rt roundTrips
	rdb.AddHook(&rt)
	cfg, err := config.Parse("bench.yaml", []byte(benchConfig))
	if err != nil {
		b.Fatal(err)
	}
	seoul, _ := time.LoadLocation("Asia/Seoul")
	clk := clock.NewManual(time.Date(2026, 12, 4, 23, 0, 0, 0, seoul))
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix, Clock: clk,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Notifier: func(console.Renderer) bot.Notifier { return discard{} }})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	do := func(user, text string) {
		out := a.Bot.Handle(ctx, chat.Event{User: user, Text: text})
		if out.Reply.Refusal != nil {
			b.Fatalf("%s: %s refused: %s", user, text, out.Reply.Refusal.Why)
		}
	}
	rt.n.Store(0)
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		rt.on.Store(i == 2) // the second: the first warms script caches
		id := fmt.Sprintf("CSR-%d", i)
		do("alice", `new billing-api "Fix rounding" --ref main --effort 4h`)
		do("alice", "test "+id)
		a.Runner.Wait()
		do("frank", "evidence "+id+` https://ci.example.com/run/1 "green"`)
		do("alice", "submit "+id)
		do("bob", "approve "+id)
		do("carol", "approve "+id)
		do("erin", "approve "+id)
		do("alice", "deploy "+id)
		a.Runner.Wait()
	}
	b.StopTimer()
	rt.on.Store(false)
	if testing.Verbose() && len(rt.trace) > 0 {
		b.Logf("round trips of one lifecycle (%d):\n%s", len(rt.trace), strings.Join(rt.trace, "\n"))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lifecycles/s")
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/lifecycle")
	c, err := a.Store.Get(ctx, "CSR-1")
	if err != nil || c.State != "deployed" {
		b.Fatalf("CSR-1 ended %q (%v), want deployed", c.State, err)
	}
}
