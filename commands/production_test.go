package commands_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/commands"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/integrations/github"
	"releasebot/integrations/github/githubtest"
	"releasebot/integrations/redisstore"
	"releasebot/internal/secret"
)

// ship takes a new CSR of billing-api shipping ref through test, approval
// and a successful production deploy, a minute after the last one.
func (e *env) ship(ref string) csr.CSR {
	e.t.Helper()
	r := e.ok("alice", `new billing-api "Change on `+ref+`" --ref `+ref)
	id := string(r.Card.CSR.ID)
	e.ok("alice", "test "+id)
	e.finishRuns(csr.ID(id))
	e.ok("frank", "evidence "+id+" https://ci.example.com/run/1")
	e.ok("alice", "submit "+id)
	for _, p := range []string{"bob", "carol", "erin"} {
		e.ok(p, "approve "+id)
	}
	e.clock.Set(e.clock.Now().Add(time.Minute))
	e.ok("alice", "deploy "+id)
	e.finishRuns(csr.ID(id))
	c := get(e.t, e, csr.ID(id))
	require.Equal(e.t, csr.Deployed, c.State)
	return c
}

// unknown makes the outcome of the CSR's open run unknown, as a deployer
// that lost track of it would.
func (e *env) unknown(id csr.ID) {
	e.t.Helper()
	_, _, err := e.store.Update(context.Background(), id, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		run, ok := c.ActiveRun()
		require.True(e.t, ok)
		return c.UpdateRun(run.ID, csr.RunUnknown, "", "credentials failed while following", e.clock.Now())
	})
	require.NoError(e.t, err)
}

// TestRollbackRestoresTheCommitBefore: after three deploys production runs
// the third; rolling it back deploys the second's commit, by SHA, and
// from then on the card and `process` say production runs the second.
func TestRollbackRestoresTheCommitBefore(t *testing.T) {
	e := newEnv(t)
	require.Contains(t, render(e.ok("alice", "process billing-api")), "5. Nothing has been deployed to prod yet.")
	first, second, third := e.ship("main"), e.ship("release-2"), e.ship("release-3")
	short := func(c csr.CSR) string { return c.SHA()[:7] }
	require.Contains(t, render(e.ok("alice", "show CSR-1")), "CSR-1 was deployed; prod now runs CSR-3 at "+short(third)+".")

	r := e.ok("alice", `rollback CSR-3 "error rate up"`)
	text := render(r)
	require.Contains(t, text, "Rollback CSR-3/rollback/1 of CSR-3 to "+short(second)+" started.")
	require.Contains(t, text, "When it succeeds, prod runs CSR-2 at "+short(second)+" again.")
	c := get(t, e, "CSR-3")
	require.Equal(t, second.SHA(), c.Runs[len(c.Runs)-1].SHA, "the rollback deploys the second CSR's commit")
	e.finishRuns("CSR-3")
	require.Equal(t, csr.RolledBack, e.state("CSR-3"))

	require.Contains(t, render(e.ok("alice", "show CSR-3")), "CSR-3 was rolled back: prod runs CSR-2 at "+short(second)+" now.")
	require.Contains(t, render(e.ok("alice", "process billing-api")), "5. prod runs CSR-2 at "+short(second)+" since 2026-12-04 23:")
	require.NotContains(t, render(e.ok("alice", "show CSR-2")), "now runs", "CSR-2 runs in production: its card says nothing more")

	for _, tc := range []struct {
		name, line string
		rule       csr.Rule
	}{
		{"the rolled back CSR", `rollback CSR-3 "error rate up"`, "wrong-state"},
		{"a CSR no longer in production", `rollback CSR-1 "error rate up"`, "rollback-not-current"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot()
			r := e.do("alice", tc.line)
			require.NotNil(t, r.Refusal, render(r))
			require.Equal(t, tc.rule, r.Refusal.Rule)
			require.Equal(t, before, e.snapshot())
		})
	}

	// Production runs CSR-2 again: its rollback restores the first.
	r = e.ok("alice", `rollback CSR-2 "error rate up"`)
	require.Contains(t, render(r), "When it succeeds, prod runs CSR-1 at "+short(first)+" again.")
	c = get(t, e, "CSR-2")
	require.Equal(t, first.SHA(), c.Runs[len(c.Runs)-1].SHA)

	e.finishRuns("CSR-2")
	r = e.do("alice", `rollback CSR-1 "error rate up"`)
	require.NotNil(t, r.Refusal)
	require.Equal(t, csr.RuleNoPreviousDeploy, r.Refusal.Rule, "nothing ran before the first deploy")
}

