package logging_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"releasebot/internal/logging"
)

// BenchmarkCommandLine is the cost of one command's log line through the
// production handler (context attributes, secret scrubbing, JSON).
func BenchmarkCommandLine(b *testing.B) {
	log, err := logging.New(io.Discard, "json", "info", "json", "info", "ghp_0123456789abcdef0123", "xoxb-1-2-abcdef", "webhook-secret")
	if err != nil {
		b.Fatal(err)
	}
	ctx := logging.With(context.Background(), slog.String("request_id", "0123456789abcdef"), slog.String("verb", "approve"),
		slog.String("person", "bob"), slog.String("csr", "CSR-12"))
	e := errors.New("resolve main in acme/billing-api on GitHub: 502 Bad Gateway")
	b.ReportAllocs()
	for b.Loop() {
		log.LogAttrs(ctx, slog.LevelInfo, "command", slog.String("source", "command"), slog.String("outcome", "refused"),
			slog.String("rule", "separation-of-duties"), slog.Float64("duration_ms", 1.25), slog.Any("err", e))
	}
}
