package config

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFieldTableMatchesDecoder: every deployer kind the decoder reads has
// its fields in the table and is an allowed kind, and the other way round.
func TestFieldTableMatchesDecoder(t *testing.T) {
	kinds := slices.Sorted(maps.Keys(deployerKinds))
	deployer := lookupField(lookupField(Schema.Fields, "services").Item.Fields, "environments").Item.Fields
	d := lookupField(deployer, "deployer")
	require.Equal(t, kinds, slices.Sorted(maps.Keys(d.Variants)))
	require.ElementsMatch(t, kinds, lookupField(d.Fields, "kind").Enum)
	for _, k := range kinds {
		f, ok := knownVariant(k, "services", "environments", "deployer")
		require.True(t, ok, k)
		require.True(t, f["kind"], "kind is required for %s", k)
	}
	require.Equal(t, map[string]bool{"name": true, "approvers": true, "required": false}, known("services", "approval_line"))
	require.Panics(t, func() { known("services", "colour") }, "a path the table lacks is a programming error")
}
