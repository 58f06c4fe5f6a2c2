package slack

import (
	"bytes"
	"encoding/json"
	"errors"
)

// A click's payload is mostly the message clicked, kilobytes of blocks the
// adapter never reads. encoding/json reads it twice through its scanner
// (once to check it, once to skip it); decodeTop reads it once, checking
// it as strictly, and hands encoding/json only the fields asked for.

// errJSON is a payload encoding/json would refuse as malformed.
var errJSON = errors.New("malformed JSON")

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

// decodeTop decodes the object in data as json.Unmarshal would into a
// struct whose fields are those field returns a target for (by the key's
// JSON name, matched as encoding/json does: exactly, else ignoring case);
// the values of other keys are checked and skipped. A document that is
// not an object is left to json.Unmarshal(data, whole).
func decodeTop(data []byte, whole any, field func(name []byte) any) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return json.Unmarshal(data, whole)
	}
	var typeErr error // encoding/json reports a syntax error before a type error
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			if i >= len(data) || data[i] != '"' {
				return errJSON
			}
			end, err := skipString(data, i)
			if err != nil {
				return err
			}
			key := data[i+1 : end-1]
			if bytes.IndexByte(key, '\\') >= 0 {
				var s string
				if err := json.Unmarshal(data[i:end], &s); err != nil {
					return err
				}
				key = []byte(s)
			}
			i = skipSpace(data, end)
			if i >= len(data) || data[i] != ':' {
				return errJSON
			}
			i = skipSpace(data, i+1)
			start := i
			if i, err = skipValue(data, i, 1); err != nil {
				return err
			}
			if dst := field(key); dst != nil {
				if err := json.Unmarshal(data[start:i], dst); err != nil && typeErr == nil {
					typeErr = err
				}
			}
			i = skipSpace(data, i)
			if i < len(data) && data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if i < len(data) && data[i] == '}' {
				i++
				break
			}
			return errJSON
		}
	}
	if skipSpace(data, i) != len(data) {
		return errJSON
	}
	return typeErr
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue returns the end of the JSON value at data[i:], checked as
// encoding/json's scanner checks it.
func skipValue(data []byte, i, depth int) (int, error) {
	if i >= len(data) {
		return i, errJSON
	}
	switch c := data[i]; {
	case c == '"':
		return skipString(data, i)
	case c == '{':
		if depth++; depth > maxJSONDepth {
			return i, errJSON
		}
		i = skipSpace(data, i+1)
		if i < len(data) && data[i] == '}' {
			return i + 1, nil
		}
		for {
			if i >= len(data) || data[i] != '"' {
				return i, errJSON
			}
			var err error
			if i, err = skipString(data, i); err != nil {
				return i, err
			}
			i = skipSpace(data, i)
			if i >= len(data) || data[i] != ':' {
				return i, errJSON
			}
			if i, err = skipValue(data, skipSpace(data, i+1), depth); err != nil {
				return i, err
			}
			i = skipSpace(data, i)
			if i >= len(data) {
				return i, errJSON
			}
			switch data[i] {
			case ',':
				i = skipSpace(data, i+1)
			case '}':
				return i + 1, nil
			default:
				return i, errJSON
			}
		}
	case c == '[':
		if depth++; depth > maxJSONDepth {
			return i, errJSON
		}
		i = skipSpace(data, i+1)
		if i < len(data) && data[i] == ']' {
			return i + 1, nil
		}
		for {
			var err error
			if i, err = skipValue(data, i, depth); err != nil {
				return i, err
			}
			i = skipSpace(data, i)
			if i >= len(data) {
				return i, errJSON
			}
			switch data[i] {
			case ',':
				i = skipSpace(data, i+1)
			case ']':
				return i + 1, nil
			default:
				return i, errJSON
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return skipNumber(data, i)
	case c == 't':
		return skipLiteral(data, i, "true")
	case c == 'f':
		return skipLiteral(data, i, "false")
	case c == 'n':
		return skipLiteral(data, i, "null")
	}
	return i, errJSON
}

func skipLiteral(data []byte, i int, lit string) (int, error) {
	if !bytes.HasPrefix(data[i:], []byte(lit)) {
		return i, errJSON
	}
	return i + len(lit), nil
}

// skipString returns the end of the string at data[i] (a quote): no
// control character, only JSON's escapes. Like encoding/json's scanner it
// lets invalid UTF-8 through (decoding replaces it).
func skipString(data []byte, i int) (int, error) {
	for i++; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			return i + 1, nil
		case c < 0x20:
			return i, errJSON
		case c == '\\':
			i++
			if i >= len(data) {
				return i, errJSON
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(data) || !isHex(data[i+1]) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) {
					return i, errJSON
				}
				i += 4
			default:
				return i, errJSON
			}
		}
	}
	return i, errJSON
}

// skipNumber returns the end of the number at data[i]: JSON's grammar,
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(data []byte, i int) (int, error) {
	digits := func(i int) (int, bool) {
		j := i
		for j < len(data) && '0' <= data[j] && data[j] <= '9' {
			j++
		}
		return j, j > i
	}
	if data[i] == '-' {
		i++
	}
	if i >= len(data) {
		return i, errJSON
	}
	if data[i] == '0' {
		i++
	} else {
		var ok bool
		if i, ok = digits(i); !ok {
			return i, errJSON
		}
	}
	if i < len(data) && data[i] == '.' {
		var ok bool
		if i, ok = digits(i + 1); !ok {
			return i, errJSON
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		var ok bool
		if i, ok = digits(i); !ok {
			return i, errJSON
		}
	}
	return i, nil
}
