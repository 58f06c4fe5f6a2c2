// Package csr is the release domain: a change/service request, its
// lifecycle, the approval policy, deploy windows and freezes.
//
// Everything here is a pure function of its inputs (the CSR, the acting
// person, the service policy and the time). It performs no I/O, so every rule
// is tested by table, and the store applies the result atomically.
package csr

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"releasebot/msg"
)

// ID identifies a CSR, e.g. "CSR-12". The prefix is configurable.
type ID string

// FormatID builds the id of the n-th CSR.
func FormatID(prefix string, n int64) ID { return ID(prefix + "-" + strconv.FormatInt(n, 10)) }

// ParseID normalises user input ("csr-7", "CSR-7", "7") to an id with the
// given prefix. ok is false when the text cannot be a CSR id.
func ParseID(prefix, s string) (ID, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	num := s
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		if !strings.EqualFold(s[:i], prefix) {
			return "", false
		}
		num = s[i+1:]
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return "", false
	}
	return FormatID(prefix, n), true
}

// Seq returns the number inside an id, or 0 when it has none.
func (id ID) Seq() int64 {
	s := string(id)
	i := strings.LastIndexByte(s, '-')
	n, _ := strconv.ParseInt(s[i+1:], 10, 64)
	return n
}

// Person is a configured person's short name ("alice"); messenger ids are
// mapped to it at the edge.
type Person string

// State is a step of the lifecycle.
type State string

// The lifecycle of DESIGN.md.
const (
	Draft         State = "draft"
	TestDeploying State = "test_deploying"
	Tested        State = "tested"
	TestFailed    State = "test_failed"
	InApproval    State = "in_approval"
	Approved      State = "approved"
	Rejected      State = "rejected"
	Scheduled     State = "scheduled"
	Deploying     State = "deploying"
	Deployed      State = "deployed"
	DeployFailed  State = "deploy_failed"
	RolledBack    State = "rolled_back"
	Cancelled     State = "cancelled"
)

// States lists every state in lifecycle order.
var States = []State{Draft, TestDeploying, Tested, TestFailed, InApproval, Approved, Rejected,
	Scheduled, Deploying, Deployed, DeployFailed, RolledBack, Cancelled}

// Terminal reports whether nothing more can happen to a CSR in s.
func (s State) Terminal() bool { return s == RolledBack || s == Cancelled }

// Ref is one source reference a CSR ships.
type Ref struct {
	Repo string `json:"repo"`
	Ref  string `json:"ref"` // branch, tag or SHA as the person typed it
	SHA  string `json:"sha"` // the commit it resolved to
	// Floating: Ref names a branch or tag the person did not pin with
	// --sha, so it is looked up again at `test` and the CSR follows it if
	// it moved. False for a pinned commit, and for refs saved before refs
	// floated: those keep the commit they have.
	Floating bool  `json:"floating,omitempty"`
	PRs      []int `json:"prs,omitempty"`
	// Commits lists what this ref ships beyond what is deployed (from the
	// source host's compare), newest last; empty when unknown.
	Commits []Commit `json:"commits,omitempty"`
}

// Commit is one commit a CSR ships.
type Commit struct {
	SHA    string `json:"sha"`
	Title  string `json:"title"` // first line of the message
	Author string `json:"author,omitempty"`
}

// ShortSHA is the first 7 characters of the commit, for display.
func (r Ref) ShortSHA() string {
	if len(r.SHA) > 7 {
		return r.SHA[:7]
	}
	return r.SHA
}

// Evidence is one piece of test evidence.
type Evidence struct {
	URL  string    `json:"url"`
	Note string    `json:"note,omitempty"`
	By   Person    `json:"by"`
	At   time.Time `json:"at"`
}

// Decision is an approver's answer.
type Decision string

// Decisions.
const (
	Approve Decision = "approve"
	Reject  Decision = "reject"
)

// Approval is one recorded decision. Voided approvals stay in the record (a
// new commit voids them) but no longer count.
type Approval struct {
	Step     string    `json:"step"`
	By       Person    `json:"by"`
	At       time.Time `json:"at"`
	Decision Decision  `json:"decision"`
	Reason   string    `json:"reason,omitempty"`
	SHA      string    `json:"sha"`
	Voided   bool      `json:"voided,omitempty"`
}

