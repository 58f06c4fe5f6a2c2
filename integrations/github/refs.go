package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/msg"
)

// Refs resolves refs on GitHub and lists what a commit ships. It
// implements commands.RefResolver.
type Refs struct {
	Client *gh.Client
}

// Resolve returns the commit SHA a branch, tag or abbreviated SHA names;
// a full (40 hex digit) SHA is checked as a commit (Commit).
// What a person can act on is a *csr.Refusal: a ref the repository does not
// have ("unknown-ref"), a repository the bot cannot see ("unknown-repo"),
// GitHub unreachable or overloaded ("github-unavailable"). Anything else
// (bad credentials, say) is an error for the operator.
func (g Refs) Resolve(ctx context.Context, repo, ref string) (string, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	if fullSHA.MatchString(strings.ToLower(ref)) { // a full SHA names a commit, never a branch
		return g.Commit(ctx, repo, ref)
	}
	c, _, err := g.Client.Repositories.GetCommit(ctx, owner, name, ref, &gh.ListOptions{PerPage: 1})
	if err != nil {
		return "", resolveError(ctx, repo, ref, err)
	}
	return c.GetSHA(), nil
}

// hexSHA is a commit SHA, full or abbreviated (at least 7 hex digits).
var hexSHA = regexp.MustCompile(`^[0-9a-fA-F]{7,40}$`)

// Commit checks that the repository has the commit sha (full, or
// abbreviated to at least 7 hex digits) and returns its full SHA. Unlike
// Resolve it never follows a branch or tag: a branch named like a SHA
// does not count. Its refusals are Resolve's ("unknown-ref" for a commit
// the repository does not have or for text that is not a SHA,
// "unknown-repo", "github-unavailable").
func (g Refs) Commit(ctx context.Context, repo, sha string) (string, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	unknown := &csr.Refusal{Rule: csr.RuleUnknownRef, Why: msg.T(msg.RefuseUnknownRef, "ref", sha, "repo", repo), Next: msg.T(msg.NextUnknownRef, "repo", repo)}
	if !hexSHA.MatchString(sha) {
		return "", unknown
	}
	want := strings.ToLower(sha)
	c, _, err := g.Client.Repositories.GetCommit(ctx, owner, name, want, &gh.ListOptions{PerPage: 1})
	if err != nil {
		return "", resolveError(ctx, repo, sha, err)
	}
	if !strings.HasPrefix(c.GetSHA(), want) {
		return "", unknown // GitHub resolved it as a branch or tag name
	}
	return c.GetSHA(), nil
}

// resolveError says why GitHub gave no commit for ref.
func resolveError(ctx context.Context, repo, ref string, err error) error {
	refusal := func(rule csr.Rule, why, next msg.Text) error { return &csr.Refusal{Rule: rule, Why: why, Next: next} }
	unavailable := refusal(csr.RuleGithubUnavailable, msg.T(msg.RefuseGitHubDown, "ref", ref, "repo", repo), msg.T(msg.NextRetryLater))
	var er *gh.ErrorResponse
	var rl *gh.RateLimitError
	var arl *gh.AbuseRateLimitError
	switch {
	case ctx.Err() != nil: // the command was abandoned, not GitHub's doing
	case errors.Is(err, errAppAuth): // the operator's to fix
	case errors.As(err, &rl), errors.As(err, &arl):
		return unavailable
	case errors.As(err, &er) && er.Response != nil:
		switch code := er.Response.StatusCode; {
		// 422 "No commit found for SHA: x" is GitHub's answer for a ref
		// the repository does not have; 409: the repository is empty.
		case code == http.StatusUnprocessableEntity || code == http.StatusConflict ||
			(code == http.StatusNotFound && strings.Contains(er.Message, "No commit found")):
			return refusal(csr.RuleUnknownRef, msg.T(msg.RefuseUnknownRef, "ref", ref, "repo", repo), msg.T(msg.NextUnknownRef, "repo", repo))
		case code == http.StatusNotFound: // the repository is missing, or hidden from the bot
			return refusal(csr.RuleUnknownRepo, msg.T(msg.RefuseUnknownRepo, "ref", ref, "repo", repo), msg.T(msg.NextUnknownRepo, "repo", repo))
		case code >= 500:
			return unavailable
		}
	default: // no answer: the network, a timeout
		return unavailable
	}
	return fmt.Errorf("resolve %s in %s on GitHub: %w", ref, repo, deploy.Redact(err))
}

// maxShips bounds the commits kept on a CSR.
const maxShips = 50

// Ships lists the commits from base to head (GitHub's compare, oldest
// first) and the pull requests they came from.
func (g Refs) Ships(ctx context.Context, repo, base, head string) ([]csr.Commit, []int, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return nil, nil, err
	}
	cmp, _, err := g.Client.Repositories.CompareCommits(ctx, owner, name, base, head, &gh.ListOptions{PerPage: maxShips})
	if err != nil {
		return nil, nil, fmt.Errorf("compare %s...%s in %s: %w", short(base), short(head), repo, err)
	}
	var commits []csr.Commit
	var prs []int
	for _, c := range cmp.Commits {
		message := c.GetCommit().GetMessage()
		title, _, _ := strings.Cut(message, "\n")
		author := c.GetAuthor().GetLogin()
		if author == "" {
			author = c.GetCommit().GetAuthor().GetName()
		}
		commits = append(commits, csr.Commit{SHA: c.GetSHA(), Title: title, Author: author})
		for _, n := range pullRequests(message) {
			if !slices.Contains(prs, n) {
				prs = append(prs, n)
			}
		}
	}
	if len(commits) > maxShips {
		commits = commits[len(commits)-maxShips:]
	}
	return commits, prs, nil
}

// prRef finds pull request numbers in merge and squash commit messages:
// "Merge pull request #12 from …" and "Fix rounding (#12)".
var prRef = regexp.MustCompile(`(?:Merge pull request #(\d+))|(?:\(#(\d+)\)\s*$)`)

func pullRequests(message string) []int {
	title, _, _ := strings.Cut(message, "\n")
	var out []int
	for _, m := range prRef.FindAllStringSubmatch(title, -1) {
		for _, g := range m[1:] {
			if n, err := strconv.Atoi(g); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}
