package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// hooksDown is a transport on which Slack's hooks host is unreachable and
// every other host (the fake Web API) answers. Its error quotes the URL,
// as transport errors may.
type hooksDown struct{}

func (hooksDown) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "hooks.slack.com" {
		return nil, fmt.Errorf("connection reset while posting to %s", r.URL)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestResponseURLNeverLogged: a response_url is a credential for 30
// minutes. When posting to it fails, the answer goes by the Web API and
// the log says why, without the URL: not its host, not its path.
func TestResponseURLNeverLogged(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.HTTPClient = &http.Client{Transport: hooksDown{}} })
	const secretPath = "/commands/T0TEAM0001/1234567890/ZsEcReTpAtHpArT"
	body, _ := h.slashBody(alice, "list")
	form, err := url.ParseQuery(string(body))
	require.NoError(t, err)
	form.Set("response_url", "https://hooks.slack.com"+secretPath)
	resp := h.send(PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode()), h.clock.Now(), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	h.settle()

	require.NotEmpty(t, h.fake.Calls("chat.postEphemeral"), "the answer went by the Web API instead")
	logs := h.logs.String()
	require.Contains(t, logs, "answer by response_url failed")
	require.Contains(t, logs, "[response_url]", "the log still says which request failed")
	for _, secret := range []string{"hooks.slack.com", secretPath, "ZsEcReTpAtHpArT", "T0TEAM0001/1234567890"} {
		require.NotContains(t, logs, secret)
	}
}

func TestHideResponseURL(t *testing.T) {
	raw := "https://hooks.slack.com/actions/T1/2/SeCrEt"
	inner := &url.Error{Op: "Post", URL: raw, Err: context.DeadlineExceeded}
	err := fmt.Errorf("slack response_url: %w", hideResponseURL(inner))
	require.NotContains(t, err.Error(), "hooks.slack.com")
	require.NotContains(t, err.Error(), "SeCrEt")
	require.Equal(t, `slack response_url: Post "[response_url]": context deadline exceeded`, err.Error())
	require.ErrorIs(t, err, context.DeadlineExceeded, "the cause is still reachable")
	var ue *url.Error
	require.True(t, errors.As(err, &ue) && ue.Timeout(), "a timeout is still a net.Error")
	require.NotContains(t, ue.URL, "SeCrEt")
	require.Equal(t, "dial [redacted URL]: refused, see [redacted URL]",
		redactURLs("dial wss://wss-primary.slack.com/link/?ticket=abc&app_id=A1: refused, see https://x.example/a?b=c"))
	require.False(t, strings.Contains(redactURLs("no url here"), "redacted"))
}
