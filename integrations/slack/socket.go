package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode serves Slack over Socket Mode until ctx ends: it opens a
// connection with apps.connections.open (the app-level token), and hands
// every envelope to the same handlers as the HTTP endpoints, acknowledging
// it by envelope_id with the same acknowledgement body. slack-go's client
// reconnects on a `disconnect` envelope and on a dropped connection; an
// envelope that was not acknowledged is delivered again by Slack, and its
// event id or trigger id makes sure it is applied once. It returns an
// error only when Slack refuses the connection for good (a revoked or
// invalid app token).
func (a *Adapter) RunSocketMode(ctx context.Context, opts ...socketmode.Option) error {
	opts = append([]socketmode.Option{socketmode.OptionLog(slogLogger{a.log})}, opts...)
	client := socketmode.New(a.api.c, opts...)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt)
		}
	}
}

func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	ack := func(payload any) {
		if evt.Request == nil {
			return
		}
		var err error
		if payload == nil {
			err = client.AckCtx(ctx, evt.Request.EnvelopeID, nil)
		} else {
			err = client.AckCtx(ctx, evt.Request.EnvelopeID, payload)
		}
		if err != nil {
			a.log.WarnContext(ctx, "socket mode ack failed", "envelope", evt.Request.EnvelopeID, "err", err)
		}
	}
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.log.DebugContext(ctx, "slack socket mode: connecting")
	case socketmode.EventTypeConnected:
		a.log.InfoContext(ctx, "slack socket mode: connected")
	case socketmode.EventTypeHello:
		a.log.DebugContext(ctx, "slack socket mode: hello")
	case socketmode.EventTypeDisconnect:
		a.log.InfoContext(ctx, "slack socket mode: Slack asked to reconnect")
	case socketmode.EventTypeConnectionError:
		// The error may quote the connection URL, whose ticket is a
		// credential.
		a.log.WarnContext(ctx, "slack socket mode: connection failed; retrying", "detail", redactURLs(fmt.Sprint(evt.Data)))
	case socketmode.EventTypeInvalidAuth:
		a.log.ErrorContext(ctx, "slack socket mode: the app-level token was refused")
	case socketmode.EventTypeEventsAPI:
		outer, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			ack(nil)
			return
		}
		env := EventEnvelope{Type: outer.Type}
		if cb, ok := outer.Data.(*slackevents.EventsAPICallbackEvent); ok {
			env.EventID = cb.EventID
			if cb.InnerEvent != nil {
				env.Event = *cb.InnerEvent
			}
		}
		if a.Event(ctx, env) {
			ack(nil)
		} // else: not acknowledged, so Slack delivers it again
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slackapi.SlashCommand)
		if !ok {
			ack(nil)
			return
		}
		if reply := a.Command(ctx, sc); reply != nil {
			ack(reply)
		} else {
			ack(nil)
		}
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slackapi.InteractionCallback)
		if !ok {
			ack(nil)
			return
		}
		if payload, taken := a.Interaction(ctx, cb); taken {
			ack(payload)
		}
	case socketmode.EventTypeErrorBadMessage:
		// An envelope slack-go could not parse (an event type it does not
		// know): acknowledge it so Slack does not send it forever.
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
				if err := client.AckCtx(ctx, env.EnvelopeID, nil); err != nil {
					a.log.WarnContext(ctx, "socket mode ack failed", "envelope", env.EnvelopeID, "err", err)
				}
			}
			a.log.WarnContext(ctx, "slack socket mode: envelope not understood", "err", bad.Cause)
		}
	}
}

// slogLogger gives slack-go's socket mode client the bot's logger.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Output(_ int, m string) error {
	s.l.Debug("slack socket mode: " + redactURLs(m))
	return nil
}
