package console

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/msg"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./integrations/console -update to create it")
	require.Equal(t, string(want), got)
}

func TestRenderCardAndActions(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	require.NoError(t, err)
	at := time.Date(2026, 12, 4, 21, 0, 0, 0, seoul)
	svc := csr.Service{Name: "billing-api", Repo: "acme/billing-api", Environments: []string{"staging", "prod"},
		Line: []csr.Step{{Name: "lead", Approvers: []csr.Person{"bob"}, Required: 1}, {Name: "sm", Approvers: []csr.Person{"carol", "dave"}, Required: 1}}}
	c := csr.CSR{ID: "CSR-7", Title: "Fix rounding", Service: "billing-api", Requester: "alice", Assignee: "frank", Effort: 4 * time.Hour,
		State: csr.InApproval,
		Refs: []csr.Ref{{Repo: "acme/billing-api", Ref: "main", SHA: "5b17166aa0", PRs: []int{12, 15},
			Commits: []csr.Commit{{SHA: "aaaaaaa111", Title: "Round half to even"}, {SHA: "bbbbbbb222", Title: "Test totals"}}}},
		Evidence:  []csr.Evidence{{URL: "https://ci.example.com/run/1", Note: "green", By: "frank", At: at}},
		Approvals: []csr.Approval{{Step: "lead", By: "bob", At: at, Decision: csr.Approve, SHA: "5b17166aa0"}},
		Runs:      []csr.Run{{ID: "CSR-7/test/1", Purpose: csr.PurposeTest, Env: "staging", SHA: "5b17166aa0", Status: csr.RunSucceeded, URL: "fake://x"}},
		Comments:  []csr.Comment{{By: "alice", At: at, Text: "totals now round half to even"}},
	}
	r := Renderer{Catalog: msg.English, Loc: seoul}
	rep := chat.Reply{
		Texts:   []msg.Text{msg.T(msg.ReplyApproved, "step", "lead", "csr", "CSR-7")},
		Card:    &chat.Card{CSR: c, Service: svc, Next: c.NextStep(svc, at, nil), Now: at},
		Actions: []chat.Action{{Verb: csr.VerbApprove, CSR: "CSR-7", Command: "approve CSR-7"}, {Verb: csr.VerbReject, CSR: "CSR-7", Command: "reject CSR-7", NeedsInput: "reason"}},
	}
	golden(t, "card", r.Reply(rep))
}

func TestRenderRefusalAndNotice(t *testing.T) {
	r := Renderer{Catalog: msg.English, Loc: time.UTC}
	got := r.Reply(chat.Reply{Refusal: &chat.Refusal{Rule: "separation-of-duties",
		Why: msg.T(msg.RefuseSelfApprove, "csr", "CSR-7", "role", "requested"), Next: msg.T(msg.NextAskOwners, "owners", "@bob")}})
	got += r.Notice(chat.Notice{Channel: "#billing-releases", Text: msg.T(msg.NoteApproved, "csr", "CSR-7", "next", msg.T(msg.NextDeploy, "csr", "CSR-7", "owners", "@alice", "env", "prod"))})
	got += r.Notice(chat.Notice{To: []csr.Person{"carol", "dave"}, Text: msg.T(msg.NoteStepCompleted, "step", "sm", "csr", "CSR-7", "next", msg.T(msg.NextSeeNext, "csr", "CSR-7")),
		Actions: []chat.Action{{Verb: csr.VerbApprove, CSR: "CSR-7", Command: "approve CSR-7"}}})
	golden(t, "refusal_notice", got)
}
