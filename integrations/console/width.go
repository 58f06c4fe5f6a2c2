package console

import "strings"

// width is how many terminal columns s takes: Hangul, CJK and full-width
// forms take two, so a Korean label pads like an English one.
func width(s string) int {
	n := 0
	for _, r := range s {
		if wide(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F, // Hangul Jamo initials
		r >= 0x2E80 && r <= 0x303E,                             // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33FF,                             // kana, compatibility Jamo, CJK symbols
		r >= 0x3400 && r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF, // CJK ideographs
		r >= 0xA960 && r <= 0xA97F,                             // Hangul Jamo extended
		r >= 0xAC00 && r <= 0xD7A3,                             // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF,                             // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F,                             // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6, // full-width forms
		r >= 0x20000 && r <= 0x3FFFD:
		return true
	}
	return false
}

// pad is s followed by spaces up to n columns (%-10s counts runes, which
// puts Korean labels out of line).
func pad(s string, n int) string {
	if w := width(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}
