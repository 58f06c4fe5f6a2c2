package commands

import (
	"context"
	"errors"
	"strings"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Edit changes the words of a CSR: how a requester answers a reviewer.
type Edit struct {
	CSR   csr.ID
	Edits csr.Edits
	// Assignee is as typed; the handler resolves it to a person.
	Assignee string
}

// Verb implements Command.
func (Edit) Verb() string { return "edit" }

func parseEdit(p *parser) (Edit, error) {
	id, err := idOnly(p)
	if err != nil {
		return Edit{}, err
	}
	e := Edit{CSR: id}
	if v, ok := p.Flags["title"]; ok {
		e.Edits.Title = &v
	}
	if v, ok := p.Flags["description"]; ok {
		e.Edits.Description = &v
	}
	if v, ok := p.Flags["risk"]; ok {
		e.Edits.Risk = &v
	}
	if v, ok := p.Flags["effort"]; ok {
		d, err := parseEffort(v)
		if err != nil {
			return Edit{}, err
		}
		e.Edits.Effort = &d
	}
	if v, ok := p.Flags["assignee"]; ok {
		e.Assignee = v
	}
	if len(e.Edits.Fields()) == 0 && e.Assignee == "" {
		return Edit{}, syntaxError(msg.T(msg.RefuseEditNothing), msg.T(msg.NextEditExample, "csr", string(id)))
	}
	return e, nil
}

func runEdit(ctx context.Context, h *Handler, req Request, e Edit) (chat.Reply, error) {
	if e.Assignee != "" {
		p, err := person(h.Config, e.Assignee)
		if err != nil {
			return chat.Reply{}, err
		}
		e.Edits.Assignee = &p
	}
	var voided []csr.Person
	c, svc, evs, err := h.transition(ctx, req, e.CSR, func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		return c.Edit(req.Actor, e.Edits, now, svc)
	})
	if errors.Is(err, csr.ErrNoChange) {
		return chat.Reply{Texts: []msg.Text{msg.T(msg.ReplyUnchanged, "csr", string(e.CSR)), msg.T(msg.ReplyNext, "next", msg.T(msg.NextUnchanged, "csr", string(e.CSR)))},
			Private: true}, nil
	}
	if err != nil {
		return chat.Reply{}, err
	}
	note := ""
	for _, ev := range evs {
		if ev.Kind == csr.EvEdited {
			voided, note = ev.Notify, ev.Note
		}
	}
	if len(voided) > 0 {
		return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyEditedVoided, "csr", string(c.ID), "fields", csr.EditedFields(note), "n", len(voided)))
	}
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyEdited, "csr", string(c.ID), "fields", csr.EditedFields(note)))
}

// CommentOn answers on a CSR.
type CommentOn struct {
	CSR  csr.ID
	Text string
}

// Verb implements Command.
func (CommentOn) Verb() string { return "comment" }

func parseComment(p *parser) (CommentOn, error) {
	id, err := p.id(0)
	if err != nil {
		return CommentOn{}, err
	}
	text, err := p.word(1, msg.T(msg.ArgComment))
	if err != nil {
		return CommentOn{}, err
	}
	return CommentOn{CSR: id, Text: text}, p.atMost(2)
}

func runComment(ctx context.Context, h *Handler, req Request, cm CommentOn) (chat.Reply, error) {
	c, svc, evs, err := h.transition(ctx, req, cm.CSR, func(c csr.CSR, _ csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		return c.Comment(req.Actor, cm.Text, now)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	var told []csr.Person
	for _, ev := range evs {
		if ev.Kind == csr.EvCommented {
			told = ev.Notify
		}
	}
	if len(told) == 0 {
		return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyCommented, "csr", string(c.ID)))
	}
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyCommentedTo, "csr", string(c.ID), "people", csr.MentionsAll(told)))
}

// Rollback redeploys the previous production commit of the service.
type Rollback struct {
	CSR    csr.ID
	Reason string
}

// Verb implements Command.
func (Rollback) Verb() string { return "rollback" }

func parseRollback(p *parser) (Rollback, error) {
	id, err := p.id(0)
	if err != nil {
		return Rollback{}, err
	}
	// A missing reason is the domain's refusal, after who may and what
	// production runs: a person who may not roll back hears that first.
	return Rollback{CSR: id, Reason: p.optional(1)}, p.atMost(2)
}

func runRollback(ctx context.Context, h *Handler, req Request, r Rollback) (chat.Reply, error) {
	c, svc, err := h.load(ctx, r.CSR)
	if err != nil {
		return chat.Reply{}, err
	}
	if c.State == csr.Deployed && !c.MayRollBack(req.Actor, svc) {
		// The policy first: whoever may not roll back learns so before
		// anything about production.
		_, _, err := c.Rollback(req.Actor, "", r.Reason, h.Clock.Now(), svc)
		return chat.Reply{}, err
	}
	prev, err := h.rollbackTarget(ctx, c, svc)
	if err != nil {
		return chat.Reply{}, err
	}
	c, svc, evs, err := h.transition(ctx, req, r.CSR, func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		return c.Rollback(req.Actor, prev.SHA, r.Reason, now, svc)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	run := runOf(evs)
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyRollback, "run", run.ID, "csr", string(c.ID), "sha", shortSHA(prev.SHA)),
		rollbackReply(run.Env, prev), msg.T(msg.ReplyRollbackWhy, "reason", strings.TrimSpace(r.Reason)))
}
