// Package deploy is how a deploy really happens: the Deployer interface and
// its kinds that need no source host (fake, command, webhook). The GitHub
// kinds live in integrations/github.
//
// A deploy is split in two so that a crashed bot never starts one twice:
// Start begins the run and returns as soon as it has an identity (a
// Handle), which the queue records on the CSR; Follow watches a run by its
// Handle until it ends, and any bot process can call it, also one that did
// not start the run.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"releasebot/csr"
	"releasebot/internal/secret"
)

// Request is one deploy run to perform.
type Request struct {
	CSR     csr.ID
	Service string
	Repo    string
	Ref     string  // the branch or tag the CSR ships, as the person typed it
	Run     csr.Run // ID, environment, SHA, purpose
	// Fence is the fencing token of the per-service-and-environment lock
	// the run holds: it only grows, so a receiver can refuse a request
	// carrying an older token than one it has already seen.
	Fence int64
	// Approvals says who approved the CSR in chat ("lead: bob; sm: carol"),
	// for deployers that pass the approval on (GitHub environments with
	// required reviewers).
	Approvals string
	// Progress, when set, records news about the running run (a failed
	// job, an approved environment) on the CSR while it runs; the live
	// card shows it.
	Progress func(ctx context.Context, detail string)
	// Alert, when set, records news a person must act on (a GitHub
	// environment waits for reviewers the bot cannot stand in for) and
	// tells the service's channel and the CSR's people.
	Alert func(ctx context.Context, detail string)
}

// Tell reports progress through r.Progress, if set.
func (r Request) Tell(ctx context.Context, detail string) {
	if r.Progress != nil {
		r.Progress(ctx, detail)
	}
}

// Warn reports news someone must act on through r.Alert, falling back to
// r.Progress.
func (r Request) Warn(ctx context.Context, detail string) {
	switch {
	case r.Alert != nil:
		r.Alert(ctx, detail)
	default:
		r.Tell(ctx, detail)
	}
}

// ErrOutcomeUnknown marks a Start, Find or Follow error after which the
// deployer cannot say whether the deploy happened or is still going on:
// a dispatch answered 5xx and no run was found, credentials that stopped
// working while following, a run whose process died with its bot. The
// queue records the run as unknown (csr.RunUnknown), keeps the
// environment's line locked, and keeps looking; it never fails such a
// run, and never starts it again. Wrap it with the reason a person can
// check: fmt.Errorf("…: %w", deploy.ErrOutcomeUnknown).
var ErrOutcomeUnknown = errors.New("the outcome is unknown")

// Handle identifies a started run in the system that performs it.
type Handle struct {
	ID  string // the deployer's own id: a workflow run id, a deployment id, a fake's plan
	URL string // where a person can watch it; may be empty
}

// Result is how a run ended.
type Result struct {
	Status csr.RunStatus // succeeded, failed or cancelled
	URL    string        // where a person can see the run
	Detail string        // a short reason or the tail of the output
}

// Deployer starts runs and follows them to their end.
type Deployer interface {
	// Start begins the run and returns its handle without waiting for the
	// run to end.
	Start(ctx context.Context, r Request) (Handle, error)
	// Follow blocks until the run ends or ctx is done. When ctx is done it
	// returns ctx's error: whether the run was cancelled is the caller's to
	// decide (see Canceller).
	Follow(ctx context.Context, r Request, h Handle) (Result, error)
}

// Finder is implemented by deployers whose runs can be found again from
// the request alone (by the run id marker they carry), for a bot process
// that took over a run whose starter died before recording its handle.
// found false with a nil error must mean the run was certainly never
// started (the queue then starts it); when it may have started but cannot
// be found, Find returns an error wrapping ErrOutcomeUnknown.
type Finder interface {
	Find(ctx context.Context, r Request) (Handle, bool, error)
}

// Canceller is implemented by deployers that can stop a started run.
type Canceller interface {
	Cancel(ctx context.Context, r Request, h Handle) error
}

// Restartable is implemented by deployers whose Start may be repeated for
// the same run: starting has no side effect (fake), or the receiving
// system de-duplicates by run id (webhook). A bot that took over a run
// whose starter died before recording its handle starts it again.
type Restartable interface {
	Restartable() bool
}

// Immediate is implemented by deployers whose Start returns the run's
// handle at once, in this process, without waiting on another system (a
// fake plan, a started program). The queue then records the run as
// running together with its handle, right after Start, rather than in a
// save of its own before it: the card shows "queued" for no longer than
// Start takes, and a takeover still knows the run may have started (the
// job is marked started when its turn is given).
type Immediate interface {
	Immediate() bool
}

// Immediate implements Immediate: the plan is made in process.
func (Fake) Immediate() bool { return true }

// Restartable implements Restartable: a fake run has no side effect.
func (Fake) Restartable() bool { return true }

// ErrUnknownHandle means the handle names a run this process cannot
// follow: the run was performed by a bot process that has since stopped
// (the command deployer's runs live and die with their process).
var ErrUnknownHandle = errors.New("the run was performed by a bot process that stopped; its outcome is unknown")

// Fake pretends to deploy: the run takes Delay and ends with the configured
// outcome. It is the deployer of the console rehearsal and of tests, so a
// whole release can be walked through without touching a real system.
//
// Its handle carries the run's plan (when it ends, how), so, like a real
// external system, any process can follow a run another one started.
type Fake struct {
	Delay   time.Duration
	Succeed bool
	// Now is the clock of the plan; nil means time.Now. The deadline is
	// measured on it but waited for in real time.
	Now func() time.Time
}

func (f Fake) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// Start plans the run.
func (f Fake) Start(_ context.Context, r Request) (Handle, error) {
	outcome := "failure"
	if f.Succeed {
		outcome = "success"
	}
	end := f.now().Add(f.Delay)
	return Handle{ID: strconv.FormatInt(end.UnixMilli(), 10) + ":" + outcome, URL: fmt.Sprintf("fake://%s/%s", r.Service, r.Run.ID)}, nil
}

// Follow waits for the planned end and reports the planned outcome.
func (f Fake) Follow(ctx context.Context, r Request, h Handle) (Result, error) {
	ms, outcome, ok := strings.Cut(h.ID, ":")
	end, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil {
		return Result{}, fmt.Errorf("fake deployer: handle %q is not one of mine", h.ID)
	}
	if wait := time.UnixMilli(end).Sub(f.now()); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return Result{}, ctx.Err()
		case <-t.C:
		}
	}
	if outcome != "success" {
		return Result{Status: csr.RunFailed, URL: h.URL, Detail: "the fake deployer is configured to fail"}, nil
	}
	return Result{Status: csr.RunSucceeded, URL: h.URL}, nil
}

// Secret is a credential: it prints as [redacted] in logs, errors and
// formatted output; only Reveal gives its value. It is secret.Value, shared
// with the Slack settings.
type Secret = secret.Value

// NewSecret wraps a credential.
func NewSecret(v string) Secret { return secret.New(v) }
