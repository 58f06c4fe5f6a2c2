package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"releasebot/csr"
)

// Command deploys by running a program the operator configured. Its argv
// comes from the config file only, never from chat: what a person typed
// (the ref, say) reaches the program as an environment variable, never as
// an argument or through a shell.
//
// The program sees CSR_ID, RUN_ID, SERVICE, ENVIRONMENT, PURPOSE, REF, SHA
// and DEPLOY_FENCE, plus PATH, HOME and the variables named in PassEnv; the
// bot's own environment (tokens, secrets) is not passed on. It is stopped
// after Timeout, and the last lines of its output are kept on the run.
type Command struct {
	Argv    []string
	Dir     string
	Timeout time.Duration // 0: DefaultCommandTimeout
	// TailLines is how many of the last output lines are kept; 0: 20.
	TailLines int
	// PassEnv names variables of the bot's environment the program may see.
	PassEnv []string

	mu      sync.Mutex
	running map[string]*commandRun
}

// DefaultCommandTimeout stops a command that runs longer.
const DefaultCommandTimeout = 30 * time.Minute

// maxLine bounds one kept output line, so a minified blob cannot fill the
// run's record.
const maxLine = 300

type commandRun struct {
	done   chan struct{}
	cancel context.CancelFunc
	res    Result
}

// NewCommand returns a command deployer for argv.
func NewCommand(argv []string, timeout time.Duration, tailLines int) *Command {
	return &Command{Argv: argv, Timeout: timeout, TailLines: tailLines}
}

// Immediate implements Immediate: Start returns once the supervisor runs.
func (c *Command) Immediate() bool { return true }

// Start launches the program.
func (c *Command) Start(ctx context.Context, r Request) (Handle, error) {
	if len(c.Argv) == 0 {
		return Handle{}, errors.New("command deployer: no argv configured")
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultCommandTimeout
	}
	if !hooked.Load() {
		return Handle{}, errors.New("command deployer: this binary does not call deploy.SuperviseIfAsked first in main, so it cannot supervise a deploy")
	}
	exe, err := supervisorPath()
	if err != nil {
		return Handle{}, fmt.Errorf("command deployer: find the supervisor: %w", err)
	}
	tail := newTail(c.TailLines)
	// The run outlives Start's ctx (Follow waits for it); its own context
	// lets Follow or Cancel stop it, and ends with errTimedOut once the
	// program has run for timeout. The clock starts when the program did,
	// not the supervisor: starting a binary again can take a while on a
	// loaded machine, and that is not the deploy's time.
	runCtx, cancelCause := context.WithCancelCause(context.WithoutCancel(ctx))
	cancel := func() { cancelCause(context.Canceled) }
	// The bot runs its own binary as the deploy's supervisor (see
	// supervise.go), which runs the program: its environment is exactly
	// the program's plus the supervisor's mark, which it removes.
	cmd := exec.CommandContext(runCtx, exe, c.Argv...)
	cmd.Args[0] = supervisorArg0
	cmd.Dir = c.Dir
	cmd.Env = append(c.env(r), superviseEnv+"="+strconv.Itoa(os.Getpid()))
	cmd.Stdout = tail
	cmd.Stderr = tail
	cmd.WaitDelay = 5 * time.Second
	setProcessGroup(cmd)
	var hs *os.File
	if handshakeSupported {
		var hsw *os.File
		if hs, hsw, err = os.Pipe(); err != nil {
			cancel()
			return Handle{}, fmt.Errorf("command deployer: start %s: %w", c.Argv[0], err)
		}
		cmd.ExtraFiles = []*os.File{hsw}
		defer hsw.Close()
		defer hs.Close()
	}
	if err := startSupervisor(cmd); err != nil {
		cancel()
		return Handle{}, fmt.Errorf("command deployer: start %s: %w", c.Argv[0], err)
	}
	if hs != nil {
		_ = cmd.ExtraFiles[0].Close() // the supervisor holds the other copy
		said, _ := io.ReadAll(io.LimitReader(hs, 4096))
		if string(said) != handshakeOK {
			_ = cmd.Wait()
			cancel()
			if len(said) == 0 {
				said = []byte("its supervisor ended before starting it")
			}
			return Handle{}, fmt.Errorf("command deployer: start %s: %s", c.Argv[0], said)
		}
	}
	timer := time.AfterFunc(timeout, func() { cancelCause(errTimedOut) })
	host, _ := os.Hostname()
	id := fmt.Sprintf("local:%s:%d:%s", host, cmd.Process.Pid, r.Run.ID)
	run := &commandRun{done: make(chan struct{}), cancel: cancel}
	c.mu.Lock()
	if c.running == nil {
		c.running = map[string]*commandRun{}
	}
	c.running[id] = run
	c.mu.Unlock()
	go func() {
		err := cmd.Wait()
		timer.Stop()
		run.res = commandResult(err, runCtx, timeout, tail.String())
		cancel()
		close(run.done)
	}()
	return Handle{ID: id}, nil
}

// errTimedOut ends a command run's context when it ran past its timeout.
var errTimedOut = errors.New("the command ran past its timeout")

