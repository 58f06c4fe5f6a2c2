package msg_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/msg"
)

func TestT(t *testing.T) {
	cases := []struct {
		name string
		kv   []any
		want map[string]string
	}{
		{"no arguments", nil, nil},
		{"one pair", []any{"csr", "CSR-1"}, map[string]string{"csr": "CSR-1"}},
		{"two pairs", []any{"csr", "CSR-1", "step", "lead"}, map[string]string{"csr": "CSR-1", "step": "lead"}},
		{"a lone name is dropped", []any{"csr"}, nil},
		{"an odd trailing name is dropped", []any{"csr", "CSR-1", "step"}, map[string]string{"csr": "CSR-1"}},
		{"a repeated name keeps the last value", []any{"csr", "CSR-1", "csr", "CSR-2"}, map[string]string{"csr": "CSR-2"}},
		{"empty values are kept", []any{"reason", ""}, map[string]string{"reason": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := msg.T(msg.NoteCancelled, tc.kv...)
			require.Equal(t, msg.NoteCancelled, got.ID)
			if tc.want == nil {
				require.Empty(t, got.Args)
			} else {
				require.Equal(t, tc.want, got.Args)
			}
		})
	}
}

func TestRender(t *testing.T) {
	custom := msg.Catalog{
		msg.NoteCancelled: "{csr} annulé par {by}.",
		"test.twice":      "{a} and {a} again; {b}",
		"test.plain":      "no placeholders here",
	}
	cases := []struct {
		name    string
		catalog msg.Catalog
		text    msg.Text
		want    string
	}{
		{"English with args", msg.English, msg.T(msg.NoteCancelled, "csr", "CSR-7", "by", "alice", "next", "done"), "CSR-7 was cancelled by alice. ▶ done"},
		{"English without args", msg.English, msg.T(msg.ReplyNoCSRs), "No CSRs match."},
		{"a missing arg stays visible", msg.English, msg.T(msg.NoteCancelled, "csr", "CSR-7"), "CSR-7 was cancelled by {by}. ▶ {next}"},
		{"extra args are ignored", msg.English, msg.T(msg.ReplyNoCSRs, "csr", "CSR-7"), "No CSRs match."},
		{"a value is not expanded again", msg.English, msg.T(msg.NoteCancelled, "csr", "{by}", "by", "alice", "next", "{csr}"), "{by} was cancelled by alice. ▶ {csr}"},
		{"a value with braces and dollars", msg.English, msg.T(msg.NoteCancelled, "csr", "CSR-7", "by", "${HOME} {x}", "next", "$1"), "CSR-7 was cancelled by ${HOME} {x}. ▶ $1"},
		{"every occurrence is filled", custom, msg.T("test.twice", "a", "1", "b", "2"), "1 and 1 again; 2"},
		{"another catalog", custom, msg.T(msg.NoteCancelled, "csr", "CSR-7", "by", "alice"), "CSR-7 annulé par alice."},
		{"another catalog falls back to English", custom, msg.T(msg.ReplyNoCSRs), "No CSRs match."},
		{"a catalog template without placeholders", custom, msg.T("test.plain", "a", "1"), "no placeholders here"},
		{"unknown id renders the id and sorted args", msg.English, msg.T("no.such_id", "z", "last", "a", "first \"quoted\""),
			`no.such_id a="first \"quoted\"" z="last"`},
		{"unknown id without args", msg.English, msg.T("no.such_id"), "no.such_id"},
		{"the zero text renders empty", msg.English, msg.Text{}, ""},
		{"a nil catalog uses English", nil, msg.T(msg.ReplyNoCSRs), "No CSRs match."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.catalog.Render(tc.text))
		})
	}
}

func TestTextString(t *testing.T) {
	tx := msg.T(msg.NoteCancelled, "csr", "CSR-7", "by", "alice")
	require.Equal(t, msg.English.Render(tx), tx.String())
	require.False(t, tx.IsZero())
	require.True(t, msg.Text{}.IsZero())
	require.True(t, msg.Text{Args: map[string]string{"a": "b"}}.IsZero(), "a text without an id says nothing")
	require.Empty(t, msg.Text{}.String())
}

func TestPlaceholders(t *testing.T) {
	cases := []struct {
		tmpl string
		want []string
	}{
		{"", nil},
		{"no placeholders", nil},
		{"{a}", []string{"a"}},
		{"{csr} is `{state}`; `{verb}` works", []string{"csr", "state", "verb"}},
		{"{a} and {a}", []string{"a", "a"}},
		{"{}", []string{""}},
		{"unclosed {brace", nil},
		{"a } before { b }", []string{" b "}},
		{"{outer {inner}}", []string{"outer {inner"}},
	}
	for _, tc := range cases {
		t.Run(tc.tmpl, func(t *testing.T) {
			require.Equal(t, tc.want, msg.Placeholders(tc.tmpl))
		})
	}
}

// TestEnglishTemplatesAreWellFormed: every placeholder is a plain name, so a
// typo like "{csr" or "{ csr}" never reaches a person.
func TestEnglishTemplatesAreWellFormed(t *testing.T) {
	for id, tmpl := range msg.English {
		require.NotEmpty(t, strings.TrimSpace(tmpl), "%s has an empty template", id)
		require.Equal(t, strings.Count(tmpl, "{"), strings.Count(tmpl, "}"), "%s has unbalanced braces: %q", id, tmpl)
		for _, p := range msg.Placeholders(tmpl) {
			require.Regexp(t, `^[a-z][a-z_]*$`, p, "%s has a malformed placeholder in %q", id, tmpl)
		}
	}
}
