package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"releasebot/commands"
	"releasebot/insights"
	"releasebot/integrations/redisstore"
	"releasebot/msg"
)

func declareStats(fs *flag.FlagSet) *int {
	return fs.Int("days", 30, "the period: this many days up to now")
}

// runStats prints the release figures of the last --days days, of one
// service or all, from the store REDIS_URL names.
func runStats(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string, now time.Time) int {
	fs := newFlags("stats", stderr)
	days := declareStats(fs)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *days <= 0 || fs.NArg() > 1 {
		fmt.Fprint(stderr, "usage: releasebot stats [--days N] [SERVICE], with N > 0\n")
		return 2
	}
	service := fs.Arg(0)
	url := getenv("REDIS_URL")
	if url == "" {
		fmt.Fprint(stderr, "releasebot: stats: set REDIS_URL to the Redis the bot uses (without it the bot keeps nothing)\n")
		return 2
	}
	rdb, err := redisstore.Connect(ctx, url)
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: stats: %v\n", err)
		return 1
	}
	defer rdb.Close()
	s := redisstore.New(rdb, getenv("REDIS_PREFIX"))
	all, err := commands.ReleaseHistory(ctx, s, service, 0)
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: stats: %v\n", err)
		return 1
	}
	r := insights.Compute(all, now.Add(-time.Duration(*days)*24*time.Hour), now)
	writeStats(stdout, service, *days, r)
	return 0
}

// writeStats prints the figures as chat says them, in English.
func writeStats(w io.Writer, service string, days int, r insights.Report) {
	for _, l := range insights.Lines(r, service, days) {
		fmt.Fprintln(w, msg.English.Render(l))
	}
}
