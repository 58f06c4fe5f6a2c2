package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// A Lease decides which of several processes sharing one Redis runs the
// scheduled jobs. Its keys, beside the store's:
//
//	{releasebot}:lease:<name>   the holder's token, expiring after the lease time (SET NX PX)
//	{releasebot}:mark:<job>     the time of the job's last firing, in Unix nanoseconds
//
// The holder renews the lease well within its time; a holder that dies
// stops renewing, and another process acquires it once it expires. Expiry
// is Redis's own clock, never the injected one: it measures how long a
// process has been silent, which the console's rehearsal clock must not
// change.
//
// Marks are the fence that makes a job fire once across a takeover: a
// firing is claimed by moving the job's mark forward, atomically with a
// check that the caller still holds the lease and that the mark is where
// the caller read it. A process that lost its lease while paused can
// therefore never fire again, and a new holder continues from the last
// claimed firing: nothing in the gap is repeated or skipped.
type Lease struct {
	s     *Store
	key   string
	token string
	ttl   time.Duration
}

// ErrNotHolder: the lease is held by another process (or by nobody); the
// caller must not act as the holder.
var ErrNotHolder = errors.New("the lease is not held by this process")

// Lease returns the lease called name, with ttl as its time, for this
// process: each call makes a new token, so two Lease values are two
// contenders even in one process.
func (s *Store) Lease(name string, ttl time.Duration) *Lease {
	host, _ := os.Hostname()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Lease{s: s, key: s.key("lease", name), ttl: ttl,
		token: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))}
}

// Token identifies this contender, e.g. "host/pid/random".
func (l *Lease) Token() string { return l.token }

// TTL is the lease time.
func (l *Lease) TTL() time.Duration { return l.ttl }

// leaseRenewScript extends the lease only if the caller still holds it.
// KEYS: lease. ARGV: token, ttl in ms. Returns 1 when renewed.
var leaseRenewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// leaseReleaseScript deletes the lease only if the caller holds it.
// KEYS: lease. ARGV: token. Returns 1 when released.
var leaseReleaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// leaseAdvanceScript moves a job's mark from what the caller read to the firing
// it claims, only while the caller holds the lease.
// KEYS: lease, mark. ARGV: token, expected mark ("" = none), new mark.
// Returns 1 when moved, 0 when the mark was elsewhere, -1 when the caller
// does not hold the lease.
var leaseAdvanceScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
local cur = redis.call('GET', KEYS[2])
if (cur or '') ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[3])
return 1
`)

// Hold renews the lease if this process holds it, and otherwise tries to
// acquire it. It reports whether this process holds it now.
func (l *Lease) Hold(ctx context.Context) (bool, error) {
	ms := strconv.FormatInt(l.ttl.Milliseconds(), 10)
	n, err := leaseRenewScript.Run(ctx, l.s.rdb, []string{l.key}, l.token, ms).Int()
	if err != nil {
		return false, l.s.fail("renew lease", err)
	}
	if n == 1 {
		return true, nil
	}
	ok, err := l.s.rdb.SetNX(ctx, l.key, l.token, l.ttl).Result()
	if err != nil {
		return false, l.s.fail("acquire lease", err)
	}
	return ok, nil
}

// Release gives the lease up if this process holds it, so another takes
// over at once instead of after the lease time.
func (l *Lease) Release(ctx context.Context) error {
	if err := leaseReleaseScript.Run(ctx, l.s.rdb, []string{l.key}, l.token).Err(); err != nil {
		return l.s.fail("release lease", err)
	}
	return nil
}

// Holder returns the token of the process holding the lease, or "" when
// nobody does.
func (l *Lease) Holder(ctx context.Context) (string, error) {
	v, err := l.s.rdb.Get(ctx, l.key).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", l.s.fail("lease holder", err)
	}
	return v, nil
}

func (l *Lease) markKey(job string) string { return l.s.key("mark", job) }

// Mark returns the time of job's last claimed firing; ok is false when
// the job has none yet.
func (l *Lease) Mark(ctx context.Context, job string) (at time.Time, ok bool, err error) {
	v, err := l.s.rdb.Get(ctx, l.markKey(job)).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, l.s.fail("mark of "+job, err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("mark of %s: %q is not a time: %w", job, v, err)
	}
	return time.Unix(0, n), true, nil
}

// Advance claims the firing of job at to: it moves the mark from from
// (the zero time: no mark yet) to to, if the mark is still from and this
// process holds the lease. It reports false when another process moved the
// mark first, and ErrNotHolder when the lease is not this process's.
func (l *Lease) Advance(ctx context.Context, job string, from, to time.Time) (bool, error) {
	expected := ""
	if !from.IsZero() {
		expected = strconv.FormatInt(from.UnixNano(), 10)
	}
	n, err := leaseAdvanceScript.Run(ctx, l.s.rdb, []string{l.key, l.markKey(job)}, l.token, expected,
		strconv.FormatInt(to.UnixNano(), 10)).Int()
	if err != nil {
		return false, l.s.fail("advance mark of "+job, err)
	}
	if n < 0 {
		return false, fmt.Errorf("advance mark of %s: %w", job, ErrNotHolder)
	}
	return n == 1, nil
}
