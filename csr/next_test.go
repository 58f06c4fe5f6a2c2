package csr_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/msg"
)

func TestNextStep(t *testing.T) {
	svc := billing()
	sat1200 := kst(5, 12, 0)
	freeze := []csr.Freeze{{From: fri2100, Until: mon2200, Reason: "year-end close"}}
	withEvidence := func(t *testing.T, c csr.CSR) csr.CSR {
		return must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.AddEvidence(who(alice), "https://ci.example.com/run/42", "", fri2300)
		})
	}
	approvedBy := func(ps ...csr.Person) func(t *testing.T, c csr.CSR) csr.CSR {
		return func(t *testing.T, c csr.CSR) csr.CSR {
			for _, p := range ps {
				c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(p), fri2300, svc) })
			}
			return c
		}
	}
	cases := []struct {
		name    string
		state   csr.State
		prep    func(t *testing.T, c csr.CSR) csr.CSR
		svc     func(s *csr.Service)
		now     time.Time
		freezes []csr.Freeze
		id      msg.ID
		want    []string
	}{
		{name: "draft", state: csr.Draft, id: msg.NextDraft,
			want: []string{"@alice or @bob", "`test CSR-7`", "main@1111111", "to test"}},
		{name: "draft without a commit", state: csr.Draft, id: msg.NextDraft,
			prep: func(t *testing.T, c csr.CSR) csr.CSR { c.Refs = []csr.Ref{{Ref: "feature/x"}}; return c },
			want: []string{"deploy feature/x to test"}},
		{name: "draft of a CSR nobody else is assigned to", state: csr.Draft, id: msg.NextDraft,
			prep: func(t *testing.T, c csr.CSR) csr.CSR { c.Assignee = alice; return c },
			want: []string{"Next: @alice runs"}},
		{name: "test deploying", state: csr.TestDeploying, id: msg.NextTestRunning,
			want: []string{"CSR-7/test/1", "to test"}},
		{name: "test failed", state: csr.TestFailed, id: msg.NextTestFailed,
			want: []string{"@alice or @bob", "`test CSR-7`"}},
		{name: "tested, evidence missing", state: csr.Tested, id: msg.NextNeedEvidence,
			want: []string{"@alice or @bob adds evidence", "`submit CSR-7`"}},
		{name: "tested, evidence optional", state: csr.Tested, svc: func(s *csr.Service) { s.EvidenceRequired = false }, id: msg.NextSubmit,
			want: []string{"@alice or @bob runs `submit CSR-7`"}},
		{name: "tested with evidence", state: csr.Tested, prep: withEvidence, id: msg.NextSubmit,
			want: []string{"`submit CSR-7`"}},
		{name: "in approval, step 1", state: csr.InApproval, id: msg.NextAskStep,
			want: []string{"step 1/3 `lead`", "1 more approval from @lee or @lena"}},
		{name: "in approval, step 2 half done", state: csr.InApproval, prep: approvedBy(lee, sam), id: msg.NextAskStep,
			want: []string{"step 2/3 `sm` is waiting for 1 more approval from @carol or @dave"}},
		{name: "in approval, step 3", state: csr.InApproval, prep: approvedBy(lee, sam, carol), id: msg.NextAskStep,
			want: []string{"step 3/3 `business`", "from @biz"}},
		{name: "approved, window open", state: csr.Approved, id: msg.NextDeploy,
			want: []string{"@alice or @bob runs `deploy CSR-7`", "to prod"}},
		{name: "approved, window closed", state: csr.Approved, now: sat1200, id: msg.NextDeployLater,
			want: []string{"Mon-Fri 22:00-02:00", "Mon 2026-12-07 22:00 KST", "`deploy CSR-7 --override"}},
		{name: "approved, frozen", state: csr.Approved, freezes: freeze, id: msg.NextDeployLater,
			want: []string{"frozen until Mon 2026-12-07 22:00 KST", "year-end close", "`deploy CSR-7 --override"}},
		{name: "deploy failed", state: csr.DeployFailed, id: msg.NextDeployFailed,
			want: []string{"@alice or @bob checks the run", "`deploy CSR-7`"}},
		{name: "deploy failed, window closed", state: csr.DeployFailed, now: sat1200, id: msg.NextDeployLater,
			want: []string{"Mon 2026-12-07 22:00 KST"}},
		{name: "rejected", state: csr.Rejected, id: msg.NextRejected,
			want: []string{"rejected by @lee: no rollback plan", "@alice or @bob runs `revise CSR-7`"}},
		{name: "scheduled", state: csr.Scheduled, id: msg.NextScheduled,
			want: []string{"to prod", "Fri 2026-12-04 23:00 KST"}},
		{name: "deploying", state: csr.Deploying, id: msg.NextDeployRunning,
			want: []string{"CSR-7/deploy/1", "to prod"}},
		{name: "deployed", state: csr.Deployed, id: msg.NextDeployed,
			want: []string{"CSR-7 is deployed to prod"}},
		{name: "deployed, rolling back", state: csr.Deployed, id: msg.NextRollbackRunning,
			prep: func(t *testing.T, c csr.CSR) csr.CSR {
				return must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
					return c.Rollback(who(alice), prev, "error rate up", fri2300, svc)
				})
			},
			want: []string{"CSR-7/rollback/1"}},
		{name: "rolled back", state: csr.RolledBack, id: msg.NextRolledBackDone, want: []string{"was rolled back", "ship a fix as a new CSR", "`new billing"}},
		{name: "cancelled", state: csr.Cancelled, id: msg.NextCancelled, want: []string{"cancelled", "new billing"}},
	}
	seen := map[csr.State]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			seen[tc.state] = true
			s := billing()
			if tc.svc != nil {
				tc.svc(&s)
			}
			c := reach(t, tc.state)
			if tc.prep != nil {
				c = tc.prep(t, c)
			}
			now := tc.now
			if now.IsZero() {
				now = fri2300
			}
			before := snapshot(c)
			got := c.NextStep(s, now, tc.freezes)
			requireUntouched(t, before, c)
			require.Equal(t, tc.id, got.ID)
			text := requireRendered(t, "NextStep", got)
			require.NotContains(t, text, "\n", "one line")
			require.NotContains(t, text, "@,")
			for _, w := range tc.want {
				require.Contains(t, text, w)
			}
		})
	}
	for _, s := range csr.States {
		require.True(t, seen[s], "no NextStep case for %s", s)
	}
}

