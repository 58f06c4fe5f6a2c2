// Command ack measures how fast releasebot acknowledges Slack's HTTP
// requests: signed slash commands and button clicks against the bot in HTTP
// mode (wired like `releasebot serve`, on a real Redis, with a fake Slack
// Web API), and against a floor, a bare net/http handler that only checks
// the signature, under the same load from the same generator.
//
//	go run ./bench/ack [-duration 10s] [-concurrency 200] [-rate 1000] …
//
// It ends with one line:
//
//	ack p50_ms=… p99_ms=… rps=… floor_p99_ms=… ratio=…
//
// See bench/README.md for what the figures mean.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"
)

// options of one run; the flags set them.
type options struct {
	duration     time.Duration // each closed-loop measurement
	openDuration time.Duration // each open-loop measurement
	warmup       time.Duration // load before each measurement, not counted
	concurrency  int           // closed loop: senders
	rate         int           // open loop: requests a second
	openWorkers  int           // open loop: senders available
	openFloor    bool          // also run the open loop against the floor
	workers      int           // the bot's worker pool (serve --workers)
	csrs         int           // CSRs made before the load
	slackLatency time.Duration // the fake Slack's answer time
	redisURL     string
	cpuProfile   string    // CPU profile of one of the bot's measurements
	traceFile    string    // execution trace of the same measurement
	profileLoad  string    // which: "closed" or "open"
	botLog       io.Writer // where the bot's log lines go (nil: counted only)

	// Set by tests: a Redis client and a key prefix to use instead of
	// connecting to redisURL.
	redis  redis.UniversalClient
	prefix string
}

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

func cli(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each closed-loop measurement")
	fs.DurationVar(&o.openDuration, "open-duration", 10*time.Second, "length of each open-loop measurement")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before each measurement, not counted")
	fs.IntVar(&o.concurrency, "concurrency", 200, "closed loop: concurrent senders")
	fs.IntVar(&o.rate, "rate", 1000, "open loop: requests per second")
	fs.IntVar(&o.openWorkers, "open-workers", 200, "open loop: senders available (bounds the requests in flight)")
	fs.BoolVar(&o.openFloor, "open-floor", true, "also run the open loop against the floor")
	fs.IntVar(&o.workers, "workers", 16, "the bot's worker pool, as `releasebot serve --workers`")
	fs.IntVar(&o.csrs, "csrs", 12, "CSRs created before the load (half waiting for approval, half drafts)")
	fs.DurationVar(&o.slackLatency, "slack-latency", 0, "how long the fake Slack takes to answer each Web API call and response_url post")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the bot's measurement named by -profile-load to this file")
	fs.StringVar(&o.traceFile, "trace", "", "write an execution trace (go tool trace) of the bot's measurement named by -profile-load to this file")
	fs.StringVar(&o.profileLoad, "profile-load", "closed", "the load -cpuprofile and -trace record: closed or open")
	botLog := fs.String("botlog", "", "write the bot's log to this file (default: count the lines, keep the first warnings)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.duration <= 0 || o.openDuration <= 0 || o.warmup < 0 || o.concurrency <= 0 || o.rate <= 0 ||
		o.openWorkers <= 0 || o.workers <= 0 || o.csrs < 2 {
		fmt.Fprintln(stderr, "ack: durations, -concurrency, -rate, -open-workers and -workers must be positive, -csrs at least 2")
		return 2
	}
	if o.profileLoad != "closed" && o.profileLoad != "open" {
		fmt.Fprintln(stderr, "ack: -profile-load is closed or open")
		return 2
	}
	o.cpuProfile = *cpuProfile
	o.redisURL = os.Getenv("REDIS_URL")
	if o.redisURL == "" {
		o.redisURL = "redis://127.0.0.1:6379/0"
	}
	if *botLog != "" {
		f, err := os.Create(*botLog)
		if err != nil {
			fmt.Fprintf(stderr, "ack: %v\n", err)
			return 1
		}
		defer f.Close()
		o.botLog = f
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "ack: %v\n", err)
		return 1
	}
	rep.write(stdout)
	return 0
}

// report is what a run found.
type report struct {
	o                      options
	closedBot, closedFloor *stats
	openBot, openFloor     *stats
	notes                  []string
}

