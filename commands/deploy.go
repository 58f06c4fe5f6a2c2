package commands

import (
	"context"
	"errors"
	"strings"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/internal/store"
	"releasebot/msg"
)

// DeployReader reads a CSR and its service's freezes at once, for
// `deploy`.
type DeployReader interface {
	GetWithFreezes(ctx context.Context, id csr.ID, now time.Time) (csr.CSR, []csr.Freeze, error)
}

// Deploy starts the production deploy.
type Deploy struct {
	CSR      csr.ID
	Override string
	At       string // --at: schedule it instead (commands/schedule.go)
}

// Verb implements Command.
func (Deploy) Verb() string { return "deploy" }

func parseDeploy(p *parser) (Deploy, error) {
	id, err := idOnly(p)
	if err != nil {
		return Deploy{}, err
	}
	d := Deploy{CSR: id, Override: p.Flags["override"], At: p.Flags["at"]}
	if _, set := p.Flags["override"]; set && strings.TrimSpace(d.Override) == "" {
		return Deploy{}, syntaxError(msg.T(msg.RefuseMissingArg, "verb", "deploy", "arg", msg.T(msg.ArgOverrideReason)),
			msg.T(msg.NextHelpVerb, "verb", "deploy"))
	}
	return d, checkDeployAt(p, d)
}

func runDeploy(ctx context.Context, h *Handler, req Request, d Deploy) (chat.Reply, error) {
	if d.At != "" {
		return runScheduleDeploy(ctx, h, req, d)
	}
	// The CSR and its service's freezes, read together.
	read, fz, err := h.Store.GetWithFreezes(ctx, d.CSR, h.Clock.Now())
	if errors.Is(err, store.ErrNotFound) {
		return chat.Reply{}, &notFound{d.CSR}
	}
	if err != nil {
		return chat.Reply{}, err
	}
	if _, err := h.Service(read.Service); err != nil {
		return chat.Reply{}, err
	}
	c, svc, evs, err := h.transitionFrom(ctx, req, &read, d.CSR, func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		return c.Deploy(req.Actor, now, svc, fz, csr.DeployOptions{Override: d.Override})
	})
	if err != nil {
		return chat.Reply{}, err
	}
	run := runOf(evs)
	texts := []msg.Text{msg.T(msg.ReplyDeployStart, "run", run.ID, "csr", string(c.ID), "env", run.Env)}
	// The deploy ships the approved commit (run.SHA); a branch that moved
	// since is said, never followed.
	if moved, ok := h.branchMoved(ctx, c, svc); ok {
		texts = append(texts, moved)
	}
	if last := c.History[len(c.History)-1]; strings.HasPrefix(last.Note, "override") {
		// An override is a decision the whole team must see, not only the
		// history.
		override := msg.T(msg.NoteOverride, "by", "@"+string(req.Actor.Person), "csr", string(c.ID), "note", last.Note)
		h.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Text: override})
		texts = append(texts, override)
	}
	return h.cardReply(ctx, req, c, svc, texts...)
}

func shortSHA(s string) string {
	if len(s) > 7 {
		return s[:7]
	}
	return s
}
