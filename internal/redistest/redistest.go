// Package redistest gives tests a private Redis: a server a test may stop
// to simulate an outage, a replica, a cluster. The shared server, isolated
// by a key prefix per test, is testenv.Redis.
//
// Tests run against real Redis rather than a fake because the store's
// guarantees (Lua atomicity, optimistic versions, stream ids) are Redis's,
// and a fake would only test the fake.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/internal/testenv"
)

// URL is the Redis the tests share: REDIS_URL or its default.
func URL() string { return testenv.RedisURL() }

// need returns the path of a Redis program. Without it the test is
// skipped, or fails when CI=true, so CI can never pass by skipping.
func need(t testing.TB, program string) string {
	t.Helper()
	bin, err := exec.LookPath(program)
	if err != nil {
		testenv.Unavailable(t, "%s is not installed (%v): install Redis (`apt-get install redis-server`) to run this test", program, err)
	}
	return bin
}

// Server is a private, memory-only redis-server a test started.
type Server struct {
	Addr string
	Port int

	t    testing.TB
	bin  string
	args []string
	dir  string

	mu   sync.Mutex
	stop func()
}

// StartServer starts a private, memory-only redis-server on a free port and
// returns its address. The server is killed when the test ends; stop kills
// it earlier, for tests of what happens when Redis goes away.
func StartServer(t testing.TB) (addr string, stop func()) {
	t.Helper()
	s := Start(t)
	return s.Addr, s.Stop
}

// Start starts a private, memory-only redis-server on a free port, with
// extra redis-server arguments (e.g. "--replicaof", "127.0.0.1", "6380").
// It is killed when the test ends.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	bin := need(t, "redis-server")
	// The free port may be taken between closing the listener and the
	// server binding it; try again with a new port then.
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			lastErr = err
			continue
		}
		s := &Server{Port: port, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), t: t, bin: bin, args: args, dir: t.TempDir()}
		stop, err := s.start()
		if err == nil {
			s.stop = stop
			t.Cleanup(s.Stop)
			return s
		}
		lastErr = err
	}
	t.Fatalf("start redis-server: %v", lastErr)
	return nil
}

// Stop kills the server; it does nothing when it is not running.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// Restart kills the server and starts it again, empty (it keeps nothing on
// disk), on the same port: what a Redis without persistence looks like
// after a crash.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	var err error
	for range 20 { // the port is ours, but the kernel may take a moment to free it
		var stop func()
		if stop, err = s.start(); err == nil {
			s.mu.Lock()
			s.stop = stop
			s.mu.Unlock()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("restart redis-server on %s: %v", s.Addr, err)
}

// Client returns a client of the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, DialTimeout: time.Second, DialerRetries: 1, MaxRetries: 1})
	s.t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// StartReplica starts a replica of primary and waits until it is in sync.
func StartReplica(t testing.TB, primary *Server) *Server {
	t.Helper()
	r := Start(t, "--replicaof", "127.0.0.1", strconv.Itoa(primary.Port))
	rdb := r.Client()
	deadline := time.Now().Add(8 * time.Second)
	for {
		info, err := rdb.Info(context.Background(), "replication").Result()
		if err == nil && strings.Contains(info, "master_link_status:up") {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s of %s is not in sync: %v %s", r.Addr, primary.Addr, err, info)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// StartCluster starts a Redis Cluster of three primaries without replicas
// and waits until every node says cluster_state:ok. The nodes are killed
// when the test ends.
func StartCluster(t testing.TB) []*Server {
	t.Helper()
	cli := need(t, "redis-cli")
	nodes := make([]*Server, 3)
	addrs := make([]string, 3)
	for i := range nodes {
		nodes[i] = Start(t, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")
		addrs[i] = nodes[i].Addr
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(8 * time.Second)
	for _, n := range nodes {
		rdb := n.Client()
		for {
			info, err := rdb.ClusterInfo(context.Background()).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cluster node %s is not ok: %v %s", n.Addr, err, info)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nodes
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, l.Close()
}

func (s *Server) start() (func(), error) {
	args := append([]string{"--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir}, s.args...)
	_ = os.Remove(s.dir + "/nodes.conf")
	cmd := exec.Command(s.bin, args...)
	if err := cmd.Start(); err != nil {
		return nil, err
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

	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return stop, nil
		}
		select {
		case werr := <-exited:
			return nil, fmt.Errorf("redis-server on %s exited: %v", s.Addr, werr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("redis-server on %s does not answer: %w", s.Addr, err)
		}
	}
}
