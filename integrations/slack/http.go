package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sync"
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

// reqBuf holds a request's body and its decoded payload while it is
// handled. Pooled: acknowledging a request then allocates little more
// than what it hands to the workers (decoded strings are copies).
type reqBuf struct {
	body    bytes.Buffer
	payload []byte
}

var reqBufs = sync.Pool{New: func() any { return new(reqBuf) }}

// maxPooled is the largest buffer given back to the pool: a rare big
// request (a modal's state) must not stay in memory for ever.
const maxPooled = 64 << 10

func getReqBuf() *reqBuf { return reqBufs.Get().(*reqBuf) }

func putReqBuf(b *reqBuf) {
	if b.body.Cap() > maxPooled || cap(b.payload) > maxPooled {
		return
	}
	b.body.Reset()
	b.payload = b.payload[:0]
	reqBufs.Put(b)
}

// body reads and verifies a request into buf; on failure it has answered
// already. The body is buf's: valid until buf goes back to the pool.
func (h *httpHandler) body(w http.ResponseWriter, r *http.Request, buf *reqBuf) ([]byte, bool) {
	if n := r.ContentLength; n > 0 && n <= maxBody {
		buf.body.Grow(int(n) + bytes.MinRead) // one read, then EOF, without growing
	}
	_, err := buf.body.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "unreadable request", http.StatusBadRequest)
		return nil, false
	}
	body := buf.body.Bytes()
	if err := h.v.Verify(r.Header, body); err != nil {
		h.a.log.WarnContext(r.Context(), "slack request refused", "path", r.URL.Path, "reason", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if m, ok := v.(*responseMessage); ok && m.encoded != nil {
		_, _ = w.Write(m.encoded) // rendered once, as below
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

func (h *httpHandler) commands(w http.ResponseWriter, r *http.Request) {
	buf := getReqBuf()
	defer putReqBuf(buf)
	body, ok := h.body(w, r, buf)
	if !ok {
		return
	}
	sc, ok := slashCommand(body)
	if !ok {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	if ack := h.a.Command(r.Context(), sc); ack != nil {
		writeJSON(w, ack)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// slashCommand reads a slash command's form as url.ParseQuery and
// Values.Get would, without building the map: false if ParseQuery would
// refuse it.
func slashCommand(body []byte) (slackapi.SlashCommand, bool) {
	var sc slackapi.SlashCommand
	if !plainForm(body) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return sc, false
		}
		return slackapi.SlashCommand{
			TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
			UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"), Text: form.Get("text"),
			ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"), APIAppID: form.Get("api_app_id"),
			EnterpriseID: form.Get("enterprise_id"),
		}, true
	}
	fields := [...]struct {
		key string
		dst *string
	}{
		{"team_id", &sc.TeamID}, {"channel_id", &sc.ChannelID}, {"channel_name", &sc.ChannelName},
		{"user_id", &sc.UserID}, {"user_name", &sc.UserName}, {"command", &sc.Command}, {"text", &sc.Text},
		{"response_url", &sc.ResponseURL}, {"trigger_id", &sc.TriggerID}, {"api_app_id", &sc.APIAppID},
		{"enterprise_id", &sc.EnterpriseID},
	}
	var seen uint16 // Values.Get: the first value of a key
	var scratch [256]byte
	eachField(body, func(key, value []byte) {
		for i := range fields {
			if seen&(1<<i) == 0 && fields[i].key == string(key) {
				seen |= 1 << i
				*fields[i].dst = string(appendUnescaped(scratch[:0], value))
				return
			}
		}
	})
	return sc, true
}

// formValue is the first value of key in a form, as url.ParseQuery and
// Values.Get would give it, unescaped into dst: false if ParseQuery would
// refuse the form.
func formValue(dst, body []byte, key string) ([]byte, bool) {
	if !plainForm(body) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return dst, false
		}
		return append(dst, form.Get(key)...), true
	}
	found := false
	eachField(body, func(k, value []byte) {
		if !found && string(k) == key {
			found = true
			dst = appendUnescaped(dst, value)
		}
	})
	return dst, true
}

// plainForm reports whether url.ParseQuery accepts body for certain: no
// semicolon, every %-escape well formed, and far fewer fields than its
// limit. Anything else is left to ParseQuery itself.
func plainForm(body []byte) bool {
	if bytes.IndexByte(body, ';') >= 0 || bytes.Count(body, []byte("&")) >= 1000 {
		return false
	}
	// unescape's check; as no hex digit is a '&' or '=', an escape valid
	// in the whole body is valid in its field.
	for i := 0; i < len(body); i++ {
		if body[i] == '%' {
			if i+2 >= len(body) || !isHex(body[i+1]) || !isHex(body[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

// eachField calls fn with every field of a plainForm body, in order, its
// key unescaped and its value raw (unescape it with appendUnescaped).
// Both are valid only during the call.
func eachField(body []byte, fn func(key, value []byte)) {
	for len(body) > 0 {
		var pair []byte
		pair, body, _ = bytes.Cut(body, []byte("&"))
		if len(pair) == 0 {
			continue
		}
		k, v, _ := bytes.Cut(pair, []byte("="))
		if bytes.ContainsAny(k, "%+") {
			k = appendUnescaped(nil, k) // rare: Slack escapes no key
		}
		fn(k, v)
	}
}

// appendUnescaped appends s, a query component with valid escapes (see
// plainForm), unescaped as url.QueryUnescape does.
func appendUnescaped(dst, s []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, len(s))[:n+len(s)]
	out := dst[n:]
	j := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			c = unHex(s[i+1])<<4 | unHex(s[i+2])
			i += 2
		}
		out[j] = c
		j++
	}
	return dst[:n+j]
}

func isHex(c byte) bool { return hexDigit[c] }

var hexDigit = [256]bool{
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true,
	'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true, 'A': true, 'B': true, 'C': true, 'D': true, 'E': true, 'F': true,
}

func unHex(c byte) byte { return hexValue[c] }

var hexValue = [256]byte{
	'0': 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7, '8': 8, '9': 9,
	'a': 10, 'b': 11, 'c': 12, 'd': 13, 'e': 14, 'f': 15, 'A': 10, 'B': 11, 'C': 12, 'D': 13, 'E': 14, 'F': 15,
}

func (h *httpHandler) events(w http.ResponseWriter, r *http.Request) {
	buf := getReqBuf()
	defer putReqBuf(buf)
	body, ok := h.body(w, r, buf)
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
	buf := getReqBuf()
	defer putReqBuf(buf)
	body, ok := h.body(w, r, buf)
	if !ok {
		return
	}
	payload, ok := formValue(buf.payload[:0], body, "payload")
	buf.payload = payload
	if !ok {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	var ack any
	if c, isClick, err := decodeClick(payload); isClick || err != nil {
		// block_actions, the buttons: most of what is sent here.
		if err != nil {
			http.Error(w, "malformed payload", http.StatusBadRequest)
			return
		}
		ok = h.a.clicks(r.Context(), c)
	} else {
		cb, err := decodeInteraction(payload)
		if err != nil {
			http.Error(w, "malformed payload", http.StatusBadRequest)
			return
		}
		ack, ok = h.a.Interaction(r.Context(), cb)
	}
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

// leanClick is what the adapter reads of a block_actions payload (see
// clickPayload), decoded as slack-go's InteractionCallback decodes these
// fields; everything else, the message clicked above all, is read past.
type leanClick struct {
	Type        slackapi.InteractionType `json:"type"`
	TriggerID   string                   `json:"trigger_id"`
	ResponseURL string                   `json:"response_url"`
	User        struct {
		ID string `json:"id"`
	} `json:"user"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	Container struct {
		ChannelID string `json:"channel_id"`
	} `json:"container"`
	Actions []leanAction `json:"actions"`
}

// leanAction is one action: slack-go counts it a block action when its
// block_id is a string, an attachment action (ignored here) otherwise.
// (slack-go looks for that key in exactly that case, this in any case,
// as encoding/json matches fields; Slack writes its keys in lower case.)
type leanAction struct {
	ActionID string     `json:"action_id"`
	BlockID  jsonString `json:"block_id"`
	Value    string     `json:"value"`
}

// jsonString is a JSON value that is kept when it is a string.
type jsonString struct {
	s  string
	ok bool
}

func (j *jsonString) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '"' {
		*j = jsonString{}
		return nil
	}
	j.ok = true
	return json.Unmarshal(b, &j.s)
}

// decodeClick decodes a block_actions payload into what the adapter reads
// of it; isClick is false for the other interactions, left to
// decodeInteraction.
func decodeClick(payload []byte) (c clickPayload, isClick bool, err error) {
	var lean leanClick
	if err := decodeLean(payload, &lean); err != nil {
		return c, false, err
	}
	if lean.Type != slackapi.InteractionTypeBlockActions {
		return c, false, nil
	}
	c = clickPayload{TriggerID: lean.TriggerID, ResponseURL: lean.ResponseURL, User: lean.User.ID, Channel: lean.Channel.ID,
		ContainerChannel: lean.Container.ChannelID}
	for _, a := range lean.Actions {
		if a.BlockID.ok {
			c.Actions = append(c.Actions, clickAction{ActionID: a.ActionID, BlockID: a.BlockID.s, Value: a.Value})
		}
	}
	return c, true, nil
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
