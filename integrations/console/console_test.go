package console_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/bot"
	"releasebot/integrations/console"
	"releasebot/internal/clock"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

// session runs lines through the interactive console as a person would
// type them and returns what it printed.
func session(t *testing.T, ephemeral bool, lines ...string) string {
	t.Helper()
	return sessionWith(t, testenv.YAML, ephemeral, lines...)
}

func sessionWith(t *testing.T, cfgYAML string, ephemeral bool, lines ...string) string {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	cfg := testenv.Parse(t, cfgYAML)
	var buf testenv.Buffer // the deploy queue may print while the test reads
	out := console.NewOut(&buf)
	clk := &clock.Offset{}
	a, err := app.New(context.Background(), app.Options{Config: cfg, Redis: rdb, Prefix: prefix, Clock: clk,
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Notifier: func(r console.Renderer) bot.Notifier { return console.Notifier{Out: out, Render: r} }})
	require.NoError(t, err)
	defer a.Close()
	con := console.New(a.Bot, a.Runner, cfg, a.Renderer, out, clk)
	con.Ephemeral = ephemeral
	require.NoError(t, con.Interactive(context.Background(), strings.NewReader(strings.Join(lines, "\n")+"\n")))
	return buf.String()
}

// TestNumbersBelongToTheirPerson: after `as bob`, the numbers are bob's
// actions on the CSR shown last, never alice's.
func TestNumbersBelongToTheirPerson(t *testing.T) {
	out := session(t, true,
		`new web-frontend "Fix header" --ref main`,
		"as bob",
		"2",
		"as alice",
		"1",
		"exit",
		"show CSR-1", // never runs: the console was left
	)
	require.Contains(t, out, "bob's actions on CSR-1: [1] evidence CSR-1 …link")
	require.Contains(t, out, "bob has no action 2; pick one of the numbers shown for bob")
	require.Contains(t, out, "alice's actions on CSR-1: [1] test CSR-1")
	require.Contains(t, out, "→ test CSR-1\n")
	require.NotContains(t, out, "→ cancel", "alice's third action never ran for bob")
	require.True(t, strings.HasSuffix(out, "Bye. The console's store was an embedded in-memory Redis: its CSRs, history and freezes are gone now.\n"), out)
	require.Equal(t, 2, strings.Count(out, "┌─ CSR-1"), "the cards of new and test, and nothing after exit")
}

// TestQuitAndEOFSayWhatIsKept: quit, exit and the end of input all leave,
// saying whether the store's CSRs survive.
func TestQuitAndEOFSayWhatIsKept(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lines     []string
		ephemeral bool
		bye       string
	}{
		{"quit, embedded store", []string{"quit"}, true, "are gone now"},
		{"exit, shared store", []string{"exit"}, false, "The CSRs stay in the store at REDIS_URL."},
		{"end of input", []string{"help"}, true, "are gone now"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := session(t, tc.ephemeral, tc.lines...)
			require.Contains(t, out, "`quit` or `exit` to leave")
			require.Contains(t, out, tc.bye)
		})
	}
}

// TestLanguageFollowsThePerson: the console speaks the acting person's
// language from the config (else the installation's); `lang` says which
// and why, `lang ko|en` sets it for the session whoever acts, and a
// language it does not speak is refused and changes nothing.
func TestLanguageFollowsThePerson(t *testing.T) {
	cfg := strings.Replace(testenv.YAML, "bob: U0BOB00002", "bob: {slack: U0BOB00002, language: ko}", 1)
	ko := func(id msg.ID, kv ...any) string { return msg.Korean.Render(msg.T(id, kv...)) }
	en := func(id msg.ID, kv ...any) string { return msg.English.Render(msg.T(id, kv...)) }
	out := sessionWith(t, cfg, true,
		"lang",
		"as bob",
		"lang",
		`new web-frontend "Fix header" --ref main`,
		"lang fr",
		"as alice",
		"lang ko",
		"show CSR-1",
		"as bob",
		"lang en",
		"lang",
		"exit",
	)
	want := []string{
		en(msg.ConsoleLangNow, "language", msg.T(msg.LangEnglish), "why", msg.T(msg.ConsoleLangDefault)),
		ko(msg.ReplyActing, "person", "bob"),
		ko(msg.ConsoleLangNow, "language", msg.T(msg.LangKorean), "why", msg.T(msg.ConsoleLangPerson, "person", "bob")),
		ko(msg.ReplyCreated, "csr", "CSR-1", "title", "Fix header"),
		ko(msg.ReplyRefused, "why", ko(msg.ConsoleLangBad, "value", "fr")),
		en(msg.ReplyActing, "person", "alice"),
		ko(msg.ConsoleLangSet, "language", msg.T(msg.LangKorean)),
		ko(msg.CardState),
		ko(msg.ReplyActing, "person", "bob"),
		en(msg.ConsoleLangSet, "language", msg.T(msg.LangEnglish)),
		en(msg.ConsoleLangNow, "language", msg.T(msg.LangEnglish), "why", msg.T(msg.ConsoleLangSession)),
	}
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w)
		require.GreaterOrEqual(t, i, 0, "%q not in order in:\n%s", w, out)
		rest = rest[i+len(w):]
	}
	require.Contains(t, out, ko(msg.ConsoleLangNext), "the refusal says what to type")
	require.NotContains(t, out, en(msg.ConsoleLangSet, "language", msg.T(msg.LangKorean)), "lang fr changed nothing")
}
