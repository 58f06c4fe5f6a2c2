// Package redisstore keeps CSRs, their audit log, what each environment
// runs, freezes and idempotency keys in Redis.
//
// Every key of one installation shares one Redis Cluster hash tag, the
// prefix in braces:
//
//	{releasebot}:seq                  the CSR counter
//	{releasebot}:marker               hash: the installation marker (integrity.go)
//	{releasebot}:csr:<id>             hash {v: version, data: JSON of csr.CSR}
//	{releasebot}:idx:all              sorted sets of ids, scored by id number:
//	{releasebot}:idx:state:<state>      every CSR, by state, service, person
//	{releasebot}:idx:service:<svc>      (requester or assignee), whose move it is
//	{releasebot}:idx:person:<person>    (store.WaitingOn), and the pairs lists
//	{releasebot}:idx:waiting:<person>   combine most (service and state,
//	{releasebot}:idx:svcstate:<svc>:<state>  person and state)
//	{releasebot}:idx:personstate:<person>:<state>
//	{releasebot}:audit                stream: csr=<id>, entry=<JSON of csr.Entry>
//	{releasebot}:prod:<svc>:<env>     JSON of store.Deployment: what runs there now
//	{releasebot}:prodhist:<svc>:<env> list of JSON store.Deployment, newest first: the lineage
//	{releasebot}:freeze:<svc>         JSON of csr.Freeze
//	{releasebot}:idem:<key>           idempotency claims
//
// One installation's release data is small, and a transition must update the
// CSR, its indexes and the audit log atomically; in a Cluster a script may
// only touch keys of one slot, so one slot per installation is the price of
// that atomicity, and an easy one to pay. The same code then runs on a single
// server, Sentinel and Cluster through redis.UniversalClient, and on
// miniredis for the console.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/csr"
	"releasebot/internal/store"
)

// Store is the CSR store on Redis. It is safe for concurrent use, also by
// several processes sharing one Redis.
type Store struct {
	rdb      redis.UniversalClient
	tag      string // "{prefix}"
	addr     string // where Redis is, for error messages
	log      *slog.Logger
	services func(name string) (csr.Service, bool)
	durable  Durability

	// seen is the highest CSR number this process handed out or read:
	// ids at or below it are never handed out again, even when Redis lost
	// both its counter and its marker.
	seen atomic.Int64
	// integrity is what this process knows about the marker (integrity.go).
	integrity struct {
		sync.Mutex
		created  string   // the marker's creation time as first seen; "" before
		problems []string // data loss detected in this process: sticky
		lostAt   time.Time
	}
	alarm func(ctx context.Context, problem string) // see WithLossAlarm
}

// Option configures a Store.
type Option func(*Store)

// WithLogger sends the store's own alarms (data loss) to l; without it,
// slog.Default().
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// WithLossAlarm has alarm called when this process is the first of the
// installation to find that the store lost data (the loss is recorded in
// the marker once, so of several bot processes only one raises it), so
// people can be told beside the log. alarm must not block for long: it
// runs inside the integrity check.
func WithLossAlarm(alarm func(ctx context.Context, problem string)) Option {
	return func(s *Store) { s.alarm = alarm }
}

// WithServices tells the store the services' approval lines, so that it can
// index whose move a CSR in approval waits for (store.WaitingOn). Without
// it a CSR in approval is indexed as waiting on nobody.
func WithServices(lookup func(name string) (csr.Service, bool)) Option {
	return func(s *Store) { s.services = lookup }
}

// WithDurability makes Create and Update wait for replicas (see
// Durability). Connect's clients carry the URL's min_replicas, which New
// applies by itself.
func WithDurability(d Durability) Option { return func(s *Store) { s.durable = d } }

