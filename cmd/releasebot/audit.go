package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"releasebot/audit"
	"releasebot/integrations/redisstore"
)

type auditFlags struct {
	since, until, service, format *string
}

func declareAudit(fs *flag.FlagSet) auditFlags {
	return auditFlags{
		since:   fs.String("since", "", "first day or time to export: 2026-11-01, or 2026-11-01T09:00:00+09:00 (dates are UTC)"),
		until:   fs.String("until", "", "export up to this day or time, excluded (default: everything since)"),
		service: fs.String("service", "", "only this service's CSRs"),
		format:  fs.String("format", "csv", "csv (for a spreadsheet) or json"),
	}
}

// runAudit writes the audit stream of REDIS_URL's installation for a time
// range to stdout, as it reads it.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlags("audit", stderr)
	f := declareAudit(fs)
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	since, err := parseWhen(*f.since)
	if err == nil && since.IsZero() {
		err = fmt.Errorf("--since is required (e.g. --since 2026-11-01)")
	}
	var until time.Time
	if err == nil {
		until, err = parseWhen(*f.until)
	}
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: audit: %v\n", err)
		return 2
	}
	url := getenv("REDIS_URL")
	if url == "" {
		fmt.Fprint(stderr, "releasebot: audit: set REDIS_URL to the Redis the bot uses (without it the bot keeps nothing)\n")
		return 2
	}
	rdb, err := redisstore.Connect(ctx, url)
	if err != nil {
		fmt.Fprintf(stderr, "releasebot: audit: %v\n", err)
		return 1
	}
	defer rdb.Close()
	s := redisstore.New(rdb, getenv("REDIS_PREFIX"))
	if _, err := audit.Export(ctx, s, s, audit.Query{Since: since, Until: until, Service: *f.service, Format: *f.format}, stdout); err != nil {
		fmt.Fprintf(stderr, "releasebot: audit: %v\n", err)
		return 1
	}
	return 0
}

// parseWhen reads a date (UTC midnight) or an RFC 3339 time; "" is zero.
func parseWhen(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a date like 2026-11-01 nor a time like 2026-11-01T09:00:00+09:00", s)
	}
	return t, nil
}
