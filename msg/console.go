package msg

// Sentences of the console's `lang`, and the names of the languages.
const (
	ConsoleLangNow     ID = "console.lang_now"
	ConsoleLangSession ID = "console.lang_session"
	ConsoleLangPerson  ID = "console.lang_person"
	ConsoleLangDefault ID = "console.lang_default"
	ConsoleLangSet     ID = "console.lang_set"
	ConsoleLangBad     ID = "console.lang_bad"
	ConsoleLangNext    ID = "console.lang_next"

	// What a numbered action asks for before it runs ("…reason?").
	ConsoleInput         ID = "console.input"          // …{what}
	ConsoleInputOptional ID = "console.input_optional" // …{what}?
	InputReason          ID = "input.reason"
	InputLink            ID = "input.link"
	// A notice to people, as the console prints it.
	ConsoleDM ID = "console.dm"

	LangEnglish ID = "lang.en"
	LangKorean  ID = "lang.ko"
)

// LanguageNames name each language of Catalogs, in the reader's language.
var LanguageNames = map[string]ID{"en": LangEnglish, "ko": LangKorean}

var consoleEnglish = Catalog{
	ConsoleLangNow:     "The console speaks {language}: {why}. `lang ko` or `lang en` switches it for this session.",
	ConsoleLangSession: "set with `lang` for this session",
	ConsoleLangPerson:  "{person}'s language in the config",
	ConsoleLangDefault: "the installation's language",
	ConsoleLangSet:     "The console speaks {language} now, for this session and whoever acts.",
	ConsoleLangBad:     "`{value}` is not a language the console speaks.",
	ConsoleLangNext:    "type `lang en` (English) or `lang ko` (Korean).",

	ConsoleInput:         "…{what}",
	ConsoleInputOptional: "…{what}?",
	InputReason:          "reason",
	InputLink:            "link",
	ConsoleDM:            "[DM {to}] {text}",

	LangEnglish: "English",
	LangKorean:  "Korean",
}
