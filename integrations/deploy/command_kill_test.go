//go:build linux

package deploy_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/deploy"
	"releasebot/internal/testenv"
)

// treeCommand is a command deploy of testdata/tree.sh in mode, which
// writes the pids of the processes it leaves behind to the returned file.
func treeCommand(t *testing.T, mode string, timeout time.Duration) (*deploy.Command, string) {
	t.Helper()
	pids := filepath.Join(t.TempDir(), "pids")
	t.Setenv("PIDS", pids)
	c := deploy.NewCommand([]string{"testdata/tree.sh", mode}, timeout, 5)
	c.PassEnv = []string{"PIDS"}
	return c, pids
}

// readPids waits for the script to have written its pids.
func readPids(t *testing.T, file string) []int {
	t.Helper()
	pids := testenv.ReadPids(t, file)
	require.GreaterOrEqual(t, len(pids), 4)
	return pids
}

// groupGone: no process of group pgid runs any more (ESRCH, or only
// zombies are left).
func groupGone(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return false
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, pg := testenv.ProcState(pid); pg == pgid && st != 0 && st != 'Z' {
			return false
		}
	}
	return true
}

// requireAllGone waits (at most within) for the deploy's process group and
// every recorded pid to be gone.
func requireAllGone(t *testing.T, pgid int, pids []int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var alive []string
		if !groupGone(pgid) {
			alive = append(alive, fmt.Sprintf("group %d", pgid))
		}
		for _, pid := range pids {
			if !testenv.ProcGone(pid) {
				alive = append(alive, strconv.Itoa(pid))
			}
		}
		if len(alive) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, pid := range pids { // do not leave them behind
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			t.Fatalf("still running after %s: %s", within, strings.Join(alive, ", "))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pgidOf is the process group of a command deploy's handle,
// local:<host>:<pid>:<run id>.
func pgidOf(t *testing.T, h deploy.Handle) int {
	t.Helper()
	pgid := testenv.HandlePgid(t, h.ID)
	f := strings.SplitN(h.ID, ":", 4)
	host, _ := os.Hostname()
	require.Equal(t, []string{"local", host}, f[:2])
	require.Equal(t, cmdRequest("main").Run.ID, f[3])
	return pgid
}

// TestCommandCancelKillsTheTree: cancelling a deploy stops every process
// it started, the background, daemonised and setsid ones too.
func TestCommandCancelKillsTheTree(t *testing.T) {
	c, file := treeCommand(t, "hang", time.Minute)
	ctx := context.Background()
	r := cmdRequest("main")
	h, err := c.Start(ctx, r)
	require.NoError(t, err)
	pgid := pgidOf(t, h)
	pids := readPids(t, file)
	require.NoError(t, c.Cancel(ctx, r, h))
	res, err := c.Follow(ctx, r, h)
	require.NoError(t, err)
	require.Equal(t, csr.RunCancelled, res.Status)
	require.Equal(t, "stopped\nstarted", res.Detail)
	requireAllGone(t, pgid, pids, time.Second)
}

// TestCommandTimeoutKillsTheTree: a deploy past its timeout is stopped
// with every process it started, and the run fails saying so.
func TestCommandTimeoutKillsTheTree(t *testing.T) {
	c, file := treeCommand(t, "hang", 2*time.Second)
	ctx := context.Background()
	r := cmdRequest("main")
	start := time.Now()
	h, err := c.Start(ctx, r)
	require.NoError(t, err)
	pgid := pgidOf(t, h)
	pids := readPids(t, file)
	res, err := c.Follow(ctx, r, h)
	require.NoError(t, err)
	require.Equal(t, csr.RunFailed, res.Status)
	require.Equal(t, "timed out after 2s\nstarted", res.Detail)
	require.Less(t, time.Since(start), 5*time.Second)
	requireAllGone(t, pgid, pids, time.Second)
}

// TestCommandLeftoversDie: a deploy ends when its program ends; what the
// program left running is stopped then, and the run's result is the
// program's.
func TestCommandLeftoversDie(t *testing.T) {
	c, file := treeCommand(t, "exit", time.Minute)
	ctx := context.Background()
	r := cmdRequest("main")
	start := time.Now()
	h, err := c.Start(ctx, r)
	require.NoError(t, err)
	pgid := pgidOf(t, h)
	res, err := c.Follow(ctx, r, h)
	require.NoError(t, err)
	require.Equal(t, csr.RunSucceeded, res.Status)
	require.Equal(t, "started", res.Detail)
	require.Less(t, time.Since(start), 3*time.Second, "the leftovers held the output open")
	requireAllGone(t, pgid, readPids(t, file), time.Second)
}

// TestCommandSignaledProgram: a program killed by a signal fails the run
// with that signal, as when the bot ran it directly.
func TestCommandSignaledProgram(t *testing.T) {
	c := deploy.NewCommand([]string{"/bin/sh", "-c", "echo going; kill -TERM $$"}, time.Minute, 5)
	res := runCommand(t, c, cmdRequest("main"))
	require.Equal(t, csr.RunFailed, res.Status)
	require.Equal(t, "signal: terminated\ngoing", res.Detail)

	c = deploy.NewCommand([]string{"/bin/sh", "-c", "kill -USR1 $$"}, time.Minute, 5)
	res = runCommand(t, c, cmdRequest("main"))
	require.Equal(t, csr.RunFailed, res.Status)
	require.Equal(t, "exit status 138", res.Detail, "128+SIGUSR1")
}

// TestCommandEnvironmentIsExact: the program sees exactly the variables
// it saw without a supervisor: not the supervisor's mark, nor the bot's.
func TestCommandEnvironmentIsExact(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghp_must_not_leak")
	t.Setenv("AWS_REGION", "ap-northeast-2")
	c := deploy.NewCommand([]string{"/usr/bin/env"}, time.Minute, 40)
	c.PassEnv = []string{"AWS_REGION"}
	res := runCommand(t, c, cmdRequest("main"))
	require.Equal(t, csr.RunSucceeded, res.Status)
	var names []string
	for _, line := range strings.Split(res.Detail, "\n") {
		name, _, _ := strings.Cut(line, "=")
		names = append(names, name)
	}
	want := []string{"CSR_ID", "RUN_ID", "SERVICE", "ENVIRONMENT", "PURPOSE", "REF", "SHA", "DEPLOY_FENCE", "AWS_REGION"}
	for _, name := range []string{"PATH", "HOME"} {
		if _, ok := os.LookupEnv(name); ok {
			want = append(want, name)
		}
	}
	require.ElementsMatch(t, want, names, res.Detail)
}

// TestCommandStartErrorWithDir: the program is looked for relative to
// Dir, and one that is missing there fails Start.
func TestCommandStartErrorWithDir(t *testing.T) {
	c := deploy.NewCommand([]string{"./deploy.sh", "ok"}, time.Minute, 1)
	c.Dir = "testdata"
	res := runCommand(t, c, cmdRequest("main"))
	require.Equal(t, csr.RunSucceeded, res.Status)

	c.Dir = t.TempDir()
	_, err := c.Start(context.Background(), cmdRequest("main"))
	require.ErrorContains(t, err, "command deployer: start ./deploy.sh: ")
}

// TestHelperBot is a bot process for TestKilledBotStopsItsDeploy: it
// starts a command deploy, prints its handle, and waits to be killed.
func TestHelperBot(t *testing.T) {
	if os.Getenv("DEPLOY_HELPER_BOT") == "" {
		t.Skip("a helper process of TestKilledBotStopsItsDeploy")
	}
	c := deploy.NewCommand([]string{"testdata/tree.sh", "hang"}, time.Minute, 5)
	c.PassEnv = []string{"PIDS"}
	h, err := c.Start(context.Background(), cmdRequest("main"))
	require.NoError(t, err)
	fmt.Println("handle " + h.ID)
	select {}
}

// TestKilledBotStopsItsDeploy is the acceptance test of a command deploy
// that must not outlive its bot: a bot process is killed (SIGKILL) in the
// middle of a deploy whose script left children, a daemon and a setsid
// process behind; within 5s none of them runs any more.
func TestKilledBotStopsItsDeploy(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pids")
	bot := testenv.HelperCommand("TestHelperBot", "DEPLOY_HELPER_BOT=1", "PIDS="+file)
	out, err := bot.StdoutPipe()
	require.NoError(t, err)
	killBot := testenv.StartKillable(t, bot)

	handle := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "handle "); ok {
				handle <- id
			}
		}
	}()
	var h deploy.Handle
	select {
	case h.ID = <-handle:
	case <-time.After(10 * time.Second):
		t.Fatal("the helper bot never started its deploy")
	}
	pgid := pgidOf(t, h)
	pids := readPids(t, file)
	for _, pid := range pids {
		require.False(t, testenv.ProcGone(pid), "pid %d should run before the bot is killed", pid)
	}
	require.False(t, groupGone(pgid))

	killBot()
	requireAllGone(t, pgid, append(pids, pgid), 5*time.Second)

	// The process taking the run over finds nothing left to stop.
	start := time.Now()
	_, err = deploy.NewCommand([]string{"testdata/tree.sh"}, time.Minute, 5).Follow(context.Background(), cmdRequest("main"), h)
	require.ErrorIs(t, err, deploy.ErrUnknownHandle)
	require.Less(t, time.Since(start), time.Second)
}

