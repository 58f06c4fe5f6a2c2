package csr_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/msg"
)

func kst(day, hour, min int) time.Time { return time.Date(2026, 12, day, hour, min, 0, 0, seoul) }

func TestWindowAllowsAcrossMidnight(t *testing.T) {
	w := weeknights() // Mon-Fri 22:00-02:00 Asia/Seoul; 2026-12-04 is a Friday
	cases := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"Fri 23:00", kst(4, 23, 0), true},
		{"Sat 01:30 belongs to Friday", kst(5, 1, 30), true},
		{"Sat 01:59:59", time.Date(2026, 12, 5, 1, 59, 59, 0, seoul), true},
		{"Sat 02:00 is the exclusive end", kst(5, 2, 0), false},
		{"Sat 22:30: Saturday is not a day", kst(5, 22, 30), false},
		{"Sun 01:00: Saturday is not a day", kst(6, 1, 0), false},
		{"Mon 01:00: Sunday is not a day", kst(7, 1, 0), false},
		{"Mon 21:59", kst(7, 21, 59), false},
		{"Mon 21:59:59", time.Date(2026, 12, 7, 21, 59, 59, 0, seoul), false},
		{"Mon 22:00 opens", kst(7, 22, 0), true},
		{"Tue 00:00", kst(8, 0, 0), true},
		{"Tue 12:00", kst(8, 12, 0), false},
		{"Fri 21:00", kst(4, 21, 0), false},
	}
	for _, tc := range cases {
		for zone, at := range map[string]time.Time{
			"KST": tc.at,
			"UTC": tc.at.UTC(),
			"EST": tc.at.In(newYork),
		} {
			t.Run(tc.name+" as "+zone, func(t *testing.T) {
				require.Equal(t, tc.want, w.Allows(at), "%s", at)
			})
		}
	}
}

func TestWindowAllowsSameDay(t *testing.T) {
	w := &csr.Window{
		Days:     [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true},
		Start:    9 * time.Hour,
		End:      18 * time.Hour,
		Location: seoul,
	}
	cases := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"Fri 08:59", kst(4, 8, 59), false},
		{"Fri 09:00", kst(4, 9, 0), true},
		{"Fri 12:00 as UTC 03:00", time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC), true},
		{"Fri 17:59", kst(4, 17, 59), true},
		{"Fri 18:00", kst(4, 18, 0), false},
		{"Fri 23:00", kst(4, 23, 0), false},
		{"Sat 01:00: no carry-over for a same-day window", kst(5, 1, 0), false},
		{"Sat 12:00", kst(5, 12, 0), false},
		{"Thu 23:30 UTC is Fri 08:30 KST", time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC), false},
		{"Fri 00:30 UTC is Fri 09:30 KST", time.Date(2026, 12, 4, 0, 30, 0, 0, time.UTC), true},
		{"Fri 09:30 UTC is Fri 18:30 KST", time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, w.Allows(tc.at))
		})
	}
}

func TestNilWindow(t *testing.T) {
	var w *csr.Window
	for _, at := range []time.Time{kst(5, 12, 0), kst(7, 3, 0), {}} {
		require.True(t, w.Allows(at))
		require.Equal(t, at, w.NextOpen(at))
	}
	require.Equal(t, "any time", w.String())
}

func TestWindowWithoutLocationIsUTC(t *testing.T) {
	w := &csr.Window{Days: [7]bool{time.Friday: true}, Start: 22 * time.Hour, End: 23 * time.Hour}
	require.True(t, w.Allows(time.Date(2026, 12, 4, 22, 30, 0, 0, time.UTC)))
	require.False(t, w.Allows(kst(4, 22, 30)))
	require.Equal(t, time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC), w.NextOpen(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)))
	require.Contains(t, w.String(), "22:00-23:00 UTC")
}

func TestWindowNextOpen(t *testing.T) {
	w := weeknights()
	cases := []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{"open now: itself", kst(4, 23, 0), kst(4, 23, 0)},
		{"open in Friday's tail: itself", kst(5, 1, 30), kst(5, 1, 30)},
		{"Fri 21:00: tonight", kst(4, 21, 0), kst(4, 22, 0)},
		{"Fri 21:00 in UTC: tonight", kst(4, 21, 0).UTC(), kst(4, 22, 0)},
		{"Sat 02:00: Monday", kst(5, 2, 0), kst(7, 22, 0)},
		{"Sat 22:30: Monday", kst(5, 22, 30), kst(7, 22, 0)},
		{"Mon 01:00: Monday night", kst(7, 1, 0), kst(7, 22, 0)},
		{"Mon 21:59: a minute later", kst(7, 21, 59), kst(7, 22, 0)},
		{"Tue 12:00: Tuesday night", kst(8, 12, 0), kst(8, 22, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := w.NextOpen(tc.at)
			require.True(t, tc.want.Equal(got), "want %s, got %s", tc.want, got)
			require.True(t, w.Allows(got))
		})
	}

	t.Run("a window with no days never opens", func(t *testing.T) {
		never := &csr.Window{Start: time.Hour, End: 2 * time.Hour, Location: seoul}
		require.True(t, never.NextOpen(kst(4, 0, 0)).IsZero())
	})
}

