package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Reference writes the config file's reference in Markdown from the table
// in fields.go: one table per mapping, nested mappings after their parent.
// The README includes it between markers; a test keeps that copy current.
func Reference() string {
	var b strings.Builder
	referenceOf(&b, "Top level", "", Schema.Fields)
	return b.String()
}

// referenceOf writes the table of the mapping at path (services[], …).
func referenceOf(b *strings.Builder, title, path string, fs []Field) {
	fmt.Fprintf(b, "#### %s\n\n| Field | Type | Required | Default | Description |\n|---|---|---|---|---|\n", title)
	for _, f := range fs {
		req := ""
		if f.Required {
			req = "yes"
		}
		def := ""
		if f.Default != "" {
			def = "`" + f.Default + "`"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", f.Name, typeName(f), req, def, describe(f))
	}
	b.WriteString("\n")
	for _, f := range fs {
		at := f.Name
		if path != "" {
			at = path + "." + f.Name
		}
		inner, suffix := f, ""
		for inner.Item != nil {
			if inner.Type == List {
				suffix += "[]"
			} else {
				suffix += ".*"
			}
			inner = *inner.Item
		}
		if inner.Type != Mapping {
			continue
		}
		at += suffix
		referenceOf(b, "`"+at+"`", at, inner.Fields)
		kinds := slices.Sorted(func(yield func(string) bool) {
			for k := range inner.Variants {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range kinds {
			referenceOf(b, fmt.Sprintf("`%s` of `kind: %s`", at, k), at, inner.Variants[k])
		}
	}
}

func typeName(f Field) string {
	switch f.Type {
	case List:
		return "list of " + typeName(*f.Item)
	case Map:
		return "map of " + keyName(f.Key) + " to " + typeName(*f.Item)
	case Mapping:
		if f.Short != "" {
			return typeName(*lookupField(f.Fields, f.Short)) + " or mapping"
		}
	}
	return string(f.Type)
}

func keyName(p *pattern) string {
	if p == nil {
		return "name"
	}
	switch p {
	case &personPat:
		return "person"
	case &inputNamePat:
		return "input name"
	}
	return "name"
}

// describe is the field's doc with its allowed values and shape.
func describe(f Field) string {
	s := f.Doc
	inner := f
	for inner.Item != nil {
		inner = *inner.Item
	}
	if len(inner.Enum) > 0 {
		s += " One of " + codeList(inner.Enum) + "."
	}
	if inner.Pattern != nil {
		s += " Shape: " + inner.Pattern.what + "."
	}
	if f.Type == Map && f.Key != nil {
		s += " Keys: " + f.Key.what + "."
	}
	if f.Type == Duration || inner.Type == Duration {
		s += " A duration like `90s`, `15m` or `1h30m`."
	}
	return strings.ReplaceAll(s, "|", "\\|")
}

func codeList(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "`" + v + "`"
	}
	return strings.Join(out, ", ")
}

// durationPattern is what time.ParseDuration accepts without a sign.
const durationPattern = `^(0|([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))*$`

// JSONSchema is the config file's JSON Schema (draft 2020-12) from the
// table in fields.go, for editors' YAML language servers:
// config.schema.json at the repository root is its copy.
func JSONSchema() []byte {
	s := schemaOf(Schema)
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["title"] = "releasebot config"
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // group:<name> reads as written in editors' hovers
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		panic(err) // maps of strings, slices and bools always marshal
	}
	return b.Bytes()
}

func schemaOf(f Field) map[string]any {
	s := map[string]any{}
	if f.Doc != "" {
		s["description"] = f.Doc
	}
	switch f.Type {
	case String:
		s["type"] = "string"
	case Integer:
		s["type"] = "integer"
	case Boolean:
		s["type"] = "boolean"
	case Duration:
		s["type"] = "string"
		s["pattern"] = durationPattern
	case List:
		s["type"] = "array"
		s["items"] = schemaOf(*f.Item)
	case Map:
		s["type"] = "object"
		s["additionalProperties"] = schemaOf(*f.Item)
		if f.Key != nil {
			s["propertyNames"] = map[string]any{"pattern": f.Key.re.String()}
		}
	case Mapping:
		s["type"] = "object"
		props, required := properties(f.Fields)
		s["properties"] = props
		if len(required) > 0 {
			s["required"] = required
		}
		if len(f.Variants) == 0 {
			s["additionalProperties"] = false
			break
		}
		// Each kind's fields apply when kind names it; unevaluated
		// properties (those of no matching kind) are refused.
		var all []any
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range f.Variants {
				if !yield(k) {
					return
				}
			}
		}) {
			vp, vr := properties(f.Variants[k])
			then := map[string]any{"properties": vp}
			if len(vr) > 0 {
				then["required"] = vr
			}
			all = append(all, map[string]any{
				"if":   map[string]any{"properties": map[string]any{"kind": map[string]any{"const": k}}, "required": []string{"kind"}},
				"then": then,
			})
		}
		s["allOf"] = all
		s["unevaluatedProperties"] = false
	}
	if len(f.Enum) > 0 {
		s["enum"] = f.Enum
	}
	if f.Pattern != nil {
		s["pattern"] = f.Pattern.re.String()
	}
	if f.Short != "" {
		// Either the one value, as its field says, or the whole mapping.
		short := schemaOf(*lookupField(f.Fields, f.Short))
		delete(s, "description")
		out := map[string]any{"oneOf": []any{short, s}}
		if f.Doc != "" {
			out["description"] = f.Doc
		}
		return out
	}
	return s
}

func properties(fs []Field) (map[string]any, []string) {
	props := map[string]any{}
	var required []string
	for _, f := range fs {
		props[f.Name] = schemaOf(f)
		if f.Required {
			required = append(required, f.Name)
		}
	}
	return props, required
}
