package commands_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/commands"
	"releasebot/csr"
)

// TestKoreanAliases: the Korean words of the release process run the
// verbs they stand for, help lists them, and `help 승인` explains approve.
func TestKoreanAliases(t *testing.T) {
	r := commands.Default()
	for _, tc := range []struct {
		line string
		want commands.Command
	}{
		{"승인 CSR-3", commands.Approve{CSR: "CSR-3"}},
		{`반려 CSR-3 "롤백 계획이 없습니다"`, commands.RejectCSR{CSR: "CSR-3", Reason: "롤백 계획이 없습니다"}},
		{"상신 CSR-3", commands.Submit{CSR: "CSR-3"}},
		{"다음 CSR-3", commands.Next{CSR: "CSR-3"}},
	} {
		got, err := r.Parse("CSR", tc.line)
		require.NoError(t, err, tc.line)
		require.Equal(t, tc.want, got, tc.line)
	}

	e := newEnv(t)
	reply := e.ok("alice", `신규 billing-api "환율 반올림 수정" --ref main`)
	require.NotNil(t, reply.Card)
	require.Equal(t, csr.Draft, reply.Card.CSR.State)
	help := render(e.ok("alice", "도움말"))
	require.Contains(t, help, "In Korean too: `신규` new, ")
	require.Contains(t, help, "`승인` approve")
	require.Contains(t, render(e.ok("alice", "도움말 승인")), "approve CSR")
}
