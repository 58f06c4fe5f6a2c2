package csr

import (
	"fmt"
	"slices"
	"time"

	"releasebot/msg"
)

// Step is one stage of an approval line: who may approve and how many of
// them must.
type Step struct {
	Name      string
	Approvers []Person // resolved from people and groups by the config
	Required  int
}

// Service is the release policy of one deployable unit.
type Service struct {
	Name             string
	Repo             string
	Channel          string
	Environments     []string          // promotion order; the first is the test environment, the last production
	Deployers        map[string]string // environment -> deployer name, for the record on each run
	Line             []Step
	EvidenceRequired bool
	Window           *Window // nil: production deploys at any time
	Freezes          []Freeze
	// Rollback is who may roll back a deployed CSR; the zero value is
	// DefaultRollbackPolicy.
	Rollback RollbackPolicy
	// Zone is where the service's people read times: its window's zone or
	// the installation's. Nil means UTC.
	Zone *time.Location
}

// TestEnv is the environment a test deploy goes to.
func (s Service) TestEnv() string { return s.Environments[0] }

// ProdEnv is the production environment.
func (s Service) ProdEnv() string { return s.Environments[len(s.Environments)-1] }

// Window is the weekly span in which production deploys are allowed.
// A window whose end is before its start crosses midnight and belongs to the
// day it starts on: Friday 22:00-02:00 allows Saturday 01:00.
type Window struct {
	Days     [7]bool       // indexed by time.Weekday
	Start    time.Duration // offset from local midnight
	End      time.Duration
	Location *time.Location
}

// Allows reports whether t falls inside the window.
func (w *Window) Allows(t time.Time) bool {
	if w == nil {
		return true
	}
	lt := t.In(w.loc())
	tod := time.Duration(lt.Hour())*time.Hour + time.Duration(lt.Minute())*time.Minute + time.Duration(lt.Second())*time.Second
	day := lt.Weekday()
	if w.Start < w.End {
		return w.Days[day] && tod >= w.Start && tod < w.End
	}
	// crosses midnight
	if w.Days[day] && tod >= w.Start {
		return true
	}
	prev := (day + 6) % 7
	return w.Days[prev] && tod < w.End
}

// NextOpen returns the next time at or after t when the window opens (t
// itself if it is open). It looks ahead at most eight days.
func (w *Window) NextOpen(t time.Time) time.Time {
	if w == nil || w.Allows(t) {
		return t
	}
	lt := t.In(w.loc())
	for d := 0; d <= 8; d++ {
		// Start is wall-clock time: on a day clocks change, midnight plus
		// Start hours is not Start o'clock, so let time.Date normalise it.
		open := time.Date(lt.Year(), lt.Month(), lt.Day()+d, 0, 0, 0, int(w.Start), w.loc())
		if w.Days[open.Weekday()] && !open.Before(t) {
			return open
		}
	}
	return time.Time{}
}

// loc is the window's time zone; a window without one is in UTC, as
// elsewhere in the package.
func (w *Window) loc() *time.Location {
	if w.Location == nil {
		return time.UTC
	}
	return w.Location
}

// String describes the window in English for logs, e.g. "Mon-Fri
// 22:00-02:00 Asia/Seoul"; people read Text.
func (w *Window) String() string { return msg.English.Render(w.Text()) }

// Text says the window in the reader's language, for a sentence:
// "Mon-Fri 22:00-02:00 Asia/Seoul" / "월-금 22:00-02:00 (Asia/Seoul)".
func (w *Window) Text() msg.Text {
	if w == nil {
		return msg.T(msg.WindowAny)
	}
	return msg.T(msg.WindowText, "days", dayRangesText(w.Days), "from", clock(w.Start), "to", clock(w.End), "zone", w.Location.String())
}

