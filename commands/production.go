package commands

import (
	"context"
	"strings"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/internal/store"
	"releasebot/msg"
)

// Productions is what the handlers read of what each environment of a
// service runs: the record the store writes with every successful deploy
// and rollback (integrations/redisstore keeps it in the script that saves
// the run's result).
type Productions interface {
	// Production is what env of service runs now; false: nothing yet.
	Production(ctx context.Context, service, env string) (store.Deployment, bool, error)
	// ProductionHistory is the lineage, newest first: [0] runs now, [1]
	// is what a rollback of it restores.
	ProductionHistory(ctx context.Context, service, env string, n int) ([]store.Deployment, error)
}

// branchLookupTimeout bounds the branch lookup a deploy makes only to
// say whether the branch moved; the deploy has started by then.
const branchLookupTimeout = 5 * time.Second

// branchMoved says, for a CSR that follows a branch, that the branch is
// no longer at the commit that was approved and deploys. The deploy never
// waits on it: a failed lookup is logged and says nothing.
func (h *Handler) branchMoved(ctx context.Context, c csr.CSR, svc csr.Service) (msg.Text, bool) {
	if len(c.Refs) == 0 || !c.Refs[0].Floating || c.Refs[0].Ref == "" || c.SHA() == "" {
		return msg.Text{}, false
	}
	ref := c.Refs[0]
	ctx, cancel := context.WithTimeout(ctx, branchLookupTimeout)
	defer cancel()
	head, err := h.Refs.Resolve(ctx, svc.Repo, ref.Ref)
	if err != nil {
		h.Log.WarnContext(ctx, "branch not looked up at deploy", "csr", c.ID, "ref", ref.Ref, "err", err)
		return msg.Text{}, false
	}
	if head == "" || strings.EqualFold(head, ref.SHA) {
		return msg.Text{}, false
	}
	return msg.T(msg.ReplyBranchMoved, "ref", ref.Ref, "head", shortSHA(head), "csr", string(c.ID), "sha", ref.ShortSHA()), true
}

// rollbackTarget reads what production runs now and what it ran before:
// a rollback of c is allowed only when c is what runs now, and restores
// the entry before it.
func (h *Handler) rollbackTarget(ctx context.Context, c csr.CSR, svc csr.Service) (prev store.Deployment, err error) {
	lineage, err := h.Store.ProductionHistory(ctx, svc.Name, svc.ProdEnv(), 2)
	if err != nil || len(lineage) == 0 || c.State != csr.Deployed {
		// Nothing recorded, or a CSR not deployed: the domain says why.
		return prev, err
	}
	env := svc.ProdEnv()
	if cur := lineage[0]; cur.CSR != c.ID {
		// Rolling back an older CSR would silently undo the newer one.
		if cur.CSR == "" {
			return prev, &csr.Refusal{Rule: csr.RuleRollbackNotCurrent,
				Why:  msg.T(msg.RefuseNotCurrentSHA, "csr", string(c.ID), "env", env, "sha", shortSHA(cur.SHA), "rollback_of", string(cur.RollbackOf)),
				Next: msg.T(msg.NextNoPrevious, "service", svc.Name)}
		}
		next := msg.T(msg.NextFixForward, "service", svc.Name)
		if curCSR, people, ok := h.rollableCurrent(ctx, cur, svc); ok {
			next = msg.T(msg.NextRollbackCurrent, "current", string(curCSR.ID), "people", people, "service", svc.Name)
		}
		return prev, &csr.Refusal{Rule: csr.RuleRollbackNotCurrent,
			Why:  msg.T(msg.RefuseNotCurrent, "csr", string(c.ID), "env", env, "current", string(cur.CSR)),
			Next: next}
	}
	if len(lineage) > 1 {
		prev = lineage[1]
	}
	return prev, nil
}

// rollbackReply says what production runs once the rollback succeeds.
func rollbackReply(env string, prev store.Deployment) msg.Text {
	if prev.CSR == "" {
		return msg.T(msg.ReplyRollbackTargetSHA, "env", env, "sha", shortSHA(prev.SHA))
	}
	return msg.T(msg.ReplyRollbackTarget, "env", env, "target", string(prev.CSR), "sha", shortSHA(prev.SHA))
}

