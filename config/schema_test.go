package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"releasebot/config"
)

// compileSchema compiles the generated schema with a maintained
// validator: a schema that is not valid draft 2020-12 fails here.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(config.JSONSchema()))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("config.schema.json", doc))
	s, err := c.Compile("config.schema.json")
	require.NoError(t, err)
	return s
}

// yamlValue decodes YAML as a JSON document would read: timestamps as the
// strings they were written as.
func yamlValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(data, &v))
	b, err := json.Marshal(jsonable(v))
	require.NoError(t, err)
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	return out
}

func jsonable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = jsonable(x)
		}
	case []any:
		for i, x := range v {
			v[i] = jsonable(x)
		}
	case time.Time:
		return v.Format(time.RFC3339)
	}
	return v
}

// TestExampleMatchesSchema: config.example.yaml, which points editors at
// the schema, passes it.
func TestExampleMatchesSchema(t *testing.T) {
	s := compileSchema(t)
	data, err := os.ReadFile("../config.example.yaml")
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(data, []byte("# yaml-language-server: $schema=./config.schema.json\n")),
		"config.example.yaml's first line points the YAML language server at the schema")
	require.NoError(t, s.Validate(yamlValue(t, data)))
}

// TestSchemaRefuses: the schema refuses what the decoder refuses for its
// shape: unknown fields (at every level, by deployer kind too), missing
// required ones, values outside their enum or pattern.
func TestSchemaRefuses(t *testing.T) {
	s := compileSchema(t)
	base := func(deployer, extra string) string {
		return fmt.Sprintf(`timezone: UTC
people: {alice: U0ALICE001}
services:
  - name: api
    repo: acme/api
    channel: "#api"
    environments:
      - {name: test, deployer: %s}
      - {name: prod, deployer: {kind: fake}}
    approval_line:
      - {name: lead, approvers: [alice]}
%s`, deployer, extra)
	}
	require.NoError(t, s.Validate(yamlValue(t, []byte(base("{kind: command, argv: [./deploy.sh], timeout: 15m}", "")))))
	withPeople := func(people string) string {
		return strings.Replace(base("{kind: fake}", ""), "people: {alice: U0ALICE001}", "people: "+people, 1)
	}
	accepted := withPeople("{alice: {slack: U0ALICE001, language: ko}, bob: U0BOB00002}")
	require.NoError(t, s.Validate(yamlValue(t, []byte(accepted))), "both forms of a person")
	_, err := config.Parse("test.yaml", []byte(accepted))
	require.NoError(t, err)
	for _, tc := range []struct{ name, yaml string }{
		{"unknown top-level field", base("{kind: fake}", "colour: blue\n")},
		{"field of another deployer kind", base("{kind: fake, argv: [x]}", "")},
		{"missing required field of a kind", base("{kind: command}", "")},
		{"unknown deployer kind", base("{kind: ftp}", "")},
		{"bad duration", base("{kind: fake, delay: soon}", "")},
		{"bad reminder kind", base("{kind: fake}", "reminders: [{name: r, kind: weekly, schedule: '@daily', channel: '#x'}]\n")},
		{"bad person name", base("{kind: fake}", "admins: [Alice]\n")},
		{"unknown person language", withPeople("{alice: {slack: U0ALICE001, language: fr}}")},
		{"person mapping without slack", withPeople("{alice: {language: ko}}")},
		{"unknown field of a person", withPeople("{alice: {slack: U0ALICE001, locale: ko}}")},
		{"person as a list", withPeople("{alice: [U0ALICE001]}")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Error(t, s.Validate(yamlValue(t, []byte(tc.yaml))))
			_, err := config.Parse("test.yaml", []byte(tc.yaml))
			require.Error(t, err, "the decoder refuses it too")
		})
	}
}
