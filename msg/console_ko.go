package msg

var consoleKorean = Catalog{
	ConsoleLangNow:     "콘솔은 지금 {language}로 표시합니다({why}). 이 세션에서 바꾸려면 `lang ko` 또는 `lang en`을 입력하세요.",
	ConsoleLangSession: "이 세션에서 `lang`으로 정함",
	ConsoleLangPerson:  "설정 파일에 정한 {person} 사용자의 언어",
	ConsoleLangDefault: "설치 기본 언어",
	ConsoleLangSet:     "이제 이 세션에서는 누가 작업하든 콘솔이 {language}로 표시합니다.",
	ConsoleLangBad:     "`{value}`은(는) 콘솔에서 쓸 수 있는 언어가 아닙니다.",
	ConsoleLangNext:    "`lang en`(영어) 또는 `lang ko`(한국어)를 입력하세요.",

	ConsoleInput:         "…{what}",
	ConsoleInputOptional: "…{what}?",
	InputReason:          "사유",
	InputLink:            "링크",
	ConsoleDM:            "[개인 메시지 {to}] {text}",
	LangEnglish:          "영어",
	LangKorean:           "한국어",
}
