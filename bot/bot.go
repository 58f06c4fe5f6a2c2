// Package bot is releasebot's messenger-neutral runtime: it takes verified
// events from an adapter, drops duplicates, runs the command and turns domain
// events into deploy runs and notices.
package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"releasebot/bot/chat"
	"releasebot/commands"
	"releasebot/csr"
	"releasebot/internal/store"
	"releasebot/msg"
)

// Claimer remembers event keys so one delivery is applied once.
type Claimer interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, key string) error
}

// Directory maps a messenger's user id to a configured person.
type Directory interface {
	Person(user string) (csr.Person, bool)
	IsAdmin(p csr.Person) bool
}

// Bot handles events from any messenger.
type Bot struct {
	Handler *commands.Handler
	Claims  Claimer
	People  Directory
	Log     *slog.Logger
	// Observer, when set, sees every event and its outcome (observe.go).
	Observer Observer
}

// Handle runs one event end to end. The delivery is claimed before
// anything is answered, even a refusal of an unknown person: a retried
// delivery is answered once.
func (b *Bot) Handle(ctx context.Context, ev chat.Event) (out chat.Outcome) {
	if b.Observer != nil {
		var end func(chat.Outcome)
		ctx, end = b.Observer.Begin(ctx, ev)
		defer func() { end(out) }()
	}
	if out, first := b.Claim(ctx, ev); !first {
		return out
	}
	reply := b.execute(ctx, ev)
	if ev.Key != "" && reply.Refusal != nil && (ev.Click || retryable(reply.Refusal.Rule)) {
		// Nothing was applied: let the messenger's retry (or the person's
		// second try, or second press) run again instead of being dropped
		// as a duplicate.
		if err := b.Claims.Release(context.WithoutCancel(ctx), claimKey(ev.Key)); err != nil {
			b.Log.WarnContext(ctx, "release of event key failed", "key", ev.Key, "err", err)
		}
	}
	return chat.Outcome{Reply: reply}
}

func (b *Bot) execute(ctx context.Context, ev chat.Event) chat.Reply {
	person, ok := b.People.Person(ev.User)
	if !ok {
		return chat.Reply{Private: true, Refusal: &chat.Refusal{Rule: csr.RuleUnknownPerson,
			Why: msg.T(msg.RefuseUnknownActor, "who", clipUser(ev.User)), Next: msg.T(msg.NextAskAdmin)}}
	}
	req := commands.Request{Actor: csr.Actor{Person: person, Admin: b.People.IsAdmin(person)}, Channel: ev.Channel}
	return b.Handler.Execute(ctx, req, ev.Text)
}

func claimKey(key string) string { return "event:" + key }

// Claim takes an event's idempotency claim: first is true for the first
// delivery of its key (and for an event without a key). Otherwise out
// says what to answer: nothing for a duplicate, or why the claim could
// not be taken. An adapter that answers an event itself (a help text)
// claims it first, so every delivery is answered once.
func (b *Bot) Claim(ctx context.Context, ev chat.Event) (out chat.Outcome, first bool) {
	if ev.Key == "" {
		return chat.Outcome{}, true
	}
	first, err := b.Claims.Claim(ctx, claimKey(ev.Key), store.DefaultIdempotencyTTL)
	if err != nil {
		if errors.Is(err, store.ErrUnavailable) {
			b.Log.WarnContext(ctx, "idempotency claim failed", "user", ev.User, "err", err)
			return chat.Outcome{Reply: chat.Reply{Private: true, Refusal: &chat.Refusal{Rule: csr.RuleStoreUnavailable,
				Why: msg.T(msg.RefuseStoreDown), Next: msg.T(msg.NextRetryLater)}}}, false
		}
		f := b.Failure(ctx, "idempotency claim failed", err, "user", ev.User)
		return chat.Outcome{Reply: chat.Reply{Private: true, Refusal: &f}}, false
	}
	if !first {
		b.Log.InfoContext(ctx, "duplicate event dropped", "key", ev.Key, "user", ev.User)
		return chat.Outcome{Duplicate: true}, false
	}
	return chat.Outcome{}, true
}

func retryable(rule csr.Rule) bool { return rule.Retryable() }

func clipUser(u string) string {
	if r := []rune(u); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	if u == "" {
		return "unknown user"
	}
	return u
}
