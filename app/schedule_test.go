package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/integrations/console"
	"releasebot/internal/clock"
	"releasebot/internal/testenv"
)

// TestScheduleScript walks examples/schedule.script as `releasebot console
// --script` does, the scheduler ticking after each `clock`: a reminder that
// stays silent, one that names who holds an approval, tonight's deploys,
// and a scheduled deploy that starts at its time.
func TestScheduleScript(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Example(t)
	var buf testenv.Buffer // the deploy queue may print while the test reads
	out := console.NewOut(&buf)
	clk := &clock.Offset{}
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix, Clock: clk,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Notifier: func(r console.Renderer) bot.Notifier { return console.Notifier{Out: out, Render: r} }})
	require.NoError(t, err)
	defer a.Close()
	con := console.New(a.Bot, a.Runner, cfg, a.Renderer, out, clk)
	con.AfterClock = a.TickSchedules
	f, err := os.Open("../examples/schedule.script")
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, con.Script(context.Background(), "schedule.script", f))

	replies := map[string]string{} // "person> command" -> what followed it
	var cur string
	for _, line := range strings.Split(buf.String(), "\n") {
		if m := regexp.MustCompile(`^([a-z]+> .*)$`).FindStringSubmatch(line); m != nil {
			cur = m[1]
			continue
		}
		replies[cur] += line + "\n"
	}
	require.NotContains(t, replies["alice> clock 2026-12-04T10:00"], "[#", "one hour waiting is below the threshold: silent")
	require.Contains(t, replies["alice> clock 2026-12-04T15:00"], "[#release-managers] ⏳ Approvals waiting longer than 2h:\n"+
		"• CSR-1 \"Fix rounding in invoice totals\" (billing-api) has waited 6h at step 2/3 `sm` for 1 more approval from @carol or @dave")
	require.Contains(t, replies[`alice> deploy CSR-1 --at "2026-12-05 22:30"`], "✋ Not done: production deploys of billing-api are allowed only Mon-Fri 22:00-02:00")
	require.Contains(t, replies["alice> deploy CSR-1 --at 22:30"], "CSR-1 will deploy at Fri 2026-12-04 22:30 KST.")
	require.Contains(t, replies["alice> clock 2026-12-04T18:00"], "[#billing-releases] 📅 Production deploys scheduled in the next 12h:\n"+
		"• Fri 2026-12-04 22:30 KST: CSR-1 \"Fix rounding in invoice totals\" (billing-api) to prod, by @alice; window Mon-Fri 22:00-02:00 Asia/Seoul.")
	require.Contains(t, replies[`alice> unschedule CSR-1 "payment provider asked for 23:00"`], "CSR-1 is no longer scheduled.")
	at2300 := replies["alice> clock 2026-12-04T23:00"]
	require.Contains(t, at2300, "[#billing-releases] ⏰ CSR-1 was scheduled for Fri 2026-12-04 23:00 KST; its production deploy is under way.")
	require.Contains(t, at2300, "[#billing-releases] ✅ Production deploy CSR-1/deploy/1 of CSR-1 to prod succeeded.")
	require.Contains(t, replies["alice> show CSR-1"], "state      deployed")
	require.Contains(t, replies["alice> history CSR-1"], "@releasebot  production deploy  scheduled → deploying  CSR-1/deploy/1")
	require.Equal(t, 1, strings.Count(buf.String(), "Approvals waiting longer than"), "each reminder firing is posted once")
}
