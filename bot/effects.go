package bot

import (
	"context"
	"log/slog"

	"releasebot/chat"
	"releasebot/clock"
	"releasebot/commands"
	"releasebot/csr"
	"releasebot/msg"
)

// Notifier delivers notices: a channel message or direct messages.
type Notifier interface {
	Notify(ctx context.Context, n chat.Notice) error
}

// Services looks up a service's policy.
type Services interface {
	Service(name string) (csr.Service, bool)
}

// runStarter starts deploy runs; the Runner implements it.
type runStarter interface {
	Start(c csr.CSR, svc csr.Service, run csr.Run)
	Cancel(runID string)
}

// Effects turns domain events into deploy runs and notices. It implements
// commands.Effects.
type Effects struct {
	Notifier Notifier
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
	card := func() *chat.Card {
		return &chat.Card{CSR: c, Service: svc, Next: c.NextStep(svc, e.Clock.Now(), nil), Now: e.Clock.Now()}
	}
	for _, ev := range evs {
		switch ev.Kind {
		case csr.EvCreated:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(),
				Text: msg.T(msg.NoteCreated, "by", "@"+string(by), "csr", id, "service", svc.Name, "title", c.Title)})
		case csr.EvRunRequested:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID,
				Text: msg.T(msg.NoteRunStarted, "kind", kind(ev.Run), "run", ev.Run.ID, "csr", id, "env", ev.Run.Env, "deployer", ev.Run.Deployer)})
			// After the notice: the queue may tell the run's place in line.
			e.Runs.Start(c, svc, ev.Run)
		case csr.EvRunCancel:
			e.Runs.Cancel(ev.Run.ID)
		case csr.EvRunFinished:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(), To: ev.Notify, Text: runText(c, ev.Run)})
		case csr.EvRunUnknown:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(), To: ev.Notify,
				Text: msg.T(msg.NoteRunUnknown, "people", csr.Mentions(ev.Notify), "kind", kind(ev.Run), "run", ev.Run.ID,
					"csr", id, "env", ev.Run.Env, "detail", ev.Run.Detail, "link", link(ev.Run))})
		case csr.EvStepOpened:
			e.Notice(ctx, chat.Notice{To: ev.Notify, CSR: c.ID, Card: card(),
				Text: msg.T(msg.NoteStepOpened, "people", csr.Mentions(ev.Notify), "csr", id, "title", c.Title, "step", ev.Step),
				Actions: []chat.Action{
					{Verb: csr.VerbApprove, CSR: c.ID, Command: "approve " + id},
					{Verb: csr.VerbReject, CSR: c.ID, Command: "reject " + id, NeedsInput: "reason"},
				}})
		case csr.EvStepCompleted:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Text: msg.T(msg.NoteStepCompleted, "step", ev.Step, "csr", id)})
		case csr.EvApproved:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Card: card(), Text: msg.T(msg.NoteApproved, "csr", id)})
		case csr.EvRejected:
			e.Notice(ctx, chat.Notice{Channel: svc.Channel, To: ev.Notify, CSR: c.ID, Card: card(),
				Text: msg.T(msg.NoteRejected, "csr", id, "step", ev.Step, "by", "@"+string(by), "reason", ev.Note)})
		case csr.EvApprovalsVoided:
			e.Notice(ctx, chat.Notice{To: ev.Notify, CSR: c.ID,
				Text: msg.T(msg.NoteVoided, "people", csr.Mentions(ev.Notify), "csr", id, "ref", ev.Note)})
		}
	}
}

func kind(r csr.Run) string {
	switch r.Purpose {
	case csr.PurposeTest:
		return msg.T(msg.WordTest).String()
	case csr.PurposeRollback:
		return msg.T(msg.WordRollback).String()
	default:
		return msg.T(msg.WordProduction).String()
	}
}

// link is the run's link as the tail of a sentence: " URL", or nothing.
func link(r csr.Run) string {
	if r.URL == "" {
		return ""
	}
	return " " + r.URL
}

func runText(c csr.CSR, r csr.Run) msg.Text {
	if r.Status == csr.RunSucceeded {
		return msg.T(msg.NoteRunSucceeded, "kind", kind(r), "run", r.ID, "csr", string(c.ID), "env", r.Env, "link", link(r))
	}
	return msg.T(msg.NoteRunFailed, "kind", kind(r), "run", r.ID, "csr", string(c.ID), "env", r.Env, "status", string(r.Status),
		"link", link(r), "detail", r.Detail)
}
