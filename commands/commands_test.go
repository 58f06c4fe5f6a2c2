package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/commands"
	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/redistest"
	"releasebot/msg"
)

// TestBadInputChangesNothing sends every verb missing, malformed and hostile
// arguments. Each reply must name the problem and say what to do instead,
// and the store must be byte-for-byte what it was.
func TestBadInputChangesNothing(t *testing.T) {
	long := strings.Repeat("x", 10<<10)
	cases := []struct {
		name   string
		state  csr.State // where CSR-1 stands before the command; "" = no CSR
		person string
		line   string
		want   string // in the rendered refusal
	}{
		{"unknown verb", "", "alice", "frobnicate CSR-1", "don't know the command `frobnicate`"},
		{"typo suggests", "", "alice", "aprove CSR-1", "did you mean `approve CSR-1`"},
		{"unclosed quote", "", "alice", `new billing-api "Fix rounding --ref main`, "never closed"},
		{"new: no service", "", "alice", "new", "needs a service"},
		{"new: no title", "", "alice", "new billing-api", "needs a title"},
		{"new: unknown service", "", "alice", `new payroll "t" --ref main`, "no service `payroll`"},
		{"new: no ref", "", "alice", `new billing-api "Fix"`, "must name what it ships"},
		{"new: 10 KB title", "", "alice", `new billing-api "` + long + `" --ref main`, "title is 10240 characters long; the limit is 200"},
		{"new: control characters", "", "alice", "new billing-api \"a\x1b[31mred\" --ref main", "control characters"},
		{"new: NUL", "", "alice", "new billing-api \"a\x00b\" --ref main", "control characters"},
		{"new: unknown assignee", "", "alice", `new billing-api "t" --ref main --assignee @zed`, "don't know the person `@zed`"},
		{"new: bad effort", "", "alice", `new billing-api "t" --ref main --effort banana`, "--effort` needs a duration"},
		{"new: negative effort", "", "alice", `new billing-api "t" --ref main --effort -3h`, "not possible"},
		{"new: unknown flag", "", "alice", `new billing-api "t" --ref main --force`, "no option `--force`"},
		{"new: flag without value", "", "alice", `new billing-api "t" --ref`, "a value after --ref"},
		{"new: ref with spaces", "", "alice", `new billing-api "t" --ref "main; rm -rf /"`, "--ref` needs a branch"},
		{"new: bad sha", "", "alice", `new billing-api "t" --ref main --sha zzzz`, "--sha` needs a commit SHA"},
		{"show: missing id", "", "alice", "show", "needs a CSR id"},
		{"show: not an id", "", "alice", "show ../../etc/passwd", "is not a CSR id"},
		{"show: sql", "", "alice", "show CSR-1;DROP", "is not a CSR id"},
		{"show: unknown CSR", "", "alice", "show CSR-999", "there is no CSR-999"},
		{"show: extra words", csr.Draft, "alice", "show CSR-1 please", "takes no argument `please`"},
		{"test: unknown CSR", "", "alice", "test CSR-7", "there is no CSR-7"},
		{"test: not the owner", csr.Draft, "bob", "test CSR-1", "only @alice"},
		{"test: wrong state", csr.InApproval, "alice", "test CSR-1", "`test` works only when"},
		{"evidence: no link", csr.Tested, "frank", "evidence CSR-1", "needs a link"},
		{"evidence: javascript link", csr.Tested, "frank", "evidence CSR-1 javascript:alert(1)", "not a link an approver can open"},
		{"evidence: relative link", csr.Tested, "frank", "evidence CSR-1 /runs/1", "not a link"},
		{"submit: no evidence", csr.Tested, "alice", "submit CSR-1", "needs test evidence"},
		{"submit: draft", csr.Draft, "alice", "submit CSR-1", "`submit` works only when it is tested"},
		{"approve: self", csr.InApproval, "alice", "approve CSR-1", "you requested CSR-1"},
		{"approve: later step first", csr.InApproval, "carol", "approve CSR-1", "step 1/3 `lead` of CSR-1 is still open"},
		{"approve: not an approver", csr.InApproval, "frank", "approve CSR-1", "not an approver"},
		{"approve: unknown CSR", "", "bob", "approve CSR-42", "there is no CSR-42"},
		{"approve: draft", csr.Draft, "bob", "approve CSR-1", "`approve` works only when it is in approval"},
		{"reject: no reason", csr.InApproval, "bob", "reject CSR-1", "needs a reason"},
		{"reject: empty reason", csr.InApproval, "bob", `reject CSR-1 ""`, "needs a reason"},
		{"reject: not approver", csr.InApproval, "frank", `reject CSR-1 "no"`, "not an approver"},
		{"revise: not rejected", csr.InApproval, "alice", "revise CSR-1", "`revise` works only when it is rejected"},
		{"update: no ref", csr.Draft, "alice", "update CSR-1", "must name what it ships"},
		{"deploy: before approval", csr.InApproval, "alice", "deploy CSR-1", "production deploys need a fully approved CSR"},
		{"deploy: empty override", csr.Approved, "alice", `deploy CSR-1 --override ""`, "a reason after --override"},
		{"deploy: override by non-admin", csr.Approved, "alice", `deploy CSR-1 --override "urgent"`, "only an admin may override"},
		{"deploy: not owner", csr.Approved, "bob", "deploy CSR-1", "only @alice"},
		{"rollback: not deployed", csr.Approved, "alice", "rollback CSR-1", "`rollback` works only when it is deployed"},
		{"cancel: deployed", csr.Deployed, "alice", "cancel CSR-1", "`cancel` works only when"},
		{"cancel: not owner", csr.Draft, "carol", "cancel CSR-1", "only @alice"},
		{"freeze: not admin", "", "alice", `freeze billing-api --until "2026-12-31 09:00" "close"`, "only an admin may `freeze`"},
		{"freeze: bad time", "", "grace", `freeze billing-api --until someday "close"`, "`someday` is not a time"},
		{"freeze: past", "", "grace", `freeze billing-api --until "2020-01-01 00:00" "close"`, "is not in the future"},
		{"freeze: no until", "", "grace", `freeze billing-api "close"`, "--until TIME"},
		{"freeze: unknown service", "", "grace", `freeze payroll --until 2h "close"`, "no service `payroll`"},
		{"unfreeze: not admin", "", "alice", "unfreeze billing-api", "only an admin may `unfreeze`"},
		{"list: bad scope", "", "alice", "list sideways", "one of `mine`, `waiting` or `all`"},
		{"list: bad state", "", "alice", "list all --state nope", "--state` needs one of"},
		{"list: unknown service", "", "alice", "list all --service payroll", "no service `payroll`"},
		{"list: page 0", "", "alice", "list --page 0", "`--page` needs a page number"},
		{"list: page x", "", "alice", "list waiting --page x", "`--page` needs a page number"},
		{"list: negative page", "", "alice", "list all --page -2", "`--page` needs a page number"},
		{"list: page without a number", "", "alice", "list all --page", "a value after --page"},
		{"process: unknown service", "", "alice", "process payroll", "no service `payroll`"},
		{"help: unknown verb", "", "alice", "help teleport", "don't know the command `teleport`"},
		{"next: unknown CSR", "", "alice", "next CSR-3", "there is no CSR-3"},
		{"history: bad id", "", "alice", "history X-1", "is not a CSR id"},
		{"resolve: unknown CSR", "", "alice", `resolve CSR-9 succeeded "looked"`, "there is no CSR-9"},
		{"resolve: no unknown run", csr.Deploying, "alice", `resolve CSR-1 succeeded "looked"`, "CSR-1 has no run whose outcome is unknown"},
		{"resolve: nothing running", csr.Deployed, "alice", `resolve CSR-1 failed "looked"`, "CSR-1 has no run whose outcome is unknown"},
		{"resolve: bad outcome", deployingUnknown, "alice", `resolve CSR-1 maybe "looked"`, "`maybe` is not an outcome"},
		{"resolve: cancelled is no outcome", deployingUnknown, "alice", `resolve CSR-1 cancelled "looked"`, "`cancelled` is not an outcome"},
		{"resolve: no outcome", deployingUnknown, "alice", "resolve CSR-1", "how the run ended"},
		{"resolve: missing note", deployingUnknown, "alice", "resolve CSR-1 succeeded", "what you checked"},
		{"resolve: empty note", deployingUnknown, "alice", `resolve CSR-1 succeeded "  "`, "say what you checked"},
		{"resolve: extra words", deployingUnknown, "alice", `resolve CSR-1 succeeded looked twice`, "takes no argument `twice`"},
		{"resolve: not allowed", deployingUnknown, "bob", `resolve CSR-1 succeeded "looked"`, "only @alice"},
		{"new: short sha", "", "alice", `new billing-api "t" --ref main --sha 12345`, "--sha` needs a commit SHA"},
		{"edit: nothing to change", csr.Rejected, "alice", "edit CSR-1", "needs at least one of --title"},
		{"edit: not the owner", csr.Rejected, "carol", `edit CSR-1 --risk "low"`, "only @alice"},
		{"edit: after approval", csr.Approved, "alice", `edit CSR-1 --risk "low"`, "`edit` works only when it is draft"},
		{"edit: empty title", csr.Draft, "alice", `edit CSR-1 --title ""`, "the title is empty"},
		{"edit: unknown assignee", csr.Draft, "alice", `edit CSR-1 --assignee @zed`, "don't know the person `@zed`"},
		{"edit: unknown flag", csr.Draft, "alice", `edit CSR-1 --ref main`, "no option `--ref`"},
		{"edit: bad effort", csr.Draft, "alice", `edit CSR-1 --effort soon`, "--effort` needs a duration"},
		{"edit: unknown CSR", "", "alice", `edit CSR-4 --risk "low"`, "there is no CSR-4"},
		{"comment: no text", csr.Rejected, "alice", "comment CSR-1", "needs the comment"},
		{"comment: empty text", csr.Rejected, "alice", `comment CSR-1 "  "`, "the comment is empty"},
		{"comment: unquoted text", csr.Rejected, "alice", `comment CSR-1 plan added`, "quotes"},
		{"comment: unknown CSR", "", "alice", `comment CSR-5 "hi"`, "there is no CSR-5"},
		{"rollback: no reason", csr.Deployed, "alice", "rollback CSR-1", "needs a reason"},
		{"rollback: not allowed by the policy", csr.Deployed, "frank", `rollback CSR-1 "errors"`, "lets only the requester"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			switch tc.state {
			case "":
			case deployingUnknown:
				e.walk(csr.Deploying)
				e.unknown("CSR-1")
			case csr.Rejected:
				e.walk(csr.InApproval)
				e.ok("bob", `reject CSR-1 "no rollback plan"`)
			default:
				e.walk(tc.state)
			}
			before := e.snapshot()
			r := e.do(tc.person, tc.line)
			require.NotNil(t, r.Refusal, "expected a refusal, got: %s", render(r))
			text := render(r)
			require.Contains(t, text, tc.want)
			require.NotContains(t, text, "{", "unfilled placeholder")
			require.False(t, r.Refusal.Next.IsZero(), "a refusal must say what to do instead")
			require.Equal(t, before, e.snapshot(), "a refused command changed the store")
		})
	}
}

