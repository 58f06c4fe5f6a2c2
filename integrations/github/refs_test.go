package github_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/integrations/github"
	"releasebot/integrations/github/githubtest"
	"releasebot/msg"
)

// TestResolveRefusals: what goes wrong resolving a ref is a refusal a
// person can act on, not an internal error: a ref the repository does not
// have, a repository the bot cannot see, GitHub down or unreachable.
func TestResolveRefusals(t *testing.T) {
	s := githubtest.New(t)
	s.SetRef("main", githubtest.CommitSHA)
	refs := github.Refs{Client: must(github.NewClient(*client(t, s)))}
	ctx := context.Background()

	sha, err := refs.Resolve(ctx, "acme/billing-api", "main")
	require.NoError(t, err)
	require.Equal(t, githubtest.CommitSHA, sha)

	down := unreachable(t)
	cases := []struct {
		name      string
		refs      github.Refs
		repo, ref string
		fail      int
		rule      csr.Rule
		why, next string
	}{
		{"unknown branch", refs, "acme/billing-api", "mian", 0, "unknown-ref",
			"there is no branch, tag or commit `mian` in acme/billing-api; nothing was changed.",
			"check the branch name and that it is pushed to acme/billing-api, or name the commit with `--sha`."},
		{"repository the bot cannot see", refs, "acme/missing", "main", 0, "unknown-repo",
			"GitHub shows the bot no repository acme/missing, so `main` could not be looked up; nothing was changed.",
			"ask an admin to check the service's `repo` in the config and that the bot's GitHub access can read acme/missing."},
		{"GitHub failing", refs, "acme/billing-api", "main", http.StatusBadGateway, "github-unavailable",
			"GitHub could not be reached to look up `main` in acme/billing-api; nothing was changed.", ""},
		{"GitHub unreachable", down, "acme/billing-api", "main", 0, "github-unavailable",
			"GitHub could not be reached to look up `main` in acme/billing-api; nothing was changed.", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.FailCommits(tc.fail)
			t.Cleanup(func() { s.FailCommits(0) })
			_, err := tc.refs.Resolve(ctx, tc.repo, tc.ref)
			var r *csr.Refusal
			require.ErrorAs(t, err, &r)
			require.Equal(t, tc.rule, r.Rule)
			require.Equal(t, tc.why, msg.English.Render(r.Why))
			if tc.next != "" {
				require.Equal(t, tc.next, msg.English.Render(r.Next))
			} else {
				require.Equal(t, msg.NextRetryLater, r.Next.ID)
			}
		})
	}
}

// TestResolveBadCredentials: GitHub refusing the bot's token is the
// operator's to fix: an error (logged with a reference), not a refusal
// blaming the ref, and without the token in its text.
func TestResolveBadCredentials(t *testing.T) {
	s := githubtest.New(t)
	s.FailCommits(http.StatusUnauthorized)
	refs := github.Refs{Client: must(github.NewClient(*client(t, s)))}
	_, err := refs.Resolve(context.Background(), "acme/billing-api", "main")
	require.Error(t, err)
	var r *csr.Refusal
	require.False(t, errors.As(err, &r), "bad credentials are not the person's to fix: %v", err)
	require.NotContains(t, err.Error(), "ghp_test")
}

// unreachable is a resolver whose GitHub is not there.
func unreachable(t *testing.T) github.Refs {
	t.Helper()
	s := githubtest.New(t)
	api := s.APIURL()
	s.Close()
	return github.Refs{Client: must(github.NewClient(github.Settings{APIURL: api, Token: deploy.NewSecret("ghp_test")}))}
}
