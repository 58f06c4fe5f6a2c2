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
func (h *Handler) person(s string) (csr.Person, error) {
	p := csr.Person(strings.TrimPrefix(strings.TrimSpace(s), "@"))
	if !h.Config.HasPerson(p) {
		names := make([]string, 0)
		for _, q := range h.Config.People() {
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
	svc, err := h.service(n.Service)
	if err != nil {
		return chat.Reply{}, err
	}
	var assignee csr.Person
	if n.Assignee != "" {
		if assignee, err = h.person(n.Assignee); err != nil {
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

// resolve turns the ref into a commit. A SHA named with --sha, or a full
// SHA given as the ref, is checked to be a commit of the repository before
// anything is written.
func (h *Handler) resolve(ctx context.Context, svc csr.Service, ref, sha string) (string, error) {
	if sha != "" {
		if !isHex(sha) || len(sha) < 7 || len(sha) > 40 {
			return "", syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--sha", "want", msg.T(msg.WantSHA), "value", clip(sha)),
				msg.T(msg.NextHelpVerb, "verb", "new"))
		}
		return h.commit(ctx, svc, sha)
	}
	if r := []rune(ref); len(r) > 255 || strings.ContainsFunc(ref, func(r rune) bool { return r < ' ' || r == 0x7f || r == ' ' }) {
		return "", syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--ref", "want", msg.T(msg.WantRef), "value", clip(ref)), msg.T(msg.NextRefRequired))
	}
	if fullSHA(ref) {
		return h.commit(ctx, svc, ref)
	}
	return h.Refs.Resolve(ctx, svc.Repo, ref)
}

// commit checks that the repository has the commit sha (full or
// abbreviated) and returns its full SHA. The source host's commit lookup
// takes a SHA as well as a branch, so it is the existence check; an answer
// that is not that commit (a branch named like a SHA) is refused too.
func (h *Handler) commit(ctx context.Context, svc csr.Service, sha string) (string, error) {
	sha = strings.ToLower(sha)
	full, err := h.Refs.Resolve(ctx, svc.Repo, sha)
	if err != nil {
		return "", err
	}
	full = strings.ToLower(full)
	if !strings.HasPrefix(full, sha) || (len(sha) == 40 && full != sha) {
		return "", &csr.Refusal{Rule: csr.RuleUnknownRef, Why: msg.T(msg.RefuseUnknownRef, "ref", sha, "repo", svc.Repo),
			Next: msg.T(msg.NextUnknownRef, "repo", svc.Repo)}
	}
	return full, nil
}

// fullSHA reports whether ref is a whole commit SHA: a pin, never a
// branch to follow.
func fullSHA(ref string) bool { return len(ref) == 40 && isHex(ref) }

// floating reports whether a ref follows its branch: not pinned with
// --sha, and not a full commit SHA (which cannot move).
func floating(ref, sha string) bool {
	return sha == "" && !fullSHA(ref)
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

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

// Update points the CSR at a new commit.
type Update struct {
	CSR csr.ID
	Ref string
	SHA string
}

// Verb implements Command.
func (Update) Verb() string { return "update" }

func parseUpdate(p *parser) (Update, error) {
	id, err := idOnly(p)
	if err != nil {
		return Update{}, err
	}
	u := Update{CSR: id, Ref: p.Flags["ref"], SHA: p.Flags["sha"]}
	if u.Ref == "" {
		return Update{}, syntaxError(msg.T(msg.RefuseRefRequired), msg.T(msg.NextRefRequired))
	}
	return u, nil
}

func runUpdate(ctx context.Context, h *Handler, req Request, u Update) (chat.Reply, error) {
	_, svc, err := h.load(ctx, u.CSR)
	if err != nil {
		return chat.Reply{}, err
	}
	sha, err := h.resolve(ctx, svc, u.Ref, u.SHA)
	if err != nil {
		return chat.Reply{}, err
	}
	ref := csr.Ref{Repo: svc.Repo, Ref: u.Ref, SHA: sha, Floating: floating(u.Ref, u.SHA)}
	base := h.ships(ctx, svc, &ref)
	c, svc, _, err := h.transition(ctx, req, u.CSR, func(c csr.CSR, _ csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		d, evs, err := c.ChangeRef(req.Actor, ref, now)
		if errors.Is(err, csr.ErrNoChange) && len(c.Refs) > 0 && c.Refs[0].Ref == ref.Ref {
			// The same commit, pinned now with --sha, or following its
			// branch again without it.
			return c.SetFloating(req.Actor, ref.Floating, now)
		}
		return d, evs, err
	})
	if errors.Is(err, csr.ErrNoChange) {
		return chat.Reply{Texts: []msg.Text{msg.T(msg.ReplyUnchanged, "csr", string(u.CSR))}, Private: true}, nil
	}
	if err != nil {
		return chat.Reply{}, err
	}
	h.announceShips(ctx, c, svc, base)
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyUpdated, "csr", string(c.ID), "ref", u.Ref+"@"+ref.ShortSHA()))
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
	if _, err := h.service(read.Service); err != nil {
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
