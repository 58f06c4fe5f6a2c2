package redisstore

import (
	"context"

	"releasebot/csr"
)

// Where the Slack messenger's messages about a CSR are, so any replica can
// update them:
//
//	{releasebot}:slack:<id>   hash: field -> "channel ts"
//
// The Slack adapter names the fields (its live card, each approver's
// direct message per step); the store only keeps them.

func (s *Store) slackKey(id csr.ID) string { return s.key("slack", string(id)) }

// SlackRefs returns every message ref recorded for a CSR.
func (s *Store) SlackRefs(ctx context.Context, id csr.ID) (map[string]string, error) {
	m, err := s.rdb.HGetAll(ctx, s.slackKey(id)).Result()
	if err != nil {
		return nil, s.fail("slack refs of "+string(id), err)
	}
	return m, nil
}

// SetSlackRef records (or replaces) one message ref of a CSR.
func (s *Store) SetSlackRef(ctx context.Context, id csr.ID, field, value string) error {
	if err := s.rdb.HSet(ctx, s.slackKey(id), field, value).Err(); err != nil {
		return s.fail("set slack ref of "+string(id), err)
	}
	return nil
}

// ClaimSlackRef records a ref only if the field has none yet (HSETNX) and
// reports whether it did: of several replicas about to post the same
// message, one wins.
func (s *Store) ClaimSlackRef(ctx context.Context, id csr.ID, field, value string) (bool, error) {
	ok, err := s.rdb.HSetNX(ctx, s.slackKey(id), field, value).Result()
	if err != nil {
		return false, s.fail("claim slack ref of "+string(id), err)
	}
	return ok, nil
}

// DeleteSlackRef forgets one message ref of a CSR.
func (s *Store) DeleteSlackRef(ctx context.Context, id csr.ID, field string) error {
	if err := s.rdb.HDel(ctx, s.slackKey(id), field).Err(); err != nil {
		return s.fail("delete slack ref of "+string(id), err)
	}
	return nil
}
