package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fixtures is where the real Slack payloads are kept (see SOURCES.md there).
const fixtures = "testdata"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	require.NoError(t, err, "fixture %s", name)
	return b
}

// fixtureJSON reads a JSON fixture into a generic map to be edited.
func fixtureJSON(t testing.TB, name string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, name), &m))
	return m
}

// apiCall is one call the bot made to the fake Web API.
type apiCall struct {
	Method  string
	Channel string
	TS      string
	User    string
	Thread  string
	Text    string
	Blocks  []map[string]any
	View    map[string]any
	Params  url.Values
	At      time.Time
}

// responseCall is one post to a response_url.
type responseCall struct {
	Path string
	Body map[string]any
}

// fakeSlack is a recording fake of Slack's Web API and response_urls. It
// answers with the real example responses of the fixtures, and can answer
// 429 with Retry-After to a method's next calls.
type fakeSlack struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	calls     []apiCall
	responses []responseCall
	seq       int
	limited   map[string]int // method -> how many next calls get 429
	failing   map[string]string
	wsURL     func() string // apps.connections.open answers this
	opens     int
	groups    map[string][]string // usergroups.users.list: user group -> members
	limitedAt []time.Time         // when 429s were answered
	refused   []string            // payloads refused by the Block Kit check
	failMsgs  map[string][]string // method -> response_metadata.messages of its failure
	failed    map[string]int      // method -> calls answered with its failure
	locales   map[string]string   // users.info: the workspace's users, id -> locale
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{t: t, limited: map[string]int{}, failing: map[string]string{}, groups: map[string][]string{},
		failMsgs: map[string][]string{}, failed: map[string]int{}, locales: map[string]string{}}
	// The test people, as a workspace has them: Slack's default locale.
	for _, id := range []string{alice, bob, carol, dave, erin, frank, "U0GRACE007"} {
		f.locales[id] = "en-US"
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// APIURL is the base URL to give slack-go (SLACK_API_URL).
func (f *fakeSlack) APIURL() string { return f.srv.URL + "/api/" }

// ResponseURL is a response_url pointing at the fake.
func (f *fakeSlack) ResponseURL(name string) string { return f.srv.URL + "/response/" + name }

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if name, ok := strings.CutPrefix(r.URL.Path, "/response/"); ok {
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		text, hasText := m["text"].(string)
		blocks, _ := m["blocks"].([]any)
		if errs := validateMessage(text, hasText && text != "", blocks); len(errs) > 0 {
			f.refuse("response_url", errs)
			w.WriteHeader(http.StatusBadRequest)
			writeJSONBody(w, map[string]any{"ok": false, "error": "invalid_blocks", "response_metadata": map[string]any{"messages": errs}})
			return
		}
		f.mu.Lock()
		f.responses = append(f.responses, responseCall{Path: name, Body: m})
		f.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	call := apiCall{Method: method, At: time.Now()}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if len(body) > 0 {
			require.NoError(f.t, json.Unmarshal(body, &m))
		}
		call.View, _ = m["view"].(map[string]any)
		call.User, _ = m["user_id"].(string)
	} else {
		form, err := url.ParseQuery(string(body))
		require.NoError(f.t, err)
		call.Params = form
		call.Channel, call.TS, call.User = form.Get("channel"), form.Get("ts"), form.Get("user")
		call.Thread, call.Text = form.Get("thread_ts"), form.Get("text")
		if b := form.Get("blocks"); b != "" {
			require.NoError(f.t, json.Unmarshal([]byte(b), &call.Blocks))
		}
	}
	if errs := f.validate(method, body, call); len(errs) > 0 {
		f.refuse(method, errs)
		e := "invalid_blocks"
		if strings.HasPrefix(method, "views.") {
			e = "invalid_arguments"
		}
		writeJSONBody(w, map[string]any{"ok": false, "error": e, "response_metadata": map[string]any{"messages": errs}})
		return
	}
	f.mu.Lock()
	if f.limited[method] > 0 {
		f.limited[method]--
		f.limitedAt = append(f.limitedAt, time.Now())
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	if e := f.failing[method]; e != "" {
		f.failed[method]++
		msgs := f.failMsgs[method]
		f.mu.Unlock()
		resp := map[string]any{"ok": false, "error": e}
		if len(msgs) > 0 {
			resp["response_metadata"] = map[string]any{"messages": msgs}
		}
		writeJSONBody(w, resp)
		return
	}
	var resp map[string]any
	switch method {
	case "auth.test":
		resp = fixtureJSON(f.t, "api.auth.test.ok.json")
		resp["user_id"] = "UBOT000001"
	case "chat.postMessage":
		resp = fixtureJSON(f.t, "api.chat.postMessage.ok.json")
		f.seq++
		call.TS = fmt.Sprintf("1700000000.%06d", f.seq)
		call.Channel = channelID(call.Channel)
		resp["channel"], resp["ts"] = call.Channel, call.TS
	case "chat.update":
		resp = fixtureJSON(f.t, "api.chat.update.ok.json")
		resp["channel"], resp["ts"] = call.Channel, call.TS
	case "chat.postEphemeral":
		resp = fixtureJSON(f.t, "api.chat.postEphemeral.ok.json")
	case "views.open":
		resp = fixtureJSON(f.t, "api.views.open.ok.json")
	case "views.publish":
		resp = fixtureJSON(f.t, "api.views.publish.ok.json")
	case "usergroups.users.list":
		resp = fixtureJSON(f.t, "api.usergroups.users.list.ok.json")
		if m, ok := f.groups[call.Params.Get("usergroup")]; ok {
			resp["users"] = m
		}
	case "users.info":
		resp = f.userInfo(r, call.Params)
	case "apps.connections.open":
		f.opens++
		resp = map[string]any{"ok": true, "url": f.wsURL()}
	default:
		resp = map[string]any{"ok": false, "error": "unknown_method"}
	}
	f.calls = append(f.calls, call)
	f.mu.Unlock()
	writeJSONBody(w, resp)
}

// userInfo answers users.info as Slack does: a token is required, the
// user must be one of the workspace's, and the locale is in the answer
// only when include_locale=true was asked.
func (f *fakeSlack) userInfo(r *http.Request, params url.Values) map[string]any {
	token := params.Get("token")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		token = bearer
	}
	switch {
	case token == "":
		return map[string]any{"ok": false, "error": "not_authed"}
	case !strings.HasPrefix(token, "xoxb-"):
		return map[string]any{"ok": false, "error": "invalid_auth"}
	}
	id := params.Get("user")
	locale, ok := f.locales[id]
	if !ok {
		return map[string]any{"ok": false, "error": "user_not_found"}
	}
	user := map[string]any{"id": id, "team_id": "T0TEAM0001", "name": strings.ToLower(id), "deleted": false,
		"tz": "Asia/Seoul", "tz_label": "Korean Standard Time", "tz_offset": 32400, "is_bot": false,
		"profile": map[string]any{"real_name": id, "display_name": strings.ToLower(id)}}
	if params.Get("include_locale") == "true" {
		user["locale"] = locale
	}
	return map[string]any{"ok": true, "user": user}
}

