package github

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"releasebot/csr"
)

// Refs resolves refs on GitHub and lists what a commit ships. It
// implements commands.RefResolver.
type Refs struct {
	Client *gh.Client
}

// Resolve returns the commit SHA a branch, tag or abbreviated SHA names.
func (g Refs) Resolve(ctx context.Context, repo, ref string) (string, error) {
	owner, name, err := splitRepo(repo)
	if err != nil {
		return "", err
	}
	c, _, err := g.Client.Repositories.GetCommit(ctx, owner, name, ref, &gh.ListOptions{PerPage: 1})
	if err != nil {
		return "", fmt.Errorf("resolve %s in %s on GitHub: %w", ref, repo, err)
	}
	return c.GetSHA(), nil
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