// deployingUnknown stands for CSR-1 deploying, with the deploy's outcome
// unknown.
const deployingUnknown csr.State = "deploying, outcome unknown"

func TestLifecycleThroughCommands(t *testing.T) {
	e := newEnv(t)
	id := e.walk(csr.Deployed)
	r := e.ok("alice", "show "+string(id))
	require.Contains(t, render(r), "deployed to prod")
	r = e.ok("alice", "history CSR-1")
	require.Contains(t, render(r), "deploying → deployed")
}

func TestRejectReviseAndNewCommitVoidsApprovals(t *testing.T) {
	e := newEnv(t)
	e.walk(csr.InApproval)
	e.ok("bob", "approve CSR-1")
	e.ok("carol", `reject CSR-1 "no rollback plan"`)
	require.Equal(t, csr.Rejected, e.state("CSR-1"))
	require.Contains(t, render(e.ok("alice", "next CSR-1")), "rejected by @carol: no rollback plan")
	e.ok("alice", "revise CSR-1")
	require.Equal(t, csr.Draft, e.state("CSR-1"))

	// Walk again to approvals, approve once, then ship a new commit.
	e.ok("alice", "test CSR-1")
	e.finishRuns("CSR-1")
	e.ok("alice", "submit CSR-1")
	e.ok("bob", "approve CSR-1")
	e.effects.events = nil
	r := e.ok("alice", "update CSR-1 --ref release-2")
	require.Contains(t, render(r), "now ships release-2@")
	require.Equal(t, csr.Draft, e.state("CSR-1"))
	require.Len(t, e.effects.events, 1)
	require.Equal(t, csr.EvApprovalsVoided, e.effects.events[0].Kind)
	require.Equal(t, []csr.Person{"bob"}, e.effects.events[0].Notify)

	r = e.do("alice", "update CSR-1 --ref release-2")
	require.Contains(t, render(r), "already ships that")
}

