package commands

import (
	"context"
	"strconv"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/insights"
	"releasebot/internal/store"
	"releasebot/msg"
)

// The operator commands: release figures (stats), the audit trail
// (audit) and the running bot's diagnosis (doctor). The last two are for
// admins.

// AuditSource reads the audit stream by time range, oldest first
// (*redisstore.Store implements it).
type AuditSource interface {
	AuditRange(ctx context.Context, from, until time.Time, each func(store.AuditRecord) error) error
}

// Diagnosis is one check of the running bot's integrations.
type Diagnosis struct {
	Name     string
	OK, Skip bool
	Text     msg.Text
}

// Diagnoser runs the doctor's checks from the running bot.
type Diagnoser interface {
	Diagnose(ctx context.Context) []Diagnosis
}

// Ops are what the operator commands read besides the CSR store; the app
// wires them. A nil field makes its command say it is not available.
type Ops struct {
	Audit  AuditSource
	Doctor Diagnoser
}

// Stats reports the release figures of a service, or all, over Days days.
type Stats struct {
	Service string
	Days    int
}

// Verb implements Command.
func (Stats) Verb() string { return "stats" }

// statsPage is how many CSRs one store read returns while collecting them.
const statsPage = 500

// maxStatsCSRs bounds what one chat `stats` reads (the newest first), so a
// chat command never walks an unbounded history; the CLI reads all.
const maxStatsCSRs = 5000

// Lister lists CSRs (*redisstore.Store implements it).
type Lister interface {
	List(ctx context.Context, f store.Filter) ([]csr.CSR, error)
}

// ReleaseHistory collects the CSRs of a service ("" = all), newest first,
// at most limit of them (<= 0: all), for the release figures of stats.
func ReleaseHistory(ctx context.Context, l Lister, service string, limit int) ([]csr.CSR, error) {
	var all []csr.CSR
	for offset := 0; limit <= 0 || offset < limit; offset += statsPage {
		page, err := l.List(ctx, store.Filter{Service: service, Limit: statsPage, Offset: offset})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < statsPage {
			break
		}
	}
	return all, nil
}

func parseStats(p *parser) (Stats, error) {
	s := Stats{Service: p.optional(0), Days: 30}
	if v, ok := p.Flags["days"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 366 {
			return Stats{}, syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--days", "want", msg.T(msg.OpsStatsWant), "value", clip(v)),
				msg.T(msg.NextHelpVerb, "verb", "stats"))
		}
		s.Days = n
	}
	return s, p.atMost(1)
}

func runStats(ctx context.Context, h *Handler, _ Request, s Stats) (chat.Reply, error) {
	if s.Service != "" {
		svc, err := h.Service(s.Service)
		if err != nil {
			return chat.Reply{}, err
		}
		s.Service = svc.Name
	}
	all, err := ReleaseHistory(ctx, h.Store, s.Service, maxStatsCSRs)
	if err != nil {
		return chat.Reply{}, storeRefusal(err, "")
	}
	now := h.Clock.Now()
	r := insights.Compute(all, now.Add(-time.Duration(s.Days)*24*time.Hour), now)
	return chat.Reply{Texts: insights.Lines(r, s.Service, s.Days)}, nil
}

// Audit shows the transitions of a period.
type Audit struct {
	Since, Until string
	Service      string
}

// Verb implements Command.
func (Audit) Verb() string { return "audit" }

// auditShown is how many transitions a chat answer lists.
const auditShown = 20

func parseAudit(p *parser) (Audit, error) {
	return Audit{Since: p.Flags["since"], Until: p.Flags["until"], Service: p.Flags["service"]}, p.atMost(0)
}

