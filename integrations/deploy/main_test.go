package deploy_test

import (
	"os"
	"testing"

	"releasebot/integrations/deploy"
)

// TestMain: the command deployer runs its deploys under a supervisor, this
// test binary executed again (see deploy.SuperviseIfAsked).
func TestMain(m *testing.M) {
	deploy.SuperviseIfAsked()
	os.Exit(m.Run())
}
