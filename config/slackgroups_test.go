package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

const groupsYAML = `
timezone: UTC
people: {alice: U0ALICE001, bob: U0BOB00002, carol: U0CAROL003, dave: U0DAVE0004}
groups: {sm: [carol, dave]}
slack_usergroups: {sm: S0SMTEAM01}
services:
  - name: api
    repo: acme/api
    channel: "#api"
    environments:
      - {name: test, deployer: {kind: fake}}
      - {name: prod, deployer: {kind: fake}}
    approval_line:
      - {name: lead, approvers: [bob]}
      - {name: sm, approvers: [alice, "group:sm"]}
`

func TestSlackUserGroups(t *testing.T) {
	c, err := Parse("c.yaml", []byte(groupsYAML))
	require.NoError(t, err)
	require.Equal(t, map[string]string{"sm": "S0SMTEAM01"}, c.SlackUserGroups())

	svc, ok := c.ServiceWith("api", nil)
	require.True(t, ok)
	require.Equal(t, []csr.Person{"alice", "carol", "dave"}, svc.Line[1].Approvers, "config members until Slack answers")
	svc, _ = c.ServiceWith("api", map[string][]csr.Person{"sm": {"dave", "bob"}})
	require.Equal(t, []csr.Person{"alice", "dave", "bob"}, svc.Line[1].Approvers)
	require.Equal(t, []csr.Person{"bob"}, svc.Line[0].Approvers)
	plain, _ := c.Service("api")
	require.Equal(t, []csr.Person{"alice", "carol", "dave"}, plain.Line[1].Approvers, "the config itself is unchanged")

	for _, bad := range []struct{ yaml, msg string }{
		{"slack_usergroups: {ops: S0OPS00001}", `unknown group "ops"`},
		{"slack_usergroups: {sm: U0NOTAGROUP}", "a Slack user group id"},
	} {
		data := strings.Replace(groupsYAML, "slack_usergroups: {sm: S0SMTEAM01}", bad.yaml, 1)
		_, err := Parse("c.yaml", []byte(data))
		require.ErrorContains(t, err, bad.msg)
	}
}
