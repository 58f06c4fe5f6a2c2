package csr_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
)

func TestNew(t *testing.T) {
	svc := billing()
	cases := []struct {
		name string
		edit func(r *csr.NewRequest)
		rule csr.Rule // "" means accepted
		want func(t *testing.T, c csr.CSR)
	}{
		{name: "valid", edit: func(*csr.NewRequest) {}, want: func(t *testing.T, c csr.CSR) {
			require.Equal(t, csr.ID("CSR-7"), c.ID)
			require.Equal(t, "Fix rounding", c.Title)
			require.Equal(t, "billing", c.Service)
			require.Equal(t, alice, c.Requester)
			require.Equal(t, bob, c.Assignee)
			require.Equal(t, 4*time.Hour, c.Effort)
			require.Equal(t, sha1, c.SHA())
			require.Equal(t, thu1000, c.CreatedAt)
			require.Equal(t, thu1000, c.UpdatedAt)
			require.Zero(t, c.Version, "the store sets the version")
		}},
		{name: "assignee defaults to requester", edit: func(r *csr.NewRequest) { r.Assignee = "" }, want: func(t *testing.T, c csr.CSR) {
			require.Equal(t, alice, c.Assignee)
		}},
		{name: "tab in title", edit: func(r *csr.NewRequest) { r.Title = "Fix\trounding" }, rule: "text-control"},
		{name: "title with outer spaces is trimmed", edit: func(r *csr.NewRequest) { r.Title = "  Fix rounding  " }, want: func(t *testing.T, c csr.CSR) {
			require.Equal(t, "Fix rounding", c.Title)
			require.Equal(t, "Fix rounding", c.History[0].Note)
		}},
		{name: "title of exactly MaxTitle runes", edit: func(r *csr.NewRequest) { r.Title = strings.Repeat("가", csr.MaxTitle) }},
		{name: "zero effort", edit: func(r *csr.NewRequest) { r.Effort = 0 }},
		{name: "maximum effort", edit: func(r *csr.NewRequest) { r.Effort = csr.MaxEffort }},
		{name: "multiline description and risk", edit: func(r *csr.NewRequest) {
			r.Description = "line one\n\tline two"
			r.Risk = "low"
		}},
		{name: "ref without a resolved commit", edit: func(r *csr.NewRequest) { r.Refs = []csr.Ref{{Repo: "acme/billing", Ref: "main"}} }, want: func(t *testing.T, c csr.CSR) {
			require.Empty(t, c.SHA())
		}},

		{name: "empty title", edit: func(r *csr.NewRequest) { r.Title = "" }, rule: "text-required"},
		{name: "blank title", edit: func(r *csr.NewRequest) { r.Title = " \t " }, rule: "text-required"},
		{name: "10 KB title", edit: func(r *csr.NewRequest) { r.Title = strings.Repeat("x", 10*1024) }, rule: "text-too-long"},
		{name: "title one rune too long", edit: func(r *csr.NewRequest) { r.Title = strings.Repeat("가", csr.MaxTitle+1) }, rule: "text-too-long"},
		{name: "newline in title", edit: func(r *csr.NewRequest) { r.Title = "Fix\nrounding" }, rule: "text-control"},
		{name: "escape sequence in title", edit: func(r *csr.NewRequest) { r.Title = "Fix \x1b[31mrounding" }, rule: "text-control"},
		{name: "NUL in title", edit: func(r *csr.NewRequest) { r.Title = "Fix\x00" }, rule: "text-control"},
		{name: "C1 control in title", edit: func(r *csr.NewRequest) { r.Title = "Fix \u0085rounding" }, rule: "text-control"},
		{name: "invalid UTF-8 title", edit: func(r *csr.NewRequest) { r.Title = "Fix \xff\xfe" }, rule: "text-encoding"},
		{name: "control character in description", edit: func(r *csr.NewRequest) { r.Description = "ok\x07bell" }, rule: "text-control"},
		{name: "invalid UTF-8 risk", edit: func(r *csr.NewRequest) { r.Risk = "\xc3\x28" }, rule: "text-encoding"},
		{name: "description too long", edit: func(r *csr.NewRequest) { r.Description = strings.Repeat("d", csr.MaxText+1) }, rule: "text-too-long"},
		{name: "negative effort", edit: func(r *csr.NewRequest) { r.Effort = -time.Hour }, rule: "bad-effort"},
		{name: "huge effort", edit: func(r *csr.NewRequest) { r.Effort = csr.MaxEffort + time.Nanosecond }, rule: "bad-effort"},
		{name: "no refs", edit: func(r *csr.NewRequest) { r.Refs = nil }, rule: "ref-required"},
		{name: "empty ref", edit: func(r *csr.NewRequest) { r.Refs = []csr.Ref{{Repo: "acme/billing", SHA: sha1}} }, rule: "ref-required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := request()
			tc.edit(&in)
			c, evs, err := csr.New("CSR-7", in, svc, thu1000)
			if tc.rule != "" {
				var r *csr.Refusal
				require.True(t, errors.As(err, &r), "want a refusal, got %v", err)
				require.Equal(t, tc.rule, r.Rule)
				requireRendered(t, "Why", r.Why)
				requireRendered(t, "Next", r.Next)
				require.Zero(t, c.ID)
				require.Empty(t, evs)
				return
			}
			require.NoError(t, err)
			require.Equal(t, csr.Draft, c.State)
			require.Len(t, c.History, 1)
			h := c.History[0]
			require.Equal(t, csr.Entry{At: thu1000, By: alice, Action: "new", From: "", To: csr.Draft, Note: c.Title}, h)
			require.Equal(t, []csr.EventKind{csr.EvCreated}, kinds(evs))
			if tc.want != nil {
				tc.want(t, c)
			}
		})
	}
}

func TestNewCopiesRefs(t *testing.T) {
	in := request()
	c, _, err := csr.New("CSR-7", in, billing(), thu1000)
	require.NoError(t, err)
	c.Refs[0].SHA = sha2
	require.Equal(t, sha1, in.Refs[0].SHA, "the CSR must not alias the request's refs")
}
