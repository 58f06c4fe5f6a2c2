package slack

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type signingExample struct {
	Secret    string `json:"secret"`
	Timestamp string `json:"timestamp"`
	Body      string `json:"body"`
	Signature string `json:"signature"`
}

func loadSigningExample(t testing.TB) signingExample {
	var ex signingExample
	require.NoError(t, json.Unmarshal(fixture(t, "signing-example.json"), &ex))
	return ex
}

func exampleHeader(ts, sig string) http.Header {
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, sig)
	return h
}

// TestSlackSigningExample reproduces the example of Slack's "Verifying
// requests from Slack" page: same secret, timestamp and body give the
// documented signature, and the verifier accepts it at that time.
func TestSlackSigningExample(t *testing.T) {
	ex := loadSigningExample(t)
	require.Equal(t, ex.Signature, Sign(NewSecret(ex.Secret), ex.Timestamp, []byte(ex.Body)))
	require.Equal(t, string(fixture(t, "slash-command.docs-signing-example.txt")), ex.Body)

	secs, err := strconv.ParseInt(ex.Timestamp, 10, 64)
	require.NoError(t, err)
	at := time.Unix(secs, 0)
	v := Verifier{Secret: NewSecret(ex.Secret), Now: func() time.Time { return at.Add(90 * time.Second) }}
	require.NoError(t, v.Verify(exampleHeader(ex.Timestamp, ex.Signature), []byte(ex.Body)))

	cases := []struct {
		name   string
		now    time.Time
		header http.Header
		body   string
		want   error
	}{
		{"five minutes later is still fine", at.Add(5 * time.Minute), exampleHeader(ex.Timestamp, ex.Signature), ex.Body, nil},
		{"stale: one second past five minutes", at.Add(5*time.Minute + time.Second), exampleHeader(ex.Timestamp, ex.Signature), ex.Body, ErrStale},
		{"from the future", at.Add(-6 * time.Minute), exampleHeader(ex.Timestamp, ex.Signature), ex.Body, ErrStale},
		{"body changed", at, exampleHeader(ex.Timestamp, ex.Signature), ex.Body + "&x=1", ErrBadSignature},
		{"timestamp changed", at, exampleHeader(strconv.FormatInt(secs+1, 10), ex.Signature), ex.Body, ErrBadSignature},
		{"no v0= prefix", at, exampleHeader(ex.Timestamp, strings.TrimPrefix(ex.Signature, "v0=")), ex.Body, ErrBadSignature},
		{"v1 scheme", at, exampleHeader(ex.Timestamp, "v1="+strings.TrimPrefix(ex.Signature, "v0=")), ex.Body, ErrBadSignature},
		{"upper-case hex is another string", at, exampleHeader(ex.Timestamp, "v0="+strings.ToUpper(strings.TrimPrefix(ex.Signature, "v0="))), ex.Body, nil},
		{"truncated", at, exampleHeader(ex.Timestamp, ex.Signature[:20]), ex.Body, ErrBadSignature},
		{"no signature", at, exampleHeader(ex.Timestamp, ""), ex.Body, ErrUnsigned},
		{"no timestamp", at, exampleHeader("", ex.Signature), ex.Body, ErrUnsigned},
		{"timestamp not a number", at, exampleHeader("soon", ex.Signature), ex.Body, ErrStale},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Verifier{Secret: NewSecret(ex.Secret), Now: func() time.Time { return c.now }}
			err := v.Verify(c.header, []byte(c.body))
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
		})
	}
	t.Run("no secret configured verifies nothing", func(t *testing.T) {
		v := Verifier{Now: func() time.Time { return at }}
		require.ErrorIs(t, v.Verify(exampleHeader(ex.Timestamp, ex.Signature), []byte(ex.Body)), ErrUnsigned)
	})
}