func commandResult(err error, runCtx context.Context, timeout time.Duration, out string) Result {
	switch {
	case err == nil:
		return Result{Status: csr.RunSucceeded, Detail: out}
	case errors.Is(context.Cause(runCtx), errTimedOut):
		return Result{Status: csr.RunFailed, Detail: joinDetail("timed out after "+timeout.String(), out)}
	case errors.Is(runCtx.Err(), context.Canceled):
		return Result{Status: csr.RunCancelled, Detail: joinDetail("stopped", out)}
	default:
		return Result{Status: csr.RunFailed, Detail: joinDetail(err.Error(), out)}
	}
}

func joinDetail(head, out string) string {
	if out == "" {
		return head
	}
	return head + "\n" + out
}

// Follow waits for the program to end. Stopping (ctx done) stops the
// program too: nobody else could follow it.
//
// A run this process does not perform (its bot died, and this one took
// the run over) cannot be followed: Follow returns an error wrapping
// ErrUnknownHandle, but only once no process of that deploy runs any
// more. On this host it checks: when the deploy's process group still
// exists it kills it and waits (at most 5s) for it to be gone; if it
// cannot, the error wraps ErrOutcomeUnknown instead, so the environment
// stays locked and the queue asks again later. On another host it cannot
// check, and need not: the deploy's supervisor killed the group when its
// bot died (on Linux; see supervise_linux.go for the limits).
func (c *Command) Follow(ctx context.Context, _ Request, h Handle) (Result, error) {
	c.mu.Lock()
	run := c.running[h.ID]
	c.mu.Unlock()
	if run == nil {
		return Result{}, takeOverHandle(h.ID)
	}
	select {
	case <-run.done:
	case <-ctx.Done():
		run.cancel()
		<-run.done
		c.forget(h.ID)
		return Result{}, ctx.Err()
	}
	c.forget(h.ID)
	return run.res, nil
}

// takeOverHandle makes sure the processes of the run behind a handle of
// another bot process are gone (see Follow) and says why it cannot be
// followed.
func takeOverHandle(id string) error {
	f := strings.SplitN(id, ":", 4)
	if len(f) != 4 || f[0] != "local" {
		return ErrUnknownHandle
	}
	pid, err := strconv.Atoi(f[2])
	if err != nil || pid <= 1 {
		return ErrUnknownHandle
	}
	if host, _ := os.Hostname(); host != f[1] {
		return fmt.Errorf("%w (it ran on %s, whose supervisor stopped its processes with their bot)", ErrUnknownHandle, f[1])
	}
	if err := takeOver(pid, f[3]); err != nil {
		return fmt.Errorf("command deployer: %s: %w", err.Error(), ErrOutcomeUnknown)
	}
	return ErrUnknownHandle
}

// Cancel stops the program.
func (c *Command) Cancel(_ context.Context, _ Request, h Handle) error {
	c.mu.Lock()
	run := c.running[h.ID]
	c.mu.Unlock()
	if run != nil {
		run.cancel()
	}
	return nil
}

func (c *Command) forget(id string) {
	c.mu.Lock()
	delete(c.running, id)
	c.mu.Unlock()
}

func (c *Command) env(r Request) []string {
	env := []string{
		"CSR_ID=" + string(r.CSR),
		"RUN_ID=" + r.Run.ID,
		"SERVICE=" + r.Service,
		"ENVIRONMENT=" + r.Run.Env,
		"PURPOSE=" + string(r.Run.Purpose),
		"REF=" + r.Ref,
		"SHA=" + r.Run.SHA,
		"DEPLOY_FENCE=" + strconv.FormatInt(r.Fence, 10),
	}
	for _, name := range append([]string{"PATH", "HOME"}, c.PassEnv...) {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// tail keeps the last n lines written to it.
type tail struct {
	mu    sync.Mutex
	n     int
	lines []string
	part  []byte
}

func newTail(n int) *tail {
	if n <= 0 {
		n = 20
	}
	return &tail{n: n}
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.part = append(t.part, p...)
	for {
		i := bytes.IndexByte(t.part, '\n')
		if i < 0 {
			break
		}
		t.add(string(t.part[:i]))
		t.part = t.part[i+1:]
	}
	if len(t.part) > 64<<10 { // a very long line without a newline
		t.add(string(t.part))
		t.part = t.part[:0]
	}
	return len(p), nil
}

func (t *tail) add(line string) {
	line = strings.TrimRight(line, "\r")
	if r := []rune(line); len(r) > maxLine {
		line = string(r[:maxLine]) + "…"
	}
	t.lines = append(t.lines, line)
	if len(t.lines) > t.n {
		t.lines = t.lines[len(t.lines)-t.n:]
	}
}

// String returns the kept lines, a last unterminated one included.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := t.lines
	if len(t.part) > 0 {
		lines = append(append([]string(nil), lines...), string(t.part))
		if len(lines) > t.n {
			lines = lines[len(lines)-t.n:]
		}
	}
	return strings.Join(lines, "\n")
}
