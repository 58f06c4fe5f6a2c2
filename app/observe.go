package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"time"

	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/commands"
	"releasebot/csr"
	"releasebot/internal/logging"
	"releasebot/internal/metrics"
)

// observer gives every command and click one log line (verb, outcome or
// refusal rule, duration, csr, person, service, request id) and its
// metrics, and puts the request's identity in the context so every other
// line the command logs names it too. Adapters need not do any of it.
type observer struct {
	log      *slog.Logger
	metrics  *metrics.Metrics
	people   bot.Directory
	registry *commands.Registry
	prefix   string
	service  func(name string) (csr.Service, bool)
	// csrService finds a CSR's service when the reply does not show it (a
	// refusal): one read, for the log line only.
	csrService func(ctx context.Context, id csr.ID) (string, bool)
}

var _ bot.Observer = (*observer)(nil)

func (o *observer) Begin(ctx context.Context, ev chat.Event) (context.Context, func(chat.Outcome)) {
	start := time.Now()
	source := "command"
	if ev.Click {
		source = "click"
	}
	fields := strings.Fields(ev.Text)
	verb := "unknown"
	if len(fields) > 0 {
		if _, ok := o.registry.Spec(strings.ToLower(fields[0])); ok {
			verb = strings.ToLower(fields[0])
		}
	} else {
		verb = "help" // an empty line answers with help
	}
	id := o.csrID(fields)
	service := o.serviceArg(verb, fields)
	attrs := []slog.Attr{slog.String("request_id", newRequestID()), slog.String("verb", verb)}
	person, known := o.people.Person(ev.User)
	if known {
		attrs = append(attrs, slog.String("person", string(person)))
	}
	if id != "" {
		attrs = append(attrs, slog.String("csr", string(id)))
	}
	if service != "" {
		attrs = append(attrs, slog.String("service", service))
	}
	ctx = logging.With(ctx, attrs...)
	return ctx, func(out chat.Outcome) {
		d := time.Since(start)
		outcome, rule := metrics.OK, ""
		switch r := out.Reply.Refusal; {
		case out.Duplicate:
			outcome = metrics.Duplicate
		case r != nil && (r.Rule == csr.RuleInternal || r.Rule == csr.RuleStoreUnavailable):
			outcome, rule = metrics.Error, string(r.Rule)
		case r != nil:
			outcome, rule = metrics.Refused, string(r.Rule)
		}
		o.metrics.Command(source, verb, outcome, rule, d)
		line := []slog.Attr{slog.String("source", source), slog.String("outcome", outcome),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000)}
		if rule != "" {
			line = append(line, slog.String("rule", rule))
		}
		if !known {
			line = append(line, slog.String("user", clip(ev.User)))
		}
		if c := out.Reply.Card; c != nil {
			line = append(line, slog.String("csr", string(c.CSR.ID)), slog.String("service", c.Service.Name))
		} else if service == "" && id != "" {
			if s, ok := o.csrService(context.WithoutCancel(ctx), id); ok {
				line = append(line, slog.String("service", s))
			}
		}
		level := slog.LevelInfo
		if outcome == metrics.Error {
			level = slog.LevelWarn
		}
		o.log.LogAttrs(ctx, level, source, line...)
	}
}

// csrID is the first argument that reads as a CSR id of this installation.
func (o *observer) csrID(fields []string) csr.ID {
	for _, f := range fields[min(1, len(fields)):] {
		rest, ok := strings.CutPrefix(strings.ToUpper(f), strings.ToUpper(o.prefix)+"-")
		if ok && rest != "" && strings.Trim(rest, "0123456789") == "" && len(rest) < 19 {
			return csr.ID(o.prefix + "-" + rest)
		}
	}
	return ""
}

// serviceArg is the service a verb names directly (new, freeze, …), when
// it is a configured one: free text never becomes a log attribute.
func (o *observer) serviceArg(verb string, fields []string) string {
	switch verb {
	case "new", "freeze", "unfreeze", "process":
		if len(fields) > 1 {
			if svc, ok := o.service(fields[1]); ok {
				return svc.Name
			}
		}
	}
	return ""
}

func clip(u string) string {
	if r := []rune(u); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return u
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// observedEffects records finished deploy runs in the metrics on their way
// to the notices: the deploy queue announces each result once.
type observedEffects struct {
	*bot.Effects
	metrics *metrics.Metrics
}

func (e observedEffects) Emit(ctx context.Context, c csr.CSR, by csr.Person, evs []csr.Event) {
	for _, ev := range evs {
		// An unknown outcome is counted when it settles, not twice.
		if ev.Kind != csr.EvRunFinished || !ev.Run.Status.Done() {
			continue
		}
		var d time.Duration
		if !ev.Run.StartedAt.IsZero() && ev.Run.EndedAt.After(ev.Run.StartedAt) {
			d = ev.Run.EndedAt.Sub(ev.Run.StartedAt)
		}
		e.metrics.Run(c.Service, ev.Run.Env, string(ev.Run.Purpose), string(ev.Run.Status), d)
	}
	e.Effects.Emit(ctx, c, by, evs)
}
