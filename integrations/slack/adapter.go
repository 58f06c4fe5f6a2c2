package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	slackapi "github.com/slack-go/slack"

	"releasebot/bot/chat"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/internal/clock"
	"releasebot/internal/store"
	"releasebot/msg"
)

// The adapter declares what it uses, each part the narrow interface it
// needs; the app's parts satisfy them (*bot.Bot the first three, the
// store the next two, the policy view, a *GroupsConfig, the last two).

// Bot runs messenger-neutral events; *bot.Bot implements it. Claim is
// for what the adapter answers itself (help, a form): it takes the
// event's claim first, so a redelivery is answered once. Failure logs an
// internal failure of the adapter's own (a form that cannot be checked)
// under a reference the person is shown.
type Bot interface {
	Handle(ctx context.Context, ev chat.Event) chat.Outcome
	Claim(ctx context.Context, ev chat.Event) (chat.Outcome, bool)
	Failure(ctx context.Context, what string, err error, args ...any) chat.Refusal
}

// CardSource draws a CSR's card and the actions a person may take on it,
// for the live card (keeper.go) and the App Home (home.go); *bot.Bot
// implements it.
type CardSource interface {
	Card(ctx context.Context, a csr.Actor, c csr.CSR, svc csr.Service) (chat.Card, []chat.Action, error)
}

// Grammar is the command grammar as the adapter needs it: the help text
// (inbound.go), and the check of what a form will run before it closes
// (modals.go, rework_forms.go); *bot.Bot implements it.
type Grammar interface {
	Help() chat.Help
	Check(ctx context.Context, ev chat.Event) error
}

// CSRs reads CSRs: for the live card and direct messages (keeper.go,
// notify.go), forms (modals.go, rework_forms.go), the check of a click
// (inbound.go) and the App Home (home.go). *redisstore.Store implements
// it.
type CSRs interface {
	Get(ctx context.Context, id csr.ID) (csr.CSR, error)
	List(ctx context.Context, f store.Filter) ([]csr.CSR, error)
}

// CardRefs remember where the adapter's messages about a CSR are (its
// live card, its approvers' direct messages), so that any replica can
// update them; the card keeper (keeper.go) is their only user.
// ClaimSlackRef sets a field only when it is unset: one replica posts the
// card. *redisstore.Store implements it.
type CardRefs interface {
	SlackRefs(ctx context.Context, id csr.ID) (map[string]string, error)
	SetSlackRef(ctx context.Context, id csr.ID, field, value string) error
	ClaimSlackRef(ctx context.Context, id csr.ID, field, value string) (bool, error)
	DeleteSlackRef(ctx context.Context, id csr.ID, field string) error
}

// People maps Slack users to configured people and back, and says who is
// an admin and what language a person chose (language.go, the mentions
// of a command, forms, direct messages, the App Home). *config.Config and
// *GroupsConfig implement it.
type People interface {
	SlackID(p csr.Person) string
	PersonBySlackID(id string) (csr.Person, bool)
	IsAdmin(p csr.Person) bool
	// PersonLanguage is a person's own language, "" when not set (see
	// languageOf).
	PersonLanguage(p csr.Person) string
}

// Services is the installation as the adapter shows it: its services with
// their approvers, the CSR prefix, the time zone and the language of
// channel messages. A *GroupsConfig implements it (its approvers follow
// Slack user groups); a plain *config.Config is wrapped in one.
type Services interface {
	Services() []csr.Service
	Service(name string) (csr.Service, bool)
	Prefix() string
	Location() *time.Location
	Language() string
}

