package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"
	slackapi "github.com/slack-go/slack"

	"releasebot/config"
	"releasebot/integrations/github"
	"releasebot/integrations/redisstore"
	"releasebot/integrations/slack"
	"releasebot/msg"
)

// Check is one diagnosis: ok, skipped (a warning, or a part not set up),
// or what is wrong and how to fix it.
type Check struct {
	Name string
	OK   bool
	Skip bool
	Text msg.Text
}

// Failed counts the checks that failed.
func Failed(checks []Check) int {
	n := 0
	for _, c := range checks {
		if !c.OK && !c.Skip {
			n++
		}
	}
	return n
}

// Run diagnoses every integration in one go, so "the bot is broken"
// becomes "Redis refuses connections on 127.0.0.1:6379; start it with …":
// the config file at configPath, Redis and the store (REDIS_URL,
// REDIS_PREFIX), Slack and GitHub, reading secrets with getenv. No check
// says a secret.
func Run(ctx context.Context, configPath string, getenv func(string) string) []Check {
	cfg, checks := CheckConfig(configPath)
	return append(checks, RunLoaded(ctx, cfg, getenv)...)
}

// RunLoaded is Run for a bot that has its config already: every check but
// the config file's.
func RunLoaded(ctx context.Context, cfg *config.Config, getenv func(string) string) []Check {
	checks := []Check{CheckRedis(ctx, getenv("REDIS_URL"))}
	checks = append(checks, CheckStore(ctx, getenv("REDIS_URL"), getenv("REDIS_PREFIX"))...)
	checks = append(checks, CheckSlack(ctx, getenv))
	checks = append(checks, CheckGitHub(ctx, cfg, getenv)...)
	return checks
}

// CheckConfig loads and validates the config file.
func CheckConfig(path string) (*config.Config, []Check) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, []Check{{Name: "config", Text: msg.T(msg.DoctorConfigBad, "error", err.Error())}}
	}
	return cfg, []Check{{Name: "config", OK: true, Text: msg.T(msg.DoctorConfigOK, "file", path,
		"services", fmt.Sprint(len(cfg.ServiceNames())), "people", fmt.Sprint(len(cfg.People())))}}
}

