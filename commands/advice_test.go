package commands_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/bot/chat"
	"releasebot/csr"
)

func verbs(r chat.Reply) []csr.Verb {
	var out []csr.Verb
	for _, a := range r.Actions {
		out = append(out, a.Verb)
	}
	return out
}

// TestRollbackAdviceIsNeverRefused: the card offers a rollback only to
// those the policy allows and only when production would accept it, and
// every rollback the advice names is then accepted.
func TestRollbackAdviceIsNeverRefused(t *testing.T) {
	e := newEnv(t)
	first := e.ship("main")

	// The first deploy has nothing before it: no rollback offered, a fix
	// is the way forward.
	r := e.ok("alice", "show CSR-1")
	require.NotContains(t, verbs(r), csr.VerbRollback)
	require.Contains(t, render(r), "it is the first deploy there, so a problem is fixed with a new CSR")

	// A new CSR on the commit production runs is warned about.
	require.Contains(t, render(e.ok("alice", `new billing-api "Same again" --ref main`)),
		"prod already runs "+first.SHA()[:7]+" (CSR-1): as it stands, CSR-2 would ship nothing new.")
	e.ok("alice", `cancel CSR-2 "duplicate"`)

	e.ship("release-3")
	e.ship("release-4")
	// CSR-4 runs now, CSR-3 before it.
	r = e.ok("alice", "show CSR-4")
	require.Contains(t, verbs(r), csr.VerbRollback, "the requester may")
	require.Contains(t, render(r), "@alice or @erin may run `rollback CSR-4 \"what went wrong\"` to restore CSR-3")
	require.NotContains(t, verbs(e.ok("bob", "show CSR-4")), csr.VerbRollback, "a first-step approver may not")
	require.Contains(t, verbs(e.ok("erin", "show CSR-4")), csr.VerbRollback, "the last step's approver may")
	require.NotContains(t, verbs(e.ok("alice", "show CSR-3")), csr.VerbRollback, "CSR-3 no longer runs")

	// Rolling back CSR-3 is refused, and the advice names who may roll
	// back CSR-4 first.
	r = e.do("alice", `rollback CSR-3 "bad"`)
	require.NotNil(t, r.Refusal)
	require.Contains(t, render(r), "@alice or @erin may roll back CSR-4 first")

	e.ok("erin", `rollback CSR-4 "error rate up"`)
	e.finishRuns("CSR-4")
	// CSR-3 runs again and has CSR-1 before it: the card names rolling it
	// back too, to those who may.
	show := render(e.ok("alice", "show CSR-4"))
	require.Contains(t, show, "if CSR-3 must go too, @alice or @erin may `rollback CSR-3 \"reason\"`")
	r = e.ok("alice", "show CSR-3")
	require.True(t, slices.Contains(verbs(r), csr.VerbRollback))
	e.ok("erin", `rollback CSR-3 "still bad"`)
	e.finishRuns("CSR-3")
	// Production runs CSR-1 again, its first deploy: nothing further back
	// is named.
	show = render(e.ok("alice", "show CSR-3"))
	require.Contains(t, show, "CSR-3 was rolled back: prod runs CSR-1 at "+first.SHA()[:7]+" now. Next: @alice ship a fix as a new CSR")
	require.NotContains(t, verbs(e.ok("alice", "show CSR-1")), csr.VerbRollback)
}
