package slack

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/internal/testenv"
)

// TestReplicas: two bot processes behind a load balancer share one Redis.
// Whichever gets a request updates the card the other posted, and a double
// click that lands on both applies once.
func TestReplicas(t *testing.T) {
	fake := newFakeSlack(t)
	rdb, prefix := testenv.Redis(t)
	a := newHarnessOn(t, fake, rdb, prefix, testConfig)
	b := newHarnessOn(t, fake, rdb, prefix, testConfig)
	settle := func() { a.settle(); b.settle(); a.settle() }

	a.slash(alice, `new billing-api "Fix rounding" --ref main`)
	settle()
	card := a.card("CSR-1")
	b.click(alice, card, "test")
	settle()
	require.True(t, showsState(b.card("CSR-1"), csr.Tested))
	require.Equal(t, card.TS, b.card("CSR-1").TS, "one card, updated by the other replica")
	a.slash(frank, `evidence CSR-1 https://ci.example.com/run/1`)
	settle()
	b.click(alice, b.card("CSR-1"), "submit")
	settle()

	dm := a.dm("CSR-1", bob, "lead")
	var wg sync.WaitGroup
	for _, h := range []*harness{a, b} {
		body := h.clickBody(bob, dm, "approve")
		wg.Go(func() {
			resp := h.send(PathInteractions, form, body, h.clock.Now(), nil)
			require.Equal(t, http.StatusOK, resp.StatusCode)
		})
	}
	wg.Wait()
	settle()
	c, err := a.app.Store.Get(context.Background(), "CSR-1")
	require.NoError(t, err)
	require.Len(t, c.Approvals, 1)
	require.Contains(t, blocksText(a.card("CSR-1").Blocks), "approved by <@U0BOB00002>")
	var cards int
	for _, m := range fake.Calls("chat.postMessage") {
		if m.Channel == card.Channel && m.Thread == "" {
			cards++
		}
	}
	require.Equal(t, 1, cards, "the card is posted once")
}
