package csr

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"releasebot/msg"
)

// System is the actor of transitions nobody typed: run results, schedules.
const System Person = "releasebot"

// Actor is the person acting and what they may do beyond the policy.
type Actor struct {
	Person Person
	Admin  bool
}

// ErrNoChange means the transition was already applied (a duplicate run
// result, the same commit again); callers save nothing and say nothing.
var ErrNoChange = errors.New("already applied; nothing changed")

// EventKind names something that happened to a CSR and that other people or
// systems must hear about.
type EventKind string

// Events a transition may emit.
const (
	EvCreated         EventKind = "created"
	EvRunRequested    EventKind = "run_requested"
	EvRunCancel       EventKind = "run_cancel"
	EvRunUpdated      EventKind = "run_updated"
	EvRunFinished     EventKind = "run_finished"
	EvRunUnknown      EventKind = "run_unknown"
	EvEvidence        EventKind = "evidence"
	EvStepOpened      EventKind = "step_opened"
	EvStepCompleted   EventKind = "step_completed"
	EvApproved        EventKind = "approved"
	EvRejected        EventKind = "rejected"
	EvApprovalsVoided EventKind = "approvals_voided"
	EvStateChanged    EventKind = "state_changed"
	EvEdited          EventKind = "edited"
	EvCommented       EventKind = "commented"
)

// Event is a consequence of a transition for the bot to act on.
type Event struct {
	Kind   EventKind
	Run    Run
	Step   string
	Notify []Person // people who should be told directly
	Note   string
}

// Limits on free text, so a pasted log never becomes a CSR title.
const (
	MaxTitle  = 200
	MaxText   = 4000
	MaxReason = 1000
	MaxNote   = 1000
	MaxURL    = 2000
	MaxEffort = 1000 * time.Hour
)

// NewRequest is what a person supplies to open a CSR.
type NewRequest struct {
	Title       string
	Requester   Person
	Assignee    Person
	Effort      time.Duration
	Refs        []Ref
	Description string
	Risk        string
}

// New opens a draft CSR for svc.
func New(id ID, in NewRequest, svc Service, at time.Time) (CSR, []Event, error) {
	if r := checkText(msg.TextFieldTitle, in.Title, MaxTitle, true, false); r != nil {
		return CSR{}, nil, r
	}
	if r := checkText(msg.TextFieldDescription, in.Description, MaxText, false, true); r != nil {
		return CSR{}, nil, r
	}
	if r := checkText(msg.TextFieldRisk, in.Risk, MaxText, false, true); r != nil {
		return CSR{}, nil, r
	}
	if in.Effort < 0 || in.Effort > MaxEffort {
		return CSR{}, nil, refuse(RuleBadEffort, msg.T(msg.RefuseEffort, "effort", EffortText(in.Effort)), msg.T(msg.NextEffort))
	}
	if len(in.Refs) == 0 || in.Refs[0].Ref == "" {
		return CSR{}, nil, refuse(RuleRefRequired, msg.T(msg.RefuseRefRequired), msg.T(msg.NextRefRequired))
	}
	if in.Assignee == "" {
		in.Assignee = in.Requester
	}
	c := CSR{
		ID:          id,
		Title:       strings.TrimSpace(in.Title),
		Service:     svc.Name,
		Requester:   in.Requester,
		Assignee:    in.Assignee,
		Effort:      in.Effort,
		Refs:        append([]Ref(nil), in.Refs...),
		Description: in.Description,
		Risk:        in.Risk,
		CreatedAt:   at,
	}
	c.record(at, in.Requester, "new", Draft, c.Title)
	c.History[0].From = ""
	return c, []Event{{Kind: EvCreated}}, nil
}

// checkText refuses empty (when required), over-long and control-character
// text. multiline allows newlines and tabs.
func checkText(id msg.ID, s string, max int, required, multiline bool) *Refusal {
	field := msg.T(id)
	if required && strings.TrimSpace(s) == "" {
		return refuse(RuleTextRequired, msg.T(msg.RefuseTextEmpty, "field", field), msg.T(msg.NextTextEmpty, "field", field))
	}
	if !utf8.ValidString(s) {
		return refuse(RuleTextEncoding, msg.T(msg.RefuseTextEncoding, "field", field), msg.T(msg.NextTextControl, "field", field))
	}
	if n := utf8.RuneCountInString(s); n > max {
		return refuse(RuleTextTooLong, msg.T(msg.RefuseTextTooLong, "field", field, "len", strconv.Itoa(n), "max", strconv.Itoa(max)),
			msg.T(msg.NextTextTooLong, "field", field, "max", strconv.Itoa(max)))
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return refuse(RuleTextControl, msg.T(msg.RefuseTextControl, "field", field), msg.T(msg.NextTextControl, "field", field))
		}
	}
	return nil
}

