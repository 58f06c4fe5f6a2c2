package config

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"releasebot/csr"
)

// parse decodes and validates a whole file. The config is only meaningful
// when there are no problems.
func parse(data []byte) (*Config, []Problem) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, []Problem{syntaxProblem(err)}
	}
	if len(doc.Content) == 0 {
		return nil, []Problem{{Line: 1, Message: "the file is empty"}}
	}
	d := decoder{secret: map[*yaml.Node]bool{}}
	root := doc.Content[0]
	d.dropSecrets(root, "")
	c := d.config(root)
	slices.SortStableFunc(d.problems, func(a, b Problem) int { return a.Line - b.Line })
	return c, d.problems
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func syntaxProblem(err error) Problem {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{Line: line, Message: "not valid YAML: " + m[2]}
	}
	return Problem{Message: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
}

func (d *decoder) config(root *yaml.Node) *Config {
	c := &Config{
		prefix:    "CSR",
		loc:       time.UTC,
		deployers: map[string]map[string]Deployer{},
		slack:     map[csr.Person]string{},
		bySlack:   map[string]csr.Person{},
		admins:    map[csr.Person]bool{},
		groups:    map[string][]csr.Person{},
		langs:     map[csr.Person]string{},
	}
	f := d.fields(root, "", known())
	if loc, ok := d.location(f["timezone"], "timezone"); ok {
		c.loc = loc
	}
	if p, ok := d.match(f["csr_prefix"], "csr_prefix", prefixPat); ok {
		c.prefix = p
	}
	if l, ok := d.language(f["language"], "language"); ok {
		c.language = l
	}
	// People first: groups, admins and approval lines refer to them.
	d.people(f["people"], c)
	d.groups(f["groups"], c)
	admins, _ := d.list(f["admins"], "admins")
	for i, n := range admins {
		if p, ok := d.person(n, elem("admins", i), c); ok {
			c.admins[p] = true
		}
	}
	d.services(f["services"], c)
	d.reminders(f["reminders"], c) // after services: reminders name them
	d.slackUserGroups(f["slack_usergroups"], f["services"], c)
	return c
}

func (d *decoder) people(n *yaml.Node, c *Config) {
	keys, vals, ok := d.entries(n, "people", "a mapping of person name to a Slack user id or to {slack: ID, language: LANG}")
	if ok && len(keys) == 0 {
		d.errorf(n, "people", "must name at least one person")
	}
	owner := map[string]*yaml.Node{} // Slack id -> the name that has it
	for i, k := range keys {
		path := join("people", k.Value)
		name, _ := d.match(k, path, personPat)
		c.slack[csr.Person(name)] = ""
		idNode, idPath := vals[i], path
		switch v := resolve(vals[i]); {
		case isNull(v):
			d.errorf(vals[i], path, "needs a Slack user id")
			continue
		case v.Kind == yaml.MappingNode:
			f := d.fields(vals[i], path, known("people"))
			idNode, idPath = f["slack"], join(path, "slack")
			if l, ok := d.language(f["language"], join(path, "language")); ok {
				c.langs[csr.Person(name)] = l
			}
		case v.Kind != yaml.ScalarNode:
			d.errorf(vals[i], path, "must be a Slack user id, or a mapping like {slack: U0123ABCD, language: ko}")
			continue
		}
		id, ok := d.match(idNode, idPath, slackPat)
		if !ok {
			continue
		}
		if first, dup := owner[id]; dup {
			d.errorf(idNode, idPath, "Slack id %s is already %s's (line %d)", id, first.Value, first.Line)
			continue
		}
		owner[id] = k
		c.slack[csr.Person(name)] = id
		c.bySlack[id] = csr.Person(name)
	}
}

// language reads a language the bot speaks, naming them all when it is
// not one.
func (d *decoder) language(n *yaml.Node, path string) (string, bool) {
	s, ok := d.text(n, path)
	if ok && !slices.Contains(Languages, s) {
		d.errorf(n, path, "%q is not one of %s: the languages the bot speaks", s, strings.Join(Languages, ", "))
		return s, false
	}
	return s, ok
}

