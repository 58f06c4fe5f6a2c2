package main

import (
	"bytes"
	"context"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestHelpListsEverySubcommand: --help, -h and help exit 0 and list every
// subcommand the program dispatches; each one explains itself.
func TestHelpListsEverySubcommand(t *testing.T) {
	want := []string{"console", "serve", "config check", "doctor", "healthcheck", "audit", "stats", "version", "help"}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		code, out, _ := runCLI(t, args...)
		require.Equal(t, 0, code, args)
		for _, name := range want {
			require.Contains(t, out, "\n  "+name, "%v lists %s", args, name)
		}
	}
	require.Len(t, subcommands, len(want), "a subcommand added to the table is added to this test")
	for _, s := range subcommands {
		code, out, _ := runCLI(t, append([]string{"help"}, strings.Fields(s.name)...)...)
		require.Equal(t, 0, code, s.name)
		require.Contains(t, out, "usage: releasebot "+s.name, s.name)
		if s.flags != nil && s.name != "help" {
			// The verb's own parser answers --help with the same text.
			code, viaFlag, _ := runCLI(t, append(strings.Fields(s.name), "--help")...)
			require.Equal(t, 0, code, s.name)
			require.Equal(t, out, viaFlag, s.name)
		}
	}
	code, out, _ := runCLI(t, "config", "check", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "usage: releasebot config check FILE")

	code, _, errOut := runCLI(t, "help", "nosuch")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `no subcommand "nosuch"`)
	code, _, errOut = runCLI(t, "frobnicate")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "subcommands:")
	code, _, errOut = runCLI(t, "console", "--no-such-flag")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "releasebot help console")
}

func TestBadLogSettingsStopAtStart(t *testing.T) {
	t.Setenv("LOG_FORMAT", "xml")
	code, _, errOut := runCLI(t, "console")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `LOG_FORMAT="xml" is not one of json, text`)
	t.Setenv("LOG_FORMAT", "")
	t.Setenv("LOG_LEVEL", "verbose")
	code, _, errOut = runCLI(t, "serve")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `LOG_LEVEL="verbose" is not one of debug, info, warn, error`)
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	require.Equal(t, 0, code)
	require.Contains(t, out, "releasebot ")
	require.Contains(t, out, "go         "+runtime.Version())

	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "releasebot", Version: "v1.4.2"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0cec0d2e1d9f5e6b1bd8b2b3f0c5ea55f5b9e9a1"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	require.Equal(t, `releasebot v1.4.2
commit     0cec0d2e1d9f5e6b1bd8b2b3f0c5ea55f5b9e9a1 (with uncommitted changes)
committed  2026-12-01T10:00:00Z
built      2026-12-02T01:00:00Z
go         go1.26.8
`, versionText(bi, "2026-12-02T01:00:00Z"))
	require.Equal(t, "releasebot (devel)\ncommit     unknown\nbuilt      unknown (not built by `make build`)\ngo         unknown\n", versionText(nil, ""))
}
