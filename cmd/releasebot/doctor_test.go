package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/config"
	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/integrations/doctor"
	"releasebot/integrations/github"
	"releasebot/integrations/github/githubtest"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

func TestDoctor(t *testing.T) {
	testenv.Redis(t) // fails under CI=true when no Redis answers
	authOK, err := os.ReadFile("testdata/api.auth.test.ok.json")
	require.NoError(t, err)
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "/auth.test", r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(authOK)
	}))
	defer slackAPI.Close()
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/repos/acme/billing-api":
			_, _ = io.WriteString(w, `{"id":1,"full_name":"acme/billing-api"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"message":"Not Found"}`)
		}
	}))
	defer gh.Close()

	env := map[string]string{
		"REDIS_URL":            testenv.RedisURL(),
		"SLACK_BOT_TOKEN":      "xoxb-1111-2222-doctorsecretvalue",
		"SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
		"SLACK_API_URL":        slackAPI.URL + "/",
		"GITHUB_TOKEN":         "ghp_doctorsecretvalue000000000000000000",
		"GITHUB_API_URL":       gh.URL,
	}
	var out bytes.Buffer
	code := runDoctor(context.Background(), []string{"--config", "../../config.example.yaml"}, &out, io.Discard,
		func(k string) string { return env[k] })
	text := out.String()
	require.Equal(t, 1, code, text)
	require.Regexp(t, `✓ config +\S*config.example.yaml: 2 services`, text)
	require.Regexp(t, `✓ redis +Redis \d+\.\d+`, text)
	require.Regexp(t, `✓ slack +signed in as`, text)
	require.Contains(t, text, "✓ github   acme/billing-api is readable")
	require.Contains(t, text, "✗ github   acme/web-frontend: ")
	require.Contains(t, text, "1 check failed; fix it")
	require.NotContains(t, text, "doctorsecretvalue")

	env["REDIS_URL"] = "redis://:hunter2@127.0.0.1:1/0"
	out.Reset()
	require.Equal(t, 1, runDoctor(context.Background(), []string{"--config", "../../config.example.yaml"}, &out, io.Discard,
		func(k string) string { return env[k] }))
	require.Contains(t, out.String(), "✗ redis")
	require.Contains(t, out.String(), "Start Redis")
	require.NotContains(t, out.String(), "hunter2")
}

