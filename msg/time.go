package msg

import (
	"strconv"
	"time"
)

// Instants, said in the reader's language in the zone the time carries.
const (
	FmtTime      ID = "fmt.time"       // with the weekday: when something will or may happen
	FmtTimeShort ID = "fmt.time_short" // without it: when something happened (lines of a history)

	FmtWeekday0 ID = "fmt.weekday.0"
	FmtWeekday1 ID = "fmt.weekday.1"
	FmtWeekday2 ID = "fmt.weekday.2"
	FmtWeekday3 ID = "fmt.weekday.3"
	FmtWeekday4 ID = "fmt.weekday.4"
	FmtWeekday5 ID = "fmt.weekday.5"
	FmtWeekday6 ID = "fmt.weekday.6"
)

var weekdays = [7]ID{FmtWeekday0, FmtWeekday1, FmtWeekday2, FmtWeekday3, FmtWeekday4, FmtWeekday5, FmtWeekday6}

// TimeFields are the placeholders a time template may use, each a part of
// the one instant; a language picks the ones it writes (Korean leaves out
// the year), so time templates need not share placeholders across languages.
var TimeFields = []string{"year", "month", "mm", "day", "dd", "hour", "minute", "zone", "weekday"}

var timeEnglish = Catalog{
	FmtTime:      "{weekday} {year}-{mm}-{dd} {hour}:{minute} {zone}",
	FmtTimeShort: "{year}-{mm}-{dd} {hour}:{minute} {zone}",
	FmtWeekday0:  "Sun",
	FmtWeekday1:  "Mon",
	FmtWeekday2:  "Tue",
	FmtWeekday3:  "Wed",
	FmtWeekday4:  "Thu",
	FmtWeekday5:  "Fri",
	FmtWeekday6:  "Sat",
}

var timeKorean = Catalog{
	FmtTime:      "{month}월 {day}일 ({weekday}) {hour}:{minute} {zone}",
	FmtTimeShort: "{month}월 {day}일 {hour}:{minute} {zone}",
	FmtWeekday0:  "일",
	FmtWeekday1:  "월",
	FmtWeekday2:  "화",
	FmtWeekday3:  "수",
	FmtWeekday4:  "목",
	FmtWeekday5:  "금",
	FmtWeekday6:  "토",
}

// At says t with its weekday (Fri 2026-12-04 22:00 KST / 12월 4일 (금)
// 22:00 KST), in t's own zone: pass t.In(the service's zone). The Text holds
// the instant as machine values, not words, so it survives being stored as
// JSON and is rendered later in whichever language reads it.
func At(t time.Time) Text { return instant(FmtTime, t) }

// AtShort says t without its weekday, for lines that list past events.
func AtShort(t time.Time) Text { return instant(FmtTimeShort, t) }

func instant(id ID, t time.Time) Text {
	return Text{ID: id, Args: map[string]string{"at": t.Format(time.RFC3339), "zone": t.Format("MST")}}
}

func isTime(id ID) bool { return id == FmtTime || id == FmtTimeShort }

// timeText turns the machine values of an At Text into the fields its
// template writes; ok is false when they do not parse (a hand-edited record).
func timeText(t Text) (Text, bool) {
	at, err := time.Parse(time.RFC3339, t.Args["at"])
	if err != nil {
		return Text{}, false
	}
	zone := t.Args["zone"]
	if zone == "" {
		zone = at.Format("-0700")
	}
	two := func(n int) string {
		if n < 10 {
			return "0" + strconv.Itoa(n)
		}
		return strconv.Itoa(n)
	}
	return Text{ID: t.ID, Args: map[string]string{
		"year": strconv.Itoa(at.Year()), "month": strconv.Itoa(int(at.Month())), "mm": two(int(at.Month())),
		"day": strconv.Itoa(at.Day()), "dd": two(at.Day()), "hour": two(at.Hour()), "minute": two(at.Minute()),
		"zone": zone,
	}, Sub: map[string]Text{"weekday": {ID: weekdays[at.Weekday()]}}}, true
}
