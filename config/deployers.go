package config

import (
	"net/url"
	"regexp"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"
)

// DeployerKinds holds the settings of the deployer kinds beyond fake. Each
// kind reads only its own; secrets (GitHub credentials, the webhook
// signing secret) come from the environment, never from here.
type DeployerKinds struct {
	// command: the program and its arguments, exactly as run (no shell).
	Argv      []string
	Dir       string
	TailLines int      // how many last output lines to keep on the run (default 20)
	PassEnv   []string // variables of the bot's environment the program may see

	// webhook
	URL         string // where the run is POSTed
	StatusURL   string // polled for the result; "{run}" is replaced by the run id
	CallbackURL string // the bot's callback endpoint, told to the receiver

	// github-actions and github-deployment
	Workflow    string            // github-actions: workflow file name (deploy.yml) or id
	Inputs      map[string]string // github-actions: extra workflow inputs
	Environment string            // the GitHub environment name (default: the releasebot environment's)
	Task        string            // github-deployment: the deployment task (default "deploy")
	// ApproveReviews (github-actions): when the workflow run waits for the
	// environment's required reviewers, the bot approves it in the name of
	// the final chat approval.
	ApproveReviews bool
	// ReviewTimeout (github-actions): how long a run may wait for the
	// environment's required reviewers before the bot cancels it; that
	// wait does not count against Timeout. 0: 24h.
	ReviewTimeout time.Duration

	// Timeout: how long a run may take. github-actions: then the run is
	// cancelled on GitHub, and its final conclusion recorded.
	Timeout time.Duration
	Poll    time.Duration // how often the run's state is polled
}

var (
	envNamePat   = pattern{regexp.MustCompile(`^[A-Z_][A-Z0-9_]{0,63}$`), "an environment variable name like AWS_PROFILE"}
	workflowPat  = pattern{regexp.MustCompile(`^([A-Za-z0-9_.-]+\.ya?ml|[0-9]+)$`), "a workflow file name like deploy.yml, or a workflow id"}
	inputNamePat = pattern{regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,99}$`), "a workflow input name"}
	ghEnvPat     = pattern{regexp.MustCompile(`^[^\x00-\x1f/]{1,255}$`), "a GitHub environment name"}
)

// reservedInputs are the workflow inputs the bot always sets
// (integrations/github.BotInputs).
var reservedInputs = []string{"releasebot_run", "csr", "environment", "sha"}

func decodeCommand(d *decoder, f map[string]*yaml.Node, path string, dep *Deployer) {
	items, ok := d.list(f["argv"], join(path, "argv"))
	if ok && len(items) == 0 {
		d.errorf(f["argv"], join(path, "argv"), "must name the program, e.g. [./deploy.sh, --verbose]")
	}
	for i, it := range items {
		if s, ok := d.text(it, elem(join(path, "argv"), i)); ok {
			dep.Argv = append(dep.Argv, s)
		}
	}
	dep.Dir, _ = d.text(f["dir"], join(path, "dir"))
	dep.Timeout = d.duration(f["timeout"], join(path, "timeout"))
	if n, ok := d.integer(f["tail_lines"], join(path, "tail_lines")); ok {
		if n < 1 || n > 200 {
			d.errorf(f["tail_lines"], join(path, "tail_lines"), "must be between 1 and 200")
		}
		dep.TailLines = n
	}
	envs, _ := d.list(f["pass_env"], join(path, "pass_env"))
	for i, it := range envs {
		if s, ok := d.match(it, elem(join(path, "pass_env"), i), envNamePat); ok {
			dep.PassEnv = append(dep.PassEnv, s)
		}
	}
}

func decodeWebhook(d *decoder, f map[string]*yaml.Node, path string, dep *Deployer) {
	dep.URL = d.httpURL(f["url"], join(path, "url"))
	dep.StatusURL = d.httpURL(f["status_url"], join(path, "status_url"))
	dep.CallbackURL = d.httpURL(f["callback_url"], join(path, "callback_url"))
	dep.Timeout = d.duration(f["timeout"], join(path, "timeout"))
	dep.Poll = d.duration(f["poll"], join(path, "poll"))
	// Without either, the bot never learns how a run ended: every run
	// would wait out its timeout and fail.
	if f != nil && isNull(f["status_url"]) && isNull(f["callback_url"]) {
		d.errorf(f["kind"], join(path, "status_url"), "a webhook deployer needs a way to learn each run's result: status_url (the bot polls it) "+
			"or callback_url (the endpoint reports to the bot's /deploy/callback, signed with DEPLOY_WEBHOOK_SECRET)")
	}
}

func decodeActions(d *decoder, f map[string]*yaml.Node, path string, dep *Deployer) {
	dep.Workflow, _ = d.match(f["workflow"], join(path, "workflow"), workflowPat)
	keys, vals, _ := d.entries(f["inputs"], join(path, "inputs"), "a mapping of workflow input name to value")
	for i, k := range keys {
		p := join(join(path, "inputs"), k.Value)
		name, ok := d.match(k, p, inputNamePat)
		if ok && slices.Contains(reservedInputs, name) {
			d.errorf(k, p, "input %q is set by the bot (it sets %v)", name, reservedInputs)
			continue
		}
		if ok && name == "ref" {
			// The bot used to send the branch as "ref"; it now dispatches
			// on a tag at the exact commit and sends that commit as "sha".
			d.errorf(k, p, "input \"ref\" is no longer sent: the workflow runs on a tag at the exact commit being deployed, "+
				"given to it as input \"sha\"; remove \"ref\" from the inputs and from the workflow")
			continue
		}
		if v, ok := d.text(vals[i], p); ok && name != "" {
			if dep.Inputs == nil {
				dep.Inputs = map[string]string{}
			}
			dep.Inputs[name] = v
		}
	}
	if len(dep.Inputs)+len(reservedInputs) > 10 {
		d.errorf(f["inputs"], join(path, "inputs"), "GitHub accepts at most 10 workflow inputs and the bot sets %d of them", len(reservedInputs))
	}
	dep.ReviewTimeout = d.duration(f["review_timeout"], join(path, "review_timeout"))
	decodeGitHubCommon(d, f, path, dep)
}

func decodeDeployment(d *decoder, f map[string]*yaml.Node, path string, dep *Deployer) {
	dep.Task, _ = d.text(f["task"], join(path, "task"))
	decodeGitHubCommon(d, f, path, dep)
}

func decodeGitHubCommon(d *decoder, f map[string]*yaml.Node, path string, dep *Deployer) {
	dep.Environment, _ = d.match(f["environment"], join(path, "environment"), ghEnvPat)
	if _, ok := f["approve_reviews"]; ok {
		dep.ApproveReviews = d.boolean(f["approve_reviews"], join(path, "approve_reviews"))
	}
	dep.Timeout = d.duration(f["timeout"], join(path, "timeout"))
	dep.Poll = d.duration(f["poll"], join(path, "poll"))
}

// httpURL reads an absolute http(s) URL.
func (d *decoder) httpURL(n *yaml.Node, path string) string {
	s, ok := d.text(n, path)
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		d.errorf(n, path, "%q is not an absolute http(s) URL", s)
		return ""
	}
	if u.User != nil {
		d.errorf(n, path, "must not carry credentials; %s", fromEnv)
		return ""
	}
	return s
}
