//go:build stdjson

package slack

import "encoding/json"

// decodeLean decodes a block_actions payload into lean with encoding/json
// (the A/B of bench/README.md).
func decodeLean(payload []byte, lean *leanClick) error { return json.Unmarshal(payload, lean) }
