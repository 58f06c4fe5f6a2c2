// Package app assembles releasebot from its parts: config, store, bot,
// runner and a messenger's notifier. cmd/releasebot and the end-to-end
// tests build the same thing through it.
//
// New builds in one direction, each part once, with what it calls:
//
//	store → effects (bot.Effects: notices, redraws, deploy runs)
//	      → deploy queue (deployq.Runner, announcing through the effects)
//	      → command handler (commands.Handler, acting through the effects)
//	      → bot (bot.Bot: claims and dispatch to the handler)
//	      → messenger (Options.Messenger, built from the bot: it hands the
//	        bot events and delivers the effects' notices)
//	      → scheduler.
//
// The effects call parts built after them (the queue starts runs, the
// messenger delivers); New completes them with those parts before
// anything can emit (no background work runs before Start).
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"releasebot/bot"
	"releasebot/bot/chat"
	"releasebot/commands"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/deployq"
	"releasebot/integrations/console"
	"releasebot/integrations/deploy"
	"releasebot/integrations/github"
	"releasebot/integrations/redisstore"
	"releasebot/internal/clock"
	"releasebot/internal/logging"
	"releasebot/internal/metrics"
	"releasebot/msg"
	"releasebot/scheduler"
)

// Options choose the parts that differ between runs.
type Options struct {
	Config *config.Config
	// RedisURL selects the store; empty starts an embedded in-memory Redis
	// (state is lost when the process ends).
	RedisURL string
	// Redis, when set, is used instead of RedisURL (tests).
	Redis  redis.UniversalClient
	Prefix string
	Clock  clock.Clock
	Log    *slog.Logger
	// Notifier builds the notifier of a messenger that needs nothing of
	// the app but its renderer (the console). Ignored when Messenger is
	// set.
	Notifier func(r console.Renderer) bot.Notifier
	// Catalog, when set, renders the console's words instead of the
	// config language's catalog: the pseudo-locale test passes one that
	// marks every template, to prove no word bypasses the catalog.
	Catalog msg.Catalog
	// Messenger builds the messenger that hands events to the app's bot
	// (Slack): New calls it once the bot exists, and the effects deliver
	// notices to it and redraw its views of a CSR after every change, a
	// deploy run's progress included.
	Messenger func(p Parts) (Messenger, error)
	// Getenv reads secrets and endpoints (GITHUB_TOKEN, …; see
	// deploys.go); nil means os.Getenv.
	Getenv func(string) string
	// Doctor runs doctor's checks for the `doctor` chat command (cmd
	// wires integrations/doctor; nil: the command says it is not wired).
	Doctor commands.Diagnoser
	// Deploys tunes the deploy queue (timings, consumer name); its store
	// and collaborators are filled in by New.
	Deploys deployq.Options
	// Schedules tunes the scheduler of scheduled deploys and reminders
	// (schedules.go).
	Schedules ScheduleOptions
	// Policy is the service policy every part of the app applies: the
	// command handler, the effects, the deploy queue and the scheduler.
	// nil means Config. A messenger that resolves approvers elsewhere
	// (slack.GroupsConfig follows Slack user groups) passes its view here,
	// so that no part of the bot sees other approvers than the rest.
	Policy Policy
	// Defer: New starts no background work (the deploy worker, the
	// scheduler loop) until Start. A messenger that must be ready before
	// the first notice or lease (cmd/releasebot serve) sets it; the
	// console does not.
	Defer bool
	// Metrics, when set, is the registry the app records in (nil: a new
	// one per App).
	Metrics *metrics.Metrics
}

// Messenger is a messenger the bot's effects talk to: notices and the
// redraws of what it shows of a CSR (slack.Adapter implements it).
type Messenger interface {
	bot.Notifier
	bot.Redrawer
}

// Parts are what a Messenger is built from: the bot, the runtime it hands
// events to and asks for cards, the help and the check of a form (the
// messenger never reaches the command handler itself); the store it reads
// and remembers its messages in; and the app's clock and metrics.
type Parts struct {
	Bot     *bot.Bot
	Store   *redisstore.Store
	Clock   clock.Clock
	Metrics *metrics.Metrics
}

// Policy is the configuration as the bot applies it: *config.Config, or a
// view of it whose approval steps follow a messenger's user groups.
type Policy interface {
	commands.Config          // the command handler; its Service is also the queue's, the scheduler's and the effects'
	Services() []csr.Service // every service: the gauges (gauges.go)
}

// App is a running releasebot.
type App struct {
	Bot      *bot.Bot
	Handler  *commands.Handler
	Runner   *deployq.Runner
	Store    *redisstore.Store
	Renderer console.Renderer
	Clock    clock.Clock
	// Metrics are served on /metrics (Routes); serve also times its HTTP
	// requests and Slack calls with them.
	Metrics *metrics.Metrics

	deploys deployWiring // deploys.go

	// Scheduler runs scheduled deploys and reminders (schedules.go).
	Scheduler *scheduler.Scheduler
	schedules schedules

	mu        sync.Mutex // guards the fields below: Start and Close
	started   bool
	closed    bool
	starters  []func(ctx context.Context) // the background work Start begins
	closers   []func()
	readiness []namedCheck
}

