package testenv

import (
	"os"
	"path/filepath"
	"testing"

	"releasebot/config"
)

// YAML is the installation most tests run against: the people of
// config.example.yaml, billing-api (night window in Seoul, three approval
// steps, evidence required) and web-frontend (one step, any time), with
// fake deployers that finish at once. Tests append top-level sections
// (reminders, user groups) where they need them; see Config.
const YAML = `
timezone: Asia/Seoul
csr_prefix: CSR
admins: [grace]
people:
  alice: U0ALICE001
  bob: U0BOB00002
  carol: U0CAROL003
  dave: U0DAVE0004
  erin: U0ERIN0005
  frank: U0FRANK006
  grace: U0GRACE007
groups:
  sm: [carol, dave]
services:
  - name: billing-api
    repo: acme/billing-api
    channel: "#billing-releases"
    environments:
      - {name: test, deployer: {kind: fake}}
      - {name: prod, deployer: {kind: fake}}
    approval_line:
      - {name: lead, approvers: [bob], required: 1}
      - {name: sm, approvers: ["group:sm"], required: 1}
      - {name: business, approvers: [erin], required: 1}
    evidence_required: true
    deploy_window: {days: [mon, tue, wed, thu, fri], start: "22:00", end: "02:00"}
  - name: web-frontend
    repo: acme/web-frontend
    channel: "#web-releases"
    environments:
      - {name: staging, deployer: {kind: fake}}
      - {name: prod, deployer: {kind: fake}}
    approval_line:
      - {name: lead, approvers: [bob], required: 1}
`

// GitHubYAML is a service deploying through both GitHub deployers: its
// test environment through a GitHub Actions workflow, production through a
// GitHub deployment, both polled every 20ms (a fake GitHub answers at once).
const GitHubYAML = `
timezone: Asia/Seoul
people: {alice: U0ALICE001, bob: U0BOB00002}
services:
  - name: billing-api
    repo: acme/billing-api
    channel: "#billing-releases"
    environments:
      - {name: test, deployer: {kind: github-actions, workflow: deploy.yml, poll: 20ms, inputs: {region: ap-northeast-2}}}
      - {name: prod, deployer: {kind: github-deployment, environment: production, poll: 20ms}}
    approval_line:
      - {name: lead, approvers: [bob]}
`

// Config parses YAML with sections appended (each a top-level YAML
// section, such as "reminders:\n  - …" or "language: ko"), failing the test
// if the result is not a valid config.
func Config(t testing.TB, sections ...string) *config.Config {
	t.Helper()
	return Parse(t, YAML, sections...)
}

// Parse parses base with sections appended, failing the test if the
// result is not a valid config.
func Parse(t testing.TB, base string, sections ...string) *config.Config {
	t.Helper()
	text := base
	for _, s := range sections {
		text += "\n" + s + "\n"
	}
	cfg, err := config.Parse("test.yaml", []byte(text))
	if err != nil {
		t.Fatalf("test config: %v", err)
	}
	return cfg
}

// Example is config.example.yaml, the installation the README walks
// through, read from the module's root.
func Example(t testing.TB) *config.Config {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("config.example.yaml: no go.mod above the test's directory")
		}
		dir = parent
	}
	cfg, err := config.Load(filepath.Join(dir, "config.example.yaml"))
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	return cfg
}
