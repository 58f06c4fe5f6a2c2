package redisstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/redisstore"
)

func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		url     string
		addrs   []string
		master  string
		dial    time.Duration
		retries int
		tls     bool
	}{
		{"short defaults", "redis://127.0.0.1:6379/0", []string{"127.0.0.1:6379"}, "", time.Second, 1, false},
		{"url wins", "redis://h:6379?dial_timeout=3s&max_retries=4", []string{"h:6379"}, "", 3 * time.Second, 4, false},
		{"tls", "rediss://user:pw@h:6380", []string{"h:6380"}, "", time.Second, 1, true},
		{"cluster", "redis://a:7000?addr=b:7001&addr=c:7002", []string{"a:7000", "b:7001", "c:7002"}, "", time.Second, 1, false},
		{"sentinel", "redis://s1:26379?addr=s2:26379&master=main", []string{"s1:26379", "s2:26379"}, "main", time.Second, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := redisstore.Options(tc.url)
			require.NoError(t, err)
			require.Equal(t, tc.addrs, o.Addrs)
			require.Equal(t, tc.master, o.MasterName)
			require.Equal(t, tc.dial, o.DialTimeout)
			require.Equal(t, tc.retries, o.MaxRetries)
			require.Equal(t, tc.tls, o.TLSConfig != nil)
			require.True(t, o.ContextTimeoutEnabled)
		})
	}
	for _, bad := range []string{"http://h:6379", "redis://h:6379?bogus=1", "::"} {
		_, err := redisstore.Options(bad)
		require.Error(t, err, bad)
	}
}

// TestOptionsNeverEchoesThePassword: a malformed REDIS_URL is reported
// without the password it carries.
func TestOptionsNeverEchoesThePassword(t *testing.T) {
	for _, raw := range []string{
		"redis://:s3cr3tpw@127.0.0.1:bad/0",
		"redis://user:s3cr3tpw@127.0.0.1:6379/notanumber",
		"redis://:s3cr3tpw@[::1/0",
	} {
		_, err := redisstore.Options(raw)
		require.Error(t, err, raw)
		require.NotContains(t, err.Error(), "s3cr3tpw", raw)
	}
}
