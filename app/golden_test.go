package app_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/config"
	"releasebot/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files from this run's output")

// TestLifecycleKoreanGolden: examples/lifecycle.ko.script, typed with the
// Korean verb words on the Korean example config, prints exactly
// examples/lifecycle.ko.golden. The golden file is what a Korean team reads
// on its first rehearsal; any change to a sentence shows in review as a diff
// of that file (`go test ./app -run KoreanGolden -update` rewrites it).
func TestLifecycleKoreanGolden(t *testing.T) {
	cfg, err := config.Load("../examples/config.ko.yaml")
	require.NoError(t, err)
	require.Equal(t, "ko", cfg.Language())
	rdb, prefix := testenv.Redis(t)
	out := rehearseOn(t, "../examples/lifecycle.ko.script", app.Options{Redis: rdb, Prefix: prefix, Config: cfg})
	const golden = "../examples/lifecycle.ko.golden"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run `go test ./app -run KoreanGolden -update` to write it")
	require.Equal(t, string(want), out)
}

// TestLifecycleInKorean: with `language: ko` the console rehearsal answers
// in Korean from the English commands too.
func TestLifecycleInKorean(t *testing.T) {
	cfg, err := config.Load("../examples/config.ko.yaml")
	require.NoError(t, err)
	rdb, prefix := testenv.Redis(t)
	out := rehearseOn(t, "../examples/lifecycle.script", app.Options{Redis: rdb, Prefix: prefix, Config: cfg})
	require.Contains(t, out, "CSR-1 건을 만들었습니다")
	require.Contains(t, out, "결재")
	require.NotContains(t, out, "Created CSR-1")
}

// TestKoreanExampleConfig: examples/config.ko.yaml is config.example.yaml
// with the Korean language and its schema path, so the two never drift.
func TestKoreanExampleConfig(t *testing.T) {
	en, err := os.ReadFile("../config.example.yaml")
	require.NoError(t, err)
	ko, err := os.ReadFile("../examples/config.ko.yaml")
	require.NoError(t, err)
	want := strings.NewReplacer(
		"$schema=./config.schema.json", "$schema=../config.schema.json",
		"\nlanguage: en\n", "\nlanguage: ko\n",
		"# releasebot configuration: who may do what, and how each service is released.\n",
		"# releasebot configuration: who may do what, and how each service is released.\n"+
			"# examples/config.ko.yaml is config.example.yaml with `language: ko`: the bot\n"+
			"# answers in Korean (examples/lifecycle.ko.script rehearses with it).\n",
	).Replace(string(en))
	require.Equal(t, want, string(ko), "examples/config.ko.yaml is config.example.yaml with language: ko")
}
