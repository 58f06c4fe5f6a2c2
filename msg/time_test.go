package msg_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/msg"
)

func TestAt(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	fri := time.Date(2026, 12, 4, 13, 0, 0, 0, time.UTC) // Fri 22:00 in Seoul
	for _, tc := range []struct {
		name             string
		at               time.Time
		en, ko           string
		enShort, koShort string
	}{
		{"Seoul", fri.In(seoul), "Fri 2026-12-04 22:00 KST", "12월 4일 (금) 22:00 KST", "2026-12-04 22:00 KST", "12월 4일 22:00 KST"},
		{"the zone decides the day", fri.Add(2 * time.Hour).In(seoul), "Sat 2026-12-05 00:00 KST", "12월 5일 (토) 00:00 KST", "2026-12-05 00:00 KST", "12월 5일 00:00 KST"},
		{"UTC", fri, "Fri 2026-12-04 13:00 UTC", "12월 4일 (금) 13:00 UTC", "2026-12-04 13:00 UTC", "12월 4일 13:00 UTC"},
		{"New York, before Seoul's day", fri.Add(-10 * time.Hour).In(ny), "Thu 2026-12-03 22:00 EST", "12월 3일 (목) 22:00 EST", "2026-12-03 22:00 EST", "12월 3일 22:00 EST"},
		{"summer time", time.Date(2026, 7, 5, 9, 5, 0, 0, ny), "Sun 2026-07-05 09:05 EDT", "7월 5일 (일) 09:05 EDT", "2026-07-05 09:05 EDT", "7월 5일 09:05 EDT"},
		{"a zone without a name", time.Date(2026, 1, 12, 8, 30, 0, 0, time.FixedZone("", 5*3600+1800)), "Mon 2026-01-12 08:30 +0530", "1월 12일 (월) 08:30 +0530", "2026-01-12 08:30 +0530", "1월 12일 08:30 +0530"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.en, msg.English.Render(msg.At(tc.at)))
			require.Equal(t, tc.ko, msg.Korean.Render(msg.At(tc.at)))
			require.Equal(t, tc.enShort, msg.English.Render(msg.AtShort(tc.at)))
			require.Equal(t, tc.koShort, msg.Korean.Render(msg.AtShort(tc.at)))
		})
	}
}

// TestAtSurvivesJSON: a notice stored in Redis keeps its time, zone and
// weekday, and is rendered in the reader's language when it is read.
func TestAtSurvivesJSON(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	require.NoError(t, err)
	when := time.Date(2026, 12, 4, 22, 0, 0, 0, seoul)
	in := msg.T(msg.RefuseFrozen, "service", "billing", "until", msg.At(when), "reason", "close")
	b, err := json.Marshal(in)
	require.NoError(t, err)
	var out msg.Text
	require.NoError(t, json.Unmarshal(b, &out))
	require.Equal(t, in, out)
	require.Equal(t, "billing is frozen until Fri 2026-12-04 22:00 KST: close.", msg.English.Render(out))
	require.Contains(t, msg.Korean.Render(out), "12월 4일 (금) 22:00 KST까지")
}

// TestAtBroken: a time that does not parse (a hand-edited record) is shown
// as its values, never as a wrong date.
func TestAtBroken(t *testing.T) {
	bad := msg.Text{ID: msg.FmtTime, Args: map[string]string{"at": "yesterday"}}
	require.Equal(t, `fmt.time at="yesterday"`, msg.Korean.Render(bad))
}

// TestTimeTemplates: every time template uses only the fields of an
// instant, so none is left as "{name}" in front of a person.
func TestTimeTemplates(t *testing.T) {
	for _, c := range []msg.Catalog{msg.English, msg.Korean} {
		for _, id := range []msg.ID{msg.FmtTime, msg.FmtTimeShort} {
			for _, p := range msg.Placeholders(c[id]) {
				require.True(t, slices.Contains(msg.TimeFields, p), "%s uses {%s}", id, p)
			}
		}
	}
}

func TestPeople(t *testing.T) {
	for _, tc := range []struct {
		names        []string
		orEn, orKo   string
		andEn, andKo string
	}{
		{nil, "nobody eligible", "승인 가능한 사람 없음", "nobody eligible", "승인 가능한 사람 없음"},
		{[]string{"@bob"}, "@bob", "@bob", "@bob", "@bob"},
		{[]string{"@bob", "@carol"}, "@bob or @carol", "@bob 또는 @carol", "@bob and @carol", "@bob 및 @carol"},
		{[]string{"@bob", "@carol", "@dave"}, "@bob, @carol or @dave", "@bob, @carol 또는 @dave", "@bob, @carol and @dave", "@bob, @carol 및 @dave"},
		{[]string{"@bob", "@carol", "@dave", "@erin"}, "@bob, @carol, @dave or @erin", "@bob, @carol, @dave 또는 @erin",
			"@bob, @carol, @dave and @erin", "@bob, @carol, @dave 및 @erin"},
	} {
		require.Equal(t, tc.orEn, msg.English.Render(msg.Or(tc.names...)))
		require.Equal(t, tc.orKo, msg.Korean.Render(msg.Or(tc.names...)))
		require.Equal(t, tc.andEn, msg.English.Render(msg.And(tc.names...)))
		require.Equal(t, tc.andKo, msg.Korean.Render(msg.And(tc.names...)))
	}
}
