package deploy

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Deployer errors reach people: the queue posts them to the service's
// channel and keeps them on the run. A URL in them may carry a credential
// (user:password@, ?token=…, #access_token=…), so everything that shows a
// URL in an error goes through RedactURL, and the queue passes every
// deployer error through Redact before showing or logging it.

// RedactURL returns s without its userinfo, and with its query and
// fragment replaced by [redacted]: http://u:p@host/hook?token=x becomes
// http://host/hook?[redacted]. What cannot be parsed is cut the same way
// by hand, so a malformed URL leaks nothing either.
func RedactURL(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest = "", s
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, tail := rest[:end], rest[end:]
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if i := strings.IndexAny(tail, "?#"); i >= 0 {
		tail = tail[:i+1] + "[redacted]"
	}
	if !ok {
		return host + tail
	}
	return scheme + "://" + host + tail
}

// redactEcho hides in s, text an endpoint answered, both the URLs in it
// (RedactText) and the parts of rawURL, the URL the bot called, that may be
// credentials: its userinfo, password, query, fragment and each query
// value, wherever s repeats them (an error page may echo the request as
// "/hook?token=…"). Parts shorter than 3 characters are left alone: they
// are no credentials, and hiding them would garble the text.
func redactEcho(s, rawURL string) string {
	var parts []string
	_, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		rest = rawURL
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if i := strings.LastIndexByte(rest[:end], '@'); i >= 0 {
		user := rest[:i]
		parts = append(parts, user)
		if _, pw, ok := strings.Cut(user, ":"); ok {
			parts = append(parts, pw)
		}
	}
	tail := rest[end:]
	if i := strings.IndexByte(tail, '#'); i >= 0 {
		parts = append(parts, tail[i+1:])
		tail = tail[:i]
	}
	if _, q, ok := strings.Cut(tail, "?"); ok {
		parts = append(parts, q)
		for kv := range strings.SplitSeq(q, "&") {
			_, v, _ := strings.Cut(kv, "=")
			parts = append(parts, v)
			if dv, err := url.QueryUnescape(v); err == nil {
				parts = append(parts, dv)
			}
		}
	}
	slices.SortFunc(parts, func(a, b string) int { return len(b) - len(a) }) // the longest first
	s = RedactText(s)
	for _, p := range parts {
		if len(p) >= 3 {
			s = strings.ReplaceAll(s, p, "[redacted]")
		}
	}
	return s
}

// urlInText finds URLs in free text: a scheme, "://" and everything up to
// a space or a quote.
var urlInText = regexp.MustCompile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\"'<>`]+")

// RedactText applies RedactURL to every URL in s.
func RedactText(s string) string {
	return urlInText.ReplaceAllStringFunc(s, RedactURL)
}

// Redact returns err with the URLs in its text redacted (RedactText).
// errors.Is still sees through it, so a caller can tell a cancelled
// context from a refused request; errors.As finds a *url.Error only with
// its URL redacted too. Redact(nil) is nil.
func Redact(err error) error {
	if err == nil {
		return nil
	}
	return &redacted{text: RedactText(err.Error()), err: err}
}

type redacted struct {
	text string
	err  error
}

func (e *redacted) Error() string { return e.text }

// Unwrap lets errors.Is and errors.As see the cause.
func (e *redacted) Unwrap() error { return e.err }

// As hands out the *url.Error of the chain with its URL redacted, so no
// caller can reach the credential through errors.As.
func (e *redacted) As(target any) bool {
	p, ok := target.(**url.Error)
	if !ok {
		return false
	}
	var ue *url.Error
	if !errors.As(e.err, &ue) {
		return false
	}
	*p = redactURLError(ue)
	return true
}

// redactURLError rebuilds a *url.Error (what net/http returns, naming the
// whole request URL) with its URL redacted, keeping its Op and cause.
func redactURLError(ue *url.Error) *url.Error {
	return &url.Error{Op: ue.Op, URL: RedactURL(ue.URL), Err: Redact(ue.Err)}
}

// redactHTTP rebuilds the *url.Error net/http returns at the top of err,
// and redacts whatever text is left.
func redactHTTP(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		return redactURLError(ue)
	}
	return Redact(err)
}

// Timeout keeps a redacted net/http error telling a timeout, as the
// *url.Error it replaces did.
func (e *redacted) Timeout() bool {
	t, ok := e.err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}

// linkURL is a link a deploy system gave for people to follow: kept only
// when it is an http(s) URL, and never with userinfo. Its query stays: a
// signed link needs it, and the system chose to show it.
func linkURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	u.User = nil
	return u.String()
}