// RunStatus is the state of one deploy run.
type RunStatus string

// Run statuses.
const (
	RunQueued    RunStatus = "queued"
	RunRunning   RunStatus = "running"
	RunSucceeded RunStatus = "succeeded"
	RunFailed    RunStatus = "failed"
	RunCancelled RunStatus = "cancelled"
	// RunUnknown: the bot stopped being able to tell how the run goes (a
	// dispatch answered ambiguously and no run was found, credentials
	// failed while following, the process running it died). The deploy may
	// still be going on, so the run is not done: the environment stays
	// locked, the bot keeps looking, and a person who may deploy can
	// settle it with `resolve` after checking.
	RunUnknown RunStatus = "unknown"
)

// Done reports whether the run has finished one way or another.
func (s RunStatus) Done() bool { return s == RunSucceeded || s == RunFailed || s == RunCancelled }

// Settled reports whether the bot has said all it can about the run for
// now: it is done, or its outcome is unknown and waits for GitHub or a
// person. A console script's wait ends there.
func (s RunStatus) Settled() bool { return s.Done() || s == RunUnknown }

// Purpose says why a run exists.
type Purpose string

// Run purposes.
const (
	PurposeTest     Purpose = "test"
	PurposeDeploy   Purpose = "deploy"
	PurposeRollback Purpose = "rollback"
)

// Run is one deploy of one CSR to one environment.
type Run struct {
	ID          string    `json:"id"` // "CSR-1/test/1": CSR, purpose, attempt; deterministic so a run is never started twice
	Purpose     Purpose   `json:"purpose"`
	Env         string    `json:"env"`
	SHA         string    `json:"sha"`
	Deployer    string    `json:"deployer"`
	TriggeredBy Person    `json:"triggered_by"`
	Status      RunStatus `json:"status"`
	URL         string    `json:"url,omitempty"`
	External    string    `json:"external,omitempty"` // the deployer's id of the started run (a workflow run, a deployment), so any process can follow it
	Detail      string    `json:"detail,omitempty"`
	StartedAt   time.Time `json:"started_at"`
	EndedAt     time.Time `json:"ended_at,omitzero"`
}

// Entry is one line of a CSR's history. The store also appends it to the
// installation's audit stream in the same transaction.
type Entry struct {
	At     time.Time `json:"at"`
	By     Person    `json:"by"`
	Action string    `json:"action"`
	From   State     `json:"from,omitempty"`
	To     State     `json:"to,omitempty"`
	Note   string    `json:"note,omitempty"`
	// Says is the note as a sentence for people, in their language, where
	// the note is machine-shaped (a run's outcome, a scheduled time, an
	// override's rule); Note stays what the audit export writes. Entries
	// saved before Says existed show their Note.
	Says *msg.Text `json:"says,omitempty"`
}

