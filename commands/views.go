package commands

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/internal/store"
	"releasebot/msg"
)

// Show prints a CSR's card.
type Show struct{ CSR csr.ID }

// Verb implements Command.
func (Show) Verb() string { return "show" }

func parseShow(p *parser) (Show, error) { id, err := idOnly(p); return Show{id}, err }

func runShow(ctx context.Context, h *Handler, req Request, s Show) (chat.Reply, error) {
	c, err := h.Store.Get(ctx, s.CSR)
	switch {
	case errors.Is(err, store.ErrDataLost):
		// Not "there is no CSR-1": it existed, and the store lost it.
		return chat.Reply{}, storeRefusal(err, s.CSR)
	case errors.Is(err, store.ErrNotFound):
		return chat.Reply{}, &notFound{s.CSR}
	case err != nil:
		return chat.Reply{}, storeRefusal(err, s.CSR)
	}
	svc, err := h.Service(c.Service)
	if err != nil {
		return chat.Reply{}, err
	}
	return h.cardReply(ctx, req, c, svc)
}

// storeRefusal explains a store failure a person can act on: a store
// failing over (try again in a moment), a write too few replicas confirmed,
// a CSR the store lost. Other errors are returned as they are. id names
// the CSR asked for, if any.
func storeRefusal(err error, id csr.ID) error {
	var nf *notFound
	switch {
	case errors.Is(err, store.ErrDataLost):
		return &csr.Refusal{Rule: csr.RuleStoreLostData, Why: msg.T(msg.StoreRefuseLost, "csr", string(id), "since", lostSince(err)),
			Next: msg.T(msg.StoreNextLost)}
	case errors.As(err, &nf):
		return err
	case errors.Is(err, store.ErrFailingOver):
		return &csr.Refusal{Rule: csr.RuleStoreFailingOver, Why: msg.T(msg.StoreRefuseFailingOver), Next: msg.T(msg.StoreNextFailingOver)}
	case errors.Is(err, store.ErrUnconfirmed):
		return &csr.Refusal{Rule: csr.RuleStoreUnconfirmed, Why: msg.T(msg.StoreRefuseUnconfirmed), Next: msg.T(msg.StoreNextUnconfirmed)}
	}
	return err
}

// lostSince is when the store found the loss, from its error ("detected
// <RFC 3339>"), or "" when it does not say.
func lostSince(err error) string {
	_, rest, ok := strings.Cut(err.Error(), "(detected ")
	if !ok {
		return "detected earlier"
	}
	at, _, _ := strings.Cut(rest, ")")
	return "detected " + at
}

// Next says what a CSR needs next.
type Next struct{ CSR csr.ID }

// Verb implements Command.
func (Next) Verb() string { return "next" }

func parseNext(p *parser) (Next, error) { id, err := idOnly(p); return Next{id}, err }

func runNext(ctx context.Context, h *Handler, req Request, n Next) (chat.Reply, error) {
	c, svc, err := h.load(ctx, n.CSR)
	if err != nil {
		return chat.Reply{}, err
	}
	card, actions, err := h.Card(ctx, req.Actor, c, svc)
	if err != nil {
		return chat.Reply{}, err
	}
	return chat.Reply{Texts: []msg.Text{card.Next}, Actions: actions, Private: true}, nil
}

// History prints a CSR's history.
type History struct{ CSR csr.ID }

// Verb implements Command.
func (History) Verb() string { return "history" }

func parseHistory(p *parser) (History, error) { id, err := idOnly(p); return History{id}, err }

func runHistory(ctx context.Context, h *Handler, req Request, hi History) (chat.Reply, error) {
	c, _, err := h.load(ctx, hi.CSR)
	if err != nil {
		return chat.Reply{}, err
	}
	texts := []msg.Text{msg.T(msg.ReplyHistoryHead, "csr", string(c.ID))}
	loc := h.Config.Location()
	for _, e := range c.History {
		move := e.To.Name()
		if e.From != "" && e.From != e.To {
			move = msg.T(msg.HistoryMove, "from", e.From.Name(), "to", e.To.Name())
		}
		var note any = e.Note
		if e.Says != nil {
			note = *e.Says
		}
		texts = append(texts, msg.T(msg.ReplyHistoryLine, "at", msg.AtShort(e.At.In(loc)), "by", string(e.By),
			"action", msg.HistoryAction(e.Action), "move", move, "note", note))
	}
	return chat.Reply{Texts: texts, Private: true}, nil
}

