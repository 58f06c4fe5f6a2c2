package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHealthcheck(t *testing.T) {
	healthy := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !healthy {
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	}))
	defer srv.Close()
	check := func() int {
		return run(context.Background(), []string{"healthcheck", "--url", srv.URL + "/healthz"}, nil, io.Discard, io.Discard)
	}
	require.Equal(t, 0, check())
	healthy = false
	require.Equal(t, 1, check())
	srv.Close()
	require.Equal(t, 1, check(), "nothing listening")
}
