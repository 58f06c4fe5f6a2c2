// Package testconfig is the installation most tests run against: the
// people of config.example.yaml, billing-api (night window in Seoul, three
// approval steps, evidence required) and web-frontend (one step, any time),
// with fake deployers that finish at once.
package testconfig

// YAML is the config file; tests append sections (reminders, user groups)
// where they need them.
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
