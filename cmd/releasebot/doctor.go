package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"releasebot/commands"
	"releasebot/config"
	"releasebot/integrations/doctor"
	"releasebot/msg"
)

type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func declareDoctor(fs *flag.FlagSet) *string {
	return fs.String("config", defaultConfigPath(), "config file (default: $RELEASEBOT_CONFIG, else config.yaml, else config.example.yaml)")
}

// runDoctor diagnoses every integration in one go, so "the bot is broken"
// becomes "Redis refuses connections on 127.0.0.1:6379; start it with …".
// It exits non-zero when any check fails. It never prints a secret.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlags("doctor", stderr)
	cfgPath := declareDoctor(fs)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	// The checks report failed dials themselves, with what to do.
	redis.SetLogger(quietRedis{})
	checks := doctor.Run(ctx, *cfgPath, getenv)
	failed := doctor.Failed(checks)
	for _, c := range checks {
		mark := "✓"
		switch {
		case c.Skip:
			mark = "–"
		case !c.OK:
			mark = "✗"
		}
		fmt.Fprintf(stdout, "%s %-8s %s\n", mark, c.Name, msg.English.Render(c.Text))
	}
	if failed > 0 {
		fmt.Fprintln(stdout, msg.English.Render(msg.T(msg.DoctorFailed, "n", fmt.Sprint(failed))))
		return 1
	}
	fmt.Fprintln(stdout, msg.English.Render(msg.T(msg.DoctorAllOK)))
	return 0
}

// diagnoser runs doctor's checks for the `doctor` chat command, with the
// config the bot runs and the environment it was started with.
type diagnoser struct{ cfg *config.Config }

func (d diagnoser) Diagnose(ctx context.Context) []commands.Diagnosis {
	var out []commands.Diagnosis
	for _, c := range doctor.RunLoaded(ctx, d.cfg, os.Getenv) {
		out = append(out, commands.Diagnosis{Name: c.Name, OK: c.OK, Skip: c.Skip, Text: c.Text})
	}
	return out
}