// owners is how NextStep names the people who move a CSR forward.
func (c CSR) owners() msg.Text {
	if c.Assignee == c.Requester || c.Assignee == "" {
		return msg.Or("@" + string(c.Requester))
	}
	return msg.Or("@"+string(c.Requester), "@"+string(c.Assignee))
}

func (c CSR) mayOperate(a Actor) *Refusal {
	if a.Admin || a.Person == c.Requester || a.Person == c.Assignee {
		return nil
	}
	return refuse(RuleOwnerOnly, msg.T(msg.RefuseOwnerOnly, "csr", string(c.ID), "owners", c.owners()),
		msg.T(msg.NextAskOwners, "owners", c.owners()))
}

func (c CSR) wrongState(verb string, allowed ...State) *Refusal {
	names := make([]msg.Text, len(allowed))
	for i, s := range allowed {
		names[i] = s.Name()
	}
	return refuse(RuleWrongState, msg.T(msg.RefuseWrongState, "csr", string(c.ID), "state", c.State.Name(), "verb", verb, "allowed", msg.ListOr(names...)),
		msg.T(msg.NextSeeNext, "csr", string(c.ID)))
}

// Test starts a test deploy of the CSR's commit.
func (c CSR) Test(a Actor, at time.Time, svc Service) (CSR, []Event, error) {
	if !slices.Contains([]State{Draft, Tested, TestFailed}, c.State) {
		return c, nil, c.wrongState("test", Draft, Tested, TestFailed)
	}
	if r := c.mayOperate(a); r != nil {
		return c, nil, r
	}
	if c.SHA() == "" {
		return c, nil, refuse(RuleRefUnresolved, msg.T(msg.RefuseRefUnresolved, "csr", string(c.ID)), msg.T(msg.NextUpdateRef, "csr", string(c.ID)))
	}
	d := c.clone()
	env := svc.TestEnv()
	run := d.newRun(PurposeTest, env, svc.Deployers[env], d.SHA(), a.Person, at)
	d.record(at, a.Person, "test", TestDeploying, run.ID)
	return d, []Event{{Kind: EvRunRequested, Run: run}}, nil
}

// UpdateRun records progress or the result of a run. A result already
// recorded returns ErrNoChange, so webhook and poller may both report it.
// A run whose outcome is unknown may still become running again or end:
// that is how the bot settles it by itself when the deployer answers again.
func (c CSR) UpdateRun(runID string, status RunStatus, link, detail string, at time.Time) (CSR, []Event, error) {
	return c.updateRun(System, runID, status, link, detail, at)
}

