package slack

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/internal/testenv"
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
	fams := testenv.Scrape(t, h.srv.Config.Handler)

	acks := "releasebot_http_request_duration_seconds"
	require.Equal(t, float64(slashes), testenv.Sample(fams, acks, map[string]string{"endpoint": "/slack/commands", "code": "200"}))
	require.Equal(t, float64(clicks), testenv.Sample(fams, acks, map[string]string{"endpoint": "/slack/interactions", "code": "200"}))
	require.Equal(t, float64(slashes+clicks), testenv.Sample(fams, acks, nil), "no other request reached the server before the scrape")

	calls := map[string]int{}
	for _, c := range h.fake.Calls("") {
		calls[c.Method]++
	}
	require.NotEmpty(t, calls)
	t.Logf("%d slash commands, %d clicks, Web API calls by method %v, %d response_url posts", slashes, clicks, calls, len(h.fake.Responses()))
	api := "releasebot_api_requests_total"
	for method, n := range calls {
		require.Equal(t, float64(n), testenv.Sample(fams, api, map[string]string{"api": "slack", "operation": method, "code": "200"}), method)
	}
	require.Equal(t, float64(len(h.fake.Responses())), testenv.Sample(fams, api, map[string]string{"api": "slack", "operation": "other"}),
		"the fake's response_urls")
	total := len(h.fake.Responses())
	for _, n := range calls {
		total += n
	}
	require.Equal(t, float64(total), testenv.Sample(fams, api, nil))

	cmds := "releasebot_commands_total"
	for verb, n := range verbs {
		require.Equal(t, float64(n), testenv.Sample(fams, cmds, map[string]string{"source": "command", "verb": verb}), verb)
	}
	require.Equal(t, float64(slashes), testenv.Sample(fams, cmds, map[string]string{"source": "command"}))
	require.Equal(t, float64(clicks), testenv.Sample(fams, cmds, map[string]string{"source": "click"}))

	runs := "releasebot_deploy_runs_total"
	require.Equal(t, 2.0, testenv.Sample(fams, runs, nil))
	require.Equal(t, 1.0, testenv.Sample(fams, runs, map[string]string{"service": "billing-api", "purpose": "test", "result": "succeeded"}))
	require.Equal(t, 1.0, testenv.Sample(fams, runs, map[string]string{"service": "billing-api", "purpose": "deploy", "result": "succeeded"}))
}
