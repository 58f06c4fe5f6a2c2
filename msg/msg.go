// Package msg holds every sentence releasebot says to a person.
//
// Code never builds user-facing English inline: it returns a Text (a message
// id and named arguments) and the messenger adapter renders it through a
// Catalog. A second language is one more Catalog; no handler changes.
package msg

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ID names one sentence in the catalog.
type ID string

// Text is a sentence not yet rendered: a message id and its named arguments.
// Sub holds arguments that are sentences themselves (a state name, a next
// step), rendered by the same catalog as the sentence around them, so a
// translated sentence never embeds English.
type Text struct {
	ID   ID                `json:"id"`
	Args map[string]string `json:"args,omitempty"`
	Sub  map[string]Text   `json:"sub,omitempty"`
}

// T builds a Text from an id and alternating argument names and values.
// A value is a string, a number (a count the catalog may put in a plural
// form, `{n|one approval|# approvals}`) or a Text (rendered in the reader's
// language). An odd trailing name is ignored so that a programming slip
// never panics in front of a user; the catalog test catches unfilled
// placeholders instead.
func T(id ID, kv ...any) Text {
	t := Text{ID: id}
	for i := 0; i+1 < len(kv); i += 2 {
		name, ok := kv[i].(string)
		if !ok {
			continue
		}
		switch v := kv[i+1].(type) {
		case Text:
			if t.Sub == nil {
				t.Sub = map[string]Text{}
			}
			t.Sub[name] = v
			delete(t.Args, name)
			continue
		case string:
			t.set(name, v)
		case int:
			t.set(name, strconv.Itoa(v))
		case int64:
			t.set(name, strconv.FormatInt(v, 10))
		default:
			t.set(name, fmt.Sprint(v))
		}
		delete(t.Sub, name)
	}
	return t
}

func (t *Text) set(name, v string) {
	if t.Args == nil {
		t.Args = map[string]string{}
	}
	t.Args[name] = v
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
	if isTime(t.ID) {
		ft, ok := timeText(t)
		if !ok {
			return fallback(t)
		}
		return c.fill(tmpl, ft)
	}
	if len(t.Args) == 0 && len(t.Sub) == 0 {
		return tmpl
	}
	return c.fill(tmpl, t)
}

// fill replaces each {name} of tmpl with its argument, a nested Text
// rendered by c, and each {name|one|other} with the form the count name
// asks for, "#" standing for the number. A placeholder without an argument
// stays as written, so a slip is visible but never fatal.
func (c Catalog) fill(tmpl string, t Text) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		inner := tmpl[i+1 : i+j]
		name, forms, plural := strings.Cut(inner, "|")
		switch v, isArg := t.Args[name]; {
		case plural && isArg:
			one, other, _ := strings.Cut(forms, "|")
			form := other
			if v == "1" {
				form = one
			}
			b.WriteString(strings.ReplaceAll(form, "#", v))
		case isArg:
			b.WriteString(v)
		default:
			if sub, ok := t.Sub[name]; ok && !plural {
				b.WriteString(c.Render(sub))
			} else {
				b.WriteString(tmpl[i : i+j+1])
			}
		}
		tmpl = tmpl[i+j+1:]
	}
}

func fallback(t Text) string {
	keys := make([]string, 0, len(t.Args)+len(t.Sub))
	for k := range t.Args {
		keys = append(keys, k)
	}
	for k := range t.Sub {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(string(t.ID))
	for _, k := range keys {
		if sub, ok := t.Sub[k]; ok {
			fmt.Fprintf(&b, " %s=(%s)", k, fallback(sub))
			continue
		}
		fmt.Fprintf(&b, " %s=%q", k, t.Args[k])
	}
	return b.String()
}

// Placeholders lists the {name} placeholders of a template, in order; a
// plural placeholder {n|one|other} counts as its name n.
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
		name, _, _ := strings.Cut(tmpl[i+1:i+j], "|")
		out = append(out, name)
		tmpl = tmpl[i+j+1:]
	}
}
