package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
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
