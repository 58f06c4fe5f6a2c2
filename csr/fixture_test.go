package csr_test

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/msg"
)

// The cast of every test: alice requests, bob is assigned, lee and lena lead,
// sam, carol and dave are service managers (two of them must approve), biz
// signs off for the business. bob is also listed as a lead, so the line must
// skip him. mallory is on nobody's list; root is an admin.
const (
	alice   csr.Person = "alice"
	bob     csr.Person = "bob"
	lee     csr.Person = "lee"
	lena    csr.Person = "lena"
	sam     csr.Person = "sam"
	carol   csr.Person = "carol"
	dave    csr.Person = "dave"
	biz     csr.Person = "biz"
	mallory csr.Person = "mallory"
	root    csr.Person = "root"

	sha1 = "1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	sha2 = "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	prev = "0000000ccccccccccccccccccccccccccccccccc"

	testRun   = "CSR-7/test/1"
	deployRun = "CSR-7/deploy/1"
)

var (
	seoul   = mustLoad("Asia/Seoul")
	newYork = mustLoad("America/New_York")

	// 2026-12-03 is a Thursday, 2026-12-04 a Friday.
	thu1000 = time.Date(2026, 12, 3, 10, 0, 0, 0, seoul)
	fri2300 = time.Date(2026, 12, 4, 23, 0, 0, 0, seoul) // inside the window
	fri2100 = time.Date(2026, 12, 4, 21, 0, 0, 0, seoul) // before it opens
	mon2200 = time.Date(2026, 12, 7, 22, 0, 0, 0, seoul)
)

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func who(p csr.Person) csr.Actor { return csr.Actor{Person: p} }

var admin = csr.Actor{Person: root, Admin: true}

// weeknights is Mon-Fri 22:00-02:00 in Seoul.
func weeknights() *csr.Window {
	return &csr.Window{
		Days:     [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true},
		Start:    22 * time.Hour,
		End:      2 * time.Hour,
		Location: seoul,
	}
}

func billing() csr.Service {
	return csr.Service{
		Name:         "billing",
		Repo:         "acme/billing",
		Channel:      "#billing-releases",
		Environments: []string{"test", "prod"},
		Deployers:    map[string]string{"test": "fake-test", "prod": "fake-prod"},
		Line: []csr.Step{
			{Name: "lead", Approvers: []csr.Person{lee, bob, lena}, Required: 1},
			{Name: "sm", Approvers: []csr.Person{sam, carol, dave}, Required: 2},
			{Name: "business", Approvers: []csr.Person{biz}, Required: 1},
		},
		EvidenceRequired: true,
		Window:           weeknights(),
	}
}

func request() csr.NewRequest {
	return csr.NewRequest{
		Title:     "Fix rounding",
		Requester: alice,
		Assignee:  bob,
		Effort:    4 * time.Hour,
		Refs:      []csr.Ref{{Repo: "acme/billing", Ref: "main", SHA: sha1, PRs: []int{41, 42}}},
	}
}

// do is one transition, curried over everything but the CSR.
type do func(c csr.CSR) (csr.CSR, []csr.Event, error)

func must(t *testing.T, c csr.CSR, f do) csr.CSR {
	t.Helper()
	out, _, err := f(c)
	require.NoError(t, err)
	return out
}

// reach walks a fresh CSR through the real transitions to state s, so every
// fixture is one the rules can produce. The store's version is set to 7.
func reach(t *testing.T, s csr.State) csr.CSR {
	t.Helper()
	svc := billing()
	c, _, err := csr.New("CSR-7", request(), svc, thu1000)
	require.NoError(t, err)
	at := thu1000
	step := func(f do) {
		t.Helper()
		at = at.Add(time.Minute)
		c = must(t, c, f)
	}
	test := func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Test(who(alice), at, svc) }
	result := func(id string, st csr.RunStatus) do {
		return func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.UpdateRun(id, st, "", "", at) }
	}
	approve := func(p csr.Person) do {
		return func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Approve(who(p), at, svc) }
	}
	toApproval := func() {
		step(test)
		step(result(testRun, csr.RunSucceeded))
		step(func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.AddEvidence(who(alice), "https://ci.example.com/run/42", "suite green", at)
		})
		step(func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Submit(who(alice), at, svc) })
	}
	toApproved := func() {
		toApproval()
		for _, p := range []csr.Person{lee, sam, carol, biz} {
			step(approve(p))
		}
	}
	deploy := func(c csr.CSR) (csr.CSR, []csr.Event, error) {
		return c.Deploy(who(alice), at, svc, nil, csr.DeployOptions{})
	}
	toDeploying := func() {
		toApproved()
		at = fri2300.Add(-time.Minute) // step moves it into the window
		step(deploy)
	}

	switch s {
	case csr.Draft:
	case csr.TestDeploying:
		step(test)
	case csr.Tested:
		step(test)
		step(result(testRun, csr.RunSucceeded))
	case csr.TestFailed:
		step(test)
		step(result(testRun, csr.RunFailed))
	case csr.InApproval:
		toApproval()
	case csr.Approved:
		toApproved()
	case csr.Rejected:
		toApproval()
		step(func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Reject(who(lee), "no rollback plan", at, svc) })
	case csr.Scheduled:
		toApproved()
		step(func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.Schedule(who(alice), fri2300, at, svc, nil)
		})
	case csr.Deploying:
		toDeploying()
	case csr.Deployed:
		toDeploying()
		step(result(deployRun, csr.RunSucceeded))
	case csr.DeployFailed:
		toDeploying()
		step(result(deployRun, csr.RunFailed))
	case csr.RolledBack:
		toDeploying()
		step(result(deployRun, csr.RunSucceeded))
		step(func(c csr.CSR) (csr.CSR, []csr.Event, error) {
			return c.Rollback(who(alice), prev, "error rate up", at, svc)
		})
		step(result("CSR-7/rollback/1", csr.RunSucceeded))
	case csr.Cancelled:
		step(func(c csr.CSR) (csr.CSR, []csr.Event, error) { return c.Cancel(who(alice), "superseded", at) })
	default:
		t.Fatalf("reach: no path to %q", s)
	}
	require.Equal(t, s, c.State)
	c.Version = 7
	return c
}

