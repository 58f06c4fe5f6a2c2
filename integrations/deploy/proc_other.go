//go:build !linux

package deploy

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// Outside Linux the supervisor only runs the program: there is no parent
// death signal, process group handling or subreaper here, so a deploy's
// processes may outlive a bot that is killed, and a cancelled or timed-out
// deploy stops the program but not the children it started. Takeover
// cannot check either: it reports the run as unknown.

// handshakeSupported: without the handshake pipe, a program that cannot
// start fails its run (exit status 127, the reason in its output) instead
// of Start.
const handshakeSupported = false

func supervisorPath() (string, error) { return os.Executable() }

// setProcessGroup: cancelling asks the supervisor to stop the program
// (where signals exist), else kills the supervisor.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
}

func startSupervisor(cmd *exec.Cmd) error { return cmd.Start() }

func takeOver(int, string) error { return nil }

func supervise(_ int, argv []string) int {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	if len(argv) == 0 {
		_, _ = fmt.Fprintln(os.Stderr, "the supervisor got no program to run")
		return 127
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = programEnv()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		_, _ = fmt.Fprintln(os.Stderr, err)
		return 127
	}
	go func() {
		<-stop
		_ = cmd.Process.Kill()
	}()
	err := cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	default:
		return 128 + int(syscall.SIGKILL)
	}
}
