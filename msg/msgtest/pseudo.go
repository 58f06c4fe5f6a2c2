// Package msgtest proves that nothing a person reads bypasses the message
// catalog: Pseudo wraps every template of a catalog in markers, and
// Unmarked finds the words of a rendered line that stand outside them.
package msgtest

import (
	"strings"
	"unicode"

	"releasebot/msg"
)

// The markers are characters no template, fixture or user text of ours
// uses, so a marker in the output can only come from Pseudo.
const (
	Open  = "⟦"
	Close = "⟧"
)

// Pseudo is base with the literal text of every template wrapped in
// markers and the placeholders left outside them: "Created {csr}: {title}"
// becomes "⟦Created ⟧{csr}⟦: ⟧{title}". What fills a placeholder therefore
// shows unmarked unless it is itself a catalog Text, so a word the code
// built and passed as an argument is caught as surely as a word written
// around a rendered sentence. Plural forms are marked inside the braces.
// Ids missing from base (none should be) render through msg's English
// fallback unwrapped, which Unmarked then reports.
func Pseudo(base msg.Catalog) msg.Catalog {
	c := make(msg.Catalog, len(base))
	for id, tmpl := range base {
		c[id] = mark(tmpl)
	}
	return c
}

func mark(tmpl string) string {
	var b strings.Builder
	literal := func(s string) {
		if s != "" {
			b.WriteString(Open + s + Close)
		}
	}
	for {
		i := strings.IndexByte(tmpl, '{')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(tmpl[i:], '}')
		}
		if i < 0 || j < 0 {
			literal(tmpl)
			return b.String()
		}
		literal(tmpl[:i])
		inner := tmpl[i+1 : i+j]
		if name, forms, plural := strings.Cut(inner, "|"); plural {
			one, other, _ := strings.Cut(forms, "|")
			inner = name + "|" + mark(one) + "|" + mark(other)
		}
		b.WriteString("{" + inner + "}")
		tmpl = tmpl[i+j+1:]
	}
}

// Unmarked returns the runs of letters and digits of s that lie outside
// every marker: words the code wrote itself instead of asking the catalog.
// Layout glyphs (box drawing, arrows, bullets, punctuation, emoji) are not
// words and may stand outside; so may the verbatim input a person typed,
// which callers strip before asking.
func Unmarked(s string) []string {
	var out []string
	var word strings.Builder
	depth := 0
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range s {
		switch {
		case string(r) == Open:
			flush()
			depth++
		case string(r) == Close:
			if depth > 0 {
				depth--
			}
		case depth == 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			word.WriteRune(r)
		default:
			if depth == 0 {
				flush()
			}
		}
	}
	flush()
	return out
}

// Strip removes the markers, giving the text the base catalog would have
// rendered.
func Strip(s string) string {
	return strings.NewReplacer(Open, "", Close, "").Replace(s)
}
