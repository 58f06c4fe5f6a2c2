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

// Pseudo is base with every template wrapped in markers. Ids missing from
// base (none should be) render through msg's English fallback unwrapped,
// which Unmarked then reports.
func Pseudo(base msg.Catalog) msg.Catalog {
	c := make(msg.Catalog, len(base))
	for id, tmpl := range base {
		c[id] = Open + tmpl + Close
	}
	return c
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
