//go:build linux

package testenv

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ReadPids waits (up to 20s) for a deploy script to have written file,
// whitespace-separated pids, and reads it.
func ReadPids(t testing.TB, file string) []int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var b []byte
	for {
		var err error
		if b, err = os.ReadFile(file); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the deploy never wrote its pids to %s", file)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		pids = append(pids, pid)
	}
	return pids
}

// ProcState is a process's state letter and process group from
// /proc/pid/stat; state 0 when there is no such process.
func ProcState(pid int) (state byte, pgrp int) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0
	}
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 {
		return 0, 0
	}
	pgrp, _ = strconv.Atoi(f[2])
	return f[0][0], pgrp
}

// ProcGone: the process has ended; a zombie has ended too, it only waits
// for its parent to read its status.
func ProcGone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	st, _ := ProcState(pid)
	return st == 0 || st == 'Z'
}

// HandlePgid is the process group of a command deploy's handle,
// local:<host>:<pid>:<run id>.
func HandlePgid(t testing.TB, id string) int {
	t.Helper()
	f := strings.SplitN(id, ":", 4)
	if len(f) != 4 {
		t.Fatalf("handle %q is not local:<host>:<pid>:<run id>", id)
	}
	pid, err := strconv.Atoi(f[2])
	if err != nil {
		t.Fatalf("handle %q: %v", id, err)
	}
	return pid
}
