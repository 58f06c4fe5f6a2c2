package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// ReminderKind says what a reminder reports.
type ReminderKind string

// Reminder kinds.
const (
	// RemindApprovals: CSRs whose open approval step has waited longer than
	// OlderThan, with the people holding it.
	RemindApprovals ReminderKind = "waiting_approvals"
	// RemindDeploys: production deploys scheduled in the next Within.
	RemindDeploys ReminderKind = "scheduled_deploys"
	// RemindStuck: CSRs stuck after a failed test or production deploy for
	// longer than OlderThan.
	RemindStuck ReminderKind = "stuck"
	// RemindFreezes: freezes starting or ending in the next Within.
	RemindFreezes ReminderKind = "freezes"
)

var reminderKinds = []string{string(RemindApprovals), string(RemindDeploys), string(RemindStuck), string(RemindFreezes)}

// Reminder is a cron schedule that posts one kind of report to a channel.
type Reminder struct {
	Name string
	Kind ReminderKind
	// Spec is the schedule as written; Schedule is it parsed, in Location
	// (the spec's CRON_TZ, else the file's timezone).
	Spec     string
	Schedule cron.Schedule
	Location *time.Location
	Channel  string
	Services []string // the services reported on; empty: all of them
	// OlderThan: waiting_approvals and stuck report only what has waited
	// at least this long.
	OlderThan time.Duration
	// Within: scheduled_deploys and freezes look this far ahead.
	Within time.Duration
	Line   int // where the reminder is in the file, for messages
}

// DefaultWithin is how far scheduled_deploys and freezes reminders look
// ahead when within is not given: today's and tonight's deploys for a
// reminder posted in the morning.
const DefaultWithin = 24 * time.Hour

// Reminders lists the configured reminders in file order.
func (c *Config) Reminders() []Reminder {
	out := slices.Clone(c.reminders)
	for i := range out {
		out[i].Services = slices.Clone(out[i].Services)
	}
	return out
}

// specParser reads standard five-field cron specs (minute hour day-of-month
// month day-of-week), descriptors such as @daily and @every 1h, and a
// leading CRON_TZ=Zone.
var specParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a cron spec, read in def unless it starts with
// CRON_TZ=Zone (or TZ=Zone). It returns the schedule and its zone.
func ParseSchedule(spec string, def *time.Location) (cron.Schedule, *time.Location, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil, fmt.Errorf("is empty")
	}
	loc := def
	if rest, ok := cutZone(spec); ok {
		zone, body, _ := strings.Cut(rest, " ")
		body = strings.TrimSpace(body)
		if body == "" {
			return nil, nil, fmt.Errorf("%q names a time zone but no schedule; write e.g. \"CRON_TZ=Asia/Seoul 0 10 * * MON-FRI\"", spec)
		}
		l, err := time.LoadLocation(zone)
		if err != nil || zone == "" || zone == "Local" {
			return nil, nil, fmt.Errorf("%q is not a time zone; use an IANA name like Asia/Seoul or UTC", zone)
		}
		loc, spec = l, body
	}
	sched, err := parseSpec("CRON_TZ=" + loc.String() + " " + spec)
	if err != nil {
		return nil, nil, fmt.Errorf("%q is not a cron schedule (%v); write five fields, minute hour day-of-month month day-of-week, e.g. \"0 10 * * MON-FRI\", or @daily, @every 1h", spec, err)
	}
	return sched, loc, nil
}

func cutZone(spec string) (string, bool) {
	for _, p := range []string{"CRON_TZ=", "TZ="} {
		if rest, ok := strings.CutPrefix(spec, p); ok {
			return rest, true
		}
	}
	return "", false
}

// parseSpec guards against the parser panicking on odd input: a config
// problem must never crash startup.
func parseSpec(spec string) (s cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return specParser.Parse(spec)
}

func (d *decoder) reminders(n *yaml.Node, c *Config) {
	items, _ := d.list(n, "reminders")
	first := map[string]int{} // name -> line
	for i, it := range items {
		path := elem("reminders", i)
		r, ok := d.reminder(it, path, c)
		if r.Name == "" {
			continue
		}
		if line, dup := first[r.Name]; dup {
			d.errorf(lookup(it, "name"), join(path, "name"), "reminder %q is already defined on line %d", r.Name, line)
			continue
		}
		first[r.Name] = r.Line
		if ok {
			c.reminders = append(c.reminders, r)
		}
	}
}

// kindFields says which kinds a kind-specific field applies to (the
// fields themselves are in fields.go).
var (
	kindFields = map[string][]ReminderKind{
		"older_than": {RemindApprovals, RemindStuck},
		"within":     {RemindDeploys, RemindFreezes},
	}
)

func (d *decoder) reminder(n *yaml.Node, path string, c *Config) (Reminder, bool) {
	before := len(d.problems)
	f := d.fields(n, path, known("reminders"))
	if f == nil {
		return Reminder{}, false
	}
	r := Reminder{Within: DefaultWithin}
	r.Name, _ = d.match(f["name"], join(path, "name"), namePat)
	if nn := resolve(f["name"]); nn != nil {
		r.Line = nn.Line
	}
	kind, kindOK := d.oneOf(f["kind"], join(path, "kind"), reminderKinds...)
	r.Kind = ReminderKind(kind)
	if spec, ok := d.text(f["schedule"], join(path, "schedule")); ok {
		sched, loc, err := ParseSchedule(spec, c.loc)
		if err != nil {
			d.errorf(f["schedule"], join(path, "schedule"), "%s", err.Error())
		}
		r.Spec, r.Schedule, r.Location = spec, sched, loc
	}
	r.Channel, _ = d.match(f["channel"], join(path, "channel"), channelPat)
	svcs, _ := d.list(f["services"], join(path, "services"))
	for j, it := range svcs {
		p := elem(join(path, "services"), j)
		name, ok := d.text(it, p)
		if !ok {
			continue
		}
		if _, known := c.Service(name); !known {
			d.errorf(it, p, "unknown service %q (services: %s)", name, strings.Join(c.ServiceNames(), ", "))
			continue
		}
		if !slices.Contains(r.Services, name) {
			r.Services = append(r.Services, name)
		}
	}
	for _, field := range []string{"older_than", "within"} {
		kinds := kindFields[field]
		if !isNull(f[field]) && kindOK && !slices.Contains(kinds, r.Kind) {
			names := make([]string, len(kinds))
			for i, k := range kinds {
				names[i] = string(k)
			}
			d.errorf(f[field], join(path, field), "applies only to kind %s, not %s", strings.Join(names, " or "), r.Kind)
		}
	}
	if !isNull(f["older_than"]) {
		r.OlderThan = d.duration(f["older_than"], join(path, "older_than"))
	}
	if !isNull(f["within"]) {
		n := len(d.problems)
		if r.Within = d.duration(f["within"], join(path, "within")); len(d.problems) == n && r.Within <= 0 {
			d.errorf(f["within"], join(path, "within"), "must be a duration above zero, like 12h")
		}
	}
	if r.Kind != RemindDeploys && r.Kind != RemindFreezes {
		r.Within = 0
	}
	return r, len(d.problems) == before
}