func (c CSR) updateRun(by Person, runID string, status RunStatus, link, detail string, at time.Time) (CSR, []Event, error) {
	i := slices.IndexFunc(c.Runs, func(r Run) bool { return r.ID == runID })
	if i < 0 {
		return c, nil, refuse(RuleUnknownRun, msg.T(msg.RefuseUnknownRun, "csr", string(c.ID), "run", runID), msg.Text{})
	}
	old := c.Runs[i]
	if old.Status.Done() || (old.Status == status && (link == "" || link == old.URL) && (detail == "" || detail == old.Detail)) {
		return c, nil, ErrNoChange
	}
	d := c.clone()
	r := &d.Runs[i]
	r.Status = status
	if link != "" {
		r.URL = link
	}
	if detail != "" {
		r.Detail = detail
	}
	if status == RunUnknown {
		d.History = append(d.History, Entry{At: at, By: by, Action: "run-unknown", From: d.State, To: d.State, Note: r.ID})
		d.UpdatedAt = at
		if old.Status == RunUnknown {
			return d, []Event{{Kind: EvRunUpdated, Run: *r}}, nil
		}
		return d, []Event{{Kind: EvRunUnknown, Run: *r, Notify: d.People()}}, nil
	}
	if !status.Done() {
		d.UpdatedAt = at
		return d, []Event{{Kind: EvRunUpdated, Run: *r}}, nil
	}
	r.EndedAt = at
	note := fmt.Sprintf("%s %s", r.ID, status)
	says := msg.T(msg.HistoryRunOutcome, "run", r.ID, "status", status.Name())
	switch {
	case r.Purpose == PurposeTest && d.State == TestDeploying:
		to := TestFailed
		if status == RunSucceeded {
			to = Tested
		}
		d.recordSays(at, by, "test-result", to, note, &says)
	case r.Purpose == PurposeDeploy && d.State == Deploying:
		to := DeployFailed
		if status == RunSucceeded {
			to = Deployed
		}
		d.recordSays(at, by, "deploy-result", to, note, &says)
	case r.Purpose == PurposeRollback && d.State == Deployed && status == RunSucceeded:
		d.recordSays(at, by, "rollback-result", RolledBack, note, &says)
	default:
		// The CSR moved on (cancelled, say) while the run ran: keep the
		// run's result on record without changing the state.
		d.History = append(d.History, Entry{At: at, By: by, Action: "run-result", From: d.State, To: d.State, Note: note, Says: &says})
		d.UpdatedAt = at
	}
	return d, []Event{{Kind: EvRunFinished, Run: *r, Notify: d.People()}}, nil
}

// Resolve settles a run whose outcome the bot could not know, on the word
// of a person who may deploy the CSR and who says what they checked. It
// ends the run as succeeded or failed, with the same consequences as a
// result the deployer reported, and records who settled it and why.
func (c CSR) Resolve(a Actor, status RunStatus, checked string, at time.Time) (CSR, []Event, error) {
	run, ok := c.ActiveRun()
	if !ok || run.Status != RunUnknown {
		return c, nil, refuse(RuleNothingToResolve, msg.T(msg.RefuseNothingToResolve, "csr", string(c.ID)), msg.T(msg.NextSeeNext, "csr", string(c.ID)))
	}
	if r := c.mayOperate(a); r != nil {
		return c, nil, r
	}
	if status != RunSucceeded && status != RunFailed {
		return c, nil, refuse(RuleBadOutcome, msg.T(msg.RefuseResolveOutcome, "outcome", string(status)), msg.T(msg.NextResolve, "csr", string(c.ID)))
	}
	if strings.TrimSpace(checked) == "" {
		return c, nil, refuse(RuleReasonRequired, msg.T(msg.RefuseResolveChecked), msg.T(msg.NextResolve, "csr", string(c.ID)))
	}
	if r := checkText(msg.TextFieldChecked, checked, MaxReason, true, true); r != nil {
		return c, nil, r
	}
	detail := msg.T(msg.DetailResolved, "by", "@"+string(a.Person), "checked", checked).String()
	d, evs, err := c.updateRun(a.Person, run.ID, status, "", detail, at)
	if err != nil {
		return c, nil, err
	}
	d.History[len(d.History)-1].Note += ": " + checked
	return d, evs, nil
}

// LinkRun records that a run was started outside (a workflow run, a
// deployment): its external id and link, and that it is running. It returns
// ErrNoChange when that is already recorded or the run has ended, so a
// worker, a webhook and a poller may all report it.
func (c CSR) LinkRun(runID, external, link string, at time.Time) (CSR, []Event, error) {
	i := slices.IndexFunc(c.Runs, func(r Run) bool { return r.ID == runID })
	if i < 0 {
		return c, nil, refuse(RuleUnknownRun, msg.T(msg.RefuseUnknownRun, "csr", string(c.ID), "run", runID), msg.Text{})
	}
	old := c.Runs[i]
	if old.Status.Done() || (old.Status == RunRunning && old.External == external && (link == "" || link == old.URL)) {
		return c, nil, ErrNoChange
	}
	d := c.clone()
	r := &d.Runs[i]
	r.Status = RunRunning
	r.External = external
	if link != "" {
		r.URL = link
	}
	d.UpdatedAt = at
	return d, []Event{{Kind: EvRunUpdated, Run: *r}}, nil
}

