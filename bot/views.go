package bot

import (
	"context"

	"releasebot/bot/chat"
	"releasebot/commands"
	"releasebot/csr"
	"releasebot/msg"
)

// What an adapter shows besides answers to events comes from the runtime
// too: cards, the help, the check of a form before it closes and the
// reference of an internal failure. An adapter declares the part it uses
// (slack.CardSource, slack.Grammar, slack.Bot); *Bot satisfies them, so no
// adapter reaches the command handler or its grammar itself.

// Card draws a CSR's card and the actions a person may take on it now.
func (b *Bot) Card(ctx context.Context, a csr.Actor, c csr.CSR, svc csr.Service) (chat.Card, []chat.Action, error) {
	return b.Handler.Card(ctx, a, c, svc)
}

// Help is the grammar as a help text lists it.
func (b *Bot) Help() chat.Help {
	reg := b.Handler.Registry
	var h chat.Help
	for _, s := range reg.Specs() {
		h.Commands = append(h.Commands, chat.Usage{Example: s.Example, Summary: s.Summary})
	}
	if t, ok := reg.AliasHelp(); ok {
		h.Aliases = &t
	}
	return h
}

// Check says whether an event's command line would be taken, without
// running it or claiming the event: a form checks what it will run before
// it closes. The line must parse in the grammar; a new CSR must also be
// one the domain would create for the person asking (its title, effort,
// description and ref). A refused line is a *csr.Refusal; any other error
// is an internal failure (see Failure).
func (b *Bot) Check(_ context.Context, ev chat.Event) error {
	h := b.Handler
	cmd, err := h.Registry.Parse(h.Config.Prefix(), ev.Text)
	if err != nil {
		return err
	}
	n, ok := cmd.(commands.New)
	if !ok {
		return nil
	}
	svc, err := h.Service(n.Service)
	if err != nil {
		return err
	}
	requester, _ := b.People.Person(ev.User)
	in := csr.NewRequest{Title: n.Title, Requester: requester, Effort: n.Effort, Description: n.Description,
		Refs: []csr.Ref{{Repo: svc.Repo, Ref: n.Ref}}}
	_, _, err = csr.New("", in, svc, h.Clock.Now())
	return err
}

// Failure logs an internal failure under a fresh reference and returns the
// refusal that quotes it: the person quotes the reference, and it finds
// the log line. args are logged between the reference and the error.
func (b *Bot) Failure(ctx context.Context, what string, err error, args ...any) chat.Refusal {
	ref := commands.NewRef()
	attrs := append(append([]any{"ref", ref}, args...), "err", err)
	b.Log.ErrorContext(ctx, what, attrs...)
	return chat.Refusal{Rule: csr.RuleInternal, Why: msg.T(msg.RefuseInternal, "ref", ref), Next: msg.T(msg.NextRetryLater)}
}
