package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"releasebot/csr"
)

// indexVersion names the set of indexes the save script keeps. A store
// whose marker names an older one (or none) gets its indexes rebuilt by
// EnsureIndexes.
//
//	2: all, svcstate, personstate and waiting next to state, service and person
const indexVersion = "2"

// EnsureIndexes rebuilds the listing indexes once when the marker says
// they were made by an older version of the bot (Reindex), and records the
// version. Call it at start, before serving listings; Watch does.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	v, err := s.rdb.HGet(ctx, s.markerKey(), "index").Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return s.fail("ensure indexes", err)
	}
	if v == indexVersion {
		return nil
	}
	n, err := s.Reindex(ctx)
	if err != nil {
		return err
	}
	if n > 0 || v != "" {
		s.log.InfoContext(ctx, "store indexes rebuilt", "csrs", n, "from_version", v, "to_version", indexVersion)
	}
	// Only an existing marker gets the version: NextID or Create makes
	// the marker, and an empty store has nothing to index.
	exists, err := s.rdb.Exists(ctx, s.markerKey()).Result()
	if err != nil {
		return s.fail("ensure indexes", err)
	}
	if exists == 1 {
		if err := s.rdb.HSet(ctx, s.markerKey(), "index", indexVersion).Err(); err != nil {
			return s.fail("ensure indexes", err)
		}
	}
	return nil
}

// Reindex adds every stored CSR to every index it belongs to now, reading
// the CSRs through the state indexes (which every version kept) in pages.
// It returns how many CSRs it indexed. Memberships that are no longer
// true (a person who is no longer an approver of a step) are left; the
// listing code checks what it shows.
func (s *Store) Reindex(ctx context.Context) (int, error) {
	const page = 500
	total := 0
	for _, st := range csr.States {
		key := s.key("idx", "state", string(st))
		for start := int64(0); ; start += page {
			ids, err := s.rdb.ZRange(ctx, key, start, start+page-1).Result()
			if err != nil {
				return total, s.fail("reindex", err)
			}
			if len(ids) == 0 {
				break
			}
			pipe := s.rdb.Pipeline()
			gets := make([]*redis.StringCmd, len(ids))
			for i, id := range ids {
				gets[i] = pipe.HGet(ctx, s.csrKey(csr.ID(id)), "data")
			}
			if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
				return total, s.fail("reindex", err)
			}
			pipe = s.rdb.Pipeline()
			for i, g := range gets {
				data, err := g.Bytes()
				if errors.Is(err, redis.Nil) {
					continue
				}
				c, err := decode(data)
				if err != nil {
					return total, fmt.Errorf("reindex %s: %w", ids[i], err)
				}
				for k := range s.indexKeys(c) {
					pipe.ZAdd(ctx, k, redis.Z{Score: float64(c.ID.Seq()), Member: string(c.ID)})
				}
				total++
			}
			if _, err := pipe.Exec(ctx); err != nil {
				return total, s.fail("reindex", err)
			}
			if len(ids) < page {
				break
			}
		}
	}
	return total, nil
}
