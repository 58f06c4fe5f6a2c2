package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/internal/redistest"
)

func TestDoctor(t *testing.T) {
	redistest.Client(t) // fails under CI=true when no Redis answers
	authOK, err := os.ReadFile("testdata/api.auth.test.ok.json")
	require.NoError(t, err)
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "/auth.test", r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(authOK)
	}))
	defer slackAPI.Close()
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/repos/acme/billing-api":
			_, _ = io.WriteString(w, `{"id":1,"full_name":"acme/billing-api"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"Not Found"}`)
		}
	}))
	defer gh.Close()

	env := map[string]string{
		"REDIS_URL":            redistest.URL(),
		"SLACK_BOT_TOKEN":      "xoxb-1111-2222-doctorsecretvalue",
		"SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
		"SLACK_API_URL":        slackAPI.URL + "/",
		"GITHUB_TOKEN":         "ghp_doctorsecretvalue000000000000000000",
		"GITHUB_API_URL":       gh.URL,
	}
	var out bytes.Buffer
	code := runDoctor(context.Background(), []string{"--config", "../../config.example.yaml"}, &out, io.Discard,
		func(k string) string { return env[k] })
	text := out.String()
	require.Equal(t, 1, code, text)
	require.Regexp(t, `✓ config +\S*config.example.yaml: 2 service\(s\)`, text)
	require.Regexp(t, `✓ redis +Redis \d+\.\d+`, text)
	require.Regexp(t, `✓ slack +signed in as`, text)
	require.Contains(t, text, "✓ github   acme/billing-api is readable")
	require.Contains(t, text, "✗ github   acme/web-frontend: ")
	require.Contains(t, text, "1 check(s) failed")
	require.NotContains(t, text, "doctorsecretvalue")

	env["REDIS_URL"] = "redis://:hunter2@127.0.0.1:1/0"
	out.Reset()
	require.Equal(t, 1, runDoctor(context.Background(), []string{"--config", "../../config.example.yaml"}, &out, io.Discard,
		func(k string) string { return env[k] }))
	require.Contains(t, out.String(), "✗ redis")
	require.Contains(t, out.String(), "Start Redis")
	require.NotContains(t, out.String(), "hunter2")
}
