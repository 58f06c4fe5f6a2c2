package redisstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/csr"
	"releasebot/store"
)

// ErrExists: Create was given an id that is already stored.
var ErrExists = errors.New("already exists")

// maxAttempts bounds Update's optimistic retries. An attempt loses only
// when another change to the CSR was saved between its load and its save,
// so losing 50 times takes 50 other saves during one update: far beyond
// people clicking buttons.
const maxAttempts = 50

// saveScript writes a CSR if its stored version is still the one the change
// was computed from ("" = the CSR must not exist yet), moves its index
// memberships, appends its new history entries to the audit stream and,
// when a deploy or rollback run succeeded in the change, writes what the
// environment runs now, all in one atomic step and one round trip.
//
// KEYS: csr hash, audit stream, [production record, production history
// list: when nLineage > 0], nRem index keys to leave, then index keys to
// join.
// ARGV: expected version, new version, data, id, score, nRem, nLineage,
// expected production record ("" = none yet), nLineage lineage entries
// (newest first), then history entries.
// Returns 1 when saved, 0 when the version did not match, 2 when the
// production record changed since it was read. The checks come before any
// write, so a lost race writes nothing.
var saveScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == '' then
  if v then return 0 end
elseif v ~= ARGV[1] then
  return 0
end
local nlin = tonumber(ARGV[7])
local first = 3
if nlin > 0 then
  first = 5
  local cur = redis.call('GET', KEYS[3])
  if (cur or '') ~= ARGV[8] then return 2 end
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'data', ARGV[3])
if nlin > 0 then
  redis.call('DEL', KEYS[4])
  for i = 9, 8 + nlin do
    redis.call('RPUSH', KEYS[4], ARGV[i])
  end
  redis.call('SET', KEYS[3], ARGV[9])
end
local nrem = tonumber(ARGV[6])
for i = first, #KEYS do
  if i - first + 1 <= nrem then
    redis.call('ZREM', KEYS[i], ARGV[4])
  else
    redis.call('ZADD', KEYS[i], ARGV[5], ARGV[4])
  end
end
for i = 9 + nlin, #ARGV do
  redis.call('XADD', KEYS[2], '*', 'csr', ARGV[4], 'entry', ARGV[i])
