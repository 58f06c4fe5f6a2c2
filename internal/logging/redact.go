package logging

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"strings"
)

// Redacted replaces a secret in a log line.
const Redacted = "[redacted]"

// tokenShapes are credentials recognisable by their form, whoever made
// them: Slack tokens, GitHub tokens (including the installation tokens the
// bot mints itself, which no environment variable names) and bearer
// headers. An error quoting a request (a proxy's error page, a client
// library echoing its input) is scrubbed of them on the way to the log.
var tokenShapes = regexp.MustCompile(`\b(?:xox[abposre]-|xapp-|gh[pousr]_|github_pat_)[A-Za-z0-9_-]{6,}|(?i:bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{8,}`)

// Redacting wraps h so that no record it handles shows one of secrets (the
// values of the process's secret variables) or a string shaped like a
// token, in its message or in any string or error attribute. The secrets
// already travel as secret.Value where the code knows them; this is the
// net under everything else.
func Redacting(h slog.Handler, secrets ...string) slog.Handler {
	if c, ok := h.(contextHandler); ok {
		// Stay inside: the context's attributes are scrubbed too.
		return contextHandler{Redacting(c.Handler, secrets...)}
	}
	var keep []string
	for _, s := range secrets {
		if len(s) >= 4 && !slices.Contains(keep, s) { // a shorter value would blank ordinary words
			keep = append(keep, s)
		}
	}
	// Longest first, so a secret containing another is removed whole.
	slices.SortFunc(keep, func(a, b string) int { return len(b) - len(a) })
	if r, ok := h.(redactHandler); ok {
		keep = append(keep, r.secrets...)
		h = r.next
	}
	return redactHandler{next: h, secrets: keep}
}

type redactHandler struct {
	next    slog.Handler
	secrets []string
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return redactHandler{next: h.next.WithAttrs(clean), secrets: h.secrets}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{next: h.next.WithGroup(name), secrets: h.secrets}
}

func (h redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.scrub(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = h.attr(ga)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok && err != nil {
			return slog.String(a.Key, h.scrub(err.Error()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (h redactHandler) scrub(s string) string {
	for _, secret := range h.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, Redacted)
		}
	}
	return tokenShapes.ReplaceAllString(s, Redacted)
}
