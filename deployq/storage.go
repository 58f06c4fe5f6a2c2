package deployq

import (
	"context"
	"time"

	"releasebot/internal/store"
)

// Jobs is the queue's storage (integrations/redisstore implements it):
// the parts of the runner each use one of the small interfaces below.
type Jobs interface {
	Stream
	JobRecords
	Turns
	Links
}

// Stream is the shared list of jobs, read by the workers of every process.
type Stream interface {
	EnsureGroup(ctx context.Context) error
	Enqueue(ctx context.Context, j store.Job) (store.Enqueued, error)
	ReadJobs(ctx context.Context, consumer string, count int, block time.Duration) ([]store.Delivery, error)
	ReclaimJobs(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]store.Delivery, error)
	JobDone(ctx context.Context, run string) (bool, error)
}

// JobRecords is what a job's owner keeps about it while it works.
type JobRecords interface {
	TouchJob(ctx context.Context, consumer, msgID, run string) (store.Touch, error)
	// FinishJob acknowledges the job, marks its result announced and
	// releases its turn (token > 0) if still held, in one step.
	FinishJob(ctx context.Context, d store.Delivery, token int64) error
	CancelJob(ctx context.Context, run string) error
	MarkAnnounced(ctx context.Context, run string) (first bool, err error)
}

// Turns are the per service and environment deploy locks.
type Turns interface {
	AcquireTurn(ctx context.Context, service, env, run string, ttl time.Duration) (store.Acquired, error)
	RenewTurn(ctx context.Context, service, env, run string, token int64, ttl time.Duration) (bool, error)
	ReleaseTurn(ctx context.Context, service, env, run string, token int64) error
}

// Links index external run ids (a workflow run, a deployment) to runs,
// for reports that name only the external id.
type Links interface {
	LinkExternal(ctx context.Context, external, run string) error
	RunForExternal(ctx context.Context, external string) (string, error)
}
