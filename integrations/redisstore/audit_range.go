package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"releasebot/internal/store"
)

// AuditRange calls each with every audit record the store wrote in
// [from, until), oldest first, reading the stream forwards a page at a
// time (XRANGE from stream ids made of the two times), so an export of a
// month never holds the month in memory nor reads the years after it. A
// zero from is the stream's start, a zero until its end. The times are
// those of the writes as Redis stamped them (a stream id is the server's
// clock in milliseconds); each record's Entry.At is the bot's own time.
// An error from each stops the read and is returned as it is.
func (s *Store) AuditRange(ctx context.Context, from, until time.Time, each func(store.AuditRecord) error) error {
	start, end := "-", "+"
	if !from.IsZero() {
		start = strconv.FormatInt(from.UnixMilli(), 10) + "-0"
	}
	if !until.IsZero() {
		// Exclusive: the last id of the millisecond before until.
		end = "(" + strconv.FormatInt(until.UnixMilli(), 10) + "-0"
	}
	for {
		msgs, err := s.rdb.XRangeN(ctx, s.key("audit"), start, end, auditPage).Result()
		if err != nil {
			return s.fail("audit range", err)
		}
		for _, m := range msgs {
			r, err := record(m)
			if err != nil {
				return fmt.Errorf("audit: %w", err)
			}
			if err := each(r); err != nil {
				return err
			}
		}
		if len(msgs) < auditPage {
			return nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}
