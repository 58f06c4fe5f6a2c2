package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/csr"
	"releasebot/internal/store"
)

// The installation marker, {prefix}:marker, is a hash written with the
// first id handed out and kept up to date by every NextID and Create:
//
//	created  when the marker was made (RFC 3339, UTC): which store this is
//	high     the highest CSR number ever handed out, kept apart from the
//	         INCR counter {prefix}:seq
//	lost_at, lost_reason
//	         the first data loss a bot detected, for doctor and other
//	         processes; an operator clears them after checking
//
// A Redis restarted empty, flushed, or failed over to a replica that
// missed writes has a marker that is gone, new, or behind what the bot
// already saw. The store never hands out an id at or below the highest it
// knows of (the counter, the marker, and the ids this process saw), so a
// lost store cannot make a second CSR-4.

func (s *Store) markerKey() string { return s.key("marker") }

// nextIDScript hands out the next CSR number: one more than the highest of
// the counter, the marker's high-water mark and the caller's floor (the
// highest id the process saw), and records it in both. It creates the
// marker when there is none.
//
// KEYS: counter, marker. ARGV: floor, now (RFC 3339).
// Returns {id, created, counter before, high before, marker existed 0/1}.
var nextIDScript = redis.NewScript(`
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local existed = redis.call('EXISTS', KEYS[2])
local high = tonumber(redis.call('HGET', KEYS[2], 'high') or '0')
local n = math.max(seq, high, tonumber(ARGV[1])) + 1
redis.call('SET', KEYS[1], n)
if existed == 0 then
  redis.call('HSET', KEYS[2], 'created', ARGV[2])
end
redis.call('HSET', KEYS[2], 'high', n)
return {n, redis.call('HGET', KEYS[2], 'created'), seq, high, existed}
`)

