package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	dto "github.com/prometheus/client_model/go"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/insights"
	"releasebot/integrations/console"
	"releasebot/internal/clock"
	"releasebot/internal/logging"
	storepkg "releasebot/internal/store"
	"releasebot/internal/testenv"
)

// jsonLines parses every log line; a line that is not JSON fails the test.
func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		out = append(out, m)
	}
	return out
}

// scriptCommands are the lines of a console script the bot handles (not
// comments, not the console's own `clock`), as "person: command".
func scriptCommands(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		_, cmd, ok := strings.Cut(line, ": ")
		require.True(t, ok, line)
		if strings.HasPrefix(cmd, "clock ") {
			continue
		}
		out = append(out, line)
	}
	return out
}

type observedRun struct {
	app   *app.App
	logs  *testenv.Buffer
	clock *clock.Offset
}

// rehearseObserved runs a script like rehearse, logging JSON at debug level.
func rehearseObserved(t *testing.T, script string, getenv func(string) string) observedRun {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Example(t)
	logs := &testenv.Buffer{}
	log, err := logging.New(logs, "json", "debug", "json", "info")
	require.NoError(t, err)
	out := console.NewOut(io.Discard)
	clk := &clock.Offset{}
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix, Clock: clk, Log: log, Getenv: getenv,
		Notifier: func(r console.Renderer) bot.Notifier { return console.Notifier{Out: out, Render: r} }})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	con := console.New(a.Bot, a.Runner, cfg, a.Renderer, out, clk)
	f, err := os.Open(script)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, con.Script(context.Background(), script, f))
	a.Runner.Wait()
	return observedRun{app: a, logs: logs, clock: clk}
}

// TestOneLogLinePerCommand: every command of the lifecycle script leaves
// exactly one "command" line naming its verb, outcome (and the refusing
// rule), duration, person, CSR, service and a request id that the
// command's other lines share.
func TestOneLogLinePerCommand(t *testing.T) {
	const script = "../examples/lifecycle.script"
	run := rehearseObserved(t, script, func(string) string { return "" })
	// What leaves no trace today: an unknown person and an unknown CSR.
	run.app.Bot.Handle(context.Background(), chat.Event{User: "mallory", Channel: "C1", Text: "approve CSR-1"})
	run.app.Bot.Handle(context.Background(), chat.Event{User: "alice", Channel: "C1", Text: "show CSR-99"})

	cmds := scriptCommands(t, script)
	var lines []map[string]any
	for _, l := range jsonLines(t, run.logs.String()) {
		if l["msg"] == "command" {
			lines = append(lines, l)
		}
	}
	require.Len(t, lines, len(cmds)+2)
	ids := map[string]bool{}
	for i, l := range lines {
		what := fmt.Sprintf("line %d: %v", i, l)
		if i < len(cmds) {
			person, cmd, _ := strings.Cut(cmds[i], ": ")
			require.Equal(t, person, l["person"], what)
			require.Equal(t, strings.Fields(cmd)[0], l["verb"], what)
			require.Equal(t, "billing-api", l["service"], what)
			if strings.Contains(cmd, "CSR-1") {
				require.Equal(t, "CSR-1", l["csr"], what)
			}
		}
		require.Contains(t, []any{"ok", "refused", "error"}, l["outcome"], what)
		if l["outcome"] == "refused" {
			require.NotEmpty(t, l["rule"], what)
		}
		require.Contains(t, l, "duration_ms", what)
		id, _ := l["request_id"].(string)
		require.Len(t, id, 16, what)
		require.False(t, ids[id], "request ids are unique: %s", what)
		ids[id] = true
	}
	refused := 0
	for _, l := range lines[:len(cmds)] {
		if l["outcome"] == "refused" {
			refused++
		}
	}
	require.Equal(t, 7, refused, "the script's seven guard rails")
	unknown, missing := lines[len(cmds)], lines[len(cmds)+1]
	require.Equal(t, "unknown-person", unknown["rule"])
	require.Equal(t, "mallory", unknown["user"])
	require.Equal(t, "no-such-csr", missing["rule"])
	require.Equal(t, "CSR-99", missing["csr"])
}