// AddEvidence attaches test evidence. Anyone on the team may add it (a
// tester often does); it is recorded with who added it.
func (c CSR) AddEvidence(a Actor, link, note string, at time.Time) (CSR, []Event, error) {
	if !slices.Contains([]State{Draft, TestDeploying, Tested, TestFailed, InApproval, Rejected}, c.State) {
		return c, nil, c.wrongState("evidence", Draft, TestDeploying, Tested, TestFailed, InApproval, Rejected)
	}
	if r := CheckURL(link); r != nil {
		return c, nil, r
	}
	if r := checkText(msg.TextFieldNote, note, MaxNote, false, false); r != nil {
		return c, nil, r
	}
	d := c.clone()
	d.Evidence = append(d.Evidence, Evidence{URL: link, Note: note, By: a.Person, At: at})
	d.History = append(d.History, Entry{At: at, By: a.Person, Action: "evidence", From: d.State, To: d.State, Note: link})
	d.UpdatedAt = at
	return d, []Event{{Kind: EvEvidence}}, nil
}

// CheckURL accepts absolute http(s) links only: evidence is something an
// approver can open.
func CheckURL(link string) *Refusal {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(link) > MaxURL ||
		strings.ContainsFunc(link, unicode.IsControl) {
		return refuse(RuleBadURL, msg.T(msg.RefuseBadURL, "url", truncate(link, 80)), msg.T(msg.NextBadURL))
	}
	return nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Submit sends a tested CSR into its approval line.
func (c CSR) Submit(a Actor, at time.Time, svc Service) (CSR, []Event, error) {
	if c.State != Tested {
		return c, nil, c.wrongState("submit", Tested)
	}
	if r := c.mayOperate(a); r != nil {
		return c, nil, r
	}
	if svc.EvidenceRequired && len(c.Evidence) == 0 {
		return c, nil, refuse(RuleEvidenceRequired, msg.T(msg.RefuseEvidenceRequired, "service", svc.Name),
			msg.T(msg.NextAddEvidence, "csr", string(c.ID)))
	}
	if st, eligible, bad := c.unsatisfiable(svc); bad {
		return c, nil, refuse(RuleLineUnsatisfiable, msg.T(msg.RefuseLineUnsatisfiable, "step", st.Name,
			"required", strconv.Itoa(st.Required), "eligible", strconv.Itoa(eligible)), msg.T(msg.NextAskAdmin))
	}
	d := c.clone()
	d.record(at, a.Person, "submit", InApproval, "")
	return d, d.openStepEvents(svc), nil
}

func (c CSR) openStepEvents(svc Service) []Event {
	st, ok := c.OpenStep(svc)
	if !ok {
		return nil
	}
	return []Event{{Kind: EvStepOpened, Step: st.Step.Name, Notify: st.Pending(c)}}
}

// Approve records p's approval of the open step.
func (c CSR) Approve(a Actor, at time.Time, svc Service) (CSR, []Event, error) {
	if c.State != InApproval {
		return c, nil, c.wrongState(string(VerbApprove), InApproval)
	}
	id := string(c.ID)
	if a.Person == c.Requester || a.Person == c.Assignee {
		role := msg.T(msg.RoleRequested)
		if a.Person != c.Requester {
			role = msg.T(msg.RoleAssigned)
		}
		return c, nil, refuse(RuleSeparationOfDuties, msg.T(msg.RefuseSelfApprove, "csr", id, "role", role),
			c.askOpenStep(svc))
	}
	if i := slices.IndexFunc(c.Approvals, func(x Approval) bool { return !x.Voided && x.By == a.Person }); i >= 0 {
		prev := c.Approvals[i]
		return c, nil, refuse(RuleAlreadyDecided, msg.T(msg.RefuseAlreadyApproved, "csr", id, "step", prev.Step,
			"at", msg.AtShort(prev.At.In(loc(svc)))), c.askOpenStep(svc))
	}
	open, _ := c.OpenStep(svc)
	if !slices.Contains(open.Step.Approvers, a.Person) {
		if st, i, ok := StepOf(svc, a.Person); ok && i > open.Index {
			return c, nil, refuse(RuleStepOrder, msg.T(msg.RefuseStepOrder, "csr", id, "open", open.Step.Name,
				"n", strconv.Itoa(open.Index+1), "total", strconv.Itoa(len(svc.Line)), "yours", st.Name, "m", strconv.Itoa(i+1)),
				c.askOpenStep(svc))
		}
		return c, nil, refuse(RuleNotAnApprover, msg.T(msg.RefuseNotApprover, "csr", id, "step", open.Step.Name), c.askOpenStep(svc))
	}
	d := c.clone()
	d.Approvals = append(d.Approvals, Approval{Step: open.Step.Name, By: a.Person, At: at, Decision: Approve, SHA: d.SHA()})
	now, _ := d.OpenStep(svc)
	if now.Index == open.Index && now.Open {
		d.History = append(d.History, Entry{At: at, By: a.Person, Action: string(VerbApprove), From: d.State, To: d.State, Note: open.Step.Name})
		d.UpdatedAt = at
		return d, nil, nil
	}
	evs := []Event{{Kind: EvStepCompleted, Step: open.Step.Name, Notify: open.Step.Approvers}}
	if open.Index == len(svc.Line)-1 {
		d.record(at, a.Person, string(VerbApprove), Approved, open.Step.Name)
		return d, append(evs, Event{Kind: EvApproved, Notify: d.People()}), nil
	}
	d.History = append(d.History, Entry{At: at, By: a.Person, Action: string(VerbApprove), From: d.State, To: d.State, Note: open.Step.Name})
	d.UpdatedAt = at
	return d, append(evs, d.openStepEvents(svc)...), nil
}

// askOpenStep is the "what would allow it" of approval refusals.
func (c CSR) askOpenStep(svc Service) msg.Text {
	st, ok := c.OpenStep(svc)
	if !ok {
		return msg.T(msg.NextSeeNext, "csr", string(c.ID))
	}
	return msg.T(msg.NextAskStep, "n", strconv.Itoa(st.Index+1), "total", strconv.Itoa(len(svc.Line)),
		"step", st.Step.Name, "missing", strconv.Itoa(st.Missing()), "people", mentions(st.Pending(c)))
}

// Mentions says people any one of whom may act, "@alice, @bob or @carol"
// (messengers turn each @name into a notification); nobody is "nobody
// eligible".
func Mentions(ps []Person) msg.Text { return mentions(ps) }

// MentionsAll says the people a notice is for: "@alice, @bob and @carol".
func MentionsAll(ps []Person) msg.Text { return msg.And(ats(ps)...) }

func mentions(ps []Person) msg.Text { return msg.Or(ats(ps)...) }

func ats(ps []Person) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = "@" + string(p)
	}
	return out
}

