package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/deployq"
	"releasebot/internal/clock"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

const testConfig = testenv.YAML

// The signing secret of Slack's documented example, reused for the tests.
const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// friday2300 is inside billing-api's deploy window.
var friday2300 = time.Date(2026, 12, 4, 23, 0, 0, 0, mustZone("Asia/Seoul"))

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// Slack ids of the test people.
const (
	alice = "U0ALICE001"
	bob   = "U0BOB00002"
	carol = "U0CAROL003"
	dave  = "U0DAVE0004"
	erin  = "U0ERIN0005"
	frank = "U0FRANK006"
)

// harness is one bot process serving Slack's HTTP requests, wired like
// `releasebot serve`, against a fake Slack Web API and a real Redis.
type harness struct {
	t      *testing.T
	fake   *fakeSlack
	app    *app.App
	ad     *Adapter
	srv    *httptest.Server
	clock  *clock.Manual
	secret Secret
	prefix string
	rdb    redis.UniversalClient
	groups *GroupsConfig
	logs   *logBuffer // everything the app and the adapter logged

	waitMu sync.Mutex
	waits  []time.Duration
	seq    atomic.Int64
}

type harnessOption func(*Options)

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	return newHarnessOn(t, newFakeSlack(t), rdb, prefix, testConfig, opts...)
}

func newHarnessOnFake(t *testing.T, fake *fakeSlack, opts ...harnessOption) *harness {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	return newHarnessOn(t, fake, rdb, prefix, testConfig, opts...)
}

// urlValues returns the payload field of an interactivity form body.
func urlValues(body []byte) (string, error) {
	v, err := url.ParseQuery(string(body))
	return v.Get("payload"), err
}

// testLogger logs to buf, and also to stderr when SLACK_TEST_LOG is set.
func testLogger(buf *logBuffer) *slog.Logger {
	var w io.Writer = buf
	if os.Getenv("SLACK_TEST_LOG") != "" {
		w = io.MultiWriter(buf, os.Stderr)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// logBuffer collects log output written from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newHarnessOn(t *testing.T, fake *fakeSlack, rdb redis.UniversalClient, prefix, cfgYAML string, opts ...harnessOption) *harness {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(cfgYAML))
	require.NoError(t, err)
	h := &harness{t: t, fake: fake, clock: clock.NewManual(friday2300), secret: NewSecret(testSecret), prefix: prefix, rdb: rdb,
		logs: &logBuffer{}}
	// Wired as `releasebot serve` does: one policy view for everyone, the
	// app's background work started once Slack is ready.
	h.groups = NewGroupsConfig(cfg)
	log := testLogger(h.logs)
	var ad *Adapter
	ao := app.Options{Config: cfg, Policy: h.groups, Defer: true, Prefix: prefix, Clock: h.clock, Log: log,
		Getenv:  func(string) string { return "" },
		Deploys: deployq.Options{Block: 50 * time.Millisecond, LinePoll: 20 * time.Millisecond},
		Messenger: func(p app.Parts) (app.Messenger, error) {
			o := Options{
				Settings: Settings{BotToken: NewSecret("xoxb-0000-test-token"), SigningSecret: h.secret, APIURL: fake.APIURL()},
				Bot:      p.Bot, Cards: p.Bot, Grammar: p.Bot, CSRs: p.Store, Refs: p.Store, People: h.groups, Services: h.groups,
				Clock: p.Clock, Log: log,
				Wait: h.wait,
				// Slack calls counted and timed by the app's metrics, as in serve.
				HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: p.Metrics.Transport("slack", nil)},
			}
			for _, opt := range opts {
				opt(&o)
			}
			var err error
			ad, err = New(o)
			return ad, err
		}}
	ao.Redis = rdb
	a, err := app.New(context.Background(), ao)
	require.NoError(t, err)
	t.Cleanup(a.Close)
	h.app = a
	require.NoError(t, ad.Identify(context.Background()))
	ad.FollowGroups(context.Background(), h.groups, time.Hour)
	a.Start(context.Background())
	h.ad = ad
	// Mounted as serve mounts it: the app's routes (/metrics) beside
	// /slack/, every request timed by the metrics middleware.
	mux := http.NewServeMux()
	a.Routes(mux)
	mux.Handle("/slack/", NewHTTPHandler(ad, NewVerifier(h.secret, h.clock.Now)))
	h.srv = httptest.NewServer(a.Metrics.Middleware(mux))
	t.Cleanup(func() {
		h.srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.Runner.Wait()
		require.NoError(t, ad.Close(ctx))
	})
	return h
}

