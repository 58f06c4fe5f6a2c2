package commands

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/internal/clock"
	"releasebot/internal/store"
	"releasebot/msg"
)

// Store is what the handlers need from the CSR store
// (integrations/redisstore implements it): the union of what each family
// of verbs reads and writes, each declared beside its verbs.
type Store interface {
	CSRReader    // load, show, history, audit: below and ops.go
	CSRUpdater   // every transition: below
	CSRCreator   // new: create.go
	FreezeReader // the card and deploy --at: below
	FreezeWriter // freeze, unfreeze: views.go
	DeployReader // deploy: deploy.go
	Productions  // rollback, the card's last line, ships: production.go
}

// CSRReader reads CSRs: one by id, and listings (Lister, ops.go).
type CSRReader interface {
	Get(ctx context.Context, id csr.ID) (csr.CSR, error)
	Lister
}

// CSRUpdater saves the transitions of a CSR.
type CSRUpdater interface {
	Update(ctx context.Context, id csr.ID, m store.Mutation) (csr.CSR, []csr.Event, error)
	// UpdateFrom is Update computed first from last, the CSR as the
	// command read it: no second read when nobody changed it since.
	UpdateFrom(ctx context.Context, last csr.CSR, m store.Mutation) (csr.CSR, []csr.Event, error)
}

// FreezeReader reads the chat-set freezes of a service in force at now.
type FreezeReader interface {
	Freezes(ctx context.Context, service string, now time.Time) ([]csr.Freeze, error)
}

// Config is what the handlers need from the configuration
// (*config.Config implements it): the union of the small interfaces
// below.
type Config interface {
	Site
	Services
	People
}

// Site is the installation's own settings: the prefix of its CSR ids and
// the time zone of services that name none.
type Site interface {
	Prefix() string
	Location() *time.Location
}

// Services are the configured services, by name.
type Services interface {
	Service(name string) (csr.Service, bool)
	ServiceNames() []string
}

// People are the configured people, who may be named as assignees.
type People interface {
	HasPerson(p csr.Person) bool
	People() []csr.Person
}

// RefResolver turns a branch, tag or SHA into a commit SHA.
type RefResolver interface {
	Resolve(ctx context.Context, repo, ref string) (string, error)
}

// Effects receives the domain events of a saved transition: deploy runs to
// start, people and channels to tell.
type Effects interface {
	Emit(ctx context.Context, c csr.CSR, by csr.Person, evs []csr.Event)
	Notice(ctx context.Context, n chat.Notice)
}

// Request is who acts and where.
type Request struct {
	Actor   csr.Actor
	Channel string
}

// Handler runs parsed commands.
type Handler struct {
	Registry *Registry
	Store    Store
	Config   Config
	Clock    clock.Clock
	Refs     RefResolver
	Effects  Effects
	Log      *slog.Logger
	Ops      Ops // what stats, audit and doctor read besides the store
}

// Execute parses and runs one command line. It always returns a reply a
// person can read: refusals, unknown CSRs and a broken store are answers,
// not errors.
func (h *Handler) Execute(ctx context.Context, req Request, line string) chat.Reply {
	cmd, err := h.Registry.Parse(h.Config.Prefix(), line)
	var r *csr.Refusal
	if errors.As(err, &r) && r.Rule == csr.RuleServiceRequired {
		// Only the handler knows the services: the refusal names them.
		names := h.Config.ServiceNames()
		example := ""
		if spec, ok := h.Registry.Spec(strings.ToLower(strings.Fields(line)[0])); ok {
			example = spec.Example
		}
		err = syntaxError(r.Why, msg.T(msg.NextChooseService, "services", msg.Or(names...), "example", example))
	}
	if err != nil {
		return h.failure(ctx, req, "parse", err)
	}
	return h.Run(ctx, req, cmd)
}

// Run runs a parsed command.
func (h *Handler) Run(ctx context.Context, req Request, cmd Command) chat.Reply {
	spec, _ := h.Registry.Spec(cmd.Verb())
	reply, err := spec.run(ctx, h, req, cmd)
	if err != nil {
		return h.failure(ctx, req, cmd.Verb(), err)
	}
	return reply
}

