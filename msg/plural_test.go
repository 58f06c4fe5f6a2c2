package msg_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/msg"
)

func TestPluralAndNested(t *testing.T) {
	cat := msg.Catalog{
		"a": "{n|one approval|# approvals} from {who}",
		"b": "state {state}",
		"s": "in approval",
		"c": "{missing} stays {missing}",
	}
	cases := []struct {
		name string
		tx   msg.Text
		want string
	}{
		{"one", msg.T("a", "n", 1, "who", "@lee"), "one approval from @lee"},
		{"many", msg.T("a", "n", 3, "who", "@lee"), "3 approvals from @lee"},
		{"zero is other", msg.T("a", "n", "0", "who", "@lee"), "0 approvals from @lee"},
		{"nested text in the same catalog", msg.T("b", "state", msg.T("s")), "state in approval"},
		{"a later string replaces a nested text", msg.T("b", "state", msg.T("s"), "state", "x"), "state x"},
		{"unfilled stays visible", msg.T("c"), "{missing} stays {missing}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, cat.Render(tc.tx))
		})
	}
	require.Equal(t, []string{"n", "who"}, msg.Placeholders("{n|one|# more} {who}"))
}

// TestNoParenthesisedPlurals: counts are said in their plural form.
func TestNoParenthesisedPlurals(t *testing.T) {
	for id, tmpl := range msg.English {
		require.NotContains(t, strings.ReplaceAll(tmpl, "http(s)", ""), "(s)", "%s writes a plural as (s): %q", id, tmpl)
	}
}

func TestLinesJoinEveryPart(t *testing.T) {
	for n, want := range map[int]string{1: "a", 2: "a\nb", 3: "a\nb\nc"} {
		parts := []msg.Text{msg.T(msg.ListOne, "a", "a"), msg.T(msg.ListOne, "a", "b"), msg.T(msg.ListOne, "a", "c")}[:n]
		require.Equal(t, want, msg.English.Render(msg.Lines(parts...)))
	}
}