// Options build an Adapter.
type Options struct {
	Settings Settings
	// Bot, Cards and Grammar are the runtime: the app's *bot.Bot for all
	// three.
	Bot     Bot
	Cards   CardSource
	Grammar Grammar
	// CSRs and Refs are the store: the app's *redisstore.Store for both.
	CSRs CSRs
	Refs CardRefs
	// People and Services are the configuration: the *GroupsConfig the
	// app applies too (see NewGroupsConfig) for both. A plain
	// *config.Config as Services is wrapped in a GroupsConfig of its own.
	People   People
	Services Services
	Clock    clock.Clock
	Log      *slog.Logger
	// Catalog renders every sentence in the installation's language
	// (Services.Language(); default: that language's msg catalog): channel
	// messages, and what a person reads alone when their language is it.
	// What a person reads alone in another language comes from msg's
	// catalog of that language.
	Catalog msg.Catalog
	// Command is the slash command's name, for help texts (default
	// "/release"); requests are accepted under whatever name Slack sends.
	Command string
	// Workers run commands after the acknowledgement (default 16); Queue
	// is how many may wait for a worker (default 1024) before new requests
	// are answered "busy".
	Workers, Queue int
	// HTTPClient makes the Web API and response_url calls (default: 30 s
	// timeout).
	HTTPClient *http.Client
	// Wait waits out a rate limit; nil waits in real time. Tests record it.
	Wait func(ctx context.Context, d time.Duration) error
}

// Adapter is the Slack messenger. Create it with New from the app's bot
// (app.Options.Messenger), which then delivers its notices and redraws
// through it (Notify, Redraw); serve it with NewHTTPHandler or
// RunSocketMode, and Close it to drain the work in flight.
type Adapter struct {
	bot      Bot
	cards    CardSource
	grammar  Grammar
	csrs     CSRs
	people   People        // set by New, never replaced: workers read it
	services Services      // as people
	groups   *GroupsConfig // services, when it is one
	clock    clock.Clock
	log      *slog.Logger
	api      *webAPI
	r        renderer // in the installation's language; rendererIn for another
	lang     string   // the installation's language
	locales  *locales // people's Slack languages
	command  string

	botMu   sync.RWMutex
	botUser string // the bot's own user id, learned by Identify

	base    context.Context
	cancel  context.CancelFunc
	jobs    chan func(context.Context)
	workers sync.WaitGroup
	closeMu sync.RWMutex
	closed  bool
	pending atomic.Int64 // jobs queued or running
	// background is work of the adapter's own (refreshing user groups).
	background sync.WaitGroup
	// quick bounds and counts the deadline-bound jobs run beside the pool.
	quick   chan struct{}
	quickWG sync.WaitGroup

	keeper *keeper
	socket socketState // the Socket Mode connection, for SocketReady

	// The help and busy acknowledgements never change: rendered once per
	// language, as they are answered on the request's own goroutine.
	acksMu   sync.Mutex
	helpAcks map[string]responseMessage // language -> help of the configured command
	busyAcks map[string]responseMessage // language -> busy answer
}

