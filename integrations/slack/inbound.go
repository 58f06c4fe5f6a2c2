package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	slackapi "github.com/slack-go/slack"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Command handles a slash command: `/release <command>` in the console
// grammar. It returns at once with the acknowledgement to send (nil: an
// empty 200); the command runs in the worker pool and answers through the
// response_url. Bare `/release` and `/release help` answer with the help
// right away; `/release new`, `/release evidence CSR` and `/release reject
// CSR` open a form.
func (a *Adapter) Command(ctx context.Context, sc slackapi.SlashCommand) *responseMessage {
	text := commandText(sc.Text, a.people.PersonBySlackID, a.self())
	name := sc.Command
	if name == "" {
		name = a.command
	}
	if text == "" || strings.EqualFold(text, "help") {
		h := a.help(name, a.languageOf(ctx, sc.UserID))
		return &h
	}
	meta := modalMeta{Channel: sc.ChannelID, ResponseURL: sc.ResponseURL}
	if kind, id, ok := a.wantsForm(text); ok && sc.TriggerID != "" {
		meta.CSR = id
		if !a.soon(func(ctx context.Context) {
			to := target{responseURL: sc.ResponseURL, channel: sc.ChannelID, user: sc.UserID, ephemeral: true}
			if !a.once(ctx, "slack:cmd:"+sc.TriggerID, sc.UserID, to) {
				return
			}
			if f := a.refuseNow(ctx, csr.Verb(kind), meta.CSR, sc.UserID, buttonRef{}); f != nil {
				a.reply(ctx, to, chat.Reply{Private: true, Refusal: f})
				return
			}
			a.openForm(ctx, kind, sc.TriggerID, sc.UserID, meta)
		}) {
			b := a.busy(sc.UserID)
			return &b
		}
		return nil
	}
	key := ""
	if sc.TriggerID != "" {
		key = "slack:cmd:" + sc.TriggerID
	}
	ev := chat.Event{Key: key, User: sc.UserID, Channel: sc.ChannelID, Text: text}
	to := target{responseURL: sc.ResponseURL, channel: sc.ChannelID, user: sc.UserID, ephemeral: true}
	if !a.submit(func(ctx context.Context) { a.run(ctx, ev, to) }) {
		b := a.busy(sc.UserID)
		return &b
	}
	return nil
}

// wantsForm reports whether a command line is better asked in a form: a
// bare `new`, `evidence` without a link, `reject` without a reason.
func (a *Adapter) wantsForm(text string) (string, csr.ID, bool) {
	words := strings.Fields(text)
	verb := strings.ToLower(words[0])
	var id csr.ID
	if len(words) == 2 {
		parsed, ok := csr.ParseID(a.services.Prefix(), words[1])
		if !ok {
			return "", "", false
		}
		id = parsed
	}
	switch {
	case verb == formNew && len(words) == 1:
		return formNew, "", true
	case verb == formEvidence && len(words) <= 2:
		return formEvidence, id, true
	case verb == formReject && len(words) == 2:
		return formReject, id, true
	case verb == formRollback && len(words) == 2:
		return formRollback, id, true
	case verb == formEdit && len(words) == 2:
		return formEdit, id, true
	}
	return "", "", false
}

// EventEnvelope is the outer shape of an Events API delivery, the same in
// an HTTP request body and a Socket Mode events_api payload.
type EventEnvelope struct {
	Type      string          `json:"type"`
	EventID   string          `json:"event_id"`
	Challenge string          `json:"challenge"`
	Event     json.RawMessage `json:"event"`
}

// innerEvent holds the fields of the events the bot subscribes to.
type innerEvent struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	Tab         string `json:"tab"`
}

