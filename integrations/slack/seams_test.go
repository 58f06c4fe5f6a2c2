package slack

import (
	"releasebot/app"
	"releasebot/bot"
	"releasebot/config"
	"releasebot/integrations/redisstore"
)

// The adapter declares what it uses (adapter.go); the app's parts are
// what satisfy it, as serve wires them.
var (
	_ Bot        = (*bot.Bot)(nil)
	_ CardSource = (*bot.Bot)(nil)
	_ Grammar    = (*bot.Bot)(nil)
	_ CSRs       = (*redisstore.Store)(nil)
	_ CardRefs   = (*redisstore.Store)(nil)
	_ People     = (*GroupsConfig)(nil)
	_ Services   = (*GroupsConfig)(nil)
	_ People     = (*config.Config)(nil)
	_ Services   = (*config.Config)(nil)

	_ app.Messenger = (*Adapter)(nil)
	_ app.Policy    = (*GroupsConfig)(nil)
)
