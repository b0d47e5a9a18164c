// Package enginebench compares the pure-Go embedded databases the reference
// server could keep its durable state in: bbolt, Pebble and SQLite
// (modernc.org/sqlite). It lives in its own Go module so that the engines it
// compares stay out of the main module until one is chosen.
//
// # The hot path
//
// Every engine is wrapped in an adapter that implements [Store], shaped like
// the server's hot path: [Store.Accept] records a batch of deliveries
// durably (idempotency key, per-account sequence number, event log append or
// federation queue entry) and returns only after an fsync, so the server may
// answer 202; [Store.Ack] and [Store.Read] serve the event stream;
// [Store.Dequeue] and [Store.Done] serve the per-destination FIFO federation
// queue. The server can adopt the winning adapter as it is.
//
// # Group commit
//
// Many HTTP handlers accept concurrently and every accept needs an fsync, so
// throughput depends on sharing one fsync among many accepts. The adapters
// do it in one of two ways: a [committer] goroutine that drains the waiting
// requests into one transaction (bbolt, SQLite, Pebble "coalesce"), or the
// engine's own mechanism (bbolt's DB.Batch, Pebble's concurrent Sync
// commits, which group-commit the write-ahead log). [Engines] lists every
// variant measured.
//
// # Key layout
//
// The key-value adapters share one layout (see keys.go): an idempotency
// record per (from, id), a next-sequence counter per account, the event log
// keyed by account and big-endian sequence number, and the queue keyed by
// destination and a big-endian queue sequence number, so that range scans
// return events and queue items in order.
//
// # Measurements
//
// cmd/enginebench runs the workload against every engine and the kill -9
// check ([RunCrashChild], [CrashRun]); RESULTS.md holds the figures and
// the recommendation.
package enginebench
