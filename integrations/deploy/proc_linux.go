package deploy

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the program in its own process group, killed as a
// whole on timeout (a script's children too), and has the kernel kill it
// when the bot dies: a command run outlives no bot, so a bot that takes the
// run over never has two copies running.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
