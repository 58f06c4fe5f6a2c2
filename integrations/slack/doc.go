// Package slack is releasebot's Slack messenger: the slash command,
// mentions and direct messages, buttons, modals, the live CSR card, the
// approvers' direct messages and the App Home, over HTTP (Events API and
// interactivity endpoints, request signatures checked) or Socket Mode.
//
// Both transports hand the same Adapter the same parsed payloads; it
// turns them into the bot's messenger-neutral chat.Event, acknowledges at
// once, runs the command in a bounded worker pool and answers through the
// response_url or the Web API. Nothing above this package knows which
// transport carried a request.
//
// The adapter translates and nothing else: claims, dispatch, cards, the
// help, the check of a form and the references of internal failures are
// the runtime's (bot.Bot), reached through the small interfaces of
// adapter.go that the app's parts satisfy. It imports bot/chat (the
// shapes that pass between them), the domain (csr), the catalog (msg),
// the store's filter (internal/store), the configuration (config, for
// GroupsConfig) and the clock; never the command handler or its grammar.
//
// # Files by layer
//
// Transport: how a request arrives and is acknowledged.
//   - http.go: the HTTP endpoints (/slack/commands, /slack/events,
//     /slack/interactions), the lean decoding of slash commands and clicks.
//   - socket.go: Socket Mode over a websocket, its envelopes and acks.
//   - verify.go: request signatures (v0 HMAC), checked before anything.
//   - decode.go: a click's payload read into a lean struct, without
//     decoding the message clicked.
//   - redact.go: a response_url is a credential; errors never show it.
//
// Translation: Slack's payloads to chat.Event, and chat.Reply back.
//   - inbound.go: slash commands, events (mentions, DMs, App Home opened)
//     and interactions (clicks, submissions, shortcuts) to events, with
//     their idempotency keys; the help; which commands open a form.
//   - inbound_text.go: Slack's text to a line of the console grammar
//     (mentions to @person, links, entities); quoting for form lines.
//   - adapter.go: the Adapter, its interfaces and Options, the worker
//     pool, and reply, which sends a chat.Reply where it belongs.
//
// Rendering: chat shapes to Block Kit, every sentence from the catalog.
//   - render.go: the renderer (mrkdwn, escaping, Slack's limits): cards,
//     replies, notices, buttons.
//   - dm.go: approvers' direct messages, open and closed, by round.
//   - home.go: the App Home (what waits on a person, their own CSRs).
//   - modals.go: the forms (new, evidence, reject) and the check of a
//     submitted form before it closes; rework_forms.go: the rollback and
//     edit forms and their checks.
//
// Delivery: what the bot says unasked, kept true across replicas.
//   - notify.go: notices to channels (in the card's thread) and people,
//     approval requests as direct messages.
//   - keeper.go: the card keeper: the live card and approvers' messages
//     redrawn from the store, coalesced per CSR, one post per CSR among
//     replicas (the message refs, CardRefs, are its alone).
//   - api.go: Web API calls: retries, rate limits waited out, the
//     response_url.
//
// Policy: what is configured, and how it follows Slack.
//   - usergroups.go: GroupsConfig, approvers that follow Slack user
//     groups.
//   - language.go: which language a person reads (config, Slack locale,
//     the installation's).
//   - settings.go: credentials and endpoints from the environment.
package slack
