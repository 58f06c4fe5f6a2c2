package main

// `serve` wires, in this order, each part once and only with what it
// calls:
//
//	config, Slack settings, the user-group policy
//	→ app.New: store → effects → deploy queue → handler → bot
//	  → the Slack adapter (app.Options.Messenger: built from the bot,
//	    the handler and the store; the effects notify through it)
//	→ Identify (Slack accepts the token) → a.Start (deploy worker,
//	  scheduler) → HTTP routes and Socket Mode hand Slack's requests to
//	  the adapter, which hands them to the bot.
//
// Nothing built is changed afterwards; app.New says why its effects are
// completed inside it.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"releasebot/app"
	"releasebot/config"
	"releasebot/integrations/slack"
	"releasebot/msg"
)

type serveFlags struct {
	config, listen, command *string
	workers                 *int
}

func declareServe(fs *flag.FlagSet) serveFlags {
	return serveFlags{
		config:  fs.String("config", defaultConfigPath(), "config file (default: $RELEASEBOT_CONFIG, else config.yaml, else config.example.yaml)"),
		listen:  fs.String("listen", ":3000", "address of the HTTP endpoints (/slack/*, /livez, /readyz, /metrics, webhooks)"),
		command: fs.String("command", "/release", "the slash command's name, as configured in the Slack app"),
		workers: fs.Int("workers", 16, "commands run at once after Slack is acknowledged"),
	}
}

// runServe runs the bot in Slack: Socket Mode when SLACK_APP_TOKEN is set,
// else Slack's HTTP requests on --listen. Either way --listen also serves
// /healthz and the deploy webhooks.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", stderr)
	f := declareServe(fs)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	cfgPath, listen, command, workers := f.config, f.listen, f.command, f.workers
	log, err := newLogger(stderr, "json", "info")
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: %v\n", err)
		return 2
	}
	settings, err := slack.SettingsFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: %v\n", err)
		return 1
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		log.Warn("REDIS_URL is not set: using an embedded in-memory Redis; every CSR is lost when the bot stops, and replicas cannot share it")
	}
	// Approval steps naming a group that follows a Slack user group take
	// its current members: one view for the commands, the effects, the
	// deploy queue, the scheduler's reminders and the adapter alike.
	policy := slack.NewGroupsConfig(cfg)
	// app.New builds the store, the effects, the deploy queue, the
	// handler and the bot, then the Slack adapter from them (the closure
	// below); the effects deliver through that adapter. Deferred: no
	// deploy worker or scheduler runs (no job is claimed, no lease taken,
	// no notice sent) until Slack has accepted the token; a.Start below.
	var ad *slack.Adapter
	a, err := app.New(ctx, app.Options{Config: cfg, Policy: policy, Defer: true, RedisURL: redisURL,
		Prefix: os.Getenv("REDIS_PREFIX"), Log: log, Doctor: diagnoser{cfg},
		Messenger: func(p app.Parts) (app.Messenger, error) {
			var err error
			ad, err = slack.New(slack.Options{Settings: settings, Bot: p.Bot, Cards: p.Bot, Grammar: p.Bot,
				CSRs: p.Store, Refs: p.Store, People: policy, Services: policy, Clock: p.Clock, Log: log, Command: *command, Workers: *workers,
				Catalog:    msg.CatalogFor(cfg.Language()),
				HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: p.Metrics.Transport("slack", nil)}})
			return ad, err
		}})
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: %v\n", err)
		return 1
	}
	defer a.Close()
	idCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	err = ad.Identify(idCtx)
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: Slack did not accept %s (auth.test): %v\n", slack.EnvBotToken, err)
		return 1
	}
	ad.FollowGroups(ctx, policy, 5*time.Minute)
	a.Start(ctx)

	mux := http.NewServeMux()
	a.Routes(mux)
	if !settings.SocketMode() {
		mux.Handle("/slack/", slack.NewHTTPHandler(ad, slack.NewVerifier(settings.SigningSecret, nil)))
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: listen on %s: %v\n", *listen, err)
		return 1
	}
	srv := &http.Server{Handler: a.Metrics.Middleware(mux), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	failed := make(chan error, 2)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			failed <- fmt.Errorf("http server: %w", err)
		}
	}()
	mode := "http"
	if settings.SocketMode() {
		mode = "socket"
		a.AddReadiness("slack socket mode", ad.SocketReady)
		go func() {
			if err := ad.RunSocketMode(ctx); err != nil {
				failed <- err
			}
		}()
	}
	log.Info("releasebot serving Slack", "mode", mode, "listen", ln.Addr().String(), "command", *command)

	code := 0
	select {
	case <-ctx.Done():
	case err := <-failed:
		fmt.Fprintf(stderr, "releasebot: %v\n", err)
		code = 1
	}
	stop()
	shutdown, cancelShutdown := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelShutdown()
	if err := srv.Shutdown(shutdown); err != nil {
		log.Warn("http server did not stop cleanly", "err", err)
	}
	if err := ad.Close(shutdown); err != nil {
		log.Warn("slack work left unfinished at shutdown", "err", err)
	}
	return code
}
