package deploy_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/deploy"
)

func TestRedactURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"http://u:p@127.0.0.1:1/hook?token=SECRET123", "http://127.0.0.1:1/hook?[redacted]"},
		{"https://deploy.example.com/hooks/releasebot", "https://deploy.example.com/hooks/releasebot"},
		{"https://deploy.example.com/s/run#access_token=abc", "https://deploy.example.com/s/run#[redacted]"},
		{"https://user@deploy.example.com?x=1#y", "https://deploy.example.com?[redacted]"},
		{"http://u:p@host/%zz?token=SECRET123", "http://host/%zz?[redacted]"}, // not parseable: cut by hand
		{"u:p@host/hook?token=SECRET123", "host/hook?[redacted]"},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, deploy.RedactURL(tc.in), tc.in)
	}
	require.Equal(t, `Post "https://h.example.com/x?[redacted]": EOF; see http://h.example.com/y#[redacted] and https://ok.example.com/z`,
		deploy.RedactText(`Post "https://u:pw@h.example.com/x?token=SECRET123": EOF; see http://h.example.com/y#tok and https://ok.example.com/z`))
}

// TestWebhookErrorsHideCredentials: whatever way posting the run fails,
// the error (which the queue shows in chat) names the endpoint without
// its userinfo, query or fragment.
func TestWebhookErrorsHideCredentials(t *testing.T) {
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such hook; see "+r.URL.String()+"&more", http.StatusNotFound)
	}))
	t.Cleanup(refusing.Close)
	host := strings.TrimPrefix(refusing.URL, "http://")
	cases := []struct{ name, url, want string }{
		{"unreachable", "http://u:p@127.0.0.1:1/hook?token=SECRET123", `webhook deployer: Post "http://127.0.0.1:1/hook?[redacted]": dial tcp 127.0.0.1:1`},
		{"not a URL", "http://u:p@127.0.0.1:1/%zz?token=SECRET123", `webhook deployer: parse "http://127.0.0.1:1/%zz?[redacted]": invalid URL escape`},
		{"refused", "http://u:p@" + host + "/hook?token=SECRET123#frag", "webhook deployer: http://" + host + "/hook?[redacted] answered 404 Not Found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := &deploy.Webhook{URL: tc.url, CallbackURL: "https://bot.example.com/deploy/callback", Client: &http.Client{Timeout: 5 * time.Second}}
			_, err := w.Start(context.Background(), cmdRequest("main"))
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
			require.NotContains(t, err.Error(), "SECRET123")
			require.NotContains(t, err.Error(), "p@")
			var ue *url.Error
			if errors.As(err, &ue) {
				require.NotContains(t, ue.URL, "SECRET123", "errors.As must not hand out the credential either")
			}
		})
	}
}

// TestRedactKeepsTheCause: a redacted error still tells a timeout and a
// cancelled context, and hands out its *url.Error only redacted.
func TestRedactKeepsTheCause(t *testing.T) {
	ue := &url.Error{Op: "Get", URL: "https://h.example.com/s?token=SECRET123", Err: &net.OpError{Op: "dial", Err: context.DeadlineExceeded}}
	err := deploy.Redact(ue)
	require.NotContains(t, err.Error(), "SECRET123")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var got *url.Error
	require.ErrorAs(t, err, &got)
	require.Equal(t, "https://h.example.com/s?[redacted]", got.URL)
	var timeout interface{ Timeout() bool }
	require.ErrorAs(t, err, &timeout)
	require.NoError(t, deploy.Redact(nil))
}

// TestCallbackLinkWithoutUserinfo: a link a deploy system reports is shown
// to people, so it loses any userinfo, and only http(s) links are kept.
func TestCallbackLinkWithoutUserinfo(t *testing.T) {
	secret := deploy.NewSecret("hook-secret")
	for in, want := range map[string]string{
		"https://u:p@deploy.example.com/jobs/7?view=log": "https://deploy.example.com/jobs/7?view=log",
		"javascript:alert(1)":                            "",
	} {
		body := `{"run_id":"CSR-3/deploy/1","status":"failed","url":"` + in + `"}`
		r := httptest.NewRequest(http.MethodPost, "/deploy/callback", strings.NewReader(body))
		r.Header.Set(deploy.SignatureHeader, deploy.Sign(secret, []byte(body)))
		rep, err := deploy.ParseCallback(r, secret)
		require.NoError(t, err)
		require.Equal(t, want, rep.URL, in)
	}
}

// TestCheckEnvironment: a webhook deployer that can only hear its result
// by callback, in a process without DEPLOY_WEBHOOK_SECRET, is named at
// startup; one that polls is fine either way.
func TestCheckEnvironment(t *testing.T) {
	deps := map[string]map[string]deploy.Deployer{
		"billing-api": {
			"prod": &deploy.Webhook{URL: "https://d.example.com/h", CallbackURL: "https://bot.example.com/deploy/callback"},
			"test": deploy.Fake{},
		},
		"web": {
			"prod":    &deploy.Webhook{URL: "https://d.example.com/h", StatusURL: "https://d.example.com/s/{run}"},
			"staging": &deploy.Webhook{URL: "https://d.example.com/h"},
		},
	}
	got := deploy.CheckEnvironment(deps, deploy.Secret{})
	require.Len(t, got, 2)
	require.True(t, strings.HasPrefix(got[0], "billing-api/prod: the webhook deployer learns results only by callback, and DEPLOY_WEBHOOK_SECRET is not set"), got[0])
	require.True(t, strings.HasPrefix(got[1], "web/staging: the webhook deployer has neither a status_url"), got[1])

	got = deploy.CheckEnvironment(deps, deploy.NewSecret("s"))
	require.Len(t, got, 1)
	require.Contains(t, got[0], "web/staging")
}
