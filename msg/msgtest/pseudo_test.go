package msgtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/msg"
	"releasebot/msg/msgtest"
)

func TestUnmarked(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"⟦Created CSR-1⟧", nil},
		{"┌─ ⟦CSR-1 · ⟦draft⟧⟧ │ → ✓", nil},
		{"⟦a⟧ waiting on ⟦@bob⟧", []string{"waiting", "on"}},
		{"status ⟦draft⟧", []string{"status"}},
		{"⟦결재⟧ 중", []string{"중"}},
		{"[1] ⟦test⟧", []string{"1"}},
		{"⟦unclosed", nil},
		{"stray⟧ close", []string{"stray", "close"}},
	} {
		require.Equal(t, tc.want, msgtest.Unmarked(tc.in), tc.in)
	}
}

func TestPseudoMarksLiteralsOnly(t *testing.T) {
	c := msgtest.Pseudo(msg.Catalog{"a": "Created {csr}: {title}", "b": "{n|one approval|# approvals} left", "c": "plain"})
	require.Equal(t, "⟦Created ⟧CSR-1⟦: ⟧Fix", c.Render(msg.T("a", "csr", "CSR-1", "title", "Fix")))
	require.Equal(t, "⟦2 approvals⟧⟦ left⟧", c.Render(msg.T("b", "n", 2)))
	require.Equal(t, "⟦plain⟧", c.Render(msg.T("c")))
	require.Equal(t, []string{"English"}, msgtest.Unmarked(c.Render(msg.T("a", "csr", "⟦x⟧", "title", "English"))))
}

func TestPseudoCoversEveryID(t *testing.T) {
	p := msgtest.Pseudo(msg.English)
	require.Len(t, p, len(msg.English))
	at := time.Date(2026, 12, 4, 22, 0, 0, 0, time.FixedZone("KST", 9*3600))
	for id := range msg.English {
		text := msg.T(id)
		switch id {
		case msg.FmtTime:
			text = msg.At(at)
		case msg.FmtTimeShort:
			text = msg.AtShort(at)
		}
		got := p.Render(text)
		require.Equal(t, msg.English.Render(text), msgtest.Strip(got), id)
	}
}
