// Package commands is the command grammar of releasebot and one handler per
// verb. Text is parsed into a typed command first; handlers never see raw
// strings. Every sentence they answer with comes from the msg catalog.
//
// The verbs, by file: create.go (new, cancel), refs.go (update, and the
// ref lookups new and test share), testrun.go (test, evidence),
// approval.go (submit, approve, reject, revise), deploy.go (deploy),
// schedule.go (deploy --at, unschedule), rework.go (edit, comment,
// rollback), production.go (what production runs; resolve), views.go
// (show, next, history, list, freeze, unfreeze, process, help) and ops.go
// (stats, audit, doctor); ships.go lists what a new commit ships.
// grammar.go and registry.go parse; handler.go runs a command and holds
// the unions of the store and config interfaces the verbs declare.
package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Command is a parsed command: one struct per verb.
type Command interface{ Verb() string }

// Spec describes one verb: how it is written, what it does, how to parse
// and run it. Flags and help come from this one definition.
type Spec struct {
	Verb    string
	Usage   string // e.g. "approve CSR"
	Example string
	Summary msg.ID
	Flags   []string

	parse func(p *parser) (Command, error)
	run   func(ctx context.Context, h *Handler, req Request, c Command) (chat.Reply, error)
}

// Registry maps verbs to their specs. It is built explicitly, in one place
// (Default), so every verb is visible at a glance.
type Registry struct {
	specs   map[string]Spec
	order   []string
	aliases map[string]string // another word for a verb (Korean) → the verb
	alias   []string          // the aliases in registration order
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{specs: map[string]Spec{}, aliases: map[string]string{}}
}

// addAlias lets word stand for verb (승인 for approve): parsed, helped and
// suggested as the verb itself.
func (r *Registry) addAlias(word, verb string) {
	if _, dup := r.aliases[word]; dup {
		panic(fmt.Sprintf("commands: alias %q registered twice", word))
	}
	if _, ok := r.specs[verb]; !ok {
		panic(fmt.Sprintf("commands: alias %q of unknown verb %q", word, verb))
	}
	r.aliases[word] = verb
	r.alias = append(r.alias, word)
}

// AliasHelp is the help line that lists the aliases; ok is false when
// there are none.
func (r *Registry) AliasHelp() (t msg.Text, ok bool) {
	if len(r.alias) == 0 {
		return msg.Text{}, false
	}
	pairs := make([]string, len(r.alias))
	for i, w := range r.alias {
		pairs[i] = "`" + w + "` " + r.aliases[w]
	}
	return msg.T(msg.ReplyHelpAliases, "aliases", strings.Join(pairs, ", ")), true
}

// add registers a verb with a typed parser and handler.
func add[C Command](r *Registry, s Spec, parse func(p *parser) (C, error), run func(context.Context, *Handler, Request, C) (chat.Reply, error)) {
	if _, dup := r.specs[s.Verb]; dup {
		panic(fmt.Sprintf("commands: verb %q registered twice", s.Verb))
	}
	s.parse = func(p *parser) (Command, error) { return parse(p) }
	s.run = func(ctx context.Context, h *Handler, req Request, c Command) (chat.Reply, error) {
		return run(ctx, h, req, c.(C))
	}
	r.specs[s.Verb] = s
	r.order = append(r.order, s.Verb)
}

// Specs returns the registered verbs in registration order.
func (r *Registry) Specs() []Spec {
	out := make([]Spec, len(r.order))
	for i, v := range r.order {
		out[i] = r.specs[v]
	}
	return out
}

// Spec returns the spec of a verb or of an alias of one.
func (r *Registry) Spec(verb string) (Spec, bool) {
	if v, ok := r.aliases[verb]; ok {
		verb = v
	}
	s, ok := r.specs[verb]
	return s, ok
}

