// Package msg holds every sentence releasebot says to a person.
//
// Code never builds user-facing English inline: it returns a Text (a message
// id and named arguments) and the messenger adapter renders it through a
// Catalog. A second language is one more Catalog; no handler changes.
package msg

import (
	"fmt"
	"sort"
	"strings"
)

// ID names one sentence in the catalog.
type ID string

// Text is a sentence not yet rendered: a message id and its named arguments.
type Text struct {
	ID   ID                `json:"id"`
	Args map[string]string `json:"args,omitempty"`
}

// T builds a Text from an id and alternating argument names and values.
// An odd trailing name is ignored so that a programming slip never panics in
// front of a user; the catalog test catches unfilled placeholders instead.
func T(id ID, kv ...string) Text {
	t := Text{ID: id}
	if len(kv) >= 2 {
		t.Args = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			t.Args[kv[i]] = kv[i+1]
		}
	}
	return t
}

// IsZero reports whether t says nothing.
func (t Text) IsZero() bool { return t.ID == "" }

// String renders t in English; handy for logs and errors, never for replies
// (replies go through the catalog chosen for the person).
func (t Text) String() string { return English.Render(t) }

// Catalog maps message ids to templates with {name} placeholders.
type Catalog map[ID]string

// Render fills the template of t.ID with t's arguments. An unknown id renders
// as the id itself with its arguments, so a missing translation is visible
// but never fatal.
func (c Catalog) Render(t Text) string {
	tmpl, ok := c[t.ID]
	if !ok {
		tmpl, ok = English[t.ID]
	}
	if !ok {
		return fallback(t)
	}
	if len(t.Args) == 0 {
		return tmpl
	}
	pairs := make([]string, 0, 2*len(t.Args))
	for k, v := range t.Args {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(tmpl)
}

func fallback(t Text) string {
	keys := make([]string, 0, len(t.Args))
	for k := range t.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(string(t.ID))
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, t.Args[k])
	}
	return b.String()
}

// Placeholders lists the {name} placeholders of a template, in order.
func Placeholders(tmpl string) []string {
	var out []string
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, tmpl[i+1:i+j])
		tmpl = tmpl[i+j+1:]
	}
}
