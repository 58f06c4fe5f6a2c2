package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// QueueStats reports the deploy queue: unfinished jobs and when the
// oldest was queued; (*redisstore.Store).QueueStats is one.
type QueueStats func(ctx context.Context) (depth int64, oldest time.Time, err error)

// queueTimeout bounds the store reads of one scrape: a slow Redis must not
// make the scrape time out and lose every other metric with it.
const queueTimeout = 2 * time.Second

// WatchQueue exposes the deploy queue's depth and the age of its oldest
// job, read from stats at each scrape.
func (m *Metrics) WatchQueue(stats QueueStats) error {
	return m.Registry.Register(&queueCollector{stats: stats, errors: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "releasebot_deploy_queue_read_errors_total",
		Help: "Scrapes whose read of the deploy queue failed (the queue gauges are missing from those scrapes).",
	})})
}

var (
	queueDepthDesc = prometheus.NewDesc("releasebot_deploy_queue_jobs",
		"Deploy jobs queued or running, of every service and environment.", nil, nil)
	queueAgeDesc = prometheus.NewDesc("releasebot_deploy_queue_oldest_job_age_seconds",
		"Age of the oldest unfinished deploy job (0 when the queue is empty).", nil, nil)
)

type queueCollector struct {
	stats  QueueStats
	errors prometheus.Counter
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDepthDesc
	ch <- queueAgeDesc
	c.errors.Describe(ch)
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	depth, oldest, err := c.stats(ctx)
	if err != nil {
		c.errors.Inc()
	} else {
		age := 0.0
		if !oldest.IsZero() {
			// Stream ids carry Redis's clock: compare with real time.
			age = max(time.Since(oldest).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(depth))
		ch <- prometheus.MustNewConstMetric(queueAgeDesc, prometheus.GaugeValue, age)
	}
	c.errors.Collect(ch)
}