// CSR is a change/service request: the unit of release.
type CSR struct {
	ID          ID            `json:"id"`
	Version     int64         `json:"version"` // bumped by every save; the store's optimistic check
	Title       string        `json:"title"`
	Service     string        `json:"service"`
	Requester   Person        `json:"requester"`
	Assignee    Person        `json:"assignee"`
	Effort      time.Duration `json:"effort"`
	Refs        []Ref         `json:"refs"`
	Description string        `json:"description,omitempty"`
	Risk        string        `json:"risk,omitempty"`
	Evidence    []Evidence    `json:"evidence,omitempty"`
	Approvals   []Approval    `json:"approvals,omitempty"`
	Runs        []Run         `json:"runs,omitempty"`
	Comments    []Comment     `json:"comments,omitempty"`
	History     []Entry       `json:"history"`
	State       State         `json:"state"`
	ScheduledAt time.Time     `json:"scheduled_at,omitzero"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// SHA is the commit the CSR ships (its first ref's), or "" when unresolved.
func (c CSR) SHA() string {
	if len(c.Refs) == 0 {
		return ""
	}
	return c.Refs[0].SHA
}

// People are the requester and the assignee, each once: who is told
// about the CSR's results.
func (c CSR) People() []Person {
	if c.Assignee == c.Requester || c.Assignee == "" {
		return []Person{c.Requester}
	}
	return []Person{c.Requester, c.Assignee}
}

// SetFloating records whether the CSR's first ref follows its branch
// (floating) or stays at its commit (pinned), for `update` naming the
// commit the CSR already ships: the commit is the same, so approvals stand
// and the state does not change. The same setting returns ErrNoChange.
func (c CSR) SetFloating(a Actor, floating bool, at time.Time) (CSR, []Event, error) {
	if len(c.Refs) == 0 || c.Refs[0].Floating == floating {
		return c, nil, ErrNoChange
	}
	allowed := []State{Draft, Tested, TestFailed, InApproval, Approved, Rejected, Scheduled}
	if !slices.Contains(allowed, c.State) {
		return c, nil, c.wrongState("update", allowed...)
	}
	if r := c.mayOperate(a); r != nil {
		return c, nil, r
	}
	d := c.clone()
	d.Refs[0].Floating = floating
	action := "pin"
	if floating {
		action = "follow"
	}
	d.record(at, a.Person, action, d.State, d.Refs[0].Ref+"@"+d.Refs[0].ShortSHA())
	return d, nil, nil
}

// clone returns a deep copy so that a refused transition never aliases the
// caller's slices.
func (c CSR) clone() CSR {
	d := c
	d.Refs = append([]Ref(nil), c.Refs...)
	d.Evidence = append([]Evidence(nil), c.Evidence...)
	d.Approvals = append([]Approval(nil), c.Approvals...)
	d.Runs = append([]Run(nil), c.Runs...)
	d.Comments = append([]Comment(nil), c.Comments...)
	d.History = append([]Entry(nil), c.History...)
	return d
}

// LastRun returns the newest run of a purpose, if any.
func (c CSR) LastRun(p Purpose) (Run, bool) {
	for i := len(c.Runs) - 1; i >= 0; i-- {
		if c.Runs[i].Purpose == p {
			return c.Runs[i], true
		}
	}
	return Run{}, false
}

// ActiveRun returns the run still queued or running, if any.
func (c CSR) ActiveRun() (Run, bool) {
	for i := len(c.Runs) - 1; i >= 0; i-- {
		if !c.Runs[i].Status.Done() {
			return c.Runs[i], true
		}
	}
	return Run{}, false
}

func (c CSR) attempts(p Purpose) int {
	n := 0
	for _, r := range c.Runs {
		if r.Purpose == p {
			n++
		}
	}
	return n
}

func (c *CSR) record(at time.Time, by Person, action string, to State, note string) {
	c.recordSays(at, by, action, to, note, nil)
}

func (c *CSR) recordSays(at time.Time, by Person, action string, to State, note string, says *msg.Text) {
	from := c.State
	c.History = append(c.History, Entry{At: at, By: by, Action: action, From: from, To: to, Note: note, Says: says})
	c.State = to
	c.UpdatedAt = at
}

func (c *CSR) newRun(p Purpose, env, deployer, sha string, by Person, at time.Time) Run {
	r := Run{
		ID:          fmt.Sprintf("%s/%s/%d", c.ID, p, c.attempts(p)+1),
		Purpose:     p,
		Env:         env,
		SHA:         sha,
		Deployer:    deployer,
		TriggeredBy: by,
		Status:      RunQueued,
		StartedAt:   at,
	}
	c.Runs = append(c.Runs, r)
	return r
}

// Refusal is why an action is not allowed, in words a person can act on.
type Refusal struct {
	Rule Rule     // which rule refused, e.g. RuleSeparationOfDuties
	Why  msg.Text // what is wrong
	Next msg.Text // what would allow it; may be zero
}

func (r *Refusal) Error() string { return string(r.Rule) + ": " + r.Why.String() }

func refuse(rule Rule, why, next msg.Text) *Refusal {
	return &Refusal{Rule: rule, Why: why, Next: next}
}
