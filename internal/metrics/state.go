package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Waiting is one service's approval step with CSRs waiting at it: how many
// and since when the one waiting longest.
type Waiting struct {
	Service, Step string
	CSRs          int
	Oldest        time.Duration
}

// ApprovalStats reports the CSRs waiting for approval, per service and
// step, read at each scrape. unread counts, per service, the CSRs in
// approval the read left out (it reads a bounded page per service so a
// scrape stays cheap).
type ApprovalStats func(ctx context.Context) (waiting []Waiting, unread map[string]int, err error)

var (
	approvalsDesc = prometheus.NewDesc("releasebot_approvals_waiting",
		"CSRs in approval, by service and the approval step they wait at (read from the newest page of each service's CSRs in approval; see releasebot_approvals_unread).",
		[]string{"service", "step"}, nil)
	approvalsAgeDesc = prometheus.NewDesc("releasebot_approvals_waiting_oldest_age_seconds",
		"How long the CSR waiting longest at a step has waited there, by service and step.",
		[]string{"service", "step"}, nil)
	approvalsUnreadDesc = prometheus.NewDesc("releasebot_approvals_unread",
		"CSRs in approval a scrape did not read, by service: beyond one page per service, to keep the scrape cheap (0 normally).",
		[]string{"service"}, nil)
)

// WatchApprovals exposes the approvals waiting and their age, read from
// stats at each scrape.
func (m *Metrics) WatchApprovals(stats ApprovalStats) error {
	return m.Registry.Register(&approvalCollector{stats: stats, errors: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "releasebot_approvals_read_errors_total",
		Help: "Scrapes whose read of the CSRs in approval failed (the approval gauges are missing from those scrapes).",
	})})
}

type approvalCollector struct {
	stats  ApprovalStats
	errors prometheus.Counter
}

func (c *approvalCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- approvalsDesc
	ch <- approvalsAgeDesc
	ch <- approvalsUnreadDesc
	c.errors.Describe(ch)
}

func (c *approvalCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	waiting, unread, err := c.stats(ctx)
	if err != nil {
		c.errors.Inc()
	} else {
		for _, w := range waiting {
			ch <- prometheus.MustNewConstMetric(approvalsDesc, prometheus.GaugeValue, float64(w.CSRs), w.Service, w.Step)
			ch <- prometheus.MustNewConstMetric(approvalsAgeDesc, prometheus.GaugeValue, max(w.Oldest.Seconds(), 0), w.Service, w.Step)
		}
		for svc, n := range unread {
			ch <- prometheus.MustNewConstMetric(approvalsUnreadDesc, prometheus.GaugeValue, float64(n), svc)
		}
	}
	c.errors.Collect(ch)
}

// WatchLeader exposes whether this process holds the scheduler lease (it
// runs the scheduled deploys and reminders): exactly one replica shows 1.
func (m *Metrics) WatchLeader(leading func() bool) error {
	return m.Registry.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "releasebot_scheduler_leader",
		Help: "1 while this process holds the scheduler lease and runs scheduled deploys and reminders, else 0.",
	}, func() float64 {
		if leading() {
			return 1
		}
		return 0
	}))
}

// Reminder records a reminder posted, by its kind (a bounded set:
// waiting_approvals, scheduled_deploys, stuck, freezes).
func (m *Metrics) Reminder(kind string) { m.reminders.WithLabelValues(kind).Inc() }

// ExpectReminders shows 0 for the kinds of the configured reminders
// before any posts: a rate over a series that appears late misses its
// first increase.
func (m *Metrics) ExpectReminders(kinds ...string) {
	for _, k := range kinds {
		m.reminders.WithLabelValues(k)
	}
}

// Release is one service's release figures over the window: what
// `releasebot stats` shows, as numbers.
type Release struct {
	Service                 string
	DeploysPerWeek          float64
	ChangeFailureRate       float64
	LeadTime, TimeToRestore Quantiles
	StepWaits               map[string]Quantiles
}

// Quantiles are a median and a 90th percentile; N 0 means no data (the
// quantile series are then left out rather than shown as 0).
type Quantiles struct {
	N           int
	Median, P90 time.Duration
}

// ReleaseStats computes the release figures of every service; it reads
// the CSR histories, so WatchReleases caches its answer.
type ReleaseStats func(ctx context.Context) ([]Release, error)

var (
	deploysPerWeekDesc = prometheus.NewDesc("releasebot_release_deploys_per_week",
		"Successful production deploys per week over the insights window, by service.", []string{"service"}, nil)
	failureRateDesc = prometheus.NewDesc("releasebot_release_change_failure_rate",
		"Failed production deploys and rollbacks per production deploy over the insights window, by service (0 to 1).", []string{"service"}, nil)
	leadTimeDesc = prometheus.NewDesc("releasebot_release_lead_time_seconds",
		"Lead time from new to deployed over the insights window, by service and quantile (0.5, 0.9).", []string{"service", "quantile"}, nil)
	restoreDesc = prometheus.NewDesc("releasebot_release_time_to_restore_seconds",
		"Time from a failed deploy or rollback to the next successful deploy over the insights window, by service and quantile.", []string{"service", "quantile"}, nil)
	stepWaitDesc = prometheus.NewDesc("releasebot_release_step_wait_seconds",
		"Wait at each approval step over the insights window, by service, step and quantile.", []string{"service", "step", "quantile"}, nil)
)

// WatchReleases exposes the release figures, computed by stats at a
// scrape at most once per every: reading every CSR's history is too dear
// for each scrape, and the figures move slowly.
func (m *Metrics) WatchReleases(stats ReleaseStats, every time.Duration) error {
	return m.Registry.Register(&releaseCollector{stats: stats, every: every, errors: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "releasebot_release_read_errors_total",
		Help: "Computations of the release figures that failed (the last figures are shown until one succeeds).",
	})})
}

type releaseCollector struct {
	stats  ReleaseStats
	every  time.Duration
	errors prometheus.Counter

	mu   sync.Mutex // one computation at a time; guards the cache
	at   time.Time
	last []Release
}

func (c *releaseCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{deploysPerWeekDesc, failureRateDesc, leadTimeDesc, restoreDesc, stepWaitDesc} {
		ch <- d
	}
	c.errors.Describe(ch)
}

// releaseTimeout bounds one computation: it pages through every CSR.
const releaseTimeout = 10 * time.Second

func (c *releaseCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	if c.at.IsZero() || time.Since(c.at) >= c.every {
		ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
		rs, err := c.stats(ctx)
		cancel()
		c.at = time.Now() // a failure waits for the next period too: no hammering a sick store
		if err != nil {
			c.errors.Inc()
		} else {
			c.last = rs
		}
	}
	rs := c.last
	c.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	quantiles := func(d *prometheus.Desc, q Quantiles, labels ...string) {
		if q.N == 0 {
			return
		}
		gauge(d, q.Median.Seconds(), append(labels, "0.5")...)
		gauge(d, q.P90.Seconds(), append(labels, "0.9")...)
	}
	for _, r := range rs {
		gauge(deploysPerWeekDesc, r.DeploysPerWeek, r.Service)
		gauge(failureRateDesc, r.ChangeFailureRate, r.Service)
		quantiles(leadTimeDesc, r.LeadTime, r.Service)
		quantiles(restoreDesc, r.TimeToRestore, r.Service)
		for step, q := range r.StepWaits {
			quantiles(stepWaitDesc, q, r.Service, step)
		}
	}
	c.errors.Collect(ch)
}
