package console

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWidth(t *testing.T) {
	for _, tc := range []struct {
		s   string
		w   int
		pad string
	}{
		{"", 0, "          "},
		{"state", 5, "state     "},
		{"상태", 4, "상태      "},
		{"요청/담당", 9, "요청/담당 "},
		{"배포 대상", 9, "배포 대상 "},
		{"approvals!", 10, "approvals!"},
		{"longer than ten", 15, "longer than ten"},
		{"ｆｕｌｌ", 8, "ｆｕｌｌ  "},
	} {
		require.Equal(t, tc.w, width(tc.s), tc.s)
		require.Equal(t, tc.pad, pad(tc.s, 10), tc.s)
	}
}