// productionNext is the card's last line for a CSR that is or was in
// production, from what production runs now: a deployed CSR says who may
// roll it back and to what (or that it is the first deploy, with nothing to
// roll back to); a rolled-back or superseded one says what runs instead and
// what to do next. rollback reports whether a rollback of c would be
// accepted as far as production goes, so the card never offers a refused
// one. ok is false when nothing is known.
func (h *Handler) productionNext(ctx context.Context, c csr.CSR, svc csr.Service) (next msg.Text, rollback, ok bool) {
	if c.State != csr.Deployed && c.State != csr.RolledBack {
		return msg.Text{}, false, false
	}
	if _, active := c.ActiveRun(); active {
		return msg.Text{}, false, false
	}
	env := svc.ProdEnv()
	lineage, err := h.Store.ProductionHistory(ctx, svc.Name, env, 2)
	if err != nil {
		// The card still shows everything else; the line is a courtesy.
		h.Log.WarnContext(ctx, "what production runs not read for the card", "csr", c.ID, "err", err)
		return msg.Text{}, false, false
	}
	if len(lineage) == 0 {
		return msg.Text{}, false, false
	}
	d := lineage[0]
	id, sha := string(c.ID), shortSHA(d.SHA)
	if d.CSR == c.ID && c.State == csr.Deployed {
		if len(lineage) < 2 {
			return msg.T(msg.NextDeployedNoRollback, "csr", id, "env", env, "sha", sha, "service", svc.Name), false, true
		}
		target := shortSHA(lineage[1].SHA)
		if lineage[1].CSR != "" {
			target = string(lineage[1].CSR) + " (" + target + ")"
		}
		return msg.T(msg.NextDeployedRollback, "csr", id, "env", env, "sha", sha, "people", rollers(c, svc),
			"target", target), true, true
	}
	if d.CSR == c.ID {
		return msg.Text{}, false, false
	}
	switch {
	case c.State == csr.RolledBack && d.CSR != "":
		if cur, people, ok := h.rollableCurrent(ctx, d, svc); ok {
			return msg.T(msg.NextRolledBackFurther, "csr", id, "env", env, "current", string(cur.ID), "sha", sha,
				"owners", csr.MentionsAll(c.People()), "service", svc.Name, "people", people), false, true
		}
		return msg.T(msg.NextRolledBackFix, "csr", id, "env", env, "current", string(d.CSR), "sha", sha,
			"owners", csr.MentionsAll(c.People()), "service", svc.Name), false, true
	case c.State == csr.RolledBack:
		return msg.T(msg.NextRolledBackFixSHA, "csr", id, "env", env, "sha", sha,
			"owners", csr.MentionsAll(c.People()), "service", svc.Name), false, true
	case d.CSR != "":
		return msg.T(msg.NextSuperseded, "csr", id, "env", env, "current", string(d.CSR), "sha", sha), false, true
	default:
		return msg.T(msg.NextSupersededSHA, "csr", id, "env", env, "sha", sha, "rollback_of", string(d.RollbackOf)), false, true
	}
}

// rollableCurrent is the CSR production runs now when it may be rolled
// back further: it is deployed and production holds a commit before it.
// people are who may do it.
func (h *Handler) rollableCurrent(ctx context.Context, d store.Deployment, svc csr.Service) (csr.CSR, msg.Text, bool) {
	lineage, err := h.Store.ProductionHistory(ctx, svc.Name, svc.ProdEnv(), 2)
	if err != nil || len(lineage) < 2 || lineage[0].CSR != d.CSR {
		return csr.CSR{}, msg.Text{}, false
	}
	cur, err := h.Store.Get(ctx, d.CSR)
	if err != nil || cur.State != csr.Deployed {
		return csr.CSR{}, msg.Text{}, false
	}
	if _, active := cur.ActiveRun(); active {
		return csr.CSR{}, msg.Text{}, false
	}
	return cur, rollers(cur, svc), true
}

