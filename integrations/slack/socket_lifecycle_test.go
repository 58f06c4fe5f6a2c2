package slack

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/internal/testenv"
)

// socketBot runs RunSocketMode of a harness against a socket server and
// stops it at the end of the test.
func socketBot(t *testing.T, h *harness) (done <-chan error) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- h.ad.RunSocketMode(ctx, SocketPingTimeout(2*time.Second)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-errc:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("RunSocketMode did not stop")
		}
	})
	return errc
}

func socketHarness(t *testing.T, ws *socketServer, opts ...harnessOption) *harness {
	fake := newFakeSlack(t)
	fake.wsURL = ws.URL
	opts = append([]harnessOption{func(o *Options) { o.Settings.AppToken = NewSecret("xapp-1-A0000-0000-test") }}, opts...)
	return newHarnessOnFake(t, fake, opts...)
}

// socketTransport sends slash commands and clicks as Socket Mode
// envelopes on the current connection and waits for their acks.
type socketTransport struct {
	t    *testing.T
	h    *harness
	ws   *socketServer
	conn *socketConn
	seq  atomic.Int64
}

func (s *socketTransport) id(kind string) string { return fmt.Sprintf("env-%s-%d", kind, s.seq.Add(1)) }

func (s *socketTransport) slash(user, text string) string {
	p, trigger := s.h.slashPayload(user, text)
	id := s.id("cmd")
	s.conn.send(s.t, envelope(s.t, "socket-mode.slash_commands.json", id, p))
	require.Empty(s.t, s.ws.ack(id).Payload, "acknowledged empty, answered on the response_url")
	return trigger
}

func (s *socketTransport) click(user string, m apiCall, action string) {
	id := s.id("click")
	s.conn.send(s.t, map[string]any{"envelope_id": id, "type": "interactive", "accepts_response_payload": false,
		"payload": s.h.clickPayload(user, m, action)})
	s.ws.ack(id)
}

// TestLifecycleOverSocketMode is TestLifecycleOverHTTP over Socket Mode,
// with the same checks after every step, while Slack asks for a
// reconnect, the connection drops without a close frame, and an envelope
// whose ack was lost is delivered again with retry_attempt.
func TestLifecycleOverSocketMode(t *testing.T) {
	ws := newSocketServer(t)
	h := socketHarness(t, ws)
	socketBot(t, h)
	tr := &socketTransport{t: t, h: h, ws: ws, conn: ws.next()}
	runLifecycle(t, h, transport{slash: tr.slash, click: tr.click, before: func(i int) {
		switch i {
		case 2: // Slack asks the bot to reconnect
			require.NoError(t, tr.conn.ws.WriteMessage(websocket.TextMessage, fixture(t, "socket-mode.disconnect.refresh_requested.json")))
			tr.conn = ws.next()
		case 3: // Slack warns, then closes
			require.NoError(t, tr.conn.ws.WriteMessage(websocket.TextMessage, fixture(t, "socket-mode.disconnect.warning.json")))
			tr.conn = ws.next()
		case 5: // a DM command whose ack is lost: the connection drops, Slack delivers it again
			p := h.dmEventPayload("Ev0SOCKLIFE", frank, "evidence CSR-1 https://ci.example.com/run/2")
			tr.conn.send(t, envelope(t, "socket-mode.events_api.message.json", "env-lost", p))
			require.Eventually(t, func() bool {
				c, err := h.app.Store.Get(context.Background(), "CSR-1")
				return err == nil && len(c.Evidence) == 2
			}, 10*time.Second, 10*time.Millisecond)
			require.NoError(t, tr.conn.ws.UnderlyingConn().Close())
			tr.conn = ws.next()
			again := envelope(t, "socket-mode.events_api.message.json", "env-lost-again", p)
			again["retry_attempt"], again["retry_reason"] = 1, "timeout"
			tr.conn.send(t, again)
			ws.ack("env-lost-again")
			h.settle()
			c, err := h.app.Store.Get(context.Background(), "CSR-1")
			require.NoError(t, err)
			require.Len(t, c.Evidence, 2, "the redelivered event is applied once")
		}
	}})
	logs := h.logs.String()
	for _, reason := range []string{"refresh_requested", "warning"} {
		require.Regexp(t, `level=INFO msg="slack socket mode: Slack closed the connection" reason=`+reason, logs)
	}
	require.Contains(t, logs, `level=INFO msg="slack socket mode: connection lost"`)
	require.Contains(t, logs, `msg="slack socket mode: envelope delivered again" envelope=env-lost-again type=events_api retry=1 reason=timeout`)
	require.GreaterOrEqual(t, h.fake.Opens(), 4, "apps.connections.open for every connection")
	require.NoError(t, h.ad.SocketReady(context.Background()))
}

