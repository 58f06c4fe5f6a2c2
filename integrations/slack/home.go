package slack

import (
	"context"
	"slices"
	"strconv"

	slackapi "github.com/slack-go/slack"

	"releasebot/csr"
	"releasebot/internal/store"
	"releasebot/msg"
)

// maxHomeItems bounds each list of the App Home (a Home view holds at most
// 100 blocks).
const maxHomeItems = 12

// publishHome draws a person's App Home: what waits on them (with the
// buttons to act), then their own CSRs.
func (a *Adapter) publishHome(ctx context.Context, user string) {
	view, err := a.homeView(ctx, user)
	if err != nil {
		a.log.WarnContext(ctx, "home not drawn", "user", user, "err", err)
		return
	}
	if err := a.api.publishHome(ctx, user, view); err != nil {
		a.log.WarnContext(ctx, "home not published", "user", user, "err", err)
	}
}

func (a *Adapter) homeView(ctx context.Context, user string) (slackapi.HomeTabViewRequest, error) {
	view := slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab, CallbackID: "home"}
	r := a.reader(ctx, user)
	p, ok := a.people.PersonBySlackID(user)
	if !ok {
		view.Blocks.BlockSet = []slackapi.Block{section(r.t(msg.T(msg.RefuseUnknownActor, "who", user))),
			contextLine(r.t(msg.T(msg.NextAskAdmin)))}
		return view, nil
	}
	actor := csr.Actor{Person: p, Admin: a.people.IsAdmin(p)}
	mine, err := a.csrs.List(ctx, store.Filter{Person: p, Limit: 100})
	if err != nil {
		return view, err
	}
	open, err := a.csrs.List(ctx, store.Filter{States: []csr.State{csr.InApproval}, Limit: 500})
	if err != nil {
		return view, err
	}
	var waiting, own []csr.CSR
	seen := map[csr.ID]bool{}
	for _, c := range open {
		if svc, ok := a.services.Service(c.Service); ok {
			if st, ok := c.OpenStep(svc); ok && slices.Contains(st.Pending(c), p) {
				waiting = append(waiting, c)
				seen[c.ID] = true
			}
		}
	}
	for _, c := range mine {
		if c.State.Terminal() || c.State == csr.Deployed {
			own = append(own, c)
			continue
		}
		if !seen[c.ID] && ownersMove(c.State) {
			waiting = append(waiting, c)
			seen[c.ID] = true
		} else {
			own = append(own, c)
		}
	}
	blocks := []slackapi.Block{
		slackapi.NewHeaderBlock(plainText(r.plain(msg.T(msg.SlackHomeTitle)), maxHeaderText)),
		section("*" + r.t(msg.T(msg.SlackHomeWaiting, "count", strconv.Itoa(len(waiting)))) + "*"),
	}
	if len(waiting) == 0 {
		blocks = append(blocks, contextLine(r.t(msg.T(msg.SlackHomeNothing))))
	}
	for _, c := range first(waiting, maxHomeItems) {
		svc, ok := a.services.Service(c.Service)
		if !ok {
			continue
		}
		card, actions, err := a.cards.Card(ctx, actor, c, svc)
		if err != nil {
			return view, err
		}
		blocks = append(blocks, section(r.homeLine(c)+"\n"+r.t(card.Next)))
		if len(actions) > 0 {
			blocks = append(blocks, r.buttons(blockID(scopeHome, c.ID, c.Version, ""), actions))
		}
	}
	blocks = append(blocks, slackapi.NewDividerBlock(),
		section("*"+r.t(msg.T(msg.SlackHomeMine, "count", strconv.Itoa(len(own))))+"*"))
	var lines []string
	for _, c := range first(own, maxHomeItems*2) {
		lines = append(lines, r.homeLine(c))
	}
	if len(lines) == 0 {
		lines = append(lines, r.t(msg.T(msg.SlackHomeNone)))
	}
	blocks = append(blocks, sections(lines)...)
	blocks = append(blocks, contextLine(r.t(msg.T(msg.SlackHomeFooter, "command", a.command))))
	view.Blocks.BlockSet = blocks
	return view, nil
}

// ownersMove: in these states the next move is the requester's or
// assignee's.
func ownersMove(s csr.State) bool {
	return slices.Contains([]csr.State{csr.Draft, csr.Tested, csr.TestFailed, csr.Approved, csr.Rejected, csr.DeployFailed}, s)
}

func (r renderer) homeLine(c csr.CSR) string {
	return r.t(msg.T(msg.SlackHomeLine, "csr", string(c.ID), "service", c.Service, "title", c.Title, "state", c.State.Name()))
}

func first(cs []csr.CSR, n int) []csr.CSR {
	if len(cs) > n {
		return cs[:n]
	}
	return cs
}
