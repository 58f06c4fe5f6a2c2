package deploy

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// How the supervisor keeps a deploy from outliving its bot, on Linux:
//
//   - It leads the deploy's process group (the bot starts it with Setpgid)
//     and starts the program in that group; the program's children stay in
//     it unless they leave.
//   - The bot starts it with Pdeathsig SIGTERM, so the kernel tells it when
//     the bot dies (kill -9 included), and it also polls getppid(), which
//     changes when the bot is gone: that covers a bot that died before
//     prctl took effect, and a parent death signal that got lost.
//   - It is a child subreaper (PR_SET_CHILD_SUBREAPER): a process of the
//     deploy whose parent dies (a daemonising double fork) is reparented to
//     the supervisor rather than to init, so it stays findable and is
//     reaped.
//   - When the bot is gone, when the bot asks it to stop (SIGTERM, SIGINT
//     or SIGHUP: Cancel, the timeout), and when the program ends, it kills
//     every process of its group and every process reparented to it, and
//     repeats until none is left (a killed parent's children are
//     reparented to it in turn), for at most sweepFor; then it kills its
//     whole group, itself included.
//
// Limits: a process that calls setsid() or setpgid() leaves the group; it
// is still found while it, or an ancestor of it, is the supervisor's
// child, but if the supervisor itself is SIGKILLed (the OOM killer, an
// operator) such a process survives. A process that changes to another
// user cannot be killed. And a deploy's processes never outlive the deploy:
// a program that means to leave a service running must hand it to a
// service manager (systemd-run, docker), not fork it.

// sweepFor bounds how long the supervisor keeps killing before it kills
// its whole group, itself with it.
const sweepFor = 4 * time.Second

// parentPoll is how often the supervisor checks that its bot still runs.
const parentPoll = 100 * time.Millisecond

func supervise(bot int, argv []string) int {
	// The program gets Pdeathsig too (for a supervisor that is killed):
	// the kernel ties it to the thread that started it, so that thread
	// must live as long as the supervisor: main's, locked.
	runtime.LockOSThread()
	var hs *os.File
	var st syscall.Stat_t
	// The bot passes the handshake pipe as fd 3; run by hand, fd 3 may be
	// closed or something else (the Go runtime's cgroup file).
	if syscall.Fstat(3, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFIFO {
		syscall.CloseOnExec(3) // the program must not hold the pipe
		hs = os.NewFile(3, "handshake")
	}
	if bot == 0 {
		bot = os.Getppid()
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	if len(argv) == 0 {
		handshake(hs, errors.New("the supervisor got no program to run"))
		return 127
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		handshake(hs, err)
		return 127
	}
	if os.Getppid() != bot { // the bot died before it could be told
		handshake(hs, errors.New("the bot stopped"))
		return 127
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = programEnv()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		handshake(hs, err)
		return 127
	}
	handshake(hs, nil)
	self := os.Getpid()

	ended := make(chan syscall.WaitStatus, 1)
	go reap(cmd.Process.Pid, ended)
	tick := time.NewTicker(parentPoll)
	defer tick.Stop()
	for {
		select {
		case ws := <-ended:
			sweep(self)
			return exitLike(ws)
		case <-stop:
			sweep(self)
			select {
			case ws := <-ended:
				return exitLike(ws)
			case <-time.After(sweepFor):
				return 128 + int(syscall.SIGKILL)
			}
		case <-tick.C:
			if os.Getppid() != bot {
				sweep(self)
				_ = syscall.Kill(-self, syscall.SIGKILL)
				return 128 + int(syscall.SIGKILL)
			}
		}
	}
}

// reap waits for every child, the program and the orphans reparented to
// the subreaper alike, and sends the program's status on ended.
func reap(program int, ended chan<- syscall.WaitStatus) {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		switch {
		case errors.Is(err, syscall.EINTR):
		case err != nil: // ECHILD: nobody yet; orphans may still come
			time.Sleep(20 * time.Millisecond)
		case pid == program:
			ended <- ws
		}
	}
}

// sweep kills every process of the supervisor's group and every process
// reparented to it, until none is left or sweepFor has passed; then it
// kills the whole group, the supervisor included.
func sweep(self int) {
	deadline := time.Now().Add(sweepFor)
	for {
		left := procsOf(self)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(-self, syscall.SIGKILL)
			return
		}
		for _, pid := range left {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// procsOf lists the live (not zombie) processes other than self that are
// in self's process group or are self's children.
func procsOf(self int) []int {
	var out []int
	for _, p := range processes() {
		if p.pid != self && p.state != 'Z' && (p.pgrp == self || p.ppid == self) {
			out = append(out, p.pid)
		}
	}
	return out
}

// exitLike ends the supervisor as the program ended: with its exit code,
// or killed by the same signal (for the signals Go lets a program die of;
// 128+signal for the others), so the bot reads the program's own status.
func exitLike(ws syscall.WaitStatus) int {
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		sig := ws.Signal()
		switch sig {
		case syscall.SIGKILL, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP:
			signal.Reset(sig)
			_ = syscall.Kill(os.Getpid(), sig)
			time.Sleep(time.Second) // the signal ends the process first
		}
		return 128 + int(sig)
	default:
		return 1
	}
}
