// Package redisstore keeps CSRs, their audit log, what each environment
// runs, freezes and idempotency keys in Redis.
//
// Every key of one installation shares one Redis Cluster hash tag, the
// prefix in braces:
//
//	{releasebot}:seq                  the CSR counter
//	{releasebot}:csr:<id>             hash {v: version, data: JSON of csr.CSR}
//	{releasebot}:idx:state:<state>    sorted sets of ids, scored by id number
//	{releasebot}:idx:service:<svc>
//	{releasebot}:idx:person:<person>  requester or assignee
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
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/csr"
	"releasebot/store"
)

// Store is the CSR store on Redis. It is safe for concurrent use, also by
// several processes sharing one Redis.
type Store struct {
	rdb  redis.UniversalClient
	tag  string // "{prefix}"
	addr string // where Redis is, for error messages
}

// New returns a store keeping its keys under prefix ("releasebot" when
// empty), so installations and tests can share a Redis. Braces are removed
// from the prefix: they would break the hash tag.
//
// Give rdb short timeouts and few retries (see Options and Connect), so a
// Redis that is down is reported in a second or two, not after go-redis's
// defaults of several retries of 5 s each.
func New(rdb redis.UniversalClient, prefix string) *Store {
	prefix = strings.NewReplacer("{", "", "}", "").Replace(prefix)
	if prefix == "" {
		prefix = "releasebot"
	}
	return &Store{rdb: rdb, tag: "{" + prefix + "}", addr: addrOf(rdb)}
}

func (s *Store) key(parts ...string) string { return s.tag + ":" + strings.Join(parts, ":") }

func (s *Store) csrKey(id csr.ID) string { return s.key("csr", string(id)) }

// indexKeys are the sorted sets c belongs to.
func (s *Store) indexKeys(c csr.CSR) map[string]bool {
	keys := map[string]bool{
		s.key("idx", "state", string(c.State)): true,
		s.key("idx", "service", c.Service):     true,
	}
	for _, p := range []csr.Person{c.Requester, c.Assignee} {
		if p != "" {
			keys[s.key("idx", "person", string(p))] = true
		}
	}
	return keys
}

// NextID returns the next CSR number.
func (s *Store) NextID(ctx context.Context) (int64, error) {
	n, err := s.rdb.Incr(ctx, s.key("seq")).Result()
	if err != nil {
		return 0, s.fail("next id", err)
	}
	return n, nil
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return s.fail("ping", err)
	}
	return nil
}

// fail adds what was being done to err and, when Redis could not be
// reached, store.ErrUnavailable and where Redis was expected.
func (s *Store) fail(op string, err error) error {
	if unreachable(err) {
		return fmt.Errorf("%s: %w: redis at %s did not answer (is it running and reachable?): %w", op, store.ErrUnavailable, s.addr, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unreachable reports whether err means Redis could not serve the request
// at all, as opposed to refusing it.
func unreachable(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// A server that answers but cannot serve: loading its data, failing
	// over, or a replica after a failover.
	var re redis.Error
	if errors.As(err, &re) {
		for _, p := range []string{"LOADING ", "READONLY ", "MASTERDOWN ", "CLUSTERDOWN ", "TRYAGAIN "} {
			if strings.HasPrefix(re.Error(), p) {
				return true
			}
		}
	}
	return false
}

func addrOf(rdb redis.UniversalClient) string {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().Addr
	case *redis.ClusterClient:
		return strings.Join(c.Options().Addrs, ",")
	}
	return "the configured address"
}

// Options parses a redis:// or rediss:// URL (any option go-redis's
// ParseURL knows, e.g. ?dial_timeout=2s) into options for a universal
// client. Extra ?addr=host:port parameters list more cluster nodes; a
// ?master=<name> parameter makes the addresses Sentinels of that master.
//
// Timeouts not set in the URL are short: a dial timeout of 1 s, one dial
// attempt and one command retry (enough to replace a connection broken by a
// Redis restart), so an unreachable Redis is reported within about 2 s, not
// after go-redis's defaults (5 dial attempts, 3 retries, 5 s reads), while
// a person waits for a reply in chat.
func Options(rawURL string) (*redis.UniversalOptions, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error quotes the whole URL, password included: report only
		// what is wrong with it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("redis url is malformed (%v); want redis://[:password@]host:port/db", err)
	}
	q := u.Query()
	extra, master := q["addr"], q.Get("master")
	q.Del("addr")
	q.Del("master")
	u.RawQuery = q.Encode()
	o, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("redis url %s: %w", u.Redacted(), err)
	}
	uo := &redis.UniversalOptions{
		Addrs:                 append([]string{o.Addr}, extra...),
		MasterName:            master,
		DB:                    o.DB,
		Username:              o.Username,
		Password:              o.Password,
		Protocol:              o.Protocol,
		ClientName:            o.ClientName,
		TLSConfig:             o.TLSConfig,
		MaxRetries:            o.MaxRetries,
		MinRetryBackoff:       o.MinRetryBackoff,
		MaxRetryBackoff:       o.MaxRetryBackoff,
		DialTimeout:           o.DialTimeout,
		ReadTimeout:           o.ReadTimeout,
		WriteTimeout:          o.WriteTimeout,
		PoolSize:              o.PoolSize,
		PoolTimeout:           o.PoolTimeout,
		MinIdleConns:          o.MinIdleConns,
		MaxIdleConns:          o.MaxIdleConns,
		MaxActiveConns:        o.MaxActiveConns,
		ConnMaxIdleTime:       o.ConnMaxIdleTime,
		ConnMaxLifetime:       o.ConnMaxLifetime,
		ContextTimeoutEnabled: true,
		DialerRetries:         1,
	}
	set := func(name string, d *time.Duration, def time.Duration) {
		if !q.Has(name) {
			*d = def
		}
	}
	set("dial_timeout", &uo.DialTimeout, time.Second)
	set("read_timeout", &uo.ReadTimeout, time.Second)
	set("write_timeout", &uo.WriteTimeout, time.Second)
	set("pool_timeout", &uo.PoolTimeout, 2*time.Second)
	if !q.Has("max_retries") {
		uo.MaxRetries = 1
	}
	return uo, nil
}

// Connect opens a client for a redis:// or rediss:// URL with the options
// of Options and checks that Redis answers.
func Connect(ctx context.Context, rawURL string) (redis.UniversalClient, error) {
	o, err := Options(rawURL)
	if err != nil {
		return nil, err
	}
	rdb := redis.NewUniversalClient(o)
	if err := New(rdb, "").Ping(ctx); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	return rdb, nil
}