func TestNextStepNobodyEligible(t *testing.T) {
	// lee is in both lead and sm; once lee approves lead, sm can only wait
	// on the others, and when there are none the text says so.
	svc := billing()
	svc.EvidenceRequired = false
	svc.Line = []csr.Step{
		{Name: "lead", Approvers: []csr.Person{lee}, Required: 1},
		{Name: "sm", Approvers: []csr.Person{lee, sam}, Required: 1},
	}
	c := reach(t, csr.Tested)
	c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(who(alice), fri2300, svc) })
	c = must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(lee), fri2300, svc) })
	require.Contains(t, c.NextStep(svc, fri2300, nil).String(), "from @sam")
	svc.Line[1].Approvers = []csr.Person{lee}
	require.Contains(t, c.NextStep(svc, fri2300, nil).String(), "from nobody eligible")
}

// tryVerb performs verb v the way a person would, and says whether it was refused.
func tryVerb(c csr.CSR, v csr.Verb, a csr.Actor, now time.Time, svc csr.Service, fs []csr.Freeze) error {
	var err error
	switch v {
	case csr.VerbTest:
		_, _, err = c.Test(a, now, svc)
	case csr.VerbEvidence:
		_, _, err = c.AddEvidence(a, "https://ci.example.com/run/1", "", now)
	case csr.VerbSubmit:
		_, _, err = c.Submit(a, now, svc)
	case csr.VerbApprove:
		_, _, err = c.Approve(a, now, svc)
	case csr.VerbReject:
		_, _, err = c.Reject(a, "not ready", now, svc)
	case csr.VerbDeploy:
		_, _, err = c.Deploy(a, now, svc, fs, csr.DeployOptions{})
	case csr.VerbRevise:
		_, _, err = c.Revise(a, now)
	case csr.VerbCancel:
		_, _, err = c.Cancel(a, "", now)
	case csr.VerbUnschedule:
		_, _, err = c.Unschedule(a, now, "", nil)
	case csr.VerbRollback:
		_, _, err = c.Rollback(a, prev, "error rate up", now, svc)
	}
	return err
}

