package slack

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	slackapi "github.com/slack-go/slack"

	"releasebot/internal/clock"
	"releasebot/msg"
)

// How a person's Slack language is looked up and kept: a person changes
// it rarely, so an hour old is fresh enough; a lookup that failed is
// tried again sooner. The lookup holds up an answer (in Socket Mode, on
// the read loop when it is the help or a form's check), so it is given a
// short time before the answer goes out in the installation's language.
const (
	localeTTL       = time.Hour
	localeFailedTTL = 5 * time.Minute
	localeTimeout   = time.Second
	maxLocales      = 10000
)

// languageOf is the language a Slack user reads what is for them alone
// (direct messages, ephemeral answers, their forms and Home tab): the
// person's language in the config, else their Slack language, else the
// installation's.
func (a *Adapter) languageOf(ctx context.Context, user string) string {
	if l := a.configuredLanguage(user); l != "" {
		return l
	}
	if l := a.locales.language(ctx, user); l != "" {
		return l
	}
	return a.lang
}

// languageNow is languageOf without asking Slack: for answers given when
// the bot is too busy to make a call for them.
func (a *Adapter) languageNow(user string) string {
	if l := a.configuredLanguage(user); l != "" {
		return l
	}
	if l, ok := a.locales.cached(user); ok && l != "" {
		return l
	}
	return a.lang
}

// configuredLanguage is the language the config gives the person of a
// Slack user, "" when it gives none.
func (a *Adapter) configuredLanguage(user string) string {
	if p, ok := a.people.PersonBySlackID(user); ok {
		return a.people.PersonLanguage(p)
	}
	return ""
}

// reader is the renderer of what a Slack user alone reads.
func (a *Adapter) reader(ctx context.Context, user string) renderer {
	return a.rendererIn(a.languageOf(ctx, user))
}

// rendererIn is the renderer of a language; the installation's is the
// adapter's own catalog (Options.Catalog), whichever catalog that is.
func (a *Adapter) rendererIn(lang string) renderer {
	if lang == a.lang {
		return a.r
	}
	r := a.r
	r.cat = msg.CatalogFor(lang)
	return r
}

// languageOfLocale maps a Slack locale ("ko-KR") to a language the bot
// speaks (a catalog of msg.Catalogs), "" for any other (the installation's
// language applies).
func languageOfLocale(locale string) string {
	tag, _, _ := strings.Cut(strings.ToLower(locale), "-")
	if _, ok := msg.Catalogs[tag]; ok {
		return tag
	}
	return ""
}

// locales caches Slack users' languages (users.info with
// include_locale).
type locales struct {
	api   *webAPI
	clock clock.Clock
	log   *slog.Logger

	mu     sync.Mutex
	byUser map[string]localeEntry
	warned atomic.Bool // a failed lookup was logged at warning level
}

type localeEntry struct {
	lang    string // "" when Slack's locale is none the bot speaks, or the lookup failed
	expires time.Time
}

func newLocales(api *webAPI, clk clock.Clock, log *slog.Logger) *locales {
	return &locales{api: api, clock: clk, log: log, byUser: map[string]localeEntry{}}
}

func (l *locales) cached(user string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byUser[user]
	if !ok || !l.clock.Now().Before(e.expires) {
		return "", false
	}
	return e.lang, true
}

// language is the language of user's Slack locale, "" when it is none
// the bot speaks or Slack did not say in time.
func (l *locales) language(ctx context.Context, user string) string {
	if user == "" {
		return ""
	}
	if lang, ok := l.cached(user); ok {
		return lang
	}
	ctx, cancel := context.WithTimeout(ctx, localeTimeout)
	defer cancel()
	var u *slackapi.User
	err := l.api.call(ctx, "users.info", true, func(ctx context.Context) error {
		var err error
		u, err = l.api.c.GetUserInfoContext(ctx, user, slackapi.GetUserInfoOptionIncludeLocale(true))
		return err
	})
	lang, ttl := "", localeTTL
	if err != nil {
		ttl = localeFailedTTL
		// Once at warning level: when it fails for one person (a missing
		// users:read scope, Slack slow), it fails for everyone.
		level := slog.LevelDebug
		if l.warned.CompareAndSwap(false, true) {
			level = slog.LevelWarn
		}
		l.log.Log(ctx, level, "slack language of a person not known; answering in the installation's language",
			"user", user, "err", err)
	} else {
		lang = languageOfLocale(u.Locale)
	}
	l.remember(user, localeEntry{lang: lang, expires: l.clock.Now().Add(ttl)})
	return lang
}

func (l *locales) remember(user string, e localeEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.byUser) >= maxLocales {
		now := l.clock.Now()
		for u, old := range l.byUser {
			if !now.Before(old.expires) {
				delete(l.byUser, u)
			}
		}
		if len(l.byUser) >= maxLocales {
			clear(l.byUser) // a cache, not a record: forgetting costs a lookup each
		}
	}
	l.byUser[user] = e
}
