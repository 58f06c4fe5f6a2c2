package slack

import (
	"net/url"
	"strings"
	"unicode"

	"releasebot/internal/secret"
	"releasebot/msg"
)

// Secret is a credential: it prints as [redacted] in logs, errors and
// formatted output; only Reveal gives its value.
type Secret = secret.Value

// NewSecret wraps a credential.
func NewSecret(v string) Secret { return secret.New(v) }

// Settings are the Slack credentials and endpoints, read from the
// environment. None of them ever goes in the config file.
type Settings struct {
	BotToken      Secret // SLACK_BOT_TOKEN, xoxb-…
	SigningSecret Secret // SLACK_SIGNING_SECRET: checks HTTP requests
	AppToken      Secret // SLACK_APP_TOKEN, xapp-…: Socket Mode when set
	// APIURL is the Web API base URL ending in "/" (SLACK_API_URL), for
	// fakes in tests and Enterprise Grid proxies; "" means Slack's.
	APIURL string
}

// SocketMode reports whether the bot connects out over Socket Mode rather
// than serving Slack's HTTP requests.
func (s Settings) SocketMode() bool { return !s.AppToken.IsZero() }

// SetupError names an environment variable that is missing or malformed.
// Its text never contains the variable's value.
type SetupError struct {
	Var  string
	Text msg.Text
}

func (e *SetupError) Error() string { return msg.English.Render(e.Text) }

// Environment variables read by SettingsFromEnv.
const (
	EnvBotToken      = "SLACK_BOT_TOKEN"
	EnvSigningSecret = "SLACK_SIGNING_SECRET"
	EnvAppToken      = "SLACK_APP_TOKEN"
	EnvAPIURL        = "SLACK_API_URL"
)

// SettingsFromEnv reads and checks the Slack settings. getenv is os.Getenv
// outside tests. The signing secret is required in HTTP mode and checked
// when given in Socket Mode.
func SettingsFromEnv(getenv func(string) string) (Settings, error) {
	var s Settings
	bot := strings.TrimSpace(getenv(EnvBotToken))
	if bot == "" {
		return s, missing(EnvBotToken)
	}
	if err := checkToken(EnvBotToken, bot, "xoxb-"); err != nil {
		return s, err
	}
	s.BotToken = NewSecret(bot)
	if app := strings.TrimSpace(getenv(EnvAppToken)); app != "" {
		if err := checkToken(EnvAppToken, app, "xapp-"); err != nil {
			return s, err
		}
		s.AppToken = NewSecret(app)
	}
	secret := strings.TrimSpace(getenv(EnvSigningSecret))
	switch {
	case secret == "" && !s.SocketMode():
		return s, missing(EnvSigningSecret)
	case secret != "":
		if err := checkSigningSecret(secret); err != nil {
			return s, err
		}
		s.SigningSecret = NewSecret(secret)
	}
	if raw := strings.TrimSpace(getenv(EnvAPIURL)); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return s, &SetupError{Var: EnvAPIURL, Text: msg.T(msg.SlackSetupBadURL, "var", EnvAPIURL)}
		}
		if !strings.HasSuffix(raw, "/") {
			raw += "/"
		}
		s.APIURL = raw
	}
	return s, nil
}

func missing(name string) error {
	return &SetupError{Var: name, Text: msg.T(msg.SlackSetupMissing, "var", name)}
}

// checkToken refuses a token of the wrong kind or with stray characters
// (a quote or newline pasted along), naming the variable only.
func checkToken(name, v, prefix string) error {
	if !strings.HasPrefix(v, prefix) {
		kind := "an xoxb- bot token"
		if prefix == "xapp-" {
			kind = "an xapp- app-level token"
		}
		return &SetupError{Var: name, Text: msg.T(msg.SlackSetupBadToken, "var", name, "kind", kind)}
	}
	if len(v) < len(prefix)+8 || strings.IndexFunc(v, badSecretRune) >= 0 {
		return &SetupError{Var: name, Text: msg.T(msg.SlackSetupBadChars, "var", name)}
	}
	return nil
}

func checkSigningSecret(v string) error {
	if strings.HasPrefix(v, "xox") || strings.HasPrefix(v, "xapp-") {
		return &SetupError{Var: EnvSigningSecret, Text: msg.T(msg.SlackSetupSecretIsToken, "var", EnvSigningSecret)}
	}
	if len(v) < 16 || len(v) > 256 || strings.IndexFunc(v, badSecretRune) >= 0 {
		return &SetupError{Var: EnvSigningSecret, Text: msg.T(msg.SlackSetupBadChars, "var", EnvSigningSecret)}
	}
	return nil
}

func badSecretRune(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '"' || r == '\'' || r > unicode.MaxASCII
}
