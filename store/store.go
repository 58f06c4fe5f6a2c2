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
)

// Filter selects CSRs for a listing. Empty fields match everything; all
// set fields must match.
type Filter struct {
	States  []csr.State
	Service string
	Person  csr.Person // requester or assignee
	Limit   int        // 0: the store's default (100)
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