func TestDeployOutsideWindowAndFreezeOverride(t *testing.T) {
	e := newEnv(t)
	e.walk(csr.Approved)
	e.clock.Set(friday2300.Add(-3 * 60 * 60 * 1e9)) // 20:00, before the window
	r := e.do("alice", "deploy CSR-1")
	require.NotNil(t, r.Refusal)
	require.Contains(t, render(r), "allowed only Mon-Fri 22:00-02:00")
	require.Contains(t, render(r), "next opens Fri 2026-12-04 22:00 KST")

	e.clock.Set(friday2300)
	e.ok("grace", `freeze billing-api --until 2h "payment provider maintenance"`)
	require.Contains(t, render(e.do("alice", "deploy CSR-1")), "frozen until")
	r = e.ok("grace", `deploy CSR-1 --override "fix for the outage"`)
	require.Equal(t, csr.Deploying, e.state("CSR-1"))
	c, err := e.store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	last := c.History[len(c.History)-1]
	require.Equal(t, csr.Person("grace"), last.By)
	require.Contains(t, last.Note, "override (freeze): fix for the outage")
	require.Contains(t, render(r), "deployed CSR-1 despite the deploy policy")
	announced := e.effects.notices[len(e.effects.notices)-1]
	require.Equal(t, "#billing-releases", announced.Channel, "the override is announced to the channel")
	require.Equal(t, msg.NoteOverride, announced.Text.ID)
}

