package config

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

func TestExampleLoads(t *testing.T) {
	c, err := Load("../config.example.yaml")
	require.NoError(t, err)

	seoul, err := time.LoadLocation("Asia/Seoul")
	require.NoError(t, err)
	require.Equal(t, "CSR", c.Prefix())
	require.Equal(t, seoul, c.Location())
	require.Equal(t, []string{"billing-api", "web-frontend"}, c.ServiceNames())
	require.Len(t, c.Services(), 2)

	billing, ok := c.Service("billing-api")
	require.True(t, ok)
	require.Equal(t, "acme/billing-api", billing.Repo)
	require.Equal(t, "#billing-releases", billing.Channel)
	require.Equal(t, []string{"test", "prod"}, billing.Environments)
	require.Equal(t, "test", billing.TestEnv())
	require.Equal(t, "prod", billing.ProdEnv())
	require.Equal(t, map[string]string{"test": "fake", "prod": "fake"}, billing.Deployers)
	require.Equal(t, []csr.Step{
		{Name: "lead", Approvers: []csr.Person{"bob"}, Required: 1},
		{Name: "sm", Approvers: []csr.Person{"carol", "dave"}, Required: 1}, // group:sm resolved
		{Name: "business", Approvers: []csr.Person{"erin"}, Required: 1},
	}, billing.Line)
	require.True(t, billing.EvidenceRequired)
	require.Equal(t, &csr.Window{
		Days:     [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true},
		Start:    22 * time.Hour,
		End:      2 * time.Hour,
		Location: seoul,
	}, billing.Window)
	require.Equal(t, []csr.Freeze{{
		Service: "billing-api",
		From:    time.Date(2026, 12, 24, 0, 0, 0, 0, seoul),
		Until:   time.Date(2026, 12, 26, 0, 0, 0, 0, seoul),
		Reason:  "Year-end freeze: billing close",
	}}, billing.Freezes)

	dep, ok := c.DeployerFor("billing-api", "prod")
	require.True(t, ok)
	require.Equal(t, Deployer{Kind: "fake", Delay: 3 * time.Second, Outcome: "success"}, dep)
	dep, ok = c.DeployerFor("billing-api", "test")
	require.True(t, ok)
	require.Equal(t, 2*time.Second, dep.Delay)
	_, ok = c.DeployerFor("billing-api", "staging")
	require.False(t, ok)

	web, ok := c.Service("web-frontend")
	require.True(t, ok)
	require.False(t, web.EvidenceRequired)
	require.Nil(t, web.Window, "no window: deploys at any time")
	require.Equal(t, []string{"staging", "prod"}, web.Environments)
	require.Equal(t, []csr.Person{"carol", "dave"}, web.Line[1].Approvers)
	_, ok = c.Service("nope")
	require.False(t, ok)

	require.Equal(t, []csr.Person{"alice", "bob", "carol", "dave", "erin", "frank", "grace"}, c.People())
	require.True(t, c.HasPerson("frank"))
	require.False(t, c.HasPerson("mallory"))
	require.Equal(t, "U0BOB00002", c.SlackID("bob"))
	require.Empty(t, c.SlackID("mallory"))
	p, ok := c.PersonBySlackID("U0ERIN0005")
	require.True(t, ok)
	require.Equal(t, csr.Person("erin"), p)
	_, ok = c.PersonBySlackID("U0NOBODY")
	require.False(t, ok)
	require.True(t, c.IsAdmin("grace"))
	require.False(t, c.IsAdmin("alice"))
	require.Equal(t, []csr.Person{"carol", "dave"}, c.Group("sm"))
	require.Nil(t, c.Group("nope"))
}

