package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/csr"
	"releasebot/internal/store"
)

// The deploy queue's keys, beside the CSRs under the same hash tag:
//
//	{releasebot}:deploys              stream of jobs, read by the consumer group "deployers"
//	{releasebot}:job:<run>            hash: state (queued|done), seq, msg, cancel, announced
//	{releasebot}:lineseq              counter giving every job its place in line
//	{releasebot}:line:<svc>:<env>     sorted set of waiting runs of one service and environment, by seq
//	{releasebot}:lock:<svc>:<env>     "<token>:<run>" of the run deploying now, with an expiry
//	{releasebot}:fence:<svc>:<env>    counter of fencing tokens
//	{releasebot}:ext:<external id>    the run an external id (a workflow run, a deployment) belongs to
const deployGroup = "deployers"

// jobTTL is how long a finished job's record is kept: long enough for
// late duplicate deliveries and for Wait to see it done.
const jobTTL = 7 * 24 * time.Hour

// externalTTL bounds the external-id index: results of older runs are not
// expected any more.
const externalTTL = 30 * 24 * time.Hour

func (s *Store) streamKey() string                  { return s.key("deploys") }
func (s *Store) jobKey(run string) string           { return s.key("job", run) }
func (s *Store) lineKey(service, env string) string { return s.key("line", service, env) }

// EnsureGroup creates the consumer group (and the stream) if needed. The
// group starts at the stream's beginning, so jobs added before it existed
// are still delivered.
func (s *Store) EnsureGroup(ctx context.Context) error {
	err := s.rdb.XGroupCreateMkStream(ctx, s.streamKey(), deployGroup, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return s.fail("create the deploy consumer group", err)
	}
	return nil
}

// jobsFail is fail, and tells the queue when its consumer group is gone
// (Redis restarted empty, or the stream was deleted), so it can make it
// again instead of failing every read.
func (s *Store) jobsFail(op string, err error) error {
	if strings.HasPrefix(err.Error(), "NOGROUP") {
		return fmt.Errorf("%s: %w: %w", op, store.ErrNoGroup, err)
	}
	return s.fail(op, err)
}

// enqueueScript adds a job unless its run is already known: the job
// record, its place in its line and the stream entry in one atomic step.
//
// KEYS: job, line, lineseq, stream. ARGV: run, csr, service, env, sha, purpose.
// Returns {new, position, seq, head}.
var enqueueScript = redis.NewScript(`
local function where(seq, new)
  local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1] or ''
  return {new, rank and rank + 1 or 0, tonumber(seq) or 0, head}
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return where(redis.call('HGET', KEYS[1], 'seq'), 0)
end
local seq = redis.call('INCR', KEYS[3])
local id = redis.call('XADD', KEYS[4], '*', 'run', ARGV[1], 'csr', ARGV[2], 'service', ARGV[3],
  'env', ARGV[4], 'sha', ARGV[5], 'purpose', ARGV[6])
redis.call('HSET', KEYS[1], 'state', 'queued', 'seq', seq, 'msg', id)
redis.call('ZADD', KEYS[2], seq, ARGV[1])
return where(seq, 1)
`)

// Enqueue adds a deploy job, once per run.
func (s *Store) Enqueue(ctx context.Context, j store.Job) (store.Enqueued, error) {
	keys := []string{s.jobKey(j.Run), s.lineKey(j.Service, j.Env), s.key("lineseq"), s.streamKey()}
	res, err := enqueueScript.Run(ctx, s.rdb, keys, j.Run, string(j.CSR), j.Service, j.Env, j.SHA, string(j.Purpose)).Slice()
	if err != nil {
		return store.Enqueued{}, s.fail("enqueue "+j.Run, err)
	}
	e := store.Enqueued{New: asInt(res[0]) == 1, Position: int(asInt(res[1])), Seq: asInt(res[2])}
	if head, _ := res[3].(string); head != j.Run {
		e.Ahead = head
	}
	return e, nil
}

func asInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

// ReadJobs waits up to block for new jobs for consumer.
func (s *Store) ReadJobs(ctx context.Context, consumer string, count int, block time.Duration) ([]store.Delivery, error) {
	streams, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: deployGroup, Consumer: consumer,
		Streams: []string{s.streamKey(), ">"}, Count: int64(count), Block: block}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, s.jobsFail("read deploy jobs", err)
	}
	var out []store.Delivery
	for _, st := range streams {
		out = append(out, deliveries(st.Messages)...)
	}
	return out, nil
}

// ReclaimJobs takes over up to count jobs that other consumers have not
// touched for minIdle: their process died.
func (s *Store) ReclaimJobs(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]store.Delivery, error) {
	msgs, _, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: s.streamKey(), Group: deployGroup,
		MinIdle: minIdle, Start: "0-0", Count: int64(count), Consumer: consumer}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, s.jobsFail("reclaim deploy jobs", err)
	}
	return deliveries(msgs), nil
}

