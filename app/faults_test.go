package app_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
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
	"releasebot/msg"
)

// faultConfig deploys to test with a fake that takes testDelay.
const faultConfig = `
timezone: Asia/Seoul
admins: [grace]
people: {alice: U0ALICE001, bob: U0BOB00002, grace: U0GRACE007}
services:
  - name: billing-api
    repo: acme/billing-api
    channel: "#billing-releases"
    environments:
      - {name: test, deployer: {kind: fake, delay: 1s}}
      - {name: prod, deployer: {kind: fake, delay: 0s}}
    approval_line:
      - {name: lead, approvers: [bob]}
`

// notices records what a bot would post.
type notices struct {
	mu  sync.Mutex
	all []chat.Notice
}

func (n *notices) Notify(_ context.Context, x chat.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.all = append(n.all, x)
	return nil
}

// to returns the notices of message id sent to person.
func (n *notices) to(person csr.Person, id msg.ID) []chat.Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []chat.Notice
	for _, x := range n.all {
		if x.Text.ID == id && slices.Contains(x.To, person) {
			out = append(out, x)
		}
	}
	return out
}

// botOn starts a bot on the Redis at url, as `serve` would, logging to log.
func botOn(t *testing.T, url string, log *testenv.Buffer) *app.App {
	return botWith(t, url, log, &notices{})
}

// botWith is botOn posting to sent.
func botWith(t *testing.T, url string, log *testenv.Buffer, sent *notices) *app.App {
	t.Helper()
	cfg, err := config.Parse("faults.yaml", []byte(faultConfig))
	require.NoError(t, err)
	a, err := app.New(context.Background(), app.Options{Config: cfg, RedisURL: url, Clock: clock.System{},
		Log:      slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Getenv:   func(string) string { return "" },
		Notifier: func(console.Renderer) bot.Notifier { return sent }})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	return a
}

// say runs a command as user and fails the test on a refusal.
func say(t *testing.T, a *app.App, user, text string) chat.Reply {
	t.Helper()
	out := a.Bot.Handle(context.Background(), chat.Event{User: user, Text: text})
	if out.Reply.Refusal != nil {
		t.Fatalf("%s: %s refused: %s", user, text, out.Reply.Refusal.Why)
	}
	return out.Reply
}

func stateOf(t *testing.T, a *app.App, id csr.ID) csr.State {
	c, err := a.Store.Get(context.Background(), id)
	if err != nil {
		return ""
	}
	return c.State
}

// TestEmptyRestartUnderARunningBot: the Redis a running bot uses restarts
// empty (no persistence). The bot says data was lost (log and /readyz),
// never hands out a used CSR id again, and its deploy worker heals: the
// next `test` runs within seconds, without restarting the bot. Of two bot
// processes, one tells the admins, once.
func TestEmptyRestartUnderARunningBot(t *testing.T) {
	srv := redistest.Start(t)
	var log, otherLog testenv.Buffer
	sent := &notices{}
	a := botWith(t, "redis://"+srv.Addr, &log, sent)
	other := botWith(t, "redis://"+srv.Addr, &otherLog, sent)
	say(t, a, "alice", `new billing-api "Fix rounding" --ref main`)
	say(t, a, "alice", "test CSR-1")
	require.Eventually(t, func() bool { return stateOf(t, a, "CSR-1") == csr.Tested }, 20*time.Second, 20*time.Millisecond)

	srv.Restart()
	restarted := time.Now()
	require.Eventually(t, func() bool {
		return strings.Contains(strings.Join(a.Readiness(context.Background()), "\n"), "store integrity")
	}, 10*time.Second, 50*time.Millisecond, "readiness says the store lost data")
	require.Contains(t, log.String(), "level=ERROR")
	require.Eventually(t, func() bool {
		return strings.Contains(strings.Join(other.Readiness(context.Background()), "\n"), "store integrity")
	}, 10*time.Second, 50*time.Millisecond, "the other process sees the loss too")
	alarms := sent.to("grace", msg.StoreNoteLost)
	require.Len(t, alarms, 1, "the admins are told once, by one process")
	require.Contains(t, alarms[0].Text.String(), "installation marker is gone")

	reply := say(t, a, "alice", `new billing-api "Fix rounding again" --ref main`)
	require.NotNil(t, reply.Card)
	id := reply.Card.CSR.ID
	require.Greater(t, id.Seq(), int64(1), "CSR-1 was handed out before the loss: never again")
	say(t, a, "alice", "test "+string(id))
	require.Eventually(t, func() bool { return stateOf(t, a, id) == csr.Tested }, 30*time.Second, 20*time.Millisecond)
	// The fake deploy itself takes 1 s of this.
	t.Logf("the next test run was recorded %.1f s after the empty restart", time.Since(restarted).Seconds())
}

// TestResultRecordedWhenRedisAnswersAgain: Redis becomes unreachable while
// a test deploy runs (the data stays); the run's result, known only to
// this process, is recorded soon after Redis answers again, not after a
// takeover timer.
func TestResultRecordedWhenRedisAnswersAgain(t *testing.T) {
	srv := redistest.Start(t)
	proxy := redistest.StartProxy(t, srv.Addr)
	var log testenv.Buffer
	a := botOn(t, "redis://"+proxy.Addr, &log)
	say(t, a, "alice", `new billing-api "Fix rounding" --ref main`)
	say(t, a, "alice", "test CSR-1")
	require.Eventually(t, func() bool {
		c, err := a.Store.Get(context.Background(), "CSR-1")
		return err == nil && len(c.Runs) == 1 && c.Runs[0].Status == csr.RunRunning
	}, 20*time.Second, 10*time.Millisecond)

	proxy.Cut() // the fake deploy ends (after 1 s) while Redis is unreachable
	require.Eventually(t, func() bool { return strings.Contains(log.String(), "run result not saved yet") }, 20*time.Second, 20*time.Millisecond,
		"the result was tried while Redis was away")
	proxy.Restore()
	back := time.Now()
	direct := srv.Client()
	require.Eventually(t, func() bool {
		return strings.Contains(direct.HGet(context.Background(), "{releasebot}:csr:CSR-1", "data").Val(), `"state":"tested"`)
	}, 20*time.Second, 10*time.Millisecond)
	took := time.Since(back)
	t.Logf("recorded %.2f s after Redis answered again", took.Seconds())
	// Backoff is capped at 1 s; 2 s is the promise, 10 s leaves room for a
	// loaded machine without hiding a takeover-timer wait (12 s and more).
	require.Less(t, took, 10*time.Second)
}