// Parse turns a command line into a typed command. prefix is the CSR id
// prefix. Errors are *csr.Refusal values that say what is wrong and how to
// write it instead.
func (r *Registry) Parse(prefix, line string) (Command, error) {
	if n := len(line); n > MaxCommandLen {
		return nil, syntaxError(msg.T(msg.RefuseTooLong, "len", fmt.Sprint(n), "max", fmt.Sprint(MaxCommandLen)), msg.T(msg.NextShorter))
	}
	toks, err := tokenize(line)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return Help{}, nil
	}
	verb := strings.ToLower(toks[0].text)
	if v, ok := r.aliases[verb]; ok {
		verb = v
	}
	spec, ok := r.specs[verb]
	if !ok {
		return nil, r.unknownVerb(verb, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), toks[0].text)))
	}
	a, err := split(verb, toks[1:], spec.Flags)
	if err != nil {
		return nil, err
	}
	return spec.parse(&parser{Args: a, prefix: prefix, usage: spec.Usage, example: spec.Example})
}

// unknownVerb suggests the verb meant, with the rest of the line as typed
// ("aprove CSR-3" → `approve CSR-3`), or the verb's usage when nothing
// followed it.
func (r *Registry) unknownVerb(verb, rest string) error {
	why := msg.T(msg.RefuseUnknownVerb, "verb", clip(verb))
	if s, ok := closest(verb, r.order); ok {
		suggestion := r.specs[s].Usage
		if rest != "" {
			suggestion = s + " " + clip(rest)
		}
		return syntaxError(why, msg.T(msg.NextDidYouMean, "suggestion", suggestion))
	}
	return syntaxError(why, msg.T(msg.NextHelpAll))
}

// Verbs lists the registered verbs, sorted.
func (r *Registry) Verbs() []string {
	out := append([]string(nil), r.order...)
	sort.Strings(out)
	return out
}

