package slack

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMentionInASentenceAndDMThread: a mention in the middle of a sentence
// runs what follows it; a command written in a thread of the bot's DM is
// answered in that thread.
func TestMentionInASentenceAndDMThread(t *testing.T) {
	h := newHarness(t)
	mention := h.eventBody("Ev0MIDSENT1", map[string]any{"user": alice, "channel": "C0TEAM0001",
		"text": `please <@UBOT000001> new billing-api "Fix rounding" --ref main`})
	require.Equal(t, http.StatusOK, h.send(PathEvents, "application/json", mention, h.clock.Now(), nil).StatusCode)
	h.settle()
	_, err := h.app.Store.Get(t.Context(), "CSR-1")
	require.NoError(t, err, "the command after the mention ran")

	dm := h.eventBody("Ev0DMTHRD01", map[string]any{"type": "message", "channel_type": "im", "channel": "D0ALICE001",
		"user": alice, "text": "show CSR-1", "ts": "1700000500.000200", "thread_ts": "1700000400.000100"})
	require.Equal(t, http.StatusOK, h.send(PathEvents, "application/json", dm, h.clock.Now(), nil).StatusCode)
	h.settle()
	var answers []apiCall
	for _, c := range h.fake.Calls("chat.postMessage") {
		if c.Channel == "D0ALICE001" {
			answers = append(answers, c)
		}
	}
	require.Len(t, answers, 1)
	require.Equal(t, "1700000400.000100", answers[0].Thread, "answered in the DM's thread")
}
