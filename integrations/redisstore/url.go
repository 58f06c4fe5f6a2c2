package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Kind is how the bot reaches Redis.
type Kind string

const (
	// Single is one server (redis://, rediss://, unix://).
	Single Kind = "single"
	// Cluster is a Redis Cluster (redis+cluster://, or a single-node URL
	// that turned out to name a cluster node).
	Cluster Kind = "cluster"
	// Sentinel is a primary found through Sentinels (redis+sentinel://,
	// or a redis:// URL with ?master_name=).
	Sentinel Kind = "sentinel"
)

// URL is a parsed Redis URL: go-redis's options for its kind, plus the
// store's own settings.
type URL struct {
	Kind     Kind
	Single   *redis.Options         // Kind Single
	Cluster  *redis.ClusterOptions  // Kind Cluster
	Failover *redis.FailoverOptions // Kind Sentinel
	// Durability is ?min_replicas= and ?min_replicas_timeout=.
	Durability Durability
	// Redacted is the URL without userinfo and with password-like query
	// values hidden: what messages may show.
	Redacted string
	// Detected: the URL named one node and Connect found a cluster.
	Detected bool

	raw string // the URL as handed to go-redis, without the store's settings
}

// Durability makes Create and Update wait, after the write, until
// MinReplicas replicas acknowledged it (Redis's WAIT), and refuse to
// confirm the change when fewer did within Timeout.
//
// Redis replicates asynchronously: a primary confirms a write before any
// replica has it, and a failover promotes a replica that may lack the last
// writes. WAIT does not change that, and it does not make Redis strongly
// consistent: a write WAIT reported as replicated can still be lost (the
// replica that got it may not be the one promoted, or may restart without
// persistence), and a write it reported as not replicated is not rolled
// back on the primary. What it does is narrow the window: with
// MinReplicas 1 a confirmed CSR is on at least two servers, so losing it
// takes losing both, not one failover at the wrong moment.
type Durability struct {
	MinReplicas int
	Timeout     time.Duration // 0: 500 ms
}

func (d Durability) timeout() time.Duration {
	if d.Timeout <= 0 {
		return 500 * time.Millisecond
	}
	return d.Timeout
}

// The store's own URL options, taken out before go-redis parses the rest.
const (
	optMinReplicas        = "min_replicas"
	optMinReplicasTimeout = "min_replicas_timeout"
)

// Short defaults, applied when the URL does not set them: a dial timeout of
// 1 s, one dial attempt and one command retry (enough to replace a
// connection broken by a Redis restart), so an unreachable Redis is
// reported within about 2 s, not after go-redis's defaults (5 dial
// attempts, 3 retries, 5 s reads), while a person waits for a reply in
// chat.
const (
	defaultDial    = time.Second
	defaultRead    = time.Second
	defaultWrite   = time.Second
	defaultPool    = 2 * time.Second
	defaultRetries = 1
)

// ParseURL reads a Redis URL with go-redis's own parsers, so every option
// they know works and any other is an error naming it:
//
//	redis://[user:password@]host:port/db           one server (rediss:// for TLS, unix:// for a socket)
//	redis+cluster://[user:password@]host:port?addr=host2:port2
//	                                                a Redis Cluster (rediss+cluster:// for TLS); one node
//	                                                is enough, the client discovers the others
//	redis+sentinel://[user:password@]sentinel:port/db?master_name=NAME&addr=sentinel2:port
//	                                                a primary through Sentinels; a redis:// URL with
//	                                                ?master_name= means the same
//
// plus the store's own ?min_replicas=N&min_replicas_timeout=500ms (see
// Durability). Errors never show the password, the userinfo or the value
// of a password-like query parameter.
func ParseURL(raw string) (*URL, error) {
	red := Redact(raw)
	secrets := secretsOf(raw)
	bad := func(format string, a ...any) error {
		return fmt.Errorf("redis url %s: %s", red, scrub(fmt.Sprintf(format, a...), secrets))
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included: report only
		// what is wrong with it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, bad("malformed (%v); want redis://[:password@]host:port/db", err)
	}
	q := u.Query()
	out := &URL{Redacted: red}
	if q.Has(optMinReplicas) {
		n, err := strconv.Atoi(q.Get(optMinReplicas))
		if err != nil || n < 0 {
			return nil, bad("option %s wants a number of replicas (0 or more), got %q", optMinReplicas, q.Get(optMinReplicas))
		}
		out.Durability.MinReplicas = n
	}
	if q.Has(optMinReplicasTimeout) {
		d, err := time.ParseDuration(q.Get(optMinReplicasTimeout))
		if err != nil || d <= 0 {
			return nil, bad("option %s wants a duration such as 500ms, got %q", optMinReplicasTimeout, q.Get(optMinReplicasTimeout))
		}
		out.Durability.Timeout = d
	}
	q.Del(optMinReplicas)
	q.Del(optMinReplicasTimeout)

	scheme := u.Scheme
	switch scheme {
	case "redis+cluster", "rediss+cluster":
		out.Kind, u.Scheme = Cluster, strings.TrimSuffix(scheme, "+cluster")
	case "redis+sentinel", "rediss+sentinel":
		out.Kind, u.Scheme = Sentinel, strings.TrimSuffix(scheme, "+sentinel")
		if q.Get("master_name") == "" {
			return nil, bad("a sentinel URL needs ?master_name=NAME, the name the Sentinels know the primary by")
		}
	case "redis", "rediss", "unix":
		out.Kind = Single
		if q.Has("master_name") {
			out.Kind = Sentinel
		}
	default:
		return nil, bad("unknown scheme %q; want redis://, rediss://, unix://, redis+cluster://, rediss+cluster:// or redis+sentinel://", scheme)
	}
	u.RawQuery = q.Encode()
	out.raw = u.String()
	if err := out.parse(q); err != nil {
		return nil, bad("%v", err)
	}
	// WAIT is read within the pipeline's read timeout.
	if rt := out.readTimeout(); out.Durability.MinReplicas > 0 && rt > 0 && out.Durability.timeout() >= rt {
		return nil, bad("%s (%s) must be shorter than read_timeout (%s)", optMinReplicasTimeout, out.Durability.timeout(), rt)
	}
	return out, nil
}

