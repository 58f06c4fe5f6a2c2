// Package config reads releasebot's one YAML file into typed values the
// domain understands: people, groups, and each service's release policy.
//
// Every problem in the file is reported at once, each with its line and the
// path of the field, so an operator fixes the file in one pass. Secrets never
// live in the file: they come from the environment.
package config

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"time"
	_ "time/tzdata" // zones resolve the same on a laptop and in a scratch container

	"releasebot/csr"
)

// Config is a validated configuration. Its methods return copies, so callers
// may change what they get without changing the config.
type Config struct {
	prefix    string
	loc       *time.Location
	language  string // "" = en
	services  []csr.Service
	deployers map[string]map[string]Deployer // service -> environment -> deployer
	slack     map[csr.Person]string          // person -> Slack user id
	bySlack   map[string]csr.Person
	langs     map[csr.Person]string // person -> their own language, when set
	admins    map[csr.Person]bool
	groups    map[string][]csr.Person
	reminders []Reminder // see reminders.go

	slackGroups slackGroups // see slackgroups.go
}

// Deployer says how one environment of a service is deployed. Kind selects
// which of the other fields apply; a new kind adds its fields here and an
// entry in deployerKinds.
type Deployer struct {
	Kind    string
	Delay   time.Duration // fake: how long the pretend deploy takes
	Outcome string        // fake: "success" or "failure"
	// The fields of the other kinds are in deployers.go.
	DeployerKinds
}

// Load reads and validates the config file at path. A file with problems
// gives a *ValidationError listing all of them.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse validates data, a config file called name in messages.
func Parse(name string, data []byte) (*Config, error) {
	c, problems := parse(data)
	if len(problems) > 0 {
		return nil, &ValidationError{File: name, Problems: problems}
	}
	return c, nil
}

// Prefix is the CSR id prefix, e.g. "CSR".
func (c *Config) Prefix() string { return c.prefix }

// Location is the installation's default time zone.
func (c *Config) Location() *time.Location { return c.loc }

// Languages are the values `language` accepts, the first the default.
var Languages = []string{"en", "ko"}

// Language is the language the bot speaks (en when unset).
func (c *Config) Language() string {
	if c.language == "" {
		return Languages[0]
	}
	return c.language
}

// PersonLanguage is the language set for p in people, or "" when p
// reads what the installation's language and their Slack settings say.
func (c *Config) PersonLanguage(p csr.Person) string { return c.langs[p] }

// Services lists the services in file order.
func (c *Config) Services() []csr.Service {
	out := make([]csr.Service, len(c.services))
	for i, s := range c.services {
		out[i] = cloneService(s)
	}
	return out
}

// Service returns the service called name.
func (c *Config) Service(name string) (csr.Service, bool) {
	i := slices.IndexFunc(c.services, func(s csr.Service) bool { return s.Name == name })
	if i < 0 {
		return csr.Service{}, false
	}
	return cloneService(c.services[i]), true
}

// ServiceNames lists the service names in file order.
func (c *Config) ServiceNames() []string {
	out := make([]string, len(c.services))
	for i, s := range c.services {
		out[i] = s.Name
	}
	return out
}

// DeployerFor returns the deployer of one environment of a service.
func (c *Config) DeployerFor(service, env string) (Deployer, bool) {
	d, ok := c.deployers[service][env]
	return d, ok
}

// People lists every configured person, sorted by name.
func (c *Config) People() []csr.Person { return slices.Sorted(maps.Keys(c.slack)) }

// HasPerson reports whether p is configured.
func (c *Config) HasPerson(p csr.Person) bool {
	_, ok := c.slack[p]
	return ok
}

// SlackID is p's Slack user id, or "" for an unknown person.
func (c *Config) SlackID(p csr.Person) string { return c.slack[p] }

// PersonBySlackID maps a Slack user id to the person it belongs to.
func (c *Config) PersonBySlackID(id string) (csr.Person, bool) {
	p, ok := c.bySlack[id]
	return p, ok
}

// Admins lists the admins, sorted.
func (c *Config) Admins() []csr.Person {
	out := make([]csr.Person, 0, len(c.admins))
	for p := range c.admins {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// IsAdmin reports whether p may override freezes and act for others.
func (c *Config) IsAdmin(p csr.Person) bool { return c.admins[p] }

// Group lists the members of a group in file order, or nil for an unknown
// group.
func (c *Config) Group(name string) []csr.Person { return slices.Clone(c.groups[name]) }

func cloneService(s csr.Service) csr.Service {
	s.Environments = slices.Clone(s.Environments)
	s.Deployers = maps.Clone(s.Deployers)
	s.Line = slices.Clone(s.Line)
	for i := range s.Line {
		s.Line[i].Approvers = slices.Clone(s.Line[i].Approvers)
	}
	if s.Window != nil {
		w := *s.Window
		s.Window = &w
	}
	s.Freezes = slices.Clone(s.Freezes)
	s.Rollback.Roles = slices.Clone(s.Rollback.Roles)
	s.Rollback.People = slices.Clone(s.Rollback.People)
	return s
}
