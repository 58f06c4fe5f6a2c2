package config

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/integrations/github"
)

// withDeployer is the example config with billing-api's prod deployer
// replaced.
func withDeployer(t *testing.T, dep string) ([]byte, int) {
	t.Helper()
	data, err := os.ReadFile("../config.example.yaml")
	require.NoError(t, err)
	old := "        deployer: {kind: fake, delay: 3s, outcome: success}\n"
	i := strings.Index(string(data), old)
	require.Positive(t, i)
	line := strings.Count(string(data[:i]), "\n") + 1
	return []byte(strings.Replace(string(data), old, "        deployer: "+dep+"\n", 1)), line
}

func TestDeployerKinds(t *testing.T) {
	cases := []struct {
		name, dep string
		want      Deployer
	}{
		{"command", `{kind: command, argv: [./deploy.sh, --prod], timeout: 15m, tail_lines: 30, pass_env: [AWS_PROFILE], dir: /srv/app}`,
			Deployer{Kind: "command", DeployerKinds: DeployerKinds{Argv: []string{"./deploy.sh", "--prod"}, Timeout: 15 * time.Minute,
				TailLines: 30, PassEnv: []string{"AWS_PROFILE"}, Dir: "/srv/app"}}},
		{"webhook", `{kind: webhook, url: "https://deploy.example.com/h", status_url: "https://deploy.example.com/s/{run}", poll: 5s}`,
			Deployer{Kind: "webhook", DeployerKinds: DeployerKinds{URL: "https://deploy.example.com/h", StatusURL: "https://deploy.example.com/s/{run}", Poll: 5 * time.Second}}},
		{"webhook with callback", `{kind: webhook, url: "https://deploy.example.com/h", callback_url: "https://bot.example.com/deploy/callback"}`,
			Deployer{Kind: "webhook", DeployerKinds: DeployerKinds{URL: "https://deploy.example.com/h", CallbackURL: "https://bot.example.com/deploy/callback"}}},
		{"github-actions", `{kind: github-actions, workflow: deploy.yml, environment: production, inputs: {region: eu}, approve_reviews: true}`,
			Deployer{Kind: "github-actions", DeployerKinds: DeployerKinds{Workflow: "deploy.yml", Environment: "production",
				Inputs: map[string]string{"region": "eu"}, ApproveReviews: true}}},
		{"github-actions with review timeout", `{kind: github-actions, workflow: deploy.yml, timeout: 1h, review_timeout: 8h}`,
			Deployer{Kind: "github-actions", DeployerKinds: DeployerKinds{Workflow: "deploy.yml", Timeout: time.Hour, ReviewTimeout: 8 * time.Hour}}},
		{"github-actions by id", `{kind: github-actions, workflow: "1026390"}`,
			Deployer{Kind: "github-actions", DeployerKinds: DeployerKinds{Workflow: "1026390"}}},
		{"github-deployment", `{kind: github-deployment, task: deploy:migrations}`,
			Deployer{Kind: "github-deployment", DeployerKinds: DeployerKinds{Task: "deploy:migrations"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, _ := withDeployer(t, tc.dep)
			c, err := Parse("c.yaml", data)
			require.NoError(t, err)
			got, ok := c.DeployerFor("billing-api", "prod")
			require.True(t, ok)
			require.Equal(t, tc.want, got)
			svc, _ := c.Service("billing-api")
			require.Equal(t, tc.want.Kind, svc.Deployers["prod"])
		})
	}
}

func TestDeployerProblems(t *testing.T) {
	cases := []struct{ name, dep, field, msg string }{
		{"command without argv", `{kind: command}`, "argv", "is required"},
		{"command with empty argv", `{kind: command, argv: []}`, "argv", "must name the program"},
		{"bad tail", `{kind: command, argv: [x], tail_lines: 0}`, "tail_lines", "between 1 and 200"},
		{"bad env name", `{kind: command, argv: [x], pass_env: ["lower case"]}`, "pass_env[0]", "environment variable name"},
		{"webhook url with password", `{kind: webhook, url: "https://u:p@deploy.example.com/h", status_url: "https://deploy.example.com/s"}`, "url", "must not carry credentials"},
		{"webhook url relative", `{kind: webhook, url: "/hook", callback_url: "https://bot.example.com/deploy/callback"}`, "url", "not an absolute http(s) URL"},
		{"webhook secret in file", `{kind: webhook, url: "https://x.example.com", secret: abc, status_url: "https://x.example.com/s"}`, "secret", "secrets must not be in the config file"},
		{"webhook that never learns the result", `{kind: webhook, url: "https://x.example.com/h", timeout: 1h}`, "status_url",
			"needs a way to learn each run's result: status_url (the bot polls it) or callback_url"},
		{"webhook with a null callback", `{kind: webhook, url: "https://x.example.com/h", callback_url: null}`, "status_url", "needs a way to learn"},
		{"workflow not a file", `{kind: github-actions, workflow: deploy.sh}`, "workflow", "workflow file name"},
		{"reserved input", `{kind: github-actions, workflow: d.yml, inputs: {releasebot_run: x}}`, "inputs.releasebot_run", "set by the bot"},
		{"the commit is the bot's", `{kind: github-actions, workflow: d.yml, inputs: {sha: x}}`, "inputs.sha", "set by the bot"},
		{"ref is gone", `{kind: github-actions, workflow: d.yml, inputs: {ref: main}}`, "inputs.ref", `input "ref" is no longer sent`},
		{"review timeout on deployments", `{kind: github-deployment, review_timeout: 1h}`, "review_timeout", "unknown field"},
		{"approve on deployments", `{kind: github-deployment, approve_reviews: true}`, "approve_reviews", "unknown field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, line := withDeployer(t, tc.dep)
			_, err := Parse("c.yaml", data)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Problems, 1, "%v", ve.Problems)
			p := ve.Problems[0]
			require.Equal(t, line, p.Line)
			require.Equal(t, "services[0].environments[1].deployer."+tc.field, p.Field)
			require.Contains(t, p.Message, tc.msg)
		})
	}
}

// TestReservedInputsAreTheBots: the inputs a config may not set are
// exactly those the github-actions deployer sends itself.
func TestReservedInputsAreTheBots(t *testing.T) {
	require.ElementsMatch(t, github.BotInputs(), reservedInputs)
}
