package app_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/config"
	"releasebot/internal/testenv"
)

// TestLifecycleInKorean: with `language: ko` the console rehearsal answers
// in Korean, from the same commands.
func TestLifecycleInKorean(t *testing.T) {
	data, err := os.ReadFile("../config.example.yaml")
	require.NoError(t, err)
	cfg, err := config.Parse("ko.yaml", []byte(strings.Replace(string(data), "\nlanguage: en\n", "\nlanguage: ko\n", 1)))
	require.NoError(t, err)
	rdb, prefix := testenv.Redis(t)
	out := rehearseOn(t, "../examples/lifecycle.script", app.Options{Redis: rdb, Prefix: prefix, Config: cfg})
	require.Contains(t, out, "CSR-1 건을 만들었습니다")
	require.Contains(t, out, "결재")
	require.NotContains(t, out, "Created CSR-1")
}
