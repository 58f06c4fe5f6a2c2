package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	slackapi "github.com/slack-go/slack"
)

// maxBody bounds what a Slack request may carry; Slack's payloads are a
// few kilobytes, a modal's state at most tens.
const maxBody = 1 << 20

// Paths of the HTTP endpoints, for the app manifest's request URLs.
const (
	PathCommands     = "/slack/commands"
	PathEvents       = "/slack/events"
	PathInteractions = "/slack/interactions"
)

// NewHTTPHandler serves Slack's HTTP requests: slash commands, Events API
// deliveries and interactivity payloads. Every request is verified (a
// forged, stale or unsigned one gets 401 and touches nothing), parsed and
// acknowledged at once; the work runs in the adapter's pool. It holds no
// state of its own, so any number of replicas behind a load balancer, or
// a load tool in process, can serve with it.
func NewHTTPHandler(a *Adapter, v Verifier) http.Handler {
	h := &httpHandler{a: a, v: v}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathCommands, h.commands)
	mux.HandleFunc("POST "+PathEvents, h.events)
	mux.HandleFunc("POST "+PathInteractions, h.interactions)
	return mux
}

type httpHandler struct {
	a *Adapter
	v Verifier
}

// body reads and verifies a request; on failure it has answered already.
func (h *httpHandler) body(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "unreadable request", http.StatusBadRequest)
		return nil, false
	}
	if err := h.v.Verify(r.Header, body); err != nil {
		h.a.log.WarnContext(r.Context(), "slack request refused", "path", r.URL.Path, "reason", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (h *httpHandler) commands(w http.ResponseWriter, r *http.Request) {
	body, ok := h.body(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	sc := slackapi.SlashCommand{
		TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
		UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"), Text: form.Get("text"),
		ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"), APIAppID: form.Get("api_app_id"),
		EnterpriseID: form.Get("enterprise_id"),
	}
	if ack := h.a.Command(r.Context(), sc); ack != nil {
		writeJSON(w, ack)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *httpHandler) events(w http.ResponseWriter, r *http.Request) {
	body, ok := h.body(w, r)
	if !ok {
		return
	}
	var env EventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	if env.Type == "url_verification" {
		writeJSON(w, map[string]string{"challenge": env.Challenge})
		return
	}
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		h.a.log.InfoContext(r.Context(), "slack event retry", "event_id", env.EventID, "retry", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
	}
	if !h.a.Event(r.Context(), env) {
		// Not taken: Slack delivers it again later, and its event_id
		// makes sure it is applied once.
		w.Header().Set("Retry-After", "10")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *httpHandler) interactions(w http.ResponseWriter, r *http.Request) {
	body, ok := h.body(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	cb, err := decodeInteraction([]byte(form.Get("payload")))
	if err != nil {
		http.Error(w, "malformed payload", http.StatusBadRequest)
		return
	}
	ack, ok := h.a.Interaction(r.Context(), cb)
	if !ok {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	if ack != nil {
		writeJSON(w, ack)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// decodeInteraction decodes an interactivity payload as slack-go's
// InteractionCallback.UnmarshalJSON does, but reads past the message the
// click came from (and the original_message of attachments) without
// decoding it. Slack sends that message whole, a card is kilobytes of
// blocks, slack-go decodes every block of it, and nothing here reads it:
// it was most of the cost of acknowledging a click (see bench/README.md).
func decodeInteraction(payload []byte) (slackapi.InteractionCallback, error) {
	type alias slackapi.InteractionCallback // without its UnmarshalJSON
	var cb slackapi.InteractionCallback
	lean := struct {
		*alias
		Message         skipJSON `json:"message"`
		OriginalMessage skipJSON `json:"original_message"`
	}{alias: (*alias)(&cb)}
	if err := json.Unmarshal(payload, &lean); err != nil {
		return cb, err
	}
	switch cb.Type {
	case slackapi.InteractionTypeBlockActions:
		if len(cb.RawState) > 0 {
			if err := json.Unmarshal(cb.RawState, &cb.BlockActionState); err != nil {
				return cb, err
			}
		}
	case slackapi.InteractionTypeDialogSubmission:
		cb.State = string(cb.RawState)
	}
	return cb, nil
}

// skipJSON is a JSON value read past, not decoded.
type skipJSON struct{}

func (*skipJSON) UnmarshalJSON([]byte) error { return nil }

// NewVerifier returns the verifier of the signing secret, on the real
// clock unless now is given.
func NewVerifier(secret Secret, now func() time.Time) Verifier {
	return Verifier{Secret: secret, Now: now}
}
