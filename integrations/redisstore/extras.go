package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/csr"
	"releasebot/internal/store"
)

// SetFreeze sets the chat-set freeze of f.Service, replacing any earlier
// one. The key does not expire: whether a freeze is over is decided with the
// injected clock in Freezes, never with Redis's wall clock (the console
// rehearses tonight while it is noon).
func (s *Store) SetFreeze(ctx context.Context, f csr.Freeze) error {
	if f.Service == "" || !f.Until.After(f.From) {
		return fmt.Errorf("set freeze: need a service and an end after the start, got %q %s..%s", f.Service, f.From, f.Until)
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, s.key("freeze", f.Service), data, 0).Err(); err != nil {
		return s.fail("set freeze of "+f.Service, err)
	}
	return nil
}

// ClearFreeze removes the chat-set freeze of service and reports whether
// there was one.
func (s *Store) ClearFreeze(ctx context.Context, service string) (bool, error) {
	n, err := s.rdb.Del(ctx, s.key("freeze", service)).Result()
	if err != nil {
		return false, s.fail("clear freeze of "+service, err)
	}
	return n > 0, nil
}

// Freezes returns the chat-set freeze of service if it is active at now or
// still to come. Freezes from the config file are the caller's to add.
func (s *Store) Freezes(ctx context.Context, service string, now time.Time) ([]csr.Freeze, error) {
	data, err := s.rdb.Get(ctx, s.key("freeze", service)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail("freezes of "+service, err)
	}
	var f csr.Freeze
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("freezes of %s: %w", service, err)
	}
	if !now.Before(f.Until) {
		return nil, nil
	}
	return []csr.Freeze{f}, nil
}

// Claim records key (an event's idempotency key) for ttl (<= 0:
// store.DefaultIdempotencyTTL) and reports whether this was the first
// claim: one atomic SET NX, so of many replicas receiving the same Slack
// retry exactly one proceeds.
func (s *Store) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		ttl = store.DefaultIdempotencyTTL
	}
	ok, err := s.rdb.SetNX(ctx, s.key("idem", key), 1, ttl).Result()
	if err != nil {
		return false, s.fail("claim "+key, err)
	}
	return ok, nil
}

// Release forgets a claim, so that a retry of an event whose processing
// failed internally may run.
func (s *Store) Release(ctx context.Context, key string) error {
	if err := s.rdb.Del(ctx, s.key("idem", key)).Err(); err != nil {
		return s.fail("release "+key, err)
	}
	return nil
}

// getWithFreezeScript reads a CSR and the chat freeze of its service in
// one round trip: the service is read from the stored CSR (cjson), and
// the freeze key shares the installation's hash tag, so on a Cluster it is
// in the CSR's slot. KEYS: csr hash. ARGV: freeze key prefix.
// Returns {data or false, freeze or false}.
var getWithFreezeScript = redis.NewScript(`
local data = redis.call('HGET', KEYS[1], 'data')
if not data then return {false, false} end
local ok, c = pcall(cjson.decode, data)
if not ok or type(c.service) ~= 'string' then return {data, false} end
return {data, redis.call('GET', ARGV[1] .. c.service)}
`)

// GetWithFreezes returns the stored CSR and the chat freezes of its
// service in force at now, read together (a production deploy decides on
// both).
func (s *Store) GetWithFreezes(ctx context.Context, id csr.ID, now time.Time) (csr.CSR, []csr.Freeze, error) {
	res, err := getWithFreezeScript.Run(ctx, s.rdb, []string{s.csrKey(id)}, s.key("freeze", "")).Slice()
	if err != nil {
		return csr.CSR{}, nil, s.fail("get "+string(id), err)
	}
	data, _ := res[0].(string)
	if data == "" {
		return csr.CSR{}, nil, s.fail("get "+string(id), s.missing(id))
	}
	c, err := decode([]byte(data))
	if err != nil {
		return csr.CSR{}, nil, err
	}
	s.noteSeen(id.Seq())
	raw, _ := res[1].(string)
	if raw == "" {
		return c, nil, nil
	}
	var f csr.Freeze
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return c, nil, fmt.Errorf("freezes of %s: %w", c.Service, err)
	}
	if !now.Before(f.Until) {
		return c, nil, nil
	}
	return c, []csr.Freeze{f}, nil
}