// dayRangesText writes days Monday first, runs of three or more as a range
// (Mon-Fri, Mon,Wed, Sat-Sun), with the catalog's weekday names.
func dayRangesText(days [7]bool) msg.Text {
	order := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	var parts []msg.Text
	for i := 0; i < len(order); {
		if !days[order[i]] {
			i++
			continue
		}
		j := i
		for j+1 < len(order) && days[order[j+1]] {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, msg.T(msg.WindowDayRange, "a", msg.Weekday(int(order[i])), "b", msg.Weekday(int(order[j]))))
		default:
			for k := i; k <= j; k++ {
				parts = append(parts, msg.Weekday(int(order[k])))
			}
		}
		i = j + 1
	}
	if len(parts) == 0 {
		return msg.T(msg.WindowNever)
	}
	out := parts[len(parts)-1]
	for i := len(parts) - 2; i >= 0; i-- {
		out = msg.T(msg.WindowDays, "a", parts[i], "rest", out)
	}
	return out
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// Freeze is a period in which production deploys are refused.
type Freeze struct {
	Service string    `json:"service"`
	From    time.Time `json:"from"`
	Until   time.Time `json:"until"`
	Reason  string    `json:"reason"`
	By      Person    `json:"by,omitempty"`
}

// Active reports whether the freeze covers t.
func (f Freeze) Active(t time.Time) bool {
	return !t.Before(f.From) && t.Before(f.Until)
}

// ActiveFreeze returns the first freeze among fs covering t.
func ActiveFreeze(fs []Freeze, t time.Time) (Freeze, bool) {
	for _, f := range fs {
		if f.Active(t) {
			return f, true
		}
	}
	return Freeze{}, false
}

// StepStatus is the derived state of one approval step.
type StepStatus struct {
	Step     Step
	Index    int // 0-based position in the line
	Approved []Approval
	Complete bool
	Open     bool // the step now waiting for approvals
}

// Missing is how many more approvals the step needs.
func (s StepStatus) Missing() int {
	if m := s.Step.Required - len(s.Approved); m > 0 {
		return m
	}
	return 0
}

// Pending lists the approvers of the step who could still approve for c:
// not yet approved, not the requester or assignee, and not already an
// approver of another step.
func (s StepStatus) Pending(c CSR) []Person {
	var out []Person
	for _, p := range s.Step.Approvers {
		if p == c.Requester || p == c.Assignee || c.hasDecided(p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Steps derives the approval state from the recorded, non-voided approvals.
// Nothing about progress is stored twice: the record is the truth.
func (c CSR) Steps(svc Service) []StepStatus {
	out := make([]StepStatus, len(svc.Line))
	open := -1
	for i, st := range svc.Line {
		ss := StepStatus{Step: st, Index: i}
		for _, a := range c.Approvals {
			if !a.Voided && a.Step == st.Name && a.Decision == Approve {
				ss.Approved = append(ss.Approved, a)
			}
		}
		ss.Complete = len(ss.Approved) >= st.Required
		if !ss.Complete && open < 0 {
			open = i
			ss.Open = c.State == InApproval
		}
		out[i] = ss
	}
	return out
}

// OpenStep returns the step waiting for approvals, if the CSR is in approval.
func (c CSR) OpenStep(svc Service) (StepStatus, bool) {
	for _, s := range c.Steps(svc) {
		if s.Open {
			return s, true
		}
	}
	return StepStatus{}, false
}

func (c CSR) hasDecided(p Person) bool {
	return slices.ContainsFunc(c.Approvals, func(a Approval) bool { return !a.Voided && a.By == p })
}

// unsatisfiable returns the first step that can never reach its quorum for
// this CSR because too few eligible approvers remain.
func (c CSR) unsatisfiable(svc Service) (Step, int, bool) {
	for _, st := range svc.Line {
		eligible := 0
		for _, p := range st.Approvers {
			if p != c.Requester && p != c.Assignee {
				eligible++
			}
		}
		if eligible < st.Required {
			return st, eligible, true
		}
	}
	return Step{}, 0, false
}

// StepOf returns the first step in which p is an approver.
func StepOf(svc Service, p Person) (Step, int, bool) {
	for i, st := range svc.Line {
		if slices.Contains(st.Approvers, p) {
			return st, i, true
		}
	}
	return Step{}, -1, false
}
