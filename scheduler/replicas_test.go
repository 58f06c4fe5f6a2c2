package scheduler_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/internal/testenv"
	"releasebot/scheduler"
)

const replicaReminders = `
reminders:
  - {name: every10, kind: stuck, schedule: "*/10 * * * *", channel: "#every10"}
  - {name: hourly, kind: waiting_approvals, schedule: "0 * * * *", channel: "#hourly"}
  - {name: seoul-morning, kind: scheduled_deploys, schedule: "CRON_TZ=Asia/Seoul 0 9 * * *", channel: "#morning", within: 720h}
  - {name: ny-evening, kind: freezes, schedule: "CRON_TZ=America/New_York 30 17 * * MON-FRI", channel: "#evening", within: 720h}
`

// TestThreeReplicas runs three scheduler processes, each with its own
// Redis connection, over two simulated days ticked minute by minute. Each
// reminder firing is posted exactly once and the scheduled deploy starts
// once. Midway the lease holder dies without releasing its lease; another
// process takes over within the lease time and posts what fell due in the
// gap, and the dead one, coming back, posts nothing.
func TestThreeReplicas(t *testing.T) {
	start := kst(1, 0, 0) // Tuesday
	e := newEnv(t, replicaReminders, start)
	const ttl = 400 * time.Millisecond
	procs := []*instance{e.instance("a", ttl, nil), e.instance("b", ttl, nil), e.instance("c", ttl, nil)}

	// Something for every reminder to say, and a deploy on Wednesday.
	e.csrTo("web-frontend", csr.TestFailed)
	e.csrTo("billing-api", csr.InApproval)
	later := e.csrTo("billing-api", csr.Approved)
	e.schedule(later.ID, kst(29, 22, 30)) // for the morning report, within 30 days
	soon := e.csrTo("web-frontend", csr.Approved)
	e.schedule(soon.ID, kst(2, 15, 0))

	ctx := context.Background()
	live := slices.Clone(procs)
	tickAll := func(step int) {
		for i := range live {
			p := live[(i+step)%len(live)] // a different process ticks first each time
			require.NoError(t, p.s.Tick(ctx))
		}
	}
	leader := func(ps []*instance) *instance {
		var held []*instance
		for _, p := range ps {
			if p.s.Leading() {
				held = append(held, p)
			}
		}
		require.LessOrEqual(t, len(held), 1, "two processes think they run the schedules")
		if len(held) == 0 {
			return nil
		}
		return held[0]
	}

	const steps = 2 * 24 * 60
	const dieAt = steps/2 + 55 // Wednesday 00:55 in Seoul: 01:00 falls in the gap
	var (
		dead       *instance
		diedAt     time.Time // simulated
		lastRenew  time.Time // real: the dead process's last tick
		tookOverIn time.Duration
	)
	for step := 1; step <= steps; step++ {
		e.clock.Set(start.Add(time.Duration(step) * time.Minute))
		tickAll(step)
		require.NotNil(t, leader(live))

		if step == dieAt {
			// The holder dies between two ticks, its lease still valid.
			dead = leader(live)
			diedAt = e.clock.Now()
			lastRenew = time.Now()
			live = slices.DeleteFunc(live, func(p *instance) bool { return p == dead })
			// Seven simulated minutes pass at once, while the survivors
			// find the lease still held: a */10 and maybe an hourly firing
			// fall in the gap.
			for range 7 {
				step++
				e.clock.Set(start.Add(time.Duration(step) * time.Minute))
				tickAll(step)
			}
			require.Eventually(t, func() bool {
				tickAll(step)
				return leader(live) != nil
			}, 10*ttl, 10*time.Millisecond)
			tookOverIn = time.Since(lastRenew)
			// The dead process comes back (a long GC pause, a frozen VM)
			// and ticks with the others from now on.
			live = append(live, dead)
		}
	}
	require.Less(t, tookOverIn, ttl+500*time.Millisecond, "another process takes over within the lease time")
	require.Greater(t, tookOverIn, ttl-100*time.Millisecond, "but not before the dead one's lease expired")

	// Every firing of every reminder in (start, end] was posted once.
	end := e.clock.Now()
	gap := 0
	notices, emits := e.rec.all()
	for _, r := range e.cfg.Reminders() {
		var want []time.Time
		for at := r.Schedule.Next(start); !at.After(end); at = r.Schedule.Next(at) {
			want = append(want, at)
		}
		var got []time.Time
		for _, n := range notices {
			if n.n.Channel == r.Channel {
				got = append(got, n.at)
			}
		}
		require.Len(t, got, len(want), "%s: one post per firing (%d firings)", r.Name, len(want))
		for i := range want {
			if want[i].After(diedAt) && !want[i].After(diedAt.Add(7*time.Minute)) {
				// In the gap: posted late, once, by the process that took over.
				require.False(t, got[i].Before(want[i]), "%s: the firing at %s in the gap", r.Name, want[i])
				require.False(t, got[i].After(diedAt.Add(7*time.Minute)), "%s: the firing at %s in the gap", r.Name, want[i])
				gap++
				continue
			}
			require.Equal(t, want[i], got[i], "%s: firing %d is posted on time", r.Name, i)
		}
	}
	require.Positive(t, gap, "some firings fell in the gap")
	before := 0
	for _, n := range notices {
		if n.by == dead.name {
			require.False(t, n.at.After(diedAt), "the process that lost its lease posted %q at %s", n.n.Text.ID, n.at)
			before++
		}
	}
	require.Positive(t, before, "the process that died did post while it held the lease")
	require.Len(t, runsRequested(emits), 1, "the scheduled deploy starts once: %v", runsRequested(emits))
	require.Equal(t, csr.Deploying, e.get(soon.ID).State)
}

