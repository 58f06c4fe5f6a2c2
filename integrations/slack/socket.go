package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	slackapi "github.com/slack-go/slack"

	"releasebot/internal/clock"
)

// Socket Mode is spoken here directly over gorilla/websocket rather than
// through slack-go's socketmode client: that client turns every
// `disconnect` into a silent reconnect and never passes the event on, so
// a `link_disabled` (Socket Mode turned off for the app) looked exactly
// like a routine `refresh_requested`, and a reconnect loop that never
// succeeded was invisible to /readyz. The protocol is small (hello,
// envelopes acknowledged by envelope_id, disconnect with a reason) and the
// payloads are the HTTP endpoints' own, decoded by the same code.

// SocketOption tunes RunSocketMode.
type SocketOption func(*socketConfig)

type socketConfig struct {
	pingTimeout time.Duration
	dialer      *websocket.Dialer
}

// SocketPingTimeout is how long a connection may stay silent (no message,
// no ping from Slack) before it is taken for dead and replaced; default
// 30 seconds (Slack pings every few seconds).
func SocketPingTimeout(d time.Duration) SocketOption {
	return func(c *socketConfig) { c.pingTimeout = d }
}

// socketDownLimit is how long the bot may be without a Socket Mode
// connection before it reports itself not ready.
const socketDownLimit = time.Minute

// errLinkDisabled is Slack's `disconnect` with reason link_disabled: Socket
// Mode was turned off for the app. Reconnecting would be refused again
// until an operator turns it back on, so the bot stops trying and says so.
var errLinkDisabled = errors.New("slack closed the Socket Mode connection with reason link_disabled: Socket Mode is turned off " +
	"for this app. Turn it on again (api.slack.com/apps → the app → Socket Mode), then restart releasebot")

// socketState is what /readyz and doctor are told about the connection.
type socketState struct {
	mu        sync.Mutex
	running   bool
	connected bool
	downSince time.Time // when the last connection was lost (or the first was sought)
	fatal     error     // link_disabled: no more reconnects
	warned    bool      // the down-for-a-minute error was logged
	unacked   atomic.Int64
}

// SocketReady reports whether Socket Mode serves: an error while Slack has
// disabled the link, or while there has been no connection for over a
// minute. It is nil when Socket Mode is not in use. Register it with
// app.App.AddReadiness.
func (a *Adapter) SocketReady(context.Context) error {
	s := &a.socket
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.fatal != nil:
		return s.fatal
	case !s.running || s.connected:
		return nil
	}
	if down := a.clock.Now().Sub(s.downSince); down > socketDownLimit {
		return fmt.Errorf("no Socket Mode connection to Slack for %s; check the network path to wss-primary.slack.com and the app token",
			down.Round(time.Second))
	}
	return nil
}

// UnackedEnvelopes counts the Socket Mode envelopes left unacknowledged
// because the work queue was full (Slack delivers them again).
func (a *Adapter) UnackedEnvelopes() int64 { return a.socket.unacked.Load() }

