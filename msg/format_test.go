package msg

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDur(t *testing.T) {
	for _, tc := range []struct {
		d      time.Duration
		en, ko string
	}{
		{0, "0s", "0초"},
		{42 * time.Second, "42s", "42초"},
		{5*time.Minute + 59*time.Second, "5m", "5분"},
		{3*time.Hour + 20*time.Minute, "3h 20m", "3시간 20분"},
		{50 * time.Hour, "2d 2h", "2일 2시간"},
		{4 * time.Hour, "4h", "4시간"},
		{4*time.Hour + 30*time.Second, "4h", "4시간"},
		{48*time.Hour + 59*time.Minute, "2d", "2일"},
		{-90 * time.Second, "1m", "1분"},
	} {
		require.Equal(t, tc.en, English.Render(Dur(tc.d)), tc.d)
		require.Equal(t, tc.ko, Korean.Render(Dur(tc.d)), tc.d)
	}
}