// List lists CSRs.
type List struct {
	Scope   string // mine, waiting, all
	Service string
	State   csr.State
	Page    int // from 1
}

// Verb implements Command.
func (List) Verb() string { return "list" }

// ListPageSize is how many CSRs one page of `list` shows.
const ListPageSize = 50

func parseList(p *parser) (List, error) {
	l := List{Scope: strings.ToLower(p.optional(0)), Service: p.Flags["service"], State: csr.State(p.Flags["state"]), Page: 1}
	if l.Scope == "" {
		l.Scope = "mine"
	}
	if !slices.Contains([]string{"mine", "waiting", "all"}, l.Scope) {
		return List{}, syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "list", "want", msg.T(msg.WantOneOf, "values", msg.Or("`mine`", "`waiting`", "`all`")), "value", clip(l.Scope)),
			msg.T(msg.NextHelpVerb, "verb", "list"))
	}
	if l.State != "" && !slices.Contains(csr.States, l.State) {
		names := make([]string, len(csr.States))
		for i, s := range csr.States {
			names[i] = "`" + string(s) + "`"
		}
		return List{}, syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--state", "want", msg.T(msg.WantOneOf, "values", msg.Or(names...)), "value", clip(string(l.State))),
			msg.T(msg.NextHelpVerb, "verb", "list"))
	}
	if v, ok := p.Flags["page"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return List{}, syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--page", "want", msg.T(msg.WantPage), "value", clip(v)),
				msg.T(msg.NextHelpVerb, "verb", "list"))
		}
		l.Page = n
	}
	return l, p.atMost(1)
}

// again is the command line that shows page n of the same listing.
func (l List) again(n int) string {
	line := "list " + l.Scope
	if l.Service != "" {
		line += " --service " + l.Service
	}
	if l.State != "" {
		line += " --state " + string(l.State)
	}
	return line + " --page " + strconv.Itoa(n)
}

// pager is a store that pages listings and counts their matches; the Redis
// store is one. With another, `list` shows one page without a total.
type pager interface {
	ListPage(ctx context.Context, f store.Filter) (store.Page, error)
}

// listPage reads one page of the listing f: counted when l is a pager.
func listPage(ctx context.Context, l Lister, f store.Filter) (store.Page, error) {
	if ps, ok := l.(pager); ok {
		return ps.ListPage(ctx, f)
	}
	csrs, err := l.List(ctx, f)
	return store.Page{CSRs: csrs, Total: f.Offset + len(csrs)}, err
}

