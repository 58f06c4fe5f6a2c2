package csr_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

func TestPeople(t *testing.T) {
	c := reach(t, csr.Draft)
	require.Equal(t, []csr.Person{alice, bob}, c.People())
	c.Assignee = alice
	require.Equal(t, []csr.Person{alice}, c.People())
	c.Assignee = ""
	require.Equal(t, []csr.Person{alice}, c.People(), "no empty person to notify")
}

// TestSetFloating: pinning the commit a CSR ships (or following its branch
// again) changes only that: approvals stand, the state stays, and the
// history says who did it.
func TestSetFloating(t *testing.T) {
	c := reach(t, csr.InApproval)
	require.False(t, c.Refs[0].Floating)
	_, _, err := c.SetFloating(who(alice), false, fri2300)
	require.True(t, errors.Is(err, csr.ErrNoChange))

	d, evs, err := c.SetFloating(who(alice), true, fri2300)
	require.NoError(t, err)
	require.Empty(t, evs)
	require.True(t, d.Refs[0].Floating)
	require.False(t, c.Refs[0].Floating, "the original is untouched")
	require.Equal(t, csr.InApproval, d.State)
	require.Equal(t, c.Approvals, d.Approvals)
	require.Equal(t, csr.Entry{At: fri2300, By: alice, Action: "follow", From: csr.InApproval, To: csr.InApproval, Note: "main@1111111"},
		d.History[len(d.History)-1])

	d, _, err = d.SetFloating(who(alice), false, fri2300)
	require.NoError(t, err)
	require.Equal(t, "pin", d.History[len(d.History)-1].Action)

	_, _, err = c.SetFloating(who(mallory), true, fri2300)
	var r *csr.Refusal
	require.ErrorAs(t, err, &r)
	require.Equal(t, csr.RuleOwnerOnly, r.Rule)
	_, _, err = reach(t, csr.Deploying).SetFloating(who(alice), true, fri2300)
	require.ErrorAs(t, err, &r)
	require.Equal(t, csr.RuleWrongState, r.Rule)
}