// Reject rejects the CSR at its open step. A reason is mandatory: the
// requester must learn what to fix.
func (c CSR) Reject(a Actor, reason string, at time.Time, svc Service) (CSR, []Event, error) {
	if c.State != InApproval {
		return c, nil, c.wrongState("reject", InApproval)
	}
	id := string(c.ID)
	if a.Person == c.Requester || a.Person == c.Assignee {
		return c, nil, refuse(RuleSeparationOfDuties, msg.T(msg.RefuseSelfReject, "csr", id), msg.T(msg.NextCancelInstead, "csr", id))
	}
	open, _ := c.OpenStep(svc)
	if !slices.Contains(open.Step.Approvers, a.Person) {
		return c, nil, refuse(RuleNotAnApprover, msg.T(msg.RefuseNotApprover, "csr", id, "step", open.Step.Name), c.askOpenStep(svc))
	}
	if c.hasDecided(a.Person) {
		return c, nil, refuse(RuleAlreadyDecided, msg.T(msg.RefuseAlreadyDecided, "csr", id), msg.T(msg.NextSeeNext, "csr", id))
	}
	if strings.TrimSpace(reason) == "" {
		return c, nil, refuse(RuleReasonRequired, msg.T(msg.RefuseReasonRequired), msg.T(msg.NextRejectReason, "csr", id))
	}
	if r := checkText(msg.TextFieldReason, reason, MaxReason, true, true); r != nil {
		return c, nil, r
	}
	d := c.clone()
	d.Approvals = append(d.Approvals, Approval{Step: open.Step.Name, By: a.Person, At: at, Decision: Reject, Reason: reason, SHA: d.SHA()})
	d.record(at, a.Person, "reject", Rejected, reason)
	return d, []Event{{Kind: EvRejected, Step: open.Step.Name, Notify: d.People(), Note: reason}}, nil
}