// failure turns any error into a reply: refusals and known store errors
// are explained; anything else is logged with a reference the person can
// quote, and never shown raw (it might contain internals).
func (h *Handler) failure(ctx context.Context, req Request, verb string, err error) chat.Reply {
	if mapped := storeRefusal(err, ""); mapped != err {
		err = mapped // a failover, a lost store or an unconfirmed write is said as such, on every verb
	}
	var r *csr.Refusal
	var nf *notFound
	switch {
	case errors.As(err, &r):
		return refused(r.Rule, r.Why, r.Next)
	case errors.As(err, &nf):
		return refused(csr.RuleNoSuchCSR, msg.T(msg.RefuseNoSuchCSR, "csr", string(nf.id)), msg.T(msg.NextListCSRs))
	case errors.Is(err, csr.ErrNoChange):
		return chat.Reply{Texts: []msg.Text{msg.T(msg.ReplyNothingChanged)}, Private: true}
	case errors.Is(err, store.ErrUnavailable):
		h.Log.WarnContext(ctx, "store unavailable", "verb", verb, "user", req.Actor.Person, "err", err)
		return refused(csr.RuleStoreUnavailable, msg.T(msg.RefuseStoreDown), msg.T(msg.NextRetryLater))
	case errors.Is(err, store.ErrConflict):
		return refused(csr.RuleConflict, msg.T(msg.RefuseBusyAny), msg.T(msg.NextRetryLater))
	default:
		ref := NewRef()
		h.Log.ErrorContext(ctx, "command failed", "ref", ref, "verb", verb, "user", req.Actor.Person, "err", err)
		return refused(csr.RuleInternal, msg.T(msg.RefuseInternal, "ref", ref), msg.T(msg.NextRetryLater))
	}
}

func refused(rule csr.Rule, why, next msg.Text) chat.Reply {
	return chat.Reply{Private: true, Refusal: &chat.Refusal{Rule: rule, Why: why, Next: next}}
}

// notFound names the CSR that does not exist.
type notFound struct{ id csr.ID }

func (e *notFound) Error() string { return "no " + string(e.id) }

// NewRef is a short random reference for an internal failure: shown to the
// person and logged with the error, so the two can be matched.
func NewRef() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// load reads a CSR, turning "not found" into a refusal naming it.
func (h *Handler) load(ctx context.Context, id csr.ID) (csr.CSR, csr.Service, error) {
	c, err := h.Store.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, csr.Service{}, &notFound{id}
	}
	if err != nil {
		return c, csr.Service{}, err
	}
	svc, err := h.Service(c.Service)
	return c, svc, err
}

// Service is the configured service of a name; an unknown one is refused
// with the services there are (and the nearest, for a typo).
func (h *Handler) Service(name string) (csr.Service, error) {
	svc, ok := h.Config.Service(name)
	if !ok {
		names := msg.And(h.Config.ServiceNames()...)
		next := msg.T(msg.NextListServices, "services", names)
		if near, ok := closest(name, h.Config.ServiceNames()); ok {
			next = msg.T(msg.NextDidYouMeanService, "suggestion", near, "services", names)
		}
		return svc, syntaxError(msg.T(msg.RefuseUnknownService, "service", clip(name)), next)
	}
	return svc, nil
}

// transition applies a domain decision to the freshest copy of a CSR and
// emits its events. decide runs again if someone else saved first, so the
// rules always judge the current state.
func (h *Handler) transition(ctx context.Context, req Request, id csr.ID,
	decide func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error),
) (csr.CSR, csr.Service, []csr.Event, error) {
	return h.transitionFrom(ctx, req, nil, id, decide)
}

