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
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/csr"
	"releasebot/internal/store"
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
// environment runs now, all in one atomic step and one round trip. A
// create also raises the counter and the installation marker's high-water
// mark to the CSR's number (making the marker when there is none), so no
// id at or below it is handed out again.
//
// KEYS: csr hash, audit stream, counter, marker, [production record,
// production history list: when nLineage > 0], nRem index keys to leave,
// then index keys to join.
// ARGV: expected version, new version, data, id, score, nRem, nLineage,
// expected production record ("" = none yet), now (RFC 3339), fence key,
// fence value, fence ttl ms, link key, link value, link ttl s, nLineage
// lineage entries (newest first), then history entries.
// Returns 1 when saved, 0 when the version did not match, 2 when the
// production record changed since it was read, 3 when the fence key (a
// deploy lock) no longer holds the fence value. The checks come before any
// write, so a lost race writes nothing.
//
// The fence and link keys are the deploy queue's (a run started only while
// its lock is held, a started run's external id indexed to it): they come
// in ARGV because they exist only for some saves, and share the
// installation's hash tag, so on a Cluster they are in the CSR's slot.
var saveScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == '' then
  if v then return 0 end
elseif v ~= ARGV[1] then
  return 0
end
local nlin = tonumber(ARGV[7])
local first = 5
if nlin > 0 then
  first = 7
  local cur = redis.call('GET', KEYS[5])
  if (cur or '') ~= ARGV[8] then return 2 end
end
if ARGV[10] ~= '' then
  if redis.call('GET', ARGV[10]) ~= ARGV[11] then return 3 end
  redis.call('PEXPIRE', ARGV[10], ARGV[12])
end
if ARGV[13] ~= '' then
  redis.call('SET', ARGV[13], ARGV[14], 'EX', ARGV[15])
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'data', ARGV[3])
if ARGV[1] == '' then
  local sc = tonumber(ARGV[5])
  if tonumber(redis.call('GET', KEYS[3]) or '0') < sc then redis.call('SET', KEYS[3], sc) end
  if redis.call('EXISTS', KEYS[4]) == 0 then redis.call('HSET', KEYS[4], 'created', ARGV[9]) end
  if tonumber(redis.call('HGET', KEYS[4], 'high') or '0') < sc then redis.call('HSET', KEYS[4], 'high', sc) end
end
if nlin > 0 then
  redis.call('DEL', KEYS[6])
  for i = 16, 15 + nlin do
    redis.call('RPUSH', KEYS[6], ARGV[i])
  end
  redis.call('SET', KEYS[5], ARGV[16])
end
local nrem = tonumber(ARGV[6])
for i = first, #KEYS do
  if i - first + 1 <= nrem then
    redis.call('ZREM', KEYS[i], ARGV[4])
  else
    redis.call('ZADD', KEYS[i], ARGV[5], ARGV[4])
  end
end
for i = 16 + nlin, #ARGV do
  redis.call('XADD', KEYS[2], '*', 'csr', ARGV[4], 'entry', ARGV[i])