// initMarkerScript makes the marker of an installation older than it, from
// its counter, unless there is one. KEYS: counter, marker. ARGV: now.
var initMarkerScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], 'created', ARGV[1], 'high', tonumber(redis.call('GET', KEYS[1]) or '0'))
return 1
`)

// NextID returns the next CSR number; it is never one handed out before,
// even when Redis lost its counter (see the marker above).
func (s *Store) NextID(ctx context.Context) (int64, error) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	// seen is read before the script runs: every id in it was recorded in
	// Redis before it was noted here, so a marker below it lost writes.
	// Read after, it could include an id another goroutine got meanwhile.
	seen := s.seen.Load()
	res, err := nextIDScript.Run(ctx, s.rdb, []string{s.key("seq"), s.markerKey()}, seen, now).Slice()
	if err != nil {
		return 0, s.fail("next id", err)
	}
	if len(res) != 5 {
		return 0, fmt.Errorf("next id: unexpected reply %v", res)
	}
	n, _ := res[0].(int64)
	created, _ := res[1].(string)
	seq, _ := res[2].(int64)
	high, _ := res[3].(int64)
	existed, _ := res[4].(int64)
	s.noteSeen(n)
	// The marker exists now; made says whether this call made it.
	s.judge(ctx, state{created: created, counter: seq, high: high, exists: true}, seen, existed == 0)
	return n, nil
}

// Integrity is the result of an integrity check of the store.
type Integrity struct {
	OK bool
	// Created is when the installation marker was made; zero when there is
	// none yet (a new store: it is made with the first CSR).
	Created time.Time
	// HighWater is the highest CSR number handed out, as the store
	// remembers it; Counter is the CSR counter; Seen the highest number
	// this process handed out or read.
	HighWater, Counter, Seen int64
	// Problems say, in plain words for an operator, how the store lost
	// data. Once found, a problem stays reported for the life of the
	// process: the data does not come back by itself.
	Problems []string
	// LostAt is when data loss was first detected (by this process or, as
	// recorded in the marker, by another one).
	LostAt time.Time
}

// Err is nil when the store is intact, otherwise an error naming every
// problem (for /readyz and doctor; no secrets).
func (in Integrity) Err() error {
	if in.OK {
		return nil
	}
	return fmt.Errorf("%w: %s", store.ErrDataLost, strings.Join(in.Problems, "; "))
}

// state is what Redis holds about the installation.
type state struct {
	created       string
	counter, high int64
	exists        bool
	lostAt        string
	lostReason    string
}

func (s *Store) readState(ctx context.Context) (state, error) {
	pipe := s.rdb.Pipeline()
	seq := pipe.Get(ctx, s.key("seq"))
	m := pipe.HGetAll(ctx, s.markerKey())
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return state{}, err
	}
	var st state
	if v, err := seq.Int64(); err == nil {
		st.counter = v
	}
	fields := m.Val()
	st.exists = len(fields) > 0
	st.created = fields["created"]
	st.high, _ = strconv.ParseInt(fields["high"], 10, 64)
	st.lostAt, st.lostReason = fields["lost_at"], fields["lost_reason"]
	return st, nil
}

// CheckIntegrity compares what Redis holds with what this process saw
// and reports a store that lost data: the marker gone or replaced while
// this process had seen it, the counter below the highest id handed out,
// or ids this process saw above what the store remembers (a failover to a
// replica that missed confirmed writes). A loss is logged at error level
// once, recorded in the marker for other processes and doctor, and stays
// in the result. Call it at start and then periodically (Watch does).
//
// A store with no marker and nothing seen yet is new, or older than the
// marker: CheckIntegrity makes the marker then, from the counter.
func (s *Store) CheckIntegrity(ctx context.Context) (Integrity, error) {
	seen := s.seen.Load() // before reading Redis: see NextID
	st, err := s.readState(ctx)
	if err != nil {
		return Integrity{}, s.fail("integrity check", err)
	}
	s.judge(ctx, st, seen, false)
	if !st.exists && st.counter > 0 {
		// An installation older than the marker: make it from the counter.
		now := time.Now().UTC().Format(time.RFC3339Nano)
		if err := initMarkerScript.Run(ctx, s.rdb, []string{s.key("seq"), s.markerKey()}, now).Err(); err != nil {
			return Integrity{}, s.fail("integrity check", err)
		}
		if st, err = s.readState(ctx); err != nil {
			return Integrity{}, s.fail("integrity check", err)
		}
		s.judge(ctx, st, seen, false)
	}
	in := Integrity{HighWater: st.high, Counter: st.counter, Seen: seen}
	in.Created, _ = time.Parse(time.RFC3339Nano, st.created)
	s.integrity.Lock()
	in.Problems = append([]string(nil), s.integrity.problems...)
	in.LostAt = s.integrity.lostAt
	s.integrity.Unlock()
	if st.lostAt != "" && len(in.Problems) == 0 {
		in.Problems = []string{fmt.Sprintf("a bot found at %s that the store lost data: %s (after checking, clear the record with `HDEL %s lost_at lost_reason`)",
			st.lostAt, st.lostReason, s.markerKey())}
		in.LostAt, _ = time.Parse(time.RFC3339Nano, st.lostAt)
	}
	in.OK = len(in.Problems) == 0
	return in, nil
}

// judge compares st with what this process knows and records any loss.
// made: st.created was just made by this call (NextID found no marker).
func (s *Store) judge(ctx context.Context, st state, seen int64, made bool) {
	s.integrity.Lock()
	known := s.integrity.created
	var problem string
	switch {
	case known != "" && (!st.exists || made && st.created != known):
		problem = fmt.Sprintf("the installation marker is gone (it was made %s): Redis was emptied, restarted without persistence, flushed, or failed over to a server without the data", known)
	case known != "" && st.created != "" && st.created != known:
		problem = fmt.Sprintf("the installation marker changed (made %s, now %s): Redis was emptied or replaced and refilled", known, st.created)
	case known == "" && seen > 0 && (made || !st.exists) && st.counter < seen:
		// (made: the counter read is from before the script, i.e. what
		// the store had.)
		problem = fmt.Sprintf("this bot saw CSR numbers up to %d, but the store has no installation marker: Redis was emptied or restarted without persistence", seen)
	case st.exists && st.counter < st.high:
		problem = fmt.Sprintf("the CSR counter is at %d but numbers up to %d were handed out: the counter was lost or rolled back", st.counter, st.high)
	case !made && st.exists && seen > st.high:
		problem = fmt.Sprintf("this bot handed out or read CSR numbers up to %d, but the store remembers only %d: writes it had confirmed were lost (a failover to a replica that missed them?)", seen, st.high)
	}
	if st.created != "" && (known == "" || problem != "") {
		s.integrity.created = st.created
	}
	fresh := problem != "" && !slices.Contains(s.integrity.problems, problem)
	if fresh {
		s.integrity.problems = append(s.integrity.problems, problem)
		if s.integrity.lostAt.IsZero() {
			s.integrity.lostAt = time.Now().UTC()
		}
	}
	lostAt := s.integrity.lostAt
	s.integrity.Unlock()
	if !fresh {
		return
	}
	s.log.ErrorContext(ctx, "STORE DATA LOSS: the release store lost data; CSRs may be missing. New CSR ids continue above every id seen, so none is reused.",
		"problem", problem, "redis", s.addr)
	// Record it for doctor and the other processes; the first record stays.
	pipe := s.rdb.Pipeline()
	first := pipe.HSetNX(ctx, s.markerKey(), "lost_at", lostAt.Format(time.RFC3339Nano))
	pipe.HSetNX(ctx, s.markerKey(), "lost_reason", problem)
	if _, err := pipe.Exec(ctx); err != nil {
		s.log.ErrorContext(ctx, "could not record the data loss in the store", "err", s.fail("record data loss", err))
		return
	}
	if first.Val() && s.alarm != nil {
		s.alarm(ctx, problem)
	}
}

// lost reports whether this process found that the store lost data.
func (s *Store) lost() (time.Time, bool) {
	s.integrity.Lock()
	defer s.integrity.Unlock()
	return s.integrity.lostAt, len(s.integrity.problems) > 0
}

// missing turns "not found" for id into a data-loss error when the store is
// known to have lost data and id was handed out before.
func (s *Store) missing(id csr.ID) error {
	at, lost := s.lost()
	if lost && id.Seq() > 0 && id.Seq() <= s.seen.Load() {
		return fmt.Errorf("%s was handed out but is not in the store: %w (detected %s): %w",
			id, store.ErrDataLost, at.Format(time.RFC3339), store.ErrNotFound)
	}
	return store.ErrNotFound
}

// Watch runs CheckIntegrity and EnsureIndexes now, then CheckIntegrity
// every interval (<= 0: a minute) until ctx ends, logging a failed check
// at warning level (a loss is logged by CheckIntegrity itself, at error
// level).
func (s *Store) Watch(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Minute
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for first := true; ; first = false {
		if _, err := s.CheckIntegrity(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "store integrity check failed", "err", err)
		}
		if first {
			if err := s.EnsureIndexes(ctx); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "store indexes could not be rebuilt; listings may miss CSRs saved by an older version", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
