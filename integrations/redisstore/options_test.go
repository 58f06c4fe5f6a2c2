package redisstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/redisstore"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		name    string
		url     string
		kind    redisstore.Kind
		addrs   []string
		master  string
		dial    time.Duration
		retries int
		tls     bool
	}{
		{"short defaults", "redis://127.0.0.1:6379/0", redisstore.Single, []string{"127.0.0.1:6379"}, "", time.Second, 1, false},
		{"url wins", "redis://h:6379?dial_timeout=3s&max_retries=4", redisstore.Single, []string{"h:6379"}, "", 3 * time.Second, 4, false},
		{"tls", "rediss://user:pw@h:6380", redisstore.Single, []string{"h:6380"}, "", time.Second, 1, true},
		{"go-redis options are kept", "redis://h:6379?pool_fifo=true&max_concurrent_dials=3", redisstore.Single, []string{"h:6379"}, "", time.Second, 1, false},
		{"cluster", "redis+cluster://a:7000?addr=b:7001&addr=c:7002", redisstore.Cluster, []string{"a:7000", "b:7001", "c:7002"}, "", time.Second, 1, false},
		{"cluster tls", "rediss+cluster://:pw@a:7000", redisstore.Cluster, []string{"a:7000"}, "", time.Second, 1, true},
		{"sentinel", "redis+sentinel://s1:26379/2?addr=s2:26379&master_name=main", redisstore.Sentinel, []string{"s1:26379", "s2:26379"}, "main", time.Second, 1, false},
		{"master_name makes a sentinel url", "redis://s1:26379?master_name=main&password=pw", redisstore.Sentinel, []string{"s1:26379"}, "main", time.Second, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := redisstore.ParseURL(tc.url)
			require.NoError(t, err)
			require.Equal(t, tc.kind, u.Kind)
			switch u.Kind {
			case redisstore.Single:
				o := u.Single
				require.Equal(t, tc.addrs, []string{o.Addr})
				require.Equal(t, tc.dial, o.DialTimeout)
				require.Equal(t, tc.retries, o.MaxRetries)
				require.Equal(t, tc.tls, o.TLSConfig != nil)
				require.True(t, o.ContextTimeoutEnabled)
				if strings.Contains(tc.url, "pool_fifo") {
					require.True(t, o.PoolFIFO)
					require.Equal(t, 3, o.MaxConcurrentDials)
				}
			case redisstore.Cluster:
				o := u.Cluster
				require.Equal(t, tc.addrs, o.Addrs)
				require.Equal(t, tc.dial, o.DialTimeout)
				require.Equal(t, tc.retries, o.MaxRetries)
				require.Equal(t, tc.tls, o.TLSConfig != nil)
			case redisstore.Sentinel:
				o := u.Failover
				require.Equal(t, tc.addrs, o.SentinelAddrs)
				require.Equal(t, tc.master, o.MasterName)
				require.Equal(t, tc.dial, o.DialTimeout)
				require.Equal(t, tc.retries, o.MaxRetries)
			}
		})
	}

	u, err := redisstore.ParseURL("redis://h:6379/0?min_replicas=1&min_replicas_timeout=250ms")
	require.NoError(t, err)
	require.Equal(t, redisstore.Durability{MinReplicas: 1, Timeout: 250 * time.Millisecond}, u.Durability)

	for bad, says := range map[string]string{
		"http://h:6379":                                  `unknown scheme "http"`,
		"redis://h:6379?bogus=1":                         "unexpected option: bogus",
		"redis+cluster://h:6379?bogus=1":                 "unexpected option: bogus",
		"redis+sentinel://h:26379?master_name=m&bogus=1": "unexpected option: bogus",
		"redis+sentinel://h:26379":                       "master_name",
		"::":                                             "malformed",
		"redis://h:6379?min_replicas=x":                  "min_replicas wants a number",
		"redis://h:6379?min_replicas=1&min_replicas_timeout=soon": "min_replicas_timeout wants a duration",
		"redis://h:6379?min_replicas=1&min_replicas_timeout=2s":   "must be shorter than read_timeout",
	} {
		_, err := redisstore.ParseURL(bad)
		require.Error(t, err, bad)
		require.Contains(t, err.Error(), says, bad)
	}
}

// TestURLErrorsNeverShowThePassword: no error about a Redis URL shows its
// password, its userinfo or a password-like query value.
func TestURLErrorsNeverShowThePassword(t *testing.T) {
	for _, raw := range []string{
		"redis://:s3cr3tpw@127.0.0.1:bad/0",
		"redis://user:s3cr3tpw@127.0.0.1:6379/notanumber",
		"redis://:s3cr3tpw@[::1/0",
		"redis://:s3cr3tpw@h:6379?bogus=1",
		"redis://h:6379?password=s3cr3tpw&bogus=1",
		"redis://h:6379?password=s3cr3tpw",
		"redis+sentinel://u:s3cr3tpw@h:26379?password=s3cr3tpw",
		"redis+sentinel://h:26379?master_name=m&password=s3cr3tpw&dial_timeout=s3cr3tpw",
		"redis+cluster://:s3cr3tpw@h:6379/0?addr=nope",
		"redis+cluster://:s3cr3tpw@h:6379?read_only=s3cr3tpw",
		"redis://:s3cr3tpw@h:6379?min_replicas=s3cr3tpw",
		"redis://:s3cr3tpw@h:6379?dial_timeout=s3cr3tpw",
		"redis://:s3cr3tpw@h:6379?db=s3cr3tpw",
		"redis://:s3cr3tpw@h:6379?pool_fifo=s3cr3tpw",
		"ftp://:s3cr3tpw@h:6379",
		"redis://:s3cr3tpw@h:6379 /0",
		"redis://:s3cr3tpw%zz@h:6379",
	} {
		_, err := redisstore.ParseURL(raw)
		require.Error(t, err, raw)
		require.NotContains(t, err.Error(), "s3cr3tpw", raw)
		require.NotContains(t, redisstore.Redact(raw), "s3cr3tpw", raw)
	}
	// Connecting to nothing: the error names where, not the password.
	_, err := redisstore.Connect(t.Context(), "redis://:s3cr3tpw@127.0.0.1:1/0")
	require.Error(t, err)
	require.NotContains(t, err.Error(), "s3cr3tpw")
	require.Contains(t, err.Error(), "127.0.0.1:1")
	require.Equal(t, "redis://xxxxx@h:6379/0?password=xxxxx&x=1", redisstore.Redact("redis://u:pw@h:6379/0?password=pw&x=1"))
}
