//go:build linux

package deployq_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"releasebot/csr"
	"releasebot/deployq"
	"releasebot/integrations/deploy"
	"releasebot/integrations/redisstore"
	"releasebot/internal/testenv"
)

// overlapScript is the deploy of TestKilledCommandDeployIsStoppedFirst.
// First it looks for processes of an earlier deploy still running (alive,
// not zombies, with that deploy's RUN_ID) and notes each in $DIR/overlap.
// Then it starts a background child, a daemonised grandchild and, given
// the argument setsid, a process in a session of its own, and writes
// their pids and its own to $DIR/<run>.pids; the deploy of CSR-1 then
// waits, the others end.
const overlapScript = `
dir="$DEPLOYQ_KILL_DIR"
for f in "$dir"/*.pids; do
	[ -f "$f" ] || continue
	other=$(basename "$f" .pids | tr _ /)
	for p in $(cat "$f"); do
		[ -r /proc/$p/stat ] || continue
		set -- $(cat /proc/$p/stat)
		[ "$3" = Z ] && continue
		tr '\0' '\n' < /proc/$p/environ 2>/dev/null | grep -qx "RUN_ID=$other" &&
			echo "$RUN_ID started while $p of $other ran" >> "$dir/overlap"
	done
done
name=$(echo "$RUN_ID" | tr / _)
tmp="$dir/$name.tmp"
: > "$tmp"
sleep 300 &
echo $! >> "$tmp"
(sleep 300 & echo $! >> "$tmp")
if [ "$MODE" = setsid ]; then
	setsid sleep 300 &
	echo $! >> "$tmp"
fi
echo $$ >> "$tmp"
mv "$tmp" "$dir/$name.pids"
case "$RUN_ID" in CSR-1/*) wait ;; esac
`

func overlapDeployer(mode string) oneDeployer {
	c := deploy.NewCommand([]string{"/bin/sh", "-c", "MODE=$1\n" + overlapScript, "overlap", mode}, time.Minute, 5)
	c.PassEnv = []string{"DEPLOYQ_KILL_DIR"}
	return oneDeployer{c}
}

// TestHelperCommandBot is a bot process for
// TestKilledCommandDeployIsStoppedFirst: it works the queue with the
// command deployer until it is killed.
func TestHelperCommandBot(t *testing.T) {
	prefix := os.Getenv("DEPLOYQ_CMD_HELPER_PREFIX")
	if prefix == "" {
		t.Skip("a helper process of TestKilledCommandDeployIsStoppedFirst")
	}
	st := redisstore.New(conn(t), prefix)
	o := options(st, overlapDeployer(os.Getenv("DEPLOYQ_CMD_HELPER_MODE")), "doomed")
	o.Effects = &effects{}
	deployq.New(context.Background(), o).Work(context.Background())
}

// TestKilledCommandDeployIsStoppedFirst: a bot process is killed
// (SIGKILL) in the middle of a command deploy whose script left processes
// behind, while the next deploy of the same service and environment
// waits. The process that takes the jobs over records the first run as
// unknown and starts the next one only once nothing of the first deploy
// runs any more: because its supervisor stopped its processes with the
// bot, or, when the supervisor could not (stopped here with SIGSTOP),
// because the takeover kills the deploy's process group first. (A setsid
// process would survive that takeover: it left the group, and only the
// supervisor finds it; see integrations/deploy/supervise_linux.go.)
func TestKilledCommandDeployIsStoppedFirst(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode string // the deploy starts a setsid process too
		// stopSupervisor: SIGSTOP the supervisor before killing the bot,
		// so the group outlives the bot until the takeover.
		stopSupervisor bool
	}{
		{"the supervisor stops the deploy", "setsid", false},
		{"the takeover stops the deploy", "plain", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("DEPLOYQ_KILL_DIR", dir)
			f := newFixture(t)
			first, run1 := f.deploying(t, 1)
			second, run2 := f.deploying(t, 2)
			survivor := f.runner(t, overlapDeployer(tc.mode), "survivor")
			_, err := survivor.Enqueue(context.Background(), first, billing(), run1)
			require.NoError(t, err)

			killBot := testenv.StartKillable(t, testenv.HelperCommand("TestHelperCommandBot",
				"DEPLOYQ_CMD_HELPER_PREFIX="+f.prefix, "DEPLOYQ_CMD_HELPER_MODE="+tc.mode))

			// The first deploy runs and is linked; the second waits behind it.
			require.Eventually(t, func() bool { return runOf(f.get(t, first.ID), run1.ID).External != "" }, 20*time.Second, 10*time.Millisecond)
			pids := testenv.ReadPids(t, filepath.Join(dir, "CSR-1_deploy_1.pids"))
			_, err = survivor.Enqueue(context.Background(), second, billing(), run2)
			require.NoError(t, err)
			pgid := testenv.HandlePgid(t, runOf(f.get(t, first.ID), run1.ID).External)
			t.Cleanup(func() { // whatever happens, leave nothing behind
				for _, pid := range append(pids, pgid) {
					if !testenv.ProcGone(pid) {
						_ = syscall.Kill(pid, syscall.SIGKILL)
					}
				}
			})
			if tc.stopSupervisor {
				// The kernel resumes a stopped process of a group that
				// becomes orphaned, with SIGHUP: the supervisor would do
				// its job after all. With this process as the subreaper
				// that inherits the supervisor, the group does not become
				// orphaned and stays stopped.
				require.NoError(t, unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
				t.Cleanup(func() {
					_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
					for _, pid := range append(pids, pgid) { // reap the ones it inherited
						var ws syscall.WaitStatus
						_, _ = syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
					}
				})
				require.NoError(t, syscall.Kill(pgid, syscall.SIGSTOP))
			}
			killBot()
			if tc.stopSupervisor {
				time.Sleep(300 * time.Millisecond)
				for _, pid := range pids {
					require.False(t, testenv.ProcGone(pid), "pid %d ended with its stopped supervisor", pid)
				}
			}

			work(t, survivor)
			survivor.Wait()
			got1, got2 := runOf(f.get(t, first.ID), run1.ID), runOf(f.get(t, second.ID), run2.ID)
			require.Equal(t, csr.RunUnknown, got1.Status, got1.Detail)
			require.Equal(t, csr.RunSucceeded, got2.Status, got2.Detail)
			overlap, err := os.ReadFile(filepath.Join(dir, "overlap"))
			require.True(t, errors.Is(err, os.ErrNotExist), "the next deploy overlapped the killed one: %s", overlap)
			for _, pid := range append(pids, pgid) {
				require.True(t, testenv.ProcGone(pid), "pid %d of the killed deploy still runs", pid)
			}
		})
	}
}
