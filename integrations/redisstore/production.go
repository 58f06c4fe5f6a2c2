package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"releasebot/csr"
	"releasebot/internal/store"
)

// rebuildLimit is how many of a service's newest CSRs are replayed when a
// lineage is rebuilt (see rebuild).
const rebuildLimit = 500

func (s *Store) prodKey(service, env string) string { return s.key("prod", service, env) }

func (s *Store) prodHistKey(service, env string) string { return s.key("prodhist", service, env) }

// prodWrite is the lineage a save writes with the CSR: what the run that
// just succeeded makes the environment run.
type prodWrite struct {
	cur, hist string
	expected  string // the current record as read ("" = none): the save is refused if it changed since
	lineage   []store.Deployment
}

// productionChange returns what saving next over old writes to the
// production records: nothing unless a deploy or rollback run became
// succeeded in this change (one already succeeded in old is not applied
// again).
//
// known, when set, is the record as read with the run's turn (nobody else
// changes it while the turn is held); otherwise it is read here. The save
// checks it did not change either way.
func (s *Store) productionChange(ctx context.Context, old, next csr.CSR, known *store.Lineage) (*prodWrite, error) {
	var done []csr.Run
	for _, r := range next.Runs {
		if r.Status != csr.RunSucceeded || !store.Counts(r) {
			continue
		}
		if i := slices.IndexFunc(old.Runs, func(o csr.Run) bool { return o.ID == r.ID }); i >= 0 && old.Runs[i].Status == csr.RunSucceeded {
			continue
		}
		if len(done) > 0 && done[0].Env != r.Env {
			return nil, fmt.Errorf("runs in %s and %s succeeded in one change; one environment at a time", done[0].Env, r.Env)
		}
		done = append(done, r)
	}
	if len(done) == 0 {
		return nil, nil
	}
	env := done[0].Env
	var raw string
	var lineage []store.Deployment
	if known != nil {
		raw, lineage = known.Raw, slices.Clone(known.Entries)
	} else {
		var err error
		if raw, lineage, err = s.readLineage(ctx, next.Service, env, store.HistoryLen); err != nil {
			return nil, err
		}
	}
	if raw == "" {
		// The first result recorded for this environment: start from what
		// the CSRs say ran before, so the lineage is whole from here on.
		var err error
		if lineage, err = s.rebuild(ctx, next.Service, env); err != nil {
			return nil, err
		}
	}
	moved := false
	for _, r := range done {
		var ok bool
		lineage, ok = store.Advance(lineage, next.ID, r)
		moved = moved || ok
	}
	if !moved {
		return nil, nil
	}
	return &prodWrite{cur: s.prodKey(next.Service, env), hist: s.prodHistKey(next.Service, env), expected: raw, lineage: lineage}, nil
}

// readLineage reads the current record (raw JSON, "" when there is none)
// and the newest n entries of the lineage, in one atomic read.
func (s *Store) readLineage(ctx context.Context, service, env string, n int) (string, []store.Deployment, error) {
	pipe := s.rdb.TxPipeline()
	cur := pipe.Get(ctx, s.prodKey(service, env))
	hist := pipe.LRange(ctx, s.prodHistKey(service, env), 0, int64(n-1))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return "", nil, err
	}
	raw, err := cur.Result()
	if errors.Is(err, redis.Nil) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	out := make([]store.Deployment, 0, len(hist.Val()))
	for _, h := range hist.Val() {
		var d store.Deployment
		if err := json.Unmarshal([]byte(h), &d); err != nil {
			return "", nil, fmt.Errorf("decode production record of %s/%s: %w", service, env, err)
		}
		out = append(out, d)
	}
	return raw, out, nil
}

// rebuild replays the runs of the service's newest CSRs: what the bot did
// before it kept lineages. A service with more CSRs than rebuildLimit
// loses the deploys of older ones from the rebuilt lineage, never what
// runs now unless the CSR running it is that old.
func (s *Store) rebuild(ctx context.Context, service, env string) ([]store.Deployment, error) {
	cs, err := s.List(ctx, store.Filter{Service: service, Limit: rebuildLimit})
	if err != nil {
		return nil, err
	}
	return store.Rebuild(cs, env), nil
}

// seedScript stores a rebuilt lineage only if nothing is kept yet, so a
// rebuild can never overwrite what a run result wrote meanwhile.
//
// KEYS: current record, history list. ARGV: the entries, newest first.
var seedScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
for i = 1, #ARGV do
  redis.call('RPUSH', KEYS[2], ARGV[i])
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`)

// ProductionHistory returns what env of service runs now and ran before,
// newest first, at most n entries (n <= 0: all kept, store.HistoryLen):
// [0] is what runs now and [1] what a rollback of it restores. Empty when
// nothing was ever deployed there.
//
// The lineage is written with each deploy and rollback result (see
// Update). For a service whose CSRs were deployed before that, it is
// rebuilt once from the service's CSRs and kept, if it holds anything and
// nothing was written meanwhile.
func (s *Store) ProductionHistory(ctx context.Context, service, env string, n int) ([]store.Deployment, error) {
	op := "production of " + service + "/" + env
	if n <= 0 || n > store.HistoryLen {
		n = store.HistoryLen
	}
	raw, lineage, err := s.readLineage(ctx, service, env, n)
	if err != nil {
		return nil, s.fail(op, err)
	}
	if raw != "" {
		return lineage, nil
	}
	if lineage, err = s.rebuild(ctx, service, env); err != nil {
		return nil, s.fail(op, err)
	}
	if len(lineage) == 0 {
		return nil, nil
	}
	args := make([]any, len(lineage))
	for i, d := range lineage {
		b, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		args[i] = b
	}
	seeded, err := seedScript.Run(ctx, s.rdb, []string{s.prodKey(service, env), s.prodHistKey(service, env)}, args...).Int()
	if err != nil {
		return nil, s.fail(op, err)
	}
	if seeded == 0 {
		// A run result was written meanwhile: that is the record.
		if _, lineage, err = s.readLineage(ctx, service, env, n); err != nil {
			return nil, s.fail(op, err)
		}
	}
	return lineage[:min(n, len(lineage))], nil
}

// Production returns what env of service runs now; false when nothing was
// ever deployed there.
func (s *Store) Production(ctx context.Context, service, env string) (store.Deployment, bool, error) {
	h, err := s.ProductionHistory(ctx, service, env, 1)
	if err != nil || len(h) == 0 {
		return store.Deployment{}, false, err
	}
	return h[0], true, nil
}
