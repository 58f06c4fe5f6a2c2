package commands

import (
	"context"
	"errors"
	"strings"
	"time"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

// resolve turns the ref into a commit. A SHA named with --sha, or a full
// SHA given as the ref, is checked to be a commit of the repository before
// anything is written.
func (h *Handler) resolve(ctx context.Context, svc csr.Service, ref, sha string) (string, error) {
	if sha != "" {
		if !isHex(sha) || len(sha) < 7 || len(sha) > 40 {
			return "", syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--sha", "want", msg.T(msg.WantSHA), "value", clip(sha)),
				msg.T(msg.NextHelpVerb, "verb", "new"))
		}
		return h.commit(ctx, svc, sha)
	}
	if r := []rune(ref); len(r) > 255 || strings.ContainsFunc(ref, func(r rune) bool { return r < ' ' || r == 0x7f || r == ' ' }) {
		return "", syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--ref", "want", msg.T(msg.WantRef), "value", clip(ref)), msg.T(msg.NextRefRequired))
	}
	if fullSHA(ref) {
		return h.commit(ctx, svc, ref)
	}
	return h.Refs.Resolve(ctx, svc.Repo, ref)
}

// commit checks that the repository has the commit sha (full or
// abbreviated) and returns its full SHA. The source host's commit lookup
// takes a SHA as well as a branch, so it is the existence check; an answer
// that is not that commit (a branch named like a SHA) is refused too.
func (h *Handler) commit(ctx context.Context, svc csr.Service, sha string) (string, error) {
	sha = strings.ToLower(sha)
	full, err := h.Refs.Resolve(ctx, svc.Repo, sha)
	if err != nil {
		return "", err
	}
	full = strings.ToLower(full)
	if !strings.HasPrefix(full, sha) || (len(sha) == 40 && full != sha) {
		return "", &csr.Refusal{Rule: csr.RuleUnknownRef, Why: msg.T(msg.RefuseUnknownRef, "ref", sha, "repo", svc.Repo),
			Next: msg.T(msg.NextUnknownRef, "repo", svc.Repo)}
	}
	return full, nil
}

// fullSHA reports whether ref is a whole commit SHA: a pin, never a
// branch to follow.
func fullSHA(ref string) bool { return len(ref) == 40 && isHex(ref) }

// floating reports whether a ref follows its branch: not pinned with
// --sha, and not a full commit SHA (which cannot move).
func floating(ref, sha string) bool {
	return sha == "" && !fullSHA(ref)
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// Update points the CSR at a new commit.
type Update struct {
	CSR csr.ID
	Ref string
	SHA string
}

// Verb implements Command.
func (Update) Verb() string { return "update" }

func parseUpdate(p *parser) (Update, error) {
	id, err := idOnly(p)
	if err != nil {
		return Update{}, err
	}
	u := Update{CSR: id, Ref: p.Flags["ref"], SHA: p.Flags["sha"]}
	if u.Ref == "" {
		return Update{}, syntaxError(msg.T(msg.RefuseRefRequired), msg.T(msg.NextRefRequired))
	}
	return u, nil
}

func runUpdate(ctx context.Context, h *Handler, req Request, u Update) (chat.Reply, error) {
	_, svc, err := h.load(ctx, u.CSR)
	if err != nil {
		return chat.Reply{}, err
	}
	sha, err := h.resolve(ctx, svc, u.Ref, u.SHA)
	if err != nil {
		return chat.Reply{}, err
	}
	ref := csr.Ref{Repo: svc.Repo, Ref: u.Ref, SHA: sha, Floating: floating(u.Ref, u.SHA)}
	base := h.ships(ctx, svc, &ref)
	c, svc, _, err := h.transition(ctx, req, u.CSR, func(c csr.CSR, _ csr.Service, now time.Time) (csr.CSR, []csr.Event, error) {
		d, evs, err := c.ChangeRef(req.Actor, ref, now)
		if errors.Is(err, csr.ErrNoChange) && len(c.Refs) > 0 && c.Refs[0].Ref == ref.Ref {
			// The same commit, pinned now with --sha, or following its
			// branch again without it.
			return c.SetFloating(req.Actor, ref.Floating, now)
		}
		return d, evs, err
	})
	if errors.Is(err, csr.ErrNoChange) {
		return chat.Reply{Texts: []msg.Text{msg.T(msg.ReplyUnchanged, "csr", string(u.CSR))}, Private: true}, nil
	}
	if err != nil {
		return chat.Reply{}, err
	}
	h.announceShips(ctx, c, svc, base)
	return h.cardReply(ctx, req, c, svc, msg.T(msg.ReplyUpdated, "csr", string(c.ID), "ref", u.Ref+"@"+ref.ShortSHA()))
}