// Default is the full releasebot grammar.
func Default() *Registry {
	r := NewRegistry()
	add(r, Spec{Verb: "new", Usage: `new SERVICE "TITLE" --ref REF [--assignee @NAME] [--effort 4h] [--sha SHA] [--description "…"] [--risk "…"]`,
		Example: `new billing-api "Fix rounding" --ref main --assignee @alice --effort 4h`, Summary: msg.HelpNew,
		Flags: []string{"ref", "sha", "assignee", "effort", "description", "risk"}}, parseNew, runNew)
	add(r, Spec{Verb: "show", Usage: "show CSR", Example: "show CSR-1", Summary: msg.HelpShow}, parseShow, runShow)
	add(r, Spec{Verb: "list", Usage: "list [mine|waiting|all] [--service SERVICE] [--state STATE] [--page N]", Example: "list waiting",
		Summary: msg.HelpList, Flags: []string{"service", "state", "page"}}, parseList, runList)
	add(r, Spec{Verb: "next", Usage: "next CSR", Example: "next CSR-1", Summary: msg.HelpNext}, parseNext, runNext)
	add(r, Spec{Verb: "history", Usage: "history CSR", Example: "history CSR-1", Summary: msg.HelpHistory}, parseHistory, runHistory)
	add(r, Spec{Verb: "test", Usage: "test CSR", Example: "test CSR-1", Summary: msg.HelpTest}, parseTest, runTest)
	add(r, Spec{Verb: "evidence", Usage: `evidence CSR URL ["NOTE"]`, Example: `evidence CSR-1 https://ci.example.com/run/42 "regression suite green"`,
		Summary: msg.HelpEvidence}, parseEvidence, runEvidence)
	add(r, Spec{Verb: "submit", Usage: "submit CSR", Example: "submit CSR-1", Summary: msg.HelpSubmit}, parseSubmit, runSubmit)
	add(r, Spec{Verb: string(csr.VerbApprove), Usage: "approve CSR", Example: "approve CSR-1", Summary: msg.HelpApprove}, parseApprove, runApprove)
	add(r, Spec{Verb: "reject", Usage: `reject CSR "REASON"`, Example: `reject CSR-1 "no rollback plan"`, Summary: msg.HelpReject}, parseReject, runReject)
	add(r, Spec{Verb: "revise", Usage: "revise CSR", Example: "revise CSR-1", Summary: msg.HelpRevise}, parseRevise, runRevise)
	add(r, Spec{Verb: "update", Usage: "update CSR --ref REF [--sha SHA]", Example: "update CSR-1 --ref main", Summary: msg.HelpUpdate,
		Flags: []string{"ref", "sha"}}, parseUpdate, runUpdate)
	add(r, Spec{Verb: "deploy", Usage: `deploy CSR [--at TIME] [--override "REASON"]`, Example: "deploy CSR-1", Summary: msg.HelpDeploy,
		Flags: []string{"override", "at"}}, parseDeploy, runDeploy)
	add(r, Spec{Verb: "unschedule", Usage: `unschedule CSR ["REASON"]`, Example: `unschedule CSR-1 "vendor maintenance tonight"`,
		Summary: msg.HelpUnschedule}, parseUnschedule, runUnschedule)
	add(r, Spec{Verb: "edit", Usage: `edit CSR [--title "…"] [--description "…"] [--risk "…"] [--effort 4h] [--assignee @NAME]`,
		Example: `edit CSR-1 --risk "rollback: redeploy the previous tag"`, Summary: msg.HelpEdit,
		Flags: []string{"title", "description", "risk", "effort", "assignee"}}, parseEdit, runEdit)
	add(r, Spec{Verb: "comment", Usage: `comment CSR "TEXT"`, Example: `comment CSR-1 "rollback plan added to the risk"`,
		Summary: msg.HelpComment}, parseComment, runComment)
	add(r, Spec{Verb: "rollback", Usage: `rollback CSR "REASON"`, Example: `rollback CSR-1 "error rate doubled"`, Summary: msg.HelpRollback},
		parseRollback, runRollback)
	add(r, Spec{Verb: "resolve", Usage: `resolve CSR succeeded|failed "WHAT YOU CHECKED"`, Example: `resolve CSR-1 succeeded "pods run the new image"`,
		Summary: msg.HelpResolve}, parseResolve, runResolve)
	add(r, Spec{Verb: "cancel", Usage: `cancel CSR ["REASON"]`, Example: `cancel CSR-1 "superseded by CSR-2"`, Summary: msg.HelpCancel}, parseCancel, runCancel)
	add(r, Spec{Verb: "freeze", Usage: `freeze SERVICE --until TIME "REASON"`, Example: `freeze billing-api --until "2026-12-26 09:00" "year-end close"`,
		Summary: msg.HelpFreeze, Flags: []string{"until"}}, parseFreeze, runFreeze)
	add(r, Spec{Verb: "unfreeze", Usage: "unfreeze SERVICE", Example: "unfreeze billing-api", Summary: msg.HelpUnfreeze}, parseUnfreeze, runUnfreeze)
	add(r, Spec{Verb: "process", Usage: "process SERVICE", Example: "process billing-api", Summary: msg.HelpProcess}, parseProcess, runProcess)
	add(r, Spec{Verb: "stats", Usage: "stats [SERVICE] [--days 30]", Example: "stats billing-api --days 90", Summary: msg.HelpStats,
		Flags: []string{"days"}}, parseStats, runStats)
	add(r, Spec{Verb: "audit", Usage: "audit [--since DATE] [--until DATE] [--service SERVICE]", Example: "audit --since 2026-11-01 --service billing-api",
		Summary: msg.HelpAudit, Flags: []string{"since", "until", "service"}}, parseAudit, runAudit)
	add(r, Spec{Verb: "doctor", Usage: "doctor", Example: "doctor", Summary: msg.HelpDoctor}, parseDoctor, runDoctor)
	add(r, Spec{Verb: "help", Usage: "help [VERB]", Example: "help approve", Summary: msg.HelpHelp}, parseHelp, runHelp)
	// The words of Korean release processes, beside the English verbs;
	// ids and flags stay as they are.
	for _, a := range [][2]string{
		{"신규", "new"}, {"조회", "show"}, {"목록", "list"}, {"다음", "next"}, {"이력", "history"},
		{"테스트", "test"}, {"증빙", "evidence"}, {"상신", "submit"}, {"승인", string(csr.VerbApprove)}, {"반려", "reject"},
		{"회수", "revise"}, {"수정", "edit"}, {"의견", "comment"}, {"배포", "deploy"}, {"롤백", "rollback"},
		{"취소", "cancel"}, {"동결", "freeze"}, {"동결해제", "unfreeze"}, {"절차", "process"}, {"도움말", "help"},
	} {
		r.addAlias(a[0], a[1])
	}
	return r
}

