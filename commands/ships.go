package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"releasebot/bot/chat"
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
	base, err := productionSHA(ctx, h.Store, svc)
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

// productionSHA is the commit the service's production runs now ("" when
// nothing was deployed there yet).
func productionSHA(ctx context.Context, ps Productions, svc csr.Service) (string, error) {
	d, ok, err := ps.Production(ctx, svc.Name, svc.ProdEnv())
	if err != nil || !ok {
		return "", err
	}
	return d.SHA, nil
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