func TestActions(t *testing.T) {
	sat1200 := kst(5, 12, 0)
	freeze := []csr.Freeze{{From: fri2100, Until: mon2200, Reason: "year-end close"}}
	withEvidence := func(t *testing.T, c csr.CSR) csr.CSR {
		return must(t, c, func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.AddEvidence(who(alice), "https://ci.example.com/run/42", "", fri2300)
		})
	}
	V := func(vs ...csr.Verb) []csr.Verb { return vs }
	cases := []struct {
		name    string
		state   csr.State
		prep    func(t *testing.T, c csr.CSR) csr.CSR
		actor   csr.Actor
		now     time.Time
		freezes []csr.Freeze
		want    []csr.Verb
	}{
		{name: "requester on a draft", state: csr.Draft, actor: who(alice), want: V(csr.VerbTest, csr.VerbEvidence, csr.VerbCancel)},
		{name: "admin on a draft", state: csr.Draft, actor: admin, want: V(csr.VerbTest, csr.VerbEvidence, csr.VerbCancel)},
		{name: "stranger on a draft", state: csr.Draft, actor: who(mallory), want: V(csr.VerbEvidence)},
		{name: "assignee while testing", state: csr.TestDeploying, actor: who(bob), want: V(csr.VerbEvidence, csr.VerbCancel)},
		{name: "requester, tested, no evidence", state: csr.Tested, actor: who(alice), want: V(csr.VerbTest, csr.VerbEvidence, csr.VerbCancel)},
		{name: "requester, tested with evidence", state: csr.Tested, prep: withEvidence, actor: who(alice),
			want: V(csr.VerbTest, csr.VerbEvidence, csr.VerbSubmit, csr.VerbCancel)},
		{name: "requester after a failed test", state: csr.TestFailed, actor: who(alice), want: V(csr.VerbTest, csr.VerbEvidence, csr.VerbCancel)},
		{name: "open step's approver", state: csr.InApproval, actor: who(lee), want: V(csr.VerbEvidence, csr.VerbApprove, csr.VerbReject)},
		{name: "later step's approver", state: csr.InApproval, actor: who(sam), want: V(csr.VerbEvidence)},
		{name: "requester in approval", state: csr.InApproval, actor: who(alice), want: V(csr.VerbEvidence, csr.VerbCancel)},
		{name: "assignee who is also a lead", state: csr.InApproval, actor: who(bob), want: V(csr.VerbEvidence, csr.VerbCancel)},
		{name: "admin in approval", state: csr.InApproval, actor: admin, want: V(csr.VerbEvidence, csr.VerbCancel)},
		{name: "requester, approved, window open", state: csr.Approved, actor: who(alice), want: V(csr.VerbDeploy, csr.VerbCancel)},
		{name: "requester, approved, window closed", state: csr.Approved, actor: who(alice), now: sat1200, want: V(csr.VerbCancel)},
		{name: "admin, approved, frozen: override is not a button", state: csr.Approved, actor: admin, freezes: freeze, want: V(csr.VerbCancel)},
		{name: "approver on an approved CSR", state: csr.Approved, actor: who(biz), want: nil},
		{name: "requester, rejected", state: csr.Rejected, actor: who(alice), want: V(csr.VerbEvidence, csr.VerbRevise, csr.VerbCancel)},
		{name: "rejecter, rejected", state: csr.Rejected, actor: who(lee), want: V(csr.VerbEvidence)},
		{name: "requester, scheduled", state: csr.Scheduled, actor: who(alice), want: V(csr.VerbDeploy, csr.VerbUnschedule, csr.VerbCancel)},
		{name: "requester while deploying", state: csr.Deploying, actor: who(alice), want: nil},
		{name: "requester after a failed deploy", state: csr.DeployFailed, actor: who(alice), want: V(csr.VerbDeploy)},
		{name: "requester, deployed", state: csr.Deployed, actor: who(alice), want: V(csr.VerbRollback)},
		{name: "last step's approver, deployed", state: csr.Deployed, actor: who(biz), want: V(csr.VerbRollback)},
		{name: "first step's approver, deployed", state: csr.Deployed, actor: who(lee), want: nil},
		{name: "requester, cancelled", state: csr.Cancelled, actor: who(alice), want: nil},
		{name: "requester, rolled back", state: csr.RolledBack, actor: who(alice), want: nil},
	}
	offerable := []csr.Verb{csr.VerbTest, csr.VerbEvidence, csr.VerbSubmit, csr.VerbApprove, csr.VerbReject,
		csr.VerbDeploy, csr.VerbUnschedule, csr.VerbRevise, csr.VerbCancel, csr.VerbRollback}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svc := billing()
			c := reach(t, tc.state)
			if tc.prep != nil {
				c = tc.prep(t, c)
			}
			now := tc.now
			if now.IsZero() {
				now = fri2300
			}
			before := snapshot(c)
			got := c.Actions(tc.actor, now, svc, tc.freezes)
			requireUntouched(t, before, c)
			require.Equal(t, tc.want, got)
			for _, v := range offerable {
				err := tryVerb(c, v, tc.actor, now, svc, tc.freezes)
				if slices.Contains(got, v) {
					require.NoError(t, err, "%s is offered but refused", v)
				} else {
					require.Error(t, err, "%s would succeed but is not offered", v)
				}
			}
		})
	}
}