// rollers names who may roll c back: the people of the policy, and admins
// when it lets them.
func rollers(c csr.CSR, svc csr.Service) msg.Text {
	return csr.Mentions(c.RollbackPeople(svc))
}

// inProduction warns that a new CSR ships the commit production already
// runs: as it stands it would deploy nothing new. A failed read says
// nothing; the CSR is created either way.
func (h *Handler) inProduction(ctx context.Context, c csr.CSR, svc csr.Service) (msg.Text, bool) {
	d, ok, err := h.Store.Production(ctx, svc.Name, svc.ProdEnv())
	if err != nil || !ok || c.SHA() == "" || !strings.EqualFold(d.SHA, c.SHA()) {
		return msg.Text{}, false
	}
	current := string(d.CSR)
	if current == "" {
		current = string(d.RollbackOf)
	}
	return msg.T(msg.ReplyInProduction, "env", svc.ProdEnv(), "sha", shortSHA(d.SHA), "current", current, "csr", string(c.ID)), true
}

// processRuns says what each environment `deploy` and `rollback` reach
// runs now (every environment after the test one).
func (h *Handler) processRuns(ctx context.Context, svc csr.Service) ([]msg.Text, error) {
	loc := zoneOf(svc, h.Config.Location())
	var out []msg.Text
	for _, env := range svc.Environments {
		if env == svc.TestEnv() && env != svc.ProdEnv() {
			continue
		}
		d, ok, err := h.Store.Production(ctx, svc.Name, env)
		if err != nil {
			return nil, err
		}
		at := msg.AtShort(d.At.In(loc))
		switch {
		case !ok:
			out = append(out, msg.T(msg.ReplyProcessRunsNone, "env", env))
		case d.CSR == "":
			out = append(out, msg.T(msg.ReplyProcessRunsSHA, "env", env, "sha", shortSHA(d.SHA), "at", at, "rollback_of", string(d.RollbackOf)))
		default:
			out = append(out, msg.T(msg.ReplyProcessRuns, "env", env, "csr", string(d.CSR), "sha", shortSHA(d.SHA), "at", at, "run", d.Run))
		}
	}
	return out, nil
}

// Resolve settles a run whose outcome the bot could not know.
type Resolve struct {
	CSR     csr.ID
	Outcome csr.RunStatus
	Checked string
}

// Verb implements Command.
func (Resolve) Verb() string { return "resolve" }

// outcomes are the words `resolve` takes for how the run ended.
var outcomes = map[string]csr.RunStatus{"succeeded": csr.RunSucceeded, "failed": csr.RunFailed}

func parseResolve(p *parser) (Resolve, error) {
	id, err := p.id(0)
	if err != nil {
		return Resolve{}, err
	}
	word, err := p.word(1, msg.T(msg.ArgRunOutcome))
	if err != nil {
		return Resolve{}, err
	}
	outcome, ok := outcomes[strings.ToLower(word)]
	if !ok {
		return Resolve{}, &csr.Refusal{Rule: csr.RuleBadOutcome, Why: msg.T(msg.RefuseResolveOutcome, "outcome", clip(word)),
			Next: msg.T(msg.NextResolve, "csr", string(id))}
	}
	checked, err := p.word(2, msg.T(msg.ArgChecked))
	if err != nil {
		return Resolve{}, err
	}
	return Resolve{CSR: id, Outcome: outcome, Checked: checked}, p.atMost(3)
}

func runResolve(ctx context.Context, h *Handler, req Request, r Resolve) (chat.Reply, error) {
	var run csr.Run
	c, svc, _, err := h.transition(ctx, req, r.CSR, func(c csr.CSR, _ csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		run, _ = c.ActiveRun()
		return c.Resolve(req.Actor, r.Outcome, r.Checked, now)
	})
	if err != nil {
		return chat.Reply{}, err
	}
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyResolved, "run", run.ID, "csr", string(c.ID), "status", string(r.Outcome), "checked", r.Checked))
}
