package bot

import (
	"context"
	"log/slog"

	"releasebot/bot/chat"
	"releasebot/commands"
	"releasebot/csr"
	"releasebot/internal/clock"
	"releasebot/msg"
)

// Notifier delivers notices: a channel message or direct messages.
type Notifier interface {
	Notify(ctx context.Context, n chat.Notice) error
}

// Redrawer redraws what a messenger shows of a CSR (Slack's live card
// and approval messages). Effects call it after every transition and run
// update, also one that notifies nobody (an approval that completes no
// step, evidence, a run's link), so a view never lags the store.
type Redrawer interface {
	Redraw(ctx context.Context, id csr.ID)
}

// Services looks up a service's policy.
type Services interface {
	Service(name string) (csr.Service, bool)
}

// runStarter starts deploy runs; *deployq.Runner implements it.
type runStarter interface {
	Start(c csr.CSR, svc csr.Service, run csr.Run)
	Cancel(runID string)
}

// Effects turns domain events into deploy runs and notices. It implements
// commands.Effects.
type Effects struct {
	Notifier Notifier
	// Views, when set, are redrawn after every Emit; the Notifier redraws
	// what its notices are about itself.
	Views    Redrawer
	Services Services
	Runs     runStarter
	Clock    clock.Clock
	Log      *slog.Logger
}

var _ commands.Effects = (*Effects)(nil)

// Notice delivers one notice, logging (not failing) when delivery fails:
// the transition is already saved and must not be reported as failed.
func (e *Effects) Notice(ctx context.Context, n chat.Notice) {
	if err := e.Notifier.Notify(ctx, n); err != nil {
		e.Log.WarnContext(ctx, "notice not delivered", "csr", n.CSR, "channel", n.Channel, "err", err)
	}
}