// New builds the adapter and starts its workers.
func New(o Options) (*Adapter, error) {
	if o.Settings.BotToken.IsZero() {
		return nil, missing(EnvBotToken)
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	if o.Command == "" {
		o.Command = "/release"
	}
	if o.Workers <= 0 {
		o.Workers = 16
	}
	if o.Queue <= 0 {
		o.Queue = 1024
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Wait == nil {
		o.Wait = clock.Sleep
	}
	if o.Catalog == nil {
		o.Catalog = msg.CatalogFor(o.Services.Language())
	}
	if cfg, ok := o.Services.(*config.Config); ok {
		o.Services = NewGroupsConfig(cfg)
	}
	groups, _ := o.Services.(*GroupsConfig)
	opts := []slackapi.Option{slackapi.OptionHTTPClient(o.HTTPClient)}
	if o.Settings.APIURL != "" {
		opts = append(opts, slackapi.OptionAPIURL(o.Settings.APIURL))
	}
	if !o.Settings.AppToken.IsZero() {
		opts = append(opts, slackapi.OptionAppLevelToken(o.Settings.AppToken.Reveal()))
	}
	base, cancel := context.WithCancel(context.Background())
	a := &Adapter{
		bot: o.Bot, cards: o.Cards, grammar: o.Grammar, csrs: o.CSRs, people: o.People, services: o.Services,
		groups: groups, clock: o.Clock, log: o.Log,
		api: &webAPI{c: slackapi.New(o.Settings.BotToken.Reveal(), opts...), http: o.HTTPClient, wait: o.Wait, log: o.Log,
			origins: responseOrigins(o.Settings.APIURL)},
		r:       renderer{cat: o.Catalog, loc: o.Services.Location(), slackID: o.People.SlackID, command: o.Command},
		lang:    o.Services.Language(),
		command: o.Command,
		base:    base,
		cancel:  cancel,
		jobs:    make(chan func(context.Context), o.Queue),
		quick:   make(chan struct{}, 64),
	}
	a.locales = newLocales(a.api, a.clock, a.log)
	a.keeper = newKeeper(a, o.Refs)
	for range o.Workers {
		a.workers.Add(1)
		go a.work()
	}
	return a, nil
}

// Identify asks Slack who the bot is (auth.test): it proves the token
// works before the bot starts serving, and lets the bot ignore its own
// mentions and messages.
func (a *Adapter) Identify(ctx context.Context) error {
	var id string
	err := a.api.call(ctx, "auth.test", true, func(ctx context.Context) error {
		resp, err := a.api.c.AuthTestContext(ctx)
		if err == nil {
			id = resp.UserID
		}
		return err
	})
	if err != nil {
		return err
	}
	a.botMu.Lock()
	a.botUser = id
	a.botMu.Unlock()
	return nil
}

func (a *Adapter) self() string {
	a.botMu.RLock()
	defer a.botMu.RUnlock()
	return a.botUser
}

func (a *Adapter) work() {
	defer a.workers.Done()
	for job := range a.jobs {
		a.safely(job)
		a.pending.Add(-1)
	}
}

// safely runs a job; a panic in one command must not take down the
// process serving everyone else.
func (a *Adapter) safely(job func(context.Context)) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("slack job panicked", "panic", p)
		}
	}()
	ctx, cancel := context.WithTimeout(a.base, 5*time.Minute)
	defer cancel()
	job(ctx)
}

// submit queues work to run after the acknowledgement. It never blocks:
// false means the queue is full (or the adapter closing) and the request
// should be answered "busy".
func (a *Adapter) submit(job func(context.Context)) bool {
	a.closeMu.RLock()
	defer a.closeMu.RUnlock()
	if a.closed {
		return false
	}
	a.pending.Add(1)
	select {
	case a.jobs <- job:
		return true
	default:
		a.pending.Add(-1)
		return false
	}
}

// soon runs short, deadline-bound work (opening a form must happen within
// its trigger's 3 seconds) beside the pool, so that it never waits behind
// queued commands; when too many run already it queues like the rest.
func (a *Adapter) soon(job func(context.Context)) bool {
	select {
	case a.quick <- struct{}{}:
	default:
		return a.submit(job)
	}
	a.closeMu.RLock()
	defer a.closeMu.RUnlock()
	if a.closed {
		<-a.quick
		return false
	}
	a.pending.Add(1)
	a.quickWG.Add(1)
	go func() {
		defer func() {
			a.pending.Add(-1)
			a.quickWG.Done()
			<-a.quick
		}()
		a.safely(job)
	}()
	return true
}