func (d *decoder) groups(n *yaml.Node, c *Config) {
	keys, vals, _ := d.entries(n, "groups", "a mapping of group name to a list of people")
	for i, k := range keys {
		path := join("groups", k.Value)
		d.match(k, path, namePat)
		items, _ := d.list(vals[i], path)
		if len(items) == 0 {
			d.errorf(k, path, "must list at least one person")
		}
		var members []csr.Person
		for j, it := range items {
			if p, ok := d.person(it, elem(path, j), c); ok && !slices.Contains(members, p) {
				members = append(members, p)
			}
		}
		c.groups[k.Value] = members
	}
}

// person reads a reference to a configured person.
func (d *decoder) person(n *yaml.Node, path string, c *Config) (csr.Person, bool) {
	s, ok := d.text(n, path)
	if !ok {
		return "", false
	}
	if !c.HasPerson(csr.Person(s)) {
		d.errorf(n, path, "unknown person %q (not in people)", s)
		return "", false
	}
	return csr.Person(s), true
}

func (d *decoder) services(n *yaml.Node, c *Config) {
	items, ok := d.list(n, "services")
	if ok && len(items) == 0 {
		d.errorf(n, "services", "must list at least one service")
	}
	first := map[string]int{} // name -> line
	for i, it := range items {
		s, deps, nameNode := d.service(it, elem("services", i), c)
		if s.Name == "" {
			continue
		}
		if line, dup := first[s.Name]; dup {
			d.errorf(nameNode, elem("services", i)+".name", "service %q is already defined on line %d", s.Name, line)
			continue
		}
		first[s.Name] = nameNode.Line
		c.services = append(c.services, s)
		c.deployers[s.Name] = deps
	}
}

func (d *decoder) service(n *yaml.Node, path string, c *Config) (csr.Service, map[string]Deployer, *yaml.Node) {
	f := d.fields(n, path, known("services"))
	var s csr.Service
	s.Name, _ = d.match(f["name"], join(path, "name"), namePat)
	s.Repo, _ = d.match(f["repo"], join(path, "repo"), repoPat)
	s.Channel, _ = d.match(f["channel"], join(path, "channel"), channelPat)
	var deps map[string]Deployer
	s.Environments, deps = d.environments(f["environments"], join(path, "environments"))
	s.Deployers = map[string]string{}
	for env, dep := range deps {
		s.Deployers[env] = dep.Kind
	}
	s.Line = d.approvalLine(f["approval_line"], join(path, "approval_line"), c)
	s.EvidenceRequired = d.boolean(f["evidence_required"], join(path, "evidence_required"))
	var loc *time.Location
	s.Window, loc = d.window(f["deploy_window"], join(path, "deploy_window"), c.loc)
	s.Zone = loc
	s.Freezes = d.freezes(f["freezes"], join(path, "freezes"), s.Name, loc)
	s.Rollback = d.rollbackBy(f["rollback_by"], join(path, "rollback_by"), c)
	return s, deps, resolve(f["name"])
}

// environments reads the environments in promotion order and the deployer
// of each.
func (d *decoder) environments(n *yaml.Node, path string) ([]string, map[string]Deployer) {
	var names []string
	deps := map[string]Deployer{}
	items, ok := d.list(n, path)
	if ok && len(items) < 2 {
		d.errorf(n, path, "needs at least 2 environments in promotion order: the first takes test deploys, the last is production")
	}
	first := map[string]int{} // name -> line
	for i, it := range items {
		p := elem(path, i)
		f := d.fields(it, p, known("services", "environments"))
		name, _ := d.match(f["name"], join(p, "name"), namePat)
		dep := d.deployer(f["deployer"], join(p, "deployer"))
		if name == "" {
			continue
		}
		if line, dup := first[name]; dup {
			d.errorf(f["name"], join(p, "name"), "environment %q is already listed on line %d", name, line)
			continue
		}
		first[name] = f["name"].Line
		names = append(names, name)
		deps[name] = dep
	}
	return names, deps
}

// deployerKinds maps each deployer kind to how to read its fields into a
// Deployer; the fields themselves are the kind's Variants in fields.go.
var deployerKinds = map[string]func(d *decoder, f map[string]*yaml.Node, path string, dep *Deployer){
	"fake":              decodeFake,
	"command":           decodeCommand,
	"webhook":           decodeWebhook,
	"github-actions":    decodeActions,
	"github-deployment": decodeDeployment,
}

