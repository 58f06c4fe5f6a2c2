// Package secret holds credentials so that they cannot be printed by
// accident: a Value formats, logs and encodes as [redacted]; only Reveal
// gives the credential, for the one place that must send it.
package secret

import (
	"fmt"
	"io"
	"log/slog"
)

// Redacted is how every Value prints.
const Redacted = "[redacted]"

// Value is a credential. Its zero value is "no secret".
//
// The credential sits behind a pointer, so that even fmt's printing of a
// struct that holds a Value in an unexported field (where fmt cannot call
// the Value's methods) shows an address, never the credential.
type Value struct{ p *string }

// New wraps a credential.
func New(v string) Value { return Value{p: &v} }

// Reveal returns the credential, for the one place that must send it.
func (s Value) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether no secret is set.
func (s Value) IsZero() bool { return s.Reveal() == "" }

// String implements fmt.Stringer.
func (Value) String() string { return Redacted }

// GoString implements fmt.GoStringer, for %#v.
func (Value) GoString() string { return Redacted }

// Format implements fmt.Formatter, so that every verb (%d, %x, %q, …)
// prints [redacted], not only those that call String.
func (Value) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, Redacted) }

// LogValue implements slog.LogValuer.
func (Value) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalText keeps the secret out of text encodings (YAML, and JSON map
// keys).
func (Value) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// MarshalJSON keeps the secret out of JSON.
func (Value) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }
