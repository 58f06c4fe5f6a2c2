package commands

import (
	"strings"
	"unicode"

	"releasebot/csr"
	"releasebot/msg"
)

// MaxCommandLen bounds a command line. It is generous on purpose: an
// over-long title should reach the domain and be refused with its own limit
// rather than with a vague "too long".
const MaxCommandLen = 64 << 10

// syntaxError is a refusal about the shape of a command.
func syntaxError(why, next msg.Text) *csr.Refusal {
	return &csr.Refusal{Rule: "syntax", Why: why, Next: next}
}

// quotePairs maps opening quotes to closing ones. Slack and phones turn
// straight quotes into typographic ones, so both are accepted.
var quotePairs = map[rune]rune{'"': '"', '\'': '\'', '“': '”', '”': '”', '‘': '’', '’': '’', '「': '」'}

// token is one word of a command; a quoted word is never a flag.
type token struct {
	text   string
	quoted bool
}

// Tokenize splits a command line into words. Quotes group words; inside
// double quotes a backslash escapes the next character. Control characters
// are kept so that the domain can refuse them with a precise message.
func Tokenize(line string) ([]string, error) {
	toks, err := tokenize(line)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out, err
}

func tokenize(line string) ([]token, error) {
	var (
		out     []token
		cur     strings.Builder
		inWord  bool
		closing rune
		quoted  bool
	)
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case closing != 0:
			if r == closing {
				closing = 0
				continue
			}
			if r == '\\' && closing == '"' && i+1 < len(rs) {
				i++
				r = rs[i]
			}
			cur.WriteRune(r)
		case unicode.IsSpace(r) && r != '\u0000':
			if inWord {
				out = append(out, token{cur.String(), quoted})
				cur.Reset()
				inWord, quoted = false, false
			}
		default:
			if c, ok := quotePairs[r]; ok {
				closing, inWord, quoted = c, true, true
				continue
			}
			inWord = true
			cur.WriteRune(r)
		}
	}
	if closing != 0 {
		return nil, syntaxError(msg.T(msg.RefuseUnclosedQuote), msg.T(msg.NextTextEmpty, "field", "text"))
	}
	if inWord || quoted {
		out = append(out, token{cur.String(), quoted})
	}
	return out, nil
}

// Args is a tokenized command: positional words and --flags.
type Args struct {
	Verb  string
	Pos   []string
	Flags map[string]string
}

// split separates flags from positional words. A flag takes the next word
// as its value unless written --name=value. "--" ends flags.
func split(verb string, words []token, allowed []string) (Args, error) {
	a := Args{Verb: verb, Flags: map[string]string{}}
	flagsDone := false
	for i := 0; i < len(words); i++ {
		w := words[i].text
		if !flagsDone && !words[i].quoted && w == "--" {
			flagsDone = true
			continue
		}
		if flagsDone || words[i].quoted || !strings.HasPrefix(w, "--") {
			a.Pos = append(a.Pos, w)
			continue
		}
		name, value, hasValue := strings.Cut(w[2:], "=")
		name = strings.ToLower(name)
		if !contains(allowed, name) {
			return a, syntaxError(msg.T(msg.RefuseBadFlag, "verb", verb, "flag", "--"+name), msg.T(msg.NextHelpVerb, "verb", verb))
		}
		if !hasValue {
			if i+1 >= len(words) {
				return a, syntaxError(msg.T(msg.RefuseMissingArg, "verb", verb, "arg", "a value after --"+name), msg.T(msg.NextHelpVerb, "verb", verb))
			}
			i++
			value = words[i].text
		}
		if _, dup := a.Flags[name]; dup {
			return a, syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--"+name, "want", "one value", "value", value), msg.T(msg.NextHelpVerb, "verb", verb))
		}
		a.Flags[name] = value
	}
	return a, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest returns the candidate nearest to s by edit distance, if it is
// near enough to be a plausible typo.
func closest(s string, candidates []string) (string, bool) {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	limit := 2
	if len(s) <= 3 {
		limit = 1
	}
	if strings.HasPrefix(best, s) && len(s) >= 2 {
		return best, true
	}
	return best, bestD <= limit
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