func deliveries(msgs []redis.XMessage) []store.Delivery {
	out := make([]store.Delivery, 0, len(msgs))
	for _, m := range msgs {
		v := func(k string) string { s, _ := m.Values[k].(string); return s }
		if v("run") == "" {
			continue
		}
		out = append(out, store.Delivery{MsgID: m.ID, Job: store.Job{Run: v("run"), CSR: csr.ID(v("csr")),
			Service: v("service"), Env: v("env"), SHA: v("sha"), Purpose: csr.Purpose(v("purpose"))}})
	}
	return out
}

// touchScript keeps a job's pending entry fresh while its owner works on it
// (so XAUTOCLAIM leaves it alone), if it is still that owner's.
//
// KEYS: stream, job. ARGV: group, msg id, consumer. Returns {owned, cancelled}.
var touchScript = redis.NewScript(`
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1, ARGV[3])
local owned = 0
if #p > 0 then
  redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
  owned = 1
end
local c = redis.call('HGET', KEYS[2], 'cancel')
if c == '1' then return {owned, 1} end
return {owned, 0}
`)

// TouchJob is a job owner's heartbeat.
func (s *Store) TouchJob(ctx context.Context, consumer, msgID, run string) (store.Touch, error) {
	res, err := touchScript.Run(ctx, s.rdb, []string{s.streamKey(), s.jobKey(run)}, deployGroup, msgID, consumer).Slice()
	if err != nil {
		return store.Touch{}, s.fail("touch job "+run, err)
	}
	return store.Touch{Owned: asInt(res[0]) == 1, Cancelled: asInt(res[1]) == 1}, nil
}

// finishScript ends a job: out of its line, marked done and announced
// (and kept a while), acknowledged and removed from the stream, and the
// deploy lock given up when the caller still holds it: one round trip for
// what ends every run.
//
// KEYS: stream, job, line, lock. ARGV: group, msg id, run, ttl seconds,
// lock value ("" when the caller holds no lock).
var finishScript = redis.NewScript(`
redis.call('ZREM', KEYS[3], ARGV[3])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'state', 'done', 'announced', '1')
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if ARGV[5] ~= '' and redis.call('GET', KEYS[4]) == ARGV[5] then
  redis.call('DEL', KEYS[4])
end
return 1
`)

// FinishJob acknowledges a job whose result is recorded and announced,
// and releases the deploy lock turn (token > 0) if the caller still holds it.
func (s *Store) FinishJob(ctx context.Context, d store.Delivery, token int64) error {
	keys := []string{s.streamKey(), s.jobKey(d.Job.Run), s.lineKey(d.Job.Service, d.Job.Env), s.lockKey(d.Job.Service, d.Job.Env)}
	lock := ""
	if token > 0 {
		lock = lockValue(token, d.Job.Run)
	}
	if err := finishScript.Run(ctx, s.rdb, keys, deployGroup, d.MsgID, d.Job.Run, int64(jobTTL/time.Second), lock).Err(); err != nil {
		return s.fail("finish job "+d.Job.Run, err)
	}
	return nil
}

// JobDone reports whether a run's job is finished.
func (s *Store) JobDone(ctx context.Context, run string) (bool, error) {
	st, err := s.rdb.HGet(ctx, s.jobKey(run), "state").Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, s.fail("job state of "+run, err)
	}
	return st == "done", nil
}

// setIfJobScript sets a field of an existing job record only; ARGV[3]
// "nx" sets it only when unset. Returns 1 when it set the field.
var setIfJobScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[3] == 'nx' then return redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`)

// CancelJob asks whoever runs (or will run) the job to cancel it.
func (s *Store) CancelJob(ctx context.Context, run string) error {
	if err := setIfJobScript.Run(ctx, s.rdb, []string{s.jobKey(run)}, "cancel", "1", "").Err(); err != nil {
		return s.fail("cancel job "+run, err)
	}
	return nil
}

// MarkAnnounced records that a run's result was announced; first is false
// when it already was. A run without a job record counts as unannounced.
func (s *Store) MarkAnnounced(ctx context.Context, run string) (bool, error) {
	n, err := setIfJobScript.Run(ctx, s.rdb, []string{s.jobKey(run)}, "announced", "1", "nx").Int()
	if err != nil {
		return false, s.fail("mark "+run+" announced", err)
	}
	return n != 0, nil
}

// LinkExternal remembers which run an external id belongs to, so a
// webhook naming only that id finds the run.
func (s *Store) LinkExternal(ctx context.Context, external, run string) error {
	if err := s.rdb.Set(ctx, s.key("ext", external), run, externalTTL).Err(); err != nil {
		return s.fail("link "+external, err)
	}
	return nil
}

// RunForExternal returns the run an external id belongs to, or "".
func (s *Store) RunForExternal(ctx context.Context, external string) (string, error) {
	run, err := s.rdb.Get(ctx, s.key("ext", external)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", s.fail(fmt.Sprintf("look up %s", external), err)
	}
	return run, nil
}