func runList(ctx context.Context, h *Handler, req Request, l List) (chat.Reply, error) {
	if l.Service != "" {
		if _, err := h.Service(l.Service); err != nil {
			return chat.Reply{}, err
		}
	}
	f := store.Filter{Service: l.Service, Limit: ListPageSize, Offset: (l.Page - 1) * ListPageSize}
	if l.State != "" {
		f.States = []csr.State{l.State}
	}
	me := req.Actor.Person
	switch l.Scope {
	case "mine":
		f.Person = me
	case "waiting":
		f.Waiting = me
	}
	page, err := listPage(ctx, h.Store, f)
	if err != nil {
		return chat.Reply{}, storeRefusal(err, "")
	}
	now := h.Clock.Now()
	var texts []msg.Text
	for _, c := range page.CSRs {
		svc, ok := h.Config.Service(c.Service)
		if !ok {
			continue
		}
		// The index says whose move it was when the CSR was saved; an
		// approver taken off the line since is not waited on.
		if l.Scope == "waiting" && !waitsOn(c, svc, me) {
			continue
		}
		texts = append(texts, msg.T(msg.ReplyListLine, "csr", string(c.ID), "state", c.State.Name(), "service", c.Service,
			"title", c.Title, "requester", string(c.Requester), "next", c.NextStep(svc, now, nil)))
	}
	pages := (page.Total + ListPageSize - 1) / ListPageSize
	if len(texts) == 0 && l.Page > 1 && l.Page > pages {
		return chat.Reply{Texts: []msg.Text{msg.T(msg.StoreListPastEnd, "page", strconv.Itoa(l.Page), "total", thousands(page.Total),
			"pages", strconv.Itoa(pages), "size", strconv.Itoa(ListPageSize))}, Private: true}, nil
	}
	if len(texts) == 0 {
		return chat.Reply{Texts: []msg.Text{msg.T(msg.ReplyNoCSRs)}, Private: true}, nil
	}
	var head msg.Text
	from, to := f.Offset+1, f.Offset+len(page.CSRs)
	switch {
	case l.Page == 1 && page.Total <= ListPageSize:
		head = msg.T(msg.ReplyListHeader, "count", thousands(len(texts)))
	case l.Page < pages:
		head = msg.T(msg.StoreListPage, "from", thousands(from), "to", thousands(to), "total", thousands(page.Total), "next", l.again(l.Page+1))
	default:
		head = msg.T(msg.StoreListLastPage, "from", thousands(from), "to", thousands(to), "total", thousands(page.Total))
	}
	return chat.Reply{Texts: append([]msg.Text{head}, texts...), Private: true}, nil
}

// thousands writes n with a space between groups of three digits: 20 302.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}

// waitsOn reports whether the next move on c is p's.
func waitsOn(c csr.CSR, svc csr.Service, p csr.Person) bool {
	return slices.Contains(store.WaitingOn(c, svc), p)
}

// FreezeWriter sets and clears a service's chat freeze, for `freeze` and
// `unfreeze`.
type FreezeWriter interface {
	SetFreeze(ctx context.Context, f csr.Freeze) error
	ClearFreeze(ctx context.Context, service string) (bool, error)
}

// Freeze stops production deploys of a service until a time.
type Freeze struct {
	Service string
	Until   string
	Reason  string
}

// Verb implements Command.
func (Freeze) Verb() string { return "freeze" }

func parseFreeze(p *parser) (Freeze, error) {
	svc, err := p.service(0)
	if err != nil {
		return Freeze{}, err
	}
	reason, err := p.word(1, msg.T(msg.ArgFreezeReason))
	if err != nil {
		return Freeze{}, err
	}
	f := Freeze{Service: svc, Until: p.Flags["until"], Reason: reason}
	if f.Until == "" {
		return Freeze{}, p.missing(msg.T(msg.ArgUntilTime))
	}
	return f, p.atMost(2)
}

func runFreeze(ctx context.Context, h *Handler, req Request, f Freeze) (chat.Reply, error) {
	if !req.Actor.Admin {
		return chat.Reply{}, &csr.Refusal{Rule: csr.RuleAdminOnly, Why: msg.T(msg.RefuseAdminOnly, "verb", "freeze"), Next: msg.T(msg.NextAskAdmin)}
	}
	svc, err := h.Service(f.Service)
	if err != nil {
		return chat.Reply{}, err
	}
	now := h.Clock.Now()
	loc := zoneOf(svc, h.Config.Location())
	until, err := ParseWhen(f.Until, now, loc)
	if err != nil {
		return chat.Reply{}, err
	}
	if !until.After(now) {
		return chat.Reply{}, &csr.Refusal{Rule: csr.RuleTimeInPast, Why: msg.T(msg.RefuseScheduleInPast, "when", msg.At(until.In(loc))), Next: msg.T(msg.NextTimeFormat, "tz", loc.String())}
	}
	if strings.TrimSpace(f.Reason) == "" || len([]rune(f.Reason)) > csr.MaxReason || strings.ContainsFunc(f.Reason, isControl) {
		return chat.Reply{}, &csr.Refusal{Rule: csr.RuleReasonRequired, Why: msg.T(msg.RefuseTextEmpty, "field", msg.T(msg.TextFieldFreezeReason)), Next: msg.T(msg.NextTextEmpty, "field", msg.T(msg.TextFieldFreezeReason))}
	}
	fz := csr.Freeze{Service: svc.Name, From: now, Until: until, Reason: f.Reason, By: req.Actor.Person}
	if err := h.Store.SetFreeze(ctx, fz); err != nil {
		return chat.Reply{}, err
	}
	h.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, Text: msg.T(msg.NoteFrozen, "service", svc.Name,
		"until", msg.At(until.In(loc)), "by", "@"+string(req.Actor.Person), "reason", f.Reason)})
	return chat.Reply{Texts: []msg.Text{msg.T(msg.ReplyFrozen, "service", svc.Name, "until", msg.At(until.In(loc)), "reason", f.Reason)}}, nil
}