// Event handles an Events API event: a mention in a channel, a direct
// message, the App Home being opened. It reports false when the work
// queue is full, so the transport can let Slack deliver it again.
// Deliveries are keyed by event_id: Slack's retries apply once.
func (a *Adapter) Event(ctx context.Context, env EventEnvelope) bool {
	if env.Type != "event_callback" {
		return true
	}
	var in innerEvent
	if err := json.Unmarshal(env.Event, &in); err != nil {
		a.log.WarnContext(ctx, "slack event not understood", "event_id", env.EventID, "err", err)
		return true
	}
	me := a.self()
	if in.BotID != "" || in.User == "" || (me != "" && in.User == me) {
		return true // never answer a bot, least of all ourselves
	}
	key := ""
	if env.EventID != "" {
		key = "slack:ev:" + env.EventID
	}
	switch in.Type {
	case "app_mention":
		text := commandText(mentionedCommand(in.Text, me), a.people.PersonBySlackID, me)
		thread := in.ThreadTS
		if thread == "" {
			thread = in.TS
		}
		to := target{channel: in.Channel, user: in.User, threadTS: thread}
		return a.submit(func(ctx context.Context) { a.chat(ctx, key, in.User, in.Channel, text, to) })
	case "message":
		if in.ChannelType != "im" || in.Subtype != "" {
			return true
		}
		text := commandText(in.Text, a.people.PersonBySlackID, me)
		// A message in a thread of the DM is answered in that thread.
		to := target{channel: in.Channel, user: in.User, dm: true, threadTS: in.ThreadTS}
		return a.submit(func(ctx context.Context) { a.chat(ctx, key, in.User, in.Channel, text, to) })
	case "app_home_opened":
		if in.Tab != "home" {
			return true
		}
		return a.submit(func(ctx context.Context) {
			if key == "" || a.once(ctx, key, in.User, target{}) {
				a.publishHome(ctx, in.User)
			}
		})
	}
	return true
}

// chat runs a command typed in a message: a mention or a direct message.
func (a *Adapter) chat(ctx context.Context, key, user, channel, text string, to target) {
	if text == "" || strings.EqualFold(text, "help") {
		if key != "" && !a.once(ctx, key, user, to) {
			return
		}
		h := a.help(a.command, a.languageOf(ctx, user))
		to.ephemeral = !to.dm
		a.replyBlocks(ctx, to, h.Text, h.Blocks)
		return
	}
	a.run(ctx, chat.Event{Key: key, User: user, Channel: channel, Text: text}, to)
}

func (a *Adapter) replyBlocks(ctx context.Context, to target, text string, blocks []slackapi.Block) {
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(text, false), slackapi.MsgOptionBlocks(blocks...)}
	if to.threadTS != "" {
		opts = append(opts, slackapi.MsgOptionTS(to.threadTS))
	}
	var err error
	if to.ephemeral {
		err = a.api.ephemeral(ctx, to.channel, to.user, opts...)
	} else {
		_, _, err = a.api.post(ctx, to.channel, opts...)
	}
	if err != nil {
		a.log.WarnContext(ctx, "help not delivered", "channel", to.channel, "err", err)
	}
}

// Interaction handles a button click, a form submission or a shortcut. It
// returns the acknowledgement body (nil: empty 200) and false when the
// work queue is full.
func (a *Adapter) Interaction(ctx context.Context, cb slackapi.InteractionCallback) (any, bool) {
	switch cb.Type {
	case slackapi.InteractionTypeBlockActions:
		return nil, a.clicks(ctx, clickOf(cb))
	case slackapi.InteractionTypeViewSubmission:
		return a.submitForm(ctx, cb)
	case slackapi.InteractionTypeShortcut, slackapi.InteractionTypeMessageAction:
		if cb.CallbackID == shortcutNew {
			return nil, a.soon(func(ctx context.Context) {
				if a.once(ctx, "slack:shortcut:"+cb.TriggerID, cb.User.ID, target{channel: cb.User.ID, user: cb.User.ID, dm: true}) {
					a.openForm(ctx, formNew, cb.TriggerID, cb.User.ID, modalMeta{Channel: cb.Channel.ID})
				}
			})
		}
	}
	return nil, true
}