func (u *URL) readTimeout() time.Duration {
	switch u.Kind {
	case Cluster:
		return u.Cluster.ReadTimeout
	case Sentinel:
		return u.Failover.ReadTimeout
	}
	return u.Single.ReadTimeout
}

// parse hands the URL to go-redis's parser for its kind and fills in the
// short defaults where q sets nothing.
func (u *URL) parse(q url.Values) error {
	var err error
	switch u.Kind {
	case Single:
		if u.Single, err = redis.ParseURL(u.raw); err != nil {
			return err
		}
		o := u.Single
		timing{&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.MaxRetries, &o.DialerRetries, &o.ContextTimeoutEnabled}.fill(q)
	case Cluster:
		if u.Cluster, err = redis.ParseClusterURL(u.raw); err != nil {
			return err
		}
		o := u.Cluster
		timing{&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.MaxRetries, &o.DialerRetries, &o.ContextTimeoutEnabled}.fill(q)
	case Sentinel:
		if u.Failover, err = redis.ParseFailoverURL(u.raw); err != nil {
			return err
		}
		o := u.Failover
		timing{&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.MaxRetries, &o.DialerRetries, &o.ContextTimeoutEnabled}.fill(q)
	}
	return nil
}

// timing points at the client options whose go-redis defaults are too
// patient for a chat bot (a command must answer in seconds), whichever
// kind of client they belong to.
type timing struct {
	dial, read, write, pool *time.Duration
	retries, dialerRetries  *int
	contextTimeout          *bool
}

// fill sets the short defaults of every option the URL's query leaves out.
func (t timing) fill(q url.Values) {
	for _, d := range []struct {
		name string
		at   *time.Duration
		v    time.Duration
	}{{"dial_timeout", t.dial, defaultDial}, {"read_timeout", t.read, defaultRead},
		{"write_timeout", t.write, defaultWrite}, {"pool_timeout", t.pool, defaultPool}} {
		if !q.Has(d.name) {
			*d.at = d.v
		}
	}
	if !q.Has("max_retries") {
		*t.retries = defaultRetries
	}
	if !q.Has("dialer_retries") {
		*t.dialerRetries = 1
	}
	if !q.Has("context_timeout_enabled") {
		*t.contextTimeout = true
	}
}

// newClient opens a go-redis client of the URL's kind, without talking to
// Redis yet.
func (u *URL) newClient() redis.UniversalClient {
	switch u.Kind {
	case Cluster:
		return redis.NewClusterClient(u.Cluster)
	case Sentinel:
		return redis.NewFailoverClient(u.Failover)
	}
	return redis.NewClient(u.Single)
}

// Client is a go-redis client opened by Connect, with the URL it was opened
// from (kind, durability, redacted address).
type Client struct {
	redis.UniversalClient
	URL *URL
}

// Connect opens a client for a Redis URL (see ParseURL) and checks that
// Redis answers. A single-node URL that names a node of a Redis Cluster is
// detected (INFO cluster says cluster_enabled:1) and gets a cluster client
// seeded with that node, which discovers the others: a plain client would
// fail every command whose key lives on another node with MOVED.
func Connect(ctx context.Context, rawURL string) (*Client, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	rdb := u.newClient()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		if u.Kind == Single && strings.Contains(err.Error(), "SELECT is not allowed in cluster mode") {
			return nil, fmt.Errorf("redis url %s names database %d of a Redis Cluster node; a cluster has only database 0", u.Redacted, u.Single.DB)
		}
		return nil, fmt.Errorf("connect: %w", failAt("ping", u.Redacted, err))
	}
	if u.Kind == Single && u.Single.Network != "unix" {
		enabled, err := clusterEnabled(ctx, rdb)
		if err != nil {
			_ = rdb.Close()
			return nil, fmt.Errorf("connect: %w", failAt("info cluster", u.Redacted, err))
		}
		if enabled {
			_ = rdb.Close()
			if err := u.asCluster(); err != nil {
				return nil, err
			}
			rdb = u.newClient()
			if err := rdb.Ping(ctx).Err(); err != nil {
				_ = rdb.Close()
				return nil, fmt.Errorf("connect: %w", failAt("ping cluster", u.Redacted, err))
			}
		}
	}
	return &Client{UniversalClient: rdb, URL: u}, nil
}

