// Package redistest gives tests a real Redis: a shared server isolated by a
// key prefix per test, or a private server a test may stop to simulate an
// outage.
//
// Tests run against real Redis rather than a fake because the store's
// guarantees (Lua atomicity, optimistic versions, stream ids) are Redis's,
// and a fake would only test the fake.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultURL is used when REDIS_URL is not set.
const DefaultURL = "redis://127.0.0.1:6379/0"

const howToStart = "start one with `redis-server --daemonize yes --port 6379 --save ''` " +
	"(or run `make test`, which starts it), or point REDIS_URL at another"

// URL is the Redis the tests share: REDIS_URL or DefaultURL.
func URL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// Client connects to the shared Redis and returns a key prefix unique to this
// test. Every key containing the prefix is deleted and the client closed when
// the test ends. Without a reachable Redis the test is skipped, or fails when
// CI=true, so CI can never pass by skipping.
func Client(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	u := URL()
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
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis at %s does not answer (%v): %s", u, err, howToStart)
		}
		t.Skipf("redis at %s does not answer (%v): %s", u, err, howToStart)
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

// StartServer starts a private, memory-only redis-server on a free port and
// returns its address. The server is killed when the test ends; stop kills
// it earlier, for tests of what happens when Redis goes away.
func StartServer(t testing.TB) (addr string, stop func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is not installed: %v", err)
		}
		t.Skipf("redis-server is not installed: %v", err)
	}
	// The free port may be taken between closing the listener and the
	// server binding it; try again with a new port then.
	var lastErr error
	for range 3 {
		addr, stop, err := start(t, bin)
		if err == nil {
			t.Cleanup(stop)
			return addr, stop
		}
		lastErr = err
	}
	t.Fatalf("start redis-server: %v", lastErr)
	return "", nil
}

func start(t testing.TB, bin string) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))

	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			<-exited
		})
	}

	rdb := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return addr, stop, nil
		}
		select {
		case werr := <-exited:
			return "", nil, fmt.Errorf("redis-server on %s exited: %v", addr, werr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("redis-server on %s does not answer: %w", addr, err)
		}
	}
}
