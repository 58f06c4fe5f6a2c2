package msg_test

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/msg"
)

// TestKoreanHasEveryID: Korean and English hold the same ids, and no Korean
// template is empty.
func TestKoreanHasEveryID(t *testing.T) {
	for id := range msg.English {
		require.NotEmpty(t, strings.TrimSpace(msg.Korean[id]), "no Korean for %s", id)
	}
	for id := range msg.Korean {
		_, ok := msg.English[id]
		require.True(t, ok, "Korean has %s, which English does not", id)
	}
}

// placeholderSet is the sorted set of distinct {names} of a template.
func placeholderSet(tmpl string) []string {
	ps := msg.Placeholders(tmpl)
	sort.Strings(ps)
	return slices.Compact(ps)
}

// TestKoreanPlaceholders: each Korean template uses exactly the placeholders
// of its English one (each at least once, none added), with balanced braces.
func TestKoreanPlaceholders(t *testing.T) {
	for id, ko := range msg.Korean {
		require.Equal(t, strings.Count(ko, "{"), strings.Count(ko, "}"), "%s has unbalanced braces: %q", id, ko)
		if id == msg.FmtTime || id == msg.FmtTimeShort {
			continue // a time's fields are each language's choice (TestTimeTemplates)
		}
		require.Equal(t, placeholderSet(msg.English[id]), placeholderSet(ko), "%s: placeholders differ\nen: %q\nko: %q", id, msg.English[id], ko)
	}
}

// TestKoreanBackticksKept: the commands a person copies stay the same in
// number: a Korean template has at least as many backtick spans as its
// English one, and they are balanced. (Korean may add backticks around
// literal names such as `REDIS_URL`, never drop one.)
func TestKoreanBackticksKept(t *testing.T) {
	for id, ko := range msg.Korean {
		require.Zero(t, strings.Count(ko, "`")%2, "%s has an unclosed backtick: %q", id, ko)
		require.GreaterOrEqual(t, strings.Count(ko, "`"), strings.Count(msg.English[id], "`"), "%s lost a backtick span: %q", id, ko)
	}
}

// allowedLatin is what may stay in Latin letters in a Korean sentence
// outside backticks, placeholders and URLs: product names, acronyms Korean
// IT writes in Latin letters, and the one input example that is a branch
// name. Keep it short; a word not here belongs in Korean or in backticks.
var allowedLatin = map[string]bool{
	"CSR": true, "Slack": true, "GitHub": true, "Redis": true, "releasebot": true,
	"Actions": true, // the GitHub Actions tab
	"README":  true, "YAML": true, "RDB": true, "UTF": true, "URL": true,
	"SHA": true, "CI": true, "PR": true, "CSV": true, "JSON": true, // the export formats
	"main": true, // SlackPlaceholderRef: an example branch name in a form field
}

var (
	backtickSpan = regexp.MustCompile("`[^`]*`")
	placeholder  = regexp.MustCompile(`\{[a-z_]+\}`)
	urlLike      = regexp.MustCompile(`https?://\S*|<[^|>]*\|`) // a URL, or the URL half of a Slack <url|label> link
	latinRun     = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// leftoverEnglish lists the runs of two or more Latin letters in tmpl that
// are outside backticks, placeholders and URLs and not allowed.
func leftoverEnglish(tmpl string) []string {
	s := backtickSpan.ReplaceAllString(tmpl, " ")
	s = placeholder.ReplaceAllString(s, " ")
	s = urlLike.ReplaceAllString(s, " ")
	var out []string
	for _, w := range latinRun.FindAllString(s, -1) {
		if !allowedLatin[w] {
			out = append(out, w)
		}
	}
	return out
}

// TestKoreanHasNoLeftoverEnglish is a heuristic: a Latin word outside
// backticks, placeholders and URLs is most likely an untranslated one.
func TestKoreanHasNoLeftoverEnglish(t *testing.T) {
	var found []string
	for id, ko := range msg.Korean {
		if w := leftoverEnglish(ko); len(w) > 0 {
			found = append(found, string(id)+": "+strings.Join(w, ", "))
		}
	}
	sort.Strings(found)
	require.Empty(t, found, "English words left in Korean templates")
}

// TestLeftoverEnglishHeuristic: the check finds what it should and skips
// what it should, so a checker that finds nothing cannot pass silently.
func TestLeftoverEnglishHeuristic(t *testing.T) {
	cases := []struct {
		tmpl string
		want []string
	}{
		{"{csr} 건을 승인했습니다.", nil},
		{"`approve {csr}` 명령을 입력하세요.", nil},
		{"링크: https://ci.example.com/run/42 참고", nil},
		{"<{url}|실행 보기>", nil},
		{"<https://example.com/x|open run>", []string{"open", "run"}},
		{"GitHub와 Redis, CSR 번호", nil},
		{"{csr} is approved", []string{"is", "approved"}},
		{"테스트 deploy 시작", []string{"deploy"}},
		{"4h 또는 a", nil}, // single letters are units or variables
		{"`unclosed 명령 here", []string{"unclosed", "here"}},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, leftoverEnglish(tc.tmpl), "%q", tc.tmpl)
	}
}

// TestKoreanRenders: a Korean template renders with its arguments and a
// missing Korean id would fall back to English, never to nothing.
func TestKoreanRenders(t *testing.T) {
	got := msg.Korean.Render(msg.T(msg.NoteCancelled, "csr", "CSR-7", "by", "@alice", "next", msg.T(msg.NextNothing, "csr", "CSR-7", "state", msg.T(msg.StateCancelled))))
	require.True(t, strings.HasPrefix(got, "@alice 님이 CSR-7 건을 취소했습니다. ▶ "), got)
	require.NotContains(t, got, "{")
	step := msg.Korean.Render(msg.T(msg.NoteStepOpened, "people", "@bob", "csr", "CSR-7", "title", "t", "step", "lead"))
	require.Contains(t, step, "`approve CSR-7` 또는 `reject CSR-7 \"사유\"`")
	require.NotContains(t, step, "{")
}
