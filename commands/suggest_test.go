package commands_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

// TestSuggestions: a mistyped verb, service, person or CSR id is answered
// with the one meant, and a verb missing its service lists the services.
func TestSuggestions(t *testing.T) {
	cases := []struct {
		name string
		line string
		next string // what the refusal's next step must say
	}{
		{"verb: a letter missing", "aprove CSR-1", "did you mean `approve CSR-1`?"},
		{"verb: two letters swapped", `nwe billing-api "x" --ref main`, "did you mean `new billing-api"},
		{"verb: a beginning", "rollb CSR-1", "did you mean `rollback CSR-1`?"},
		{"verb: a typo and nothing after it", "shwo", "did you mean `show CSR`?"},
		{"verb: upper case typo", "DEPLYO CSR-1", "did you mean `deploy CSR-1`?"},
		{"verb: nothing near", "teleport CSR-1", "type `help` to see every command"},
		{"verb: an ambiguous beginning", "re CSR-1", "type `help` to see every command"},
		{"help: a typo", "help aprove", "did you mean `approve CSR`?"},
		{"service: a typo", "process biling-api", "did you mean `billing-api`? Services: billing-api and web-frontend."},
		{"service: nothing near", "process payroll", "services: billing-api and web-frontend."},
		{"service: missing after process", "process", "name one of the services: billing-api or web-frontend, e.g. `process billing-api`."},
		{"service: missing after new", "new", "name one of the services: billing-api or web-frontend, e.g. `new billing-api"},
		{"person: a typo", `new billing-api "x" --ref main --assignee @alcie`, "did you mean `@alice`?"},
		{"person: nothing near", `new billing-api "x" --ref main --assignee @zed`, "people: alice, bob"},
		{"CSR id: prefix typo", "show CRS-3", "did you mean CSR-3?"},
		{"CSR id: no dash", "show csr3", "did you mean CSR-3?"},
		{"CSR id: a hash", "show #3", "did you mean CSR-3?"},
		{"CSR id: nothing near", "show banana", "see your CSRs with `list mine`"},
		{"quotes: reject shows its own example", "reject CSR-1 no screenshot", "like this: `reject CSR-1 \"no rollback plan\"`"},
		{"quotes: comment shows its own example", "comment CSR-1 plan added", "like this: `comment CSR-1 \"rollback plan added to the risk\"`"},
		{"quotes: cancel shows its own example", "cancel CSR-1 superseded by CSR-2", "like this: `cancel CSR-1 \"superseded by CSR-2\"`"},
	}
	e := newEnv(t)
	e.walk(csr.Draft)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot()
			r := e.do("alice", tc.line)
			require.NotNil(t, r.Refusal, "expected a refusal: %s", render(r))
			require.Contains(t, render(r), tc.next)
			require.Equal(t, before, e.snapshot(), "a refused command changed the store")
		})
	}
}
