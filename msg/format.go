package msg

import (
	"strconv"
	"time"
)

// Units of time, for durations said in the reader's language.
const (
	FmtDays      ID = "fmt.days"
	FmtDaysOnly  ID = "fmt.days_only" // a whole number of days
	FmtHours     ID = "fmt.hours"
	FmtHoursOnly ID = "fmt.hours_only" // a whole number of hours
	FmtMinutes   ID = "fmt.minutes"
	FmtSeconds   ID = "fmt.seconds"
)

var formatEnglish = Catalog{
	FmtDays:      "{d}d {h}h",
	FmtDaysOnly:  "{d}d",
	FmtHours:     "{h}h {m}m",
	FmtHoursOnly: "{h}h",
	FmtMinutes:   "{m}m",
	FmtSeconds:   "{s}s",
}

var formatKorean = Catalog{
	FmtDays:      "{d}일 {h}시간",
	FmtDaysOnly:  "{d}일",
	FmtHours:     "{h}시간 {m}분",
	FmtHoursOnly: "{h}시간",
	FmtMinutes:   "{m}분",
	FmtSeconds:   "{s}초",
}

// Dur says d in the reader's language at the precision a person reads a
// wait or a lead time with: days and hours, hours and minutes, minutes,
// or seconds under a minute (3h 20m / 3시간 20분); a zero second unit is
// left out (4h, not 4h 0m).
func Dur(d time.Duration) Text {
	if d < 0 {
		d = -d
	}
	n := func(v time.Duration) string { return strconv.FormatInt(int64(v), 10) }
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) < time.Hour:
		return T(FmtDaysOnly, "d", n(d/(24*time.Hour)))
	case d >= 24*time.Hour:
		return T(FmtDays, "d", n(d/(24*time.Hour)), "h", n(d%(24*time.Hour)/time.Hour))
	case d >= time.Hour && d%time.Hour < time.Minute:
		return T(FmtHoursOnly, "h", n(d/time.Hour))
	case d >= time.Hour:
		return T(FmtHours, "h", n(d/time.Hour), "m", n(d%time.Hour/time.Minute))
	case d >= time.Minute:
		return T(FmtMinutes, "m", n(d/time.Minute))
	default:
		return T(FmtSeconds, "s", n(d/time.Second))
	}
}
