package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/testenv"
)

func TestStatsCommand(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	s := redisstore.New(rdb, prefix)
	day := 24 * time.Hour
	for i, svc := range []string{"api", "api", "web"} {
		start := now.Add(-time.Duration(10+i) * day)
		c := csr.CSR{ID: csr.ID("CSR-" + string(rune('1'+i))), Service: svc, Title: "t", Requester: "alice", State: csr.Deployed,
			CreatedAt: start, UpdatedAt: start.Add(2 * day), History: []csr.Entry{
				{At: start, By: "alice", Action: "new", To: csr.Draft},
				{At: start.Add(time.Hour), By: "alice", Action: "submit", From: csr.Tested, To: csr.InApproval},
				{At: start.Add(4 * time.Hour), By: "bob", Action: "approve", From: csr.InApproval, To: csr.Approved, Note: "lead"},
				{At: start.Add(2 * day), By: "releasebot", Action: "deploy-result", From: csr.Deploying, To: csr.Deployed},
			}}
		_, err := s.Create(ctx, c)
		require.NoError(t, err)
	}
	env := map[string]string{"REDIS_URL": testenv.RedisURL(), "REDIS_PREFIX": prefix}
	var out, errOut bytes.Buffer
	require.Equal(t, 0, runStats(ctx, []string{"--days", "28", "api"}, &out, &errOut, func(k string) string { return env[k] }, now), errOut.String())
	require.Equal(t, `📊 api, the last 28 days (2026-11-03 – 2026-12-01):
• Production deploys: 2 (2 succeeded), 0.5 a week
• Lead time from `+"`new`"+` to deployed: median 2d, p90 2d (2 CSRs)
• Change failure rate: 0% (0 failed deploys and rollbacks)
• Time to restore after a failure: no data yet
• Wait at step `+"`lead`"+`: median 3h, p90 3h (2 CSRs)
`, out.String())
	out.Reset()
	require.Equal(t, 0, runStats(ctx, nil, &out, &errOut, func(k string) string { return env[k] }, now))
	require.Contains(t, out.String(), "All services, the last 30 days")
	require.Contains(t, out.String(), "Production deploys: 3 (3 succeeded)")
	require.Equal(t, 2, runStats(ctx, []string{"--days", "0"}, &out, &errOut, func(k string) string { return env[k] }, now))
}
