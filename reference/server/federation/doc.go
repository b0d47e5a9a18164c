// Package federation is the reference server's server-to-server side of
// EMSG/1 (section 7 of the spec): it receives transactions from other
// servers, sends its own queue to them, and keeps their discovery
// documents.
//
// # Peers
//
// [Peers] fetches a domain's discovery document (GET /.well-known/emsg
// through the resolver table: plain HTTP for a mapped domain, HTTPS
// otherwise), checks it against discovery.json and that it names the
// domain it was fetched for (DISC-DOMAIN-01), and caches it for at most
// [DiscoveryTTL]; a key the cached document does not list refetches it at
// most once per [RefetchInterval] (DISC-CACHE-01). It is the inbox's
// [fedsig.KeyLookup] and tells the outbox each destination's
// max_txn_items.
//
// # Inbox
//
// [Inbox] serves POST /emsg/v1/federation/inbox. It checks, in this order
// and stopping at the first failure: the body is at most 1 MiB (too_large);
// there is an EMSG-Federation Authorization header (unauthorized), it
// parses (bad_request), names this server (forbidden), is within ±300000 ms
// (unauthorized), names a key the origin publishes (unauthorized) and
// verifies over the request as received (bad_signature) — the last five
// by [fedsig.Verifier]; the item count is within config.MaxTxnItems
// (too_large, before the schema); fed-transaction.json (bad_request); the
// body's origin and destination equal the header's (bad_request).
//
// Then one store operation answers the transaction: a replay of (origin,
// txn) gets the stored first answer and changes nothing (FED-TXN-04);
// otherwise each item is checked against fed-item.json (bad_request), then
// the parties of the section 7 table — the sender field on the origin,
// the recipient fields on this server (forbidden) — and applied by kind:
//
//   - envelope: delivered as a local send would deliver it (the envelope
//     checks of section 3, then not_found, gone, moved with moved_to,
//     blocked, not_a_contact); a known (from, id) is a duplicate. It
//     becomes an envelope event for the recipient, leaves the
//     [messaging.Delivery] record read receipts are checked against, and
//     queues a delivered receipt item for the origin (FED-DELIVERED-01).
//   - receipt: a receipt event for the local original sender, once per
//     (from, id, kind); not_found when the sender sent no such envelope to
//     receipt.from (FED-SPOOF-04); a failed receipt never travels
//     (bad_request).
//   - contact_request, contact_response, contact_removed: applied to the
//     local side of the key exchange by package contacts
//     ([contacts.ApplyRequest] and its siblings, see contact_in.go): a
//     pending request with a contact_request event, an accepted or
//     declined request with its event, a removed contact; a known
//     (request.from, request.id) or (from, id) is a duplicate.
//   - other kinds: not_found for now (this server does not take them).
//
// The answer is 200 {"results":[...]}, one result per item in item order,
// remembered for 24 hours with the items' effects. Streams and queues are
// woken after the commit. A transaction the inbox could not take because
// the server is stopping or the origin gave up waiting is answered 503
// unavailable with Retry-After: 1 (ERR-UNAVAILABLE-01).
//
// # Outbox
//
// [Outbox] sends the store's federation queue. One lane goroutine per
// destination sends transactions of at most min(config.MaxTxnItems, the
// destination's max_txn_items) items in queue order, and the next only
// after the previous was answered (FED-QUEUE-02) — but without waiting
// for the answered items to leave the store: that commit runs while the
// next transaction is on its way (a failed one sends the items again,
// which the destination answers as a replay or duplicates). Items are
// checked on every core before the store applies them, each against its
// own kind's definition of fed-item.json. A transaction is named
// after its items (first and last queue id, count), so a retry carries the
// same txn and items and a txn never names two item lists (FED-QUEUE-03,
// -06). The answer decides:
//
//   - 200: every item leaves the queue; an item answered with an error
//     that carries an envelope gives its local sender a failed receipt with
//     the code and moved_to (DELIV-FAILED-01).
//   - 400, 403, 413: every item counts as answered with that error
//     (FED-QUEUE-08).
//   - network error, 401, 429, 5xx (and any other status): retried with
//     the same txn and items (FED-QUEUE-03) after a wait that depends on
//     the failure (FED-QUEUE-04, see backoff.go). An answer naming a wait
//     (Retry-After, or retry_after in a rate_limited body) is honoured as
//     asked, plus at most a second of jitter, and is not counted as a
//     failed attempt. Any other answer, or none within [Timing].Request,
//     means a busy destination: a full-jitter exponential backoff from 1 s,
//     capped at a minute. No answer at all (no connection) means it may be
//     down: the same backoff up to the spec's 15 minutes. The count of
//     failed attempts is the head item's, so it starts from zero again as
//     soon as the destination answers a transaction: the backoff is per
//     destination and resets on its first success.
//
// An item a destination refuses without a receipt to give (a contact
// request to an address it does not know, for one) is logged.
//
// Items past their expiry are never sent: the sweep removes them and an
// envelope's local sender gets an expired receipt (FED-QUEUE-05).
// [Outbox.Kick] wakes a destination's lane after items were queued;
// [Outbox.Run] also sweeps every [Timing].Sweep, so items queued before a
// restart leave too (FED-QUEUE-01).
package federation
