package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/app"
	"releasebot/config"
	"releasebot/integrations/redisstore"
	"releasebot/integrations/slack"
)

// benchConfig is the bot's config: the example's people and approval line,
// fake deployers that finish at once, and no deploy window (the load never
// deploys to production, and the figures must not depend on the hour).
const benchConfig = `
timezone: Asia/Seoul
csr_prefix: CSR
admins: [grace]
people:
  alice: U0ALICE001
  bob: U0BOB00002
  carol: U0CAROL003
  dave: U0DAVE0004
  erin: U0ERIN0005
  frank: U0FRANK006
  grace: U0GRACE007
groups:
  sm: [carol, dave]
services:
  - name: billing-api
    repo: acme/billing-api
    channel: "#billing-releases"
    environments:
      - {name: test, deployer: {kind: fake, delay: 0s}}
      - {name: prod, deployer: {kind: fake, delay: 0s}}
    approval_line:
      - {name: lead, approvers: [bob], required: 1}
      - {name: sm, approvers: ["group:sm"], required: 1}
      - {name: business, approvers: [erin], required: 1}
    evidence_required: true
  - name: web-frontend
    repo: acme/web-frontend
    channel: "#web-releases"
    environments:
      - {name: staging, deployer: {kind: fake, delay: 0s}}
      - {name: prod, deployer: {kind: fake, delay: 0s}}
    approval_line:
      - {name: lead, approvers: [bob], required: 1}
`

// Slack ids of the people of benchConfig.
const (
	alice = "U0ALICE001"
	bob   = "U0BOB00002"
	carol = "U0CAROL003"
	dave  = "U0DAVE0004"
	erin  = "U0ERIN0005"
	frank = "U0FRANK006"
	grace = "U0GRACE007"
)

var everyone = []string{alice, bob, carol, dave, erin, frank, grace}

// benchSecret is the signing secret of Slack's documented example.
const benchSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// stack is everything the benchmark serves in process, on loopback: the
// fake Slack Web API, the bot in HTTP mode wired like `releasebot serve`,
// and the floor.
type stack struct {
	fake     *fakeSlack
	app      *app.App
	ad       *slack.Adapter
	bot      *http.Server
	botURL   string
	floor    *http.Server
	floorURL string
	logs     *logSink
	secret   slack.Secret

	rdb      redis.UniversalClient
	prefix   string
	ownRedis bool // connected here: close it at the end
}

func startStack(ctx context.Context, o options) (s *stack, err error) {
	s = &stack{secret: slack.NewSecret(benchSecret), logs: &logSink{w: o.botLog}}
	defer func() {
		if err != nil {
			_ = s.close(context.Background())
		}
	}()
	s.rdb, s.prefix = o.redis, o.prefix
	if s.rdb == nil {
		if s.rdb, err = redisstore.Connect(ctx, o.redisURL); err != nil {
			return s, fmt.Errorf("redis at %s: %w (start one, or set REDIS_URL)", o.redisURL, err)
		}
		s.ownRedis = true
	}
	if s.prefix == "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		s.prefix = "rbbench:" + hex.EncodeToString(b)
	}
	s.fake = newFakeSlack(o.slackLatency)

	// The bot, as cmd/releasebot/serve.go wires it.
	log := slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	cfg, err := config.Parse("bench.yaml", []byte(benchConfig))
	if err != nil {
		return s, err
	}
	policy := slack.NewGroupsConfig(cfg)
	settings := slack.Settings{BotToken: slack.NewSecret("xoxb-0000-bench-token"), SigningSecret: s.secret, APIURL: s.fake.apiURL()}
	if s.app, err = app.New(ctx, app.Options{Config: cfg, Policy: policy, Defer: true, Redis: s.rdb, Prefix: s.prefix, Log: log,
		Getenv: func(string) string { return "" },
		Messenger: func(p app.Parts) (app.Messenger, error) {
			var err error
			s.ad, err = slack.New(slack.Options{Settings: settings, Bot: p.Bot, Cards: p.Bot, Grammar: p.Bot,
				CSRs: p.Store, Refs: p.Store, People: policy, Services: policy, Clock: p.Clock, Log: log, Command: "/release", Workers: o.workers})
			return s.ad, err
		}}); err != nil {
		return s, err
	}
	if err := s.ad.Identify(ctx); err != nil {
		return s, err
	}
	s.ad.FollowGroups(ctx, policy, 5*time.Minute)
	s.app.Start(ctx)
	mux := http.NewServeMux()
	s.app.Routes(mux)
	mux.Handle("/slack/", slack.NewHTTPHandler(s.ad, slack.NewVerifier(settings.SigningSecret, nil)))
	if s.bot, s.botURL, err = serve(mux); err != nil {
		return s, err
	}
	if s.floor, s.floorURL, err = serve(floorHandler(slack.NewVerifier(s.secret, nil))); err != nil {
		return s, err
	}
	return s, nil
}

