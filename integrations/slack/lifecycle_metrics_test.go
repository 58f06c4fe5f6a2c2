package slack

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	dto "github.com/prometheus/client_model/go"
)

// TestMetricsAfterLifecycleOverHTTP runs the Slack HTTP lifecycle and
// scrapes /metrics from the same server, as Prometheus would from serve:
// every acknowledgement timed by endpoint, every Web API call counted by
// method, every command by verb, and the two deploy runs.
func TestMetricsAfterLifecycleOverHTTP(t *testing.T) {
	h := newHarness(t)
	verbs := map[string]int{}
	slashes, clicks := 0, 0
	runLifecycle(t, h, transport{
		slash: func(user, text string) string {
			slashes++
			verbs[strings.Fields(text)[0]]++
			trigger, _ := h.slash(user, text)
			return trigger
		},
		click: func(user string, m apiCall, action string) {
			clicks++
			h.click(user, m, action)
		},
	})
	h.settle()
	h.app.Runner.Wait()
	fams := scrapeMetrics(t, h)

	acks := "releasebot_http_request_duration_seconds"
	require.Equal(t, float64(slashes), sample(fams, acks, map[string]string{"endpoint": "/slack/commands", "code": "200"}))
	require.Equal(t, float64(clicks), sample(fams, acks, map[string]string{"endpoint": "/slack/interactions", "code": "200"}))
	require.Equal(t, float64(slashes+clicks), sample(fams, acks, nil), "no other request reached the server before the scrape")

	calls := map[string]int{}
	for _, c := range h.fake.Calls("") {
		calls[c.Method]++
	}
	require.NotEmpty(t, calls)
	t.Logf("%d slash commands, %d clicks, Web API calls by method %v, %d response_url posts", slashes, clicks, calls, len(h.fake.Responses()))
	api := "releasebot_api_requests_total"
	for method, n := range calls {
		require.Equal(t, float64(n), sample(fams, api, map[string]string{"api": "slack", "operation": method, "code": "200"}), method)
	}
	require.Equal(t, float64(len(h.fake.Responses())), sample(fams, api, map[string]string{"api": "slack", "operation": "other"}),
		"the fake's response_urls")
	total := len(h.fake.Responses())
	for _, n := range calls {
		total += n
	}
	require.Equal(t, float64(total), sample(fams, api, nil))

	cmds := "releasebot_commands_total"
	for verb, n := range verbs {
		require.Equal(t, float64(n), sample(fams, cmds, map[string]string{"source": "command", "verb": verb}), verb)
	}
	require.Equal(t, float64(slashes), sample(fams, cmds, map[string]string{"source": "command"}))
	require.Equal(t, float64(clicks), sample(fams, cmds, map[string]string{"source": "click"}))

	runs := "releasebot_deploy_runs_total"
	require.Equal(t, 2.0, sample(fams, runs, nil))
	require.Equal(t, 1.0, sample(fams, runs, map[string]string{"service": "billing-api", "purpose": "test", "result": "succeeded"}))
	require.Equal(t, 1.0, sample(fams, runs, map[string]string{"service": "billing-api", "purpose": "deploy", "result": "succeeded"}))
}

// scrapeMetrics GETs /metrics from the harness's server and parses it
// with the Prometheus text parser.
func scrapeMetrics(t *testing.T, h *harness) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(h.srv.URL + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return fams
}

// sample sums a family's counters (or histograms' counts) whose labels
// include want; -1 when the family is absent.
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f, ok := fams[name]
	if !ok {
		return -1
	}
	sum := 0.0
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			match = match && labels[k] == v
		}
		if match {
			sum += m.GetCounter().GetValue() + float64(m.GetHistogram().GetSampleCount()) + m.GetGauge().GetValue()
		}
	}
	return sum
}
