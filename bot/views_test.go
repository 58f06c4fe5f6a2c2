package bot_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/bot/chat"
	"releasebot/csr"
	"releasebot/internal/store"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

// TestHelpAndCheck: what an adapter asks the runtime besides events. The
// help lists the handler's grammar; Check parses a line without running
// it, and for a new CSR asks the domain too, for the person asking.
func TestHelpAndCheck(t *testing.T) {
	_, prefix := testenv.Redis(t)
	a, _ := process(t, prefix)
	ctx := context.Background()

	help := a.Bot.Help()
	specs := a.Handler.Registry.Specs()
	require.Len(t, help.Commands, len(specs))
	for i, s := range specs {
		require.Equal(t, chat.Usage{Example: s.Example, Summary: s.Summary}, help.Commands[i])
	}
	_, aliases := a.Handler.Registry.AliasHelp()
	require.Equal(t, aliases, help.Aliases != nil)

	require.NoError(t, a.Bot.Check(ctx, chat.Event{User: "U0ALICE001", Text: `new billing-api "Fix rounding" --ref main`}))
	require.NoError(t, a.Bot.Check(ctx, chat.Event{User: "U0ALICE001", Text: `edit CSR-1 --title "New title"`}))

	var r *csr.Refusal
	err := a.Bot.Check(ctx, chat.Event{User: "U0ALICE001", Text: `new billing-api "Fix rounding" --ref main --effort soon`})
	require.True(t, errors.As(err, &r), "%v", err)
	err = a.Bot.Check(ctx, chat.Event{User: "U0ALICE001", Text: "new billing-api \"\" --ref main"})
	require.True(t, errors.As(err, &r), "an empty title is the domain's refusal: %v", err)
	err = a.Bot.Check(ctx, chat.Event{User: "U0ALICE001", Text: `new nowhere "Fix rounding" --ref main`})
	require.True(t, errors.As(err, &r), "%v", err)
	require.Equal(t, msg.RefuseUnknownService, r.Why.ID)

	// Nothing was created: Check runs nothing.
	all, err := a.Store.List(ctx, store.Filter{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, all)
}