end
return 1
`)

// save writes next over old (nil: next is new), and prod when a run result
// changed what an environment runs, with the queue's writes w. It reports
// false when someone else saved the CSR, or changed that environment's
// record, first; store.ErrTurnLost when w's fence no longer holds.
func (s *Store) save(ctx context.Context, old *csr.CSR, next csr.CSR, prod *prodWrite, w store.RunWrite) (bool, error) {
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
	keys := []string{s.csrKey(next.ID), s.key("audit"), s.key("seq"), s.markerKey()}
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
	args := []any{expected, next.Version, data, string(next.ID), next.ID.Seq(), nRem, len(lineage), expectedProd,
		time.Now().UTC().Format(time.RFC3339Nano)}
	args = append(args, s.runWriteArgs(w)...)
	args = append(args, lineage...)
	for _, e := range next.History[seen:] {
		b, err := json.Marshal(e)
		if err != nil {
			return false, err
		}
		args = append(args, b)
	}
	n, err := s.runDurably(ctx, "save "+string(next.ID), keys, args)
	if n == 1 {
		s.noteSeen(next.ID.Seq())
	}
	if n == 3 && err == nil {
		err = fmt.Errorf("save %s: %w", next.ID, store.ErrTurnLost)
	}
	return n == 1, err
}

// runWriteArgs are saveScript's fence and link arguments for w.
func (s *Store) runWriteArgs(w store.RunWrite) []any {
	fence := []any{"", "", 0}
	if t := w.Fence; t.Token > 0 {
		fence = []any{s.lockKey(t.Service, t.Env), lockValue(t.Token, t.Run), max(t.TTL.Milliseconds(), 1)}
	}
	link := []any{"", "", 0}
	if w.Link.External != "" {
		link = []any{s.key("ext", w.Link.External), w.Link.Run, int64(externalTTL / time.Second)}
	}
	return append(fence, link...)
}

// runDurably runs saveScript and, when the store must wait for replicas,
// WAIT on the same connection right after it (WAIT counts the replicas
// that acknowledged the writes of its own connection). A saved change
// fewer replicas acknowledged returns 1 with an error wrapping
// store.ErrUnconfirmed.
func (s *Store) runDurably(ctx context.Context, op string, keys []string, args []any) (int, error) {
	d := s.durable
	if d.MinReplicas <= 0 {
		return saveScript.Run(ctx, s.rdb, keys, args...).Int()
	}
	conn := s.rdb
	if c, ok := conn.(*Client); ok {
		conn = c.UniversalClient
	}
	if cc, ok := conn.(*redis.ClusterClient); ok {
		// A cluster pipeline would send the keyless WAIT to any node: talk
		// to the primary of the installation's slot itself.
		m, err := cc.MasterForKey(ctx, keys[0])
		if err != nil {
			return 0, err
		}
		conn = m
	}
	for attempt := 0; ; attempt++ {
		pipe := conn.Pipeline()
		res := saveScript.EvalSha(ctx, pipe, keys, args...)
		acked := pipe.Do(ctx, "wait", d.MinReplicas, d.timeout().Milliseconds())
		_, _ = pipe.Exec(ctx)
		if err := res.Err(); err != nil {
			if attempt == 0 && strings.HasPrefix(err.Error(), "NOSCRIPT") {
				if err := saveScript.Load(ctx, conn).Err(); err != nil {
					return 0, err
				}
				continue
			}
			return 0, err
		}
		n, err := res.Int()
		if err != nil || n != 1 {
			return n, err
		}
		got, err := acked.Int64()
		if err != nil {
			return 1, fmt.Errorf("%s: %w: waiting for %d replica(s) failed, so the write may not survive a failover: %v",
				op, store.ErrUnconfirmed, d.MinReplicas, err)
		}
		if got < int64(d.MinReplicas) {
			return 1, fmt.Errorf("%s: %w: saved on the primary at %s, but only %d of %d replica(s) acknowledged it within %s, so the write may not survive a failover",
				op, store.ErrUnconfirmed, s.addr, got, d.MinReplicas, d.timeout())
		}
		return 1, nil
	}
}

// Create stores c as version 1, with its indexes and its history in the
// audit stream. The id must be new (see NextID).
func (s *Store) Create(ctx context.Context, c csr.CSR) (csr.CSR, error) {
	if c.ID.Seq() <= 0 {
		return csr.CSR{}, fmt.Errorf("create %q: the id has no number", c.ID)
	}
	c.Version = 1
	ok, err := s.save(ctx, nil, c, nil, store.RunWrite{})
	if errors.Is(err, store.ErrUnconfirmed) {
		return csr.CSR{}, err
	}
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
	s.noteSeen(id.Seq())
	return c, nil
}

func (s *Store) load(ctx context.Context, id csr.ID) (csr.CSR, error) {
	data, err := s.rdb.HGet(ctx, s.csrKey(id), "data").Bytes()
	if errors.Is(err, redis.Nil) {
		return csr.CSR{}, s.missing(id)
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
	return s.update(ctx, id, nil, m, store.RunWrite{})
}

// UpdateFrom is Update computed first from last, the CSR as the caller
// read it, which saves reading it again when nobody changed it since;
// when somebody did, it reloads and asks m again, like Update.
func (s *Store) UpdateFrom(ctx context.Context, last csr.CSR, m store.Mutation) (csr.CSR, []csr.Event, error) {
	return s.update(ctx, last.ID, &last, m, store.RunWrite{})
}

// UpdateRun is UpdateFrom with the deploy queue's writes that must go with
// the change in its atomic step: the run's turn still held (renewed), and
// its external id indexed. A lost turn writes nothing and returns
// store.ErrTurnLost.
func (s *Store) UpdateRun(ctx context.Context, last csr.CSR, m store.Mutation, w store.RunWrite) (csr.CSR, []csr.Event, error) {
	return s.update(ctx, last.ID, &last, m, w)
}

func (s *Store) update(ctx context.Context, id csr.ID, last *csr.CSR, m store.Mutation, w store.RunWrite) (csr.CSR, []csr.Event, error) {
	op := "update " + string(id)
	for attempt := range maxAttempts {
		var old csr.CSR
		if attempt == 0 && last != nil && last.Version > 0 {
			old = *last
		} else {
			var err error
			if old, err = s.load(ctx, id); err != nil {
				return csr.CSR{}, nil, s.fail(op, err)
			}
		}
		next, evs, err := m(old)
		if err != nil {
			if attempt == 0 && last != nil {
				// Decided on what the caller read, which may be stale:
				// decide again on what is stored.
				continue
			}
			return old, nil, err
		}
		if next.ID != id {
			return csr.CSR{}, nil, fmt.Errorf("%s: the change turned it into %q", op, next.ID)
		}
		next.Version = old.Version + 1
		var known *store.Lineage
		if attempt == 0 {
			known = w.Production // a lost race reads it again
		}
		prod, err := s.productionChange(ctx, old, next, known)
		if err != nil {
			return csr.CSR{}, nil, s.fail(op, err)
		}
		ok, err := s.save(ctx, &old, next, prod, w)
		if errors.Is(err, store.ErrUnconfirmed) || errors.Is(err, store.ErrTurnLost) {
			return csr.CSR{}, nil, err
		}
		if err != nil {
			return csr.CSR{}, nil, s.fail(op, err)
		}
		if ok {
			return next, evs, nil
		}
		if attempt == 0 && last != nil {
			continue // the caller's copy was stale: reload at once
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

// List returns the CSRs matching f, newest first: ListPage without the
// total.
func (s *Store) List(ctx context.Context, f store.Filter) ([]csr.CSR, error) {
	p, err := s.ListPage(ctx, f)
	return p.CSRs, err
}

// scanChunk is the most ids of the smallest index one step of an
// intersection reads.
const scanChunk = 500

// ListPage returns one page of the CSRs matching f, newest first, and how
// many match in all. Every filter is answered from sorted sets scored by
// CSR number: one set when a filter has its own index (a person, whose move
// it is, a service, a state, and the pairs service+state and person+state),
// otherwise the smallest of the sets is walked newest first and its ids
// kept when the others have them. The total is ZCARD, or ZINTERCARD for an
// intersection, per state: no listing reads every id of an index.
func (s *Store) ListPage(ctx context.Context, f store.Filter) (store.Page, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	offset := max(f.Offset, 0)
	sources := s.sources(f)

	total := 0
	want := offset + limit
	var hits []hit
	for _, keys := range sources {
		n, err := s.count(ctx, keys)
		if err != nil {
			return store.Page{}, s.fail("list", err)
		}
		total += n
		if n == 0 {
			continue
		}
		top, err := s.top(ctx, keys, want)
		if err != nil {
			return store.Page{}, s.fail("list", err)
		}
		hits = append(hits, top...)
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(cmp.Compare(b.seq, a.seq), cmp.Compare(b.id, a.id)) })
	hits = slices.CompactFunc(hits, func(a, b hit) bool { return a.id == b.id })
	if offset >= len(hits) {
		return store.Page{Total: total}, nil
	}
	hits = hits[offset:min(want, len(hits))]

	pipe := s.rdb.Pipeline()
	gets := make([]*redis.StringCmd, len(hits))
	for i, h := range hits {
		gets[i] = pipe.HGet(ctx, s.csrKey(csr.ID(h.id)), "data")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return store.Page{}, s.fail("list", err)
	}
	out := make([]csr.CSR, 0, len(gets))
	for i, g := range gets {
		data, err := g.Bytes()
		if errors.Is(err, redis.Nil) {
			continue // indexed but gone: never written that way, but not worth failing a listing
		}
		c, err := decode(data)
		if err != nil {
			return store.Page{}, fmt.Errorf("list: %s: %w", hits[i].id, err)
		}
		s.noteSeen(c.ID.Seq())
		out = append(out, c)
	}
	return store.Page{CSRs: out, Total: total}, nil
}

type hit struct {
	id  string
	seq float64
}

// sources returns, per state of f (or once when f names none), the index
// keys whose intersection is what f selects. States are disjoint, so the
// matches of the sources never overlap and their counts add up.
func (s *Store) sources(f store.Filter) [][]string {
	states := slices.Compact(slices.Sorted(slices.Values(f.States)))
	base := func(st csr.State) []string {
		var keys []string
		person := string(f.Person)
		switch {
		case st != "" && f.Service != "":
			keys = append(keys, s.key("idx", "svcstate", f.Service, string(st)))
		case st != "" && person != "":
			keys = append(keys, s.key("idx", "personstate", person, string(st)))
			person = ""
		case st != "":
			keys = append(keys, s.key("idx", "state", string(st)))
		case f.Service != "":
			keys = append(keys, s.key("idx", "service", f.Service))
		}
		if person != "" {
			keys = append(keys, s.key("idx", "person", person))
		}
		if f.Waiting != "" {
			keys = append(keys, s.key("idx", "waiting", string(f.Waiting)))
		}
		if len(keys) == 0 {
			keys = append(keys, s.key("idx", "all"))
		}
		return keys
	}
	if len(states) == 0 {
		return [][]string{base("")}
	}
	out := make([][]string, len(states))
	for i, st := range states {
		out[i] = base(st)
	}
	return out
}

// countScript counts the members of KEYS[1] that every other key has,
// for servers without ZINTERCARD (miniredis, Redis before 7).
var countScript = redis.NewScript(`
local n = 0
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do
  local all = true
  for k = 2, #KEYS do
    if not redis.call('ZSCORE', KEYS[k], id) then all = false break end
  end
  if all then n = n + 1 end
