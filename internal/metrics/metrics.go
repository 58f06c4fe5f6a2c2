// Package metrics holds releasebot's Prometheus metrics: their names,
// labels and the seams that feed them (an HTTP middleware for the
// acknowledgement latency, an http.RoundTripper for Slack and GitHub API
// calls, and recording methods the app calls for commands and deploy
// runs). Labels are bounded sets (verbs, outcomes, services, endpoints):
// never a CSR id, a person or a URL with ids in it.
package metrics

import (
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one process's set of metrics, on its own registry so that
// tests (and several apps in one test binary) never share counters.
type Metrics struct {
	Registry *prometheus.Registry

	commands       *prometheus.CounterVec
	commandSeconds *prometheus.HistogramVec
	refusals       *prometheus.CounterVec
	httpSeconds    *prometheus.HistogramVec
	apiCalls       *prometheus.CounterVec
	apiSeconds     *prometheus.HistogramVec
	runs           *prometheus.CounterVec
	runSeconds     *prometheus.HistogramVec
	reminders      *prometheus.CounterVec
	storeSeconds   *prometheus.HistogramVec
}

// Outcomes of a command, the values of the outcome label.
const (
	OK        = "ok"
	Refused   = "refused"
	Error     = "error"
	Duplicate = "duplicate"
)

// New registers every metric, with the Go runtime's and the process's
// collectors and releasebot_build_info.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{Registry: r}
	m.commands = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "releasebot_commands_total",
		Help: "Commands and clicks handled, by source (command or click), verb and outcome (ok, refused, error, duplicate).",
	}, []string{"source", "verb", "outcome"})
	m.commandSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "releasebot_command_duration_seconds",
		Help:    "Time from an event reaching the bot to its reply, by source.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"source"})
	m.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "releasebot_command_refusals_total",
		Help: "Commands refused, by verb and the rule that refused them.",
	}, []string{"verb", "rule"})
	m.httpSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "releasebot_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request (for /slack/* the acknowledgement Slack waits 3 s for), by endpoint and status code.",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"endpoint", "code"})
	m.apiCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "releasebot_api_requests_total",
		Help: "Calls to Slack and GitHub, by api, operation and status code (429 is a rate limit; a retry is another call; \"error\" is no answer).",
	}, []string{"api", "operation", "code"})
	m.apiSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "releasebot_api_request_duration_seconds",
		Help:    "Duration of calls to Slack and GitHub, by api.",
		Buckets: prometheus.DefBuckets,
	}, []string{"api"})
	m.runs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "releasebot_deploy_runs_total",
		Help: "Deploy runs finished, by service, environment, purpose (test, deploy, rollback) and result.",
	}, []string{"service", "environment", "purpose", "result"})
	m.runSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "releasebot_deploy_run_duration_seconds",
		Help:    "Duration of finished deploy runs, from start to end, by service, environment and purpose.",
		Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600},
	}, []string{"service", "environment", "purpose"})
	m.reminders = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "releasebot_reminders_posted_total",
		Help: "Reminders posted, by kind (waiting_approvals, scheduled_deploys, stuck, freezes); a firing with nothing to say posts none.",
	}, []string{"kind"})
	m.storeSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "releasebot_store_request_duration_seconds",
		Help:    "Round trips to Redis, by command kind (read, write, script, stream, pipeline, other) and result (ok, error).",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
	}, []string{"kind", "result"})
	r.MustRegister(m.commands, m.commandSeconds, m.refusals, m.httpSeconds, m.apiCalls, m.apiSeconds, m.runs, m.runSeconds,
		m.reminders, m.storeSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildInfo())
	return m
}

// buildInfo is releasebot_build_info{version,revision,goversion} 1, from
// the binary's own build information.
func buildInfo() prometheus.Collector {
	version, revision, goVersion := "(devel)", "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		version, goVersion = bi.Main.Version, bi.GoVersion
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "releasebot_build_info",
		Help:        "The running binary: its module version, VCS revision and Go version (always 1).",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": goVersion},
	})
	g.Set(1)
	return g
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Command records one handled event. verb must come from a bounded set
// (the registry's verbs, or "unknown"); rule is the refusal's rule, if any.
func (m *Metrics) Command(source, verb, outcome, rule string, d time.Duration) {
	m.commands.WithLabelValues(source, verb, outcome).Inc()
	m.commandSeconds.WithLabelValues(source).Observe(d.Seconds())
	if rule != "" {
		m.refusals.WithLabelValues(verb, rule).Inc()
	}
}

// Run records a finished deploy run.
func (m *Metrics) Run(service, env, purpose, result string, d time.Duration) {
	m.runs.WithLabelValues(service, env, purpose, result).Inc()
	if d > 0 {
		m.runSeconds.WithLabelValues(service, env, purpose).Observe(d.Seconds())
	}
}

// Middleware times every request next serves. The endpoint label is the
// ServeMux pattern that matched (known after next ran), so paths with ids
// never become label values; an unmatched path is "unmatched".
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		m.httpSeconds.WithLabelValues(endpoint(r), strconv.Itoa(sw.code)).Observe(time.Since(start).Seconds())
	})
}

// slackEndpoints are the paths under the /slack/ subtree worth a label.
var slackEndpoints = map[string]bool{"/slack/commands": true, "/slack/events": true, "/slack/interactions": true}

func endpoint(r *http.Request) string {
	p := r.Pattern
	if _, path, ok := strings.Cut(p, " "); ok {
		p = path // "GET /livez" → "/livez"
	}
	switch {
	case p == "":
		return "unmatched"
	case strings.HasSuffix(p, "/") && slackEndpoints[r.URL.Path]:
		return r.URL.Path
	}
	return p
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (flushes).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Transport counts and times the calls next makes to api ("slack" or
// "github"). The operation label is derived from the URL by operation, so
// it stays a bounded set.
func (m *Metrics) Transport(api string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper{m: m, api: api, next: next}
}

type roundTripper struct {
	m    *Metrics
	api  string
	next http.RoundTripper
}

func (t roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	code := "error"
	if err == nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	t.m.apiCalls.WithLabelValues(t.api, Operation(t.api, r.Method, r.URL.Path), code).Inc()
	t.m.apiSeconds.WithLabelValues(t.api).Observe(time.Since(start).Seconds())
	return resp, err
}

// Operation names an API call without the ids in its path: Slack's Web
// API method ("chat.postMessage"), "response_url" for Slack's reply hooks,
// and for GitHub the method and the resource after the repository
// ("POST actions", "GET deployments", "DELETE git").
func Operation(api, method, path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch api {
	case "slack":
		for i, s := range segs {
			if s == "api" && i+1 < len(segs) && isSlackMethod(segs[i+1]) {
				return segs[i+1]
			}
		}
		if len(segs) > 0 && segs[0] == "actions" || len(segs) > 0 && segs[0] == "commands" {
			return "response_url"
		}
		return "other"
	case "github":
		for i, s := range segs {
			switch s {
			case "repos":
				if i+3 < len(segs) && knownGitHubResource[segs[i+3]] {
					return method + " " + segs[i+3]
				}
				if i+3 == len(segs) {
					return method + " repo"
				}
				return method + " other"
			case "app", "installation":
				return method + " " + s
			}
		}
		return method + " other"
	}
	return "other"
}

var knownGitHubResource = map[string]bool{"actions": true, "deployments": true, "git": true, "compare": true,
	"commits": true, "contents": true, "branches": true, "tags": true, "environments": true, "pulls": true}

// isSlackMethod accepts "family.method" names like chat.postMessage.
func isSlackMethod(s string) bool {
	if len(s) > 64 || !strings.Contains(s, ".") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}
