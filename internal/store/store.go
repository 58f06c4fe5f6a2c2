// Package store names what every CSR store promises, independent of the
// database behind it: the errors callers branch on, the list filter, and
// the record of what each environment runs (Deployment, Advance).
package store

import (
	"errors"
	"slices"
	"time"

	"releasebot/csr"
)

var (
	// ErrNotFound: the CSR does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: others kept changing the CSR while this change retried;
	// nothing was written.
	ErrConflict = errors.New("changed concurrently; not applied")
	// ErrUnavailable: the database could not be reached; nothing was
	// written.
	ErrUnavailable = errors.New("store unreachable")
	// ErrFailingOver: the database answered that it cannot serve right now
	// (loading its data, a failover or resharding under way, a replica
	// that was a primary); nothing was written and a retry in a moment
	// should succeed. Errors wrapping it also wrap ErrUnavailable, so
	// callers that only know ErrUnavailable still say nothing was written.
	ErrFailingOver = errors.New("store failing over")
	// ErrUnconfirmed: the write was applied on the primary but fewer
	// replicas than required acknowledged it in time, so it may not
	// survive a failover. The change must not be confirmed to anyone as
	// done.
	ErrUnconfirmed = errors.New("write not confirmed by enough replicas")
	// ErrDataLost: the store lost data it had (an empty restart, a
	// failover to a replica that lacked confirmed writes); the CSR asked
	// for was handed out before and is gone. Errors wrapping it also wrap
	// ErrNotFound, so code that only handles "not found" keeps working.
	ErrDataLost = errors.New("store lost data")
)

// Filter selects CSRs for a listing. Empty fields match everything; all
// set fields must match.
type Filter struct {
	States  []csr.State
	Service string
	Person  csr.Person // requester or assignee
	// Waiting: CSRs whose next move is this person's (see WaitingOn).
	Waiting csr.Person
	Limit   int // 0: the store's default (100)
	// Offset skips that many matches, newest first, for paging.
	Offset int
}

// Page is one page of a listing: the CSRs, newest first, and how many
// match the filter in all.
type Page struct {
	CSRs  []csr.CSR
	Total int
}

// WaitingStates are the states in which a CSR waits for a person, not a
// machine.
var WaitingStates = []csr.State{csr.Draft, csr.Tested, csr.TestFailed, csr.InApproval, csr.Approved, csr.Rejected, csr.DeployFailed}

// WaitingOn returns the people whose move the next one on c is: the
// pending approvers of the open step while c is in approval; the
// requester and the assignee in the other states that wait for a person;
// nobody while a machine works or the CSR is done. A store indexes it so
// "waiting on me" is read without scanning CSRs.
func WaitingOn(c csr.CSR, svc csr.Service) []csr.Person {
	if c.State == csr.InApproval {
		st, ok := c.OpenStep(svc)
		if !ok {
			return nil
		}
		return st.Pending(c)
	}
	if !slices.Contains(WaitingStates, c.State) {
		return nil
	}
	return c.People()
}

// Mutation is a domain decision applied to the freshest copy of a CSR. It
// returns the new CSR and the events to emit, or an error (a *csr.Refusal,
// csr.ErrNoChange) and then nothing is written.
type Mutation func(c csr.CSR) (csr.CSR, []csr.Event, error)

// AuditRecord is one entry of the append-only audit log.
type AuditRecord struct {
	StreamID string    // the Redis stream id, time ordered
	CSR      csr.ID    `json:"csr"`
	Entry    csr.Entry `json:"entry"`
}

// DefaultIdempotencyTTL is how long an event key is remembered: longer than
// Slack's retry horizon and a person's patience with double clicks.
const DefaultIdempotencyTTL = 24 * time.Hour

// HistoryLen bounds the production history kept per service and
// environment: far more rollbacks than anyone walks back through.
const HistoryLen = 100

// Deployment is what one environment of a service runs: the commit, the
// CSR that shipped it and the run that put it there. A store keeps the
// current one and the ones before it (the lineage) per service and
// environment, written with the run's result, so reading what production
// runs never scans CSRs.
type Deployment struct {
	// CSR shipped SHA; "" when a rollback restored a commit whose CSR is
	// not in the lineage (it was deployed before lineages were kept and
	// fell out of the rebuild).
	CSR     csr.ID      `json:"csr,omitempty"`
	SHA     string      `json:"sha"`
	Run     string      `json:"run"` // the run that made it current: a deploy, or the rollback that restored it
	Purpose csr.Purpose `json:"purpose"`
	At      time.Time   `json:"at"`
	// RollbackOf is the CSR whose rollback restored this commit.
	RollbackOf csr.ID `json:"rollback_of,omitempty"`
}

// Counts reports whether the run r changes what its environment runs when
// it succeeds: production deploys and rollbacks do, test deploys do not.
func Counts(r csr.Run) bool {
	return r.Purpose == csr.PurposeDeploy || r.Purpose == csr.PurposeRollback
}

// Advance returns the lineage of an environment (newest first; [0] is
// what runs now) after run r of CSR id succeeded there. ok is false when r
// changes nothing: it does not count, or it is already what runs now (the
// same result reported twice).
//
// A deploy puts its commit on top. A rollback restores an earlier entry:
// the newest one below the top with the run's commit becomes what runs now
// (marked with the rollback), and the entries above it are taken off, so
// the entry before it is again the next rollback target. A rollback to a
// commit the lineage does not hold goes on top, with no CSR.
func Advance(lineage []Deployment, id csr.ID, r csr.Run) (next []Deployment, ok bool) {
	if !Counts(r) || r.Status != csr.RunSucceeded || (len(lineage) > 0 && lineage[0].Run == r.ID) {
		return lineage, false
	}
	at := r.EndedAt
	if at.IsZero() {
		at = r.StartedAt
	}
	top := Deployment{CSR: id, SHA: r.SHA, Run: r.ID, Purpose: r.Purpose, At: at}
	rest := lineage
	if r.Purpose == csr.PurposeRollback {
		top.CSR, top.RollbackOf = "", id
		found := -1
		for i := 1; i < len(lineage) && found < 0; i++ {
			if lineage[i].SHA == r.SHA {
				found = i
			}
		}
		if found < 0 && len(lineage) > 0 && lineage[0].SHA == r.SHA {
			found = 0
		}
		if found >= 0 {
			top.CSR = lineage[found].CSR
			rest = lineage[found+1:]
		}
	}
	next = append([]Deployment{top}, rest...)
	if len(next) > HistoryLen {
		next = next[:HistoryLen]
	}
	return next, true
}

// Rebuild replays the successful deploy and rollback runs of cs in env,
// in the order they ended, into a lineage: what a store does once for a
// service whose CSRs were deployed before lineages were kept.
func Rebuild(cs []csr.CSR, env string) []Deployment {
	type owned struct {
		id  csr.ID
		run csr.Run
	}
	var runs []owned
	for _, c := range cs {
		for _, r := range c.Runs {
			if r.Env == env && r.Status == csr.RunSucceeded && Counts(r) {
				runs = append(runs, owned{c.ID, r})
			}
		}
	}
	slices.SortStableFunc(runs, func(a, b owned) int { return a.run.EndedAt.Compare(b.run.EndedAt) })
	var lineage []Deployment
	for _, o := range runs {
		lineage, _ = Advance(lineage, o.id, o.run)
	}
	return lineage
}
