package deployq_test

import (
	"os"
	"testing"

	"releasebot/integrations/deploy"
)

// TestMain: command deploys run under a supervisor, this test binary
// executed again (see deploy.SuperviseIfAsked).
func TestMain(m *testing.M) {
	deploy.SuperviseIfAsked()
	os.Exit(m.Run())
}