// orphanGroup starts a process group as a killed bot whose supervisor
// did not stop it would leave behind: a leader with the run's RUN_ID in
// its environment, and a child.
func orphanGroup(t *testing.T, runID string) (pgid int, pids []int) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "pids")
	cmd := exec.Command("/bin/sh", "-c", `sleep 300 & echo $! > "$PIDS.tmp"; mv "$PIDS.tmp" "$PIDS"; wait`)
	cmd.Env = []string{"RUN_ID=" + runID, "PIDS=" + file, "PATH=" + os.Getenv("PATH")}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }() // reap it, as init would
	t.Cleanup(func() {
		select {
		case <-done:
		default: // still running, so its number is still its group's
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	var b []byte
	require.Eventually(t, func() bool {
		var err error
		b, err = os.ReadFile(file)
		return err == nil
	}, 5*time.Second, 5*time.Millisecond)
	child, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	return cmd.Process.Pid, []int{cmd.Process.Pid, child}
}

// TestTakeOverStopsALeftoverGroup: following a run another bot process
// started, on this host, first stops what is left of its process group;
// the run is then unknown, as before.
func TestTakeOverStopsALeftoverGroup(t *testing.T) {
	r := cmdRequest("main")
	pgid, pids := orphanGroup(t, r.Run.ID)
	host, _ := os.Hostname()
	h := deploy.Handle{ID: fmt.Sprintf("local:%s:%d:%s", host, pgid, r.Run.ID)}
	_, err := deploy.NewCommand([]string{"testdata/tree.sh"}, time.Minute, 5).Follow(context.Background(), r, h)
	require.ErrorIs(t, err, deploy.ErrUnknownHandle)
	for _, pid := range pids {
		require.True(t, testenv.ProcGone(pid), "pid %d survived the takeover", pid)
	}
	require.True(t, groupGone(pgid))
}

// TestTakeOverLeavesOtherGroupsAlone: a group that got the dead
// supervisor's number since (another run's) is not touched, nor is a run
// of another host looked for here.
func TestTakeOverLeavesOtherGroupsAlone(t *testing.T) {
	r := cmdRequest("main")
	pgid, pids := orphanGroup(t, "CSR-9/deploy/1")
	host, _ := os.Hostname()
	c := deploy.NewCommand([]string{"testdata/tree.sh"}, time.Minute, 5)
	_, err := c.Follow(context.Background(), r, deploy.Handle{ID: fmt.Sprintf("local:%s:%d:%s", host, pgid, r.Run.ID)})
	require.ErrorIs(t, err, deploy.ErrUnknownHandle)
	_, err = c.Follow(context.Background(), r, deploy.Handle{ID: fmt.Sprintf("local:%s-elsewhere:%d:%s", host, pgid, r.Run.ID)})
	require.ErrorIs(t, err, deploy.ErrUnknownHandle)
	for _, pid := range pids {
		require.False(t, testenv.ProcGone(pid), "pid %d of another run was killed", pid)
	}
}

// TestCommandInheritsNoDescriptors: the program holds its stdin, stdout
// and stderr, and nothing the supervisor or the bot opened (the handshake
// pipe, say): only what the bot itself inherited open, as before.
func TestCommandInheritsNoDescriptors(t *testing.T) {
	c := deploy.NewCommand([]string{"/bin/sh", "-c", `ls -l /proc/$$/fd | awk 'NR > 1 { print $(NF-2), $NF }'`}, time.Minute, 50)
	res := runCommand(t, c, cmdRequest("main"))
	require.Equal(t, csr.RunSucceeded, res.Status)
	for _, line := range strings.Split(res.Detail, "\n") {
		fd, target, _ := strings.Cut(line, " ")
		if n, _ := strconv.Atoi(fd); n <= 2 {
			continue
		}
		mine, err := os.Readlink("/proc/self/fd/" + fd)
		require.NoError(t, err, "the program holds fd %s (%s), which the bot does not", fd, target)
		require.Equal(t, mine, target, "the program's fd %s is not the one the bot inherited", fd)
	}
}
