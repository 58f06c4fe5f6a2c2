package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/integrations/console"
	"releasebot/internal/clock"
	"releasebot/internal/redistest"
	"releasebot/internal/testenv"
)

const cfgYAML = `
timezone: Asia/Seoul
admins: [grace]
people: {alice: U0ALICE001, bob: U0BOB00002, carol: U0CAROL003, dave: U0DAVE0004, erin: U0ERIN0005, grace: U0GRACE007}
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
`

type notices struct {
	mu  sync.Mutex
	all []chat.Notice
}

func (n *notices) Notify(_ context.Context, no chat.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.all = append(n.all, no)
	return nil
}

// process is one bot process: its own Redis connection, same installation.
func process(t *testing.T, prefix string) (*app.App, *notices) {
	t.Helper()
	rdb, _ := testenv.Redis(t)
	cfg, err := config.Parse("test.yaml", []byte(cfgYAML))
	require.NoError(t, err)
	n := &notices{}
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix,
		Clock: clock.NewManual(time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)),
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil)), Notifier: func(console.Renderer) bot.Notifier { return n }})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	return a, n
}

func handle(a *app.App, user, key, text string) chat.Outcome {
	return a.Bot.Handle(context.Background(), chat.Event{Key: key, User: user, Channel: "C1", Text: text})
}

// inApproval creates CSR-1 and brings it to its approval line.
func inApproval(t *testing.T, a *app.App) {
	t.Helper()
	for _, line := range []string{`new billing-api "Fix rounding" --ref main`, "test CSR-1"} {
		require.Nil(t, handle(a, "U0ALICE001", "", line).Reply.Refusal, line)
	}
	a.Runner.Wait()
	require.Nil(t, handle(a, "U0ALICE001", "", "submit CSR-1").Reply.Refusal)
}

func TestUnknownPersonIsRefused(t *testing.T) {
	_, prefix := testenv.Redis(t)
	a, _ := process(t, prefix)
	out := handle(a, "U0NOBODY99", "", "list all")
	require.NotNil(t, out.Reply.Refusal)
	require.Equal(t, csr.RuleUnknownPerson, out.Reply.Refusal.Rule)
	require.Contains(t, out.Reply.Refusal.Why.String(), "U0NOBODY99")
}