// transitionFrom is transition starting from read, the CSR as the command
// already read it (nil: read it now).
func (h *Handler) transitionFrom(ctx context.Context, req Request, read *csr.CSR, id csr.ID,
	decide func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error),
) (csr.CSR, csr.Service, []csr.Event, error) {
	now := h.Clock.Now()
	var svc csr.Service
	m := func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		s, err := h.Service(c.Service)
		if err != nil {
			return c, nil, err
		}
		svc = s
		return decide(c, s, now)
	}
	var c csr.CSR
	var evs []csr.Event
	var err error
	if read != nil {
		c, evs, err = h.Store.UpdateFrom(ctx, *read, m)
	} else {
		c, evs, err = h.Store.Update(ctx, id, m)
	}
	if errors.Is(err, store.ErrNotFound) {
		return c, svc, nil, &notFound{id}
	}
	if errors.Is(err, store.ErrConflict) {
		// Others kept winning the race: name the CSR so the person can
		// look at what changed before trying again.
		return c, svc, nil, &csr.Refusal{Rule: csr.RuleConflict, Why: msg.T(msg.RefuseBusy, "csr", string(id)),
			Next: msg.T(msg.NextSeeNext, "csr", string(id))}
	}
	if err != nil {
		return c, svc, nil, err
	}
	h.Effects.Emit(ctx, c, req.Actor.Person, evs)
	return c, svc, evs, nil
}

// freezes returns the chat-set freezes that matter for a deploy decision.
func freezes(ctx context.Context, fr FreezeReader, svc csr.Service, now time.Time) ([]csr.Freeze, error) {
	return fr.Freezes(ctx, svc.Name, now)
}

// cardReply is the answer to a command that changed or showed a CSR: the
// texts, the card and what the acting person may do next.
func (h *Handler) cardReply(ctx context.Context, req Request, c csr.CSR, svc csr.Service, texts ...msg.Text) (chat.Reply, error) {
	card, actions, err := h.Card(ctx, req.Actor, c, svc)
	if err != nil {
		return chat.Reply{}, err
	}
	return chat.Reply{Texts: texts, Card: &card, Actions: actions}, nil
}

// Card builds the card of c and the actions a may take on it now.
func (h *Handler) Card(ctx context.Context, a csr.Actor, c csr.CSR, svc csr.Service) (chat.Card, []chat.Action, error) {
	now := h.Clock.Now()
	var fz []csr.Freeze
	if slices.Contains([]csr.State{csr.Approved, csr.DeployFailed, csr.Scheduled}, c.State) {
		var err error
		if fz, err = freezes(ctx, h.Store, svc, now); err != nil {
			return chat.Card{}, nil, err
		}
	}
	card := chat.Card{CSR: c, Service: svc, Next: c.NextStep(svc, now, fz), Now: now}
	next, rollback, ok := h.productionNext(ctx, c, svc)
	if ok {
		card.Next = next
	}
	actions := ActionsFor(c, a, svc, now, fz)
	if !rollback {
		// Production has nothing to restore, or runs another CSR: the
		// rollback would be refused, so it is not offered.
		actions = slices.DeleteFunc(actions, func(x chat.Action) bool { return x.Verb == csr.VerbRollback })
	}
	return card, actions, nil
}

// nextOf is the CSR's next step and who acts, as its card says it: the
// end of every notice about it.
func (h *Handler) nextOf(ctx context.Context, c csr.CSR, svc csr.Service) msg.Text {
	card, _, err := h.Card(ctx, csr.Actor{Person: csr.System}, c, svc)
	if err != nil {
		return c.NextStep(svc, h.Clock.Now(), nil)
	}
	return card.Next
}

// ActionsFor turns the verbs a may use now into runnable commands.
func ActionsFor(c csr.CSR, a csr.Actor, svc csr.Service, now time.Time, fz []csr.Freeze) []chat.Action {
	var out []chat.Action
	for _, v := range c.Actions(a, now, svc, fz) {
		act := chat.Action{Verb: v, CSR: c.ID, Command: string(v) + " " + string(c.ID)}
		switch v {
		case csr.VerbReject:
			act.NeedsInput = "reason"
		case csr.VerbEvidence:
			act.NeedsInput = "link"
		case csr.VerbCancel, csr.VerbUnschedule:
			act.NeedsInput = "reason?"
		case csr.VerbRollback:
			act.NeedsInput = "reason"
		}
		out = append(out, act)
	}
	return out
}
