package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// handshakeSupported: the supervisor reports on fd 3 whether the program
// started.
const handshakeSupported = true

// supervisorPath is the binary the supervisor runs: this very one, even
// when the file was replaced or deleted since the bot started (an upgrade
// in place), so bot and supervisor always agree.
func supervisorPath() (string, error) { return "/proc/self/exe", nil }

// setProcessGroup makes the supervisor the leader of a new process group,
// which holds the whole deploy, and has the kernel send it SIGTERM when
// the bot dies: it then kills the group (see supervise_linux.go).
// Cancelling (Cancel, the timeout) asks it to do the same; should it not
// have ended after cancelGrace, the bot kills the group itself.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	cmd.Cancel = func() error {
		p := cmd.Process
		err := p.Signal(syscall.SIGTERM)
		go func() {
			time.Sleep(cancelGrace)
			// Not yet reaped (os.Process tracks it by pidfd), so its pid
			// is still the group's id and names no other group.
			if p.Signal(syscall.Signal(0)) == nil {
				_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
			}
		}()
		return err
	}
}

// cancelGrace is how long a cancelled supervisor has to kill its group
// before the bot kills it, supervisor included.
const cancelGrace = sweepFor + time.Second

// starter is a goroutine locked to its OS thread for the life of the
// process, which starts every supervisor: the kernel sends Pdeathsig when
// the *thread* that forked a child ends, not the process, and Go may end
// a thread while the bot lives on; this one never ends.
var starter struct {
	once sync.Once
	reqs chan func()
}

func startSupervisor(cmd *exec.Cmd) error {
	starter.once.Do(func() {
		starter.reqs = make(chan func())
		go func() {
			runtime.LockOSThread()
			for f := range starter.reqs {
				f()
			}
		}()
	})
	errc := make(chan error, 1)
	starter.reqs <- func() { errc <- cmd.Start() }
	return <-errc
}

// takeOver makes sure no process of the deploy whose supervisor had pid
// pgid (on this host) runs any more: it kills the group, if it still
// exists and is that deploy's, and waits for it to be gone. It returns an
// error when processes of the group are still there after takeoverWait.
//
// The group is recognised as the deploy's, not another one that got the
// same number since: while any process is in a group, the kernel never
// gives its number to a new process; so a group whose leader is gone is
// still the deploy's, and a group whose leader lives is the deploy's only
// if the leader's environment carries the run's RUN_ID (the supervisor's
// environment is the program's).
func takeOver(pgid int, runID string) error {
	if pgid <= 1 {
		return nil
	}
	if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
		return nil
	}
	if !deploysGroup(pgid, runID) {
		return nil
	}
	deadline := time.Now().Add(takeoverWait)
	for {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		if len(groupMembers(pgid)) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes of the deploy (process group %d) still run on this host after SIGKILL", pgid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// takeoverWait bounds how long takeOver waits for a killed group to end.
const takeoverWait = 5 * time.Second

func deploysGroup(pgid int, runID string) bool {
	leader, ok := readProc(pgid)
	if !ok || leader.pgrp != pgid || leader.state == 'Z' {
		return true // the leader is gone: the group is still the deploy's
	}
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pgid) + "/environ")
	if err != nil {
		return false
	}
	for _, kv := range bytes.Split(env, []byte{0}) {
		if string(kv) == "RUN_ID="+runID {
			return true
		}
	}
	return false
}

// groupMembers lists the live (not zombie) processes of group pgid. A
// zombie is dead: it only waits for its parent to read its status.
func groupMembers(pgid int) []int {
	var out []int
	for _, p := range processes() {
		if p.pgrp == pgid && p.state != 'Z' {
			out = append(out, p.pid)
		}
	}
	return out
}

type proc struct {
	pid, ppid, pgrp int
	state           byte
}

// processes lists every process /proc shows.
func processes() []proc {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	out := make([]proc, 0, len(names))
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			out = append(out, p)
		}
	}
	return out
}

// readProc reads a process's state, parent and group from /proc/pid/stat.
func readProc(pid int) (proc, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return proc{}, false
	}
	// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return proc{}, false
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 3 || len(f[0]) != 1 {
		return proc{}, false
	}
	ppid, err1 := strconv.Atoi(string(f[1]))
	pgrp, err2 := strconv.Atoi(string(f[2]))
	if err1 != nil || err2 != nil {
		return proc{}, false
	}
	return proc{pid: pid, ppid: ppid, pgrp: pgrp, state: f[0][0]}, true
}
