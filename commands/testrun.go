package commands

import (
	"context"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Test starts the test deploy.
type Test struct{ CSR csr.ID }

// Verb implements Command.
func (Test) Verb() string { return "test" }

func parseTest(p *parser) (Test, error) { id, err := idOnly(p); return Test{id}, err }

// runTest tests the CSR's commit. A ref that follows its branch is looked
// up first; if the branch moved, the CSR ships the new commit, as after
// `update` (approvals voided), and the test runs it: one saved transition.
func runTest(ctx context.Context, h *Handler, req Request, t Test) (chat.Reply, error) {
	read, svc, err := h.load(ctx, t.CSR)
	if err != nil {
		return chat.Reply{}, err
	}
	from, to, base, err := h.followRef(ctx, req, read, svc)
	if err != nil {
		return chat.Reply{}, err
	}
	moved := false
	c, svc, evs, err := h.transitionFrom(ctx, req, &read, t.CSR, func(c csr.CSR, svc csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		moved = false
		// Move only what was looked up: a ref changed meanwhile (an
		// `update`) is tested as it now is.
		if to == nil || len(c.Refs) == 0 || c.Refs[0].Ref != from.Ref || c.Refs[0].SHA != from.SHA || !c.Refs[0].Floating {
			return c.Test(req.Actor, now, svc)
		}
		// What `test` refuses comes first: ChangeRef allows more states.
		if _, _, err := c.Test(req.Actor, now, svc); err != nil {
			return c, nil, err
		}
		d, evs, err := c.ChangeRef(req.Actor, *to, now)
		if err != nil {
			return c, nil, err
		}
		d, more, err := d.Test(req.Actor, now, svc)
		if err != nil {
			return c, nil, err
		}
		moved = true
		return d, append(evs, more...), nil
	})
	if err != nil {
		return chat.Reply{}, err
	}
	run := runOf(evs)
	var texts []msg.Text
	if moved {
		texts = append(texts, msg.T(msg.ReplyRefMoved, "ref", to.Ref, "from", from.ShortSHA(), "to", to.ShortSHA(), "csr", string(c.ID)))
		h.announceShips(ctx, c, svc, base)
	}
	texts = append(texts, msg.T(msg.ReplyTestStarted, "run", run.ID, "csr", string(c.ID), "env", run.Env))
	return h.cardReply(ctx, req, c, svc, texts...)
}

// followRef looks up again the branch or tag the CSR follows (a ref not
// pinned with --sha), for `test`. to is the ref to ship when it moved, nil
// when it did not, when the ref is pinned, or when `test` is refused anyway
// (then no lookup is made). from is the ref the CSR had; base is what
// ships(to) compared with.
func (h *Handler) followRef(ctx context.Context, req Request, c csr.CSR, svc csr.Service) (from csr.Ref, to *csr.Ref, base string, err error) {
	if len(c.Refs) == 0 || !c.Refs[0].Floating || c.Refs[0].Ref == "" {
		return from, nil, "", nil
	}
	if _, _, err := c.Test(req.Actor, h.Clock.Now(), svc); err != nil {
		return from, nil, "", nil // the transition says why
	}
	from = c.Refs[0]
	sha, err := h.resolve(ctx, svc, from.Ref, "")
	if err != nil || sha == from.SHA {
		return from, nil, "", err
	}
	ref := csr.Ref{Repo: svc.Repo, Ref: from.Ref, SHA: sha, Floating: true}
	base = h.ships(ctx, svc, &ref)
	return from, &ref, base, nil
}

func runOf(evs []csr.Event) csr.Run {
	for _, e := range evs {
		if e.Kind == csr.EvRunRequested {
			return e.Run
		}
	}
	return csr.Run{}
}

// AddEvidence attaches a link to test evidence.
type AddEvidence struct {
	CSR  csr.ID
	URL  string
	Note string
}

// Verb implements Command.
func (AddEvidence) Verb() string { return "evidence" }

func parseEvidence(p *parser) (AddEvidence, error) {
	id, err := p.id(0)
	if err != nil {
		return AddEvidence{}, err
	}
	u, err := p.word(1, msg.T(msg.ArgEvidenceURL))
	if err != nil {
		return AddEvidence{}, err
	}
	return AddEvidence{CSR: id, URL: u, Note: p.optional(2)}, p.atMost(3)
}

func runEvidence(ctx context.Context, h *Handler, req Request, e AddEvidence) (chat.Reply, error) {
	c, svc, _, err := h.transition(ctx, req, e.CSR, func(c csr.CSR, _ csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		return c.AddEvidence(req.Actor, e.URL, e.Note, now)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyEvidence, "csr", string(c.ID)))
}
