package bot

import (
	"context"

	"releasebot/bot/chat"
)

// Observer sees every event the bot handles, so logs and metrics of
// commands and clicks come from one place and no adapter repeats them.
type Observer interface {
	// Begin is called when an event arrives, before anything else. The
	// event runs with the context it returns (which may carry log
	// attributes: a request id, the person, the verb); end is called once
	// with the outcome.
	Begin(ctx context.Context, ev chat.Event) (context.Context, func(chat.Outcome))
}
