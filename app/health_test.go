package app_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLivenessAndReadiness: /livez answers while the process runs;
// /readyz (and /healthz) answers 503 naming each failing check, without
// credentials, and 200 when all pass.
func TestLivenessAndReadiness(t *testing.T) {
	a, _, _ := deferredApp(t)
	t.Cleanup(a.Close)
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, p := range []string{"/livez", "/readyz", "/healthz"} {
		code, _ := get(p)
		require.Equal(t, http.StatusOK, code, p)
	}
	a.AddReadiness("slack", func(context.Context) error {
		return errors.New(`socket mode: dial "wss://u:hunter2@wss.example.com/link?ticket=abc": link_disabled`)
	})
	code, body := get("/readyz")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, "slack: socket mode")
	require.NotContains(t, body, "hunter2")
	require.NotContains(t, body, "ticket=abc")
	code, _ = get("/livez")
	require.Equal(t, http.StatusOK, code, "a failing dependency never fails liveness")
}