func isControl(r rune) bool { return r < ' ' || r == 0x7f }

// zoneOf is where the service's people read times; the config sets every
// service's zone, def only covers a Service built by hand.
func zoneOf(svc csr.Service, def *time.Location) *time.Location {
	if svc.Window == nil && svc.Zone == nil {
		return def
	}
	return svc.Location()
}

// Unfreeze lifts a chat-set freeze.
type Unfreeze struct{ Service string }

// Verb implements Command.
func (Unfreeze) Verb() string { return "unfreeze" }

func parseUnfreeze(p *parser) (Unfreeze, error) {
	svc, err := p.service(0)
	if err != nil {
		return Unfreeze{}, err
	}
	return Unfreeze{svc}, p.atMost(1)
}

func runUnfreeze(ctx context.Context, h *Handler, req Request, u Unfreeze) (chat.Reply, error) {
	if !req.Actor.Admin {
		return chat.Reply{}, &csr.Refusal{Rule: csr.RuleAdminOnly, Why: msg.T(msg.RefuseAdminOnly, "verb", "unfreeze"), Next: msg.T(msg.NextAskAdmin)}
	}
	svc, err := h.Service(u.Service)
	if err != nil {
		return chat.Reply{}, err
	}
	removed, err := h.Store.ClearFreeze(ctx, svc.Name)
	if err != nil {
		return chat.Reply{}, err
	}
	if !removed {
		return chat.Reply{Texts: []msg.Text{msg.T(msg.ReplyNotFrozen, "service", svc.Name)}, Private: true}, nil
	}
	h.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, Text: msg.T(msg.NoteUnfrozen, "service", svc.Name, "by", "@"+string(req.Actor.Person))})
	return chat.Reply{Texts: []msg.Text{msg.T(msg.ReplyUnfrozen, "service", svc.Name)}}, nil
}

// Process explains how a service is released.
type Process struct{ Service string }

// Verb implements Command.
func (Process) Verb() string { return "process" }

func parseProcess(p *parser) (Process, error) {
	svc, err := p.service(0)
	if err != nil {
		return Process{}, err
	}
	return Process{svc}, p.atMost(1)
}

