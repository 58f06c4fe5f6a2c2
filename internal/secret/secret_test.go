package secret_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"releasebot/internal/secret"
)

// TestNeverPrinted: no formatting verb, logger or encoder shows the
// credential, also inside structs and in unexported fields.
func TestNeverPrinted(t *testing.T) {
	s := secret.New("ghp_supersecret")
	type exported struct{ Token secret.Value }
	type hidden struct{ token secret.Value }
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		fmt.Fprintf(&out, verb+" ", s)
		fmt.Fprintf(&out, verb+" ", exported{s})
		fmt.Fprintf(&out, verb+" ", hidden{s})
		fmt.Fprintf(&out, verb+" ", &hidden{s})
	}
	fmt.Fprint(&out, s, exported{s}, hidden{s})
	slog.New(slog.NewTextHandler(&out, nil)).Info("x", "token", s, "in", exported{s})
	slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "token", s, "in", exported{s})
	js, err := json.Marshal(map[string]any{"a": s, "b": exported{s}})
	require.NoError(t, err)
	out.Write(js)
	y, err := yaml.Marshal(exported{s})
	require.NoError(t, err)
	out.Write(y)
	require.NotContains(t, out.String(), "supersecret")
	require.Contains(t, string(js), `"a":"[redacted]"`)
}

func TestReveal(t *testing.T) {
	require.Equal(t, "ghp_x", secret.New("ghp_x").Reveal())
	require.True(t, secret.Value{}.IsZero())
	require.True(t, secret.New("").IsZero())
	require.False(t, secret.New("x").IsZero())
	require.Empty(t, secret.Value{}.Reveal())
}
