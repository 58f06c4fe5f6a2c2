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

// BenchmarkClickAB is the A/B of bench/README.md: the payload of real
// clicks decoded into leanClick by encoding/json, and the form read by
// formValue and by url.ParseQuery.
func BenchmarkClickAB(b *testing.B) {
	form := clickBody(b)
	payloads := map[string][]byte{
		"card":             func() []byte { v, _ := formValue(nil, form, "payload"); return v }(), // as bench/ack sends it
		"message-button":   fixture(b, "interaction.block_actions.message-button.json"),
		"ephemeral-button": fixture(b, "interaction.block_actions.ephemeral-button.json"),
	}
	for _, name := range []string{"card", "message-button", "ephemeral-button"} {
		p := payloads[name]
		b.Run("json="+name+"/encoding_json", func(b *testing.B) {
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			for b.Loop() {
				var l leanClick
				if err := json.Unmarshal(p, &l); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("form=card/formValue", func(b *testing.B) {
		b.SetBytes(int64(len(form)))
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = formValue(buf[:0], form, "payload")
		}
	})
	b.Run("form=card/url.ParseQuery", func(b *testing.B) {
		b.SetBytes(int64(len(form)))
		b.ReportAllocs()
		for b.Loop() {
			v, err := url.ParseQuery(string(form))
			if err != nil || v.Get("payload") == "" {
				b.Fatal(err)
			}
		}
	})
}
