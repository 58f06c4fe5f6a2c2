package main

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the README's generated reference")

const (
	refBegin = "<!-- BEGIN releasebot help --markdown -->\n"
	refEnd   = "<!-- END releasebot help --markdown -->\n"
)

// TestReadmeReference fails when the README's command reference is not
// what `releasebot help --markdown` writes.
func TestReadmeReference(t *testing.T) {
	var out bytes.Buffer
	require.Equal(t, 0, run(t.Context(), []string{"help", "--markdown"}, nil, &out, &out))
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	before, rest, ok := strings.Cut(string(readme), refBegin)
	require.True(t, ok, "README.md has no %q marker", refBegin)
	_, after, ok := strings.Cut(rest, refEnd)
	require.True(t, ok, "README.md has no %q marker", refEnd)
	want := before + refBegin + out.String() + refEnd + after
	if *update {
		require.NoError(t, os.WriteFile("../../README.md", []byte(want), 0o644))
		return
	}
	require.Equal(t, want, string(readme), "README.md's reference drifted: go test ./cmd/releasebot -run TestReadmeReference -update")
	for _, s := range subcommands {
		require.Contains(t, out.String(), "`releasebot "+s.name, s.name)
	}
}