// run starts everything, seeds, measures and stops; progress goes to w.
func run(ctx context.Context, o options, w io.Writer) (rep *report, err error) {
	rep = &report{o: o}
	fmt.Fprintf(w, "ack: starting the fake Slack, the bot (%d workers) and the floor on 127.0.0.1; Redis %s\n", o.workers, redactURL(o.redisURL, o.redis != nil))
	s, err := startStack(ctx, o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := s.close(context.Background()); cerr != nil && err == nil {
			err = cerr
		}
	}()
	g, err := newGen(s.fake)
	if err != nil {
		return nil, err
	}
	conns := max(o.concurrency, o.openWorkers) + 16
	bot := newTarget("bot", s.botURL, conns, s.secret)
	floor := newTarget("floor", s.floorURL, conns, s.secret)
	defer bot.close()
	defer floor.close()

	fmt.Fprintf(w, "ack: seeding %d CSRs through the bot\n", o.csrs)
	if err := seed(ctx, s, g, bot, o.csrs); err != nil {
		return nil, err
	}
	_ = s.fake.counts()
	_, _, _, _ = s.logs.take()

	closed := fmt.Sprintf("closed c=%d", o.concurrency)
	open := fmt.Sprintf("open %d/s", o.rate)
	closedRun := func(t *target, st *stats) { closedLoop(ctx, g, t, st, o.concurrency, o.duration) }
	openRun := func(t *target, st *stats) { openLoop(ctx, g, t, st, o.rate, o.openDuration, o.openWorkers) }
	warmClosed := func(t *target) { closedLoop(ctx, g, t, newStats("", ""), o.concurrency, o.warmup) }
	warmOpen := func(t *target) { openLoop(ctx, g, t, newStats("", ""), o.rate, o.warmup, o.openWorkers) }

	// measure warms a target up, lets the bot finish the warm-up's work,
	// measures, and (for the bot) reports what the load left it to do.
	measure := func(load string, t *target, warm func(*target), load1 func(*target, *stats), profile bool) (*stats, error) {
		fmt.Fprintf(w, "ack: %s against the %s\n", load, t.name)
		if o.warmup > 0 {
			warm(t)
		}
		if err := s.settle(ctx); err != nil {
			return nil, err
		}
		_ = s.fake.counts()
		_, _, _, _ = s.logs.take()
		runtime.GC()
		st := newStats(load, t.name)
		machine0, self0, ok0 := cpuTimes()
		if profile {
			stopProfile, err := startProfile(o.cpuProfile, o.traceFile)
			if err != nil {
				return nil, err
			}
			load1(t, st)
			stopProfile()
		} else {
			load1(t, st)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if machine1, self1, ok1 := cpuTimes(); ok0 && ok1 && st.elapsed > 0 {
			self := self1 - self0
			st.cpuSelf = self.Seconds() / st.elapsed.Seconds()
			st.cpuOther = max(0, (machine1-machine0-self).Seconds()/st.elapsed.Seconds())
			st.cpuOK = true
		}
		if t == bot {
			start := time.Now()
			if err := s.settle(ctx); err != nil {
				return nil, err
			}
			drained := time.Since(start)
			lines, warns, errs, samples := s.logs.take()
			rep.notes = append(rep.notes, fmt.Sprintf("%s, bot: work left queued when the load stopped was done %.0f ms later; "+
				"Slack calls: %s; log lines: %d (%d warnings, %d errors)", load, ms(drained), formatCounts(s.fake.counts()), lines, warns, errs))
			for _, l := range samples {
				rep.notes = append(rep.notes, "  "+l)
			}
		}
		return st, nil
	}
	profile := func(load string) bool { return (o.cpuProfile != "" || o.traceFile != "") && o.profileLoad == load }
	if rep.closedBot, err = measure(closed, bot, warmClosed, closedRun, profile("closed")); err != nil {
		return nil, err
	}
	if rep.closedFloor, err = measure(closed, floor, warmClosed, closedRun, false); err != nil {
		return nil, err
	}
	if rep.openBot, err = measure(open, bot, warmOpen, openRun, profile("open")); err != nil {
		return nil, err
	}
	if o.openFloor {
		if rep.openFloor, err = measure(open, floor, warmOpen, openRun, false); err != nil {
			return nil, err
		}
	}
	for _, st := range []*stats{rep.closedBot, rep.closedFloor, rep.openBot, rep.openFloor} {
		if st != nil && st.firstErr != nil {
			rep.notes = append(rep.notes, fmt.Sprintf("%s, %s: first error: %v", st.load, st.target, st.firstErr))
		}
	}
	for _, st := range []*stats{rep.openBot, rep.openFloor} {
		if st != nil {
			rep.notes = append(rep.notes, fmt.Sprintf("%s, %s: sends started late by p50 %.2f ms, p99 %.2f ms, max %.2f ms (generator and timer jitter, included in its latency)",
				st.load, st.target, ms(st.lag.quantile(0.5)), ms(st.lag.quantile(0.99)), ms(st.lag.maxValue())))
		}
	}
	return rep, nil
}

// startProfile starts a CPU profile and an execution trace, each when
// its file is named.
func startProfile(cpuPath, tracePath string) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for _, s := range stops {
			s()
		}
	}
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if tracePath != "" {
		f, err := os.Create(tracePath)
		if err != nil {
			stop()
			return nil, err
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			stop()
			return nil, err
		}
		stops = append(stops, func() { trace.Stop(); f.Close() })
	}
	return stop, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// redactURL drops a password from a Redis URL for printing.