// TestRollbackWithManyNewerCSRs: what production runs is read from its
// record, so 600 CSRs of the service opened after the deploy (more than a
// listing returns) change nothing.
func TestRollbackWithManyNewerCSRs(t *testing.T) {
	e := newEnv(t)
	first := e.ship("main")
	e.ship("release-2")
	ctx := context.Background()
	svc, ok := e.cfg.Service("billing-api")
	require.True(t, ok)
	for range 600 {
		n, err := e.store.NextID(ctx)
		require.NoError(t, err)
		c, _, err := csr.New(csr.FormatID("CSR", n), csr.NewRequest{Title: "later", Requester: "alice",
			Refs: []csr.Ref{{Repo: svc.Repo, Ref: "main", SHA: first.SHA()}}}, svc, e.clock.Now())
		require.NoError(t, err)
		_, err = e.store.Create(ctx, c)
		require.NoError(t, err)
	}
	r := e.ok("alice", `rollback CSR-2 "error rate up"`)
	require.Contains(t, render(r), "When it succeeds, prod runs CSR-1 at "+first.SHA()[:7]+" again.")
	c := get(t, e, "CSR-2")
	require.Equal(t, first.SHA(), c.Runs[len(c.Runs)-1].SHA)
}

// failingRefs is a source host that cannot be reached.
type failingRefs struct{}

func (failingRefs) Resolve(context.Context, string, string) (string, error) {
	return "", errors.New("dial tcp: connection refused")
}

// TestDeploySaysTheBranchMoved: a CSR made from a branch deploys the
// commit that was approved; if the branch moved since, the reply says so,
// and a failed lookup stops nothing.
func TestDeploySaysTheBranchMoved(t *testing.T) {
	moved := "`main` is now at bbbbbbb; CSR-1 ships aaaaaaa as approved."
	for _, tc := range []struct {
		name    string
		arrange func(e *env, b *branches)
		says    bool
	}{
		{"the branch moved", func(_ *env, b *branches) { b.move("main", shaB) }, true},
		{"the branch is where it was", func(*env, *branches) {}, false},
		{"the lookup fails", func(e *env, _ *branches) { e.h.Refs = failingRefs{} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, b := newRefsEnv(t)
			e.walk(csr.Approved)
			tc.arrange(e, b)
			r := e.ok("alice", "deploy CSR-1")
			text := render(r)
			require.Contains(t, text, "Production deploy CSR-1/deploy/1 of CSR-1 to prod started.")
			if tc.says {
				require.Contains(t, text, moved)
			} else {
				require.NotContains(t, text, "is now at")
			}
			c := get(t, e, "CSR-1")
			require.Equal(t, shaA, c.SHA(), "the CSR still ships what was approved")
			require.Equal(t, shaA, c.Runs[len(c.Runs)-1].SHA, "the deploy ships the approved commit")
		})
	}
}

