package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder walks a YAML node tree, collecting every problem instead of
// stopping at the first. Its helpers take a node and the path that names it;
// a missing (nil) or null node reads as absent without a report, because
// fields already reported it if it was required.
type decoder struct {
	problems []Problem
	secret   map[*yaml.Node]bool // values shaped like credentials: never read, never quoted
}

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.problems = append(d.problems, Problem{Line: line, Field: path, Message: fmt.Sprintf(format, args...)})
}

// Keys named like credentials, and values shaped like Slack, GitHub or PEM
// credentials.
var (
	secretKey   = regexp.MustCompile(`(?i)token|secret|password|private[_-]?key`)
	secretValue = regexp.MustCompile(`^(xox[a-z]-|xapp-|gh[pousr]_|github_pat_|-----BEGIN)`)
)

const fromEnv = "secrets must not be in the config file; set them in the environment " +
	"(SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, GITHUB_TOKEN)"

// dropSecrets reports and removes every key named like a credential, and
// marks every value shaped like one, before anything else reads the tree:
// no later message can quote a secret.
func (d *decoder) dropSecrets(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			if secretKey.MatchString(k.Value) {
				d.errorf(k, p, "%s", fromEnv)
				continue
			}
			d.dropSecrets(v, p)
			kept = append(kept, k, v)
		}
		n.Content = kept
	case yaml.SequenceNode:
		for i, v := range n.Content {
			d.dropSecrets(v, elem(path, i))
		}
	case yaml.ScalarNode:
		if secretValue.MatchString(n.Value) {
			d.errorf(n, path, "this looks like a credential; %s", fromEnv)
			d.secret[n] = true
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func elem(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// lookup returns the value of key in mapping n, or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// entries returns the keys and values of mapping n, reporting n not being a
// mapping (as want says it should be) and keys given twice. ok is false when
// there is no mapping to read.
func (d *decoder) entries(n *yaml.Node, path, want string) (keys, vals []*yaml.Node, ok bool) {
	if isNull(n) {
		return nil, nil, false
	}
	m := resolve(n)
	if m.Kind != yaml.MappingNode {
		d.errorf(n, path, "must be %s", want)
		return nil, nil, false
	}
	first := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if line, dup := first[k.Value]; dup {
			d.errorf(k, join(path, k.Value), "given twice (first on line %d)", line)
			continue
		}
		first[k.Value] = k.Line
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals, true
}

// fields returns the values of mapping n by key. known maps each key it may
// have to whether it is required; unknown keys and missing required ones are
// reported.
func (d *decoder) fields(n *yaml.Node, path string, known map[string]bool) map[string]*yaml.Node {
	sorted := slices.Sorted(maps.Keys(known))
	names := strings.Join(sorted, ", ")
	keys, vals, ok := d.entries(n, path, "a mapping with the fields "+names)
	if !ok {
		return nil
	}
	out := make(map[string]*yaml.Node, len(keys))
	for i, k := range keys {
		if _, ok := known[k.Value]; !ok {
			d.errorf(k, join(path, k.Value), "unknown field (known fields: %s)", names)
			continue
		}
		out[k.Value] = vals[i]
	}
	for _, name := range sorted {
		if v := out[name]; known[name] && isNull(v) {
			at := n
			if v != nil {
				at = v
			}
			d.errorf(at, join(path, name), "is required")
		}
	}
	return out
}

// list returns the items of sequence n, reporting n not being a list and
// empty items. ok is false when there is no list to read.
func (d *decoder) list(n *yaml.Node, path string) (items []*yaml.Node, ok bool) {
	if isNull(n) {
		return nil, false
	}
	s := resolve(n)
	if s.Kind != yaml.SequenceNode {
		d.errorf(n, path, "must be a list")
		return nil, false
	}
	for i, it := range s.Content {
		if isNull(it) {
			d.errorf(it, elem(path, i), "is empty")
		}
	}
	return s.Content, true
}

// text returns the text of scalar n, reporting a list or a mapping.
func (d *decoder) text(n *yaml.Node, path string) (string, bool) {
	s := resolve(n)
	switch {
	case isNull(s) || d.secret[s]:
		return "", false
	case s.Kind != yaml.ScalarNode:
		d.errorf(n, path, "must be a single value, not a list or mapping")
		return "", false
	}
	return s.Value, true
}

// pattern is a regular expression and what a value matching it is, for
// messages.
type pattern struct {
	re   *regexp.Regexp
	what string
}

var (
	prefixPat  = pattern{regexp.MustCompile(`^[A-Z][A-Z0-9]{0,9}$`), "a CSR prefix: a capital letter, then up to 9 capital letters or digits"}
	personPat  = pattern{regexp.MustCompile(`^[a-z][a-z0-9._-]{0,31}$`), "a person name: a lowercase letter, then up to 31 lowercase letters, digits, '.', '_' or '-'"}
	slackPat   = pattern{regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`), "a Slack user id like U0123ABCD"}
	namePat    = pattern{regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`), "a name: a lowercase letter, then up to 39 lowercase letters, digits or '-'"}
	repoPat    = pattern{regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`), "a GitHub repository: owner/name"}
	channelPat = pattern{regexp.MustCompile(`^(#[a-z0-9][a-z0-9_-]{0,79}|[CG][A-Z0-9]{2,})$`), "a Slack channel: #name or an id like C0123ABCD"}
	clockPat   = pattern{regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`), "a time of day HH:MM, 00:00 to 23:59"}
)

// match returns the text of n and whether it matches p. The text comes back
// even when it does not match, so that one bad name does not also make every
// reference to it unknown.
func (d *decoder) match(n *yaml.Node, path string, p pattern) (string, bool) {
	s, ok := d.text(n, path)
	if ok && !p.re.MatchString(s) {
		d.errorf(n, path, "%q is not %s", s, p.what)
		return s, false
	}
	return s, ok
}

func (d *decoder) oneOf(n *yaml.Node, path string, allowed ...string) (string, bool) {
	s, ok := d.text(n, path)
	if ok && !slices.Contains(allowed, s) {
		d.errorf(n, path, "%q is not one of %s", s, strings.Join(allowed, ", "))
		return s, false
	}
	return s, ok
}

func (d *decoder) boolean(n *yaml.Node, path string) bool {
	s, ok := d.text(n, path)
	if !ok {
		return false
	}
	switch strings.ToLower(s) {
	case "true":
		return true
	case "false":
		return false
	}
	d.errorf(n, path, "%q is not true or false", s)
	return false
}

func (d *decoder) integer(n *yaml.Node, path string) (int, bool) {
	s, ok := d.text(n, path)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		d.errorf(n, path, "%q is not a whole number", s)
		return 0, false
	}
	return i, true
}

func (d *decoder) duration(n *yaml.Node, path string) time.Duration {
	s, ok := d.text(n, path)
	if !ok {
		return 0
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		d.errorf(n, path, "%q is not a duration like 2s or 1m30s", s)
		return 0
	}
	return v
}

// location loads an IANA time zone. "Local" is refused: replicas on hosts in
// different zones would disagree about every window.
func (d *decoder) location(n *yaml.Node, path string) (*time.Location, bool) {
	s, ok := d.text(n, path)
	if !ok {
		return nil, false
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" || s == "Local" {
		d.errorf(n, path, "%q is not a time zone; use an IANA name like Asia/Seoul or UTC", s)
		return nil, false
	}
	return loc, true
}

// clock reads "HH:MM" as an offset from midnight.
func (d *decoder) clock(n *yaml.Node, path string) (time.Duration, bool) {
	s, ok := d.match(n, path, clockPat)
	if !ok {
		return 0, false
	}
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[3:])
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
}