// TestSocketModeLinkDisabled: a `disconnect` with reason link_disabled
// stops the reconnect loop; it is logged as an error and /readyz says
// what the operator must do.
func TestSocketModeLinkDisabled(t *testing.T) {
	ws := newSocketServer(t)
	h := socketHarness(t, ws)
	h.app.AddReadiness("slack socket mode", h.ad.SocketReady)
	socketBot(t, h)
	conn := ws.next()
	require.Eventually(t, func() bool { return strings.Contains(h.logs.String(), "slack socket mode: connected") }, 10*time.Second, 5*time.Millisecond)
	require.Empty(t, h.app.Readiness(context.Background()))

	require.NoError(t, conn.ws.WriteMessage(websocket.TextMessage,
		[]byte(`{"type":"disconnect","reason":"link_disabled","debug_info":{"host":"applink-1"}}`)))
	require.Eventually(t, func() bool { return h.ad.SocketReady(context.Background()) != nil }, 10*time.Second, 5*time.Millisecond)
	problems := strings.Join(h.app.Readiness(context.Background()), "\n")
	require.Contains(t, problems, "link_disabled")
	require.Contains(t, problems, "Turn it on again")
	logs := h.logs.String()
	require.Regexp(t, `level=INFO msg="slack socket mode: Slack closed the connection" reason=link_disabled`, logs)
	require.Regexp(t, `level=ERROR msg="slack socket mode: stopped" err=".*link_disabled`, logs)
	select {
	case <-ws.conns:
		t.Fatal("the bot reconnected after link_disabled")
	case <-time.After(300 * time.Millisecond):
	}
	require.Equal(t, 1, h.fake.Opens())
}