// scrape reads /metrics through the app's routes.
func scrape(t *testing.T, a *app.App) map[string]*dto.MetricFamily {
	t.Helper()
	mux := http.NewServeMux()
	a.Routes(mux)
	return testenv.Scrape(t, mux)
}

// TestMetricsAfterLifecycle scrapes /metrics after the console lifecycle:
// every command counted once by verb and outcome, the seven refusals by
// rule, the test and production runs by environment and result.
func TestMetricsAfterLifecycle(t *testing.T) {
	const script = "../examples/lifecycle.script"
	run := rehearseObserved(t, script, func(string) string { return "" })
	fams := scrape(t, run.app)

	cmds := scriptCommands(t, script)
	perVerb := map[string]int{}
	for _, c := range cmds {
		_, cmd, _ := strings.Cut(c, ": ")
		perVerb[strings.Fields(cmd)[0]]++
	}
	const commands = "releasebot_commands_total"
	require.Equal(t, float64(len(cmds)), testenv.Sample(fams, commands, nil))
	require.Equal(t, 7.0, testenv.Sample(fams, commands, map[string]string{"outcome": "refused"}))
	require.Equal(t, float64(len(cmds)-7), testenv.Sample(fams, commands, map[string]string{"outcome": "ok"}))
	for verb, n := range perVerb {
		require.Equal(t, float64(n), testenv.Sample(fams, commands, map[string]string{"verb": verb, "source": "command"}), verb)
	}
	require.Equal(t, 3.0, testenv.Sample(fams, commands, map[string]string{"verb": "deploy", "outcome": "refused"}))
	require.Equal(t, 1.0, testenv.Sample(fams, commands, map[string]string{"verb": "deploy", "outcome": "ok"}))
	require.Equal(t, float64(len(cmds)), testenv.Sample(fams, "releasebot_command_duration_seconds", map[string]string{"source": "command"}))
	require.Equal(t, 7.0, testenv.Sample(fams, "releasebot_command_refusals_total", nil))
	require.Equal(t, 3.0, testenv.Sample(fams, "releasebot_command_refusals_total", map[string]string{"verb": "approve"}))

	runs := "releasebot_deploy_runs_total"
	require.Equal(t, 2.0, testenv.Sample(fams, runs, nil))
	require.Equal(t, 1.0, testenv.Sample(fams, runs, map[string]string{"service": "billing-api", "environment": "test", "purpose": "test", "result": "succeeded"}))
	require.Equal(t, 1.0, testenv.Sample(fams, runs, map[string]string{"service": "billing-api", "environment": "prod", "purpose": "deploy", "result": "succeeded"}))
	require.Equal(t, 1.0, testenv.Sample(fams, "releasebot_build_info", nil))
	require.Equal(t, 0.0, testenv.Sample(fams, "releasebot_deploy_queue_jobs", nil), "every job finished and left the stream")
	require.Equal(t, 0.0, testenv.Sample(fams, "releasebot_deploy_queue_oldest_job_age_seconds", nil))

	// The console ticked the scheduler: this process holds the lease.
	require.Equal(t, 1.0, testenv.Sample(fams, "releasebot_scheduler_leader", nil))
	// CSR-1 is deployed: nothing waits for approval, nothing left unread.
	require.Equal(t, -1.0, testenv.Sample(fams, "releasebot_approvals_waiting", nil), "no series while nothing waits")
	require.Equal(t, 0.0, testenv.Sample(fams, "releasebot_approvals_read_errors_total", nil))
	require.Equal(t, 0.0, testenv.Sample(fams, "releasebot_approvals_unread", nil))
	require.Equal(t, 0.0, testenv.Sample(fams, "releasebot_reminders_posted_total", nil))
	// Every store round trip timed, by a kind of the bounded set.
	store := fams["releasebot_store_request_duration_seconds"]
	require.NotNil(t, store)
	for _, m := range store.GetMetric() {
		for _, l := range m.GetLabel() {
			switch l.GetName() {
			case "kind":
				require.Contains(t, []string{"read", "write", "script", "stream", "pipeline", "other"}, l.GetValue())
			case "result":
				require.Contains(t, []string{"ok", "error"}, l.GetValue())
			}
		}
	}
	for _, kind := range []string{"read", "script", "stream", "pipeline"} {
		require.Positive(t, testenv.Sample(fams, "releasebot_store_request_duration_seconds", map[string]string{"kind": kind}), kind)
	}
	// The release figures of the one production deploy, over 30 days.
	billing := map[string]string{"service": "billing-api"}
	all, err := run.app.Store.List(context.Background(), storepkg.Filter{Service: "billing-api"})
	require.NoError(t, err)
	want := insights.Compute(all, run.clock.Now().Add(-30*24*time.Hour), run.clock.Now())
	require.Equal(t, 1, want.LeadTime.N)
	require.InDelta(t, 7.0/30, testenv.Sample(fams, "releasebot_release_deploys_per_week", billing), 1e-9)
	require.Equal(t, 0.0, testenv.Sample(fams, "releasebot_release_change_failure_rate", billing))
	require.InDelta(t, want.LeadTime.Median.Seconds(), testenv.Sample(fams, "releasebot_release_lead_time_seconds",
		map[string]string{"service": "billing-api", "quantile": "0.5"}), 1e-6)
	require.Equal(t, -1.0, testenv.Sample(fams, "releasebot_release_time_to_restore_seconds", nil), "no failure, nothing to restore")
	require.Len(t, fams["releasebot_release_step_wait_seconds"].GetMetric(), 2*len(want.Steps), "each step of its line, two quantiles each")
	require.Len(t, want.Steps, 3)
	require.Equal(t, 0.0, testenv.Sample(fams, "releasebot_release_deploys_per_week", map[string]string{"service": "web-frontend"}))

	// A CSR of web-frontend waits at its first step: one series, its age
	// measured from the submit; Monday 10:00 the approvals reminder posts it.
	ctx := context.Background()
	for _, line := range []string{`new web-frontend "Button colour" --ref main`, "test CSR-2", "submit CSR-2"} {
		r := run.app.Bot.Handle(ctx, chat.Event{User: "alice", Channel: "C1", Text: line})
		require.Nil(t, r.Reply.Refusal, line)
		run.app.Runner.Wait() // the test run finishes before the submit
	}
	submitted := run.clock.Now()
	fams = scrape(t, run.app)
	lead := map[string]string{"service": "web-frontend", "step": "lead"}
	require.Equal(t, 1.0, testenv.Sample(fams, "releasebot_approvals_waiting", nil))
	require.Equal(t, 1.0, testenv.Sample(fams, "releasebot_approvals_waiting", lead))
	monday := time.Date(2026, 12, 7, 10, 0, 0, 0, run.app.Renderer.Loc)
	run.clock.Set(monday)
	run.app.TickSchedules(ctx)
	fams = scrape(t, run.app)
	require.InDelta(t, monday.Sub(submitted).Seconds(), testenv.Sample(fams, "releasebot_approvals_waiting_oldest_age_seconds", lead), 5)
	require.Equal(t, 1.0, testenv.Sample(fams, "releasebot_reminders_posted_total", nil), "stuck and freezes fired with nothing to say")
	require.Equal(t, 1.0, testenv.Sample(fams, "releasebot_reminders_posted_total", map[string]string{"kind": "waiting_approvals"}))

	// Bounded labels: no CSR id and no person appears anywhere in the exposition.
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				require.NotContains(t, l.GetValue(), "CSR-", "%s{%s}", name, l.GetName())
				require.NotContains(t, []string{"alice", "bob", "carol", "erin", "grace", "frank"}, l.GetValue(), "%s{%s}", name, l.GetName())
			}
		}
	}
}
