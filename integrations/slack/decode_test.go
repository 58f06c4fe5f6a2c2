package slack

import (
	"encoding/json"
	"testing"

	slackapi "github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

// TestDecodeInteractionMatchesSlackGo: the HTTP endpoint's decoding of
// interactivity payloads gives what slack-go's gives, except the message
// the click came from, which it skips.
func TestDecodeInteractionMatchesSlackGo(t *testing.T) {
	shortcut, err := json.Marshal(fixtureJSON(t, "socket-mode.interactive.shortcut.json")["payload"])
	require.NoError(t, err)
	cases := map[string][]byte{
		"block_actions from a message": fixture(t, "interaction.block_actions.message-button.json"),
		"block_actions from ephemeral": fixture(t, "interaction.block_actions.ephemeral-button.json"),
		"view_submission":              fixture(t, "interaction.view_submission.json"),
		"view_closed":                  fixture(t, "interaction.view_closed.json"),
		"shortcut":                     shortcut,
	}
	for name, payload := range cases {
		t.Run(name, func(t *testing.T) {
			var want slackapi.InteractionCallback
			require.NoError(t, json.Unmarshal(payload, &want))
			got, err := decodeInteraction(payload)
			require.NoError(t, err)
			require.NotEmpty(t, got.Type)
			want.Message, want.OriginalMessage = slackapi.Message{}, slackapi.Message{}
			require.Equal(t, want, got)
		})
	}
	_, err = decodeInteraction([]byte(`{"type": "block_actions", "actions": [`))
	require.Error(t, err, "a malformed payload is refused")
}