// TestDoctorGitHubDeployers: doctor checks each GitHub deployer's
// contract against the repository, one line per problem saying what to
// fix, and what it reports is what GitHub would answer a dispatch.
func TestDoctorGitHubDeployers(t *testing.T) {
	cfg := testenv.Parse(t, testenv.GitHubYAML)
	dc, ok := cfg.DeployerFor("billing-api", "test")
	require.True(t, ok)
	for _, tc := range []struct {
		name     string
		setup    func(s *githubtest.Server)
		want     []string // lines that must appear
		dispatch string   // what GitHub answers the bot's dispatch; "" means it is accepted
	}{
		{"all fit", func(s *githubtest.Server) { s.AddEnvironment("production") }, []string{
			"✓ github   billing-api/test: workflow deploy.yml of acme/billing-api accepts the bot's dispatch (checked on main;",
			"✓ github   billing-api/prod: GitHub environment production exists in acme/billing-api.",
		}, ""},
		{"a sent input undeclared, the environment missing", func(s *githubtest.Server) {
			wf := githubtest.DefaultWorkflow()
			delete(wf.Inputs, "sha")
			wf.Inputs["ref"] = githubtest.Input{Required: true} // written for an older bot
			s.SetWorkflow(wf)
		}, []string{
			"✗ github   billing-api/test: workflow deploy.yml of acme/billing-api does not declare the inputs sha that the bot sends, so GitHub refuses every dispatch (422 Unexpected inputs provided)",
			"✗ github   billing-api/test: workflow deploy.yml of acme/billing-api requires the inputs ref that the bot does not send",
			"✗ github   billing-api/prod: GitHub environment production does not exist in acme/billing-api: create it",
		}, `Unexpected inputs provided: ["sha"]`},
		{"run-name without the marker", func(s *githubtest.Server) {
			wf := githubtest.DefaultWorkflow()
			wf.RunName = "Deploy ${{ inputs.environment }}"
			s.SetWorkflow(wf)
			s.AddEnvironment("production")
		}, []string{
			"✗ github   billing-api/test: workflow deploy.yml of acme/billing-api has a run-name without ${{ inputs.releasebot_run }}, so the bot cannot recognize the run it started: " +
				`set run-name: "Deploy ${{ inputs.environment }} (${{ inputs.releasebot_run }})".`,
		}, ""},
		{"no workflow_dispatch trigger", func(s *githubtest.Server) {
			wf := githubtest.DefaultWorkflow()
			wf.NoDispatch = true
			s.SetWorkflow(wf)
		}, []string{"has no `workflow_dispatch` trigger under `on:`"}, "Workflow does not have 'workflow_dispatch' trigger"},
		{"disabled", func(s *githubtest.Server) {
			wf := githubtest.DefaultWorkflow()
			wf.State = "disabled_manually"
			s.SetWorkflow(wf)
		}, []string{"✗ github   billing-api/test: workflow deploy.yml of acme/billing-api is disabled_manually: enable it"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := githubtest.New(t)
			tc.setup(s)
			env := map[string]string{"GITHUB_TOKEN": "ghp_doctorsecretvalue000000000000000000", "GITHUB_API_URL": s.APIURL()}
			var out bytes.Buffer
			for _, c := range doctor.CheckGitHub(context.Background(), cfg, func(k string) string { return env[k] }) {
				mark := "✓"
				if !c.OK {
					mark = "✗"
				}
				fmt.Fprintf(&out, "%s %-8s %s\n", mark, c.Name, msg.English.Render(c.Text))
			}
			text := out.String()
			for _, w := range tc.want {
				require.Contains(t, text, w)
			}
			require.NotContains(t, text, "doctorsecretvalue")
			if tc.want[0][0:3] == "✓" {
				require.NotContains(t, text, "✗", text)
			}

			// What doctor says is what GitHub answers the bot.
			a := &github.Actions{Client: must(github.NewClient(github.Settings{APIURL: s.APIURL(), Token: deploy.NewSecret("ghp_x")})),
				Workflow: dc.Workflow, Inputs: dc.Inputs, Poll: 5 * time.Millisecond, FindWait: 200 * time.Millisecond}
			_, err := a.Start(context.Background(), deploy.Request{CSR: "CSR-1", Service: "billing-api", Repo: "acme/billing-api", Ref: "main",
				Run: csr.Run{ID: "CSR-1/test/1", Purpose: csr.PurposeTest, Env: "test", SHA: githubtest.CommitSHA}})
			if tc.dispatch == "" {
				if err != nil {
					require.ErrorIs(t, err, deploy.ErrOutcomeUnknown) // run-name without the marker: the run is not recognized
				}
				require.Len(t, s.Dispatches(), 1)
				return
			}
			require.ErrorContains(t, err, tc.dispatch)
			require.Empty(t, s.Dispatches())
		})
	}
}

// TestExampleWorkflowFitsExampleConfig: the github-actions deployer of
// config.example.yaml and examples/github-deploy-workflow.yml agree.
func TestExampleWorkflowFitsExampleConfig(t *testing.T) {
	data, err := os.ReadFile("../../config.example.yaml")
	require.NoError(t, err)
	// The deployer is a commented example: take its lines out of the
	// comment and put it in place of billing-api's prod deployer.
	lines := strings.Split(string(data), "\n")
	var dep string
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "#   deployer: {kind: github-actions") {
			dep = strings.TrimPrefix(strings.TrimSpace(l), "#   deployer: ")
			for j := i + 1; j < len(lines) && strings.Count(dep, "{") > strings.Count(dep, "}"); j++ {
				dep += " " + strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[j]), "#"))
			}
			break
		}
	}
	require.NotEmpty(t, dep, "config.example.yaml shows no github-actions deployer")
	old := "        deployer: {kind: fake, delay: 3s, outcome: success}\n"
	require.Contains(t, string(data), old)
	cfg, err := config.Parse("example.yaml", []byte(strings.Replace(string(data), old, "        deployer: "+dep+"\n", 1)))
	require.NoError(t, err, dep)
	dc, ok := cfg.DeployerFor("billing-api", "prod")
	require.True(t, ok)
	require.Equal(t, "github-actions", dc.Kind)
	require.NotEmpty(t, dc.Inputs, "the example passes an input of its own")

	workflow, err := os.ReadFile("../../examples/github-deploy-workflow.yml")
	require.NoError(t, err)
	problems := doctor.WorkflowContract(workflow, dc)
	var texts []string
	for _, p := range problems {
		texts = append(texts, p.String())
	}
	require.Empty(t, texts)
	require.Contains(t, string(workflow), "git rev-parse HEAD", "the example checks it checked out the approved commit")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