func TestIDs(t *testing.T) {
	cases := []struct {
		prefix, in string
		want       csr.ID
		ok         bool
	}{
		{"CSR", "CSR-7", "CSR-7", true},
		{"CSR", "csr-7", "CSR-7", true},
		{"CSR", "Csr-7", "CSR-7", true},
		{"CSR", "7", "CSR-7", true},
		{"CSR", "  CSR-7\t", "CSR-7", true},
		{"CSR", "CSR-007", "CSR-7", true},
		{"CSR", "CSR-9223372036854775807", "CSR-9223372036854775807", true},
		{"CSR", "CSR-0", "", false},
		{"CSR", "0", "", false},
		{"CSR", "-7", "", false},
		{"CSR", "CSR--7", "", false},
		{"CSR", "CSR-", "", false},
		{"CSR", "X-7", "", false},
		{"CSR", "", "", false},
		{"CSR", "   ", "", false},
		{"CSR", "CSR-7a", "", false},
		{"CSR", "CSR-1.5", "", false},
		{"CSR", "CSR 7", "", false},
		{"CSR", "CSR-9223372036854775808", "", false},
		{"CSR", "CSR-７", "", false},
		{"OPS", "CSR-7", "", false},
		{"REL-KR", "rel-kr-12", "REL-KR-12", true},
		{"REL-KR", "12", "REL-KR-12", true},
		{"REL-KR", "KR-12", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.prefix+" "+tc.in, func(t *testing.T) {
			got, ok := csr.ParseID(tc.prefix, tc.in)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.want, got)
		})
	}

	for _, n := range []int64{1, 7, 12, 1000000} {
		for _, prefix := range []string{"CSR", "REL-KR"} {
			id := csr.FormatID(prefix, n)
			require.True(t, strings.HasPrefix(string(id), prefix+"-"))
			require.Equal(t, n, id.Seq())
			back, ok := csr.ParseID(prefix, string(id))
			require.True(t, ok)
			require.Equal(t, id, back)
		}
	}

	seqs := map[csr.ID]int64{"CSR-7": 7, "REL-KR-12": 12, "7": 7, "": 0, "CSR-": 0, "CSR-x": 0, "CSR": 0}
	for id, want := range seqs {
		require.Equal(t, want, id.Seq(), "Seq of %q", id)
	}
}

func TestSmallHelpers(t *testing.T) {
	require.Equal(t, "1111111", csr.Ref{SHA: sha1}.ShortSHA())
	require.Equal(t, "abc", csr.Ref{SHA: "abc"}.ShortSHA())
	require.Empty(t, csr.Ref{}.ShortSHA())
	require.Empty(t, csr.CSR{}.SHA())

	for _, s := range csr.States {
		require.Equal(t, s == csr.RolledBack || s == csr.Cancelled, s.Terminal(), s)
	}
	done := map[csr.RunStatus]bool{csr.RunQueued: false, csr.RunRunning: false, csr.RunSucceeded: true, csr.RunFailed: true, csr.RunCancelled: true}
	for s, want := range done {
		require.Equal(t, want, s.Done(), s)
	}

	c := reach(t, csr.DeployFailed)
	r, ok := c.LastRun(csr.PurposeTest)
	require.True(t, ok)
	require.Equal(t, testRun, r.ID)
	r, ok = c.LastRun(csr.PurposeDeploy)
	require.True(t, ok)
	require.Equal(t, deployRun, r.ID)
	_, ok = c.LastRun(csr.PurposeRollback)
	require.False(t, ok)
	_, ok = c.ActiveRun()
	require.False(t, ok)

	ref := &csr.Refusal{Rule: "freeze", Why: msg.T(msg.RefuseRunActive, "run", "CSR-1/deploy/1")}
	require.Equal(t, "freeze: run CSR-1/deploy/1 is still going.", ref.Error())
}

func TestCheckURL(t *testing.T) {
	ok := []string{
		"https://ci.example.com/run/42",
		"http://jenkins.internal:8080/job/7/",
		"HTTPS://CI.EXAMPLE.COM/RUN",
		"https://ci.example.com/run/42?tab=tests&x=1#frag",
		"https://[::1]:8443/x",
		"https://" + strings.Repeat("a", csr.MaxURL-len("https://")),
	}
	for _, u := range ok {
		require.Nil(t, csr.CheckURL(u), "%q", u)
	}
	bad := []string{
		"", "ci.example.com/run/42", "/run/42", "//ci.example.com", "javascript:alert(1)", "JavaScript://%0aalert(1)",
		"mailto:a@example.com", "file:///etc/passwd", "https://", "https:///x", "https://ci.example.com/\x00",
		"https://ci.example.com/\u0085", "https://exa mple.com/", "https://" + strings.Repeat("a", csr.MaxURL),
	}
	for _, u := range bad {
		r := csr.CheckURL(u)
		require.NotNil(t, r, "%q", u)
		require.Equal(t, csr.RuleBadURL, r.Rule)
		requireRendered(t, "Why", r.Why)
	}
}