func TestListScopes(t *testing.T) {
	e := newEnv(t)
	e.walk(csr.InApproval)
	e.ok("bob", `new web-frontend "New banner" --ref main`)
	require.Contains(t, render(e.ok("alice", "list")), "CSR-1")
	require.NotContains(t, render(e.ok("alice", "list")), "CSR-2")
	waiting := render(e.ok("bob", "list waiting"))
	require.Contains(t, waiting, "CSR-1") // bob must approve it
	require.Contains(t, waiting, "CSR-2") // bob's own draft
	require.Contains(t, render(e.ok("carol", "list waiting")), "No CSRs")
	all := render(e.ok("frank", "list all --service web-frontend"))
	require.Contains(t, all, "CSR-2")
	require.NotContains(t, all, "CSR-1 ")
}

// TestListPages: a listing longer than a page says how many match in all
// and how to see the next page; the last page says it is the last; a page
// past the end says how many pages there are.
func TestListPages(t *testing.T) {
	e := newEnv(t)
	for range 120 {
		e.ok("alice", `new billing-api "t" --ref main`)
	}
	first := render(e.ok("alice", "list all"))
	require.Contains(t, first, "Showing 1–50 of 120 CSRs; more: `list all --page 2`")
	require.Contains(t, first, "CSR-120")
	require.NotContains(t, first, "CSR-70 ")
	second := render(e.ok("alice", "list --page 2"))
	require.Contains(t, second, "Showing 51–100 of 120 CSRs; more: `list mine --page 3`")
	require.Contains(t, second, "CSR-70")
	last := render(e.ok("alice", "list waiting --service billing-api --page 3"))
	require.Contains(t, last, "Showing 101–120 of 120 CSRs:")
	require.Contains(t, last, "CSR-1 ")
	require.Contains(t, render(e.ok("alice", "list all --state draft --page 9")), "Page 9 is past the end: 120 CSRs fill 3 pages of 50.")
	require.Contains(t, render(e.ok("bob", "list all --state in_approval")), "No CSRs")
}

