package slack

import (
	"errors"
	"net/url"
	"regexp"
)

// A response_url is a credential: whoever holds it may post into the
// conversation for 30 minutes. A Socket Mode URL carries a connection
// ticket. Neither may reach a log line or a person, so errors that could
// quote one have their URLs cut.

// urlRE matches a URL in an error's text, without the punctuation that
// follows it.
var urlRE = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>]*[^\s"'<>.,:;!?)\]]`)

// redactURLs replaces every URL in s with [redacted URL].
func redactURLs(s string) string { return urlRE.ReplaceAllString(s, "[redacted URL]") }

// responseURLError is a failed request to a response_url, without the URL:
// http.Client.Do reports failures as a *url.Error quoting the whole URL.
// Its text keeps the operation and the cause (host-less, with any URL in
// the cause cut); errors.Is and errors.As still reach the cause, so a
// timeout is still a net.Error and a cancelled context still
// context.Canceled.
type responseURLError struct{ err error }

// hideResponseURL wraps an error of a request to a response_url.
func hideResponseURL(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: "[response_url]", Err: ue.Err}
	}
	return &responseURLError{err: err}
}

func (e *responseURLError) Error() string { return redactURLs(e.err.Error()) }

func (e *responseURLError) Unwrap() error { return e.err }