// TestSocketModeDownForAMinute: when no connection can be opened for over
// a minute, the bot reports itself not ready and logs it, while it keeps
// trying; once a connection is back it is ready again.
func TestSocketModeDownForAMinute(t *testing.T) {
	ws := newSocketServer(t)
	h := socketHarness(t, ws)
	h.fake.Fail("apps.connections.open", "internal_error")
	socketBot(t, h)
	require.Eventually(t, func() bool { return h.fake.failures("apps.connections.open") >= 1 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, h.ad.SocketReady(context.Background()), "a short outage is not yet a problem")
	h.clock.Advance(61 * time.Second)
	err := h.ad.SocketReady(context.Background())
	require.Error(t, err)
	require.Contains(t, err.Error(), "no Socket Mode connection to Slack for 1m1s")
	require.Eventually(t, func() bool {
		return strings.Contains(h.logs.String(), `level=ERROR msg="slack socket mode: no connection for over a minute`)
	}, 20*time.Second, 10*time.Millisecond)
	require.Contains(t, h.logs.String(), `level=WARN msg="slack socket mode: connection failed; retrying"`)

	h.fake.Fail("apps.connections.open", "")
	ws.next()
	require.Eventually(t, func() bool { return h.ad.SocketReady(context.Background()) == nil }, 20*time.Second, 10*time.Millisecond)
}

// TestSocketModeOverload: an envelope that finds the work queue full is
// left unacknowledged (Slack delivers it again), counted and logged; its
// redelivery is applied.
func TestSocketModeOverload(t *testing.T) {
	ws := newSocketServer(t)
	h := socketHarness(t, ws, func(o *Options) { o.Workers, o.Queue = 1, 1 })
	socketBot(t, h)
	conn := ws.next()
	block := make(chan struct{})
	started := make(chan struct{})
	require.True(t, h.ad.submit(func(context.Context) { close(started); <-block }))
	<-started
	require.True(t, h.ad.submit(func(context.Context) {})) // the queue's one place
	p := h.dmEventPayload("Ev0BUSY0001", alice, `new billing-api "Fix rounding" --ref main`)
	conn.send(t, envelope(t, "socket-mode.events_api.message.json", "env-busy", p))
	require.Eventually(t, func() bool { return h.ad.UnackedEnvelopes() == 1 }, 10*time.Second, 5*time.Millisecond)
	require.Contains(t, h.logs.String(), `msg="slack socket mode: envelope left unacknowledged, the work queue is full; Slack will deliver it again" envelope=env-busy type=events_api unacked_total=1`)
	close(block)
	h.settle()

	again := envelope(t, "socket-mode.events_api.message.json", "env-busy-again", p)
	again["retry_attempt"], again["retry_reason"] = 1, "timeout"
	conn.send(t, again)
	ws.ack("env-busy-again")
	h.settle()
	require.Equal(t, csr.Draft, h.state("CSR-1"))
}

// TestSocketModeTwoReplicas: two bot processes, each with its own Socket
// Mode connection, share one Redis. Slack may deliver an envelope to
// either, and after a lost ack, to the other as well: each delivery is
// applied once.
func TestSocketModeTwoReplicas(t *testing.T) {
	ws := newSocketServer(t)
	fake := newFakeSlack(t)
	fake.wsURL = ws.URL
	rdb, prefix := testenv.Redis(t)
	app := func(o *Options) { o.Settings.AppToken = NewSecret("xapp-1-A0000-0000-test") }
	a := newHarnessOn(t, fake, rdb, prefix, testConfig, app)
	socketBot(t, a)
	ca := ws.next()
	b := newHarnessOn(t, fake, rdb, prefix, testConfig, app)
	socketBot(t, b)
	cb := ws.next()
	settle := func() { a.settle(); b.settle(); a.settle() }

	p, _ := a.slashPayload(alice, `new billing-api "Fix rounding" --ref main`)
	ca.send(t, envelope(t, "socket-mode.slash_commands.json", "env-r-1", p))
	ws.ack("env-r-1")
	settle()
	for i, conn := range []*socketConn{ca, cb} { // the same click reaches both
		id := fmt.Sprintf("env-r-click-%d", i)
		conn.send(t, map[string]any{"envelope_id": id, "type": "interactive", "payload": a.clickPayload(alice, a.card("CSR-1"), "test")})
		ws.ack(id)
	}
	settle()
	require.Equal(t, csr.Tested, a.state("CSR-1"))
	c, err := a.app.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Len(t, c.Runs, 1, "the click is applied once")
	ev := a.dmEventPayload("Ev0REPL001", frank, "evidence CSR-1 https://ci.example.com/run/1")
	ca.send(t, envelope(t, "socket-mode.events_api.message.json", "env-r-ev", ev))
	ws.ack("env-r-ev")
	again := envelope(t, "socket-mode.events_api.message.json", "env-r-ev-again", ev)
	again["retry_attempt"], again["retry_reason"] = 1, "timeout"
	cb.send(t, again)
	ws.ack("env-r-ev-again")
	settle()
	c, err = a.app.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Len(t, c.Evidence, 1, "the event delivered to both replicas is applied once")
	require.True(t, showsState(b.card("CSR-1"), csr.Tested))
}

// TestProbeSocketMode is what doctor runs: hello is fine; a connection
// Slack closes with link_disabled, or a refused app token, says what to do.
func TestProbeSocketMode(t *testing.T) {
	ws := newSocketServer(t)
	fake := newFakeSlack(t)
	fake.wsURL = ws.URL
	s := Settings{BotToken: NewSecret("xoxb-0000-test-token"), AppToken: NewSecret("xapp-1-A0000-0000-test"), APIURL: fake.APIURL()}
	require.NoError(t, ProbeSocketMode(context.Background(), s))

	ws.mu.Lock()
	ws.greeting = []byte(`{"type":"disconnect","reason":"link_disabled","debug_info":{"host":"applink-1"}}`)
	ws.mu.Unlock()
	err := ProbeSocketMode(context.Background(), s)
	require.ErrorIs(t, err, errLinkDisabled)
	require.Contains(t, err.Error(), "Turn it on again")

	fake.Fail("apps.connections.open", "invalid_auth")
	err = ProbeSocketMode(context.Background(), s)
	require.ErrorContains(t, err, "invalid_auth")
	require.NotContains(t, err.Error(), "xapp-", "no token in the error")
}
