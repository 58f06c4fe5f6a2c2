package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"releasebot/csr"
	"releasebot/internal/store"

	"github.com/redis/go-redis/v9"
)

// acquireScript gives run the deploy lock of its service and environment
// when it is at the front of the line and nobody holds the lock. Heads of
// the line whose job is finished or gone are dropped on the way, so a lost
// job never blocks the line. The lock's value is "<token>:<run>", where the
// token is a fresh fencing number.
//
// A run given the lock is marked started in its job record, and the
// script returns whether it was before (an earlier owner of the job got
// this far, and may have started the run) and the run's CSR as stored now,
// so the new holder decides on fresh state without another round trip.
//
// KEYS: line, lock, fence, job, csr, production record, production
// history. ARGV: run, ttl ms, job key prefix, history entries to return
// (0: none, a run that does not change production).
// Returns {token or 0, position (0: not in line), started before (0|1),
// CSR data or "", production record or "", history entries}.
//
// The other runs' job keys are built here rather than passed in KEYS
// because the head is only known inside the script; they share the
// installation's hash tag, so on a Cluster they are in the same slot as
// the declared keys.
var acquireScript = redis.NewScript(`
local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
if not rank then
  local seq = redis.call('HGET', KEYS[4], 'seq')
  local st = redis.call('HGET', KEYS[4], 'state')
  if not seq or st == 'done' then return {0, 0, 0, '', '', {}} end
  redis.call('ZADD', KEYS[1], seq, ARGV[1])
end
for i = 1, 1000 do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if head == ARGV[1] then break end
  local st = redis.call('HGET', ARGV[3] .. head, 'state')
  if st and st ~= 'done' then
    return {0, redis.call('ZRANK', KEYS[1], ARGV[1]) + 1, 0, '', '', {}}
  end
  redis.call('ZREM', KEYS[1], head)
end
if redis.call('EXISTS', KEYS[2]) == 1 then return {0, 1, 0, '', '', {}} end
local token = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[2], token .. ':' .. ARGV[1], 'PX', ARGV[2])
local before = 0
if redis.call('HSETNX', KEYS[4], 'started', '1') == 0 then before = 1 end
local cur, hist = '', {}
if tonumber(ARGV[4]) > 0 then
  cur = redis.call('GET', KEYS[6]) or ''
  hist = redis.call('LRANGE', KEYS[7], 0, tonumber(ARGV[4]) - 1)
end
return {token, 1, before, redis.call('HGET', KEYS[5], 'data') or '', cur, hist}
`)

// renewScript extends the lock if it is still the caller's.
var renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)

// releaseScript deletes the lock if it is still the caller's.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

func (s *Store) lockKey(service, env string) string { return s.key("lock", service, env) }

func lockValue(token int64, run string) string { return strconv.FormatInt(token, 10) + ":" + run }

// AcquireTurn tries to give run the deploy lock of service and env (see
// store.Acquired).
func (s *Store) AcquireTurn(ctx context.Context, service, env, run string, ttl time.Duration) (store.Acquired, error) {
	keys := []string{s.lineKey(service, env), s.lockKey(service, env), s.key("fence", service, env),
		s.jobKey(run), s.csrKey(store.CSROf(run)), s.prodKey(service, env), s.prodHistKey(service, env)}
	hist := 0
	if changesProduction(run) {
		hist = store.HistoryLen
	}
	res, err := acquireScript.Run(ctx, s.rdb, keys, run, ttl.Milliseconds(), s.jobKey(""), hist).Slice()
	if err != nil {
		return store.Acquired{}, s.fail("acquire the deploy lock of "+service+"/"+env, err)
	}
	a := store.Acquired{Token: asInt(res[0]), Position: int(asInt(res[1])), StartedBefore: asInt(res[2]) == 1}
	if data, _ := res[3].(string); data != "" {
		c, err := decode([]byte(data))
		if err != nil {
			return store.Acquired{}, fmt.Errorf("acquire the deploy lock of %s/%s: %w", service, env, err)
		}
		a.CSR = &c
	}
	if hist > 0 && a.Token > 0 {
		cur, _ := res[4].(string)
		raw, _ := res[5].([]any)
		l := &store.Lineage{Raw: cur}
		for _, e := range raw {
			var d store.Deployment
			text, _ := e.(string)
			if err := json.Unmarshal([]byte(text), &d); err != nil {
				return store.Acquired{}, fmt.Errorf("production record of %s/%s: %w", service, env, err)
			}
			l.Entries = append(l.Entries, d)
		}
		a.Production = l
	}
	return a, nil
}

// changesProduction reports whether a run id ("CSR-1/deploy/1") is of a
// purpose that changes what production runs.
func changesProduction(run string) bool {
	parts := strings.Split(run, "/")
	return len(parts) == 3 && (parts[1] == string(csr.PurposeDeploy) || parts[1] == string(csr.PurposeRollback))
}

// RenewTurn extends the lock; false means it is no longer the caller's.
func (s *Store) RenewTurn(ctx context.Context, service, env, run string, token int64, ttl time.Duration) (bool, error) {
	n, err := renewScript.Run(ctx, s.rdb, []string{s.lockKey(service, env)}, lockValue(token, run), ttl.Milliseconds()).Int()
	if err != nil {
		return false, s.fail("renew the deploy lock of "+service+"/"+env, err)
	}
	return n == 1, nil
}

// ReleaseTurn gives the lock up if it is still the caller's.
func (s *Store) ReleaseTurn(ctx context.Context, service, env, run string, token int64) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.lockKey(service, env)}, lockValue(token, run)).Err(); err != nil {
		return s.fail("release the deploy lock of "+service+"/"+env, err)
	}
	return nil
}
