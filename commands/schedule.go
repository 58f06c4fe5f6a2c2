package commands

import (
	"context"
	"strconv"
	"strings"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// whenLayout is how scheduled times are shown.

// checkDeployAt refuses `deploy --at` without a time, and together with
// --override: a schedule is kept only inside the window and outside
// freezes, so there is nothing to override.
func checkDeployAt(p *parser, d Deploy) error {
	at, set := p.Flags["at"]
	if !set {
		return nil
	}
	if strings.TrimSpace(at) == "" {
		return syntaxError(msg.T(msg.RefuseMissingArg, "verb", "deploy", "arg", msg.T(msg.ArgAtTime)),
			msg.T(msg.NextHelpVerb, "verb", "deploy"))
	}
	if _, over := p.Flags["override"]; over {
		return syntaxError(msg.T(msg.RefuseAtWithOverride), msg.T(msg.NextAtOrOverride, "csr", string(d.CSR)))
	}
	return nil
}

// runScheduleDeploy handles `deploy CSR --at TIME`: the approved CSR is
// scheduled (a scheduled one moved to the new time), and the scheduler
// starts its deploy at that time if the window and freezes still allow it
// then.
func runScheduleDeploy(ctx context.Context, h *Handler, req Request, d Deploy) (chat.Reply, error) {
	_, svc, err := h.load(ctx, d.CSR)
	if err != nil {
		return chat.Reply{}, err
	}
	now := h.Clock.Now()
	loc := zoneOf(svc, h.Config.Location())
	when, err := ParseWhen(d.At, now, loc)
	if err != nil {
		return chat.Reply{}, err
	}
	fz, err := freezes(ctx, h.Store, svc, now)
	if err != nil {
		return chat.Reply{}, err
	}
	c, svc, _, err := h.transition(ctx, req, d.CSR, func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		if c.State == csr.Scheduled {
			// A new time moves the schedule: both steps are recorded, and
			// if the new time is refused nothing changes.
			was := msg.At(c.ScheduledAt.In(loc))
			says := msg.T(msg.HistRescheduled, "was", was)
			d, _, err := c.Unschedule(req.Actor, now, says.String(), &says)
			if err != nil {
				return c, nil, err
			}
			c = d
		}
		return c.Schedule(req.Actor, when, now, svc, fz)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	at := msg.At(when.In(loc))
	h.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Text: msg.T(msg.NoteScheduled,
		"by", "@"+string(req.Actor.Person), "csr", string(c.ID), "env", svc.ProdEnv(), "when", at, "next", h.nextOf(ctx, c, svc))})
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyScheduled, "csr", string(c.ID), "when", at))
}

// Unschedule takes a scheduled CSR off the schedule.
type Unschedule struct {
	CSR    csr.ID
	Reason string
}

// Verb implements Command.
func (Unschedule) Verb() string { return "unschedule" }

func parseUnschedule(p *parser) (Unschedule, error) {
	id, err := p.id(0)
	if err != nil {
		return Unschedule{}, err
	}
	return Unschedule{CSR: id, Reason: p.optional(1)}, p.atMost(2)
}

func runUnschedule(ctx context.Context, h *Handler, req Request, u Unschedule) (chat.Reply, error) {
	if n := len([]rune(u.Reason)); n > csr.MaxReason {
		return chat.Reply{}, &csr.Refusal{Rule: csr.RuleTextTooLong,
			Why:  msg.T(msg.RefuseTextTooLong, "field", msg.T(msg.TextFieldReason), "len", strconv.Itoa(n), "max", strconv.Itoa(csr.MaxReason)),
			Next: msg.T(msg.NextTextTooLong, "field", msg.T(msg.TextFieldReason), "max", strconv.Itoa(csr.MaxReason))}
	}
	if strings.ContainsFunc(u.Reason, isControl) {
		return chat.Reply{}, &csr.Refusal{Rule: csr.RuleTextControl, Why: msg.T(msg.RefuseTextControl, "field", msg.T(msg.TextFieldReason)),
			Next: msg.T(msg.NextTextControl, "field", msg.T(msg.TextFieldReason))}
	}
	var was time.Time
	c, svc, _, err := h.transition(ctx, req, u.CSR, func(c csr.CSR, _ csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		was = c.ScheduledAt
		return c.Unschedule(req.Actor, now, u.Reason, nil)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	var reason any = ""
	if strings.TrimSpace(u.Reason) != "" {
		reason = msg.T(msg.ReasonSuffix, "reason", u.Reason)
	}
	h.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Text: msg.T(msg.NoteUnscheduled,
		"by", "@"+string(req.Actor.Person), "csr", string(c.ID), "when", msg.At(was.In(zoneOf(svc, h.Config.Location()))), "reason", reason,
		"next", h.nextOf(ctx, c, svc))})
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyUnscheduled, "csr", string(c.ID)))
}
