// Package store is the durable state of one EMSG reference server:
// accounts and their key bundles, login challenges and tokens, contacts,
// each account's event stream, idempotency keys, the federation queue and
// the answers to inbound federation transactions. Everything the server
// acknowledged survives kill -9 and power loss, and a refused request
// changes nothing.
//
// # Engine and commits
//
// The state lives in one bbolt file, [FileName] in the data directory (mode
// 0600), opened by [Open]; enginebench (a nested module) measured why bbolt
// with its own group commit was chosen. Reads go through [Store.View]:
// read-only transactions that run concurrently and see only committed,
// synced state. Writes go through [Store.Update]: a committer goroutine
// drains every waiting request (up to 512) into one read-write transaction
// and syncs once, so concurrent writers share an fsync and throughput grows
// with the load. Update returns nil only after the commit is on disk.
//
// The guarantee is per operation, not per group. An operation that returns
// an error leaves no trace and does not disturb the others in its group:
//   - if it failed without writing, it is simply answered with its error;
//   - if it failed after writing (or panicked), the group's transaction is
//     rolled back and run again without it (as bbolt's DB.Batch does).
//
// Answers go out only after the commit; if the commit itself fails, every
// operation of the group gets that error.
//
// # Writing operations
//
// An operation is a func(*[Tx]) error. Because of the rule above it:
//   - checks before it writes, so that a refusal (address taken, not a
//     contact, duplicate) costs nothing but its own answer;
//   - may run more than once and after other goroutines' operations in the
//     same transaction, so it depends only on what the transaction shows and
//     returns its results through variables it captures, with no other side
//     effects (no network, no channel sends);
//   - is short: one writer transaction at a time, so a long one (an import,
//     a purge) delays every accept — split it into bounded steps, as the
//     Expire* sweeps do with their limit.
//
// Update(ctx, op) gives up only while waiting to be queued; once queued, the
// operation is committed or failed even if ctx ends, and Update waits for
// that answer. [Store.Close] commits what is queued, then closes.
//
// # Buckets and keys
//
// Each aggregate has its own bucket and file (accounts.go, events.go, ...).
// Names (addresses in canonical form, ids, domains, txn names) are key
// components ended by a zero byte, which none of them contains; numbers are
// big-endian uint64, so keys sort by number. Records are compact JSON
// (encoding/json); bundles and events are stored as the raw bytes given.
//
//	accounts    address                  → [Account] JSON
//	bundles     address 0 n              → raw bundle, n = 1, 2, ... (chain, oldest first)
//	reserved    local part               → until (ms)
//	invites     sha256(token)            → {"expires"}
//	challenges  challenge                → {"address","expires","used"}
//	tokens      sha256(token)            → {"address","expires"}
//	tokens_of   address 0 sha256(token)  → empty (revoke all of an account)
//	contacts    owner 0 contact          → [Contact] JSON
//	events      address 0 seq            → raw event
//	streams     address                  → last seq assigned, highest seq acknowledged
//	dedupe      from 0 id                → {"record","expires"}
//	queue       destination 0 id         → [QueueItem] JSON
//	queue_ids   destination              → last id assigned
//	txns        origin 0 txn             → {"response","expires"}
//	favorites   owner 0 id               → raw envelope (never expires)
//	purges      address                  → empty (a deleted account's purge is unfinished)
//
// The exp_* buckets index records by expiry: key = big-endian expiry, 0,
// the record's key; the Expire* sweeps walk them from the oldest and
// remove at most limit entries per call. They are lazy: a record deleted
// earlier (acknowledged, answered, revoked) leaves its entry for the sweep
// to drop.
//
// # Sequence numbers
//
// [Tx.AppendEvent] numbers an account's events 1, 2, 3, ... from a counter
// kept apart from the log, so numbers are never reused: not after
// [Tx.Ack] deletes events, not after expiry, not after a restart. Because
// readers see only committed transactions, the stream never pushes an event
// whose number a crash could hand out again. The queue numbers its items
// per destination the same way.
package store