// New returns a store keeping its keys under prefix ("releasebot" when
// empty), so installations and tests can share a Redis. Braces are removed
// from the prefix: they would break the hash tag.
//
// Give rdb short timeouts and few retries (see Connect), so a Redis that
// is down is reported in a second or two, not after go-redis's defaults of
// several retries of 5 s each. A client made by Connect also brings the
// URL's min_replicas.
func New(rdb redis.UniversalClient, prefix string, opts ...Option) *Store {
	prefix = strings.NewReplacer("{", "", "}", "").Replace(prefix)
	if prefix == "" {
		prefix = "releasebot"
	}
	s := &Store{rdb: rdb, tag: "{" + prefix + "}", addr: addrOf(rdb), log: slog.Default()}
	if c, ok := rdb.(*Client); ok {
		s.durable = c.URL.Durability
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *Store) key(parts ...string) string { return s.tag + ":" + strings.Join(parts, ":") }

func (s *Store) csrKey(id csr.ID) string { return s.key("csr", string(id)) }

// indexKeys are the sorted sets c belongs to.
func (s *Store) indexKeys(c csr.CSR) map[string]bool {
	st := string(c.State)
	keys := map[string]bool{
		s.key("idx", "all"):                     true,
		s.key("idx", "state", st):               true,
		s.key("idx", "service", c.Service):      true,
		s.key("idx", "svcstate", c.Service, st): true,
	}
	for _, p := range c.People() {
		if p != "" {
			keys[s.key("idx", "person", string(p))] = true
			keys[s.key("idx", "personstate", string(p), st)] = true
		}
	}
	if s.services != nil {
		if svc, ok := s.services(c.Service); ok {
			for _, p := range store.WaitingOn(c, svc) {
				keys[s.key("idx", "waiting", string(p))] = true
			}
		}
	}
	return keys
}

// noteSeen raises the process's high-water mark to n.
func (s *Store) noteSeen(n int64) {
	for {
		cur := s.seen.Load()
		if n <= cur || s.seen.CompareAndSwap(cur, n) {
			return
		}
	}
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return s.fail("ping", err)
	}
	return nil
}

// fail adds what was being done to err and, when Redis could not be
// reached or cannot serve now, store.ErrUnavailable (and
// store.ErrFailingOver) and where Redis was expected.
func (s *Store) fail(op string, err error) error {
	return failAt(op, s.addr, err)
}

func failAt(op, addr string, err error) error {
	switch {
	case failingOver(err):
		return fmt.Errorf("%s: %w: %w: redis at %s cannot serve right now (loading its data, failing over or resharding); try again in a moment: %w",
			op, store.ErrUnavailable, store.ErrFailingOver, addr, err)
	case movedHere(err):
		return fmt.Errorf("%s: %w: redis at %s is a node of a Redis Cluster but the client is not a cluster client; use a redis+cluster:// URL: %w",
			op, store.ErrUnavailable, addr, err)
	case unreachable(err):
		return fmt.Errorf("%s: %w: redis at %s did not answer (is it running and reachable?): %w", op, store.ErrUnavailable, addr, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unreachable reports whether err means Redis could not be reached at all.
func unreachable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) ||
		errors.Is(err, context.DeadlineExceeded)
}

// failingOverPrefixes are the replies of a server that answers but cannot
// serve: loading its data, failing over, a replica after a failover, a
// cluster without quorum or moving slots.
var failingOverPrefixes = []string{"LOADING ", "READONLY ", "MASTERDOWN ", "CLUSTERDOWN ", "TRYAGAIN ", "NOREPLICAS ", "FAILOVER "}

// failingOver reports whether err says Redis cannot serve for a moment.
func failingOver(err error) bool {
	var re redis.Error
	if errors.As(err, &re) {
		for _, p := range failingOverPrefixes {
			if strings.HasPrefix(re.Error(), p) {
				return true
			}
		}
	}
	// go-redis's own words when no Sentinel knows a master now.
	return err != nil && strings.Contains(err.Error(), "redis: all sentinels specified in configuration are unreachable")
}

// movedHere reports a MOVED or ASK reply: a plain client talking to a
// cluster node that does not hold the key.
func movedHere(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && (strings.HasPrefix(re.Error(), "MOVED ") || strings.HasPrefix(re.Error(), "ASK "))
}

func addrOf(rdb redis.UniversalClient) string {
	switch c := rdb.(type) {
	case *Client:
		return c.URL.Redacted
	case *redis.Client:
		return c.Options().Addr
	case *redis.ClusterClient:
		return strings.Join(c.Options().Addrs, ",")
	}
	return "the configured address"
}