// clickPayload is what the adapter reads of a block_actions payload: the
// HTTP endpoint decodes only this (decodeClick), Socket Mode takes it
// from slack-go's InteractionCallback (clickOf).
type clickPayload struct {
	TriggerID        string
	ResponseURL      string
	User             string // user.id
	Channel          string // channel.id
	ContainerChannel string // container.channel_id
	Actions          []clickAction
}

// clickAction is one of the block actions of a click.
type clickAction struct {
	ActionID, BlockID, Value string
}

func clickOf(cb slackapi.InteractionCallback) clickPayload {
	c := clickPayload{TriggerID: cb.TriggerID, ResponseURL: cb.ResponseURL, User: cb.User.ID, Channel: cb.Channel.ID,
		ContainerChannel: cb.Container.ChannelID}
	for _, act := range cb.ActionCallback.BlockActions {
		c.Actions = append(c.Actions, clickAction{ActionID: act.ActionID, BlockID: act.BlockID, Value: act.Value})
	}
	return c
}

// clicks handles block_actions: the buttons of cards, direct messages,
// replies and the App Home.
func (a *Adapter) clicks(ctx context.Context, cb clickPayload) bool {
	trigger, user := cb.TriggerID, cb.User
	for _, act := range cb.Actions {
		verb := csr.Verb(act.ActionID)
		ref, ok := parseBlockID(act.BlockID)
		if _, known := buttonLabels[verb]; !ok || !known {
			continue // not one of our buttons (a select inside a form)
		}
		id, ok := csr.ParseID(a.services.Prefix(), act.Value)
		if !ok {
			continue
		}
		channel := cb.Channel
		if channel == "" {
			channel = cb.ContainerChannel
		}
		to := target{responseURL: cb.ResponseURL, channel: channel, user: user, ephemeral: true}
		switch ref.scope {
		case scopeReply:
			to.replace = true // the answer replaces the ephemeral reply clicked
		case scopeHome:
			to = target{channel: user, user: user, dm: true, cardless: true}
		default:
			to.cardless = true // the card or DM clicked is redrawn in place
		}
		meta := modalMeta{CSR: id, Channel: channel, ResponseURL: cb.ResponseURL}
		if verb == csr.VerbReject || verb == csr.VerbEvidence || verb == csr.VerbRollback {
			kind := formReject
			switch verb {
			case csr.VerbEvidence:
				kind = formEvidence
			case csr.VerbRollback:
				kind = formRollback
			}
			if !a.soon(func(ctx context.Context) {
				if !a.once(ctx, "slack:form:"+trigger, user, to) {
					return
				}
				if f := a.refuseNow(ctx, verb, id, user, ref); f != nil {
					to.cardless = false
					a.reply(ctx, to, chat.Reply{Private: true, Refusal: f})
					return
				}
				a.openForm(ctx, kind, trigger, user, meta)
			}) {
				return false
			}
			continue
		}
		key := "slack:click:" + trigger
		if ref.version != "" {
			// The same person pressing the same button on the same drawing
			// of a CSR twice means it once: a double click.
			key = "slack:click:" + user + ":" + string(verb) + ":" + string(id) + ":" + ref.version
		}
		ev := chat.Event{Key: key, User: user, Channel: channel, Text: string(verb) + " " + string(id), Click: true}
		home := ref.scope == scopeHome
		clicked := ref
		if !a.submit(func(ctx context.Context) {
			if clicked.scope == scopeDM {
				if f := a.refuseNow(ctx, verb, id, user, clicked); f != nil {
					if a.once(ctx, ev.Key, user, to) {
						a.reply(ctx, to, chat.Reply{Private: true, Refusal: f})
					}
					return
				}
			}
			a.run(ctx, ev, to)
			if home {
				a.publishHome(ctx, user)
			}
		}) {
			return false
		}
	}
	return true
}

