package slack

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"releasebot/config"
	"releasebot/csr"
)

// GroupsConfig is the configuration as the bot sees it when config groups
// follow Slack user groups (`slack_usergroups`): a service's approval steps
// that name such a group take the group's current members in Slack who are
// configured people. Everything else is the config's.
//
// Build one with NewGroupsConfig before the app and give the same value to
// app.Options.Policy and to Options.People and Options.Services: the
// command handler, the effects, the deploy queue, the scheduler's
// reminders and the adapter's cards and direct messages then all name the
// same approvers. It is safe for concurrent use; FollowGroups keeps it
// current.
type GroupsConfig struct {
	*config.Config
	groups *userGroups
}

// NewGroupsConfig returns the view of cfg whose groups follow Slack user
// groups. Until FollowGroups has read a group from Slack, the group has
// its config members.
func NewGroupsConfig(cfg *config.Config) *GroupsConfig {
	return &GroupsConfig{Config: cfg, groups: &userGroups{cfg: cfg, members: map[string][]csr.Person{}}}
}

// Service returns a service with its approvers as of the last refresh.
func (g *GroupsConfig) Service(name string) (csr.Service, bool) {
	return g.Config.ServiceWith(name, g.groups.snapshot())
}

// Services lists the services, in file order, with their approvers as of
// the last refresh (the scheduler's reminders list them).
func (g *GroupsConfig) Services() []csr.Service {
	members := g.groups.snapshot()
	names := g.Config.ServiceNames()
	out := make([]csr.Service, 0, len(names))
	for _, name := range names {
		if svc, ok := g.Config.ServiceWith(name, members); ok {
			out = append(out, svc)
		}
	}
	return out
}

// Members returns the known members of a group that follows a Slack user
// group, and false until Slack has answered for it.
func (g *GroupsConfig) Members(group string) ([]csr.Person, bool) {
	m, ok := g.groups.snapshot()[group]
	return m, ok
}

// userGroups caches the members of the followed user groups.
type userGroups struct {
	cfg       *config.Config
	following atomic.Bool // a refresh loop runs

	mu      sync.RWMutex
	members map[string][]csr.Person // group -> configured people in its user group
}

func (u *userGroups) snapshot() map[string][]csr.Person {
	u.mu.RLock()
	defer u.mu.RUnlock()
	return u.members
}

// FollowGroups resolves the Slack user groups g's groups follow
// (usergroups.users.list), once now and then every `every` until ctx ends
// or the adapter closes. Call it after Identify and before the app starts
// its background work (app.App.Start), so that the first reminder already
// names Slack's members. Until Slack has answered for a group, its config
// members are used; a failed refresh keeps the last answer. Following the
// same view twice starts no second refresh loop.
func (a *Adapter) FollowGroups(ctx context.Context, g *GroupsConfig, every time.Duration) {
	u := g.groups
	if len(u.cfg.SlackUserGroups()) == 0 || !u.following.CompareAndSwap(false, true) {
		return
	}
	if every <= 0 {
		every = 5 * time.Minute
	}
	first, cancel := context.WithTimeout(ctx, 15*time.Second)
	u.refresh(first, a)
	cancel()
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-a.base.Done():
				return
			case <-t.C:
				rctx, cancel := context.WithTimeout(ctx, time.Minute)
				u.refresh(rctx, a)
				cancel()
			}
		}
	}()
}

// FollowUserGroups follows the Slack user groups of cfg (see FollowGroups)
// and returns its view: the adapter's own when the adapter was built over
// cfg (Options.Services is cfg or NewGroupsConfig(cfg)).
//
// Deprecated: the view it returns is made after the app, so the app's
// deploy queue, scheduler and effects do not see it. Build the view with
// NewGroupsConfig, give it to app.Options.Policy and Options.Services, and
// call FollowGroups before app.App.Start.
func (a *Adapter) FollowUserGroups(ctx context.Context, cfg *config.Config, every time.Duration) *GroupsConfig {
	g := a.groups
	if g == nil || g.Config != cfg {
		a.log.ErrorContext(ctx, "FollowUserGroups: the adapter was not built over this config; its cards and direct messages do not follow these user groups")
		g = NewGroupsConfig(cfg)
	}
	a.FollowGroups(ctx, g, every)
	return g
}

// refresh asks Slack, through a, for every followed group's members.
func (u *userGroups) refresh(ctx context.Context, a *Adapter) {
	next := maps.Clone(u.snapshot())
	for group, id := range u.cfg.SlackUserGroups() {
		ids, err := a.api.groupMembers(ctx, id)
		if err != nil {
			a.log.WarnContext(ctx, "slack user group not read; keeping its last members", "group", group, "usergroup", id, "err", err)
			continue
		}
		var members []csr.Person
		var strangers []string
		for _, uid := range ids {
			if p, ok := u.cfg.PersonBySlackID(uid); ok {
				if !slices.Contains(members, p) {
					members = append(members, p)
				}
			} else {
				strangers = append(strangers, uid)
			}
		}
		if len(strangers) > 0 {
			a.log.InfoContext(ctx, "slack user group members not in the config's people are not approvers",
				"group", group, "usergroup", id, "slack_ids", strangers)
		}
		next[group] = members
	}
	u.mu.Lock()
	u.members = next
	u.mu.Unlock()
}
