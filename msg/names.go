package msg

// Words that code puts inside a sentence, from the reader's catalog.
const (
	RoleRequested ID = "role.requested" // refuse.self_approve: "you {role} CSR-7"
	RoleAssigned  ID = "role.assigned"
	FmtNegative   ID = "fmt.negative" // a signed duration: "-4h 0m"

	WindowAny      ID = "window.any"       // a service without a deploy window
	WindowText     ID = "window.text"      // Mon-Fri 22:00-02:00 Asia/Seoul
	WindowNever    ID = "window.never"     // a window of no days
	WindowDayRange ID = "window.day_range" // Mon-Fri
	WindowDays     ID = "window.days"      // Mon,Wed

	ListLines ID = "list.lines" // items of a digest, one a line

	CardStepWaiting ID = "card.step_waiting" // the console card's open step
)

// Weekday names a day of the week (time.Weekday numbering, Sunday 0).
func Weekday(d int) Text {
	if d < 0 || d > 6 {
		return Text{}
	}
	return Text{ID: weekdays[d]}
}

var namesEnglish = Catalog{
	RoleRequested: "requested",
	RoleAssigned:  "are assigned to",
	FmtNegative:   "-{d}",

	WindowAny:      "any time",
	WindowText:     "{days} {from}-{to} {zone}",
	WindowNever:    "never",
	WindowDayRange: "{a}-{b}",
	WindowDays:     "{a},{rest}",
	ListLines:      "{a}\n{rest}",

	CardStepWaiting: "{got}/{required}, waiting on {people}",
}

var namesKorean = Catalog{
	RoleRequested: "요청자",
	RoleAssigned:  "담당자",
	FmtNegative:   "-{d}",

	WindowAny:      "언제든지",
	WindowText:     "{days} {from}-{to} ({zone})",
	WindowNever:    "없음",
	WindowDayRange: "{a}-{b}",
	WindowDays:     "{a}, {rest}",
	ListLines:      "{a}\n{rest}",

	CardStepWaiting: "{got}/{required}, 대기: {people}",
}