// SetLocale sets a workspace user's locale (adding the user).
func (f *fakeSlack) SetLocale(user, locale string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.locales[user] = locale
}

// validate checks a Web API call's payload against Slack's documented
// limits (see fake_blockkit_test.go): the hook every message and view the
// bot sends goes through, in every test.
func (f *fakeSlack) validate(method string, body []byte, call apiCall) []string {
	switch method {
	case "chat.postMessage", "chat.update", "chat.postEphemeral":
		var blocks []any
		if b := call.Params.Get("blocks"); b != "" {
			if err := json.Unmarshal([]byte(b), &blocks); err != nil {
				return []string{"[ERROR] blocks is not a JSON array [json-pointer:/blocks]"}
			}
		}
		return validateMessage(call.Text, call.Text != "", blocks)
	case "views.open", "views.publish", "views.update", "views.push":
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return []string{"[ERROR] the body is not JSON"}
		}
		view, _ := m["view"].(map[string]any)
		if view == nil {
			return []string{"[ERROR] missing view [json-pointer:/view]"}
		}
		return validateView(view)
	}
	return nil
}

// refuse records and reports a payload the real Slack would refuse: the
// test fails, whatever else it checks.
func (f *fakeSlack) refuse(method string, errs []string) {
	f.mu.Lock()
	f.refused = append(f.refused, method+": "+strings.Join(errs, "; "))
	f.mu.Unlock()
	f.t.Errorf("slack fake: Slack would refuse this %s: %s", method, strings.Join(errs, "; "))
}