// refuseNow says at once why an action cannot be taken now: a click on
// an approval request of a round that has ended, or a form (reject,
// evidence) whose action the domain would refuse anyway, so that nobody
// fills in a form only to be refused after submitting it. nil: go ahead
// (the command itself still checks everything).
func (a *Adapter) refuseNow(ctx context.Context, verb csr.Verb, id csr.ID, user string, ref buttonRef) *chat.Refusal {
	if id == "" {
		return nil
	}
	c, err := a.csrs.Get(ctx, id)
	if err != nil {
		return nil // the command says what is wrong (no such CSR, store down)
	}
	if ref.scope == scopeDM {
		if _, round, ok := parseDMDetail(ref.detail); ok && round != approvalRound(c) {
			return &chat.Refusal{Rule: csr.RuleClosedRequest, Why: msg.T(msg.SlackRefuseOldRound, "csr", string(id)),
				Next: msg.T(msg.SlackNextNewestRequest, "csr", string(id))}
		}
	}
	p, known := a.people.PersonBySlackID(user)
	svc, ok := a.services.Service(c.Service)
	if !known || !ok {
		return nil
	}
	actor := csr.Actor{Person: p, Admin: a.people.IsAdmin(p)}
	now := a.clock.Now()
	switch verb {
	case csr.VerbReject:
		_, _, err = c.Reject(actor, "-", now, svc)
	case csr.VerbEvidence:
		_, _, err = c.AddEvidence(actor, "https://example.com/", "", now)
	case csr.VerbRollback:
		// Who may, and whether the state allows it; what production runs
		// is checked when the command runs.
		_, _, err = c.Rollback(actor, "0000000", "-", now, svc)
	case formEdit:
		title := c.Title + " " // a change, so that only who and when decide
		_, _, err = c.Edit(actor, csr.Edits{Title: &title}, now, svc)
		if errors.Is(err, csr.ErrNoChange) {
			err = nil
		}
	default:
		return nil
	}
	var r *csr.Refusal
	if errors.As(err, &r) {
		return &chat.Refusal{Rule: r.Rule, Why: r.Why, Next: r.Next}
	}
	return nil
}

// help lists the commands with an example of each, as typed in Slack, in
// a language. The help of the configured command is rendered once per
// language; its blocks are shared: encode them, never change them.
func (a *Adapter) help(command, lang string) responseMessage {
	r := a.rendererIn(lang)
	if command != a.command {
		return a.renderHelp(r, command)
	}
	a.acksMu.Lock()
	defer a.acksMu.Unlock()
	if m, ok := a.helpAcks[lang]; ok {
		return m
	}
	m := encoded(a.renderHelp(r, command))
	if a.helpAcks == nil {
		a.helpAcks = map[string]responseMessage{}
	}
	a.helpAcks[lang] = m
	return m
}

func (a *Adapter) renderHelp(r renderer, command string) responseMessage {
	lines := []string{r.t(msg.T(msg.SlackHelpHeader, "command", command))}
	help := a.grammar.Help()
	for _, u := range help.Commands {
		lines = append(lines, r.t(msg.T(msg.SlackHelpLine, "command", command, "example", u.Example, "summary", r.plain(msg.T(u.Summary)))))
	}
	if help.Aliases != nil {
		lines = append(lines, r.t(*help.Aliases))
	}
	footer := r.t(msg.T(msg.SlackHelpFooter, "command", command, "example", a.services.Prefix()+"-12"))
	blocks := append(sections(lines), contextLine(footer))
	return responseMessage{ResponseType: "ephemeral", Text: fallback(lines[0]), Blocks: blocks}
}

// encoded returns m with its JSON, as writeJSON would write it, so that
// an acknowledgement answered again and again is encoded once.
func encoded(m responseMessage) responseMessage {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(m); err == nil {
		m.encoded = b.Bytes()
	}
	return m
}
