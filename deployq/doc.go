// Package deployq runs deploys from a crash-safe queue shared by every bot
// process of an installation.
//
// A deploy run requested by the domain (csr.EvRunRequested) becomes a job
// on a Redis Stream read through a consumer group, so any process may run
// it. Runs of one service and environment go one at a time, in the order
// they were requested: each waits in that pair's line and takes a lock
// with an expiry and a fencing token when it reaches the front. A job is
// acknowledged only after its result is recorded on the CSR. The job of a
// process that died is reclaimed by another (XAUTOCLAIM) and reconciled
// first: a run that was already started outside (its handle is recorded on
// the CSR, or the deployer can find it by its run id) is followed, never
// started twice.
//
// Results also come back by webhook and callback (Report); every path
// records through the domain's idempotent csr.UpdateRun, so a result
// applied twice changes nothing.
package deployq
