package msgtest_test

import (
	"testing"

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

func TestPseudoCoversEveryID(t *testing.T) {
	p := msgtest.Pseudo(msg.English)
	require.Len(t, p, len(msg.English))
	for id := range msg.English {
		got := p.Render(msg.T(id))
		require.Empty(t, msgtest.Unmarked(got), id)
		require.Equal(t, msg.English.Render(msg.T(id)), msgtest.Strip(got), id)
	}
}