// parser reads the positional words and flags of one command.
type parser struct {
	Args
	prefix  string
	usage   string
	example string
}

func (p *parser) missing(what msg.Text) error {
	return syntaxError(msg.T(msg.RefuseMissingArg, "verb", p.Verb, "arg", what), msg.T(msg.NextHelpVerb, "verb", p.Verb))
}

// service returns positional i as a service name; without one the refusal
// (csr.RuleServiceRequired) lists the services, filled in by the handler,
// which knows them.
func (p *parser) service(i int) (string, error) {
	if i >= len(p.Pos) {
		return "", &csr.Refusal{Rule: csr.RuleServiceRequired, Why: msg.T(msg.RefuseMissingArg, "verb", p.Verb, "arg", msg.T(msg.ArgService)),
			Next: msg.T(msg.NextHelpVerb, "verb", p.Verb)}
	}
	return p.Pos[i], nil
}

// word returns positional i, or a refusal naming what is missing.
func (p *parser) word(i int, what msg.Text) (string, error) {
	if i >= len(p.Pos) {
		return "", p.missing(what)
	}
	return p.Pos[i], nil
}

// optional returns positional i or "".
func (p *parser) optional(i int) string {
	if i >= len(p.Pos) {
		return ""
	}
	return p.Pos[i]
}

func (p *parser) id(i int) (csr.ID, error) {
	w, err := p.word(i, msg.T(msg.ArgCSRID))
	if err != nil {
		return "", err
	}
	id, ok := csr.ParseID(p.prefix, w)
	if !ok {
		next := msg.T(msg.NextListCSRs)
		if near, ok := nearID(p.prefix, w); ok {
			next = msg.T(msg.NextDidYouMeanCSR, "suggestion", string(near))
		}
		return "", syntaxError(msg.T(msg.RefuseBadCSRID, "value", clip(w), "example", p.prefix+"-12"), next)
	}
	return id, nil
}

// nearID reads a mistyped CSR id ("CRS-3", "csr3", "#3", "CSR_3") as the
// id it most likely means.
func nearID(prefix, w string) (csr.ID, bool) {
	i := len(w)
	for i > 0 && w[i-1] >= '0' && w[i-1] <= '9' {
		i--
	}
	num, head := w[i:], strings.TrimRight(w[:i], "-_ #:")
	if num == "" || len(num) > 18 || len(head) > len(prefix)+2 {
		return "", false
	}
	if head != "" && editDistance(strings.ToLower(head), strings.ToLower(prefix)) > 2 {
		return "", false
	}
	return csr.ParseID(prefix, num)
}

// atMost refuses extra positional words: a forgotten quote usually shows up
// as one, and silently dropping words would change what was meant.
func (p *parser) atMost(n int) error {
	if len(p.Pos) > n {
		next := msg.T(msg.NextHelpVerb, "verb", p.Verb)
		if strings.Contains(p.usage, `"`) {
			// The verb takes quoted text: the hint shows its own example.
			example := p.example
			if len(p.Pos) > 0 {
				if id, ok := csr.ParseID(p.prefix, p.Pos[0]); ok {
					// The example about the person's own CSR.
					example = strings.Replace(example, p.prefix+"-1", string(id), 1)
				}
			}
			next = msg.T(msg.NextQuoteLike, "example", example)
		}
		return syntaxError(msg.T(msg.RefuseExtraArg, "verb", p.Verb, "arg", clip(p.Pos[n])), next)
	}
	return nil
}

// idOnly parses commands of the shape "VERB CSR".
func idOnly(p *parser) (csr.ID, error) {
	id, err := p.id(0)
	if err != nil {
		return "", err
	}
	return id, p.atMost(1)
}
