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

	// What a flag needs (refuse.bad_flag_value {want}).
	WantEffort   ID = "want.effort"
	WantSHA      ID = "want.sha"
	WantRef      ID = "want.ref"
	WantOneOf    ID = "want.one_of"
	WantPage     ID = "want.page"
	WantOneValue ID = "want.one_value"

	// What a command lacks (refuse.missing_arg {arg}).
	ArgValueAfter     ID = "arg.value_after"
	ArgPersonName     ID = "arg.person_name"
	ArgService        ID = "arg.service"
	ArgOverrideReason ID = "arg.override_reason"
	ArgAtTime         ID = "arg.at_time"
	ArgUntilTime      ID = "arg.until_time"
	ArgRunOutcome     ID = "arg.run_outcome"
	ArgChecked        ID = "arg.checked"
	ArgTitle          ID = "arg.title"
	ArgEvidenceURL    ID = "arg.evidence_url"
	ArgRejectReason   ID = "arg.reject_reason"
	ArgCSRID          ID = "arg.csr_id"
	ArgComment        ID = "arg.comment"
	ArgFreezeReason   ID = "arg.freeze_reason"

	// The text a refusal is about (refuse.text_* {field}).
	TextFieldTitle          ID = "text_field.title"
	TextFieldDescription    ID = "text_field.description"
	TextFieldRisk           ID = "text_field.risk"
	TextFieldChecked        ID = "text_field.checked"
	TextFieldNote           ID = "text_field.note"
	TextFieldReason         ID = "text_field.reason"
	TextFieldOverrideReason ID = "text_field.override_reason"
	TextFieldFreezeReason   ID = "text_field.freeze_reason"
	TextFieldText           ID = "text_field.text"
	TextFieldComment        ID = "text_field.comment"
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
	WantEffort:      "a duration like 4h or 90m",
	WantSHA:         "a commit SHA (7-40 hex digits)",
	WantRef:         "a branch, tag or SHA",
	WantOneOf:       "one of {values}",
	WantPage:        "a page number: 1, 2, 3…",
	WantOneValue:    "one value",

	ArgValueAfter:     "a value after --{flag}",
	ArgPersonName:     "a person's name",
	ArgService:        "a service",
	ArgOverrideReason: `a reason after --override, e.g. --override "hotfix for outage"`,
	ArgAtTime:         `a time after --at, e.g. --at 22:30 or --at "2026-12-01 22:30"`,
	ArgUntilTime:      `--until TIME, e.g. --until "2026-12-26 09:00"`,
	ArgRunOutcome:     "how the run ended: succeeded or failed",
	ArgChecked:        `what you checked, in quotes, e.g. "pods run the new image"`,
	ArgTitle:          `a title in quotes, e.g. "Fix rounding"`,
	ArgEvidenceURL:    "a link to the evidence (https://…)",
	ArgRejectReason:   `a reason in quotes, e.g. "no rollback plan"`,
	ArgCSRID:          "a CSR id",
	ArgComment:        `the comment in quotes, e.g. "rollback plan added to the risk"`,
	ArgFreezeReason:   `a reason in quotes, e.g. "year-end close"`,

	TextFieldTitle:          "title",
	TextFieldDescription:    "description",
	TextFieldRisk:           "risk",
	TextFieldChecked:        "what you checked",
	TextFieldNote:           "note",
	TextFieldReason:         "reason",
	TextFieldOverrideReason: "override reason",
	TextFieldFreezeReason:   "freeze reason",
	TextFieldText:           "text",
	TextFieldComment:        "comment",
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
	WantEffort:      "`4h`, `90m` 같은 기간",
	WantSHA:         "커밋 SHA(16진수 7~40자리)",
	WantRef:         "브랜치, 태그 또는 SHA",
	WantOneOf:       "{values} 중 하나",
	WantPage:        "페이지 번호(1, 2, 3…)",
	WantOneValue:    "값 하나",

	ArgValueAfter:     "`--{flag}` 뒤의 값",
	ArgPersonName:     "사용자 이름",
	ArgService:        "서비스 이름",
	ArgOverrideReason: "`--override` 뒤의 사유(예: `--override \"장애 긴급 조치\"`)",
	ArgAtTime:         "`--at` 뒤의 시각(예: `--at 22:30` 또는 `--at \"2026-12-01 22:30\"`)",
	ArgUntilTime:      "`--until` 뒤의 시각(예: `--until \"2026-12-26 09:00\"`)",
	ArgRunOutcome:     "실행 결과(`succeeded` 또는 `failed`)",
	ArgChecked:        "확인한 내용(따옴표로 감싸서, 예: \"새 이미지로 파드 실행 확인\")",
	ArgTitle:          "따옴표로 감싼 제목(예: \"금액 반올림 오류 수정\")",
	ArgEvidenceURL:    "증빙 링크(https://…)",
	ArgRejectReason:   "따옴표로 감싼 사유(예: \"롤백 계획 없음\")",
	ArgCSRID:          "CSR 번호",
	ArgComment:        "따옴표로 감싼 의견(예: \"위험도에 롤백 계획 추가\")",
	ArgFreezeReason:   "따옴표로 감싼 사유(예: \"연말 결산\")",

	TextFieldTitle:          "제목",
	TextFieldDescription:    "설명",
	TextFieldRisk:           "위험도",
	TextFieldChecked:        "확인 내용",
	TextFieldNote:           "메모",
	TextFieldReason:         "사유",
	TextFieldOverrideReason: "정책 무시 사유",
	TextFieldFreezeReason:   "배포 동결 사유",
	TextFieldText:           "텍스트",
	TextFieldComment:        "의견",
}