// TestShowAfterDataLoss: after Redis restarted empty, `show CSR-1` says
// the store lost it (not that there never was one), and `new` does not
// hand out CSR-1 again.
func TestShowAfterDataLoss(t *testing.T) {
	srv := redistest.Start(t)
	rdb, err := redisstore.Connect(context.Background(), "redis://"+srv.Addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = rdb.Close() })
	e := newEnvWith(t, rdb, "")
	e.ok("alice", `new billing-api "t" --ref main`)
	srv.Restart()
	in, err := e.store.CheckIntegrity(context.Background())
	require.NoError(t, err)
	require.False(t, in.OK)

	r := e.do("alice", "show CSR-1")
	require.NotNil(t, r.Refusal)
	require.Contains(t, render(r), "CSR-1 was created, but the release store lost it")
	require.NotContains(t, render(r), "there is no CSR-1")
	require.Contains(t, render(e.ok("alice", `new billing-api "again" --ref main`)), "Created CSR-2")
	require.Contains(t, render(e.do("alice", "show CSR-7")), "there is no CSR-7")
}

func TestHelpAndProcess(t *testing.T) {
	e := newEnv(t)
	help := render(e.ok("alice", "help"))
	for _, v := range commands.Default().Verbs() {
		require.Contains(t, help, "`"+v, "help lists %s", v)
	}
	require.Contains(t, render(e.ok("alice", "help approve")), "Example: `approve CSR-1`")
	p := render(e.ok("alice", "process billing-api"))
	for _, want := range []string{"test (fake) → prod (fake)", "step 2/3 `sm`: 1 of @carol and @dave", "evidence is required", "Mon-Fri 22:00-02:00 Asia/Seoul"} {
		require.Contains(t, p, want)
	}
}

func TestEveryVerbHasHelpText(t *testing.T) {
	for _, s := range commands.Default().Specs() {
		require.NotEmpty(t, msg.English[s.Summary], "help text of %s", s.Verb)
		_, err := commands.Default().Parse("CSR", s.Example)
		require.NoError(t, err, "the example of %s must parse", s.Verb)
	}
}

// TestStoreDown: with Redis gone, commands answer that the store is
// unreachable, and nothing panics.
func TestStoreDown(t *testing.T) {
	addr, stop := redistest.StartServer(t)
	rdb := redisClient(t, addr)
	e := newEnvWith(t, rdb, "down")
	e.ok("alice", `new billing-api "t" --ref main`)
	stop()
	for _, line := range []string{"show CSR-1", `new billing-api "t" --ref main`, "approve CSR-1", "list all", "process billing-api", "deploy CSR-1"} {
		r := e.do("bob", line)
		require.NotNil(t, r.Refusal, line)
		require.Equal(t, csr.RuleStoreUnavailable, r.Refusal.Rule, "%s: %s", line, render(r))
		require.Contains(t, render(r), "unreachable")
	}
}

// TestRollbackOnlyOfWhatRunsNow: rolling back an older CSR would silently
// undo the newer one, so only the CSR in production may roll back.
func TestRollbackOnlyOfWhatRunsNow(t *testing.T) {
	e := newEnv(t)
	e.walk(csr.Deployed)
	first, err := e.store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)

	e.ok("alice", `new billing-api "Second fix" --ref release-2`)
	e.ok("alice", "test CSR-2")
	e.finishRuns("CSR-2")
	e.ok("frank", "evidence CSR-2 https://ci.example.com/run/2")
	e.ok("alice", "submit CSR-2")
	for _, p := range []string{"bob", "carol", "erin"} {
		e.ok(p, "approve CSR-2")
	}
	e.clock.Set(friday2300.Add(time.Minute))
	e.ok("alice", "deploy CSR-2")
	e.finishRuns("CSR-2")

	before := e.snapshot()
	r := e.do("alice", `rollback CSR-1 "error rate up"`)
	require.NotNil(t, r.Refusal)
	require.Equal(t, csr.RuleRollbackNotCurrent, r.Refusal.Rule)
	require.Contains(t, render(r), "CSR-2 was deployed after it")
	require.Equal(t, before, e.snapshot())

	r = e.ok("alice", `rollback CSR-2 "error rate up"`)
	require.Contains(t, render(r), "to "+first.SHA()[:7])
}
