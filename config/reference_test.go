package config_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/config"
)

var update = flag.Bool("update", false, "rewrite README.md's config reference and config.schema.json from the table")

const (
	configBegin = "<!-- BEGIN config reference -->\n"
	configEnd   = "<!-- END config reference -->\n"
)

// TestReference fails when README.md's config reference is not what the
// table in fields.go generates.
func TestReference(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	before, rest, ok := strings.Cut(string(readme), configBegin)
	require.True(t, ok, "README.md has no %q marker", configBegin)
	_, after, ok := strings.Cut(rest, configEnd)
	require.True(t, ok, "README.md has no %q marker", configEnd)
	want := before + configBegin + config.Reference() + configEnd + after
	if *update {
		require.NoError(t, os.WriteFile("../README.md", []byte(want), 0o644))
		return
	}
	require.Equal(t, want, string(readme), "README.md's config reference drifted: go test ./config -run TestReference -update")
}

// TestSchemaFile fails when config.schema.json is not what the table
// generates.
func TestSchemaFile(t *testing.T) {
	want := config.JSONSchema()
	if *update {
		require.NoError(t, os.WriteFile("../config.schema.json", want, 0o644))
		return
	}
	got, err := os.ReadFile("../config.schema.json")
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "config.schema.json drifted: go test ./config -run TestSchemaFile -update")
}
