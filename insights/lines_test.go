package insights

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/msg"
)

func TestLinesInBothLanguages(t *testing.T) {
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	r := Report{From: from, To: from.AddDate(0, 0, 30), Deploys: 4, Succeeded: 3, DeploysPerWeek: 0.7,
		LeadTime: Summary{N: 3, Median: 26 * time.Hour, P90: 50 * time.Hour}, Failures: 1, ChangeFailureRate: 0.25,
		Steps: []StepWait{{Step: "sm", Wait: Summary{N: 1, Median: 3*time.Hour + 20*time.Minute, P90: 3*time.Hour + 20*time.Minute}}}}
	render := func(c msg.Catalog, ls []msg.Text) string {
		var b strings.Builder
		for _, l := range ls {
			b.WriteString(c.Render(l) + "\n")
		}
		return b.String()
	}
	en := render(msg.English, Lines(r, "billing-api", 30))
	require.Equal(t, "📊 billing-api, the last 30 days (2026-11-01 – 2026-12-01):\n"+
		"• Production deploys: 4 (3 succeeded), 0.7 a week\n"+
		"• Lead time from `new` to deployed: median 1d 2h, p90 2d 2h (3 CSRs)\n"+
		"• Change failure rate: 25% (one failed deploy or rollback)\n"+
		"• Time to restore after a failure: no data yet\n"+
		"• Wait at step `sm`: median 3h 20m, p90 3h 20m (one CSR)\n", en)
	ko := render(msg.Korean, Lines(r, "", 30))
	require.Contains(t, ko, "📊 전체 서비스, 최근 30일")
	require.Contains(t, ko, "중앙값 1일 2시간, p90 2일 2시간 (CSR 3건)")
	require.Contains(t, ko, "`sm` 단계 대기 시간: 중앙값 3시간 20분")
}