func TestExampleWindowCrossesMidnight(t *testing.T) {
	c, err := Load("../config.example.yaml")
	require.NoError(t, err)
	billing, _ := c.Service("billing-api")
	seoul := c.Location()

	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"friday before opening", time.Date(2026, 3, 6, 21, 59, 0, 0, seoul), false},
		{"friday at opening", time.Date(2026, 3, 6, 22, 0, 0, 0, seoul), true},
		{"saturday 01:00 belongs to friday", time.Date(2026, 3, 7, 1, 0, 0, 0, seoul), true},
		{"saturday 02:00 is closed", time.Date(2026, 3, 7, 2, 0, 0, 0, seoul), false},
		{"saturday night is closed", time.Date(2026, 3, 7, 23, 0, 0, 0, seoul), false},
		{"monday 01:00 belongs to sunday", time.Date(2026, 3, 9, 1, 0, 0, 0, seoul), false},
		{"tuesday 01:00 belongs to monday", time.Date(2026, 3, 10, 1, 0, 0, 0, seoul), true},
		{"same instant seen from UTC", time.Date(2026, 3, 9, 16, 0, 0, 0, time.UTC), true}, // Tue 01:00 KST
		{"weekday noon", time.Date(2026, 3, 10, 12, 0, 0, 0, seoul), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, billing.Window.Allows(tt.at))
		})
	}
}

// TestEveryProblemReported checks testdata/bad.yaml: all of its problems come
// back together, each with its line and field, and nothing else.
func TestEveryProblemReported(t *testing.T) {
	_, err := Load("testdata/bad.yaml")
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	require.Equal(t, "testdata/bad.yaml", verr.File)

	want := []struct {
		name  string
		line  int
		field string
		msg   string
	}{
		{"bad top-level timezone", 3, "timezone", `"Mars/Olympus" is not a time zone`},
		{"bad csr_prefix", 4, "csr_prefix", `"csr-" is not a CSR prefix`},
		{"admin not a person", 5, "admins[1]", `unknown person "zed"`},
		{"duplicate Slack id", 10, "people.dave", "Slack id U0ALICE001 is already alice's (line 7)"},
		{"bad Slack id", 11, "people.erin", `"not-an-id" is not a Slack user id`},
		{"group member not a person", 14, "groups.sm[1]", `unknown person "mallory"`},
		{"bad outcome", 21, "services[0].environments[0].deployer.outcome", `"maybe" is not one of success, failure`},
		{"duplicate environment", 22, "services[0].environments[1].name", `environment "test" is already listed on line 20`},
		{"unknown deployer kind", 23, "services[0].environments[1].deployer.kind", `unknown deployer kind "jenkins" (known kinds: command, fake, github-actions, github-deployment, webhook)`},
		{"unknown field", 25, "services[0].approval_line[0].aprovers", "unknown field (known fields: approvers, name, required)"},
		{"missing required field", 25, "services[0].approval_line[0].approvers", "is required"},
		{"duplicate step", 26, "services[0].approval_line[1].name", `step "lead" is already in this line on line 25`},
		{"required above distinct approvers", 27, "services[0].approval_line[2].required", "is 2 but the step has only 1 distinct approver(s): carol"},
		{"unknown approver", 28, "services[0].approval_line[3].approvers[0]", `unknown approver "nobody"`},
		{"unknown group", 28, "services[0].approval_line[3].approvers[1]", `unknown group "ghosts"`},
		{"required below one", 28, "services[0].approval_line[3].required", "must be at least 1"},
		{"step without approvers", 29, "services[0].approval_line[4].approvers", "must list at least one approver"},
		{"bad day", 31, "services[0].deploy_window.days[1]", `"funday" is not a day`},
		{"bad HH:MM", 32, "services[0].deploy_window.start", `"25:00" is not a time of day HH:MM`},
		{"bad window timezone", 34, "services[0].deploy_window.timezone", `"Moon/Base" is not a time zone`},
		{"freeze until before from", 36, "services[0].freezes[0].until", "must be after from (2026-12-26 00:00)"},
		{"freeze missing reason", 37, "services[0].freezes[1].reason", "is required"},
		{"bad freeze time", 37, "services[0].freezes[1].from", `"2026-12-24" is not a time like "2026-12-24 00:00"`},
		{"duplicate service", 38, "services[1].name", `service "billing-api" is already defined on line 16`},
		{"one environment", 42, "services[1].environments", "needs at least 2 environments"},
		{"empty approval line", 43, "services[1].approval_line", "needs at least one step"},
		{"start equals end", 44, "services[1].deploy_window.end", "equals start"},
		{"missing repo", 45, "services[2].repo", "is required"},
		{"bad service name", 45, "services[2].name", `"Web_Frontend" is not a name`},
		{"no environments", 47, "services[2].environments", "needs at least 2 environments"},
	}
	for _, w := range want {
		t.Run(w.name, func(t *testing.T) {
			p := findProblem(t, verr.Problems, w.field)
			require.Equal(t, w.line, p.Line)
			require.Contains(t, p.Message, w.msg)
		})
	}
	require.Len(t, verr.Problems, len(want), "unexpected extra problems:\n%s", err)
	require.Contains(t, err.Error(),
		"testdata/bad.yaml:25: services[0].approval_line[0].aprovers: unknown field (known fields: approvers, name, required)\n")
}