end
return n
`)

// count returns how many ids all keys share.
func (s *Store) count(ctx context.Context, keys []string) (int, error) {
	if len(keys) == 1 {
		n, err := s.rdb.ZCard(ctx, keys[0]).Result()
		return int(n), err
	}
	n, err := s.rdb.ZInterCard(ctx, 0, keys...).Result()
	var re redis.Error
	if err != nil && errors.As(err, &re) && strings.Contains(strings.ToLower(re.Error()), "unknown command") {
		sorted, err := s.bySize(ctx, keys)
		if err != nil {
			return 0, err
		}
		return countScript.Run(ctx, s.rdb, sorted).Int()
	}
	return int(n), err
}

// bySize orders keys smallest first.
func (s *Store) bySize(ctx context.Context, keys []string) ([]string, error) {
	pipe := s.rdb.Pipeline()
	cards := make([]*redis.IntCmd, len(keys))
	for i, k := range keys {
		cards[i] = pipe.ZCard(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, err
	}
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(cards[a].Val(), cards[b].Val()) })
	out := make([]string, len(keys))
	for i, j := range idx {
		out[i] = keys[j]
	}
	return out, nil
}

// top returns the newest n ids all keys share: one range read for one key;
// otherwise the smallest key is read newest first in chunks, each checked
// against the others with ZMSCORE, until n are found.
func (s *Store) top(ctx context.Context, keys []string, n int) ([]hit, error) {
	if len(keys) == 1 {
		zs, err := s.rdb.ZRevRangeWithScores(ctx, keys[0], 0, int64(n-1)).Result()
		return hits(zs), err
	}
	sorted, err := s.bySize(ctx, keys)
	if err != nil {
		return nil, err
	}
	var out []hit
	// The first chunk is about what a page needs; later ones double, up
	// to scanChunk, when few ids of the smallest index match.
	chunk := int64(min(max(2*n, 100), scanChunk))
	for start := int64(0); len(out) < n; start, chunk = start+chunk, min(2*chunk, scanChunk) {
		zs, err := s.rdb.ZRevRangeWithScores(ctx, sorted[0], start, start+chunk-1).Result()
		if err != nil {
			return nil, err
		}
		if len(zs) == 0 {
			break
		}
		ids := make([]string, len(zs))
		for i, z := range zs {
			ids[i] = z.Member.(string)
		}
		pipe := s.rdb.Pipeline()
		scores := make([]*redis.FloatSliceCmd, len(sorted)-1)
		for i, k := range sorted[1:] {
			scores[i] = pipe.ZMScore(ctx, k, ids...)
		}
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
		for i, z := range zs {
			if len(out) == n {
				break
			}
			in := true
			for _, sc := range scores {
				if v := sc.Val(); i >= len(v) || v[i] == 0 {
					in = false
					break
				}
			}
			if in {
				out = append(out, hit{ids[i], z.Score})
			}
		}
		if int64(len(zs)) < chunk {
			break
		}
	}
	return out, nil
}

func hits(zs []redis.Z) []hit {
	out := make([]hit, len(zs))
	for i, z := range zs {
		out[i] = hit{z.Member.(string), z.Score}
	}
	return out
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
