package msg

// UserArgs are the arguments whose values are text a person typed (a
// title, a reason, a note, a link, a word the grammar did not take) or
// that quote an outside system (an error, a run's detail). A messenger
// shows them as written and inert: never as markup, never as a mention,
// even when they contain one. The other arguments (people, steps, ids)
// are the bot's own words.
var UserArgs = map[string]bool{
	"title": true, "description": true, "risk": true, "reason": true, "note": true, "url": true,
	"value": true, "arg": true, "flag": true, "ref": true, "suggestion": true, "text": true,
	"detail": true, "error": true,
}