func findProblem(t *testing.T, ps []Problem, field string) Problem {
	t.Helper()
	for _, p := range ps {
		if p.Field == field {
			return p
		}
	}
	require.Failf(t, "problem not reported", "no problem for field %q in %v", field, ps)
	return Problem{}
}

// minimal is the smallest valid file; cases below change one line of it, so
// line numbers in their expectations refer to this listing.
const minimal = `timezone: UTC
people: {alice: U1ALICE, bob: U1BOB, carol: U1CAROL}
groups: {sm: [bob, carol]}
services:
  - name: api
    repo: acme/api
    channel: "#api"
    environments:
      - {name: test, deployer: {kind: fake}}
      - {name: prod, deployer: {kind: fake, delay: 1m30s}}
    approval_line:
      - {name: lead, approvers: [bob]}
`

// edit replaces old with new in minimal, or appends new when old is empty.
func edit(t *testing.T, old, new string) []byte {
	t.Helper()
	if old == "" {
		return []byte(minimal + new)
	}
	require.Contains(t, minimal, old)
	return []byte(strings.Replace(minimal, old, new, 1))
}

func TestMinimalDefaults(t *testing.T) {
	c, err := Parse("minimal.yaml", []byte(minimal))
	require.NoError(t, err)
	require.Equal(t, "CSR", c.Prefix(), "default prefix")
	require.Equal(t, "en", c.Language(), "default language")
	ko, err := Parse("ko.yaml", []byte(strings.Replace(minimal, "timezone: UTC", "timezone: UTC\nlanguage: ko", 1)))
	require.NoError(t, err)
	require.Equal(t, "ko", ko.Language())
	require.Equal(t, time.UTC, c.Location())
	api, ok := c.Service("api")
	require.True(t, ok)
	require.Equal(t, 1, api.Line[0].Required, "required defaults to 1")
	require.Nil(t, api.Window)
	require.False(t, api.EvidenceRequired)
	require.False(t, c.IsAdmin("alice"))
	dep, _ := c.DeployerFor("api", "test")
	require.Equal(t, Deployer{Kind: "fake", Outcome: "success"}, dep, "fake defaults: no delay, success")
	dep, _ = c.DeployerFor("api", "prod")
	require.Equal(t, 90*time.Second, dep.Delay)
}

func TestAnchorsAreFollowed(t *testing.T) {
	data := strings.NewReplacer(
		"{name: test, deployer: {kind: fake}}", "{name: test, deployer: &fast {kind: fake, delay: 5s}}",
		"{kind: fake, delay: 1m30s}", "*fast",
		"approval_line:\n", "approval_line: &line\n",
	).Replace(minimal) + `  - {name: web, repo: acme/web, channel: "#web", approval_line: *line,
     environments: [{name: a, deployer: *fast}, {name: b, deployer: *fast}]}
`
	c, err := Parse("anchors.yaml", []byte(data))
	require.NoError(t, err)
	dep, _ := c.DeployerFor("api", "prod")
	require.Equal(t, 5*time.Second, dep.Delay)
	web, ok := c.Service("web")
	require.True(t, ok)
	require.Equal(t, []csr.Step{{Name: "lead", Approvers: []csr.Person{"bob"}, Required: 1}}, web.Line)
}

