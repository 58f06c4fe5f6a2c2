package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"releasebot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// Shipper lists the commits and pull requests from base to head; a
// RefResolver that can (integrations/github.Refs) also fills them in on
// the CSR at `new` and `update`.
type Shipper interface {
	Ships(ctx context.Context, repo, base, head string) ([]csr.Commit, []int, error)
}

// ships fills in what ref ships beyond the service's production commit and
// returns that commit ("" when nothing was compared). A failure only costs
// the list: it is logged, never refused.
func (h *Handler) ships(ctx context.Context, svc csr.Service, ref *csr.Ref) string {
	s, ok := h.Refs.(Shipper)
	if !ok || ref.SHA == "" {
		return ""
	}
	base, err := h.productionSHA(ctx, svc)
	if err != nil || base == "" || base == ref.SHA {
		return ""
	}
	commits, prs, err := s.Ships(ctx, svc.Repo, base, ref.SHA)
	if err != nil {
		h.Log.WarnContext(ctx, "commits of the CSR not listed", "service", svc.Name, "err", err)
		return ""
	}
	ref.Commits, ref.PRs = commits, prs
	return base
}

// productionSHA is the commit of the service's newest successful
// production run.
func (h *Handler) productionSHA(ctx context.Context, svc csr.Service) (string, error) {
	runs, err := h.productionRuns(ctx, svc)
	if err != nil || len(runs) == 0 {
		return "", err
	}
	return runs[len(runs)-1].Run.SHA, nil
}

// ownedRun is a run with the CSR it belongs to.
type ownedRun struct {
	CSR csr.ID
	Run csr.Run
}

// productionRuns lists the service's successful production runs (deploys
// and rollbacks), oldest first: the record of what ran in production when.
func (h *Handler) productionRuns(ctx context.Context, svc csr.Service) ([]ownedRun, error) {
	all, err := h.Store.List(ctx, storeFilterService(svc.Name))
	if err != nil {
		return nil, err
	}
	var out []ownedRun
	for _, c := range all {
		for _, r := range c.Runs {
			if r.Env == svc.ProdEnv() && r.Status == csr.RunSucceeded && r.Purpose != csr.PurposeTest {
				out = append(out, ownedRun{c.ID, r})
			}
		}
	}
	slices.SortFunc(out, func(a, b ownedRun) int { return a.Run.EndedAt.Compare(b.Run.EndedAt) })
	return out, nil
}

// announceShips tells the service's channel what c ships.
func (h *Handler) announceShips(ctx context.Context, c csr.CSR, svc csr.Service, base string) {
	if base == "" || len(c.Refs) == 0 || len(c.Refs[0].Commits) == 0 {
		return
	}
	ref := c.Refs[0]
	var b strings.Builder
	for _, cm := range ref.Commits {
		fmt.Fprintf(&b, "\n• %s %s", shortSHA(cm.SHA), cm.Title)
		if cm.Author != "" {
			b.WriteString(" (" + cm.Author + ")")
		}
	}
	prs := ""
	if len(ref.PRs) > 0 {
		nums := make([]string, len(ref.PRs))
		for i, n := range ref.PRs {
			nums[i] = "#" + strconv.Itoa(n)
		}
		prs = "\nPull requests: " + strings.Join(nums, ", ")
	}
	h.Effects.Notice(ctx, chat.Notice{Channel: svc.Channel, CSR: c.ID, Text: msg.T(msg.NoteCommits, "csr", string(c.ID),
		"count", strconv.Itoa(len(ref.Commits)), "repo", svc.Repo, "base", shortSHA(base), "head", ref.ShortSHA(),
		"commits", b.String(), "prs", prs)})
}
