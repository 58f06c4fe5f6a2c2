//go:build !stdjson

package slack

// decodeLean decodes a block_actions payload into lean with the scanner
// of jsonscan.go (the build tag stdjson swaps in encoding/json, for the
// A/B of bench/README.md).
func decodeLean(payload []byte, lean *leanClick) error { return decodeTop(payload, lean, lean.field) }