// snapshot copies every slice of c up to its capacity, so a transition that
// writes into spare capacity of the caller's backing arrays is caught too.
type snap struct {
	c         csr.CSR
	refs      []csr.Ref
	prs       [][]int
	evidence  []csr.Evidence
	approvals []csr.Approval
	runs      []csr.Run
	history   []csr.Entry
}

func snapshot(c csr.CSR) snap {
	s := snap{
		c:         c,
		refs:      append([]csr.Ref(nil), c.Refs[:cap(c.Refs)]...),
		evidence:  append([]csr.Evidence(nil), c.Evidence[:cap(c.Evidence)]...),
		approvals: append([]csr.Approval(nil), c.Approvals[:cap(c.Approvals)]...),
		runs:      append([]csr.Run(nil), c.Runs[:cap(c.Runs)]...),
		history:   append([]csr.Entry(nil), c.History[:cap(c.History)]...),
	}
	for _, r := range c.Refs {
		s.prs = append(s.prs, append([]int(nil), r.PRs...))
	}
	return s
}

func requireUntouched(t *testing.T, before snap, c csr.CSR) {
	t.Helper()
	require.Equal(t, before, snapshot(c), "the input CSR (or its backing arrays) was modified")
}

var placeholder = regexp.MustCompile(`\{[A-Za-z_]+\}`)

// requireRendered renders t and requires one filled-in, non-empty sentence.
func requireRendered(t *testing.T, what string, tx msg.Text) string {
	t.Helper()
	require.False(t, tx.IsZero(), "%s is empty", what)
	_, known := msg.English[tx.ID]
	require.True(t, known, "%s uses id %q, which has no English template", what, tx.ID)
	s := msg.English.Render(tx)
	require.NotEmpty(t, s, what)
	require.Empty(t, placeholder.FindAllString(s, -1), "%s has unfilled placeholders: %q", what, s)
	return s
}

// requireRefusal checks that err is a *csr.Refusal for rule whose texts a
// person can read, and that nothing changed.
func requireRefusal(t *testing.T, rule csr.Rule, before snap, in, out csr.CSR, evs []csr.Event, err error) *csr.Refusal {
	t.Helper()
	var r *csr.Refusal
	require.True(t, errors.As(err, &r), "want a *csr.Refusal, got %v", err)
	require.Equal(t, rule, r.Rule, "refused for: %s", r.Error())
	requireRendered(t, "Why", r.Why)
	if rule != "unknown-run" { // run results come from machines; there is nothing for a person to do
		requireRendered(t, "Next", r.Next)
	}
	require.Contains(t, r.Error(), rule)
	require.Empty(t, evs)
	require.Equal(t, before.c, out, "a refused transition returned a changed CSR")
	requireUntouched(t, before, in)
	return r
}

// requireMoved checks the shape every allowed transition shares: one new
// history entry by `by`, from the old state to `to`, the version untouched,
// and the input unchanged.
func requireMoved(t *testing.T, before snap, in, out csr.CSR, err error, by csr.Person, action string, to csr.State, at time.Time) csr.Entry {
	t.Helper()
	require.NoError(t, err)
	requireUntouched(t, before, in)
	require.Len(t, out.History, len(in.History)+1)
	require.Equal(t, in.History, out.History[:len(in.History)])
	e := out.History[len(out.History)-1]
	require.Equal(t, by, e.By)
	require.Equal(t, action, e.Action)
	require.Equal(t, in.State, e.From)
	require.Equal(t, to, e.To)
	require.Equal(t, at, e.At)
	require.Equal(t, to, out.State)
	require.Equal(t, in.Version, out.Version, "only the store bumps the version")
	require.Equal(t, at, out.UpdatedAt)
	return e
}

func kinds(evs []csr.Event) []csr.EventKind {
	var out []csr.EventKind
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}
