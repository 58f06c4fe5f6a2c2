package commands_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// notifier records what the bot's effects would post.
type notifier struct {
	mu  sync.Mutex
	all []chat.Notice
}

func (n *notifier) Notify(_ context.Context, no chat.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.all = append(n.all, no)
	return nil
}

func (n *notifier) take() []chat.Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.all
	n.all = nil
	return out
}

// runs starts nothing: the walk reports results itself.
type runs struct{}

func (runs) Start(csr.CSR, csr.Service, csr.Run) {}
func (runs) Cancel(string)                       {}

// TestEveryNoticeNamesTheNextStep walks every transition of the lifecycle
// through the real handlers and the bot's effects, and asserts that each
// notice says what happens next and who acts (or that the CSR is finished
// and why): a {next} step, or a command to type.
func TestEveryNoticeNamesTheNextStep(t *testing.T) {
	e := newEnv(t)
	rec := &notifier{}
	fx := &bot.Effects{Notifier: rec, Services: e.cfg, Runs: runs{}, Clock: e.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	e.h.Effects = fx
	// result ends the open run of id as the deployer would report it.
	result := func(id csr.ID, st csr.RunStatus) {
		t.Helper()
		c, err := e.store.Get(context.Background(), id)
		require.NoError(t, err)
		run, ok := c.ActiveRun()
		require.True(t, ok, "%s has no open run", id)
		c, evs, err := e.store.Update(context.Background(), id, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.UpdateRun(run.ID, st, "fake://"+run.ID, "", e.clock.Now())
		})
		require.NoError(t, err)
		fx.Emit(context.Background(), c, csr.System, evs)
	}
	seen := map[msg.ID]bool{}
	check := func(what string) {
		t.Helper()
		ns := rec.take()
		require.NotEmpty(t, ns, "%s told nobody", what)
		for _, n := range ns {
			seen[n.Text.ID] = true
			text := msg.English.Render(n.Text)
			_, hasNext := n.Text.Sub["next"]
			require.True(t, hasNext || strings.Contains(text, "`"), "%s: %q names no next step", what, text)
			require.NotRegexp(t, `\{[a-z_]+\}`, text, what)
		}
	}
	steps := []struct {
		what string
		do   func()
	}{
		{"new", func() { e.ok("alice", `new billing-api "First" --ref v1`) }},
		{"test", func() { e.ok("alice", "test CSR-1") }},
		{"test failed", func() { result("CSR-1", csr.RunFailed) }},
		{"test again", func() { e.ok("alice", "test CSR-1") }},
		{"test succeeded", func() { result("CSR-1", csr.RunSucceeded) }},
		{"submit", func() {
			e.ok("frank", `evidence CSR-1 https://ci.example.com/1 "green"`)
			rec.take()
			e.ok("alice", "submit CSR-1")
		}},
		{"approve a step", func() { e.ok("bob", "approve CSR-1") }},
		{"reject", func() { e.ok("carol", `reject CSR-1 "no rollback plan"`) }},
		{"edit after the rejection", func() { e.ok("alice", `edit CSR-1 --risk "rollback: redeploy v0"`) }},
		{"comment to the rejecter", func() { e.ok("alice", `comment CSR-1 "plan added"`) }},
		{"revise and test", func() {
			e.ok("alice", "revise CSR-1")
			e.ok("alice", "test CSR-1")
		}},
		{"tested again", func() { result("CSR-1", csr.RunSucceeded) }},
		{"resubmit", func() { e.ok("alice", "submit CSR-1") }},
		{"approve, then an edit voids it", func() {
			e.ok("bob", "approve CSR-1")
			rec.take()
			e.ok("alice", `edit CSR-1 --title "First, with a plan"`)
		}},
		{"update voids approvals", func() {
			e.ok("bob", "approve CSR-1")
			rec.take()
			e.ok("alice", "update CSR-1 --ref v1b")
		}},
		{"test the new commit", func() { e.ok("alice", "test CSR-1") }},
		{"tested", func() { result("CSR-1", csr.RunSucceeded) }},
		{"approved", func() {
			e.ok("alice", "submit CSR-1")
			e.ok("bob", "approve CSR-1")
			e.ok("carol", "approve CSR-1")
			rec.take()
			e.ok("erin", "approve CSR-1")
		}},
		{"schedule", func() { e.ok("alice", "deploy CSR-1 --at 23:30") }},
		{"unschedule", func() { e.ok("alice", `unschedule CSR-1 "partner asked"`) }},
		{"deploy", func() { e.ok("alice", "deploy CSR-1") }},
		{"deploy failed", func() { result("CSR-1", csr.RunFailed) }},
		{"deploy again", func() { e.ok("alice", "deploy CSR-1") }},
		{"deployed", func() { result("CSR-1", csr.RunSucceeded) }},
		{"a second CSR deployed", func() {
			e.ok("alice", `new billing-api "Second" --ref v2`)
			e.ok("alice", "test CSR-2")
			result("CSR-2", csr.RunSucceeded)
			e.ok("frank", `evidence CSR-2 https://ci.example.com/2 "green"`)
			e.ok("alice", "submit CSR-2")
			e.ok("bob", "approve CSR-2")
			e.ok("carol", "approve CSR-2")
			e.ok("erin", "approve CSR-2")
			e.ok("alice", "deploy CSR-2")
			rec.take()
			result("CSR-2", csr.RunSucceeded)
		}},
		{"rollback", func() { e.ok("erin", `rollback CSR-2 "error rate doubled"`) }},
		{"rolled back", func() { result("CSR-2", csr.RunSucceeded) }},
		{"cancel", func() {
			e.ok("alice", `new billing-api "Third" --ref v3`)
			rec.take()
			e.ok("alice", `cancel CSR-3 "superseded"`)
		}},
		{"outcome unknown", func() {
			e.ok("alice", `new billing-api "Fourth" --ref v4`)
			rec.take()
			e.ok("alice", "test CSR-4")
			rec.take()
			result("CSR-4", csr.RunUnknown)
		}},
		{"resolved", func() { e.ok("alice", `resolve CSR-4 succeeded "the pods run it"`) }},
	}
	for _, s := range steps {
		s.do()
		check(s.what)
	}
	for _, id := range []msg.ID{msg.NoteCreated, msg.NoteRunStarted, msg.NoteRunSucceeded, msg.NoteRunFailed, msg.NoteStepOpened,
		msg.NoteStepCompleted, msg.NoteApproved, msg.NoteRejected, msg.NoteRejectedDM, msg.NoteEdited, msg.NoteEditVoided,
		msg.NoteComment, msg.NoteCommentDM, msg.NoteVoided, msg.NoteScheduled, msg.NoteUnscheduled, msg.NoteRollingBack,
		msg.NoteCancelledWhy, msg.NoteRunUnknown} {
		require.True(t, seen[id], "the walk never met %s", id)
	}
}
