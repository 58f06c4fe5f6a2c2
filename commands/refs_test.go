package commands_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/commands"
	"releasebot/csr"
	"releasebot/integrations/github"
	"releasebot/integrations/github/githubtest"
	"releasebot/integrations/gitref"
	"releasebot/internal/secret"
)

const (
	shaA = "aaaaaaa111111111111111111111111111111111"
	shaB = "bbbbbbb222222222222222222222222222222222"
)

// branches is a source host whose branches move when the test says so;
// anything else resolves as offline (a SHA stands for itself).
type branches struct {
	mu    sync.Mutex
	heads map[string]string
	asked int
}

func (b *branches) Resolve(ctx context.Context, repo, ref string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.asked++
	if sha, ok := b.heads[ref]; ok {
		return sha, nil
	}
	return gitref.Offline{}.Resolve(ctx, repo, ref)
}

func (b *branches) move(ref, sha string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.heads[ref] = sha
}

func (b *branches) lookups() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.asked
}

// newRefsEnv is the commands environment with a source host whose main
// branch is at shaA.
func newRefsEnv(t *testing.T) (*env, *branches) {
	t.Helper()
	e := newEnv(t)
	b := &branches{heads: map[string]string{"main": shaA}}
	e.h.Refs = b
	return e, b
}

func get(t *testing.T, e *env, id csr.ID) csr.CSR {
	t.Helper()
	c, err := e.store.Get(context.Background(), id)
	require.NoError(t, err)
	return c
}

// TestTestFollowsAMovedBranch: a CSR made from a branch ships where the
// branch is at `test`: main moved since `new`, so the CSR is pointed at the
// new commit (as `update` would) and the test deploys that commit.
func TestTestFollowsAMovedBranch(t *testing.T) {
	e, b := newRefsEnv(t)
	e.ok("alice", `new billing-api "Fix rounding" --ref main`)
	require.Equal(t, shaA, get(t, e, "CSR-1").SHA())
	require.True(t, get(t, e, "CSR-1").Refs[0].Floating)

	e.ok("alice", "test CSR-1")
	require.Equal(t, shaA, get(t, e, "CSR-1").Runs[0].SHA, "main has not moved")
	e.finishRuns("CSR-1")

	b.move("main", shaB)
	r := e.ok("alice", "test CSR-1")
	text := render(r)
	require.Contains(t, text, "`main` moved from aaaaaaa to bbbbbbb: CSR-1 now ships bbbbbbb.")
	require.Contains(t, text, "Test deploy CSR-1/test/2 of CSR-1 to test started.")

	c := get(t, e, "CSR-1")
	require.Equal(t, csr.TestDeploying, c.State)
	require.Equal(t, shaB, c.SHA())
	require.Equal(t, shaB, c.Runs[1].SHA, "the test deploys the commit main moved to")
	last := c.History[len(c.History)-2:]
	require.Equal(t, "update", last[0].Action, "moving is recorded as an update")
	require.Equal(t, "main@bbbbbbb", last[0].Note)
	require.Equal(t, "test", last[1].Action)
}

// TestTestKeepsAPinnedCommit: a commit named with --sha stays, wherever
// its branch goes; so does one pinned later by `update --sha`.
func TestTestKeepsAPinnedCommit(t *testing.T) {
	e, b := newRefsEnv(t)
	e.ok("alice", `new billing-api "Fix rounding" --ref main --sha `+shaA[:12])
	require.False(t, get(t, e, "CSR-1").Refs[0].Floating)
	b.move("main", shaB)
	before := b.lookups()
	r := e.ok("alice", "test CSR-1")
	require.NotContains(t, render(r), "moved")
	require.Equal(t, shaA[:12], get(t, e, "CSR-1").Runs[0].SHA)
	require.Equal(t, before, b.lookups(), "a pinned ref is not looked up")

	// Made from a branch, then pinned at the commit it has: `update`
	// naming the same commit pins it, and changes nothing else.
	e.ok("alice", `new web-frontend "Banner" --ref main`)
	e.ok("alice", "update CSR-2 --ref main --sha "+shaB)
	c := get(t, e, "CSR-2")
	require.False(t, c.Refs[0].Floating)
	require.Equal(t, csr.Draft, c.State)
	require.Equal(t, "pin", c.History[len(c.History)-1].Action)
	b.move("main", shaA)
	r = e.ok("alice", "test CSR-2")
	require.NotContains(t, render(r), "moved")
	require.Equal(t, shaB, get(t, e, "CSR-2").Runs[0].SHA)
}

// TestTestRefusedBeforeLookingUp: a `test` the lifecycle refuses anyway
// asks nothing of the source host and moves nothing.
func TestTestRefusedBeforeLookingUp(t *testing.T) {
	e, b := newRefsEnv(t)
	e.ok("alice", `new billing-api "Fix rounding" --ref main`)
	e.ok("alice", "test CSR-1")
	b.move("main", shaB)
	before := b.lookups()
	r := e.do("alice", "test CSR-1") // still test_deploying
	require.NotNil(t, r.Refusal)
	require.Equal(t, csr.RuleWrongState, r.Refusal.Rule)
	require.Equal(t, before, b.lookups())
	require.Equal(t, shaA, get(t, e, "CSR-1").SHA())
}

// TestUnknownRefWithGitHub: with GitHub configured, a branch the
// repository does not have is a refusal saying so at `new`, `update` and
// `test` (the branch was deleted), not "something went wrong"; GitHub
// unreachable is a refusal too.
func TestUnknownRefWithGitHub(t *testing.T) {
	e := newEnv(t)
	gh := githubtest.New(t)
	gh.SetRef("main", githubtest.CommitSHA)
	client, err := github.NewClient(github.Settings{APIURL: gh.APIURL(), Token: secret.New("ghp_test")})
	require.NoError(t, err)
	e.h.Refs = github.Refs{Client: client}

	r := e.do("alice", `new billing-api "Fix rounding" --ref mian`)
	require.NotNil(t, r.Refusal)
	require.Equal(t, csr.RuleUnknownRef, r.Refusal.Rule)
	require.Equal(t, "there is no branch, tag or commit `mian` in acme/billing-api; nothing was changed. | "+
		"check the branch name and that it is pushed to acme/billing-api, or name the commit with `--sha`.\n", render(r))

	e.ok("alice", `new billing-api "Fix rounding" --ref main`)
	require.Equal(t, githubtest.CommitSHA, get(t, e, "CSR-1").SHA())
	r = e.do("alice", "update CSR-1 --ref release-9")
	require.Equal(t, csr.RuleUnknownRef, r.Refusal.Rule)

	gh.FailCommits(503)
	r = e.do("alice", "test CSR-1")
	require.Equal(t, csr.RuleGithubUnavailable, r.Refusal.Rule)
	require.True(t, strings.HasPrefix(render(r), "GitHub could not be reached to look up `main` in acme/billing-api; nothing was changed."), render(r))
	require.Equal(t, csr.Draft, get(t, e, "CSR-1").State, "nothing was changed")

	gh.FailCommits(0)
	e.ok("alice", "test CSR-1")
}

var _ commands.RefResolver = (*branches)(nil)
