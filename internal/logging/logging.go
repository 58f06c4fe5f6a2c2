// Package logging builds the process's slog logger from LOG_FORMAT and
// LOG_LEVEL, and carries per-request attributes (request id, person, verb,
// CSR, service) in the context so that every line a command logs names
// them, whichever package logs it.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
)

// Formats and Levels are the values LOG_FORMAT and LOG_LEVEL accept.
var (
	Formats = []string{"json", "text"}
	Levels  = []string{"debug", "info", "warn", "error"}
)

// Environment variables read by FromEnv.
const (
	EnvFormat = "LOG_FORMAT"
	EnvLevel  = "LOG_LEVEL"
)

// New builds a logger writing format ("json" or "text") at level ("debug",
// "info", "warn" or "error"). An empty value takes the default given; any
// other value is an error naming the allowed ones, so a typo in a
// deployment is seen at start instead of silently logging at another level.
// No line shows one of secrets or a token-shaped string (Redacting).
func New(w io.Writer, format, level, defFormat, defLevel string, secrets ...string) (*slog.Logger, error) {
	if format == "" {
		format = defFormat
	}
	if level == "" {
		level = defLevel
	}
	format, level = strings.ToLower(format), strings.ToLower(level)
	if !slices.Contains(Formats, format) {
		return nil, fmt.Errorf("%s=%q is not one of %s", EnvFormat, format, strings.Join(Formats, ", "))
	}
	if !slices.Contains(Levels, level) {
		return nil, fmt.Errorf("%s=%q is not one of %s", EnvLevel, level, strings.Join(Levels, ", "))
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%s=%q: %w", EnvLevel, level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(Contextual(Redacting(h, secrets...))), nil
}

// FromEnv is New with LOG_FORMAT and LOG_LEVEL read through getenv, and
// the values of the variables secretVars never shown.
func FromEnv(w io.Writer, getenv func(string) string, defFormat, defLevel string, secretVars ...string) (*slog.Logger, error) {
	secrets := make([]string, 0, len(secretVars))
	for _, v := range secretVars {
		secrets = append(secrets, getenv(v))
	}
	return New(w, getenv(EnvFormat), getenv(EnvLevel), defFormat, defLevel, secrets...)
}

type ctxKey struct{}

// With returns a context whose log lines carry attrs besides those it
// already carries; an attribute given again replaces the earlier value.
func With(ctx context.Context, attrs ...slog.Attr) context.Context {
	old := Attrs(ctx)
	merged := make([]slog.Attr, 0, len(old)+len(attrs))
	for _, a := range old {
		if !slices.ContainsFunc(attrs, func(b slog.Attr) bool { return b.Key == a.Key }) {
			merged = append(merged, a)
		}
	}
	merged = append(merged, attrs...)
	return context.WithValue(ctx, ctxKey{}, merged)
}

// Attrs returns the attributes With put in ctx.
func Attrs(ctx context.Context) []slog.Attr {
	if ctx == nil {
		return nil
	}
	a, _ := ctx.Value(ctxKey{}).([]slog.Attr)
	return a
}

// Contextual wraps h so that records logged with a context (InfoContext,
// …) carry the context's attributes. Packages keep logging as they do; the
// request's identity is added here, in one place.
func Contextual(h slog.Handler) slog.Handler {
	if c, ok := h.(contextHandler); ok {
		return c
	}
	return contextHandler{h}
}

type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if attrs := Attrs(ctx); len(attrs) > 0 {
		// A record's own attribute wins over the context's of the same key.
		own := map[string]bool{}
		r.Attrs(func(a slog.Attr) bool { own[a.Key] = true; return true })
		for _, a := range attrs {
			if !own[a.Key] {
				r.AddAttrs(a)
			}
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}
