package deploy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"releasebot/csr"
	"releasebot/integrations/deploy"
)

func cmdRequest(ref string) deploy.Request {
	return deploy.Request{CSR: "CSR-3", Service: "billing-api", Repo: "acme/billing-api", Ref: ref, Fence: 17,
		Run: csr.Run{ID: "CSR-3/deploy/1", Purpose: csr.PurposeDeploy, Env: "prod", SHA: "5b17166a7c43"}}
}

func runCommand(t *testing.T, c *deploy.Command, r deploy.Request) deploy.Result {
	t.Helper()
	ctx := context.Background()
	h, err := c.Start(ctx, r)
	require.NoError(t, err)
	res, err := c.Follow(ctx, r, h)
	require.NoError(t, err)
	return res
}

// TestCommand runs a real script: the run's facts arrive in its
// environment, the bot's secrets do not, and the last lines of its output
// are kept.
func TestCommand(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghp_must_not_leak")
	t.Setenv("AWS_REGION", "ap-northeast-2")
	c := deploy.NewCommand([]string{"testdata/deploy.sh", "ok", "--verbose"}, time.Minute, 5)
	c.PassEnv = []string{"AWS_REGION"}
	res := runCommand(t, c, cmdRequest("main"))
	require.Equal(t, csr.RunSucceeded, res.Status)
	require.Equal(t, "step 26\nstep 27\nstep 28\nstep 29\nstep 30", res.Detail, "only the tail is kept")

	c.TailLines = 40
	res = runCommand(t, c, cmdRequest("main"))
	require.Contains(t, res.Detail, "argv: ok --verbose\n")
	require.Contains(t, res.Detail, "csr=CSR-3 run=CSR-3/deploy/1 env=prod ref=main sha=5b17166a7c43 fence=17\n")
	require.Contains(t, res.Detail, "token=unset region=ap-northeast-2\n")
}

// TestCommandFailure: a failing script fails the run with its exit status
// and its last output.
func TestCommandFailure(t *testing.T) {
	c := deploy.NewCommand([]string{"testdata/deploy.sh", "fail"}, time.Minute, 2)
	res := runCommand(t, c, cmdRequest("main"))
	require.Equal(t, csr.RunFailed, res.Status)
	require.Equal(t, "exit status 3\nstep 30\nmigration failed", res.Detail)
}

// TestCommandTimeout: a script running past its timeout is killed, with
// its children, and the run fails saying so.
func TestCommandTimeout(t *testing.T) {
	c := deploy.NewCommand([]string{"testdata/deploy.sh", "hang"}, 300*time.Millisecond, 1)
	start := time.Now()
	res := runCommand(t, c, cmdRequest("main"))
	require.Equal(t, csr.RunFailed, res.Status)
	require.True(t, strings.HasPrefix(res.Detail, "timed out after 300ms\n"), res.Detail)
	require.Less(t, time.Since(start), 10*time.Second, "the script's children kept it alive")
}

// TestCommandCancel: cancelling stops the program; the run is cancelled.
func TestCommandCancel(t *testing.T) {
	c := deploy.NewCommand([]string{"testdata/deploy.sh", "hang"}, time.Minute, 1)
	ctx := context.Background()
	r := cmdRequest("main")
	h, err := c.Start(ctx, r)
	require.NoError(t, err)
	require.NoError(t, c.Cancel(ctx, r, h))
	res, err := c.Follow(ctx, r, h)
	require.NoError(t, err)
	require.Equal(t, csr.RunCancelled, res.Status)
	_, err = c.Follow(ctx, r, h)
	require.ErrorIs(t, err, deploy.ErrUnknownHandle, "another process cannot follow a command run")
}

// TestCommandChatTextNeverInArgv: whatever a person typed as the ref
// reaches the program only as $REF, never as an argument or a shell.
func TestCommandChatTextNeverInArgv(t *testing.T) {
	c := deploy.NewCommand([]string{"testdata/deploy.sh", "ok"}, time.Minute, 40)
	for _, ref := range []string{"main; touch /tmp/pwned", "$(id)", "`id`", "--upload-pack=evil", "a b c"} {
		res := runCommand(t, c, cmdRequest(ref))
		require.Equal(t, csr.RunSucceeded, res.Status)
		require.Contains(t, res.Detail, "argv: ok\n", ref)
		require.Contains(t, res.Detail, " ref="+ref+" ", "the ref arrives verbatim, unevaluated")
	}
}

// TestCommandErrorsNameOnlyTheProgram: a program that cannot start fails
// the run with an error naming the program, never its other arguments or
// its environment, which may carry credentials.
func TestCommandErrorsNameOnlyTheProgram(t *testing.T) {
	t.Setenv("DEPLOY_TOKEN", "SECRET123")
	c := deploy.NewCommand([]string{"testdata/no-such-program", "--token=SECRET123"}, time.Minute, 5)
	c.PassEnv = []string{"DEPLOY_TOKEN"}
	_, err := c.Start(context.Background(), cmdRequest("main"))
	require.ErrorContains(t, err, "command deployer: start testdata/no-such-program")
	require.NotContains(t, err.Error(), "SECRET123")
}