end
return 1
`)

// save writes next over old (nil: next is new), and prod when a run result
// changed what an environment runs. It reports false when someone else
// saved the CSR, or changed that environment's record, first.
func (s *Store) save(ctx context.Context, old *csr.CSR, next csr.CSR, prod *prodWrite) (bool, error) {
	data, err := json.Marshal(next)
	if err != nil {
		return false, err
	}
	var was map[string]bool
	expected, seen := "", 0
	if old != nil {
		was, expected, seen = s.indexKeys(*old), strconv.FormatInt(old.Version, 10), len(old.History)
	}
	if len(next.History) < seen {
		return false, fmt.Errorf("history shrank from %d to %d entries; it is append-only", seen, len(next.History))
	}
	now := s.indexKeys(next)
	keys := []string{s.csrKey(next.ID), s.key("audit")}
	var lineage []any
	expectedProd := ""
	if prod != nil {
		keys = append(keys, prod.cur, prod.hist)
		expectedProd = prod.expected
		for _, d := range prod.lineage {
			b, err := json.Marshal(d)
			if err != nil {
				return false, err
			}
			lineage = append(lineage, b)
		}
	}
	fixed := len(keys)
	for k := range was {
		if !now[k] {
			keys = append(keys, k)
		}
	}
	nRem := len(keys) - fixed
	for k := range now {
		if !was[k] {
			keys = append(keys, k)
		}
	}
	args := []any{expected, next.Version, data, string(next.ID), next.ID.Seq(), nRem, len(lineage), expectedProd}
	args = append(args, lineage...)
	for _, e := range next.History[seen:] {
		b, err := json.Marshal(e)
		if err != nil {
			return false, err
		}
		args = append(args, b)
	}
	n, err := saveScript.Run(ctx, s.rdb, keys, args...).Int()
	return n == 1, err
}

// Create stores c as version 1, with its indexes and its history in the
// audit stream. The id must be new (see NextID).
func (s *Store) Create(ctx context.Context, c csr.CSR) (csr.CSR, error) {
	if c.ID.Seq() <= 0 {
		return csr.CSR{}, fmt.Errorf("create %q: the id has no number", c.ID)
	}
	c.Version = 1
	ok, err := s.save(ctx, nil, c, nil)
	if err != nil {
		return csr.CSR{}, s.fail("create "+string(c.ID), err)
	}
	if !ok {
		return csr.CSR{}, fmt.Errorf("create %s: %w", c.ID, ErrExists)
	}
	return c, nil
}

// Get returns the stored CSR; store.ErrNotFound when there is none.
func (s *Store) Get(ctx context.Context, id csr.ID) (csr.CSR, error) {
	c, err := s.load(ctx, id)
	if err != nil {
		return csr.CSR{}, s.fail("get "+string(id), err)
	}
	return c, nil
}

func (s *Store) load(ctx context.Context, id csr.ID) (csr.CSR, error) {
	data, err := s.rdb.HGet(ctx, s.csrKey(id), "data").Bytes()
	if errors.Is(err, redis.Nil) {
		return csr.CSR{}, store.ErrNotFound
	}
	if err != nil {
		return csr.CSR{}, err
	}
	return decode(data)
}

func decode(data []byte) (csr.CSR, error) {
	var c csr.CSR
	if err := json.Unmarshal(data, &c); err != nil {
		return csr.CSR{}, fmt.Errorf("decode stored CSR: %w", err)
	}
	return c, nil
}

// Update applies m to the freshest copy of the CSR and saves the result if
// nobody saved in between; otherwise it reloads and asks m again, so the
// domain decides on what is stored now (a second click on "approve" is then
// refused by the domain, not lost or applied twice).
//
// When the change makes a deploy or rollback run succeeded, what that
// environment runs (store.Deployment, its lineage) is written in the same
// atomic step, so the record can never disagree with the CSRs.
//
// When m returns an error (a *csr.Refusal, csr.ErrNoChange, anything)
// nothing is written and that error is returned unchanged, with the CSR as
// stored so the caller can show what refused it. After maxAttempts lost
// races the error wraps store.ErrConflict.
func (s *Store) Update(ctx context.Context, id csr.ID, m store.Mutation) (csr.CSR, []csr.Event, error) {
	op := "update " + string(id)
	for attempt := range maxAttempts {
		old, err := s.load(ctx, id)
		if err != nil {
			return csr.CSR{}, nil, s.fail(op, err)
		}
		next, evs, err := m(old)
		if err != nil {
			return old, nil, err
		}
		if next.ID != id {
			return csr.CSR{}, nil, fmt.Errorf("%s: the change turned it into %q", op, next.ID)
		}
		next.Version = old.Version + 1
		prod, err := s.productionChange(ctx, old, next)
		if err != nil {
			return csr.CSR{}, nil, s.fail(op, err)
		}
		ok, err := s.save(ctx, &old, next, prod)
		if err != nil {
			return csr.CSR{}, nil, s.fail(op, err)
		}
		if ok {
			return next, evs, nil
		}
		// Someone else saved first (this CSR, or what production runs).
		// Back off a little, with jitter so the
		// losers do not collide again in lockstep.
		wait := time.Duration(rand.Int64N(int64(min(attempt+1, 10)) * int64(time.Millisecond)))
		select {
		case <-ctx.Done():
			return csr.CSR{}, nil, fmt.Errorf("%s: %w", op, ctx.Err())
		case <-time.After(wait):
		}
	}
	return csr.CSR{}, nil, fmt.Errorf("%s after %d attempts: %w", op, maxAttempts, store.ErrConflict)
}

// List returns the CSRs matching f, newest first.
func (s *Store) List(ctx context.Context, f store.Filter) ([]csr.CSR, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	states := f.States
	if len(states) == 0 {
		states = csr.States
	}
	// Without a service or person to intersect with, the newest `limit` of
	// each state suffice; otherwise whole indexes are intersected, which is
	// fine at one installation's size.
	stop := int64(-1)
	if f.Service == "" && f.Person == "" {
		stop = int64(limit - 1)
	}
	pipe := s.rdb.Pipeline()
	byState := make([]*redis.ZSliceCmd, len(states))
	for i, st := range states {
		byState[i] = pipe.ZRevRangeWithScores(ctx, s.key("idx", "state", string(st)), 0, stop)
	}
	var narrow []*redis.StringSliceCmd
	if f.Service != "" {
		narrow = append(narrow, pipe.ZRange(ctx, s.key("idx", "service", f.Service), 0, -1))
	}
	if f.Person != "" {
		narrow = append(narrow, pipe.ZRange(ctx, s.key("idx", "person", string(f.Person)), 0, -1))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.fail("list", err)
	}

	type hit struct {
		id  string
		seq float64
	}
	var hits []hit
	for _, cmd := range byState {
		for _, z := range cmd.Val() {
			hits = append(hits, hit{z.Member.(string), z.Score})
		}
	}
	for _, cmd := range narrow {
		in := make(map[string]bool, len(cmd.Val()))
		for _, id := range cmd.Val() {
			in[id] = true
		}
		hits = slices.DeleteFunc(hits, func(h hit) bool { return !in[h.id] })
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(cmp.Compare(b.seq, a.seq), cmp.Compare(b.id, a.id)) })
	hits = hits[:min(limit, len(hits))]
	if len(hits) == 0 {
		return nil, nil
	}

	pipe = s.rdb.Pipeline()
	gets := make([]*redis.StringCmd, len(hits))
	for i, h := range hits {
		gets[i] = pipe.HGet(ctx, s.csrKey(csr.ID(h.id)), "data")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, s.fail("list", err)
	}
	out := make([]csr.CSR, 0, len(gets))
	for i, g := range gets {
		data, err := g.Bytes()
		if errors.Is(err, redis.Nil) {
			continue // indexed but gone: never written that way, but not worth failing a listing
		}
		c, err := decode(data)
		if err != nil {
			return nil, fmt.Errorf("list: %s: %w", hits[i].id, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// auditPage is how many stream entries one read returns while looking for
// one CSR's records.
const auditPage = 500

// Audit returns the newest limit audit records of a CSR (id "" = of all
// CSRs; limit <= 0 = all of them), oldest first.
//
// The audit log is one stream for the installation, so one CSR's records
// are found by reading it backwards; its history in the CSR is the quick
// view, this is the tamper-evident one.
func (s *Store) Audit(ctx context.Context, id csr.ID, limit int) ([]store.AuditRecord, error) {
	var out []store.AuditRecord
	end := "+"
	for {
		count := int64(auditPage)
		if id == "" && limit > 0 {
			count = int64(limit - len(out))
		}
		msgs, err := s.rdb.XRevRangeN(ctx, s.key("audit"), end, "-", count).Result()
		if err != nil {
			return nil, s.fail("audit", err)
		}
		for _, m := range msgs {
			r, err := record(m)
			if err != nil {
				return nil, fmt.Errorf("audit: %w", err)
			}
			if id != "" && r.CSR != id {
				continue
			}
			out = append(out, r)
			if limit > 0 && len(out) == limit {
				slices.Reverse(out)
				return out, nil
			}
		}
		if int64(len(msgs)) < count {
			slices.Reverse(out)
			return out, nil
		}
		end = "(" + msgs[len(msgs)-1].ID
	}
}

func record(m redis.XMessage) (store.AuditRecord, error) {
	id, _ := m.Values["csr"].(string)
	entry, _ := m.Values["entry"].(string)
	r := store.AuditRecord{StreamID: m.ID, CSR: csr.ID(id)}
	if err := json.Unmarshal([]byte(entry), &r.Entry); err != nil {
		return r, fmt.Errorf("stream entry %s: %w", m.ID, err)
	}
	return r, nil
}