func (d *decoder) deployer(n *yaml.Node, path string) Deployer {
	if isNull(n) {
		return Deployer{}
	}
	if resolve(n).Kind != yaml.MappingNode {
		d.errorf(n, path, "must be a mapping of kind and its settings, e.g. {kind: fake, delay: 2s}")
		return Deployer{}
	}
	kindNode := lookup(n, "kind")
	kind, ok := d.text(kindNode, join(path, "kind"))
	decode, isKind := deployerKinds[kind]
	kinds := strings.Join(slices.Sorted(maps.Keys(deployerKinds)), ", ")
	switch {
	case isNull(kindNode):
		d.errorf(n, join(path, "kind"), "is required (known kinds: %s)", kinds)
	case ok && !isKind:
		d.errorf(kindNode, join(path, "kind"), "unknown deployer kind %q (known kinds: %s)", kind, kinds)
	}
	fields, isVariant := knownVariant(kind, "services", "environments", "deployer")
	if !isKind || !isVariant {
		return Deployer{Kind: kind}
	}
	dep := Deployer{Kind: kind}
	decode(d, d.fields(n, path, fields), path, &dep)
	return dep
}

func decodeFake(d *decoder, f map[string]*yaml.Node, path string, dep *Deployer) {
	dep.Delay = d.duration(f["delay"], join(path, "delay"))
	dep.Outcome = "success"
	if o, ok := d.oneOf(f["outcome"], join(path, "outcome"), "success", "failure"); ok {
		dep.Outcome = o
	}
}

func (d *decoder) approvalLine(n *yaml.Node, path string, c *Config) []csr.Step {
	items, ok := d.list(n, path)
	if ok && len(items) == 0 {
		d.errorf(n, path, "needs at least one step")
	}
	var line []csr.Step
	first := map[string]int{} // name -> line
	for i, it := range items {
		p := elem(path, i)
		f := d.fields(it, p, known("services", "approval_line"))
		st := csr.Step{Required: 1}
		st.Name, _ = d.match(f["name"], join(p, "name"), namePat)
		if st.Name != "" {
			if line, dup := first[st.Name]; dup {
				d.errorf(f["name"], join(p, "name"), "step %q is already in this line on line %d", st.Name, line)
			}
			first[st.Name] = f["name"].Line
		}
		var clean bool
		st.Approvers, clean = d.approvers(f["approvers"], join(p, "approvers"), c)
		if r, ok := d.integer(f["required"], join(p, "required")); ok {
			st.Required = r
			switch {
			case r < 1:
				d.errorf(f["required"], join(p, "required"), "must be at least 1")
			case clean && r > len(st.Approvers):
				d.errorf(f["required"], join(p, "required"), "is %d but the step has only %d distinct approver(s): %s",
					r, len(st.Approvers), joinPeople(st.Approvers))
			}
		}
		line = append(line, st)
	}
	return line
}

