package slack

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// clickBody is a click's form as bench/ack sends it: the fixture's
// block_actions payload with a real card as the message clicked.
func clickBody(t testing.TB) []byte {
	p := fixtureJSON(t, "interaction.block_actions.message-button.json")
	blocks, err := os.ReadFile(filepath.Join("testdata", "card_in_approval.golden"))
	require.NoError(t, err)
	var card any
	require.NoError(t, json.Unmarshal(blocks, &card))
	p["message"].(map[string]any)["blocks"] = card.(map[string]any)["blocks"]
	raw, err := json.Marshal(p)
	require.NoError(t, err)
	return []byte(url.Values{"payload": {string(raw)}}.Encode())
}

func BenchmarkClickDecode(b *testing.B) {
	body := clickBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		var ok bool
		buf, ok = formValue(buf[:0], body, "payload")
		if !ok {
			b.Fatal("form refused")
		}
		if _, isClick, err := decodeClick(buf); err != nil || !isClick {
			b.Fatal(err)
		}
	}
}