// floorHandler is the least a Slack endpoint must do: read the body,
// verify its signature with the bot's own Verifier, answer 200.
func floorHandler(v slack.Verifier) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable request", http.StatusBadRequest)
			return
		}
		if err := v.Verify(r.Header, body); err != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// serve starts an HTTP server with serve's settings on a free loopback
// port.
func serve(h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}

// settle waits until the bot's queued commands, the deploys they started
// and the message updates they caused are all done.
func (s *stack) settle(ctx context.Context) error {
	for range 3 {
		s.app.Runner.Wait()
		if err := s.ad.Flush(ctx); err != nil {
			return fmt.Errorf("the bot's queue did not drain: %w", err)
		}
	}
	return nil
}

// close stops everything and deletes the benchmark's keys.
func (s *stack) close(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var errs []error
	for _, srv := range []*http.Server{s.bot, s.floor} {
		if srv != nil {
			if err := srv.Shutdown(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if s.ad != nil {
		s.app.Runner.Wait()
		if err := s.ad.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("slack adapter: %w", err))
		}
	}
	if s.app != nil {
		s.app.Close()
	}
	if s.fake != nil {
		s.fake.close()
	}
	if s.rdb != nil && s.prefix != "" {
		if err := deleteMatching(ctx, s.rdb, "*"+s.prefix+"*"); err != nil {
			errs = append(errs, fmt.Errorf("delete the keys of %s: %w", s.prefix, err))
		}
	}
	if s.ownRedis && s.rdb != nil {
		_ = s.rdb.Close()
	}
	return errors.Join(errs...)
}

func deleteMatching(ctx context.Context, rdb redis.UniversalClient, pattern string) error {
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 500 {
			if err := rdb.Del(ctx, keys...).Err(); err != nil {
				return err
			}
			keys = keys[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(keys) > 0 {
		return rdb.Del(ctx, keys...).Err()
	}
	return nil
}

// logSink takes the bot's log: it counts lines, keeps the first warnings
// and errors for the report, and copies everything to w when set (-botlog).
// The lines are formatted as in production, so their cost is measured.
type logSink struct {
	w            io.Writer
	lines, warns atomic.Int64
	errs         atomic.Int64

	mu      sync.Mutex
	samples []string
}

func (l *logSink) Write(p []byte) (int, error) {
	l.lines.Add(1)
	bad := false
	switch {
	case bytes.Contains(p, []byte("level=ERROR")):
		l.errs.Add(1)
		bad = true
	case bytes.Contains(p, []byte("level=WARN")):
		l.warns.Add(1)
		bad = true
	}
	if bad {
		l.mu.Lock()
		if len(l.samples) < 5 {
			l.samples = append(l.samples, strings.TrimSpace(string(p)))
		}
		l.mu.Unlock()
	}
	if l.w != nil {
		return l.w.Write(p)
	}
	return len(p), nil
}

// take returns the counts since the last call and resets them.
func (l *logSink) take() (lines, warns, errs int64, samples []string) {
	l.mu.Lock()
	samples, l.samples = l.samples, nil
	l.mu.Unlock()
	return l.lines.Swap(0), l.warns.Swap(0), l.errs.Swap(0), samples
}