// redisLog sends go-redis's own messages (failed dials) to slog at debug
// level: the store already reports an unreachable Redis with an actionable
// error, and the raw lines would clutter the console.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

var setRedisLogger sync.Once

// New connects the store and wires the bot.
func New(ctx context.Context, o Options) (*App, error) {
	a := &App{Metrics: o.Metrics}
	if a.Metrics == nil {
		a.Metrics = metrics.New()
	}
	if o.Log == nil {
		o.Log = slog.New(logging.Contextual(slog.NewTextHandler(os.Stderr, nil)))
	}
	o.Log = slog.New(logging.Redacting(o.Log.Handler(), secretsOf(o)...))
	setRedisLogger.Do(func() { redis.SetLogger(redisLog{o.Log}) })
	if o.Clock == nil {
		o.Clock = clock.System{}
	}
	a.Clock = o.Clock
	rdb := o.Redis
	if rdb == nil {
		var err error
		if rdb, err = a.connect(ctx, o.RedisURL); err != nil {
			return nil, err
		}
	}
	// Every round trip to Redis is timed, by command kind.
	rdb.AddHook(a.Metrics.RedisHook())
	cfg := o.Config
	if o.Policy == nil {
		o.Policy = cfg
	}
	// The store indexes whose move a CSR in approval waits for from the
	// approval lines (list waiting), and logs a data loss it detects.
	a.Renderer = console.Renderer{Catalog: msg.CatalogFor(cfg.Language()), Loc: cfg.Location()}
	if o.Catalog != nil {
		a.Renderer.Catalog = o.Catalog
	}
	effects := &bot.Effects{Services: o.Policy, Clock: o.Clock, Log: o.Log}
	if o.Messenger == nil {
		effects.Notifier = o.Notifier(a.Renderer)
	}
	observed := observedEffects{Effects: effects, metrics: a.Metrics}
	// A store that lost data is said to the admins too, by the first bot
	// process that finds it.
	alarm := func(ctx context.Context, problem string) {
		if admins := cfg.Admins(); len(admins) > 0 {
			effects.Notice(ctx, chat.Notice{To: admins, Text: msg.T(msg.StoreNoteLost, "problem", problem)})
		}
	}
	a.Store = redisstore.New(rdb, o.Prefix, redisstore.WithServices(o.Policy.Service), redisstore.WithLogger(o.Log),
		redisstore.WithLossAlarm(alarm))
	if err := a.Metrics.WatchQueue(a.Store.QueueStats); err != nil {
		o.Log.WarnContext(ctx, "deploy queue metrics not registered", "err", err)
	}
	// The store's integrity (a Redis restarted empty, a failover that lost
	// writes) is checked at start and every minute, and shown by /readyz.
	a.onStart(func(ctx context.Context) {
		a.background(ctx, func(ctx context.Context) { a.Store.Watch(ctx, time.Minute) })
	})
	a.AddReadiness("store integrity", func(ctx context.Context) error {
		in, err := a.Store.CheckIntegrity(ctx)
		if err != nil {
			return err
		}
		return in.Err()
	})
	refs, err := a.wireDeploys(ctx, o, effects, observed)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Handler = &commands.Handler{Registry: commands.Default(), Store: a.Store, Config: o.Policy, Clock: o.Clock,
		Refs: refs, Effects: observed, Log: o.Log,
		Ops: commands.Ops{Audit: a.Store, Doctor: o.Doctor}}
	a.Bot = &bot.Bot{Handler: a.Handler, Claims: a.Store, People: people{cfg}, Log: o.Log,
		Observer: &observer{log: o.Log, metrics: a.Metrics, people: people{cfg}, registry: a.Handler.Registry,
			prefix: cfg.Prefix(), service: o.Policy.Service, csrService: a.csrService}}
	if o.Messenger != nil {
		m, err := o.Messenger(Parts{Bot: a.Bot, Store: a.Store, Clock: o.Clock, Metrics: a.Metrics})
		if err != nil {
			a.Close()
			return nil, err
		}
		effects.Notifier, effects.Views = m, m
	}
	a.startSchedules(o, cfg, effects)
	for _, err := range a.watchState(o.Policy) {
		if err != nil {
			o.Log.WarnContext(ctx, "state metrics not registered", "err", err)
		}
	}
	if !o.Defer {
		a.Start(ctx)
	}
	return a, nil
}

