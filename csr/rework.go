package csr

import (
	"slices"
	"strings"
	"time"

	"releasebot/msg"
)

// Comment is one answer on a CSR: to a reviewer, a rejection, a question.
type Comment struct {
	By   Person    `json:"by"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Edits are the fields an `edit` changes; nil leaves a field as it is.
type Edits struct {
	Title       *string
	Description *string
	Risk        *string
	Effort      *time.Duration
	Assignee    *Person
}

// Fields names the fields an edit sets, in a fixed order, for the record.
func (e Edits) Fields() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"title", e.Title != nil}, {"description", e.Description != nil}, {"risk", e.Risk != nil},
		{"effort", e.Effort != nil}, {"assignee", e.Assignee != nil}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// editable are the states in which a CSR's words may change: before its
// approval is complete. Once approved, what was approved is what ships.
var editable = []State{Draft, TestDeploying, Tested, TestFailed, InApproval, Rejected}

// Edit changes the title, description, risk, effort or assignee, the way
// a requester answers a reviewer. Approvals given so far are for the CSR as
// it was: an edit during approval voids them, the line starts again at its
// first step, and whoever had decided is told why.
func (c CSR) Edit(a Actor, e Edits, at time.Time, svc Service) (CSR, []Event, error) {
	if !slices.Contains(editable, c.State) {
		return c, nil, c.wrongState("edit", editable...)
	}
	if r := c.mayOperate(a); r != nil {
		return c, nil, r
	}
	d := c.clone()
	var changed []string
	if e.Title != nil {
		if r := checkText(msg.TextFieldTitle, *e.Title, MaxTitle, true, false); r != nil {
			return c, nil, r
		}
		if t := strings.TrimSpace(*e.Title); t != d.Title {
			d.Title, changed = t, append(changed, "title")
		}
	}
	if e.Description != nil {
		if r := checkText(msg.TextFieldDescription, *e.Description, MaxText, false, true); r != nil {
			return c, nil, r
		}
		if *e.Description != d.Description {
			d.Description, changed = *e.Description, append(changed, "description")
		}
	}
	if e.Risk != nil {
		if r := checkText(msg.TextFieldRisk, *e.Risk, MaxText, false, true); r != nil {
			return c, nil, r
		}
		if *e.Risk != d.Risk {
			d.Risk, changed = *e.Risk, append(changed, "risk")
		}
	}
	if e.Effort != nil {
		if *e.Effort < 0 || *e.Effort > MaxEffort {
			return c, nil, refuse(RuleBadEffort, msg.T(msg.RefuseEffort, "effort", EffortText(*e.Effort)), msg.T(msg.NextEffort))
		}
		if *e.Effort != d.Effort {
			d.Effort, changed = *e.Effort, append(changed, "effort")
		}
	}
	if e.Assignee != nil && *e.Assignee != "" && *e.Assignee != d.Assignee {
		d.Assignee, changed = *e.Assignee, append(changed, "assignee")
		if c.State == InApproval {
			if st, eligible, bad := d.unsatisfiable(svc); bad {
				return c, nil, refuse(RuleLineUnsatisfiable, msg.T(msg.RefuseLineUnsatisfiable, "step", st.Name,
					"required", st.Required, "eligible", eligible), msg.T(msg.NextAskAdmin))
			}
		}
	}
	if len(changed) == 0 {
		return c, nil, ErrNoChange
	}
	note := strings.Join(changed, ", ")
	var evs []Event
	if d.State == InApproval {
		voided := d.voidApprovals()
		evs = append(evs, Event{Kind: EvEdited, Notify: voided, Note: note})
		d.History = append(d.History, Entry{At: at, By: a.Person, Action: "edit", From: d.State, To: d.State, Note: note})
		d.UpdatedAt = at
		if len(voided) > 0 {
			evs = append(evs, d.openStepEvents(svc)...)
		}
		return d, evs, nil
	}
	d.History = append(d.History, Entry{At: at, By: a.Person, Action: "edit", From: d.State, To: d.State, Note: note})
	d.UpdatedAt = at
	return d, []Event{{Kind: EvEdited, Note: note}}, nil
}

// Comment records an answer on the CSR. Anyone of the team may comment; the
// requester and assignee hear of it, and so does whoever rejected the CSR
// last, since a comment is most often the answer to a rejection.
func (c CSR) Comment(a Actor, text string, at time.Time) (CSR, []Event, error) {
	if r := checkText(msg.TextFieldComment, text, MaxText, true, true); r != nil {
		return c, nil, r
	}
	d := c.clone()
	d.Comments = append(d.Comments, Comment{By: a.Person, At: at, Text: text})
	d.History = append(d.History, Entry{At: at, By: a.Person, Action: "comment", From: d.State, To: d.State, Note: text})
	d.UpdatedAt = at
	var notify []Person
	add := func(p Person) {
		if p != "" && p != a.Person && p != System && !slices.Contains(notify, p) {
			notify = append(notify, p)
		}
	}
	if rej, ok := c.LastRejection(); ok {
		add(rej.By)
	}
	for _, p := range c.People() {
		add(p)
	}
	return d, []Event{{Kind: EvCommented, Notify: notify, Note: text}}, nil
}

// LastRejection is the newest rejection on record, voided or not: after
// `revise` it is still who must be answered.
func (c CSR) LastRejection() (Approval, bool) {
	for i := len(c.Approvals) - 1; i >= 0; i-- {
		if c.Approvals[i].Decision == Reject {
			return c.Approvals[i], true
		}
	}
	return Approval{}, false
}

var fieldNames = map[string]msg.ID{
	"title": msg.FieldTitle, "description": msg.FieldDescription, "risk": msg.FieldRisk,
	"effort": msg.FieldEffort, "assignee": msg.FieldAssignee,
}

// EditedFields says the fields an edit's record names ("description,
// risk") in the reader's words: "the description and the risk".
func EditedFields(note string) msg.Text {
	var parts []msg.Text
	for _, f := range strings.Split(note, ", ") {
		if id, ok := fieldNames[f]; ok {
			parts = append(parts, msg.T(id))
		}
	}
	return msg.List(parts...)
}
