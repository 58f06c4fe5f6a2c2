package commands_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"releasebot/commands"
	"releasebot/csr"
	"releasebot/msg"
)

// FuzzParse: whatever a person (or a pasted log) types, the parser answers
// with a registered command or a refusal that renders cleanly; it never
// panics.
func FuzzParse(f *testing.F) {
	for _, s := range commands.Default().Specs() {
		f.Add(s.Example)
	}
	for _, seed := range []string{
		"", " ", "--", "new -- --ref", `new billing-api "unclosed`, "new billing-api “smart quotes” --ref main",
		`reject CSR-1 "a \"quoted\" reason"`, "approve csr-0", "approve CSR-99999999999999999999", "show \x00",
		"list --state=draft --service=web", "deploy CSR-1 --override=", "help help help", "\u202eevorppa CSR-1",
		"new 'a b' 'c' --effort 1.5h --ref x", "freeze x --until 2h \"\\", "evidence CSR-1 https://a/b \"n\" extra",
		"edit CSR-1", "edit CSR-1 --effort -1h --assignee", "comment CRS-3 hi there", "rollb #3", "show csr_99999999999999999999",
		"process", "nwe", "rollback CSR-1 \"\"",
	} {
		f.Add(seed)
	}
	reg := commands.Default()
	f.Fuzz(func(t *testing.T, line string) {
		cmd, err := reg.Parse("CSR", line)
		if err != nil {
			var r *csr.Refusal
			if !errors.As(err, &r) {
				t.Fatalf("Parse(%q) returned a non-refusal error %T: %v", line, err, err)
			}
			why := msg.English.Render(r.Why)
			if why == "" || strings.Contains(why, "{") && !strings.Contains(line, "{") {
				t.Fatalf("Parse(%q): refusal renders badly: %q", line, why)
			}
			if utf8.ValidString(line) && !utf8.ValidString(why) {
				t.Fatalf("Parse(%q): refusal is not valid UTF-8: %q", line, why)
			}
			return
		}
		if _, ok := reg.Spec(cmd.Verb()); !ok {
			t.Fatalf("Parse(%q) returned unregistered verb %q", line, cmd.Verb())
		}
	})
}