// On the day clocks change, the window opens at its wall-clock time, not a
// fixed number of hours after midnight.
func TestWindowNextOpenAcrossDST(t *testing.T) {
	daily := &csr.Window{Start: 9 * time.Hour, End: 18 * time.Hour, Location: newYork}
	for d := range daily.Days {
		daily.Days[d] = true
	}
	cases := []struct {
		name string
		at   time.Time
		want time.Time
	}{
		// 2026-03-08: clocks go 02:00 -> 03:00; the day has 23 hours
		{"spring forward", time.Date(2026, 3, 8, 8, 0, 0, 0, newYork), time.Date(2026, 3, 8, 9, 0, 0, 0, newYork)},
		// 2026-11-01: clocks go 02:00 -> 01:00; the day has 25 hours
		{"fall back", time.Date(2026, 11, 1, 8, 0, 0, 0, newYork), time.Date(2026, 11, 1, 9, 0, 0, 0, newYork)},
		{"evening before spring forward", time.Date(2026, 3, 7, 19, 0, 0, 0, newYork), time.Date(2026, 3, 8, 9, 0, 0, 0, newYork)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.False(t, daily.Allows(tc.at))
			got := daily.NextOpen(tc.at)
			require.True(t, tc.want.Equal(got), "want %s, got %s", tc.want, got)
			require.True(t, daily.Allows(got))
			require.False(t, daily.Allows(got.Add(-time.Second)), "the window was already open before %s", got)
		})
	}
}

func TestWindowString(t *testing.T) {
	cases := []struct {
		w    *csr.Window
		want string
	}{
		{weeknights(), "Mon-Fri 22:00-02:00 Asia/Seoul"},
		{&csr.Window{Days: [7]bool{time.Monday: true, time.Wednesday: true}, Start: 9*time.Hour + 30*time.Minute, End: 17 * time.Hour, Location: time.UTC},
			"Mon,Wed 09:30-17:00 UTC"},
		{&csr.Window{Days: [7]bool{time.Friday: true, time.Saturday: true, time.Sunday: true}, Start: 0, End: 6 * time.Hour, Location: seoul},
			"Fri-Sun 00:00-06:00 Asia/Seoul"},
		{nil, "any time"},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			require.Equal(t, tc.want, tc.w.String())
		})
	}
}

// TestWindowText: a window inside a sentence is said by the catalog, in
// English as String says it, in Korean with Korean weekday names.
func TestWindowText(t *testing.T) {
	cases := []struct {
		w      *csr.Window
		en, ko string
	}{
		{weeknights(), "Mon-Fri 22:00-02:00 Asia/Seoul", "월-금 22:00-02:00 (Asia/Seoul)"},
		{&csr.Window{Days: [7]bool{time.Monday: true, time.Wednesday: true}, Start: 9*time.Hour + 30*time.Minute, End: 17 * time.Hour, Location: time.UTC},
			"Mon,Wed 09:30-17:00 UTC", "월, 수 09:30-17:00 (UTC)"},
		{&csr.Window{Days: [7]bool{time.Friday: true, time.Saturday: true, time.Sunday: true}, Start: 0, End: 6 * time.Hour, Location: seoul},
			"Fri-Sun 00:00-06:00 Asia/Seoul", "금-일 00:00-06:00 (Asia/Seoul)"},
		{&csr.Window{Start: time.Hour, End: 2 * time.Hour, Location: seoul}, "never 01:00-02:00 Asia/Seoul", "없음 01:00-02:00 (Asia/Seoul)"},
		{nil, "any time", "언제든지"},
	}
	for _, tc := range cases {
		t.Run(tc.en, func(t *testing.T) {
			require.Equal(t, tc.en, msg.English.Render(tc.w.Text()))
			require.Equal(t, tc.w.String(), msg.English.Render(tc.w.Text()))
			require.Equal(t, tc.ko, msg.Korean.Render(tc.w.Text()))
		})
	}
}

func TestEffortText(t *testing.T) {
	require.Equal(t, "4h", msg.English.Render(csr.EffortText(4*time.Hour)))
	require.Equal(t, "1h 30m", msg.English.Render(csr.EffortText(90*time.Minute)))
	require.Equal(t, "-4h", msg.English.Render(csr.EffortText(-4*time.Hour)))
	require.Equal(t, "-4시간", msg.Korean.Render(csr.EffortText(-4*time.Hour)))
}