// Start begins the background work: the deploy worker and, unless
// Schedules.NoLoop, the scheduler loop, which may post notices and take
// the scheduler lease at once. New calls it unless Options.Defer; `serve`
// calls it once Slack has accepted the bot's token and can deliver
// notices. ctx bounds the work; Close stops it. Calling Start again, or
// after Close, does nothing.
func (a *App) Start(ctx context.Context) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started || a.closed {
		return
	}
	a.started = true
	for _, start := range a.starters {
		start(ctx)
	}
}

// onStart registers background work for Start.
func (a *App) onStart(start func(ctx context.Context)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.starters = append(a.starters, start)
}

// background runs work in a goroutine that Close stops and waits for, so
// nothing it logs or touches outlives the App (the Redis client it uses is
// closed after it). Only Start's starters call it: they hold a.mu.
func (a *App) background(ctx context.Context, work func(ctx context.Context)) {
	ctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		work(ctx)
	}()
	a.closers = append(a.closers, func() { stop(); <-done })
}

func (a *App) connect(ctx context.Context, url string) (redis.UniversalClient, error) {
	if url == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return nil, fmt.Errorf("start the embedded in-memory Redis: %w", err)
		}
		a.closers = append(a.closers, mr.Close)
		url = "redis://" + mr.Addr()
	}
	rdb, err := redisstore.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { _ = rdb.Close() })
	return rdb, nil
}

// Routes mounts the app's own HTTP endpoints (webhooks from outside
// systems) on mux. Messenger transports mount theirs beside them.
//
// /livez answers while the process runs: a Redis outage must not get pods
// restarted, it heals by itself. /readyz (and /healthz, its older name)
// answers 503 with one line per failing check while the bot cannot do its
// work: the store unreachable, the deploy worker unable to read its queue,
// or a check another part registered with AddReadiness.
func (a *App) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	ready := func(w http.ResponseWriter, r *http.Request) {
		if problems := a.Readiness(r.Context()); len(problems) > 0 {
			http.Error(w, strings.Join(problems, "\n"), http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	}
	mux.Handle("GET /metrics", a.Metrics.Handler())
	mux.HandleFunc("GET /readyz", ready)
	mux.HandleFunc("GET /healthz", ready)
	a.deployRoutes(mux)
}

// AddReadiness registers a check /readyz runs: nil means ready, an error
// says what is wrong in words an operator can act on (no secrets).
func (a *App) AddReadiness(name string, check func(context.Context) error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.readiness = append(a.readiness, namedCheck{name, check})
}

type namedCheck struct {
	name  string
	check func(context.Context) error
}

// Readiness runs every readiness check and returns a line for each one
// that fails.
func (a *App) Readiness(ctx context.Context) []string {
	var problems []string
	if err := a.Store.Ping(ctx); err != nil {
		problems = append(problems, "store: unreachable")
	}
	if a.Runner != nil {
		if err := a.Runner.Ready(); err != nil {
			problems = append(problems, "deploy worker: "+redact(err))
		}
	}
	a.mu.Lock()
	checks := append([]namedCheck(nil), a.readiness...)
	a.mu.Unlock()
	for _, c := range checks {
		if err := c.check(ctx); err != nil {
			problems = append(problems, c.name+": "+redact(err))
		}
	}
	return problems
}

// redact keeps credentials in URLs out of the readiness answer.
func redact(err error) string { return deploy.Redact(err).Error() }

// Close waits for running deploys and releases connections.
func (a *App) Close() {
	a.mu.Lock()
	a.closed = true // a Start from now on starts nothing
	closers := a.closers
	a.mu.Unlock()
	a.stopSchedules() // first: it may start deploys
	if a.Runner != nil {
		a.Runner.Wait()
	}
	for i := len(closers) - 1; i >= 0; i-- {
		closers[i]()
	}
}

// SecretVars are the environment variables whose values no log line may
// show (cmd/releasebot builds its logger with them too).
var SecretVars = []string{EnvDeployWebhookSecret, github.EnvToken, github.EnvWebhookSecret,
	"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"}

// secretsOf is what the app's logs must never show: the secret variables'
// values and the Redis password.
func secretsOf(o Options) []string {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	var out []string
	for _, v := range SecretVars {
		out = append(out, getenv(v))
	}
	if u, err := url.Parse(o.RedisURL); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			out = append(out, p)
		}
	}
	return out
}

// csrService names the service of a CSR, for a log line.
func (a *App) csrService(ctx context.Context, id csr.ID) (string, bool) {
	c, err := a.Store.Get(ctx, id)
	if err != nil {
		return "", false
	}
	return c.Service, true
}

// people maps console names (and later messenger ids) to persons.
type people struct{ cfg *config.Config }

func (p people) Person(user string) (csr.Person, bool) {
	if id, ok := p.cfg.PersonBySlackID(user); ok {
		return id, true
	}
	if p.cfg.HasPerson(csr.Person(user)) {
		return csr.Person(user), true
	}
	return "", false
}

func (p people) IsAdmin(x csr.Person) bool { return p.cfg.IsAdmin(x) }
