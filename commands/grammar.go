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
	return &csr.Refusal{Rule: csr.RuleSyntax, Why: why, Next: next}
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
		return nil, syntaxError(msg.T(msg.RefuseUnclosedQuote), msg.T(msg.NextTextEmpty, "field", msg.T(msg.TextFieldText)))
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
				return a, syntaxError(msg.T(msg.RefuseMissingArg, "verb", verb, "arg", msg.T(msg.ArgValueAfter, "flag", name)), msg.T(msg.NextHelpVerb, "verb", verb))
			}
			i++
			value = words[i].text
		}
		if _, dup := a.Flags[name]; dup {
			return a, syntaxError(msg.T(msg.RefuseBadFlagValue, "flag", "--"+name, "want", msg.T(msg.WantOneValue), "value", value), msg.T(msg.NextHelpVerb, "verb", verb))
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
// near enough to be a plausible typo, or the one s is a prefix of.
func closest(s string, candidates []string) (string, bool) {
	s = strings.ToLower(s)
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(s, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD == 0 {
		return best, true
	}
	limit := 2
	if len([]rune(s)) <= 3 {
		limit = 1
	}
	if bestD <= limit {
		return best, true
	}
	// A beginning typed in full ("dep" for deploy) is meant, when only one
	// candidate starts so.
	var starts []string
	for _, c := range candidates {
		if len(s) >= 2 && strings.HasPrefix(strings.ToLower(c), s) {
			starts = append(starts, c)
		}
	}
	if len(starts) == 1 {
		return starts[0], true
	}
	return best, false
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of two neighbours each
// count one, so "nwe" is one step from "new".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