func TestFreezeActive(t *testing.T) {
	f := csr.Freeze{Service: "billing", From: kst(24, 18, 0), Until: kst(28, 9, 0), Reason: "holidays"}
	cases := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"a nanosecond before", f.From.Add(-time.Nanosecond), false},
		{"at the start (inclusive)", f.From, true},
		{"the start, seen in UTC", f.From.UTC(), true},
		{"in the middle", kst(25, 12, 0), true},
		{"a nanosecond before the end", f.Until.Add(-time.Nanosecond), true},
		{"at the end (exclusive)", f.Until, false},
		{"after", kst(29, 0, 0), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, f.Active(tc.at))
		})
	}

	t.Run("ActiveFreeze returns the first covering freeze", func(t *testing.T) {
		g := csr.Freeze{From: kst(27, 0, 0), Until: kst(31, 0, 0), Reason: "close"}
		fs := []csr.Freeze{f, g}
		got, ok := csr.ActiveFreeze(fs, kst(27, 12, 0))
		require.True(t, ok)
		require.Equal(t, f, got)
		got, ok = csr.ActiveFreeze(fs, kst(30, 12, 0))
		require.True(t, ok)
		require.Equal(t, g, got)
		_, ok = csr.ActiveFreeze(fs, kst(20, 12, 0))
		require.False(t, ok)
		_, ok = csr.ActiveFreeze(nil, kst(27, 12, 0))
		require.False(t, ok)
	})
}

func TestCheckDeployTime(t *testing.T) {
	svc := billing()
	f := csr.Freeze{From: kst(4, 22, 0), Until: kst(5, 1, 0), Reason: "db migration"}
	require.Nil(t, csr.CheckDeployTime("CSR-7", fri2300, svc, nil))
	require.Equal(t, csr.RuleFreeze, csr.CheckDeployTime("CSR-7", fri2300, svc, []csr.Freeze{f}).Rule)
	svc.Freezes = []csr.Freeze{f}
	require.Equal(t, csr.RuleFreeze, csr.CheckDeployTime("CSR-7", fri2300, svc, nil).Rule)
	require.Nil(t, csr.CheckDeployTime("CSR-7", kst(5, 1, 0), svc, nil), "the freeze ended and the window is still open")
	r := csr.CheckDeployTime("CSR-7", kst(4, 21, 0), svc, nil)
	require.Equal(t, csr.RuleDeployWindow, r.Rule, "a freeze outside the window is not the reason")
	require.Contains(t, requireRendered(t, "Next", r.Next), "Fri 2026-12-04 22:00 KST")
}

func TestSteps(t *testing.T) {
	svc := billing()
	c := reach(t, csr.InApproval)
	st := c.Steps(svc)
	require.Len(t, st, 3)
	require.True(t, st[0].Open)
	require.False(t, st[1].Open)
	require.Equal(t, 1, st[0].Missing())
	require.Equal(t, 2, st[1].Missing())
	require.Equal(t, []csr.Person{lee, lena}, st[0].Pending(c))

	// Outside approval no step is open, though the first incomplete one is known.
	d := reach(t, csr.Tested)
	for _, s := range d.Steps(svc) {
		require.False(t, s.Open)
	}
	_, ok := d.OpenStep(svc)
	require.False(t, ok)

	// Over-quorum counts as complete and nothing is missing.
	s := csr.StepStatus{Step: csr.Step{Required: 1}, Approved: make([]csr.Approval, 2)}
	require.Zero(t, s.Missing())
}

func TestStepOf(t *testing.T) {
	svc := billing()
	cases := []struct {
		p     csr.Person
		step  string
		index int
		ok    bool
	}{
		{lee, "lead", 0, true},
		{bob, "lead", 0, true},
		{carol, "sm", 1, true},
		{biz, "business", 2, true},
		{mallory, "", -1, false},
	}
	for _, tc := range cases {
		t.Run(string(tc.p), func(t *testing.T) {
			st, i, ok := csr.StepOf(svc, tc.p)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.index, i)
			require.Equal(t, tc.step, st.Name)
		})
	}
}

func TestServiceEnvs(t *testing.T) {
	svc := billing()
	require.Equal(t, "test", svc.TestEnv())
	require.Equal(t, "prod", svc.ProdEnv())
	svc.Environments = []string{"dev", "stage", "prod-kr"}
	require.Equal(t, "dev", svc.TestEnv())
	require.Equal(t, "prod-kr", svc.ProdEnv())
}

func TestWindowStringWithoutDays(t *testing.T) {
	w := &csr.Window{Start: time.Hour, End: 2 * time.Hour, Location: seoul}
	require.Equal(t, "never 01:00-02:00 Asia/Seoul", w.String())
}
