package slack

import (
	"regexp"
	"strings"

	"releasebot/csr"
)

// slackMarkup matches Slack's angle-bracket markup in message and command
// text: <@U123>, <@U123|name>, <#C123|name>, <!here>, <https://x|label>.
var slackMarkup = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)

var entityUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// commandText turns what Slack delivered into a line of the console
// grammar: mentions of configured people become @name (so `--assignee
// @bob` works whether Slack sent a mention or plain text), links become
// their URL, channel references their #name, and Slack's HTML entities
// are decoded. Mentions of the bot itself (app_mention) are dropped.
func commandText(s string, person func(id string) (csr.Person, bool), botUser string) string {
	s = slackMarkup.ReplaceAllStringFunc(s, func(m string) string {
		sub := slackMarkup.FindStringSubmatch(m)
		target, label := sub[1], sub[2]
		switch {
		case strings.HasPrefix(target, "@"):
			id := target[1:]
			if id == botUser {
				return ""
			}
			if p, ok := person(id); ok {
				return "@" + string(p)
			}
			if label != "" {
				return "@" + label
			}
			return target
		case strings.HasPrefix(target, "#"):
			if label != "" {
				return "#" + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			// <!here>, <!subteam^S123|@sm-team>: not part of a command.
			return ""
		default:
			return target // a link: its URL, not its label
		}
	})
	return strings.TrimSpace(entityUnescaper.Replace(s))
}

// mentionedCommand is the command of an app_mention: what follows the
// bot's mention wherever it stands ("please @releasebot next CSR-3"), or
// what precedes it when nothing follows ("next CSR-3 @releasebot"). When
// the bot's own id is not known, a leading mention is taken for it.
func mentionedCommand(s, botUser string) string {
	s = strings.TrimSpace(s)
	at := -1
	if botUser != "" {
		for _, m := range []string{"<@" + botUser + ">", "<@" + botUser + "|"} {
			if i := strings.Index(s, m); i >= 0 && (at < 0 || i < at) {
				at = i
			}
		}
	}
	if at < 0 && botUser == "" && strings.HasPrefix(s, "<@") {
		at = 0
	}
	if at < 0 {
		return s
	}
	end := strings.IndexByte(s[at:], '>')
	if end < 0 {
		return s
	}
	if after := strings.TrimSpace(s[at+end+1:]); after != "" {
		return after
	}
	return strings.TrimSpace(s[:at])
}

// quote writes s as one word of the console grammar: in double quotes,
// with backslash escapes, so any text a person typed into a form passes
// through the tokenizer unchanged.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
