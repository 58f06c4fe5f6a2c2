// Package store names what every CSR store promises, independent of the
// database behind it: the errors callers branch on and the list filter.
package store

import (
	"errors"
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
