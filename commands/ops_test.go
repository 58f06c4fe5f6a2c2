package commands_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/commands"
	"releasebot/csr"
	"releasebot/msg"
)

type fakeDoctor []commands.Diagnosis

func (f fakeDoctor) Diagnose(context.Context) []commands.Diagnosis { return f }

// TestOperatorCommands: stats for anyone, audit and doctor for admins,
// each answered in the catalog's words; bad input is refused and writes
// nothing.
func TestOperatorCommands(t *testing.T) {
	e := newEnv(t)
	e.h.Ops = commands.Ops{Audit: e.store, Doctor: fakeDoctor{
		{Name: "redis", OK: true, Text: msg.T(msg.DoctorRedisOK, "version", "7.0.15", "ms", "0.3")},
		{Name: "slack", Skip: true, Text: msg.T(msg.DoctorSlackOff)},
	}}
	id := e.walk(csr.Deployed)
	e.clock.Advance(time.Hour)

	stats := render(e.ok("alice", "stats billing-api --days 7"))
	require.Contains(t, stats, "📊 billing-api, the last 7 days")
	require.Contains(t, stats, "• Production deploys: 1 (1 succeeded)")
	require.Contains(t, stats, "• Lead time from `new` to deployed: median")
	require.Contains(t, stats, "• Wait at step `lead`")

	for _, line := range []string{"audit", "doctor"} {
		r := e.do("alice", line)
		require.NotNil(t, r.Refusal, line)
		require.Equal(t, csr.RuleAdminOnly, r.Refusal.Rule, line)
	}
	audit := render(e.ok("grace", "audit --service billing-api"))
	require.Contains(t, audit, "🧾 ")
	require.Contains(t, audit, string(id)+" (billing-api) `new` – → draft by @alice")
	require.Contains(t, audit, "→ deployed")
	doctor := render(e.ok("grace", "doctor"))
	require.Contains(t, doctor, "✓ *redis*: ")
	require.Contains(t, doctor, "– *slack*: ")
	require.Contains(t, doctor, msg.English.Render(msg.T(msg.DoctorAllOK)))

	before := e.snapshot()
	for _, line := range []string{"stats --days 0", "stats --days lots", "stats nosuch", "audit --since yesterday", "audit --service nosuch", "doctor now"} {
		r := e.do("grace", line)
		require.NotNil(t, r.Refusal, line)
	}
	require.Equal(t, before, e.snapshot(), "refused operator commands wrote nothing")

	ko := msg.Korean.Render(e.ok("alice", "stats billing-api").Texts[0])
	require.Contains(t, ko, "billing-api 서비스, 최근 30일")
}