func redactURL(u string, given bool) string {
	if given {
		return "(given by the caller)"
	}
	if at := strings.LastIndex(u, "@"); at >= 0 {
		if scheme := strings.Index(u, "://"); scheme >= 0 && scheme < at {
			return u[:scheme+3] + "…" + u[at:]
		}
	}
	return u
}

// write prints the table, the notes, the open-loop line and, last, the
// ack line.
func (r *report) write(w io.Writer) {
	fmt.Fprintf(w, "\nreleasebot ack benchmark: %d CPUs (GOMAXPROCS %d), %s, bot workers %d, mix of %d slash commands and button clicks\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), r.o.workers, len(mix))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "load\ttarget\trequests\tok\tbusy\tnon-2xx\terrors\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tcpu\tcpu_other\t")
	for _, st := range []*stats{r.closedBot, r.closedFloor, r.openBot, r.openFloor} {
		if st == nil {
			continue
		}
		cpu, other := "-", "-"
		if st.cpuOK {
			cpu, other = fmt.Sprintf("%.2f", st.cpuSelf), fmt.Sprintf("%.2f", st.cpuOther)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t%s\t\n", st.load, st.target, st.requests(),
			st.n(answered), st.n(busy), st.n(non2xx), st.n(failed), st.rps(),
			ms(st.lat.quantile(0.5)), ms(st.lat.quantile(0.9)), ms(st.lat.quantile(0.99)), ms(st.lat.maxValue()), cpu, other)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "(cpu: cores used by this process, generator included; cpu_other: by the rest of the machine, Redis included)")
	for _, n := range r.notes {
		fmt.Fprintln(w, n)
	}
	if b := r.openBot; b != nil {
		fmt.Fprintf(w, "open%d p99_ms=%.2f achieved_rps=%.0f busy=%d non2xx=%d errors=%d\n", r.o.rate, ms(b.lat.quantile(0.99)), b.rps(),
			b.n(busy), b.n(non2xx), b.n(failed))
	}
	b, f := r.closedBot, r.closedFloor
	fmt.Fprintf(w, "closed%d busy=%d non2xx=%d errors=%d\n", r.o.concurrency, b.n(busy), b.n(non2xx), b.n(failed))
	ratio := 0.0
	if fp := f.lat.quantile(0.99); fp > 0 {
		ratio = float64(b.lat.quantile(0.99)) / float64(fp)
	}
	fmt.Fprintf(w, "ack p50_ms=%.2f p99_ms=%.2f rps=%.0f floor_p99_ms=%.2f ratio=%.2f\n",
		ms(b.lat.quantile(0.5)), ms(b.lat.quantile(0.99)), b.rps(), ms(f.lat.quantile(0.99)), ratio)
}
