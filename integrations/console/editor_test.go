package console

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// syncBuffer is a terminal screen the test can read while the editor
// writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEditorKeepsTheLineBeingTyped: a notice printed while a person types
// goes above the line, and the prompt and what was typed are drawn again,
// so the person carries on typing where they were; history brings back an
// earlier line.
func TestEditorKeepsTheLineBeingTyped(t *testing.T) {
	in, keys := io.Pipe()
	screen := &syncBuffer{}
	out := NewOut(io.Discard)
	ed, restore := newEditor(in, screen, out)
	defer restore()
	lines := make(chan string, 4)
	go func() {
		for {
			l, err := ed.ReadLine("alice> ")
			if err != nil {
				close(lines)
				return
			}
			lines <- l
		}
	}()
	type_ := func(s string) {
		_, err := keys.Write([]byte(s))
		require.NoError(t, err)
	}
	type_("approve CS")
	require.Eventually(t, func() bool { return strings.Contains(screen.String(), "alice> approve CS") }, 10*time.Second, time.Millisecond)
	out.Print("[#billing-releases] ✅ Test deploy CSR-1/test/1 succeeded.\n")
	require.Eventually(t, func() bool {
		s := screen.String()
		i := strings.Index(s, "✅ Test deploy CSR-1/test/1 succeeded.\r\n")
		return i >= 0 && strings.Contains(s[i:], "alice> approve CS")
	}, 10*time.Second, time.Millisecond, "the notice is above the line, and the line is drawn again: %q", screen.String())
	type_("R-1\r")
	require.Equal(t, "approve CSR-1", <-lines)
	type_("\x1b[A\r") // up arrow, enter: the line before again
	require.Equal(t, "approve CSR-1", <-lines)
	require.NoError(t, keys.Close())
	_, open := <-lines
	require.False(t, open)
}