// CheckRedis reaches Redis and checks its version.
func CheckRedis(ctx context.Context, url string) Check {
	if url == "" {
		return Check{Name: "redis", Skip: true, Text: msg.T(msg.DoctorRedisEmbedded)}
	}
	start := time.Now()
	rdb, err := redisstore.Connect(ctx, url)
	if err != nil {
		return Check{Name: "redis", Text: msg.T(msg.DoctorRedisDown, "error", err.Error())}
	}
	defer rdb.Close()
	info, err := rdb.Info(ctx, "server").Result()
	if err != nil {
		return Check{Name: "redis", Text: msg.T(msg.DoctorRedisDown, "error", err.Error())}
	}
	version := infoField(info, "redis_version")
	// XAUTOCLAIM, which the deploy queue needs to take over jobs of dead
	// processes, arrived in Redis 6.2.
	if version != "" && versionBelow(version, 6, 2) {
		return Check{Name: "redis", Text: msg.T(msg.DoctorRedisOld, "version", version)}
	}
	return Check{Name: "redis", OK: true, Text: msg.T(msg.DoctorRedisOK, "version", version,
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

// CheckSlack checks the bot token (auth.test) and, in Socket Mode, the
// app token and link.
func CheckSlack(ctx context.Context, getenv func(string) string) Check {
	if getenv(slack.EnvBotToken) == "" {
		return Check{Name: "slack", Skip: true, Text: msg.T(msg.DoctorSlackOff)}
	}
	s, err := slack.SettingsFromEnv(getenv)
	if err != nil {
		return Check{Name: "slack", Text: msg.T(msg.DoctorSlackBad, "error", err.Error())}
	}
	var opts []slackapi.Option
	if s.APIURL != "" {
		opts = append(opts, slackapi.OptionAPIURL(s.APIURL))
	}
	who, err := slackapi.New(s.BotToken.Reveal(), opts...).AuthTestContext(ctx)
	if err != nil {
		return Check{Name: "slack", Text: msg.T(msg.DoctorSlackBad, "error", "auth.test: "+err.Error())}
	}
	mode := "HTTP"
	if s.SocketMode() {
		mode = "Socket Mode"
		if err := slack.ProbeSocketMode(ctx, s); err != nil { // link_disabled, a refused app token
			return Check{Name: "slack", Text: msg.T(msg.DoctorSlackBad, "error", err.Error())}
		}
	}
	return Check{Name: "slack", OK: true, Text: msg.T(msg.DoctorSlackOK, "bot", who.User, "team", who.Team, "mode", mode)}
}

// CheckGitHub authenticates and reads each configured repository that
// deploys through GitHub.
func CheckGitHub(ctx context.Context, cfg *config.Config, getenv func(string) string) []Check {
	s, err := github.SettingsFromEnv(getenv)
	if errors.Is(err, github.ErrNotConfigured) {
		return []Check{{Name: "github", Skip: true, Text: msg.T(msg.DoctorGitHubOff)}}
	}
	if err != nil {
		return []Check{{Name: "github", Text: msg.T(msg.DoctorGitHubBad, "error", err.Error())}}
	}
	client, err := github.NewClient(s)
	if err != nil {
		return []Check{{Name: "github", Text: msg.T(msg.DoctorGitHubBad, "error", err.Error())}}
	}
	if cfg == nil {
		return nil
	}
	var out []Check
	for _, svc := range cfg.Services() {
		owner, repo, _ := strings.Cut(svc.Repo, "/")
		r, _, err := client.Repositories.Get(ctx, owner, repo)
		if err != nil {
			out = append(out, Check{Name: "github", Text: msg.T(msg.DoctorRepoBad, "repo", svc.Repo, "error", redactErr(err))})
			continue
		}
		out = append(out, Check{Name: "github", OK: true, Text: msg.T(msg.DoctorRepoOK, "repo", svc.Repo)})
		for _, env := range svc.Environments {
			dc, ok := cfg.DeployerFor(svc.Name, env)
			if !ok {
				continue
			}
			where := deployerPlace{service: svc.Name, env: env, repo: svc.Repo, owner: owner, name: repo, branch: r.GetDefaultBranch()}
			switch dc.Kind {
			case "github-actions":
				out = append(out, checkWorkflow(ctx, client, where, dc)...)
			case "github-deployment":
				out = append(out, checkEnvironment(ctx, client, where, dc))
			}
		}
	}
	return out
}

// deployerPlace is the service environment a deployer check is about.
type deployerPlace struct {
	service, env, repo string
	owner, name        string // repo split
	branch             string // the repository's default branch
}

// checkWorkflow checks the github-actions contract: the workflow exists
// and is active, and its file on the default branch accepts the bot's
// dispatch (WorkflowContract). Each problem is one line.
func checkWorkflow(ctx context.Context, client *gh.Client, at deployerPlace, dc config.Deployer) []Check {
	bad := func(problem msg.Text) Check {
		return Check{Name: "github", Text: msg.T(msg.DoctorWorkflowBad, "service", at.service, "env", at.env, "workflow", dc.Workflow,
			"repo", at.repo, "problem", msg.English.Render(problem))}
	}
	var wf *gh.Workflow
	var err error
	if id, perr := strconv.ParseInt(dc.Workflow, 10, 64); perr == nil {
		wf, _, err = client.Actions.GetWorkflowByID(ctx, at.owner, at.name, id)
	} else {
		wf, _, err = client.Actions.GetWorkflowByFileName(ctx, at.owner, at.name, dc.Workflow)
	}
	var er *gh.ErrorResponse
	switch {
	case errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound:
		return []Check{bad(msg.T(msg.DoctorWorkflowMissing, "workflow", dc.Workflow))}
	case err != nil:
		return []Check{bad(msg.T(msg.DoctorWorkflowUnreadable, "error", redactErr(err)))}
	case wf.GetState() != "active":
		return []Check{bad(msg.T(msg.DoctorWorkflowInactive, "state", wf.GetState()))}
	}
	file, _, _, err := client.Repositories.GetContents(ctx, at.owner, at.name, wf.GetPath(), &gh.RepositoryContentGetOptions{Ref: at.branch})
	if err != nil {
		return []Check{bad(msg.T(msg.DoctorWorkflowUnreadable, "error", redactErr(err)))}
	}
	text, err := file.GetContent()
	if err != nil {
		return []Check{bad(msg.T(msg.DoctorWorkflowUnreadable, "error", err.Error()))}
	}
	problems := WorkflowContract([]byte(text), dc)
	if len(problems) == 0 {
		return []Check{{Name: "github", OK: true, Text: msg.T(msg.DoctorWorkflowOK, "service", at.service, "env", at.env,
			"workflow", dc.Workflow, "repo", at.repo, "branch", at.branch)}}
	}
	var out []Check
	for _, p := range problems {
		out = append(out, bad(p))
	}
	return out
}

// WorkflowContract checks a workflow file against a github-actions
// deployer: the inputs the deployer sends, the trigger, the run-name.
func WorkflowContract(file []byte, dc config.Deployer) []msg.Text {
	return github.WorkflowProblems(file, (&github.Actions{Inputs: dc.Inputs}).SentInputs())
}

// checkEnvironment checks that a github-deployment deployer's GitHub
// environment exists.
func checkEnvironment(ctx context.Context, client *gh.Client, at deployerPlace, dc config.Deployer) Check {
	name := dc.Environment
	if name == "" {
		name = at.env
	}
	_, _, err := client.Repositories.GetEnvironment(ctx, at.owner, at.name, name)
	var er *gh.ErrorResponse
	switch {
	case errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusNotFound:
		return Check{Name: "github", Text: msg.T(msg.DoctorEnvironmentBad, "service", at.service, "env", at.env, "environment", name, "repo", at.repo)}
	case err != nil:
		return Check{Name: "github", Text: msg.T(msg.DoctorEnvironmentErr, "service", at.service, "env", at.env, "environment", name,
			"repo", at.repo, "error", redactErr(err))}
	}
	return Check{Name: "github", OK: true, Text: msg.T(msg.DoctorEnvironmentOK, "service", at.service, "env", at.env, "environment", name, "repo", at.repo)}
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
