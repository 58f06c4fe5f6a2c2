package main

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

//go:embed fixtures/*.json fixtures/*.txt
var fixtures embed.FS

func fixture(name string) []byte {
	b, err := fixtures.ReadFile("fixtures/" + name)
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	return b
}

// fakeSlack answers the bot's Web API calls and response_url posts with
// Slack's published example answers, as cheaply as it can: in production
// Slack is another company's computer, here it shares the two cores with
// the bot, so it parses no more than the channel of a post. While
// recording (the warm-up), it keeps the blocks of every message, so the
// load can click the real buttons of the real cards.
type fakeSlack struct {
	srv     *httptest.Server
	latency time.Duration // added to every answer: Slack is not on loopback

	ts        atomic.Int64
	recording atomic.Bool
	calls     sync.Map // method -> *atomic.Int64

	mu       sync.Mutex
	messages map[string]json.RawMessage // "channel ts" -> latest blocks

	auth, ephemeral, openView, publish, groups, update []byte
	post                                               string // with @CHANNEL@ and @TS@
}

func newFakeSlack(latency time.Duration) *fakeSlack {
	f := &fakeSlack{latency: latency, messages: map[string]json.RawMessage{}}
	patch := func(name string, set map[string]any) []byte {
		var m map[string]any
		if err := json.Unmarshal(fixture(name), &m); err != nil {
			panic(err)
		}
		for k, v := range set {
			m[k] = v
		}
		b, err := json.Marshal(m)
		if err != nil {
			panic(err)
		}
		return b
	}
	f.auth = patch("api.auth.test.ok.json", map[string]any{"user_id": botUserID, "user": "releasebot"})
	f.ephemeral = patch("api.chat.postEphemeral.ok.json", nil)
	f.openView = patch("api.views.open.ok.json", nil)
	f.publish = patch("api.views.publish.ok.json", nil)
	f.groups = patch("api.usergroups.users.list.ok.json", nil)
	f.update = patch("api.chat.update.ok.json", map[string]any{"channel": "@CHANNEL@", "ts": "@TS@"})
	f.post = string(patch("api.chat.postMessage.ok.json", map[string]any{"channel": "@CHANNEL@", "ts": "@TS@"}))
	f.ts.Store(1700000000_000000)
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve)) // 127.0.0.1:0
	return f
}

// botUserID is who auth.test says the bot is.
const botUserID = "UBOT000001"

func (f *fakeSlack) close() { f.srv.Close() }

// apiURL is the Web API base (SLACK_API_URL) and responseURL a response_url
// of the fake: the bot posts only to Slack's hosts or its API URL's.
func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) responseURL(trigger string) string { return f.srv.URL + "/response/" + trigger }

func (f *fakeSlack) count(method string) {
	c, ok := f.calls.Load(method)
	if !ok {
		c, _ = f.calls.LoadOrStore(method, new(atomic.Int64))
	}
	c.(*atomic.Int64).Add(1)
}

// counts returns the calls by method since the last reset, and resets.
func (f *fakeSlack) counts() map[string]int64 {
	out := map[string]int64{}
	f.calls.Range(func(k, v any) bool {
		if n := v.(*atomic.Int64).Swap(0); n > 0 {
			out[k.(string)] = n
		}
		return true
	})
	return out
}

func formatCounts(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if f.latency > 0 {
		time.Sleep(f.latency)
	}
	if strings.HasPrefix(r.URL.Path, "/response/") {
		f.count("response_url")
		w.WriteHeader(http.StatusOK)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	f.count(method)
	var resp []byte
	switch method {
	case "auth.test":
		resp = f.auth
	case "chat.postMessage":
		ch := channelID(formValue(body, "channel"))
		n := f.ts.Add(1)
		ts := fmt.Sprintf("%d.%06d", n/1e6, n%1e6)
		f.remember(ch, ts, body)
		resp = []byte(strings.NewReplacer("@CHANNEL@", ch, "@TS@", ts).Replace(f.post))
	case "chat.update":
		ch, ts := formValue(body, "channel"), formValue(body, "ts")
		f.remember(ch, ts, body)
		resp = []byte(strings.NewReplacer("@CHANNEL@", ch, "@TS@", ts).Replace(string(f.update)))
	case "chat.postEphemeral":
		resp = f.ephemeral
	case "views.open", "views.update", "views.push":
		resp = f.openView
	case "views.publish":
		resp = f.publish
	case "usergroups.users.list":
		resp = f.groups
	default:
		resp = []byte(`{"ok":false,"error":"unknown_method"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(resp)
}

// remember keeps a message's blocks while recording.
func (f *fakeSlack) remember(channel, ts string, body []byte) {
	if !f.recording.Load() {
		return
	}
	blocks := formValue(body, "blocks")
	if blocks == "" {
		return
	}
	f.mu.Lock()
	f.messages[channel+" "+ts] = json.RawMessage(blocks)
	f.mu.Unlock()
}

// message returns the latest blocks of a message recorded in the warm-up.
func (f *fakeSlack) message(channel, ts string) (json.RawMessage, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.messages[channel+" "+ts]
	return b, ok
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

// formValue finds one field of a form body without parsing the rest
// (a card's blocks are kilobytes the fake has no use for).
func formValue(body []byte, key string) string {
	s := string(body)
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		k, v, _ := strings.Cut(pair, "=")
		if k == key {
			u, err := url.QueryUnescape(v)
			if err != nil {
				return ""
			}
			return u
		}
	}
	return ""
}