func (s *socketState) set(f func(s *socketState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// RunSocketMode serves Slack over Socket Mode until ctx ends: it opens a
// connection with apps.connections.open (the app-level token), and hands
// every envelope to the same handlers as the HTTP endpoints, acknowledging
// it by envelope_id with the same acknowledgement body. It reconnects when
// Slack asks (`disconnect`, every reason logged) and when a connection
// drops; an envelope that was not acknowledged is delivered again by
// Slack, and its event id or trigger id makes sure it is applied once.
//
// It returns an error when Slack refuses the app token for good. After a
// `disconnect` with reason link_disabled it stops reconnecting, logs the
// error and reports it through SocketReady until it is restarted.
func (a *Adapter) RunSocketMode(ctx context.Context, opts ...SocketOption) error {
	cfg := socketConfig{pingTimeout: 30 * time.Second, dialer: &websocket.Dialer{
		Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 15 * time.Second}}
	for _, o := range opts {
		o(&cfg)
	}
	a.socket.set(func(s *socketState) {
		s.running, s.connected, s.fatal, s.warned = true, false, nil, false
		s.downSince = a.clock.Now()
	})
	defer a.socket.set(func(s *socketState) { s.running = false })
	failures := 0
	for ctx.Err() == nil {
		err := a.socketConnection(ctx, cfg)
		if ctx.Err() != nil {
			return nil
		}
		var fatal *socketFatal
		switch {
		case errors.Is(err, errLinkDisabled):
			a.socket.set(func(s *socketState) { s.fatal = err; s.connected = false })
			a.log.ErrorContext(ctx, "slack socket mode: stopped", "err", err)
			<-ctx.Done()
			return nil
		case errors.As(err, &fatal):
			return fmt.Errorf("slack socket mode: %w", fatal.err)
		case errors.Is(err, errReconnect):
			failures = 0 // Slack asked: reconnect at once
			continue
		}
		failures++
		if a.socketDown(ctx) {
			failures = 1 // it had served: this is a fresh failure
		}
		delay := min(time.Duration(1<<min(failures-1, 5))*time.Second, 30*time.Second)
		var rl *slackapi.RateLimitedError
		if errors.As(err, &rl) {
			delay = max(delay, rl.RetryAfter)
		}
		if failures == 1 {
			delay = 0 // a dropped connection is replaced at once
		}
		a.log.WarnContext(ctx, "slack socket mode: connection failed; retrying", "attempt", failures, "retry_in", delay,
			"detail", redactURLs(err.Error()))
		if werr := clock.Sleep(ctx, delay); werr != nil {
			return nil
		}
	}
	return nil
}

// socketDown notes a lost connection; past the limit it is logged as an
// error, once, besides /readyz saying so.
func (a *Adapter) socketDown(ctx context.Context) (wasConnected bool) {
	var report time.Duration
	a.socket.set(func(s *socketState) {
		if s.connected {
			wasConnected = true
			s.connected = false
			s.downSince = a.clock.Now()
		}
		if down := a.clock.Now().Sub(s.downSince); down > socketDownLimit && !s.warned {
			s.warned, report = true, down
		}
	})
	if report > 0 {
		a.log.ErrorContext(ctx, "slack socket mode: no connection for over a minute; the bot reports itself not ready",
			"down", report.Round(time.Second))
	}
	return wasConnected
}

// socketFatal is a refusal that retrying cannot cure (a revoked token).
type socketFatal struct{ err error }

func (f *socketFatal) Error() string { return f.err.Error() }

var errReconnect = errors.New("slack asked to reconnect")

// fatalOpenErrors are apps.connections.open errors no retry can cure.
var fatalOpenErrors = map[string]bool{"invalid_auth": true, "account_inactive": true, "not_authed": true,
	"token_revoked": true, "not_allowed_token_type": true, "missing_scope": true}

// socketMessage is one Socket Mode message from Slack.
type socketMessage struct {
	Type                   string          `json:"type"`
	EnvelopeID             string          `json:"envelope_id"`
	Payload                json.RawMessage `json:"payload"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	Reason                 string          `json:"reason"`
	NumConnections         int             `json:"num_connections"`
}

// socketConnection opens one connection and serves it until it ends; the
// error says why it ended.
func (a *Adapter) socketConnection(ctx context.Context, cfg socketConfig) error {
	var link string
	err := func() error {
		_, u, err := a.api.c.StartSocketModeContext(ctx)
		link = u
		return err
	}()
	if err != nil {
		var se slackapi.SlackErrorResponse
		if errors.As(err, &se) && fatalOpenErrors[se.Err] {
			return &socketFatal{fmt.Errorf("apps.connections.open: %w%s", err, slackDetail(err))}
		}
		var sc slackapi.StatusCodeError
		if errors.As(err, &sc) && (sc.Code == http.StatusNotFound || sc.Code == http.StatusUnauthorized) {
			return &socketFatal{fmt.Errorf("apps.connections.open: %w", err)}
		}
		return fmt.Errorf("apps.connections.open: %w", err)
	}
	header := http.Header{"Origin": {"https://api.slack.com"}}
	conn, resp, err := cfg.dialer.DialContext(ctx, link, header)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return fmt.Errorf("dial: %s", redactURLs(err.Error())) // the URL's ticket is a credential
	}
	defer conn.Close()
	conn.SetReadLimit(1 << 20)
	var writeMu sync.Mutex
	alive := func() { _ = conn.SetReadDeadline(time.Now().Add(cfg.pingTimeout)) }
	alive()
	conn.SetPingHandler(func(data string) error {
		alive()
		err := conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(5*time.Second))
		if errors.Is(err, websocket.ErrCloseSent) {
			return nil
		}
		return err
	})
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	ack := func(id string, payload any) {
		if id == "" {
			return
		}
		m := map[string]any{"envelope_id": id}
		if payload != nil {
			m["payload"] = payload
		}
		writeMu.Lock()
		defer writeMu.Unlock()
		_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if err := conn.WriteJSON(m); err != nil {
			a.log.WarnContext(ctx, "socket mode ack failed", "envelope", id, "err", err)
		}
	}
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			a.log.InfoContext(ctx, "slack socket mode: connection lost", "reason", redactURLs(err.Error()))
			return fmt.Errorf("connection lost: %s", redactURLs(err.Error()))
		}
		alive()
		var env socketMessage
		if err := json.Unmarshal(data, &env); err != nil {
			a.log.WarnContext(ctx, "slack socket mode: message not understood", "err", err)
			continue
		}
		switch env.Type {
		case "hello":
			a.socket.set(func(s *socketState) { s.connected, s.warned = true, false })
			a.log.InfoContext(ctx, "slack socket mode: connected", "connections", env.NumConnections)
			continue
		case "disconnect":
			// Every reason is worth an operator's eye: refresh_requested and
			// warning are routine, link_disabled is not.
			a.log.InfoContext(ctx, "slack socket mode: Slack closed the connection", "reason", env.Reason)
			a.socket.set(func(s *socketState) { s.connected = false; s.downSince = a.clock.Now() })
			if env.Reason == "link_disabled" {
				return errLinkDisabled
			}
			return errReconnect
		}
		if env.RetryAttempt > 0 {
			a.log.InfoContext(ctx, "slack socket mode: envelope delivered again", "envelope", env.EnvelopeID, "type", env.Type,
				"retry", env.RetryAttempt, "reason", env.RetryReason)
		}
		if !a.socketEnvelope(ctx, env, ack) {
			n := a.socket.unacked.Add(1)
			a.log.WarnContext(ctx, "slack socket mode: envelope left unacknowledged, the work queue is full; Slack will deliver it again",
				"envelope", env.EnvelopeID, "type", env.Type, "unacked_total", n)
		}
	}
}

// socketEnvelope hands one envelope to the adapter's handlers and
// acknowledges it; false when it was left unacknowledged (the work queue
// is full) for Slack to deliver again.
func (a *Adapter) socketEnvelope(ctx context.Context, env socketMessage, ack func(id string, payload any)) bool {
	switch env.Type {
	case "events_api":
		var outer EventEnvelope
		if err := json.Unmarshal(env.Payload, &outer); err != nil {
			a.log.WarnContext(ctx, "slack socket mode: event not understood", "envelope", env.EnvelopeID, "err", err)
			ack(env.EnvelopeID, nil)
			return true
		}
		if !a.Event(ctx, outer) {
			return false
		}
		ack(env.EnvelopeID, nil)
	case "slash_commands":
		var sc slackapi.SlashCommand
		if err := json.Unmarshal(env.Payload, &sc); err != nil {
			a.log.WarnContext(ctx, "slack socket mode: command not understood", "envelope", env.EnvelopeID, "err", err)
			ack(env.EnvelopeID, nil)
			return true
		}
		if reply := a.Command(ctx, sc); reply != nil {
			ack(env.EnvelopeID, reply)
		} else {
			ack(env.EnvelopeID, nil)
		}
	case "interactive":
		// block_actions (the buttons) decoded lean, the rest as slack-go does.
		c, isClick, err := decodeClick(env.Payload)
		var cb slackapi.InteractionCallback
		if err == nil && !isClick {
			cb, err = decodeInteraction(env.Payload)
		}
		if err != nil {
			a.log.WarnContext(ctx, "slack socket mode: interaction not understood", "envelope", env.EnvelopeID, "err", err)
			ack(env.EnvelopeID, nil)
			return true
		}
		if isClick {
			if !a.clicks(ctx, c) {
				return false
			}
			ack(env.EnvelopeID, nil)
			return true
		}
		payload, taken := a.Interaction(ctx, cb)
		if !taken {
			return false
		}
		ack(env.EnvelopeID, payload)
	default:
		// A type this bot does not know: acknowledge it so Slack does not
		// send it forever.
		a.log.WarnContext(ctx, "slack socket mode: envelope type not handled", "envelope", env.EnvelopeID, "type", env.Type)
		ack(env.EnvelopeID, nil)
	}
	return true
}

// ProbeSocketMode checks, for doctor, that Slack opens a Socket Mode
// connection for the app token: apps.connections.open answers, and the
// connection says hello rather than `disconnect` (link_disabled: Socket
// Mode is turned off for the app). The probe closes its connection at
// once; an envelope Slack happened to route to it in that moment is
// delivered again to the bot's own connection.
func ProbeSocketMode(ctx context.Context, s Settings) error {
	if s.AppToken.IsZero() {
		return nil
	}
	opts := []slackapi.Option{slackapi.OptionAppLevelToken(s.AppToken.Reveal())}
	if s.APIURL != "" {
		opts = append(opts, slackapi.OptionAPIURL(s.APIURL))
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, link, err := slackapi.New(s.BotToken.Reveal(), opts...).StartSocketModeContext(ctx)
	if err != nil {
		return fmt.Errorf("socket mode: apps.connections.open: %w%s", err, slackDetail(err))
	}
	conn, resp, err := (&websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 10 * time.Second}).
		DialContext(ctx, link, http.Header{"Origin": {"https://api.slack.com"}})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return fmt.Errorf("socket mode: dial: %s", redactURLs(err.Error()))
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return fmt.Errorf("socket mode: no hello from Slack: %s", redactURLs(err.Error()))
		}
		var m socketMessage
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		switch {
		case m.Type == "hello":
			return nil
		case m.Type == "disconnect" && m.Reason == "link_disabled":
			return errLinkDisabled
		case m.Type == "disconnect":
			return fmt.Errorf("socket mode: Slack closed the connection at once (reason %s)", m.Reason)
		}
	}
}
