package store

import (
	"errors"
	"strings"
	"time"

	"releasebot/csr"
)

// The deploy queue's contract with its storage: the jobs a queue keeps,
// what taking a run's turn answers, and what goes with a run's save. The
// queue (deployq) and the database behind it (redisstore) both use these,
// so neither imports the other.

// Job is one deploy run to perform: a run already recorded on its CSR.
type Job struct {
	Run     string // the run id, e.g. "CSR-1/deploy/1": deterministic per CSR, purpose and attempt
	CSR     csr.ID
	Service string
	Env     string
	SHA     string
	Purpose csr.Purpose
}

// Delivery is a job handed to this process by the stream.
type Delivery struct {
	MsgID string
	Job   Job
}

// Enqueued says where a job stands after Enqueue.
type Enqueued struct {
	New      bool   // false: the run was already queued (or done); nothing was added
	Position int    // 1: first in line for its service and environment
	Seq      int64  // the job's place in the overall order
	Ahead    string // the run at the front of the line, when it is not this one
}

// Touch is what a job's owner learns on each heartbeat.
type Touch struct {
	Owned     bool // the job is still this consumer's (not reclaimed by another)
	Cancelled bool // someone asked to cancel the run
}

// Acquired is the answer to a request for a run's turn.
type Acquired struct {
	Token    int64 // the lock's fencing token; 0 when not given
	Position int   // the run's place in its line (1: the front; 0: in no line, its job is finished)
	// StartedBefore: an earlier owner of the job was given the turn too,
	// so it may have started the run (a takeover looks for it first).
	StartedBefore bool
	// CSR is the run's CSR, read in the same step as the turn was given
	// (nil when not given, or when the CSR is gone).
	CSR *csr.CSR
	// Production is what the environment runs, read in the same step, for
	// a run that changes it (deploy, rollback): nobody else may change it
	// while the turn is held, so its result's save needs no read of it.
	Production *Lineage
}

// Lineage is an environment's production record as stored: Raw is the
// current record's JSON ("" when nothing was deployed yet), Entries the
// history, newest first.
type Lineage struct {
	Raw     string
	Entries []Deployment
}

// RunWrite is what the queue writes together with a change of a run's CSR,
// in the same atomic step.
type RunWrite struct {
	// Fence, when its Token is set, saves the change only while the run
	// still holds its service and environment's deploy lock with that
	// token, and renews the lock: a run is marked started, and started,
	// only by its lock's holder. Otherwise the save returns ErrTurnLost.
	Fence Turn
	// Link indexes a started run's external id to the run, for reports
	// that name only the external id (Jobs.RunForExternal).
	Link Link
	// Production, when set, is the environment's record as read with the
	// turn (Acquired.Production): a result's save uses it instead of
	// reading it again. The save still checks it did not change.
	Production *Lineage
}

// Turn is a run's hold on its service and environment's deploy lock.
type Turn struct {
	Service, Env, Run string
	Token             int64
	TTL               time.Duration // the lock's expiry from now, when renewed
}

// Link is an external id and the run it belongs to.
type Link struct{ External, Run string }

// ErrTurnLost: the run's deploy lock is no longer held with its token (it
// expired, and another process may have taken the run over).
var ErrTurnLost = errors.New("the deploy lock is no longer held by this run")

// ErrNoGroup: the stream's consumer group is gone (Redis restarted empty,
// the stream was deleted). The queue makes it again and goes on.
var ErrNoGroup = errors.New("the deploy queue's consumer group is missing")

// CSROf returns the CSR a run id belongs to ("CSR-1/deploy/1" → CSR-1).
func CSROf(run string) csr.ID {
	id, _, _ := strings.Cut(run, "/")
	return csr.ID(id)
}
