package slack

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"releasebot/config"
	"releasebot/csr"
)

// GroupsConfig is the configuration as the bot sees it when config groups
// follow Slack user groups (`slack_usergroups`): a service's approval steps
// that name such a group take the group's current members in Slack who are
// configured people. Everything else is the config's.
type GroupsConfig struct {
	*config.Config
	groups *userGroups
}

// Service returns a service with its approvers as of the last refresh.
func (g *GroupsConfig) Service(name string) (csr.Service, bool) {
	return g.Config.ServiceWith(name, g.groups.snapshot())
}

// Members returns the known members of a group that follows a Slack user
// group, and false until Slack has answered for it.
func (g *GroupsConfig) Members(group string) ([]csr.Person, bool) {
	m, ok := g.groups.snapshot()[group]
	return m, ok
}

// userGroups caches the members of the followed user groups.
type userGroups struct {
	cfg *config.Config
	a   *Adapter

	mu      sync.RWMutex
	members map[string][]csr.Person // group -> configured people in its user group
}

func (u *userGroups) snapshot() map[string][]csr.Person {
	u.mu.RLock()
	defer u.mu.RUnlock()
	return u.members
}

// FollowUserGroups resolves the Slack user groups the config's groups
// follow (usergroups.users.list), once now and then every `every` until
// ctx ends, and returns the configuration to give the command handler.
// The adapter itself sees the same approvers. Call it before serving.
// Until Slack has answered for a group, its config members are used; a
// failed refresh keeps the last answer.
func (a *Adapter) FollowUserGroups(ctx context.Context, cfg *config.Config, every time.Duration) *GroupsConfig {
	u := &userGroups{cfg: cfg, a: a, members: map[string][]csr.Person{}}
	g := &GroupsConfig{Config: cfg, groups: u}
	a.dir = g
	if len(cfg.SlackUserGroups()) == 0 {
		return g
	}
	if every <= 0 {
		every = 5 * time.Minute
	}
	first, cancel := context.WithTimeout(ctx, 15*time.Second)
	u.refresh(first)
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
				u.refresh(rctx)
				cancel()
			}
		}
	}()
	return g
}

// refresh asks Slack for every followed group's members.
func (u *userGroups) refresh(ctx context.Context) {
	next := maps.Clone(u.snapshot())
	for group, id := range u.cfg.SlackUserGroups() {
		ids, err := u.a.api.groupMembers(ctx, id)
		if err != nil {
			u.a.log.WarnContext(ctx, "slack user group not read; keeping its last members", "group", group, "usergroup", id, "err", err)
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
			u.a.log.InfoContext(ctx, "slack user group members not in the config's people are not approvers",
				"group", group, "usergroup", id, "slack_ids", strangers)
		}
		next[group] = members
	}
	u.mu.Lock()
	u.members = next
	u.mu.Unlock()
}