// wait records a rate-limit wait and waits a token time, so a test sees
// that Retry-After was honoured without sleeping a second per 429.
func (h *harness) wait(ctx context.Context, d time.Duration) error {
	h.waitMu.Lock()
	h.waits = append(h.waits, d)
	h.waitMu.Unlock()
	return clock.Sleep(ctx, time.Millisecond)
}

func (h *harness) waited() []time.Duration {
	h.waitMu.Lock()
	defer h.waitMu.Unlock()
	return append([]time.Duration(nil), h.waits...)
}

// settle waits until deploy runs, queued commands and message updates
// are all done.
func (h *harness) settle() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for range 3 {
		h.app.Runner.Wait()
		require.NoError(h.t, h.ad.Flush(ctx))
	}
}

// send posts a body to one of the bot's endpoints, signed at signedAt
// (zero: unsigned).
func (h *harness) send(path string, contentType string, body []byte, signedAt time.Time, header http.Header) *http.Response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, bytes.NewReader(body))
	require.NoError(h.t, err)
	req.Header.Set("Content-Type", contentType)
	if !signedAt.IsZero() {
		SignRequest(req, h.secret, signedAt, body)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	h.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readBody(t *testing.T, resp *http.Response) string {
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

const form = "application/x-www-form-urlencoded"

// slashBody is the real slash-command body of the fixtures, as a person
// would send `/release TEXT` from channel C0TEAM0001.
func (h *harness) slashBody(user, text string) (body []byte, trigger string) {
	v, err := url.ParseQuery(string(fixture(h.t, "slash-command.bolt-python.txt")))
	require.NoError(h.t, err)
	trigger = fmt.Sprintf("%d.%d.cmd", 1000+h.seq.Add(1), time.Now().UnixNano())
	v.Set("user_id", user)
	v.Set("channel_id", "C0TEAM0001")
	v.Set("command", "/release")
	v.Set("text", text)
	v.Set("trigger_id", trigger)
	v.Set("response_url", h.fake.ResponseURL(trigger))
	return []byte(v.Encode()), trigger
}

// slash runs `/release TEXT` as user and checks it was acknowledged.
func (h *harness) slash(user, text string) (trigger string, ack string) {
	h.t.Helper()
	body, trigger := h.slashBody(user, text)
	resp := h.send(PathCommands, form, body, h.clock.Now(), nil)
	require.Equal(h.t, http.StatusOK, resp.StatusCode)
	return trigger, readBody(h.t, resp)
}

// clickBody is the real block_actions payload of the fixtures, as user
// clicking the button actionID of message m.
func (h *harness) clickBody(user string, m apiCall, actionID string) []byte {
	h.t.Helper()
	body, _ := h.clickBodyTrigger(user, m, actionID)
	return body
}

// clickBodyTrigger is clickBody and the click's trigger id, whose
// response_url carries the answer.
func (h *harness) clickBodyTrigger(user string, m apiCall, actionID string) ([]byte, string) {
	h.t.Helper()
	blockID, value, ok := button(m.Blocks, actionID)
	require.True(h.t, ok, "no %s button on the message; buttons: %v", actionID, buttons(m.Blocks))
	p := fixtureJSON(h.t, "interaction.block_actions.message-button.json")
	trigger := fmt.Sprintf("%d.click", 2000+h.seq.Add(1))
	p["user"] = map[string]any{"id": user}
	p["trigger_id"] = trigger
	p["response_url"] = h.fake.ResponseURL(trigger)
	p["container"].(map[string]any)["channel_id"] = m.Channel
	p["container"].(map[string]any)["message_ts"] = m.TS
	p["channel"] = map[string]any{"id": m.Channel}
	p["message"].(map[string]any)["ts"] = m.TS
	p["message"].(map[string]any)["blocks"] = m.Blocks
	act := p["actions"].([]any)[0].(map[string]any)
	act["action_id"], act["block_id"], act["value"] = actionID, blockID, value
	act["action_ts"] = fmt.Sprintf("1700000100.%06d", h.seq.Add(1))
	raw, err := json.Marshal(p)
	require.NoError(h.t, err)
	return []byte(url.Values{"payload": {string(raw)}}.Encode()), trigger
}

func (h *harness) click(user string, m apiCall, actionID string) *http.Response {
	h.t.Helper()
	resp := h.send(PathInteractions, form, h.clickBody(user, m, actionID), h.clock.Now(), nil)
	require.Equal(h.t, http.StatusOK, resp.StatusCode)
	return resp
}

// submitView sends the real view_submission payload of the fixtures with
// a form's callback id, metadata and values.
func (h *harness) submitView(user, viewID, callback, meta string, values map[string]map[string]any) *http.Response {
	h.t.Helper()
	p := fixtureJSON(h.t, "interaction.view_submission.json")
	p["user"].(map[string]any)["id"] = user
	v := p["view"].(map[string]any)
	v["id"], v["callback_id"], v["private_metadata"] = viewID, callback, meta
	vals := map[string]any{}
	for block, val := range values {
		vals[block] = map[string]any{inputAction: val}
	}
	v["state"] = map[string]any{"values": vals}
	raw, err := json.Marshal(p)
	require.NoError(h.t, err)
	return h.send(PathInteractions, form, []byte(url.Values{"payload": {string(raw)}}.Encode()), h.clock.Now(), nil)
}

// eventBody wraps an inner event in the real app_mention delivery of the
// fixtures.
func (h *harness) eventBody(eventID string, inner map[string]any) []byte {
	h.t.Helper()
	p := fixtureJSON(h.t, "event.app_mention.json")
	p["event_id"] = eventID
	ev := p["event"].(map[string]any)
	for k, v := range inner {
		ev[k] = v
	}
	raw, err := json.Marshal(p)
	require.NoError(h.t, err)
	return raw
}

// card returns the live card of a CSR as Slack shows it now.
func (h *harness) card(id csr.ID) apiCall {
	h.t.Helper()
	refs, err := h.app.Store.SlackRefs(context.Background(), id)
	require.NoError(h.t, err)
	ref, ok := parseRef(refs[refCard])
	require.True(h.t, ok, "no card for %s: %v", id, refs)
	m, ok := h.fake.Message(ref.channel, ref.ts)
	require.True(h.t, ok)
	return m
}

// dm returns the approval request DM a person got for a step of a CSR
// in its current approval round.
func (h *harness) dm(id csr.ID, user, step string) apiCall {
	h.t.Helper()
	c, err := h.app.Store.Get(context.Background(), id)
	require.NoError(h.t, err)
	return h.dmOfRound(id, user, step, approvalRound(c))
}

// dmOfRound returns the approval request DM of one approval round.
func (h *harness) dmOfRound(id csr.ID, user, step string, round int) apiCall {
	h.t.Helper()
	refs, err := h.app.Store.SlackRefs(context.Background(), id)
	require.NoError(h.t, err)
	ref, ok := parseRef(refs[dmField(user, step, round)])
	require.True(h.t, ok, "no DM to %s for step %s of %s: %v", user, step, id, refs)
	m, ok := h.fake.Message(ref.channel, ref.ts)
	require.True(h.t, ok)
	return m
}

func (h *harness) state(id csr.ID) csr.State {
	h.t.Helper()
	c, err := h.app.Store.Get(context.Background(), id)
	require.NoError(h.t, err)
	return c.State
}

// response returns the answer posted to the response_url of a trigger.
func (h *harness) response(trigger string) map[string]any {
	h.t.Helper()
	for _, r := range h.fake.Responses() {
		if r.Path == trigger {
			return r.Body
		}
	}
	h.t.Fatalf("no answer on the response_url of %s; answers: %v", trigger, h.fake.Responses())
	return nil
}

func responseText(r map[string]any) string {
	var blocks []map[string]any
	if bs, ok := r["blocks"].([]any); ok {
		for _, b := range bs {
			blocks = append(blocks, b.(map[string]any))
		}
	}
	t, _ := r["text"].(string)
	return t + "\n" + blocksText(blocks)
}

// showsState reports whether a card's blocks show the state.
func showsState(m apiCall, s csr.State) bool {
	return strings.Contains(blocksText(m.Blocks), "*State*\n"+msg.English.Render(s.Name())+"\n")
}
