package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/testenv"
)

// TestRunProgressRedrawsTheCard: what a deploy system reports while a run
// goes on (a new link, a detail) announces nothing, yet the live card
// shows it, and then the run's result: the deploy queue acts through the
// same effects as the commands, redraws included.
func TestRunProgressRedrawsTheCard(t *testing.T) {
	// A test run that would take a minute: only the reports below move it.
	cfgYAML := strings.Replace(testConfig, "{name: test, deployer: {kind: fake}}", "{name: test, deployer: {kind: fake, delay: 1m}}", 1)
	require.NotEqual(t, testConfig, cfgYAML)
	rdb, prefix := testenv.Redis(t)
	h := newHarnessOn(t, newFakeSlack(t), rdb, prefix, cfgYAML)
	id := csr.ID("CSR-1")
	h.slash(alice, `new billing-api "Fix rounding" --ref main`)
	h.settle()
	card := h.card(id)

	h.slash(alice, "test CSR-1")
	ctx := context.Background()
	require.Eventually(t, func() bool {
		c, err := h.app.Store.Get(ctx, id)
		return err == nil && len(c.Runs) == 1 && c.Runs[0].Status == csr.RunRunning && c.Runs[0].External != ""
	}, 10*time.Second, 10*time.Millisecond, "the test run never started")
	flush(t, h)
	updates := h.fake.Updates(card.Channel, card.TS)
	require.NotContains(t, blocksText(h.card(id).Blocks), "ci.example.com")

	run := "CSR-1/test/1"
	require.NoError(t, h.app.Runner.Report(ctx, deploy.Report{RunID: run, Status: csr.RunRunning, URL: "https://ci.example.com/run/77"}))
	flush(t, h)
	require.Greater(t, h.fake.Updates(card.Channel, card.TS), updates, "the run's progress did not redraw the card")
	require.Contains(t, blocksText(h.card(id).Blocks), "https://ci.example.com/run/77")
	require.True(t, showsState(h.card(id), csr.TestDeploying))

	require.NoError(t, h.app.Runner.Report(ctx, deploy.Report{RunID: run, Status: csr.RunSucceeded, URL: "https://ci.example.com/run/77"}))
	h.settle()
	require.True(t, showsState(h.card(id), csr.Tested), blocksText(h.card(id).Blocks))
}

// flush waits for the adapter's queued work and card redraws, not for
// deploy runs (settle waits those out).
func flush(t *testing.T, h *harness) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, h.ad.Flush(ctx))
}
