// Package gitref resolves branch and tag names to commits.
package gitref

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

// Offline resolves refs without a source host, for the console rehearsal
// and tests: a full or abbreviated SHA stands for itself; a branch or tag
// gets a stable made-up SHA derived from repo and ref, so the same ref
// always names the same commit in a rehearsal.
type Offline struct{}

// Resolve returns the commit for ref.
func (Offline) Resolve(_ context.Context, repo, ref string) (string, error) {
	if len(ref) >= 7 && len(ref) <= 40 && strings.Trim(strings.ToLower(ref), "0123456789abcdef") == "" {
		return strings.ToLower(ref), nil
	}
	sum := sha1.Sum([]byte(repo + "@" + ref))
	return hex.EncodeToString(sum[:]), nil
}
