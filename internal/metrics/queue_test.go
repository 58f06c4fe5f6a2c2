package metrics_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"releasebot/internal/metrics"
)

func TestQueueGauges(t *testing.T) {
	m := metrics.New()
	var depth int64 = 3
	oldest := time.Now().Add(-90 * time.Second)
	var fail error
	require.NoError(t, m.WatchQueue(func(context.Context) (int64, time.Time, error) { return depth, oldest, fail }))
	scrape := func() map[string]float64 {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(strings.NewReader(rec.Body.String()))
		require.NoError(t, err)
		out := map[string]float64{}
		for name, f := range fams {
			if strings.HasPrefix(name, "releasebot_deploy_queue") {
				m := f.GetMetric()[0]
				out[name] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
			}
		}
		return out
	}
	got := scrape()
	require.Equal(t, 3.0, got["releasebot_deploy_queue_jobs"])
	require.GreaterOrEqual(t, got["releasebot_deploy_queue_oldest_job_age_seconds"], 90.0)
	require.Less(t, got["releasebot_deploy_queue_oldest_job_age_seconds"], 3600.0)

	depth, oldest = 0, time.Time{}
	got = scrape()
	require.Equal(t, 0.0, got["releasebot_deploy_queue_jobs"])
	require.Equal(t, 0.0, got["releasebot_deploy_queue_oldest_job_age_seconds"])

	fail = errors.New("redis down")
	got = scrape()
	require.NotContains(t, got, "releasebot_deploy_queue_jobs", "no made-up value when the queue cannot be read")
	require.Equal(t, 1.0, got["releasebot_deploy_queue_read_errors_total"])
}
