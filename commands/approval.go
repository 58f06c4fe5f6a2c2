package commands

import (
	"context"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Submit starts the approval line.
type Submit struct{ CSR csr.ID }

// Verb implements Command.
func (Submit) Verb() string { return "submit" }

func parseSubmit(p *parser) (Submit, error) { id, err := idOnly(p); return Submit{id}, err }

func runSubmit(ctx context.Context, h *Handler, req Request, s Submit) (chat.Reply, error) {
	c, svc, _, err := h.transition(ctx, req, s.CSR, func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		return c.Submit(req.Actor, now, svc)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplySubmitted, "csr", string(c.ID)))
}

// Approve approves the open step.
type Approve struct{ CSR csr.ID }

// Verb implements Command.
func (Approve) Verb() string { return string(csr.VerbApprove) }

func parseApprove(p *parser) (Approve, error) { id, err := idOnly(p); return Approve{id}, err }

func runApprove(ctx context.Context, h *Handler, req Request, a Approve) (chat.Reply, error) {
	var step string
	c, svc, _, err := h.transition(ctx, req, a.CSR, func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		open, _ := c.OpenStep(svc)
		step = open.Step.Name
		return c.Approve(req.Actor, now, svc)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	id := msg.ReplyApproved
	if c.State == csr.Approved {
		id = msg.ReplyFullyOK
	}
	return h.cardReply(ctx, req, c, svc, msg.T(id, "step", step, "csr", string(c.ID)))
}

// RejectCSR rejects the CSR at its open step.
type RejectCSR struct {
	CSR    csr.ID
	Reason string
}

// Verb implements Command.
func (RejectCSR) Verb() string { return "reject" }

func parseReject(p *parser) (RejectCSR, error) {
	id, err := p.id(0)
	if err != nil {
		return RejectCSR{}, err
	}
	reason, err := p.word(1, msg.T(msg.ArgRejectReason))
	if err != nil {
		return RejectCSR{}, err
	}
	return RejectCSR{CSR: id, Reason: reason}, p.atMost(2)
}

func runReject(ctx context.Context, h *Handler, req Request, r RejectCSR) (chat.Reply, error) {
	c, svc, _, err := h.transition(ctx, req, r.CSR, func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		return c.Reject(req.Actor, r.Reason, now, svc)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyRejected, "csr", string(c.ID), "reason", r.Reason))
}

// Revise takes a rejected CSR back to draft.
type Revise struct{ CSR csr.ID }

// Verb implements Command.
func (Revise) Verb() string { return "revise" }

func parseRevise(p *parser) (Revise, error) { id, err := idOnly(p); return Revise{id}, err }

func runRevise(ctx context.Context, h *Handler, req Request, r Revise) (chat.Reply, error) {
	c, svc, _, err := h.transition(ctx, req, r.CSR, func(c csr.CSR, _ csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		return c.Revise(req.Actor, now)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyRevised, "csr", string(c.ID)))
}
