// Command releasebot runs the release bot: the console rehearsal (the
// default without a Slack token), config checks, and the Slack transports
// (serve.go). This file only wires parts together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/config"
	"releasebot/integrations/console"
	"releasebot/integrations/deploy"
	"releasebot/internal/clock"
	"releasebot/internal/logging"
)

func main() {
	deploy.SuperviseIfAsked() // a command deploy's supervisor: it runs the deploy and exits here
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	verb := "console"
	if os.Getenv("SLACK_BOT_TOKEN") != "" {
		verb = "serve"
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		verb, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		verb, args = "help", args[1:]
	}
	switch verb {
	case "console":
		return runConsole(ctx, args, stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args, stdout, stderr)
	case "config":
		return runConfig(args, stdout, stderr)
	case "healthcheck":
		return runHealthcheck(ctx, args, stdout, stderr)
	case "doctor":
		return runDoctor(ctx, args, stdout, stderr, os.Getenv)
	case "audit":
		return runAudit(ctx, args, stdout, stderr, os.Getenv)
	case "stats":
		return runStats(ctx, args, stdout, stderr, os.Getenv, time.Now())
	case "version":
		return runVersion(stdout)
	case "help":
		return runHelp(args, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "releasebot: unknown command %q\n", verb)
		printUsage(stderr)
		return 2
	}
}

func runConfig(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") || len(args) == 2 && args[0] == "check" && (args[1] == "-h" || args[1] == "--help") {
		s, _ := lookupSubcommand("config check")
		printSubcommandHelp(stdout, s)
		return 0
	}
	if len(args) != 2 || args[0] != "check" {
		fmt.Fprint(stderr, "usage: releasebot config check FILE\n")
		return 2
	}
	if _, err := config.Load(args[1]); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok\n", args[1])
	return 0
}

func runConsole(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("console", stderr)
	cf := declareConsole(fs)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	cfgPath, script := cf.config, cf.script
	log, err := newLogger(stderr, "text", "warn")
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: %v\n", err)
		return 2
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	out := console.NewOut(stdout)
	clk := &clock.Offset{}
	a, err := app.New(ctx, app.Options{Config: cfg, Clock: clk, RedisURL: os.Getenv("REDIS_URL"), Prefix: os.Getenv("REDIS_PREFIX"), Log: log,
		Doctor:   diagnoser{cfg},
		Notifier: func(r console.Renderer) bot.Notifier { return console.Notifier{Out: out, Render: r} }})
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: %v\n", err)
		return 1
	}
	defer a.Close()
	con := console.New(a.Bot, a.Runner, cfg, a.Renderer, out, clk)
	con.AfterClock = a.TickSchedules             // `clock` runs the schedules that fell due
	con.Ephemeral = os.Getenv("REDIS_URL") == "" // the embedded store: leaving loses it
	if *script == "" {
		if err := con.Interactive(ctx, stdin); err != nil {
			fmt.Fprintf(stderr, "releasebot: %v\n", err)
			return 1
		}
		a.Runner.Wait()
		return 0
	}
	f, err := os.Open(*script)
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: %v\n", err)
		return 1
	}
	defer f.Close()
	if err := con.Script(ctx, *script, f); err != nil {
		var se *console.ScriptError
		if errors.As(err, &se) {
			fmt.Fprintf(stderr, "releasebot: script error: %v\n", err)
			return 3
		}
		fmt.Fprintf(stderr, "releasebot: %v\n", err)
		return 1
	}
	return 0
}

type consoleFlags struct{ config, script *string }

func declareConsole(fs *flag.FlagSet) consoleFlags {
	return consoleFlags{
		config: fs.String("config", defaultConfigPath(), "config file (default: $RELEASEBOT_CONFIG, else config.yaml, else config.example.yaml)"),
		script: fs.String("script", "", "run this rehearsal script instead of reading the terminal"),
	}
}

func declareHealthcheck(fs *flag.FlagSet) *string {
	return fs.String("url", "http://127.0.0.1:3000/livez", "liveness endpoint of the running bot (/readyz for readiness)")
}

func defaultConfigPath() string {
	if p := os.Getenv("RELEASEBOT_CONFIG"); p != "" {
		return p
	}
	if _, err := os.Stat("config.yaml"); err == nil {
		return "config.yaml"
	}
	return "config.example.yaml"
}

// newLogger reads LOG_FORMAT and LOG_LEVEL (an unknown value is an error
// naming the allowed ones); no line shows a secret variable's value.
func newLogger(w io.Writer, defFormat, defLevel string) (*slog.Logger, error) {
	return logging.FromEnv(w, os.Getenv, defFormat, defLevel, app.SecretVars...)
}

// runHealthcheck asks a running bot's /livez (or --url, e.g. /readyz), so a
// container without curl can be health-checked by the binary itself.
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("healthcheck", stderr)
	url := declareHealthcheck(fs)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: healthcheck: %v\n", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "releasebot: healthcheck: %s answered %s\n", *url, resp.Status)
		return 1
	}
	return 0
}