// TestNewChecksTheCommit: a commit named with --sha, or a full SHA given
// as --ref, must be a commit of the repository before anything is written;
// a full SHA as --ref is a pin.
func TestNewChecksTheCommit(t *testing.T) {
	const unknown = "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"
	cases := []struct {
		name     string
		line     string
		rule     csr.Rule // "" = created
		sha      string
		floating bool
	}{
		{"--sha of an unknown commit", `new billing-api "t" --ref main --sha ` + unknown, "unknown-ref", "", false},
		{"abbreviated --sha of an unknown commit", `new billing-api "t" --ref main --sha deadbee`, "unknown-ref", "", false},
		{"a full SHA --ref of an unknown commit", `new billing-api "t" --ref ` + unknown, "unknown-ref", "", false},
		{"--sha of a commit", `new billing-api "t" --ref main --sha ` + shaA, "", shaA, false},
		{"abbreviated --sha is stored whole", `new billing-api "t" --ref main --sha ` + shaA[:10], "", shaA, false},
		{"a full SHA --ref is a pin", `new billing-api "t" --ref ` + shaB, "", shaB, false},
		{"a branch follows", `new billing-api "t" --ref main`, "", githubtest.CommitSHA, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			gh := githubtest.New(t)
			gh.SetRef("main", githubtest.CommitSHA)
			gh.SetRef(shaA, shaA)
			gh.SetRef(shaA[:10], shaA)
			gh.SetRef(shaB, shaB)
			client, err := github.NewClient(github.Settings{APIURL: gh.APIURL(), Token: secret.New("ghp_test")})
			require.NoError(t, err)
			e.h.Refs = github.Refs{Client: client}

			before := e.snapshot()
			r := e.do("alice", tc.line)
			if tc.rule != "" {
				require.NotNil(t, r.Refusal, render(r))
				require.Equal(t, tc.rule, r.Refusal.Rule)
				require.Contains(t, render(r), "in acme/billing-api; nothing was changed.")
				require.Equal(t, before, e.snapshot(), "nothing is written")
				return
			}
			require.Nil(t, r.Refusal, render(r))
			c := get(t, e, "CSR-1")
			require.Equal(t, tc.sha, c.SHA())
			require.Equal(t, tc.floating, c.Refs[0].Floating)
		})
	}
}

// TestFullSHARefMustNameItself: a source host answering a full SHA with
// another commit (a branch named like one) is not taken for the commit.
func TestFullSHARefMustNameItself(t *testing.T) {
	e, b := newRefsEnv(t)
	b.move(shaB, shaA)
	before := e.snapshot()
	r := e.do("alice", `new billing-api "t" --ref `+shaB)
	require.NotNil(t, r.Refusal)
	require.Equal(t, csr.RuleUnknownRef, r.Refusal.Rule)
	require.Equal(t, before, e.snapshot())

	e.ok("alice", `new billing-api "t" --ref `+shaA)
	c := get(t, e, "CSR-1")
	require.Equal(t, shaA, c.SHA())
	require.False(t, c.Refs[0].Floating, "a full SHA is pinned")
}

// TestResolveSettlesAnUnknownRun: a person who may deploy says how the run
// ended and what they checked; the result has the consequences a
// deployer's report has, production record included.
func TestResolveSettlesAnUnknownRun(t *testing.T) {
	for _, tc := range []struct {
		outcome string
		state   csr.State
		inProd  bool
	}{
		{"succeeded", csr.Deployed, true},
		{"failed", csr.DeployFailed, false},
	} {
		t.Run(tc.outcome, func(t *testing.T) {
			e := newEnv(t)
			e.walk(csr.Deploying)
			e.unknown("CSR-1")
			e.effects.events = nil
			r := e.ok("alice", "resolve CSR-1 "+tc.outcome+` "pods run the new image"`)
			require.Contains(t, render(r), fmt.Sprintf("Recorded: CSR-1/deploy/1 of CSR-1 %s, on your word (pods run the new image).", tc.outcome))
			require.Equal(t, tc.state, e.state("CSR-1"))
			require.Len(t, e.effects.events, 1)
			require.Equal(t, csr.EvRunFinished, e.effects.events[0].Kind, "the result is announced like a deployer's")
			d, ok, err := e.store.Production(context.Background(), "billing-api", "prod")
			require.NoError(t, err)
			require.Equal(t, tc.inProd, ok)
			if ok {
				require.Equal(t, csr.ID("CSR-1"), d.CSR)
			}
		})
	}
}

// The Redis store is every store the verbs take (commands.Store is their
// union), and the configuration every Config.
var (
	_ commands.Store        = (*redisstore.Store)(nil)
	_ commands.CSRReader    = (*redisstore.Store)(nil)
	_ commands.CSRUpdater   = (*redisstore.Store)(nil)
	_ commands.CSRCreator   = (*redisstore.Store)(nil)
	_ commands.FreezeReader = (*redisstore.Store)(nil)
	_ commands.FreezeWriter = (*redisstore.Store)(nil)
	_ commands.DeployReader = (*redisstore.Store)(nil)
	_ commands.Productions  = (*redisstore.Store)(nil)
	_ commands.Config       = (*config.Config)(nil)
)
