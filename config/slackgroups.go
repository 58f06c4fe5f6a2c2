package config

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"releasebot/csr"
)

// slackGroups is the optional `slack_usergroups` section: config groups
// whose members come from a Slack user group, and, per approval step, the
// approvers as written (people and group:<name>), so a step's approvers
// can be rebuilt when a user group's membership changes.
//
//	groups:
//	  sm: [carol, dave]      # used until Slack has answered
//	slack_usergroups:
//	  sm: S0123SMTEAM
type slackGroups struct {
	ids   map[string]string              // group -> Slack user group id
	steps map[string]map[string][]string // service -> step -> approvers as written
}

var usergroupPat = pattern{regexp.MustCompile(`^S[A-Z0-9]{2,}$`), "a Slack user group id like S0123ABCD"}

// slackUserGroups reads `slack_usergroups` and, when there is one, records
// the approvers of every step as written. It runs after services, so the
// groups and lines are known.
func (d *decoder) slackUserGroups(n *yaml.Node, services *yaml.Node, c *Config) {
	if isNull(n) {
		return
	}
	c.slackGroups = slackGroups{ids: map[string]string{}, steps: map[string]map[string][]string{}}
	keys, vals, _ := d.entries(n, "slack_usergroups", "a mapping of group name to a Slack user group id")
	for i, k := range keys {
		path := join("slack_usergroups", k.Value)
		if _, known := c.groups[k.Value]; !known {
			d.errorf(k, path, "unknown group %q: list it under groups too, with the members to use until Slack answers", k.Value)
			continue
		}
		if id, ok := d.match(vals[i], path, usergroupPat); ok {
			c.slackGroups.ids[k.Value] = id
		}
	}
	// The main decoder has reported any problem in services; here the
	// well-formed parts are only read again.
	svcs := resolve(services)
	if svcs == nil || svcs.Kind != yaml.SequenceNode {
		return
	}
	for _, s := range svcs.Content {
		name := lookup(s, "name")
		line := resolve(lookup(s, "approval_line"))
		if name == nil || line == nil || line.Kind != yaml.SequenceNode {
			continue
		}
		steps := map[string][]string{}
		for _, st := range line.Content {
			stepName, approvers := lookup(st, "name"), resolve(lookup(st, "approvers"))
			if stepName == nil || approvers == nil || approvers.Kind != yaml.SequenceNode {
				continue
			}
			for _, a := range approvers.Content {
				steps[stepName.Value] = append(steps[stepName.Value], a.Value)
			}
		}
		c.slackGroups.steps[name.Value] = steps
	}
}

// SlackUserGroups maps config groups to the Slack user groups they follow.
func (c *Config) SlackUserGroups() map[string]string { return maps.Clone(c.slackGroups.ids) }

// ServiceWith returns a service whose approval steps take the members of
// groups that follow a Slack user group from members (group -> people),
// when members has an entry for the group; other groups keep their config
// members.
func (c *Config) ServiceWith(name string, members map[string][]csr.Person) (csr.Service, bool) {
	svc, ok := c.Service(name)
	if !ok || len(c.slackGroups.ids) == 0 {
		return svc, ok
	}
	written := c.slackGroups.steps[name]
	for i, st := range svc.Line {
		refs, ok := written[st.Name]
		if !ok {
			continue
		}
		var out []csr.Person
		add := func(ps ...csr.Person) {
			for _, p := range ps {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
		for _, ref := range refs {
			g, isGroup := strings.CutPrefix(ref, "group:")
			if !isGroup {
				add(csr.Person(ref))
				continue
			}
			if m, follows := members[g]; follows && c.slackGroups.ids[g] != "" {
				add(m...)
			} else {
				add(c.groups[g]...)
			}
		}
		svc.Line[i].Approvers = out
	}
	return svc, true
}