// Emit acts on the events of one saved transition.
func (e *Effects) Emit(ctx context.Context, c csr.CSR, by csr.Person, evs []csr.Event) {
	svc, ok := e.Services.Service(c.Service)
	if !ok {
		e.Log.ErrorContext(ctx, "event for unknown service", "csr", c.ID, "service", c.Service)
		return
	}
	id := string(c.ID)
	now := e.Clock.Now()
	next := c.NextStep(svc, now, nil)
	card := func() *chat.Card {
		return &chat.Card{CSR: c, Service: svc, Next: next, Now: now}
	}
	// Every notice ends with what happens next and who acts ({next}), so
	// nobody has to guess the command that moves the CSR on.
	for _, ev := range evs {
		switch ev.Kind {
		case csr.EvCreated:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(),
				Text: msg.T(msg.NoteCreated, "by", "@"+string(by), "csr", id, "service", svc.Name, "title", c.Title, "next", next)})
		case csr.EvRunRequested:
			if ev.Run.Purpose == csr.PurposeRollback && ev.Note != "" {
				e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, To: rollbackAudience(c, by),
					Text: msg.T(msg.NoteRollingBack, "by", "@"+string(by), "csr", id, "env", ev.Run.Env, "sha", short(ev.Run.SHA), "reason", ev.Note, "next", next)})
			}
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID,
				Text: msg.T(msg.NoteRunStarted, "kind", kind(ev.Run), "run", ev.Run.ID, "csr", id, "env", ev.Run.Env, "deployer", ev.Run.Deployer, "next", next)})
			// After the notice: the queue may tell the run's place in line.
			e.Runs.Start(c, svc, ev.Run)
		case csr.EvRunCancel:
			e.Runs.Cancel(ev.Run.ID)
		case csr.EvRunFinished:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(), To: ev.Notify, Text: runText(c, ev.Run, next)})
		case csr.EvRunUnknown:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(), To: ev.Notify,
				Text: msg.T(msg.NoteRunUnknown, "people", csr.MentionsAll(ev.Notify), "kind", kind(ev.Run), "run", ev.Run.ID,
					"csr", id, "env", ev.Run.Env, "detail", ev.Run.Detail, "link", link(ev.Run))})
		case csr.EvStepOpened:
			e.Notice(ctx, chat.Notice{To: ev.Notify, CSR: c.ID, Card: card(),
				Text: msg.T(msg.NoteStepOpened, "people", csr.MentionsAll(ev.Notify), "csr", id, "title", c.Title, "step", ev.Step),
				Actions: []chat.Action{
					{Verb: csr.VerbApprove, CSR: c.ID, Command: "approve " + id},
					{Verb: csr.VerbReject, CSR: c.ID, Command: "reject " + id, NeedsInput: "reason"},
				}})
		case csr.EvStepCompleted:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Text: msg.T(msg.NoteStepCompleted, "step", ev.Step, "csr", id, "next", next)})
		case csr.EvApproved:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(), Text: msg.T(msg.NoteApproved, "csr", id, "next", next)})
		case csr.EvRejected:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(),
				Text: msg.T(msg.NoteRejected, "csr", id, "step", ev.Step, "by", "@"+string(by), "reason", ev.Note, "next", next)})
			// The requester and assignee must not learn of it only if they
			// happen to read the channel.
			e.Notice(ctx, chat.Notice{To: ev.Notify, CSR: c.ID,
				Text: msg.T(msg.NoteRejectedDM, "csr", id, "title", c.Title, "step", ev.Step, "by", "@"+string(by), "reason", ev.Note, "next", next)})
		case csr.EvApprovalsVoided:
			e.Notice(ctx, chat.Notice{To: ev.Notify, CSR: c.ID,
				Text: msg.T(msg.NoteVoided, "people", csr.MentionsAll(ev.Notify), "csr", id, "ref", ev.Note, "next", next)})
		case csr.EvEdited:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(),
				Text: msg.T(msg.NoteEdited, "by", "@"+string(by), "fields", csr.EditedFields(ev.Note), "csr", id, "next", next)})
			if len(ev.Notify) > 0 {
				e.Notice(ctx, chat.Notice{To: ev.Notify, CSR: c.ID,
					Text: msg.T(msg.NoteEditVoided, "people", csr.MentionsAll(ev.Notify), "by", "@"+string(by), "fields", csr.EditedFields(ev.Note),
						"csr", id, "title", c.Title, "next", next)})
			}
		case csr.EvCommented:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID,
				Text: msg.T(msg.NoteComment, "by", "@"+string(by), "csr", id, "title", c.Title, "text", ev.Note, "next", next)})
			if len(ev.Notify) > 0 {
				e.Notice(ctx, chat.Notice{To: ev.Notify, CSR: c.ID,
					Text: msg.T(msg.NoteCommentDM, "by", "@"+string(by), "csr", id, "title", c.Title, "text", ev.Note, "next", next)})
			}
		}
	}
	if e.Views != nil {
		e.Views.Redraw(ctx, c.ID)
	}
}

// rollbackAudience is who hears of a rollback directly: the CSR's people,
// unless they started it.
func rollbackAudience(c csr.CSR, by csr.Person) []csr.Person {
	var out []csr.Person
	for _, p := range c.People() {
		if p != by {
			out = append(out, p)
		}
	}
	return out
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// kind names the run's purpose in the reader's catalog.
func kind(r csr.Run) msg.Text {
	switch r.Purpose {
	case csr.PurposeTest:
		return msg.T(msg.WordTest)
	case csr.PurposeRollback:
		return msg.T(msg.WordRollback)
	default:
		return msg.T(msg.WordProduction)
	}
}

// link is the run's link as the tail of a sentence: " URL", or nothing.
func link(r csr.Run) string {
	if r.URL == "" {
		return ""
	}
	return " " + r.URL
}

func runText(c csr.CSR, r csr.Run, next msg.Text) msg.Text {
	if r.Status == csr.RunSucceeded {
		return msg.T(msg.NoteRunSucceeded, "kind", kind(r), "run", r.ID, "csr", string(c.ID), "env", r.Env, "link", link(r), "next", next)
	}
	return msg.T(msg.NoteRunFailed, "kind", kind(r), "run", r.ID, "csr", string(c.ID), "env", r.Env, "status", r.Status.Name(),
		"link", link(r), "detail", r.Detail, "next", next)
}
