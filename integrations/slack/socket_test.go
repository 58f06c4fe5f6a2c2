package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// socketServer is a local stand-in for Slack's Socket Mode endpoint: it
// speaks the envelope protocol (hello, envelopes, acks by envelope_id,
// disconnect) over gorilla/websocket, and pings like Slack does.
type socketServer struct {
	t     *testing.T
	srv   *httptest.Server
	conns chan *socketConn
	acks  chan socketAck
	n     int
	mu    sync.Mutex
	// greeting is the first message of a connection (default: hello).
	greeting []byte
}

type socketConn struct {
	ws   *websocket.Conn
	done chan struct{}
}

type socketAck struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func newSocketServer(t *testing.T) *socketServer {
	s := &socketServer{t: t, conns: make(chan *socketConn, 8), acks: make(chan socketAck, 64)}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &socketConn{ws: ws, done: make(chan struct{})}
		s.mu.Lock()
		greeting := s.greeting
		s.mu.Unlock()
		if greeting == nil {
			greeting = fixture(t, "socket-mode.hello.json")
		}
		require.NoError(t, ws.WriteMessage(websocket.TextMessage, greeting))
		go func() { // Slack pings; slack-go treats a silent socket as dead
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-c.done:
					return
				case <-tick.C:
					if ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
						return
					}
				}
			}
		}()
		go func() {
			defer close(c.done)
			for {
				_, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				var a socketAck
				if json.Unmarshal(data, &a) == nil && a.EnvelopeID != "" {
					s.checkAck(a)
					s.acks <- a
				}
			}
		}()
		s.conns <- c
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// checkAck holds an acknowledgement's message (a help text) to the same
// Block Kit limits as every message, as Slack does.
func (s *socketServer) checkAck(a socketAck) {
	if len(a.Payload) == 0 {
		return
	}
	var m map[string]any
	if json.Unmarshal(a.Payload, &m) != nil {
		return // a view_submission answer or the like: not a message
	}
	blocks, ok := m["blocks"].([]any)
	if !ok {
		return
	}
	text, _ := m["text"].(string)
	if errs := validateMessage(text, text != "", blocks); len(errs) > 0 {
		s.t.Errorf("socket server: Slack would refuse the ack of %s: %s", a.EnvelopeID, strings.Join(errs, "; "))
	}
}

func (s *socketServer) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return "ws" + strings.TrimPrefix(s.srv.URL, "http") + fmt.Sprintf("/link/?ticket=%d", s.n)
}

// next waits for the next connection from the bot.
func (s *socketServer) next() *socketConn {
	s.t.Helper()
	select {
	case c := <-s.conns:
		return c
	case <-time.After(10 * time.Second):
		s.t.Fatal("the bot did not (re)connect")
		return nil
	}
}

// send writes one envelope.
func (c *socketConn) send(t *testing.T, env map[string]any) {
	t.Helper()
	b, err := json.Marshal(env)
	require.NoError(t, err)
	require.NoError(t, c.ws.WriteMessage(websocket.TextMessage, b))
}

// ack waits for the acknowledgement of an envelope.
func (s *socketServer) ack(id string) socketAck {
	s.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case a := <-s.acks:
			if a.EnvelopeID == id {
				return a
			}
		case <-deadline:
			s.t.Fatalf("envelope %s was not acknowledged", id)
			return socketAck{}
		}
	}
}

// envelope wraps a payload like the fixture of its type.
func envelope(t *testing.T, fixtureName, id string, payload any) map[string]any {
	env := fixtureJSON(t, fixtureName)
	env["envelope_id"] = id
	env["payload"] = payload
	return env
}

func (h *harness) slashPayload(user, text string) (map[string]any, string) {
	p := fixtureJSON(h.t, "socket-mode.slash_commands.json")["payload"].(map[string]any)
	trigger := fmt.Sprintf("%d.sock", 3000+h.seq.Add(1))
	p["user_id"], p["text"], p["command"], p["trigger_id"] = user, text, "/release", trigger
	p["channel_id"], p["response_url"] = "C0TEAM0001", h.fake.ResponseURL(trigger)
	return p, trigger
}

func (h *harness) dmEventPayload(eventID, user, text string) map[string]any {
	p := fixtureJSON(h.t, "socket-mode.events_api.message.json")["payload"].(map[string]any)
	p["event_id"] = eventID
	ev := p["event"].(map[string]any)
	ev["user"], ev["text"], ev["channel"], ev["channel_type"] = user, text, "D"+user[1:], "im"
	delete(ev, "blocks")
	return p
}

func (h *harness) clickPayload(user string, m apiCall, action string) map[string]any {
	var p map[string]any
	raw := h.clickBody(user, m, action)
	v, err := urlValues(raw)
	require.NoError(h.t, err)
	require.NoError(h.t, json.Unmarshal([]byte(v), &p))
	return p
}

