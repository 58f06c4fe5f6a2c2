package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"releasebot/internal/metrics"
)

func TestOperation(t *testing.T) {
	tests := []struct{ api, method, path, want string }{
		{"slack", "POST", "/api/chat.postMessage", "chat.postMessage"},
		{"slack", "POST", "/proxy/api/chat.update", "chat.update"},
		{"slack", "POST", "/commands/T1/123/abc", "response_url"},
		{"slack", "POST", "/actions/T1/123/abc", "response_url"},
		{"slack", "POST", "/api/<script>", "other"},
		{"github", "POST", "/repos/acme/billing-api/actions/workflows/deploy.yml/dispatches", "POST actions"},
		{"github", "GET", "/api/v3/repos/acme/billing-api/deployments/42/statuses", "GET deployments"},
		{"github", "DELETE", "/repos/acme/x/git/refs/tags/releasebot/CSR-1-test-1", "DELETE git"},
		{"github", "GET", "/repos/acme/x", "GET repo"},
		{"github", "GET", "/repos/acme/x/secret-thing", "GET other"},
		{"github", "POST", "/app/installations/7/access_tokens", "POST app"},
		{"github", "GET", "/user", "GET other"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, metrics.Operation(tc.api, tc.method, tc.path), tc.path)
	}
}

func TestMiddlewareLabelsByPattern(t *testing.T) {
	m := metrics.New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/slack/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	h := m.Middleware(mux)
	for _, p := range []string{"/livez", "/livez", "/slack/commands", "/slack/whatever-123", "/CSR-12"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	require.Equal(t, 4, testutil.CollectAndCount(m.Registry, "releasebot_http_request_duration_seconds"),
		"/livez, /slack/commands, /slack/ and unmatched: never the raw path")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	require.Contains(t, body, `releasebot_http_request_duration_seconds_count{code="200",endpoint="/livez"} 2`)
	require.Contains(t, body, `releasebot_http_request_duration_seconds_count{code="401",endpoint="/slack/commands"} 1`)
	require.Contains(t, body, `releasebot_http_request_duration_seconds_count{code="401",endpoint="/slack/"} 1`)
	require.Contains(t, body, `releasebot_http_request_duration_seconds_count{code="404",endpoint="unmatched"} 1`)
	require.NotContains(t, body, "CSR-12")
	require.Contains(t, body, "releasebot_build_info{")
}

func TestTransportCountsRateLimits(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	m := metrics.New()
	c := &http.Client{Transport: m.Transport("slack", nil), Timeout: time.Minute}
	for range 2 {
		resp, err := c.Post(srv.URL+"/api/chat.postMessage", "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		resp.Body.Close()
	}
	_, err := c.Get("http://127.0.0.1:1/api/chat.update") // nothing listens on port 1
	require.Error(t, err)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	require.Contains(t, body, `releasebot_api_requests_total{api="slack",code="429",operation="chat.postMessage"} 1`)
	require.Contains(t, body, `releasebot_api_requests_total{api="slack",code="200",operation="chat.postMessage"} 1`)
	require.Contains(t, body, `releasebot_api_requests_total{api="slack",code="error",operation="chat.update"} 1`)
}