// TestPeopleLanguages: a person is a Slack id or a mapping of it and the
// person's own language; both forms mix in one file.
func TestPeopleLanguages(t *testing.T) {
	data := edit(t, "people: {alice: U1ALICE, bob: U1BOB, carol: U1CAROL}",
		"people:\n  alice: U1ALICE\n  bob: {slack: U1BOB, language: ko}\n  carol: {slack: U1CAROL}")
	c, err := Parse("people.yaml", data)
	require.NoError(t, err)
	require.Equal(t, []csr.Person{"alice", "bob", "carol"}, c.People())
	for p, id := range map[csr.Person]string{"alice": "U1ALICE", "bob": "U1BOB", "carol": "U1CAROL"} {
		require.Equal(t, id, c.SlackID(p))
		got, ok := c.PersonBySlackID(id)
		require.True(t, ok)
		require.Equal(t, p, got)
	}
	require.Equal(t, "ko", c.PersonLanguage("bob"))
	require.Empty(t, c.PersonLanguage("alice"), "the short form sets no language")
	require.Empty(t, c.PersonLanguage("carol"), "a mapping without language sets none")
	require.Empty(t, c.PersonLanguage("mallory"))
	require.Equal(t, "en", c.Language(), "a person's language leaves the installation's alone")
}