// TestSocketMode serves the same flow over Socket Mode: hello, a slash
// command, events and a click are each acknowledged by envelope_id; a
// `disconnect` and a dropped connection are each followed by a reconnect;
// an envelope delivered again after the drop is applied once.
func TestSocketMode(t *testing.T) {
	ws := newSocketServer(t)
	fake := newFakeSlack(t)
	fake.wsURL = ws.URL
	h := newHarnessOnFake(t, fake, func(o *Options) { o.Settings.AppToken = NewSecret("xapp-1-A0000-0000-test") })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.ad.RunSocketMode(ctx, SocketPingTimeout(2*time.Second)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("RunSocketMode did not stop")
		}
	})

	conn := ws.next()
	// A slash command: acknowledged at once, answered on its response_url.
	p, trigger := h.slashPayload(alice, `new billing-api "Fix rounding" --ref main`)
	conn.send(t, envelope(t, "socket-mode.slash_commands.json", "env-cmd-1", p))
	require.Empty(t, ws.ack("env-cmd-1").Payload)
	// Help comes back in the acknowledgement itself.
	p, _ = h.slashPayload(alice, "help")
	conn.send(t, envelope(t, "socket-mode.slash_commands.json", "env-cmd-help", p))
	require.Contains(t, string(ws.ack("env-cmd-help").Payload), "/release approve CSR-1")
	h.settle()
	require.Contains(t, responseText(h.response(trigger)), "Created CSR-1")

	// An event: a direct message.
	conn.send(t, envelope(t, "socket-mode.events_api.message.json", "env-ev-1", h.dmEventPayload("Ev0SOCK001", alice, "test CSR-1")))
	ws.ack("env-ev-1")
	h.settle()
	require.Equal(t, csr.Tested, h.state("CSR-1"))

	// Slack asks the bot to reconnect.
	require.NoError(t, conn.ws.WriteMessage(websocket.TextMessage, fixture(t, "socket-mode.disconnect.refresh_requested.json")))
	conn = ws.next()

	conn.send(t, envelope(t, "socket-mode.events_api.message.json", "env-ev-2",
		h.dmEventPayload("Ev0SOCK002", frank, "evidence CSR-1 https://ci.example.com/run/1")))
	ws.ack("env-ev-2")
	h.settle()
	// A click on the card: block_actions over the socket.
	conn.send(t, map[string]any{"envelope_id": "env-click-1", "type": "interactive", "accepts_response_payload": false,
		"payload": h.clickPayload(alice, h.card("CSR-1"), "submit")})
	ws.ack("env-click-1")
	h.settle()
	require.Equal(t, csr.InApproval, h.state("CSR-1"))

	// bob approves in a DM; the connection drops before Slack sees the
	// ack, so Slack delivers the same event again on the next connection.
	approve := h.dmEventPayload("Ev0SOCK003", bob, "approve CSR-1")
	conn.send(t, envelope(t, "socket-mode.events_api.message.json", "env-ev-3", approve))
	require.Eventually(t, func() bool {
		c, err := h.app.Store.Get(context.Background(), "CSR-1")
		return err == nil && len(c.Approvals) == 1
	}, 5*time.Second, 10*time.Millisecond)
	require.NoError(t, conn.ws.UnderlyingConn().Close()) // dropped, no close frame
	conn = ws.next()
	again := envelope(t, "socket-mode.events_api.message.json", "env-ev-3-retry", approve)
	again["retry_attempt"], again["retry_reason"] = 1, "timeout"
	conn.send(t, again)
	ws.ack("env-ev-3-retry")
	h.settle()

	c, err := h.app.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Len(t, c.Approvals, 1, "the redelivered event is applied once")
	var answers int
	for _, m := range fake.Calls("chat.postMessage") {
		if m.Channel == "D0BOB00002" && strings.Contains(m.Text, "You approved step `lead`") {
			answers++
		}
	}
	require.Equal(t, 1, answers, "and answered once")
	require.True(t, showsState(h.card("CSR-1"), csr.InApproval))
	require.Contains(t, blocksText(h.card("CSR-1").Blocks), "approved by <@U0BOB00002>")
	require.GreaterOrEqual(t, fake.Opens(), 3, "apps.connections.open for every connection")
}

// TestSocketModeRefusedToken: an app token Slack refuses stops
// RunSocketMode with an error instead of retrying forever.
func TestSocketModeRefusedToken(t *testing.T) {
	fake := newFakeSlack(t)
	fake.Fail("apps.connections.open", "invalid_auth")
	h := newHarnessOnFake(t, fake, func(o *Options) { o.Settings.AppToken = NewSecret("xapp-1-A0000-0000-test") })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := h.ad.RunSocketMode(ctx)
	require.Error(t, err)
	require.Contains(t, err.Error(), "invalid_auth")
}