// Revise takes a rejected CSR back to draft; every decision so far is voided.
func (c CSR) Revise(a Actor, at time.Time) (CSR, []Event, error) {
	if c.State != Rejected {
		return c, nil, c.wrongState("revise", Rejected)
	}
	if r := c.mayOperate(a); r != nil {
		return c, nil, r
	}
	d := c.clone()
	d.voidApprovals()
	d.record(at, a.Person, "revise", Draft, "")
	return d, nil, nil
}

// voidApprovals voids every standing decision and returns who made them.
func (c *CSR) voidApprovals() []Person {
	var who []Person
	for i := range c.Approvals {
		if !c.Approvals[i].Voided {
			c.Approvals[i].Voided = true
			who = append(who, c.Approvals[i].By)
		}
	}
	return who
}

// ChangeRef points the CSR at a new commit. Approvals given for the old
// commit are voided and the CSR goes back to draft: what was tested and
// approved is no longer what would ship.
func (c CSR) ChangeRef(a Actor, ref Ref, at time.Time) (CSR, []Event, error) {
	allowed := []State{Draft, Tested, TestFailed, InApproval, Approved, Rejected, Scheduled}
	if !slices.Contains(allowed, c.State) {
		return c, nil, c.wrongState("update", allowed...)
	}
	if r := c.mayOperate(a); r != nil {
		return c, nil, r
	}
	// The same commit under another name (a tag on it, say) ships the same
	// thing: nothing to void. An unresolved ref compares by name.
	if len(c.Refs) > 0 && c.Refs[0].SHA == ref.SHA && (ref.SHA != "" || c.Refs[0].Ref == ref.Ref) {
		return c, nil, ErrNoChange
	}
	d := c.clone()
	if len(d.Refs) == 0 {
		d.Refs = []Ref{ref}
	} else {
		d.Refs[0] = ref
	}
	d.ScheduledAt = time.Time{}
	voided := d.voidApprovals()
	note := ref.Ref + "@" + ref.ShortSHA()
	d.record(at, a.Person, "update", Draft, note)
	var evs []Event
	if len(voided) > 0 {
		evs = append(evs, Event{Kind: EvApprovalsVoided, Notify: voided, Note: note})
	}
	return d, evs, nil
}

// DeployOptions carry what a deploy request may add to the policy check.
type DeployOptions struct {
	Override string // an admin's reason for deploying outside the window or in a freeze
}

// Deploy starts the production deploy of an approved CSR.
func (c CSR) Deploy(a Actor, at time.Time, svc Service, freezes []Freeze, opt DeployOptions) (CSR, []Event, error) {
	if !slices.Contains([]State{Approved, Scheduled, DeployFailed}, c.State) {
		if slices.Contains([]State{Draft, TestDeploying, Tested, TestFailed, InApproval, Rejected}, c.State) {
			return c, nil, refuse(RuleApprovalRequired, msg.T(msg.RefuseNotApproved, "csr", string(c.ID), "state", c.State.Name()),
				msg.T(msg.NextSeeNext, "csr", string(c.ID)))
		}
		return c, nil, c.wrongState("deploy", Approved, Scheduled, DeployFailed)
	}
	// The scheduler starts a scheduled deploy as System (scheduled --T--> deploying).
	if a.Person != System || c.State != Scheduled {
		if r := c.mayOperate(a); r != nil {
			return c, nil, r
		}
	}
	if opt.Override != "" && !a.Admin {
		return c, nil, refuse(RuleOverrideAdminOnly, msg.T(msg.RefuseOverrideAdmin), msg.T(msg.NextAskAdmin))
	}
	if r := checkText(msg.TextFieldOverrideReason, opt.Override, MaxReason, false, false); r != nil {
		return c, nil, r
	}
	note := ""
	var says *msg.Text
	if r := CheckDeployTime(c.ID, at, svc, freezes); r != nil {
		if opt.Override == "" {
			return c, nil, r
		}
		note = "override (" + string(r.Rule) + "): " + opt.Override
		t := msg.T(msg.HistoryOverride, "rule", string(r.Rule), "reason", opt.Override)
		says = &t
	}
	d := c.clone()
	d.ScheduledAt = time.Time{}
	env := svc.ProdEnv()
	run := d.newRun(PurposeDeploy, env, svc.Deployers[env], d.SHA(), a.Person, at)
	if note == "" {
		note = run.ID
	}
	d.recordSays(at, a.Person, "deploy", Deploying, note, says)
	return d, []Event{{Kind: EvRunRequested, Run: run}}, nil
}

