package metrics_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/internal/metrics"
)

// TestDashboardUsesOurMetrics: every metric the Grafana dashboard queries
// is one this package registers, so a rename cannot leave a blank panel.
func TestDashboardUsesOurMetrics(t *testing.T) {
	b, err := os.ReadFile("../../deploy/grafana/releasebot.json")
	require.NoError(t, err)
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal(b, &d))
	// A vector shows in the exposition once it has a child: record one of each.
	m := metrics.New()
	m.Command("command", "approve", metrics.Refused, "self-approval", time.Millisecond)
	m.Run("api", "prod", "deploy", "succeeded", time.Minute)
	m.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slack/events", nil))
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	resp, err := (&http.Client{Transport: m.Transport("slack", nil)}).Get(srv.URL + "/api/chat.update")
	require.NoError(t, err)
	resp.Body.Close()
	m.Reminder("stuck")
	m.RedisHook().ProcessHook(func(context.Context, redis.Cmder) error { return nil })(context.Background(), redis.NewCmd(context.Background(), "get", "k"))
	require.NoError(t, m.WatchLeader(func() bool { return true }))
	require.NoError(t, m.WatchApprovals(func(context.Context) ([]metrics.Waiting, map[string]int, error) {
		return []metrics.Waiting{{Service: "api", Step: "lead", CSRs: 1, Oldest: time.Hour}}, map[string]int{"api": 0}, nil
	}))
	q := metrics.Quantiles{N: 1, Median: time.Hour, P90: time.Hour}
	require.NoError(t, m.WatchReleases(func(context.Context) ([]metrics.Release, error) {
		return []metrics.Release{{Service: "api", DeploysPerWeek: 1, LeadTime: q, TimeToRestore: q, StepWaits: map[string]metrics.Quantiles{"lead": q}}}, nil
	}, time.Minute))
	fams, err := m.Registry.Gather()
	require.NoError(t, err)
	known := map[string]bool{}
	for _, f := range fams {
		known[f.GetName()] = true
	}
	name := regexp.MustCompile(`releasebot_[a-z_]+`)
	used := 0
	for _, p := range d.Panels {
		require.NotEmpty(t, p.Targets, p.Title)
		for _, tg := range p.Targets {
			for _, n := range name.FindAllString(tg.Expr, -1) {
				for _, suffix := range []string{"_bucket", "_count", "_sum"} {
					if base, ok := strings.CutSuffix(n, suffix); ok && strings.HasSuffix(base, "_seconds") {
						n = base
					}
				}
				require.True(t, known[n], "panel %q queries %s, which is not registered", p.Title, n)
				used++
			}
		}
	}
	require.Positive(t, used)
}