func TestWindowAndFreezeZones(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	tests := []struct {
		name   string
		window string
		want   *time.Location
	}{
		{"no window: top-level zone", "", seoul},
		{"window without zone: top-level zone", `    deploy_window: {days: [sat, SUN], start: "09:00", end: "17:30"}` + "\n", seoul},
		{"window zone", `    deploy_window: {days: [mon], start: "09:00", end: "17:30", timezone: Asia/Tokyo}` + "\n", tokyo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(minimal, "timezone: UTC", "timezone: Asia/Seoul", 1) + tt.window +
				`    freezes: [{from: "2026-12-24 00:00", until: "2026-12-26 00:00", reason: holidays}]` + "\n"
			c, err := Parse("zones.yaml", []byte(data))
			require.NoError(t, err)
			api, _ := c.Service("api")
			require.Equal(t, time.Date(2026, 12, 24, 0, 0, 0, 0, tt.want), api.Freezes[0].From)
			if api.Window != nil {
				require.Equal(t, tt.want, api.Window.Location)
				require.Equal(t, 9*time.Hour, api.Window.Start)
				require.Equal(t, 17*time.Hour+30*time.Minute, api.Window.End)
			}
		})
	}
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		line     int
		field    string
		msg      string
		problems int // 0 means 1
	}{
		{name: "empty file", data: []byte("# nothing\n"), line: 1, msg: "the file is empty"},
		{name: "not YAML", data: []byte("timezone: UTC\n  people: x\n"), line: 2, msg: "not valid YAML: mapping values are not allowed"},
		{name: "not a mapping", data: []byte("- a\n"), line: 1, msg: "must be a mapping with the fields admins, csr_prefix, groups, language, people, reminders, services, slack_usergroups, timezone"},
		{name: "missing top-level fields", data: []byte("csr_prefix: CSR\n"), line: 1, field: "people", msg: "is required", problems: 3},
		{name: "null required field", data: edit(t, "timezone: UTC", "timezone:"), line: 1, field: "timezone", msg: "is required"},
		{name: "Local timezone", data: edit(t, "timezone: UTC", "timezone: Local"), line: 1, field: "timezone", msg: "not a time zone"},
		{name: "unknown language", data: edit(t, "timezone: UTC", "timezone: UTC\nlanguage: fr"), line: 2, field: "language", msg: `"fr" is not one of en, ko`},
		{name: "key given twice", data: edit(t, "", "timezone: UTC\n"), line: 13, field: "timezone", msg: "given twice (first on line 1)"},
		{name: "unknown top-level field", data: edit(t, "", "channels: [x]\n"), line: 13, field: "channels", msg: "unknown field"},
		{name: "no people", data: edit(t, "people: {alice: U1ALICE, bob: U1BOB, carol: U1CAROL}", "people: {}"), line: 2, field: "people", msg: "must name at least one person", problems: 4},
		{name: "person without Slack id", data: edit(t, "alice: U1ALICE", "alice: "), line: 2, field: "people.alice", msg: "needs a Slack user id"},
		{name: "bad person name", data: edit(t, "alice: U1ALICE", "Alice: U1ALICE"), line: 2, field: "people.Alice", msg: `"Alice" is not a person name`},
		{name: "people as a list", data: edit(t, "people: {alice: U1ALICE, bob: U1BOB, carol: U1CAROL}", "people: [alice]"), line: 2, field: "people", msg: "must be a mapping of person name to a Slack user id or to {slack: ID, language: LANG}", problems: 4},
		{name: "person's language unknown", data: edit(t, "alice: U1ALICE", "alice: {slack: U1ALICE, language: fr}"), line: 2, field: "people.alice.language", msg: `"fr" is not one of en, ko: the languages the bot speaks`},
		{name: "person's mapping without slack", data: edit(t, "alice: U1ALICE", "alice: {language: ko}"), line: 2, field: "people.alice.slack", msg: "is required"},
		{name: "person's mapping with an unknown field", data: edit(t, "alice: U1ALICE", "alice: {slack: U1ALICE, lang: ko}"), line: 2, field: "people.alice.lang", msg: "unknown field (known fields: language, slack)"},
		{name: "person's mapping with a bad Slack id", data: edit(t, "alice: U1ALICE", "alice: {slack: alice}"), line: 2, field: "people.alice.slack", msg: `"alice" is not a Slack user id`},
		{name: "person's mapping reuses a Slack id", data: edit(t, "bob: U1BOB", "bob: {slack: U1ALICE, language: ko}"), line: 2, field: "people.bob.slack", msg: "Slack id U1ALICE is already alice's (line 2)"},
		{name: "person as a list", data: edit(t, "alice: U1ALICE", "alice: [U1ALICE]"), line: 2, field: "people.alice", msg: "must be a Slack user id, or a mapping like {slack: U0123ABCD, language: ko}"},
		{name: "empty group", data: edit(t, "sm: [bob, carol]", "sm: []"), line: 3, field: "groups.sm", msg: "must list at least one person"},
		{name: "no services", data: edit(t, "services:\n", "services: []\nx:\n"), line: 4, field: "services", msg: "must list at least one service", problems: 2},
		{name: "services as a mapping", data: edit(t, "services:\n", "services: {}\nx:\n"), line: 4, field: "services", msg: "must be a list", problems: 2},
		{name: "bad repo", data: edit(t, "repo: acme/api", "repo: api"), line: 6, field: "services[0].repo", msg: `"api" is not a GitHub repository`},
		{name: "bad channel", data: edit(t, `channel: "#api"`, "channel: api"), line: 7, field: "services[0].channel", msg: `"api" is not a Slack channel`},
		{name: "channel id", data: edit(t, `channel: "#api"`, "channel: [C0123ABCD]"), line: 7, field: "services[0].channel", msg: "must be a single value"},
		{name: "deployer without kind", data: edit(t, "deployer: {kind: fake}}", "deployer: {delay: 2s}}"), line: 9, field: "services[0].environments[0].deployer.kind", msg: "is required (known kinds: command, fake, github-actions, github-deployment, webhook)"},
		{name: "deployer not a mapping", data: edit(t, "deployer: {kind: fake}}", "deployer: fake}"), line: 9, field: "services[0].environments[0].deployer", msg: "must be a mapping of kind and its settings"},
		{name: "fake field on fake", data: edit(t, "deployer: {kind: fake}}", "deployer: {kind: fake, url: x}}"), line: 9, field: "services[0].environments[0].deployer.url", msg: "unknown field (known fields: delay, kind, outcome)"},
		{name: "bad delay", data: edit(t, "delay: 1m30s", "delay: 90"), line: 10, field: "services[0].environments[1].deployer.delay", msg: `"90" is not a duration`},
		{name: "negative delay", data: edit(t, "delay: 1m30s", "delay: -1s"), line: 10, field: "services[0].environments[1].deployer.delay", msg: "is not a duration"},
		{name: "bad required", data: edit(t, "approvers: [bob]}", "approvers: [bob], required: one}"), line: 12, field: "services[0].approval_line[0].required", msg: `"one" is not a whole number`},
		{name: "required above group size", data: edit(t, "approvers: [bob]}", `approvers: [bob, "group:sm"], required: 3}`), line: 12, field: "services[0].approval_line[0].required", msg: "is 3 but the step has only 2 distinct approver(s): bob, carol"},
		{name: "empty approver", data: edit(t, "approvers: [bob]}", "approvers: [bob, ~]}"), line: 12, field: "services[0].approval_line[0].approvers[1]", msg: "is empty"},
		{name: "bad evidence_required", data: edit(t, "", "    evidence_required: yes\n"), line: 13, field: "services[0].evidence_required", msg: `"yes" is not true or false`},
		{name: "window without days", data: edit(t, "", `    deploy_window: {days: [], start: "09:00", end: "17:00"}`+"\n"), line: 13, field: "services[0].deploy_window.days", msg: "must name at least one day"},
		{name: "window missing end", data: edit(t, "", `    deploy_window: {days: [mon], start: "09:00"}`+"\n"), line: 13, field: "services[0].deploy_window.end", msg: "is required"},
		{name: "bad end", data: edit(t, "", `    deploy_window: {days: [mon], start: "09:00", end: "5pm"}`+"\n"), line: 13, field: "services[0].deploy_window.end", msg: `"5pm" is not a time of day`},
		{name: "freeze empty reason", data: edit(t, "", `    freezes: [{from: "2026-12-24 00:00", until: "2026-12-26 00:00", reason: " "}]`+"\n"), line: 13, field: "services[0].freezes[0].reason", msg: "must say why"},
		{name: "unknown rollback role", data: edit(t, "", "    rollback_by: [requester, owner]\n"), line: 13, field: "services[0].rollback_by[1]", msg: `"owner" is neither a role (requester, assignee, last_step, admins)`},
		{name: "empty rollback_by", data: edit(t, "", "    rollback_by: []\n"), line: 13, field: "services[0].rollback_by", msg: "must name at least one of requester"},
		{name: "unknown rollback group", data: edit(t, "", "    rollback_by: [\"group:ops\"]\n"), line: 13, field: "services[0].rollback_by[0]", msg: `unknown group "ops"`},
		{name: "freeze until equals from", data: edit(t, "", `    freezes: [{from: "2026-12-24 00:00", until: "2026-12-24 00:00", reason: x}]`+"\n"), line: 13, field: "services[0].freezes[0].until", msg: "must be after from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", tt.data)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			want := max(tt.problems, 1)
			require.Len(t, verr.Problems, want, "%s", err)
			p := findProblem(t, verr.Problems, tt.field)
			require.Equal(t, tt.line, p.Line)
			require.Contains(t, p.Message, tt.msg)
		})
	}
}