// CheckDeployTime refuses a production deploy at t outside the service's
// window or during a freeze.
func CheckDeployTime(id ID, t time.Time, svc Service, freezes []Freeze) *Refusal {
	all := append(append([]Freeze(nil), svc.Freezes...), freezes...)
	if f, ok := ActiveFreeze(all, t); ok {
		return refuse(RuleFreeze, msg.T(msg.RefuseFrozen, "service", svc.Name, "until", msg.At(f.Until.In(loc(svc))), "reason", f.Reason),
			msg.T(msg.NextFrozen, "csr", string(id)))
	}
	if !svc.Window.Allows(t) {
		return refuse(RuleDeployWindow, msg.T(msg.RefuseWindow, "service", svc.Name, "window", svc.Window.Text()),
			msg.T(msg.NextWindow, "next", msg.At(svc.Window.NextOpen(t).In(loc(svc))), "csr", string(id)))
	}
	return nil
}

func loc(svc Service) *time.Location { return svc.Location() }

// Location is the zone in which the service's people read times: its
// window's, else the service's Zone, else UTC.
func (s Service) Location() *time.Location {
	switch {
	case s.Window != nil && s.Window.Location != nil:
		return s.Window.Location
	case s.Zone != nil:
		return s.Zone
	}
	return time.UTC
}

// Schedule plans the production deploy for a later time inside the window.
func (c CSR) Schedule(a Actor, when, now time.Time, svc Service, freezes []Freeze) (CSR, []Event, error) {
	if c.State != Approved {
		return c, nil, c.wrongState("schedule", Approved)
	}
	if r := c.mayOperate(a); r != nil {
		return c, nil, r
	}
	if !when.After(now) {
		return c, nil, refuse(RuleScheduleInPast, msg.T(msg.RefuseScheduleInPast, "when", msg.At(when.In(loc(svc)))), msg.T(msg.NextScheduleLater))
	}
	if r := CheckDeployTime(c.ID, when, svc, freezes); r != nil {
		return c, nil, r
	}
	d := c.clone()
	d.ScheduledAt = when
	says := msg.T(msg.HistoryScheduled, "when", msg.At(when.In(loc(svc))))
	d.recordSays(now, a.Person, "schedule", Scheduled, when.In(loc(svc)).Format("2006-01-02 15:04 MST"), &says)
	return d, nil, nil
}

// Unschedule takes a scheduled CSR back to approved.
// says, when not nil, is the note as people read it (see Entry.Says).
func (c CSR) Unschedule(a Actor, at time.Time, note string, says *msg.Text) (CSR, []Event, error) {
	if c.State != Scheduled {
		return c, nil, c.wrongState("unschedule", Scheduled)
	}
	if a.Person != System {
		if r := c.mayOperate(a); r != nil {
			return c, nil, r
		}
	}
	d := c.clone()
	d.ScheduledAt = time.Time{}
	d.recordSays(at, a.Person, "unschedule", Approved, note, says)
	return d, nil, nil
}

// Cancel abandons a CSR that has not started its production deploy.
func (c CSR) Cancel(a Actor, reason string, at time.Time) (CSR, []Event, error) {
	allowed := []State{Draft, TestDeploying, Tested, TestFailed, InApproval, Approved, Rejected, Scheduled}
	if !slices.Contains(allowed, c.State) {
		return c, nil, c.wrongState("cancel", allowed...)
	}
	if r := c.mayOperate(a); r != nil {
		return c, nil, r
	}
	if r := checkText(msg.TextFieldReason, reason, MaxReason, false, true); r != nil {
		return c, nil, r
	}
	d := c.clone()
	var evs []Event
	if run, ok := d.ActiveRun(); ok {
		evs = append(evs, Event{Kind: EvRunCancel, Run: run})
	}
	d.ScheduledAt = time.Time{}
	d.record(at, a.Person, "cancel", Cancelled, reason)
	return d, evs, nil
}

// EffortText says an effort in the reader's language, with its sign when a
// person typed a negative one.
func EffortText(d time.Duration) msg.Text {
	if d < 0 {
		return msg.T(msg.FmtNegative, "d", msg.Dur(d))
	}
	return msg.Dur(d)
}
