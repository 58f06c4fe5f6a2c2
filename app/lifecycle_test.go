package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/integrations/console"
	"releasebot/internal/clock"
	"releasebot/internal/redistest"
	"releasebot/internal/testenv"
)

// rehearse runs a console script against the real Redis and returns what
// the console printed.
func rehearse(t *testing.T, script string) string {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	return rehearseOn(t, script, app.Options{Redis: rdb, Prefix: prefix})
}

// rehearseOn is rehearse on the store o names.
func rehearseOn(t *testing.T, script string, o app.Options) string {
	t.Helper()
	cfg := o.Config
	if cfg == nil {
		cfg = testenv.Example(t)
	}
	var buf testenv.Buffer // the deploy queue may print while the test reads
	out := console.NewOut(&buf)
	clk := &clock.Offset{}
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: o.Redis, RedisURL: o.RedisURL, Prefix: o.Prefix, Clock: clk, Catalog: o.Catalog,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Notifier: func(r console.Renderer) bot.Notifier { return console.Notifier{Out: out, Render: r} }})
	require.NoError(t, err)
	defer a.Close()
	con := console.New(a.Bot, a.Runner, cfg, a.Renderer, out, clk)
	f, err := os.Open(script)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, con.Script(context.Background(), script, f))
	return buf.String()
}

// TestLifecycleScript walks examples/lifecycle.script: CSR-1 from new to
// deployed, with every guard rail refusing on the way.
func TestLifecycleScript(t *testing.T) {
	checkLifecycle(t, rehearse(t, "../examples/lifecycle.script"))
}

// TestLifecycleScriptOnACluster: the same script on a 3-primary Redis
// Cluster the test starts, through a URL naming one node that does not
// hold the installation's slot: the client discovers the rest. Each node
// in turn (with its own installation prefix, so its own slot).
func TestLifecycleScriptOnACluster(t *testing.T) {
	nodes := redistest.StartCluster(t)
	for i, n := range nodes {
		t.Run("node"+strconv.Itoa(i+1), func(t *testing.T) {
			t.Parallel()
			checkLifecycle(t, rehearseOn(t, "../examples/lifecycle.script", app.Options{RedisURL: "redis://" + n.Addr,
				Prefix: "cluster-" + strconv.Itoa(n.Port)}))
		})
	}
}

// checkLifecycle checks the console output of examples/lifecycle.script.
func checkLifecycle(t *testing.T, out string) {
	t.Helper()
	// Each command with its reply, in script order.
	type step struct{ command, reply string }
	var steps []step
	prompt := regexp.MustCompile(`^[a-z]+> .*$`)
	for _, line := range strings.Split(out, "\n") {
		if prompt.MatchString(line) {
			steps = append(steps, step{command: line})
			continue
		}
		if len(steps) > 0 {
			steps[len(steps)-1].reply += line + "\n"
		}
	}
	// The refusals, in the order the script meets them: each must be the
	// answer to that very command, not to another line with the same text.
	refusals := []struct{ command, reason string }{
		{"alice> deploy CSR-1", "production deploys need a fully approved CSR"},
		{"alice> submit CSR-1", "needs test evidence"},
		{"alice> approve CSR-1", "you requested CSR-1, so you cannot approve it"},
		{"carol> approve CSR-1", "step 1/3 `lead` of CSR-1 is still open"},
		{"bob> approve CSR-1", "you already approved CSR-1 at step `lead`"},
		{"alice> deploy CSR-1", "allowed only Mon-Fri 22:00-02:00 Asia/Seoul"},
		{"alice> deploy CSR-1", "billing-api is frozen until Fri 2026-12-04 23:00 KST: payment provider maintenance"},
	}
	i := 0
	for _, r := range refusals {
		for i < len(steps) && steps[i].command != r.command || i < len(steps) && !strings.Contains(steps[i].reply, "✋ Not done:") {
			i++
		}
		require.Less(t, i, len(steps), "no refused %q left in the script's output", r.command)
		require.Contains(t, steps[i].reply, r.reason, r.command)
		i++
	}
	replies := map[string]string{}
	for _, s := range steps {
		replies[s.command] = s.reply
	}
	require.Contains(t, out, "[#billing-releases] ✅ Production deploy CSR-1/deploy/1 of CSR-1 to prod succeeded.")
	show := replies["alice> show CSR-1"]
	require.Contains(t, show, "state      deployed")
	require.Contains(t, show, "CSR-1 is deployed to prod")
	require.Contains(t, replies["alice> history CSR-1"], "deploying → deployed")
}

func TestScriptErrorsStopBeforeRunning(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Example(t)
	var buf testenv.Buffer // the deploy queue may print while the test reads
	out := console.NewOut(&buf)
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Notifier: func(r console.Renderer) bot.Notifier { return console.Notifier{Out: out, Render: r} }})
	require.NoError(t, err)
	defer a.Close()
	con := console.New(a.Bot, a.Runner, cfg, a.Renderer, out, nil)
	err = con.Script(context.Background(), "bad.script", strings.NewReader("alice: new billing-api \"t\" --ref main\nthis line has no person\n"))
	var se *console.ScriptError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 2, se.Line)
	require.Empty(t, buf.String(), "nothing runs when the script itself is malformed")
}