func runAudit(ctx context.Context, h *Handler, req Request, a Audit) (chat.Reply, error) {
	if !req.Actor.Admin {
		return chat.Reply{}, &csr.Refusal{Rule: csr.RuleAdminOnly, Why: msg.T(msg.RefuseAdminOnly, "verb", "audit"), Next: msg.T(msg.NextAskAdmin)}
	}
	if h.Ops.Audit == nil {
		return chat.Reply{}, notWired("audit")
	}
	loc := h.Config.Location()
	now := h.Clock.Now()
	day := func(flag, v string, def time.Time) (time.Time, error) {
		if v == "" {
			return def, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			return t, syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", flag, "want", msg.T(msg.OpsAuditWant), "value", clip(v)),
				msg.T(msg.NextHelpVerb, "verb", "audit"))
		}
		return t, nil
	}
	since, err := day("--since", a.Since, now.AddDate(0, 0, -7))
	if err != nil {
		return chat.Reply{}, err
	}
	until, err := day("--until", a.Until, now)
	if err != nil {
		return chat.Reply{}, err
	}
	if a.Until != "" {
		until = until.AddDate(0, 0, 1) // the whole day named
	}
	scope := ""
	if a.Service != "" {
		svc, err := h.Service(a.Service)
		if err != nil {
			return chat.Reply{}, err
		}
		a.Service, scope = svc.Name, " ("+svc.Name+")"
	}
	services := map[csr.ID]string{}
	serviceOf := func(id csr.ID) string {
		if s, ok := services[id]; ok {
			return s
		}
		c, err := h.Store.Get(ctx, id)
		if err == nil {
			services[id] = c.Service
		}
		return services[id]
	}
	var lines []msg.Text
	n := 0
	err = h.Ops.Audit.AuditRange(ctx, since, until, func(r store.AuditRecord) error {
		// A CSR's service is read only to filter by it or to show the line:
		// counting the rest of a period reads nothing more.
		svc := ""
		if a.Service != "" {
			if svc = serviceOf(r.CSR); svc != a.Service {
				return nil
			}
		}
		n++
		if len(lines) < auditShown {
			if svc == "" {
				svc = serviceOf(r.CSR)
			}
			note := ""
			if r.Entry.Note != "" {
				note = ": " + clip(r.Entry.Note)
			}
			lines = append(lines, msg.T(msg.OpsAuditLine, "at", msg.AtShort(r.Entry.At.In(loc)), "csr", string(r.CSR),
				"service", svc, "action", r.Entry.Action, "from", stateName(r.Entry.From), "to", stateName(r.Entry.To),
				"by", string(r.Entry.By), "note", note))
		}
		return nil
	})
	if err != nil {
		return chat.Reply{}, storeRefusal(err, "")
	}
	shownUntil := until.AddDate(0, 0, -1)
	if a.Until == "" {
		shownUntil = until
	}
	from, to := since.Format(time.DateOnly), shownUntil.Format(time.DateOnly)
	if n == 0 {
		return chat.Reply{Texts: []msg.Text{msg.T(msg.OpsAuditNone, "from", from, "to", to, "scope", scope)}}, nil
	}
	texts := append([]msg.Text{msg.T(msg.OpsAuditHead, "n", n, "from", from, "to", to, "scope", scope)}, lines...)
	if n > len(lines) {
		texts = append(texts, msg.T(msg.OpsAuditMore, "n", n-len(lines), "since", from, "until", to))
	}
	return chat.Reply{Texts: texts}, nil
}

// stateName is a state in the reader's words; "" (a creation) stays "".
func stateName(s csr.State) any {
	if s == "" {
		return "–"
	}
	return s.Name()
}

// notWired refuses an operator command this bot was built without.
func notWired(verb string) error {
	return &csr.Refusal{Rule: csr.RuleNotAvailable, Why: msg.T(msg.OpsNotWired, "verb", verb), Next: msg.T(msg.OpsNextCLI, "verb", verb)}
}

// Doctor runs the doctor's checks from the running bot.
type Doctor struct{}

// Verb implements Command.
func (Doctor) Verb() string { return "doctor" }

func parseDoctor(p *parser) (Doctor, error) { return Doctor{}, p.atMost(0) }

func runDoctor(ctx context.Context, h *Handler, req Request, _ Doctor) (chat.Reply, error) {
	if !req.Actor.Admin {
		return chat.Reply{}, &csr.Refusal{Rule: csr.RuleAdminOnly, Why: msg.T(msg.RefuseAdminOnly, "verb", "doctor"), Next: msg.T(msg.NextAskAdmin)}
	}
	if h.Ops.Doctor == nil {
		return chat.Reply{}, notWired("doctor")
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var texts []msg.Text
	failed := 0
	for _, d := range h.Ops.Doctor.Diagnose(ctx) {
		mark := "✓"
		switch {
		case d.Skip:
			mark = "–"
		case !d.OK:
			mark, failed = "✗", failed+1
		}
		texts = append(texts, msg.T(msg.OpsDoctorLine, "mark", mark, "name", d.Name, "text", d.Text))
	}
	if failed > 0 {
		texts = append(texts, msg.T(msg.DoctorFailed, "n", failed))
	} else {
		texts = append(texts, msg.T(msg.DoctorAllOK))
	}
	return chat.Reply{Texts: texts}, nil
}
