package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisURL is used when REDIS_URL is not set.
const DefaultRedisURL = "redis://127.0.0.1:6379/0"

const howToStartRedis = "start one with `redis-server --daemonize yes --port 6379 --save ''` " +
	"(or run `make test`, which starts it), or point REDIS_URL at another"

// RedisURL is the Redis the tests share: REDIS_URL or DefaultRedisURL.
func RedisURL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return DefaultRedisURL
}

// Unavailable ends a test that lacks something of the machine: skipped,
// or failed when CI=true, so CI can never pass by skipping.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true, so this test fails instead of skipping: "+format, args...)
	}
	t.Skipf(format, args...)
}

// Redis connects to the shared Redis and returns a key prefix unique to
// this test. Every key containing the prefix is deleted and the client
// closed when the test ends. Without a reachable Redis the test is
// skipped, or fails when CI=true (see Unavailable).
func Redis(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	u := RedisURL()
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("REDIS_URL %q: %v", u, err)
	}
	opt.DialTimeout, opt.DialerRetries, opt.MaxRetries = time.Second, 1, 1
	rdb := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		Unavailable(t, "redis at %s does not answer (%v): %s", u, err, howToStartRedis)
	}
	prefix := "rbtest:" + randomHex()
	t.Cleanup(func() {
		defer rdb.Close()
		if err := deleteMatching(context.Background(), rdb, "*"+prefix+"*"); err != nil {
			t.Errorf("clean up keys of %s: %v", prefix, err)
		}
	})
	return rdb, prefix
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

// deleteMatching deletes keys one by one, so it also works when they span
// cluster slots.
func deleteMatching(ctx context.Context, rdb *redis.Client, pattern string) error {
	iter := rdb.Scan(ctx, 0, pattern, 500).Iterator()
	pipe := rdb.Pipeline()
	for iter.Next(ctx) {
		pipe.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	_, err := pipe.Exec(ctx)
	return err
}
