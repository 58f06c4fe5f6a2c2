// Package testenv is the one test environment of the repository: what the
// tests of several packages share, so each says only what is particular to
// it.
//
//   - Redis: the shared Redis, under a key prefix of the test's own
//     (internal/redistest starts private servers, replicas and clusters).
//   - YAML and Config: the installation most tests run against, and
//     GitHubYAML, the one deploying through the GitHub deployers.
//   - Scrape and Sample: /metrics parsed with the Prometheus text parser.
//   - HelperCommand, StartKillable and the /proc helpers (Linux): a copy of
//     the test binary a test may SIGKILL, and what it left running.
//   - Buffer: a log sink goroutines write while the test reads it.
//
// Unavailable is the rule for what a test needs from the machine (Redis,
// redis-server): skipped without it, failed when CI=true, so CI can never
// pass by skipping.
package testenv
