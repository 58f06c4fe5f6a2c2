// Command lists measures how long the listings of `list` and a `show` take
// on the Redis store at 1 000 and at 100 000 CSRs, to show that they do
// not grow with the number of CSRs.
//
//	go run ./bench/lists [-sizes 1000,100000] [-samples 500] [-workers 16]
//
// It seeds each size through the store's own save path (NextID and Create,
// from several goroutines), under a fresh key prefix on REDIS_URL (default
// redis://127.0.0.1:6379/0) that it deletes afterwards, then reads:
//
//	list          mine: Filter{Person: me}, one page of 50 and the total
//	list waiting  Filter{Waiting: approver}: ~20 % of all CSRs wait on them
//	list service  `list all --service S`: Filter{Service: S}
//	list svc+st   `list all --service S --state draft`
//	mine+service  `list mine --service S`: an intersection, walked in pages
//	show          Get of a random CSR
//	lifecycle     a CSR of svc0 from `new` to deployed through the bot
//	rollback      `rollback` of that CSR (samples/10 of each, at least 10)
//
// and prints one line per size and listing: p50 and p99 in milliseconds,
// and the total the listing reported.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"releasebot/csr"
	"releasebot/integrations/redisstore"
	"releasebot/internal/store"
)

const (
	services = 20
	people   = 200
)

// line is the approval line of every service: the lead step waits on
// "lead" (and a deputy), so every CSR in approval waits on lead.
var line = []csr.Step{
	{Name: "lead", Approvers: []csr.Person{"lead", "deputy"}, Required: 1},
	{Name: "sm", Approvers: []csr.Person{"sm1", "sm2"}, Required: 1},
}

func service(i int) csr.Service {
	return csr.Service{Name: "svc" + strconv.Itoa(i), Environments: []string{"test", "prod"}, Line: line}
}

func lookup(name string) (csr.Service, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(name, "svc"))
	return service(n), err == nil && n >= 0 && n < services
}

func main() {
	sizes := flag.String("sizes", "1000,100000", "numbers of CSRs to measure at, comma separated")
	samples := flag.Int("samples", 500, "reads per listing and size")
	workers := flag.Int("workers", 16, "goroutines seeding")
	url := flag.String("redis", envOr("REDIS_URL", "redis://127.0.0.1:6379/0"), "Redis URL")
	flag.Parse()
	ctx := context.Background()
	rdb, err := redisstore.Connect(ctx, *url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer rdb.Close()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "-sizes: %q is not a number of CSRs\n", s)
			os.Exit(2)
		}
		if err := run(ctx, rdb, n, *samples, *workers); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

func run(ctx context.Context, rdb *redisstore.Client, n, samples, workers int) error {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "rbbench:" + hex.EncodeToString(b)
	defer cleanup(ctx, rdb, prefix)
	st := redisstore.New(rdb, prefix, redisstore.WithServices(lookup))

	began := time.Now()
	if err := seed(ctx, st, n, workers); err != nil {
		return err
	}
	took := time.Since(began)
	fmt.Printf("seeded %d CSRs in %s (%.0f/s, %d workers)\n", n, took.Round(time.Millisecond), float64(n)/took.Seconds(), workers)

	me := csr.Person("p7")
	for _, m := range []struct {
		name string
		f    store.Filter
	}{
		{"list (mine)", store.Filter{Person: me, Limit: 50}},
		{"list waiting", store.Filter{Waiting: "lead", Limit: 50}},
		{"list all --service", store.Filter{Service: "svc3", Limit: 50}},
		{"list all --service --state", store.Filter{Service: "svc3", States: []csr.State{csr.Draft}, Limit: 50}},
		{"list mine --service", store.Filter{Person: me, Service: "svc7", Limit: 50}},
	} {
		var d []time.Duration
		total := 0
		for range samples {
			t := time.Now()
			p, err := st.ListPage(ctx, m.f)
			if err != nil {
				return err
			}
			d = append(d, time.Since(t))
			total = p.Total
		}
		report(n, m.name, d, total)
	}
	var d []time.Duration
	for range samples {
		id := csr.FormatID("CSR", 1+mrand.Int64N(int64(n)))
		t := time.Now()
		if _, err := st.Get(ctx, id); err != nil {
			return err
		}
		d = append(d, time.Since(t))
	}
	report(n, "show", d, 1)
	return lifecycles(ctx, rdb, prefix, n, max(samples/10, 10))
}

func report(n int, name string, d []time.Duration, total int) {
	slices.Sort(d)
	q := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	fmt.Printf("csrs=%-6d %-27s p50_ms=%.2f p99_ms=%.2f total=%d\n", n, name, q(0.50), q(0.99), total)
}

// seed creates n CSRs: requesters p0..p199, services svc0..svc19, every
// fifth in approval (waiting on lead), the others drafts.
func seed(ctx context.Context, st *redisstore.Store, n, workers int) error {
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	next := make(chan struct{}, n)
	for range n {
		next <- struct{}{}
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				seq, err := st.NextID(ctx)
				if err != nil {
					errs <- err
					return
				}
				c := csr.CSR{ID: csr.FormatID("CSR", seq), Title: "change " + strconv.FormatInt(seq, 10),
					Service: "svc" + strconv.FormatInt(seq%services, 10), Requester: csr.Person("p" + strconv.FormatInt(seq%people, 10)),
					Refs:  []csr.Ref{{Repo: "acme/app", Ref: "main", SHA: "0123456789abcdef0123456789abcdef01234567"}},
					State: csr.Draft, CreatedAt: t0, UpdatedAt: t0,
					History: []csr.Entry{{At: t0, By: "p", Action: "new", To: csr.Draft}}}
				if seq%5 == 0 {
					c.State = csr.InApproval
					c.History = append(c.History, csr.Entry{At: t0, By: "p", Action: "submit", From: csr.Tested, To: csr.InApproval})
				}
				if _, err := st.Create(ctx, c); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// cleanup deletes the run's keys (they share one hash tag, so one node).
func cleanup(ctx context.Context, rdb *redisstore.Client, prefix string) {
	iter := rdb.Scan(ctx, 0, "{"+prefix+"}*", 1000).Iterator()
	var keys []string
	flush := func() {
		if len(keys) > 0 {
			_ = rdb.Del(ctx, keys...).Err()
			keys = keys[:0]
		}
	}
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 500 {
			flush()
		}
	}
	flush()
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