// TestRunReleasesTheLeaseOnStop: a process that stops cleanly gives its
// lease up, so the next tick of another process takes over at once.
func TestRunReleasesTheLeaseOnStop(t *testing.T) {
	e := newEnv(t, "", kst(4, 15, 0))
	a := e.instance("a", time.Minute, nil)
	b := e.instance("b", time.Minute, nil)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.s.Run(ctx)
	}()
	require.Eventually(t, a.s.Leading, 5*time.Second, 5*time.Millisecond)
	e.tick(b)
	require.False(t, b.s.Leading(), "a holds the lease")
	stop()
	wg.Wait()
	require.False(t, a.s.Leading())
	e.tick(b)
	require.True(t, b.s.Leading(), "released, not left to expire after a minute")
	holder, err := b.lease.Holder(context.Background())
	require.NoError(t, err)
	require.Equal(t, b.lease.Token(), holder)
	require.NotEqual(t, a.lease.Token(), b.lease.Token())
}

// flakyLease is a lease whose store can be made to fail.
type flakyLease struct {
	scheduler.Lease
	broken atomic.Bool
}

func (l *flakyLease) Hold(ctx context.Context) (bool, error) {
	if l.broken.Load() {
		return false, errors.New("dial tcp 127.0.0.1:6379: connection refused")
	}
	return l.Lease.Hold(ctx)
}

// TestLeaseFailuresAreReportedAndHeal: while the lease cannot be checked
// the scheduler says so (once in the log, not every tick) and is not
// ready; when it works again it says so and is ready.
func TestLeaseFailuresAreReportedAndHeal(t *testing.T) {
	e := newEnv(t, "", kst(4, 15, 0))
	var log testenv.Buffer
	lease := &flakyLease{}
	in := e.instance("a", time.Minute, func(o *scheduler.Options) {
		lease.Lease = o.Lease
		o.Lease = lease
		o.Every = 5 * time.Millisecond
		o.Log = slog.New(slog.NewTextHandler(&log, nil))
	})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); in.s.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })
	require.Eventually(t, in.s.Leading, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, in.s.Ready())

	lease.broken.Store(true)
	require.Eventually(t, func() bool { return in.s.Ready() != nil }, 5*time.Second, 5*time.Millisecond)
	require.ErrorContains(t, in.s.Ready(), "connection refused")
	time.Sleep(100 * time.Millisecond) // many more ticks fail meanwhile
	require.Equal(t, 1, strings.Count(log.String(), "cannot check the lease"), "logged once, not per tick")

	lease.broken.Store(false)
	require.Eventually(t, func() bool { return in.s.Ready() == nil }, 5*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return strings.Contains(log.String(), "the lease can be checked again") }, 5*time.Second, 5*time.Millisecond)
}
