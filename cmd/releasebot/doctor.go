package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	slackapi "github.com/slack-go/slack"

	"releasebot/config"
	"releasebot/integrations/github"
	"releasebot/integrations/redisstore"
	"releasebot/integrations/slack"
	"releasebot/msg"
)

type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

// check is one diagnosis: ok, or what is wrong and how to fix it.
type check struct {
	name string
	ok   bool
	skip bool
	text msg.Text
}

// runDoctor diagnoses every integration in one go, so "the bot is broken"
// becomes "Redis refuses connections on 127.0.0.1:6379; start it with …".
// It exits non-zero when any check fails. It never prints a secret.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", defaultConfigPath(), "config file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	// The checks report failed dials themselves, with what to do.
	redis.SetLogger(quietRedis{})
	cfg, checks := checkConfig(*cfgPath)
	checks = append(checks, checkRedis(ctx, getenv("REDIS_URL")))
	checks = append(checks, checkSlack(ctx, getenv))
	checks = append(checks, checkGitHub(ctx, cfg, getenv)...)
	failed := 0
	for _, c := range checks {
		mark := "✓"
		switch {
		case c.skip:
			mark = "–"
		case !c.ok:
			mark = "✗"
			failed++
		}
		fmt.Fprintf(stdout, "%s %-8s %s\n", mark, c.name, msg.English.Render(c.text))
	}
	if failed > 0 {
		fmt.Fprintln(stdout, msg.English.Render(msg.T(msg.DoctorFailed, "n", fmt.Sprint(failed))))
		return 1
	}
	fmt.Fprintln(stdout, msg.English.Render(msg.T(msg.DoctorAllOK)))
	return 0
}

func checkConfig(path string) (*config.Config, []check) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, []check{{name: "config", text: msg.T(msg.DoctorConfigBad, "error", err.Error())}}
	}
	return cfg, []check{{name: "config", ok: true, text: msg.T(msg.DoctorConfigOK, "file", path,
		"services", fmt.Sprint(len(cfg.ServiceNames())), "people", fmt.Sprint(len(cfg.People())))}}
}

func checkRedis(ctx context.Context, url string) check {
	if url == "" {
		return check{name: "redis", skip: true, text: msg.T(msg.DoctorRedisEmbedded)}
	}
	start := time.Now()
	rdb, err := redisstore.Connect(ctx, url)
	if err != nil {
		return check{name: "redis", text: msg.T(msg.DoctorRedisDown, "error", err.Error())}
	}
	defer rdb.Close()
	info, err := rdb.Info(ctx, "server").Result()
	if err != nil {
		return check{name: "redis", text: msg.T(msg.DoctorRedisDown, "error", err.Error())}
	}
	version := infoField(info, "redis_version")
	// XAUTOCLAIM, which the deploy queue needs to take over jobs of dead
	// processes, arrived in Redis 6.2.
	if version != "" && versionBelow(version, 6, 2) {
		return check{name: "redis", text: msg.T(msg.DoctorRedisOld, "version", version)}
	}
	return check{name: "redis", ok: true, text: msg.T(msg.DoctorRedisOK, "version", version,
		"ms", fmt.Sprintf("%.1f", float64(time.Since(start).Microseconds())/1000))}
}

func infoField(info, key string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), key+":"); ok {
			return v
		}
	}
	return ""
}

func versionBelow(v string, major, minor int) bool {
	var ma, mi int
	if _, err := fmt.Sscanf(v, "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma < major || ma == major && mi < minor
}

func checkSlack(ctx context.Context, getenv func(string) string) check {
	if getenv(slack.EnvBotToken) == "" {
		return check{name: "slack", skip: true, text: msg.T(msg.DoctorSlackOff)}
	}
	s, err := slack.SettingsFromEnv(getenv)
	if err != nil {
		return check{name: "slack", text: msg.T(msg.DoctorSlackBad, "error", err.Error())}
	}
	var opts []slackapi.Option
	if s.APIURL != "" {
		opts = append(opts, slackapi.OptionAPIURL(s.APIURL))
	}
	who, err := slackapi.New(s.BotToken.Reveal(), opts...).AuthTestContext(ctx)
	if err != nil {
		return check{name: "slack", text: msg.T(msg.DoctorSlackBad, "error", "auth.test: "+err.Error())}
	}
	mode := "HTTP"
	if s.SocketMode() {
		mode = "Socket Mode"
	}
	return check{name: "slack", ok: true, text: msg.T(msg.DoctorSlackOK, "bot", who.User, "team", who.Team, "mode", mode)}
}

// checkGitHub authenticates and reads each configured repository that
// deploys through GitHub.
func checkGitHub(ctx context.Context, cfg *config.Config, getenv func(string) string) []check {
	s, err := github.SettingsFromEnv(getenv)
	if errors.Is(err, github.ErrNotConfigured) {
		return []check{{name: "github", skip: true, text: msg.T(msg.DoctorGitHubOff)}}
	}
	if err != nil {
		return []check{{name: "github", text: msg.T(msg.DoctorGitHubBad, "error", err.Error())}}
	}
	client, err := github.NewClient(s)
	if err != nil {
		return []check{{name: "github", text: msg.T(msg.DoctorGitHubBad, "error", err.Error())}}
	}
	if cfg == nil {
		return nil
	}
	var out []check
	for _, svc := range cfg.Services() {
		owner, repo, _ := strings.Cut(svc.Repo, "/")
		if _, _, err := client.Repositories.Get(ctx, owner, repo); err != nil {
			out = append(out, check{name: "github", text: msg.T(msg.DoctorRepoBad, "repo", svc.Repo, "error", redactErr(err))})
			continue
		}
		out = append(out, check{name: "github", ok: true, text: msg.T(msg.DoctorRepoOK, "repo", svc.Repo)})
	}
	return out
}

// redactErr keeps GitHub's answer but not the request URL, which may carry
// an Enterprise host's credentials.
func redactErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return strings.TrimSuffix(s, " []")
}
