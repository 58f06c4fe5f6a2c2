// Package deploy is how a deploy really happens: the Deployer interface and
// its kinds. Today: fake, for the console rehearsal and tests.
package deploy

import (
	"context"
	"fmt"
	"time"

	"releasebot/csr"
)

// Request is one deploy run to perform.
type Request struct {
	CSR     csr.ID
	Service string
	Repo    string
	Run     csr.Run // ID, environment, SHA, purpose
}

// Result is how a run ended.
type Result struct {
	Status csr.RunStatus // succeeded, failed or cancelled
	URL    string        // where a person can see the run
	Detail string        // a short reason or the tail of the output
}

// Deployer performs a run and blocks until it ends or ctx is cancelled.
type Deployer interface {
	Deploy(ctx context.Context, r Request) (Result, error)
}

// Fake pretends to deploy: it waits Delay and ends with Outcome. It is the
// deployer of the console rehearsal and of tests, so a whole release can be
// walked through without touching a real system.
type Fake struct {
	Delay   time.Duration
	Succeed bool
}

// Deploy waits and reports the configured outcome.
func (f Fake) Deploy(ctx context.Context, r Request) (Result, error) {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return Result{Status: csr.RunCancelled, Detail: "cancelled"}, nil
		case <-t.C:
		}
	}
	link := fmt.Sprintf("fake://%s/%s", r.Service, r.Run.ID)
	if !f.Succeed {
		return Result{Status: csr.RunFailed, URL: link, Detail: "the fake deployer is configured to fail"}, nil
	}
	return Result{Status: csr.RunSucceeded, URL: link}, nil
}
