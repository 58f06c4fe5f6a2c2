package chat

import "releasebot/msg"

// Help is the command grammar as a help text lists it: each verb with an
// example as typed and what it does, in the grammar's order, and the line
// that names the other words for verbs (Aliases; nil when there are none).
type Help struct {
	Commands []Usage
	Aliases  *msg.Text
}

// Usage is one verb of the help: an example of it and its summary.
type Usage struct {
	Example string
	Summary msg.ID
}