// Close stops taking work, finishes what was acknowledged and the card
// updates it caused, and gives up when ctx ends.
func (a *Adapter) Close(ctx context.Context) error {
	a.closeMu.Lock()
	if !a.closed {
		a.closed = true
		close(a.jobs)
	}
	a.closeMu.Unlock()
	done := make(chan struct{})
	go func() {
		a.workers.Wait()
		a.quickWG.Wait()
		a.keeper.wait()
		close(done)
	}()
	defer func() {
		a.cancel()
		a.background.Wait()
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Flush waits until the queued work and the card updates it caused are
// done: for tests and orderly shutdowns.
func (a *Adapter) Flush(ctx context.Context) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if a.pending.Load() == 0 && a.keeper.idle() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// target is where an answer goes.
type target struct {
	responseURL string // preferred: answers a slash command or a click
	replace     bool   // replace the message the click came from
	channel     string
	user        string
	threadTS    string
	ephemeral   bool // only the user sees it
	dm          bool // channel is a direct message: post normally
	cardless    bool // the live card shows the change: send only the texts
}

// run hands one event to the bot and sends the answer.
func (a *Adapter) run(ctx context.Context, ev chat.Event, to target) {
	out := a.bot.Handle(ctx, ev)
	if out.Duplicate {
		return
	}
	if out.Reply.Refusal != nil && ev.Click {
		to.replace = false // keep the message clicked; say why beside it
	}
	a.reply(ctx, to, out.Reply)
}

// once claims a delivery the adapter answers itself; false: answered
// already (or the claim failed, and the person was told).
func (a *Adapter) once(ctx context.Context, key, user string, to target) bool {
	out, first := a.bot.Claim(ctx, chat.Event{Key: key, User: user})
	if !first && !out.Duplicate {
		a.reply(ctx, to, out.Reply)
	}
	return first
}

// reply sends an answer where it belongs: the response_url when there is
// one, else an ephemeral message, a direct message or a thread reply.
func (a *Adapter) reply(ctx context.Context, to target, rep chat.Reply) {
	if to.cardless {
		rep.Card, rep.Actions = nil, nil
	}
	ephemeral := to.ephemeral || rep.Private
	r := a.r // a channel reads the installation's language
	if to.user != "" && (ephemeral || to.dm || to.channel == "") {
		r = a.reader(ctx, to.user)
	}
	text, blocks := r.Reply(rep)
	if text == "" && len(blocks) == 0 {
		return
	}
	if to.responseURL != "" {
		kind := "in_channel"
		if ephemeral {
			kind = "ephemeral"
		}
		err := a.api.respond(ctx, to.responseURL, responseMessage{ResponseType: kind, Text: text, Blocks: blocks, ReplaceOriginal: to.replace})
		if err == nil {
			return
		}
		a.log.WarnContext(ctx, "answer by response_url failed; trying the Web API", "err", err)
	}
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(text, false), slackapi.MsgOptionBlocks(blocks...)}
	var err error
	switch {
	case to.dm:
		if to.threadTS != "" {
			opts = append(opts, slackapi.MsgOptionTS(to.threadTS))
		}
		_, _, err = a.api.post(ctx, to.channel, opts...)
	case ephemeral && to.channel != "" && to.user != "":
		if to.threadTS != "" {
			opts = append(opts, slackapi.MsgOptionTS(to.threadTS))
		}
		err = a.api.ephemeral(ctx, to.channel, to.user, opts...)
	case to.channel != "":
		if to.threadTS != "" {
			opts = append(opts, slackapi.MsgOptionTS(to.threadTS))
		}
		_, _, err = a.api.post(ctx, to.channel, opts...)
	case to.user != "":
		_, _, err = a.api.post(ctx, to.user, opts...)
	default:
		err = errors.New("no place to answer")
	}
	if err != nil {
		a.log.ErrorContext(ctx, "answer not delivered", "user", to.user, "channel", to.channel, "err", err)
	}
}

// busy is the answer to user when the work queue is full: nothing was
// done. Its blocks are shared: encode them, never change them.
func (a *Adapter) busy(user string) responseMessage {
	lang := a.languageNow(user)
	a.acksMu.Lock()
	defer a.acksMu.Unlock()
	if m, ok := a.busyAcks[lang]; ok {
		return m
	}
	text := a.rendererIn(lang).t(msg.T(msg.SlackBusy))
	m := encoded(responseMessage{ResponseType: "ephemeral", Text: text, Blocks: []slackapi.Block{section(text)}})
	if a.busyAcks == nil {
		a.busyAcks = map[string]responseMessage{}
	}
	a.busyAcks[lang] = m
	return m
}
