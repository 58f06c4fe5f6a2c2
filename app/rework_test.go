package app_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReworkScript walks examples/rework.script: a CSR rejected, edited,
// commented, approved again, deployed and rolled back. After every line
// the console names the next step (or the refusal says what would allow
// it), and the refusals are the ones the script's comments promise.
func TestReworkScript(t *testing.T) {
	out := rehearse(t, "../examples/rework.script")
	type step struct{ command, reply string }
	var steps []step
	prompt := regexp.MustCompile(`^[a-z]+> .*$`)
	for _, line := range strings.Split(out, "\n") {
		if prompt.MatchString(line) {
			steps = append(steps, step{command: line})
			continue
		}
		if len(steps) > 0 {
			steps[len(steps)-1].reply += line + "\n"
		}
	}
	require.Equal(t, 34, len(steps), "every line of the script ran")
	for _, s := range steps {
		require.True(t, strings.Contains(s.reply, "Next:") || strings.Contains(s.reply, "▶ "),
			"%q names no next step:\n%s", s.command, s.reply)
		require.NotContains(t, s.reply, "(s)", s.command)
		require.NotRegexp(t, `\{[a-z_]+\}`, s.reply, "%q leaves a placeholder", s.command)
	}
	reply := func(command string, nth int) string {
		t.Helper()
		for _, s := range steps {
			if s.command == command {
				if nth == 0 {
					return s.reply
				}
				nth--
			}
		}
		t.Fatalf("no %q in the output", command)
		return ""
	}
	refusals := []struct {
		command string
		nth     int
		why     string
		next    string
	}{
		{"alice> process", 0, "`process` needs a service", "name one of the services: billing-api or web-frontend"},
		{"bob> aprove CSR-2", 0, "don't know the command `aprove`", "did you mean `approve CSR-2`?"},
		{"carol> reject CSR-2 no rollback plan", 0, "takes no argument `rollback`", "like this: `reject CSR-2 \"no rollback plan\"`"},
		{`carol> edit CSR-2 --risk "none"`, 0, "only @alice or @frank", "ask @alice or @frank"},
		{`bob> rollback CSR-2 "checkout errors"`, 0, "lets only the requester, the assignee, the approvers of the last step and admins", "ask @alice, @frank, @carol or @dave, or an admin"},
		{"alice> rollback CSR-2", 0, "needs a reason", "`rollback CSR-2 \"what went wrong\"`"},
		{`alice> rollback CSR-2 "again"`, 0, "CSR-2 is rolled back; `rollback` works only when it is deployed", "`next CSR-2`"},
		{`alice> rollback CSR-1 "header flickers"`, 0, "no earlier successful production deploy", "`new web-frontend"},
	}
	for _, r := range refusals {
		got := reply(r.command, r.nth)
		require.Contains(t, got, "✋ Not done: ", r.command)
		require.Contains(t, got, r.why, r.command)
		require.Contains(t, got, r.next, r.command)
	}
	// The rejection reaches the requester and the assignee directly.
	require.Contains(t, reply(`carol> reject CSR-2 "no rollback plan"`, 0),
		"[DM @alice, @frank] CSR-2 \"Checkout redesign\" was rejected at step `sm` by @carol: no rollback plan.")
	// The answer reaches the reviewer who rejected.
	require.Contains(t, reply(`alice> comment CSR-2 "rollback plan added to the risk"`, 0),
		"[DM @carol, @frank] 💬 @alice answered on CSR-2")
	// An edit during approval voids bob's approval, and bob is told why.
	edit := reply(`frank> edit CSR-2 --title "Checkout redesign behind a flag"`, 0)
	require.Contains(t, edit, "[DM @bob] @bob: @frank edited the title of CSR-2")
	require.Contains(t, edit, "your decision no longer counts")
	require.Contains(t, edit, "the approval given so far is void")
	// The rollback is recorded with its reason and says what production runs.
	require.Contains(t, reply(`alice> rollback CSR-2 "checkout error rate doubled"`, 0), "↩️ @alice is rolling back CSR-2 in prod to")
	show := reply("alice> show CSR-2", 0)
	require.Contains(t, show, "state      rolled back")
	require.Regexp(t, `CSR-2 was rolled back: prod runs CSR-1 at [0-9a-f]{7} now\. Next: @alice and @frank ship a fix as a new CSR`, show)
	require.Regexp(t, `5\. prod runs CSR-1 at [0-9a-f]{7} since .* \(CSR-2/rollback/1\)\.`, reply("alice> process web-frontend", 1))
	require.Contains(t, reply("alice> process web-frontend", 1), "6. Rollback: only while a CSR is what production runs, with a reason, by the requester")
}