// clusterEnabled asks a server whether it is a cluster node. A server that
// does not know the INFO section (miniredis) is not one.
func clusterEnabled(ctx context.Context, rdb redis.UniversalClient) (bool, error) {
	info, err := rdb.Info(ctx, "cluster").Result()
	if err != nil {
		var re redis.Error
		if errors.As(err, &re) {
			return false, nil
		}
		return false, err
	}
	return strings.Contains(info, "cluster_enabled:1"), nil
}

// asCluster turns a single-node URL into a cluster one, through
// go-redis's cluster parser, after Connect found a cluster node.
func (u *URL) asCluster() error {
	if u.Single.DB != 0 {
		return fmt.Errorf("redis url %s names database %d of a Redis Cluster node; a cluster has only database 0", u.Redacted, u.Single.DB)
	}
	p, err := url.Parse(u.raw)
	if err != nil {
		return fmt.Errorf("redis url %s: %s", u.Redacted, scrub(err.Error(), secretsOf(u.raw)))
	}
	p.Path = ""
	q := p.Query()
	q.Del("db")
	p.RawQuery = q.Encode()
	c := &URL{Kind: Cluster, raw: p.String(), Redacted: u.Redacted, Durability: u.Durability, Detected: true}
	if err := c.parse(q); err != nil {
		return fmt.Errorf("redis url %s names a Redis Cluster node, and as a cluster URL: %s", u.Redacted, scrub(err.Error(), secretsOf(u.raw)))
	}
	*u = *c
	return nil
}

// secretish are query parameters whose values are never shown.
var secretish = []string{"pass", "pwd", "secret", "token", "auth", "credential", "key"}

func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range secretish {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// Redact returns rawURL fit for messages and logs: the userinfo (user and
// password) replaced by "xxxxx", and the values of password-like query
// parameters too (and any other place those strings appear). A URL too
// malformed to parse keeps only its scheme and
// host part.
func Redact(rawURL string) string { return scrub(redact(rawURL), secretsOf(rawURL)) }

func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		scheme, rest, ok := strings.Cut(rawURL, "://")
		if !ok {
			return "(unparsable URL, not shown)"
		}
		if i := strings.LastIndex(rest, "@"); i >= 0 {
			rest = "xxxxx@" + rest[i+1:]
		}
		if i := strings.IndexAny(rest, "?#"); i >= 0 {
			rest = rest[:i]
		}
		return scheme + "://" + rest
	}
	if u.User != nil {
		u.User = url.User("xxxxx")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if isSecretKey(k) {
				for i := range q[k] {
					q[k][i] = "xxxxx"
				}
			}
		}
		u.RawQuery = q.Encode()
	}
	u.Fragment = ""
	return u.String()
}

// secretsOf returns the strings of rawURL that must never appear in a
// message: the userinfo and its parts, password-like query values.
func secretsOf(rawURL string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= 3 {
			out = append(out, s)
			if d, err := url.PathUnescape(s); err == nil && d != s {
				out = append(out, d)
			}
		}
	}
	if _, rest, ok := strings.Cut(rawURL, "://"); ok {
		if i := strings.LastIndex(rest, "@"); i >= 0 {
			info := rest[:i]
			add(info)
			for _, part := range strings.Split(info, ":") {
				add(part)
			}
		}
	}
	if u, err := url.Parse(rawURL); err == nil {
		if u.User != nil {
			add(u.User.Username())
			if p, ok := u.User.Password(); ok {
				add(p)
			}
		}
		for k, vs := range u.Query() {
			if isSecretKey(k) {
				for _, v := range vs {
					add(v)
				}
			}
		}
	} else if _, query, ok := strings.Cut(rawURL, "?"); ok {
		for _, kv := range strings.Split(query, "&") {
			if k, v, ok := strings.Cut(kv, "="); ok && isSecretKey(k) {
				add(v)
			}
		}
	}
	return out
}

// scrub replaces every secret in msg, longest first.
func scrub(msg string, secrets []string) string {
	sorted := append([]string(nil), secrets...)
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			if len(sorted[j]) > len(sorted[i]) {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
	}
	for _, s := range sorted {
		msg = strings.ReplaceAll(msg, s, "xxxxx")
	}
	return msg
}