// FuzzVerify: whatever the headers and body, Verify never panics, and it
// accepts only what was signed with the secret within the window.
func FuzzVerify(f *testing.F) {
	ex := loadSigningExample(f)
	secs, _ := strconv.ParseInt(ex.Timestamp, 10, 64)
	f.Add(ex.Timestamp, ex.Signature, ex.Body)
	f.Add(ex.Timestamp, "v0=", ex.Body)
	f.Add("", "", "")
	f.Add("-1", "v0=00", "x")
	f.Add("99999999999999999999", ex.Signature, ex.Body)
	f.Add(ex.Timestamp, "v0="+strings.Repeat("zz", 32), ex.Body)
	f.Add(ex.Timestamp+" ", ex.Signature, ex.Body)
	secret := NewSecret(ex.Secret)
	now := time.Unix(secs, 0)
	v := Verifier{Secret: secret, Now: func() time.Time { return now }}
	f.Fuzz(func(t *testing.T, ts, sig, body string) {
		err := v.Verify(exampleHeader(ts, sig), []byte(body))
		if err != nil {
			return
		}
		// Accepted: it must be the genuine signature of a fresh timestamp.
		require.Equal(t, strings.ToLower(sig), Sign(secret, ts, []byte(body)))
		n, perr := strconv.ParseInt(ts, 10, 64)
		require.NoError(t, perr)
		d := now.Sub(time.Unix(n, 0))
		require.LessOrEqual(t, d.Abs(), MaxRequestAge)
	})
}

func TestSettingsFromEnv(t *testing.T) {
	const bot = "xoxb-1234567890-abcdefghijkl"
	const app = "xapp-1-A0000-1234567890-abcdef"
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name    string
		getenv  func(string) string
		wantVar string // "" means no error
		secret  string // a value that must never appear in the error
	}{
		{"http mode", env(EnvBotToken, bot, EnvSigningSecret, testSecret), "", ""},
		{"socket mode needs no signing secret", env(EnvBotToken, bot, EnvAppToken, app), "", ""},
		{"no bot token", env(EnvSigningSecret, testSecret), EnvBotToken, testSecret},
		{"user token as bot token", env(EnvBotToken, "xoxp-1234567890-abcdefghijkl", EnvSigningSecret, testSecret), EnvBotToken, "xoxp-1234567890-abcdefghijkl"},
		{"bot token with a newline", env(EnvBotToken, "xoxb-1234567890\nabcdefghijkl", EnvSigningSecret, testSecret), EnvBotToken, "abcdefghijkl"},
		{"bot token with quotes", env(EnvBotToken, `xoxb-1234567890-abc"def`, EnvSigningSecret, testSecret), EnvBotToken, "abc"},
		{"http mode needs the signing secret", env(EnvBotToken, bot), EnvSigningSecret, bot},
		{"signing secret is a token", env(EnvBotToken, bot, EnvSigningSecret, bot), EnvSigningSecret, bot},
		{"signing secret too short", env(EnvBotToken, bot, EnvSigningSecret, "abc123"), EnvSigningSecret, "abc123"},
		{"bot token as app token", env(EnvBotToken, bot, EnvAppToken, bot), EnvAppToken, bot},
		{"api url not a url", env(EnvBotToken, bot, EnvSigningSecret, testSecret, EnvAPIURL, "ftp://x"), EnvAPIURL, testSecret},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := SettingsFromEnv(c.getenv)
			if c.wantVar == "" {
				require.NoError(t, err)
				require.Contains(t, fmt.Sprintf("%v %+v %#v %s", s, s, s, s.BotToken), "[redacted]")
				require.NotContains(t, fmt.Sprintf("%v %+v %#v", s, s, s), bot)
				return
			}
			require.Error(t, err)
			var se *SetupError
			require.ErrorAs(t, err, &se)
			require.Equal(t, c.wantVar, se.Var)
			require.Contains(t, err.Error(), c.wantVar)
			if c.secret != "" {
				require.NotContains(t, err.Error(), c.secret)
			}
		})
	}
	t.Run("api url gets its slash", func(t *testing.T) {
		s, err := SettingsFromEnv(env(EnvBotToken, bot, EnvSigningSecret, testSecret, EnvAPIURL, "http://127.0.0.1:9/api"))
		require.NoError(t, err)
		require.Equal(t, "http://127.0.0.1:9/api/", s.APIURL)
	})
	t.Run("secrets stay out of logs", func(t *testing.T) {
		var b strings.Builder
		slog.New(slog.NewJSONHandler(&b, nil)).Info("settings", "token", NewSecret(bot))
		require.NotContains(t, b.String(), bot)
		require.Contains(t, b.String(), "[redacted]")
	})
}
