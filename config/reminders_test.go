package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// remindersBase is a valid file; tests append a reminders section, so its
// line numbers start at 12.
const remindersBase = `timezone: Asia/Seoul
people: {alice: U1ALICE, bob: U1BOB}
services:
  - name: api
    repo: acme/api
    channel: "#api"
    environments:
      - {name: test, deployer: {kind: fake}}
      - {name: prod, deployer: {kind: fake}}
    approval_line:
      - {name: lead, approvers: [bob]}
`

func TestReminders(t *testing.T) {
	c, err := Parse("r.yaml", []byte(remindersBase+`reminders:
  - name: approvals
    kind: waiting_approvals
    schedule: "CRON_TZ=America/New_York 0 10 * * MON-FRI"
    channel: "#release-managers"
    older_than: 4h
  - {name: tonight, kind: scheduled_deploys, schedule: "0 18 * * *", channel: "#api", services: [api, api]}
  - {name: hourly, kind: freezes, schedule: "@hourly", channel: C0123ABCD, within: 48h}
  - {name: stuck, kind: stuck, schedule: "TZ=UTC 30 9 * * *", channel: "#api"}
`))
	require.NoError(t, err)
	rs := c.Reminders()
	require.Len(t, rs, 4)
	ny, _ := time.LoadLocation("America/New_York")
	seoul, _ := time.LoadLocation("Asia/Seoul")

	require.Equal(t, "approvals", rs[0].Name)
	require.Equal(t, RemindApprovals, rs[0].Kind)
	require.Equal(t, ny, rs[0].Location)
	require.Equal(t, 4*time.Hour, rs[0].OlderThan)
	require.Equal(t, 13, rs[0].Line)
	require.Empty(t, rs[0].Services, "all services")
	friday := time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC) // 11:00 in New York
	require.Equal(t, time.Date(2026, 12, 7, 10, 0, 0, 0, ny), rs[0].Schedule.Next(friday).In(ny), "next weekday 10:00 in New York")

	require.Equal(t, seoul, rs[1].Location, "without CRON_TZ: the file's timezone")
	require.Equal(t, time.Date(2026, 12, 4, 18, 0, 0, 0, seoul), rs[1].Schedule.Next(time.Date(2026, 12, 4, 12, 0, 0, 0, seoul)).In(seoul))
	require.Equal(t, DefaultWithin, rs[1].Within)
	require.Equal(t, []string{"api"}, rs[1].Services)

	require.Equal(t, 48*time.Hour, rs[2].Within)
	require.Equal(t, time.UTC, rs[3].Location)
	require.Zero(t, rs[3].Within, "within does not apply to stuck")

	rs[1].Services[0] = "changed"
	require.Equal(t, []string{"api"}, c.Reminders()[1].Services, "Reminders returns copies")
}

func TestRemindersOptional(t *testing.T) {
	c, err := Parse("r.yaml", []byte(remindersBase))
	require.NoError(t, err)
	require.Empty(t, c.Reminders())
}

// TestReminderProblems: every bad reminder is reported with its line and
// field, together with the others.
func TestReminderProblems(t *testing.T) {
	_, err := Parse("r.yaml", []byte(remindersBase+`reminders:
  - {name: a, kind: stuck, schedule: "0 25 * * *", channel: "#api"}
  - {name: b, kind: stuck, schedule: "CRON_TZ=Mars/Olympus 0 10 * * *", channel: "#api"}
  - {name: c, kind: stuck, schedule: "CRON_TZ=Asia/Seoul", channel: "#api"}
  - {name: d, kind: nagging, schedule: "0 10 * * *", channel: "#api"}
  - {name: e, kind: stuck, schedule: "0 10 * * *", channel: "api"}
  - {name: f, kind: stuck, schedule: "0 10 * * *", channel: "#api", services: [billing]}
  - {name: g, kind: freezes, schedule: "0 10 * * *", channel: "#api", older_than: 2h}
  - {name: h, kind: freezes, schedule: "0 10 * * *", channel: "#api", within: 0s}
  - {name: a, kind: stuck, schedule: "0 10 * * *", channel: "#api"}
  - {name: i, kind: stuck, channel: "#api", every: 5m}
  - {name: j, kind: stuck, schedule: "CRON_TZ=Local 0 10 * * *", channel: "#api"}
  - {name: k, kind: stuck, schedule: "0 10 * * * *", channel: "#api"}
`))
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	want := []struct {
		line  int
		field string
		msg   string
	}{
		{13, "reminders[0].schedule", `"0 25 * * *" is not a cron schedule`},
		{14, "reminders[1].schedule", `"Mars/Olympus" is not a time zone`},
		{15, "reminders[2].schedule", `names a time zone but no schedule`},
		{16, "reminders[3].kind", `"nagging" is not one of waiting_approvals, scheduled_deploys, stuck, freezes`},
		{17, "reminders[4].channel", `"api" is not a Slack channel`},
		{18, "reminders[5].services[0]", `unknown service "billing" (services: api)`},
		{19, "reminders[6].older_than", "applies only to kind waiting_approvals or stuck, not freezes"},
		{20, "reminders[7].within", "must be a duration above zero"},
		{21, "reminders[8].name", `reminder "a" is already defined on line 13`},
		{22, "reminders[9].every", "unknown field"},
		{22, "reminders[9].schedule", "is required"},
		{23, "reminders[10].schedule", `"Local" is not a time zone`},
		{24, "reminders[11].schedule", `is not a cron schedule`},
	}
	require.Len(t, verr.Problems, len(want), "%v", verr)
	for i, w := range want {
		p := verr.Problems[i]
		require.Equal(t, w.line, p.Line, "%d: %v", i, p)
		require.Equal(t, w.field, p.Field, "%d: %v", i, p)
		require.Contains(t, p.Message, w.msg, "%d: %v", i, p)
	}
}

func TestExampleReminders(t *testing.T) {
	c, err := Load("../config.example.yaml")
	require.NoError(t, err)
	var names []string
	for _, r := range c.Reminders() {
		names = append(names, r.Name+":"+string(r.Kind))
	}
	require.Equal(t, []string{"approvals-waiting:waiting_approvals", "tonights-deploys:scheduled_deploys",
		"stuck-csrs:stuck", "freezes-ahead:freezes"}, names)
}