// channelID is what Slack answers for a channel name or a user id (a DM).
func channelID(ch string) string {
	switch {
	case strings.HasPrefix(ch, "#"):
		return "C" + strings.ToUpper(strings.NewReplacer("-", "", "#", "").Replace(ch))
	case strings.HasPrefix(ch, "U"):
		return "D" + ch[1:]
	}
	return ch
}

func writeJSONBody(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Calls returns the recorded Web API calls of a method ("" for all).
func (f *fakeSlack) Calls(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Responses returns the posts to response_urls.
func (f *fakeSlack) Responses() []responseCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]responseCall(nil), f.responses...)
}

// Fail makes every call of a method answer ok:false with this error.
func (f *fakeSlack) Fail(method, slackError string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing[method] = slackError
}

// FailWith is Fail with Slack's response_metadata.messages, as Slack
// explains an invalid_arguments or invalid_blocks.
func (f *fakeSlack) FailWith(method, slackError string, messages ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing[method] = slackError
	f.failMsgs[method] = messages
}

// failures counts the calls of a method answered with its Fail error.
func (f *fakeSlack) failures(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed[method]
}

// SetGroup sets the members usergroups.users.list answers for a group.
func (f *fakeSlack) SetGroup(id string, members ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.groups[id] = members
}

// LimitedAt says when 429s were answered.
func (f *fakeSlack) LimitedAt() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.limitedAt...)
}

// Opens counts apps.connections.open calls: one per Socket Mode connection.
func (f *fakeSlack) Opens() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opens
}

// RateLimit makes the next n calls of a method answer 429, Retry-After: 1.
func (f *fakeSlack) RateLimit(method string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limited[method] = n
}

// Message returns the latest content of a message: its post and updates.
func (f *fakeSlack) Message(channel, ts string) (apiCall, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var last apiCall
	found := false
	for _, c := range f.calls {
		if (c.Method == "chat.postMessage" || c.Method == "chat.update") && c.Channel == channel && c.TS == ts {
			last, found = c, true
		}
	}
	return last, found
}

// Updates counts the chat.update calls of one message.
func (f *fakeSlack) Updates(channel, ts string) int {
	n := 0
	for _, c := range f.Calls("chat.update") {
		if c.Channel == channel && c.TS == ts {
			n++
		}
	}
	return n
}

// blocksText is every text of a message's blocks, for assertions.
func blocksText(blocks []map[string]any) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if t, ok := x["text"].(string); ok {
				b.WriteString(t)
				b.WriteByte('\n')
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, bl := range blocks {
		walk(bl)
	}
	return b.String()
}

// button finds a button by action id in a message's blocks: its block id
// and value.
func button(blocks []map[string]any, actionID string) (blockID, value string, ok bool) {
	for _, bl := range blocks {
		if bl["type"] != "actions" {
			continue
		}
		els, _ := bl["elements"].([]any)
		for _, e := range els {
			el, _ := e.(map[string]any)
			if el["action_id"] == actionID {
				return bl["block_id"].(string), el["value"].(string), true
			}
		}
	}
	return "", "", false
}

// buttons lists the action ids of a message's buttons.
func buttons(blocks []map[string]any) []string {
	var out []string
	for _, bl := range blocks {
		if bl["type"] != "actions" {
			continue
		}
		els, _ := bl["elements"].([]any)
		for _, e := range els {
			el, _ := e.(map[string]any)
			out = append(out, el["action_id"].(string))
		}
	}
	return out
}
