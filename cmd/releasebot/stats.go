package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"releasebot/csr"
	"releasebot/insights"
	"releasebot/integrations/redisstore"
	"releasebot/store"
)

// statsPage is how many CSRs one store read returns while collecting them.
const statsPage = 100

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
	var all []csr.CSR
	for offset := 0; ; offset += statsPage {
		page, err := s.List(ctx, store.Filter{Service: service, Limit: statsPage, Offset: offset})
		if err != nil {
			fmt.Fprintf(stderr, "releasebot: stats: %v\n", err)
			return 1
		}
		all = append(all, page...)
		if len(page) < statsPage {
			break
		}
	}
	r := insights.Compute(all, now.Add(-time.Duration(*days)*24*time.Hour), now)
	writeStats(stdout, service, *days, r)
	return 0
}

func writeStats(w io.Writer, service string, days int, r insights.Report) {
	if service == "" {
		service = "all services"
	}
	fmt.Fprintf(w, "%s, last %d days (%s to %s)\n", service, days, r.From.UTC().Format(time.DateOnly), r.To.UTC().Format(time.DateOnly))
	fmt.Fprintf(w, "  deploys per week     %.1f  (%d production deploys, %d succeeded)\n", r.DeploysPerWeek, r.Deploys, r.Succeeded)
	fmt.Fprintf(w, "  lead time            %s\n", summary(r.LeadTime))
	fmt.Fprintf(w, "  change failure rate  %.0f%%  (%d failed deploys and rollbacks)\n", 100*r.ChangeFailureRate, r.Failures)
	fmt.Fprintf(w, "  time to restore      %s\n", summary(r.TimeToRestore))
	for _, s := range r.Steps {
		fmt.Fprintf(w, "  wait at step %-7s %s\n", s.Step, summary(s.Wait))
	}
}

func summary(s insights.Summary) string {
	if s.N == 0 {
		return "no data"
	}
	return fmt.Sprintf("median %s, p90 %s  (n=%d)", s.Median.Round(time.Minute), s.P90.Round(time.Minute), s.N)
}
