package commands

import (
	"context"
	"strings"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// CSRCreator numbers and saves new CSRs, for `new`.
type CSRCreator interface {
	NextID(ctx context.Context) (int64, error)
	Create(ctx context.Context, c csr.CSR) (csr.CSR, error)
}

// New opens a CSR.
type New struct {
	Service     string
	Title       string
	Ref         string
	SHA         string
	Assignee    string
	Effort      time.Duration
	Description string
	Risk        string
}

// Verb implements Command.
func (New) Verb() string { return "new" }

func parseNew(p *parser) (New, error) {
	svc, err := p.service(0)
	if err != nil {
		return New{}, err
	}
	title, err := p.word(1, msg.T(msg.ArgTitle))
	if err != nil {
		return New{}, err
	}
	if err := p.atMost(2); err != nil {
		return New{}, err
	}
	n := New{Service: svc, Title: title, Ref: p.Flags["ref"], SHA: p.Flags["sha"], Assignee: p.Flags["assignee"],
		Description: p.Flags["description"], Risk: p.Flags["risk"]}
	if n.Ref == "" {
		return New{}, syntaxError(msg.T(msg.RefuseRefRequired), msg.T(msg.NextRefRequired))
	}
	if e, ok := p.Flags["effort"]; ok {
		if n.Effort, err = parseEffort(e); err != nil {
			return New{}, err
		}
	}
	return n, nil
}

// parseEffort reads "4h", "90m", "1.5h" or a bare number of hours.
func parseEffort(s string) (time.Duration, error) {
	bad := syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--effort", "want", msg.T(msg.WantEffort), "value", clip(s)), msg.T(msg.NextEffort))
	if s == "" {
		return 0, bad
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d < 0 || d > csr.MaxEffort {
			return 0, syntaxError(msg.T(msg.RefuseEffort, "effort", csr.EffortText(d)), msg.T(msg.NextEffort))
		}
		return d, nil
	}
	if d, err := time.ParseDuration(s + "h"); err == nil && d >= 0 && d <= csr.MaxEffort {
		return d, nil
	}
	return 0, bad
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// person resolves "@alice" or "alice" to a configured person.
func person(ppl People, s string) (csr.Person, error) {
	p := csr.Person(strings.TrimPrefix(strings.TrimSpace(s), "@"))
	if !ppl.HasPerson(p) {
		names := make([]string, 0)
		for _, q := range ppl.People() {
			names = append(names, string(q))
		}
		next := msg.T(msg.NextListPeople, "people", msg.And(names...))
		if near, ok := closest(string(p), names); ok {
			next = msg.T(msg.NextDidYouMeanPerson, "suggestion", "@"+near, "people", msg.And(names...))
		}
		return "", syntaxError(msg.T(msg.RefuseUnknownPerson, "person", clip(s)), next)
	}
	return p, nil
}

func runNew(ctx context.Context, h *Handler, req Request, n New) (chat.Reply, error) {
	svc, err := h.Service(n.Service)
	if err != nil {
		return chat.Reply{}, err
	}
	var assignee csr.Person
	if n.Assignee != "" {
		if assignee, err = person(h.Config, n.Assignee); err != nil {
			return chat.Reply{}, err
		}
	}
	sha, err := h.resolve(ctx, svc, n.Ref, n.SHA)
	if err != nil {
		return chat.Reply{}, err
	}
	ref := csr.Ref{Repo: svc.Repo, Ref: n.Ref, SHA: sha, Floating: floating(n.Ref, n.SHA)}
	base := h.ships(ctx, svc, &ref)
	in := csr.NewRequest{Title: n.Title, Requester: req.Actor.Person, Assignee: assignee, Effort: n.Effort,
		Refs: []csr.Ref{ref}, Description: n.Description, Risk: n.Risk}
	now := h.Clock.Now()
	// Validate before taking an id, so a refused command leaves no gap and
	// no trace in the store.
	if _, _, err := csr.New("", in, svc, now); err != nil {
		return chat.Reply{}, err
	}
	seq, err := h.Store.NextID(ctx)
	if err != nil {
		return chat.Reply{}, err
	}
	c, evs, err := csr.New(csr.FormatID(h.Config.Prefix(), seq), in, svc, now)
	if err != nil {
		return chat.Reply{}, err
	}
	if c, err = h.Store.Create(ctx, c); err != nil {
		return chat.Reply{}, err
	}
	h.Effects.Emit(ctx, c, req.Actor.Person, evs)
	h.announceShips(ctx, c, svc, base)
	texts := []msg.Text{msg.T(msg.ReplyCreated, "csr", string(c.ID), "title", c.Title)}
	if warn, ok := h.inProduction(ctx, c, svc); ok {
		texts = append(texts, warn)
	}
	return h.cardReply(ctx, req, c, svc, texts...)
}

// Cancel abandons a CSR.
type Cancel struct {
	CSR    csr.ID
	Reason string
}

// Verb implements Command.
func (Cancel) Verb() string { return "cancel" }

func parseCancel(p *parser) (Cancel, error) {
	id, err := p.id(0)
	if err != nil {
		return Cancel{}, err
	}
	return Cancel{CSR: id, Reason: p.optional(1)}, p.atMost(2)
}

func runCancel(ctx context.Context, h *Handler, req Request, cn Cancel) (chat.Reply, error) {
	c, svc, _, err := h.transition(ctx, req, cn.CSR, func(c csr.CSR, _ csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		return c.Cancel(req.Actor, cn.Reason, now)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	next := h.nextOf(ctx, c, svc)
	note := msg.T(msg.NoteCancelled, "csr", string(c.ID), "by", "@"+string(req.Actor.Person), "next", next)
	if cn.Reason != "" {
		note = msg.T(msg.NoteCancelledWhy, "csr", string(c.ID), "by", "@"+string(req.Actor.Person), "reason", cn.Reason, "next", next)
	}
	h.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Text: note})
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyCancelled, "csr", string(c.ID)))
}