// TestRollbackBy: the policy of who may roll back, as written in the file.
func TestRollbackBy(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want csr.RollbackPolicy
	}{
		{name: "absent: the default", yaml: "", want: csr.DefaultRollbackPolicy()},
		{name: "roles", yaml: "    rollback_by: [last_step, admins]\n",
			want: csr.RollbackPolicy{Roles: []csr.RollbackRole{csr.RollbackLastStep, csr.RollbackAdmins}}},
		{name: "people and groups", yaml: "    rollback_by: [admins, alice, \"group:sm\"]\n",
			want: csr.RollbackPolicy{Roles: []csr.RollbackRole{csr.RollbackAdmins}, People: []csr.Person{"alice", "bob", "carol"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("c.yaml", edit(t, "", tc.yaml))
			require.NoError(t, err)
			svc, ok := c.Service(c.ServiceNames()[0])
			require.True(t, ok)
			require.Equal(t, tc.want, svc.RollbackPolicyOf())
		})
	}
}

func TestSecretsNeverQuoted(t *testing.T) {
	const value = "xoxb-1234-5678-hunter2"
	tests := []struct {
		name  string
		data  []byte
		line  int
		field string
	}{
		{"top-level token", edit(t, "", "slack_bot_token: "+value+"\n"), 13, "slack_bot_token"},
		{"signing secret, any case", edit(t, "", "Slack_Signing_Secret: \""+value+"\"\n"), 13, "Slack_Signing_Secret"},
		{"password in a deployer", edit(t, "deployer: {kind: fake}}", "deployer: {kind: fake, password: "+value+"}}"), 9, "services[0].environments[0].deployer.password"},
		{"private key in a nested unknown field", edit(t, "", "github:\n  app:\n    private-key: |\n      "+value+"\n"), 15, "github.app.private-key"},
		{"token pasted as a Slack id", edit(t, "alice: U1ALICE", "alice: "+value), 2, "people.alice"},
		{"GitHub token pasted as a repo", edit(t, "repo: acme/api", "repo: ghp_"+value), 6, "services[0].repo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", tt.data)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			p := findProblem(t, verr.Problems, tt.field)
			require.Equal(t, tt.line, p.Line)
			require.Contains(t, p.Message, "set them in the environment (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, GITHUB_TOKEN)")
			require.NotContains(t, err.Error(), value, "the value must never be quoted")
			require.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestErrorFormat(t *testing.T) {
	_, err := Parse("releasebot.yaml", edit(t, "timezone: UTC", "timezone: Nowhere\ncsr_prefix: x"))
	require.EqualError(t, err, `releasebot.yaml:1: timezone: "Nowhere" is not a time zone; use an IANA name like Asia/Seoul or UTC
releasebot.yaml:2: csr_prefix: "x" is not a CSR prefix: a capital letter, then up to 9 capital letters or digits`)

	_, err = Load("testdata/missing.yaml")
	require.ErrorContains(t, err, "no such file")
	var verr *ValidationError
	require.NotErrorAs(t, err, &verr)
}

func TestAccessorsReturnCopies(t *testing.T) {
	c, err := Load("../config.example.yaml")
	require.NoError(t, err)

	s, _ := c.Service("billing-api")
	s.Line[1].Approvers[0] = "mallory"
	s.Environments[0] = "nowhere"
	s.Deployers["prod"] = "evil"
	s.Window.Days[time.Sunday] = true
	s.Freezes[0].Reason = "changed"
	all := c.Services()
	all[0].Line[0].Approvers[0] = "mallory"
	c.Group("sm")[0] = "mallory"
	c.People()[0] = "mallory"

	again, _ := c.Service("billing-api")
	require.Equal(t, []csr.Person{"bob"}, again.Line[0].Approvers)
	require.Equal(t, []csr.Person{"carol", "dave"}, again.Line[1].Approvers)
	require.Equal(t, "test", again.Environments[0])
	require.Equal(t, "fake", again.Deployers["prod"])
	require.False(t, again.Window.Days[time.Sunday])
	require.Equal(t, "Year-end freeze: billing close", again.Freezes[0].Reason)
	require.Equal(t, []csr.Person{"carol", "dave"}, c.Group("sm"))
	require.Equal(t, csr.Person("alice"), c.People()[0])
}
