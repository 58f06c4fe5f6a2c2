package slack

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestManifestScopes: the app manifest declares exactly the scopes and
// events the code uses, so the app asks for no more than it needs (and a
// new call cannot go out without its scope).
func TestManifestScopes(t *testing.T) {
	var m struct {
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				Bot []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
		} `yaml:"settings"`
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "slack", "manifest.yaml")) // in the module
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(raw, &m))
	want := append([]string(nil), featureScopes...)
	for _, scopes := range methodScopes {
		want = append(want, scopes...)
	}
	var events []string
	for ev, scope := range eventScopes {
		events = append(events, ev)
		if scope != "" {
			want = append(want, scope)
		}
	}
	slices.Sort(want)
	want = slices.Compact(want)
	got := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot))
	require.Equal(t, want, got, "manifest scopes")
	slices.Sort(events)
	require.Equal(t, events, slices.Sorted(slices.Values(m.Settings.Events.Bot)), "manifest events")
}

// requireKnownMethods fails when the bot called a Web API method whose
// scopes methodScopes does not record.
func requireKnownMethods(t *testing.T, f *fakeSlack) {
	t.Helper()
	for _, c := range f.Calls("") {
		_, ok := methodScopes[c.Method]
		require.True(t, ok, "the bot called %s: add it and its scopes to methodScopes (and deploy/slack/manifest.yaml)", c.Method)
	}
}
