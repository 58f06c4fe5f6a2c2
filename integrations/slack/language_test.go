package slack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/internal/clock"
	"releasebot/internal/testenv"
	"releasebot/msg"
)

var hangul = regexp.MustCompile(`\p{Hangul}`)

func TestLanguageOfLocale(t *testing.T) {
	for locale, want := range map[string]string{
		"ko-KR": "ko", "ko": "ko", "en-US": "en", "en-GB": "en", "EN-us": "en",
		"fr-FR": "", "ja-JP": "", "": "", "kok-IN": "",
	} {
		require.Equal(t, want, languageOfLocale(locale), locale)
	}
}

// TestReadersLanguage: in an English installation, a person whose Slack
// is Korean reads their answers, forms and Home tab in Korean, while the
// channel card stays English; a person whose config says English reads
// English although their Slack is Korean; a Slack language the bot does
// not speak reads the installation's.
func TestReadersLanguage(t *testing.T) {
	fake := newFakeSlack(t)
	fake.SetLocale(alice, "ko-KR")
	fake.SetLocale(bob, "ko-KR") // the config says en: that wins
	fake.SetLocale(carol, "fr-FR")
	fake.SetLocale(dave, "ko-KR")
	cfg := strings.Replace(testConfig, "bob: U0BOB00002", "bob: {slack: U0BOB00002, language: en}", 1)
	rdb, prefix := testenv.Redis(t)
	h := newHarnessOn(t, fake, rdb, prefix, cfg)

	trigger, _ := h.slash(alice, `new billing-api "Fix rounding" --ref main`)
	h.settle()
	created := h.response(trigger)
	require.Equal(t, "ephemeral", created["response_type"])
	require.Contains(t, responseText(created), msg.Korean.Render(msg.T(msg.ReplyCreated, "csr", "CSR-1", "title", "Fix rounding")))

	card := h.card("CSR-1")
	require.Equal(t, "CBILLINGRELEASES", card.Channel)
	require.NotRegexp(t, hangul, card.Text+blocksText(card.Blocks), "the channel card is in the installation's language")

	for _, step := range []struct{ user, text string }{
		{alice, "test CSR-1"},
		{frank, `evidence CSR-1 https://ci.example.com/run/1`},
		{alice, "submit CSR-1"},
	} {
		h.slash(step.user, step.text)
		h.settle()
	}
	dm := h.dm("CSR-1", bob, "lead")
	require.Contains(t, blocksText(dm.Blocks), "CSR-1")
	require.NotRegexp(t, hangul, dm.Text+blocksText(dm.Blocks), "bob's config language beats his Slack language")
	h.click(bob, dm, "approve")
	h.settle()
	koDM := h.dm("CSR-1", dave, "sm")
	require.Regexp(t, hangul, koDM.Text, "dave's Slack is Korean: so is his approval request")
	require.Contains(t, blocksText(koDM.Blocks), "CSR-1")
	frDM := h.dm("CSR-1", carol, "sm")
	require.NotRegexp(t, hangul, frDM.Text+blocksText(frDM.Blocks))
	require.NotRegexp(t, hangul, blocksText(h.card("CSR-1").Blocks), "the card stays in the installation's language")

	// The help is answered at once, in each reader's language.
	_, koHelp := h.slash(alice, "help")
	require.Contains(t, koHelp, "releasebot*은 릴리스 절차를 진행합니다")
	_, frHelp := h.slash(carol, "help")
	require.Contains(t, frHelp, "runs the release flow", "a Slack language the bot does not speak: the installation's")
	require.NotContains(t, frHelp, "릴리스 절차를 진행합니다")

	// A form and the Home tab are alice's own.
	resp := h.send(PathEvents, "application/json",
		h.eventBody("Ev0HOMEKO1", map[string]any{"type": "app_home_opened", "user": alice, "channel": "D0ALICE001", "tab": "home"}),
		h.clock.Now(), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	h.settle()
	require.Contains(t, viewBlocksText(h.lastView("views.publish")), msg.Korean[msg.SlackHomeTitle])
	h.slash(alice, "new")
	h.settle()
	form := h.lastView("views.open")
	require.Equal(t, msg.Korean[msg.SlackFormNewTitle], form["title"].(map[string]any)["text"])

	require.Empty(t, h.fake.refused)
	requireKnownMethods(t, h.fake)
}

// TestLocaleCached: a person's Slack language is asked once and kept for
// an hour; a failed lookup answers in the installation's language at
// once and is logged at warning level once, however many fail.
func TestLocaleCached(t *testing.T) {
	fake := newFakeSlack(t)
	fake.SetLocale(alice, "ko-KR")
	h := newHarnessOnFake(t, fake)
	asked := func(user string) int {
		n := 0
		for _, c := range fake.Calls("users.info") {
			if c.User == user {
				require.Equal(t, "true", c.Params.Get("include_locale"))
				n++
			}
		}
		return n
	}

	for range 3 {
		_, ack := h.slash(alice, "help")
		require.Contains(t, ack, "릴리스 절차를 진행합니다")
	}
	require.Equal(t, 1, asked(alice), "the second lookup is answered from the cache")

	h.clock.Advance(localeTTL + time.Minute)
	fake.SetLocale(alice, "en-US")
	_, ack := h.slash(alice, "help")
	require.Contains(t, ack, "runs the release flow", "after an hour Slack is asked again")
	require.Equal(t, 2, asked(alice))

	fake.Fail("users.info", "missing_scope")
	for _, user := range []string{bob, carol} {
		_, ack := h.slash(user, "help")
		require.Contains(t, ack, "runs the release flow")
	}
	require.Equal(t, 1, strings.Count(h.logs.String(), `level=WARN msg="slack language of a person not known`), h.logs.String())
	require.Equal(t, 2, fake.failures("users.info"))
	_, _ = h.slash(bob, "help")
	require.Equal(t, 2, fake.failures("users.info"), "a failed lookup is not tried again at once")
}

// TestFakeUserInfo: the fake answers users.info as Slack does, so that
// the adapter's lookups are tested against Slack's rules.
func TestFakeUserInfo(t *testing.T) {
	fake := newFakeSlack(t)
	fake.SetLocale(alice, "ko-KR")
	call := func(body string) map[string]any {
		resp, err := http.Post(fake.APIURL()+"users.info", "application/x-www-form-urlencoded", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		return m
	}
	require.Equal(t, "not_authed", call("user=" + alice)["error"])
	require.Equal(t, "invalid_auth", call("token=nope&user=" + alice)["error"])
	require.Equal(t, "user_not_found", call("token=xoxb-1&user=U0NOBODY")["error"])
	require.Equal(t, "user_not_found", call("token=xoxb-1")["error"])
	without := call("token=xoxb-1&user=" + alice)
	require.Equal(t, true, without["ok"])
	require.NotContains(t, without["user"], "locale", "no locale unless include_locale=true")
	with := call("token=xoxb-1&include_locale=true&user=" + alice)
	require.Equal(t, "ko-KR", with["user"].(map[string]any)["locale"])
}

// TestLocalesBounded: the cache never holds more than maxLocales people;
// when full, the expired go first, and only then all.
func TestLocalesBounded(t *testing.T) {
	clk := clock.NewManual(friday2300)
	l := newLocales(nil, clk, nil)
	for i := range maxLocales {
		ttl := localeTTL
		if i%2 == 0 {
			ttl = time.Minute
		}
		l.remember(fmt.Sprintf("U%06d", i), localeEntry{lang: "ko", expires: clk.Now().Add(ttl)})
	}
	clk.Advance(2 * time.Minute)
	l.remember("U0NEW00001", localeEntry{lang: "en", expires: clk.Now().Add(localeTTL)})
	require.Len(t, l.byUser, maxLocales/2+1, "the expired half made room")
	lang, ok := l.cached("U000001")
	require.True(t, ok)
	require.Equal(t, "ko", lang)
	_, ok = l.cached("U000000")
	require.False(t, ok)
	for i := range maxLocales {
		l.remember(fmt.Sprintf("W%06d", i), localeEntry{lang: "ko", expires: clk.Now().Add(localeTTL)})
	}
	require.LessOrEqual(t, len(l.byUser), maxLocales)
}