func runProcess(ctx context.Context, h *Handler, req Request, pr Process) (chat.Reply, error) {
	svc, err := h.Service(pr.Service)
	if err != nil {
		return chat.Reply{}, err
	}
	now := h.Clock.Now()
	chatFreezes, err := freezes(ctx, h.Store, svc, now)
	if err != nil {
		return chat.Reply{}, err
	}
	loc := zoneOf(svc, h.Config.Location())
	envs := make([]string, len(svc.Environments))
	for i, e := range svc.Environments {
		envs[i] = e + " (" + svc.Deployers[e] + ")"
	}
	t := []msg.Text{
		msg.T(msg.ReplyProcessHead, "service", svc.Name, "repo", svc.Repo),
		msg.T(msg.ReplyProcessEnvs, "envs", strings.Join(envs, " → "), "test", svc.TestEnv(), "prod", svc.ProdEnv()),
	}
	if svc.EvidenceRequired {
		t = append(t, msg.T(msg.ReplyProcessEvid))
	} else {
		t = append(t, msg.T(msg.ReplyProcessNoEv))
	}
	t = append(t, msg.T(msg.ReplyProcessRules))
	for i, st := range svc.Line {
		people := make([]string, len(st.Approvers))
		for j, p := range st.Approvers {
			people[j] = "@" + string(p)
		}
		t = append(t, msg.T(msg.ReplyProcessStep, "n", strconv.Itoa(i+1), "total", strconv.Itoa(len(svc.Line)), "step", st.Name,
			"required", strconv.Itoa(st.Required), "people", msg.And(people...)))
	}
	t = append(t, msg.T(msg.ReplyProcessWin, "window", svc.Window.Text()))
	all := append(append([]csr.Freeze(nil), svc.Freezes...), chatFreezes...)
	shown := 0
	for _, f := range all {
		if f.Until.Before(now) {
			continue
		}
		shown++
		t = append(t, msg.T(msg.ReplyProcessFrz, "from", msg.At(f.From.In(loc)), "until", msg.At(f.Until.In(loc)), "reason", f.Reason))
	}
	if shown == 0 {
		t = append(t, msg.T(msg.ReplyProcessNoFrz))
	}
	runs, err := h.processRuns(ctx, svc)
	if err != nil {
		return chat.Reply{}, err
	}
	t = append(t, runs...)
	t = append(t, msg.T(msg.ReplyProcessRollb, "policy", svc.RollbackPolicyOf().Describe()),
		msg.T(msg.ReplyProcessStart, "service", svc.Name))
	return chat.Reply{Texts: t, Private: true}, nil
}

// Help lists verbs or explains one.
type Help struct{ Topic string }

// Verb implements Command.
func (Help) Verb() string { return "help" }

func parseHelp(p *parser) (Help, error) { return Help{strings.ToLower(p.optional(0))}, p.atMost(1) }

func runHelp(_ context.Context, h *Handler, _ Request, hp Help) (chat.Reply, error) {
	r := h.Registry
	if hp.Topic != "" {
		s, ok := r.Spec(hp.Topic)
		if !ok {
			return chat.Reply{}, r.unknownVerb(hp.Topic, "")
		}
		return chat.Reply{Texts: []msg.Text{msg.T(msg.ReplyHelpVerb, "usage", s.Usage, "summary", msg.T(s.Summary), "example", s.Example)}, Private: true}, nil
	}
	texts := []msg.Text{msg.T(msg.ReplyHelpHeader)}
	for _, s := range r.Specs() {
		texts = append(texts, msg.T(msg.ReplyHelpLine, "usage", s.Usage, "summary", msg.T(s.Summary)))
	}
	if t, ok := r.AliasHelp(); ok {
		texts = append(texts, t)
	}
	texts = append(texts, msg.T(msg.ReplyHelpFooter, "example", h.Config.Prefix()+"-12"))
	return chat.Reply{Texts: texts, Private: true}, nil
}

// ParseWhen reads a time typed by a person: "22:30" (the next such time),
// "2026-12-01 22:30", "2026-12-01T22:30", "2026-12-01", or a duration from
// now ("2h", "+90m"), in loc.
func ParseWhen(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(strings.TrimPrefix(s, "+")); err == nil && d > 0 {
		return now.Add(d), nil
	}
	if t, err := time.ParseInLocation("15:04", s, loc); err == nil {
		ln := now.In(loc)
		at := time.Date(ln.Year(), ln.Month(), ln.Day(), t.Hour(), t.Minute(), 0, 0, loc)
		if !at.After(now) {
			at = at.AddDate(0, 0, 1)
		}
		return at, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, &csr.Refusal{Rule: csr.RuleSyntax, Why: msg.T(msg.RefuseBadTime, "value", clip(s)), Next: msg.T(msg.NextTimeFormat, "tz", loc.String())}
}
