package testenv

import (
	"os"
	"os/exec"
	"sync"
	"testing"
)

// HelperCommand is this test binary running only the test function test,
// with env added to this process's environment: a bot process a test can
// kill (SIGKILL) in the middle of its work. The helper test skips itself
// unless its environment says it is the helper.
func HelperCommand(test string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// StartKillable starts cmd and returns kill, which sends it SIGKILL and
// waits for it to exit; kill runs again, doing nothing more, when the test
// ends.
func StartKillable(t testing.TB, cmd *exec.Cmd) (kill func()) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	var once sync.Once
	kill = func() {
		once.Do(func() {
			_ = cmd.Process.Kill() // SIGKILL on Unix
			<-exited
		})
	}
	t.Cleanup(kill)
	return kill
}
