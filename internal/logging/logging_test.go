package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/internal/logging"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name, format, level string
		wantErr             string
		json                bool
		debug, info         bool
	}{
		{name: "defaults", json: true, info: true},
		{name: "text at debug", format: "text", level: "debug", debug: true, info: true},
		{name: "upper case", format: "JSON", level: "WARN", json: true},
		{name: "unknown format", format: "yaml", wantErr: `LOG_FORMAT="yaml" is not one of json, text`},
		{name: "unknown level", level: "verbose", wantErr: `LOG_LEVEL="verbose" is not one of debug, info, warn, error`},
		{name: "numeric level is refused", level: "info+2", wantErr: "LOG_LEVEL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log, err := logging.New(&buf, tc.format, tc.level, "json", "info")
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.debug, log.Enabled(context.Background(), slog.LevelDebug))
			require.Equal(t, tc.info, log.Enabled(context.Background(), slog.LevelInfo))
			log.Warn("w")
			if tc.json {
				require.True(t, json.Valid(bytes.TrimSpace(buf.Bytes())), buf.String())
			} else {
				require.Contains(t, buf.String(), "level=WARN msg=w")
			}
		})
	}
}

func TestContextAttributes(t *testing.T) {
	var buf bytes.Buffer
	log, err := logging.New(&buf, "json", "info", "json", "info")
	require.NoError(t, err)
	ctx := logging.With(context.Background(), slog.String("request_id", "r1"), slog.String("verb", "approve"))
	ctx = logging.With(ctx, slog.String("csr", "CSR-1"), slog.String("verb", "deploy"))
	log.InfoContext(ctx, "hello", "verb", "own")
	var line map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line))
	require.Equal(t, "r1", line["request_id"])
	require.Equal(t, "CSR-1", line["csr"])
	require.Equal(t, "own", line["verb"], "the record's own attribute wins")

	buf.Reset()
	log.With("component", "x").InfoContext(ctx, "again")
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line))
	require.Equal(t, "deploy", line["verb"], "a later With replaces the earlier value")
	require.Equal(t, "x", line["component"])
}

func TestRedacting(t *testing.T) {
	var buf bytes.Buffer
	h := logging.Redacting(slog.NewJSONHandler(&buf, nil), "s3cret-value", "ab")
	log := slog.New(h).With("token", "prefix s3cret-value suffix")
	log.Info("dial redis://:s3cret-value@host failed",
		"err", errors.New(`401 bad credentials Bearer ghp_abcdefghijklmnop for /repos/x`),
		"slack", "xoxb-1234-5678-abcdef", "app", "xapp-1-A0-123456", "n", 3,
		slog.Group("g", "install", "ghs_0123456789abcdef"), "ordinary", "about")
	var line map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line))
	s := buf.String()
	for _, leak := range []string{"s3cret-value", "ghp_abcdefghijklmnop", "xoxb-1234", "xapp-1-A0", "ghs_0123"} {
		require.NotContains(t, s, leak)
	}
	require.Equal(t, "dial redis://:[redacted]@host failed", line["msg"])
	require.Equal(t, "401 bad credentials [redacted] for /repos/x", line["err"])
	require.Equal(t, "prefix [redacted] suffix", line["token"])
	require.Equal(t, "about", line["ordinary"], "a value shorter than 4 is not a secret worth blanking words for")
	require.Equal(t, 3.0, line["n"])
}
