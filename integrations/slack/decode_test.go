package slack

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
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

// TestDecodeClickMatchesSlackGo: the HTTP endpoint's lean decoding of
// block_actions gives the adapter what slack-go's InteractionCallback
// gives it, and leaves the other interactions to decodeInteraction.
func TestDecodeClickMatchesSlackGo(t *testing.T) {
	shortcut, err := json.Marshal(fixtureJSON(t, "socket-mode.interactive.shortcut.json")["payload"])
	require.NoError(t, err)
	edited := fixtureJSON(t, "interaction.block_actions.message-button.json")
	actions := edited["actions"].([]any)
	attachment := map[string]any{"name": "old", "value": "kept out", "type": "button"}
	nullBlock := map[string]any{"action_id": "approve", "block_id": nil, "value": "CSR-1"}
	edited["actions"] = append([]any{attachment, nullBlock}, append(actions, actions[0])...)
	edited["channel"] = nil
	twoActions, err := json.Marshal(edited)
	require.NoError(t, err)
	cases := map[string]struct {
		payload []byte
		click   bool
	}{
		"block_actions from a message":   {fixture(t, "interaction.block_actions.message-button.json"), true},
		"block_actions from ephemeral":   {fixture(t, "interaction.block_actions.ephemeral-button.json"), true},
		"block_actions, mixed actions":   {twoActions, true},
		"view_submission":                {fixture(t, "interaction.view_submission.json"), false},
		"view_closed":                    {fixture(t, "interaction.view_closed.json"), false},
		"shortcut":                       {shortcut, false},
		"block_actions, no actions":      {[]byte(`{"type":"block_actions","actions":null,"user":{"id":"U1"}}`), true},
		"block_actions, case and dupes":  {[]byte(`{"TYPE":"block_actions","trigger_id":"a","Trigger_ID":"b","actions":[{"block_id":"x","Action_ID":"y"}]}`), true},
		"block_actions, numeric channel": {[]byte(`{"type":"block_actions","container":{"channel_id":"C1","attachment_id":3}}`), true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var want slackapi.InteractionCallback
			require.NoError(t, json.Unmarshal(c.payload, &want))
			got, isClick, err := decodeClick(c.payload)
			require.NoError(t, err)
			require.Equal(t, c.click, isClick)
			if !c.click {
				return
			}
			require.Equal(t, clickOf(want), got)
		})
	}
	for _, bad := range []string{
		`{"type": "block_actions", "actions": [`,
		`{"type": "block_actions", "actions": [{"block_id": "b", "action_id": 7}]}`,
		`{"type": "block_actions", "user": "U1"}`,
		`{"type": "block_actions", "actions": [1]}`,
		`[]`,
	} {
		_, _, err := decodeClick([]byte(bad))
		require.Error(t, err, "%s is refused", bad)
		require.Error(t, json.Unmarshal([]byte(bad), new(slackapi.InteractionCallback)), "slack-go refuses %s too", bad)
	}
}

// TestFormMatchesParseQuery: the endpoints read forms as url.ParseQuery
// and Values.Get do, refusing what it refuses.
func TestFormMatchesParseQuery(t *testing.T) {
	bodies := []string{
		"",
		"payload=%7B%22a%22%3A1%7D",
		"token=x&payload=a+b%20c&payload=second",
		"pay%6Coad=escaped+key&payload=later",
		"payload+=plus+key&payload=x",
		"&&payload=&x=1",
		"payload",
		"=v&payload==eq=",
		"payload=%zz",
		"payload=ok&x=%4",
		"payload=ok&x=%",
		"a=1;payload=2",
		"payload=%E2%9C%93+%C3%A9",
		"command=%2Frelease&text=show+CSR-1&user_id=U1&user_id=U2&trigger_id=t.1&response_url=https%3A%2F%2Fhooks.slack.com%2Fx" +
			"&team_id=T&channel_id=C&channel_name=c&user_name=n&api_app_id=A&enterprise_id=E&extra=1",
		"text=" + strings.Repeat("long+text+%26+more+", 40),
		strings.Repeat("a=1&", 1200) + "payload=many",
		strings.Repeat("a=1&", 20000) + "payload=too+many",
	}
	for _, body := range bodies {
		form, err := url.ParseQuery(body)
		got, ok := formValue(nil, []byte(body), "payload")
		require.Equal(t, err == nil, ok, "%.60q", body)
		sc, scOK := slashCommand([]byte(body))
		require.Equal(t, err == nil, scOK, "%.60q", body)
		if err != nil {
			continue
		}
		require.Equal(t, form.Get("payload"), string(got), "%.60q", body)
		want := slackapi.SlashCommand{
			TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
			UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"), Text: form.Get("text"),
			ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"), APIAppID: form.Get("api_app_id"),
			EnterpriseID: form.Get("enterprise_id"),
		}
		require.Equal(t, want, sc, "%.60q", body)
	}
}

// TestEncodedAckMatchesEncoder: an acknowledgement encoded once is what
// json.Encoder would write.
func TestEncodedAckMatchesEncoder(t *testing.T) {
	m := responseMessage{ResponseType: "ephemeral", Text: "<b> & co", Blocks: []slackapi.Block{section("*busy* <now>")}}
	var want bytes.Buffer
	require.NoError(t, json.NewEncoder(&want).Encode(m))
	require.Equal(t, want.String(), string(encoded(m).encoded))
}

// FuzzDecodeClick: the lean decoding refuses what encoding/json refuses
// and otherwise gives what json.Unmarshal into leanClick gives (it is
// that now; the fuzz target stays as the guard of any faster decoder).
func FuzzDecodeClick(f *testing.F) {
	for _, name := range []string{"interaction.block_actions.message-button.json", "interaction.block_actions.ephemeral-button.json",
		"interaction.view_submission.json", "interaction.view_closed.json"} {
		f.Add(fixture(f, name))
	}
	for _, s := range []string{`{}`, `null`, `[]`, ` {"type":"block_actions"} `, `{"type":"block_actions"}x`, `{"a":01}`, `{"a":-}`,
		`{"a":1.}`, `{"a":1e}`, `{"a":1E+2,"b":-0.5e-3}`, `{"a":"\u00zz"}`, `{"a":"\q"}`, "{\"a\":\"\x01\"}", `{"a":[1,]}`,
		`{"a":{"b":tru}}`, `{"\u0074ype":"block_actions"}`, `{"TYPE":"block_actions","USER":{"ID":"u"}}`, `{"user":"u"}`,
		`{"type":"block_actions","actions":[{"block_id":1}]}`, `{"a" 1}`, `{"a":1 "b":2}`, `{,}`, `{"a":1,}`, "{\"a\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var want leanClick
		wantErr := json.Unmarshal(payload, &want)
		var got leanClick
		gotErr := decodeLean(payload, &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%q: encoding/json says %v, decodeLean %v", payload, wantErr, gotErr)
		}
		if wantErr == nil {
			require.Equal(t, want, got)
		}
	})
}
