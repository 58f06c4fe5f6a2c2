package app_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/require"

	"releasebot/app"
	"releasebot/commands"
	"releasebot/config"
	"releasebot/csr"
	"releasebot/internal/testenv"
	"releasebot/msg"
	"releasebot/msg/msgtest"
)

// TestNothingBypassesTheCatalog rehearses every example script with a
// catalog that wraps each template in markers. A word the console prints
// outside every marker did not come from the catalog, so a Korean reader
// would see it in English; the only things allowed outside are data, which
// reads the same in every language: names from the config (people,
// services, repositories, channels, steps, environments, deployer kinds,
// freeze reasons),
// what the person typed (titles, reasons, refs, links), ids, commits, URLs
// and numbers. The echo of each typed line is the person's own and is left
// out.
func TestNothingBypassesTheCatalog(t *testing.T) {
	cfg, err := config.Load("../config.example.yaml")
	require.NoError(t, err)
	for _, script := range []string{"lifecycle.script", "rework.script", "schedule.script"} {
		t.Run(script, func(t *testing.T) {
			path := "../examples/" + script
			data := dataWords(t, cfg, path)
			rdb, prefix := testenv.Redis(t)
			out := rehearseOn(t, path, app.Options{Redis: rdb, Prefix: prefix, Config: cfg,
				Catalog: msgtest.Pseudo(msg.English)})
			require.Contains(t, out, msgtest.Open, "the script printed through the pseudo catalog")
			var bare []string
			for _, line := range strings.Split(out, "\n") {
				if echo(line) {
					continue
				}
				var words []string
				for _, w := range msgtest.Unmarked(notWords.ReplaceAllString(line, " ")) {
					if !data[w] && strings.TrimFunc(w, unicode.IsDigit) != "" {
						words = append(words, w)
					}
				}
				if len(words) > 0 {
					bare = append(bare, strings.Join(words, " ")+"   ← "+line)
				}
			}
			require.Empty(t, bare, "words outside the catalog")
		})
	}
}

// notWords are the shapes of data in a line: URLs, CSR and run ids,
// mentions, channels and commits.
var notWords = regexp.MustCompile(`[^\s⟦⟧]+://[^\s⟦⟧]+|\b[A-Z]+-\d+(/[a-z]+/\d+)?\b|[@#][\w.-]+|\b[0-9a-f]{7,40}\b`)

// dataWords are the letter-and-digit runs of the config's names, the time
// zone's, the command words a person types (shown as commands to copy) and
// of what the script's people typed.
func dataWords(t *testing.T, cfg *config.Config, script string) map[string]bool {
	texts := []string{string(csr.System), cfg.Location().String(), time.Date(2026, 12, 4, 0, 0, 0, 0, cfg.Location()).Format("MST")}
	texts = append(texts, commands.Default().Verbs()...)
	for _, p := range cfg.People() {
		texts = append(texts, string(p))
	}
	for _, s := range cfg.Services() {
		texts = append(texts, s.Name, s.Repo, s.Channel)
		texts = append(texts, s.Environments...)
		for _, d := range s.Deployers {
			texts = append(texts, d)
		}
		for _, st := range s.Line {
			texts = append(texts, st.Name)
		}
		for _, f := range s.Freezes {
			texts = append(texts, f.Reason)
		}
	}
	raw, err := os.ReadFile(script)
	require.NoError(t, err)
	for _, line := range strings.Split(string(raw), "\n") {
		_, cmd, ok := strings.Cut(line, ": ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		for _, f := range strings.Fields(cmd) {
			texts = append(texts, strings.TrimLeft(f, "-"))
		}
	}
	words := map[string]bool{}
	for _, w := range msgtest.Unmarked(strings.Join(texts, " ")) {
		words[w] = true
	}
	return words
}

// echo reports whether line is the console's echo of a typed line
// ("alice> approve CSR-1").
func echo(line string) bool {
	name, _, ok := strings.Cut(line, "> ")
	return ok && name != "" && !strings.ContainsAny(name, " ⟦")
}