// TestRetriesAndDoubleClicksApplyOnce: the same delivery arriving many
// times at two processes at once is applied exactly once.
func TestRetriesAndDoubleClicksApplyOnce(t *testing.T) {
	_, prefix := testenv.Redis(t)
	p1, n1 := process(t, prefix)
	p2, n2 := process(t, prefix)
	inApproval(t, p1)
	before := len(n1.all) + len(n2.all)

	var wg sync.WaitGroup
	results := make(chan chat.Outcome, 40)
	start := make(chan struct{})
	for i := range 40 {
		p := p1
		if i%2 == 1 {
			p = p2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results <- handle(p, "U0BOB00002", "click-Ev01", "approve CSR-1")
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	applied, dup := 0, 0
	for r := range results {
		if r.Duplicate {
			dup++
			continue
		}
		require.Nil(t, r.Reply.Refusal)
		applied++
	}
	require.Equal(t, 1, applied)
	require.Equal(t, 39, dup)
	c, err := p1.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Len(t, c.Approvals, 1)
	// One approval completes the lead step: one "step complete" notice and
	// one DM opening the sm step, not forty.
	require.Equal(t, 2, len(n1.all)+len(n2.all)-before)
}

// TestRefusedClickCountsOnceTheReasonIsGone: a press refused (the CSR
// is not in approval yet) gives its claim back, so the same button pressed
// once the reason is gone approves; a typed command keeps its claim.
func TestRefusedClickCountsOnceTheReasonIsGone(t *testing.T) {
	_, prefix := testenv.Redis(t)
	a, _ := process(t, prefix)
	require.Nil(t, handle(a, "U0ALICE001", "", `new billing-api "Fix rounding" --ref main`).Reply.Refusal)
	click := chat.Event{Key: "click-Ev02", User: "U0BOB00002", Channel: "C1", Text: "approve CSR-1", Click: true}
	typed := chat.Event{Key: "cmd-Ev02", User: "U0BOB00002", Channel: "C1", Text: "approve CSR-1"}
	for _, ev := range []chat.Event{click, typed} {
		out := a.Bot.Handle(context.Background(), ev)
		require.NotNil(t, out.Reply.Refusal, ev.Key)
	}
	require.Nil(t, handle(a, "U0ALICE001", "", "test CSR-1").Reply.Refusal)
	a.Runner.Wait()
	require.Nil(t, handle(a, "U0ALICE001", "", "submit CSR-1").Reply.Refusal)

	require.True(t, a.Bot.Handle(context.Background(), typed).Duplicate)
	out := a.Bot.Handle(context.Background(), click)
	require.False(t, out.Duplicate)
	require.Nil(t, out.Reply.Refusal)
	require.True(t, a.Bot.Handle(context.Background(), click).Duplicate, "an applied press is applied once")
}

// TestConcurrentApproversAcrossProcesses: carol and dave (one step, quorum
// 1) click many times at once on two processes: exactly one of them
// completes the sm step, every other click is told why not; then erin's
// clicks on the business step are applied once.
func TestConcurrentApproversAcrossProcesses(t *testing.T) {
	_, prefix := testenv.Redis(t)
	p1, _ := process(t, prefix)
	p2, _ := process(t, prefix)
	inApproval(t, p1)
	require.Nil(t, handle(p1, "U0BOB00002", "", "approve CSR-1").Reply.Refusal)

	storm := func(users []string, clicks int) (applied int, refusals map[string]int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		refusals = map[string]int{}
		start := make(chan struct{})
		for i := range clicks {
			user, p := users[i%len(users)], []*app.App{p1, p2}[i%2]
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				out := handle(p, user, fmt.Sprintf("%s-k%d", user, i), "approve CSR-1")
				mu.Lock()
				defer mu.Unlock()
				if out.Reply.Refusal != nil {
					refusals[string(out.Reply.Refusal.Rule)]++
					return
				}
				applied++
			}()
		}
		close(start)
		wg.Wait()
		return applied, refusals
	}

	applied, refusals := storm([]string{"U0CAROL003", "U0DAVE0004"}, 20)
	require.Equal(t, 1, applied)
	require.Equal(t, 19, refusals["already-decided"]+refusals["not-an-approver"], refusals)
	applied, refusals = storm([]string{"U0ERIN0005"}, 10)
	require.Equal(t, 1, applied)
	require.Equal(t, 9, refusals["wrong-state"]+refusals["already-decided"], refusals)

	c, err := p2.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Equal(t, csr.Approved, c.State)
	require.Len(t, c.Approvals, 3)
	audit, err := p1.Store.Audit(context.Background(), "CSR-1", 0)
	require.NoError(t, err)
	require.Len(t, audit, len(c.History), "every history entry is in the audit stream, once")
}

// TestStoreDownAnswers: with Redis gone the person is told so, and nothing
// panics.
func TestStoreDownAnswers(t *testing.T) {
	addr, stop := redistest.StartServer(t)
	cfg, err := config.Parse("test.yaml", []byte(cfgYAML))
	require.NoError(t, err)
	a, err := app.New(context.Background(), app.Options{Config: cfg, RedisURL: "redis://" + addr,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Notifier: func(console.Renderer) bot.Notifier { return &notices{} }})
	require.NoError(t, err)
	defer a.Close()
	stop()
	out := handle(a, "U0ALICE001", "ev-1", `new billing-api "t" --ref main`)
	require.NotNil(t, out.Reply.Refusal)
	require.Equal(t, csr.RuleStoreUnavailable, out.Reply.Refusal.Rule)
}

type brokenClaims struct{}

func (brokenClaims) Claim(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("WRONGTYPE Operation against a key holding the wrong kind of value")
}
func (brokenClaims) Release(context.Context, string) error { return nil }

type everyone struct{}

func (everyone) Person(user string) (csr.Person, bool) { return csr.Person(user), true }
func (everyone) IsAdmin(csr.Person) bool               { return false }

// TestInternalFailureRefIsLogged: a claim that fails for an unexpected
// reason shows a reference the person can quote, and the log line with the
// error carries the same reference, fresh for each failure.
func TestInternalFailureRefIsLogged(t *testing.T) {
	var logs bytes.Buffer
	b := &bot.Bot{Claims: brokenClaims{}, People: everyone{}, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	refs := map[string]bool{}
	for i := range 2 {
		out := b.Handle(context.Background(), chat.Event{Key: fmt.Sprintf("ev-%d", i), User: "alice", Text: "list"})
		require.NotNil(t, out.Reply.Refusal)
		require.Equal(t, csr.RuleInternal, out.Reply.Refusal.Rule)
		ref := out.Reply.Refusal.Why.Args["ref"]
		require.Regexp(t, `^[0-9a-f]{6}$`, ref)
		require.Contains(t, logs.String(), "ref="+ref+" ")
		refs[ref] = true
	}
	require.Len(t, refs, 2, "each failure has its own reference")
	require.Contains(t, logs.String(), "WRONGTYPE")
}
