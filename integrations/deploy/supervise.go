package deploy

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
)

// A command deploy does not run as the bot's child directly but under a
// supervisor: the bot executes its own binary again with superviseEnv set
// (its value is the bot's pid) and the configured argv as arguments, and
// SuperviseIfAsked, first thing in main, turns that process into the
// supervisor. It leads the deploy's process group and, on Linux, stops
// every process of the deploy when the bot dies (see supervise_linux.go),
// so a bot that takes the run over never has a deploy still running under
// its feet.
//
// The supervisor reports on its file descriptor 3 (the handshake pipe)
// that the program started ("ok") or why it could not, so a program that
// cannot start still fails Start as it did without a supervisor.
const superviseEnv = "RELEASEBOT_SUPERVISE"

// supervisorArg0 is the supervisor's argv[0], what ps shows for it.
const supervisorArg0 = "releasebot-deploy-supervisor"

// hooked records that this process called SuperviseIfAsked: its binary,
// executed again, becomes a supervisor instead of running as a bot (or as
// the whole test suite once more).
var hooked atomic.Bool

// SuperviseIfAsked must be the first call in main (and in TestMain of the
// tests that run command deploys). In a process the command deployer
// started as a deploy's supervisor it supervises the deploy and exits with
// the program's exit status; anywhere else it returns at once. The command
// deployer refuses to start deploys in a process that never called it.
func SuperviseIfAsked() {
	v, ok := os.LookupEnv(superviseEnv)
	if !ok {
		hooked.Store(true)
		return
	}
	bot, _ := strconv.Atoi(v)
	// syscall.Exit, not os.Exit: the supervisor has nothing to flush, and
	// a race-enabled binary (tests) would otherwise sleep a second on the
	// way out of every deploy.
	syscall.Exit(supervise(bot, os.Args[1:]))
}

// programEnv is the environment the supervisor passes on: its own, which
// the bot set to exactly the program's, without the supervisor's mark.
func programEnv() []string {
	env := os.Environ()
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, superviseEnv+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// handshake tells the bot on fd 3 whether the program started. A nil err
// is "ok". Without fd 3 (a supervisor run by hand) the reason goes to
// stderr.
func handshake(f *os.File, err error) {
	if f == nil {
		if err != nil {
			_, _ = fmt.Fprintln(os.Stderr, err)
		}
		return
	}
	if err != nil {
		_, _ = fmt.Fprint(f, err.Error())
	} else {
		_, _ = f.WriteString(handshakeOK)
	}
	_ = f.Close()
}

const handshakeOK = "ok"
