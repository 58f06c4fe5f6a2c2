// Package chat holds the messenger-neutral shapes that pass between the
// messenger adapters (console, Slack) and the bot: what came in, what goes
// out. Adapters render them; nothing here knows a messenger.
package chat

import (
	"time"

	"releasebot/csr"
	"releasebot/msg"
)

// Event is something a person did in a messenger, already verified by the
// adapter.
type Event struct {
	// Key identifies this delivery for idempotency: a Slack event id or
	// trigger id, a console line number. Empty: no de-duplication.
	Key string
	// User is the messenger's id of the person (a Slack user id, or a
	// person's name in the console).
	User    string
	Channel string
	Text    string // the command text, in the console grammar
	// Click: the person pressed a button the bot offered. Its key comes
	// back when the same button is pressed again, so a refusal gives the
	// claim back: the press counts once the reason is gone (the window
	// opens, a step completes).
	Click bool
}

// Reply answers an event.
type Reply struct {
	Texts   []msg.Text
	Card    *Card
	Actions []Action
	// Private replies are shown only to the person who acted (Slack
	// ephemeral messages): refusals and help.
	Private bool
	// Refusal is set when the command changed nothing because a rule or an
	// input problem refused it.
	Refusal *Refusal
}

// Refusal says why nothing was done and what would allow it.
type Refusal struct {
	Rule csr.Rule
	Why  msg.Text
	Next msg.Text
}

// Card is a CSR as a person should see it: its data, the derived approval
// state and what happens next.
type Card struct {
	CSR     csr.CSR
	Service csr.Service
	Next    msg.Text
	Now     time.Time
}

// Action is something the viewer may do now, offered as a button or a
// numbered choice.
type Action struct {
	Verb    csr.Verb
	CSR     csr.ID
	Command string // the command line that performs it
	// NeedsInput: the command wants a free-text argument (a reason, a link)
	// that the adapter must ask for (a modal in Slack, a prompt in the
	// console).
	NeedsInput string
}

// Notice is a message the bot sends on its own: to a channel, or directly
// to people.
type Notice struct {
	Channel string       // "" when only direct messages are meant
	To      []csr.Person // direct messages
	Text    msg.Text
	CSR     csr.ID
	Card    *Card
	Actions []Action // for the people in To
}

// Mark is how far a CSR got through one stage of the main path.
type Mark int

// Marks of a stage.
const (
	Pending Mark = iota // not reached
	Done                // passed
	Current             // the CSR is here
	Failed              // the CSR stopped here (failed, rejected, cancelled)
)

// Stage is one step of the progress line shown on cards.
type Stage struct {
	Name msg.ID // rendered by each messenger through its catalog
	Mark Mark
}

// Progress places a state on the main path draft → tested → in approval →
// approved → deployed, so every messenger draws the same progress line.
func Progress(s csr.State) []Stage {
	names := []msg.ID{msg.StageDraft, msg.StageTested, msg.StageInApproval, msg.StageApproved, msg.StageDeployed}
	at, mark := 0, Current
	switch s {
	case csr.Draft, csr.TestDeploying:
		at = 0
	case csr.TestFailed:
		at, mark = 0, Failed
	case csr.Tested:
		at = 1
	case csr.InApproval:
		at = 2
	case csr.Rejected:
		at, mark = 2, Failed
	case csr.Approved, csr.Scheduled, csr.Deploying:
		at = 3
	case csr.DeployFailed:
		at, mark = 3, Failed
	case csr.Deployed, csr.RolledBack:
		at, mark = 4, Done
	case csr.Cancelled:
		at, mark = 0, Failed
	}
	out := make([]Stage, len(names))
	for i, n := range names {
		switch {
		case i < at:
			out[i] = Stage{n, Done}
		case i == at:
			out[i] = Stage{n, mark}
		default:
			out[i] = Stage{n, Pending}
		}
	}
	return out
}

// Outcome is the bot's answer to an event.
type Outcome struct {
	Reply Reply
	// Duplicate: this delivery was seen before; the adapter should answer
	// the transport (Slack wants its 200) and say nothing.
	Duplicate bool
}
