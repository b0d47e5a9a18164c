// Package retention is the reference server's retention profile of
// EMSG/1: envelopes that outlive their ttl leave the store, and the
// favorites a user pins stay.
//
// # Expiry
//
// Every envelope carries ts and ttl; it expires at ts + ttl × 1000. The
// envelope events in the accounts' stream logs are indexed by that instant
// (messaging and the federation inbox append them so), and the
// [Sweeper] removes them: each [Sweeper.Sweep] walks the store's expiry
// indexes from the oldest entry, in store operations of at most
// [SweepBatch] records, so that a backlog never holds the single writer
// for long. For each envelope event it drops unacknowledged, in the same
// operation:
//
//   - the account gets an "expired" event naming the envelope's from and
//     id (TTL-EVENT-01), so its clients drop what they hold;
//   - the envelope's sender gets an "expired" receipt from the account
//     (RCPT-EXPIRED-01): a receipt event when the sender is local, a
//     receipt item queued for its server otherwise.
//
// The same sweep drops the other records with a lifetime — idempotency
// keys, login challenges, tokens, invites and transaction answers. Queued
// federation items expire in the federation outbox, which sends expired
// receipts for the envelopes among them (FED-QUEUE-05).
//
// The sweeper reads the time from the injected [wire.Deps] only: [Sweeper.Run]
// ticks on the wall clock, but what expires is decided by deps.Now, so
// tests move a fake clock and call Sweep instead of waiting. With the
// default period of one second an envelope is gone well within the 60
// seconds TTL-DELETE-01 allows.
//
// # Favorites
//
// PUT /favorites/{id} stores an envelope the client re-encrypted to its
// owner alone (from and to the caller, keys with one entry, the path id
// as its id); GET /favorites lists them and DELETE /favorites/{id} unpins
// one. Favorites live in their own store bucket with no expiry index, so
// no sweep ever touches them (FAV-KEEP-01).
package retention