// approvers resolves names and group:<name> references into distinct people
// in order. clean is false when a reference was bad.
func (d *decoder) approvers(n *yaml.Node, path string, c *Config) (out []csr.Person, clean bool) {
	items, ok := d.list(n, path)
	if ok && len(items) == 0 {
		d.errorf(n, path, "must list at least one approver")
		return nil, false
	}
	clean = ok
	for i, it := range items {
		p := elem(path, i)
		s, ok := d.text(it, p)
		if !ok {
			clean = false
			continue
		}
		add := []csr.Person{csr.Person(s)}
		if g, isGroup := strings.CutPrefix(s, "group:"); isGroup {
			members, known := c.groups[g]
			if !known {
				d.errorf(it, p, "unknown group %q (not in groups)", g)
				clean = false
				continue
			}
			add = members
		} else if !c.HasPerson(csr.Person(s)) {
			d.errorf(it, p, "unknown approver %q: name a person from people, or group:<name> from groups", s)
			clean = false
			continue
		}
		for _, m := range add {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out, clean
}

func joinPeople(ps []csr.Person) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// window reads a deploy window; nil means any time. It also returns the zone
// the service's freezes are written in: the window's, else the default.
func (d *decoder) window(n *yaml.Node, path string, def *time.Location) (*csr.Window, *time.Location) {
	f := d.fields(n, path, known("services", "deploy_window"))
	if f == nil {
		return nil, def
	}
	w := &csr.Window{Location: def}
	if loc, ok := d.location(f["timezone"], join(path, "timezone")); ok {
		w.Location = loc
	}
	days, ok := d.list(f["days"], join(path, "days"))
	if ok && len(days) == 0 {
		d.errorf(f["days"], join(path, "days"), "must name at least one day")
	}
	for i, it := range days {
		s, ok := d.text(it, elem(join(path, "days"), i))
		if !ok {
			continue
		}
		wd, known := weekdays[strings.ToLower(s)]
		if !known {
			d.errorf(it, elem(join(path, "days"), i), "%q is not a day: use sun, mon, tue, wed, thu, fri or sat", s)
			continue
		}
		w.Days[wd] = true
	}
	var okStart, okEnd bool
	w.Start, okStart = d.clock(f["start"], join(path, "start"))
	w.End, okEnd = d.clock(f["end"], join(path, "end"))
	if okStart && okEnd && w.Start == w.End {
		d.errorf(f["end"], join(path, "end"), "equals start; an end before the start crosses midnight, e.g. 22:00-02:00")
	}
	return w, w.Location
}

// freezeLayout is how freezes are written, in the window's or the default zone.
const freezeLayout = "2006-01-02 15:04"

func (d *decoder) freezes(n *yaml.Node, path, service string, loc *time.Location) []csr.Freeze {
	items, _ := d.list(n, path)
	var out []csr.Freeze
	for i, it := range items {
		p := elem(path, i)
		f := d.fields(it, p, known("services", "freezes"))
		fz := csr.Freeze{Service: service}
		var okFrom, okUntil bool
		fz.From, okFrom = d.instant(f["from"], join(p, "from"), loc)
		fz.Until, okUntil = d.instant(f["until"], join(p, "until"), loc)
		if okFrom && okUntil && !fz.Until.After(fz.From) {
			d.errorf(f["until"], join(p, "until"), "must be after from (%s)", fz.From.Format(freezeLayout))
		}
		if r, ok := d.text(f["reason"], join(p, "reason")); ok {
			fz.Reason = strings.TrimSpace(r)
			if fz.Reason == "" {
				d.errorf(f["reason"], join(p, "reason"), "must say why deploys are frozen")
			}
		}
		out = append(out, fz)
	}
	return out
}

func (d *decoder) instant(n *yaml.Node, path string, loc *time.Location) (time.Time, bool) {
	s, ok := d.text(n, path)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(freezeLayout, s, loc)
	if err != nil {
		d.errorf(n, path, "%q is not a time like %q", s, "2026-12-24 00:00")
		return time.Time{}, false
	}
	return t, true
}

// rollbackBy reads who may roll back a deployed CSR: the roles requester,
// assignee, last_step (the approvers of the line's last step) and admins,
// and people or group:<name>. Absent: the domain's default (every role).
func (d *decoder) rollbackBy(n *yaml.Node, path string, c *Config) csr.RollbackPolicy {
	var p csr.RollbackPolicy
	if n == nil || isNull(n) {
		return p
	}
	items, ok := d.list(n, path)
	if ok && len(items) == 0 {
		d.errorf(n, path, "must name at least one of %s, a person or a group:<name>; leave it out for the default (all of them)", roleWords())
		return p
	}
	for i, it := range items {
		ip := elem(path, i)
		s, ok := d.text(it, ip)
		if !ok {
			continue
		}
		if r := csr.RollbackRole(s); slices.Contains(csr.RollbackRoles, r) {
			if !slices.Contains(p.Roles, r) {
				p.Roles = append(p.Roles, r)
			}
			continue
		}
		add := []csr.Person{csr.Person(s)}
		if g, isGroup := strings.CutPrefix(s, "group:"); isGroup {
			members, known := c.groups[g]
			if !known {
				d.errorf(it, ip, "unknown group %q (not in groups)", g)
				continue
			}
			add = members
		} else if !c.HasPerson(csr.Person(s)) {
			d.errorf(it, ip, "%q is neither a role (%s) nor a person from people nor group:<name>", s, roleWords())
			continue
		}
		for _, m := range add {
			if !slices.Contains(p.People, m) {
				p.People = append(p.People, m)
			}
		}
	}
	return p
}

func roleWords() string {
	words := make([]string, len(csr.RollbackRoles))
	for i, r := range csr.RollbackRoles {
		words[i] = string(r)
	}
	return strings.Join(words, ", ")
}
