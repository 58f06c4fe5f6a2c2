package redisstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// QueueStats says how many deploy jobs are not finished and when the
// oldest of them was queued (zero when none is). A finished job is
// acknowledged and deleted from the stream in one script (FinishJob), so
// the stream holds exactly the jobs queued or running. Metrics read it at
// scrape time: two reads, whatever the queue's length.
func (s *Store) QueueStats(ctx context.Context) (depth int64, oldest time.Time, err error) {
	pipe := s.rdb.Pipeline()
	n := pipe.XLen(ctx, s.streamKey())
	first := pipe.XRangeN(ctx, s.streamKey(), "-", "+", 1)
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return 0, time.Time{}, s.fail("queue stats", err)
	}
	if msgs := first.Val(); len(msgs) > 0 {
		oldest = streamTime(msgs[0].ID)
	}
	return n.Val(), oldest, nil
}

// streamTime is the time in a stream id ("1733300000000-0").
func streamTime(id string) time.Time {
	ms, _, _ := strings.Cut(id, "-")
	n, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(n)
}
