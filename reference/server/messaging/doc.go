// Package messaging is the reference server's sending side of EMSG/1:
// POST /emsg/v1/messages (and the stream's send frames, through
// [Service.Send]) and POST /emsg/v1/receipts.
//
// # Accepting an envelope
//
// A server sees only the outer envelope: routing fields, wrapped keys and
// ciphertext. [Service.Send] checks it in the order of section 3 of the
// spec ("What a server checks when it accepts an envelope"), stopping at
// the first failure:
//
//  1. size, at most config.MaxEnvelopeBytes (too_large, ENV-SIZE-01);
//  2. JSON and version, then shape, addresses and key lengths, by
//     [envelope.ParseEnvelope] (unsupported_version, bad_request,
//     bad_address; ENV-VERSION-01, ENV-ADDR-01, ENV-ID-01, ENV-KEYS-02),
//     then envelope.json itself (bad_request, ENV-SCHEMA-01);
//  3. from is the caller (forbidden, ENV-FROM-01);
//  4. ts at most 300000 ms ahead (ENV-TS-01), ttl within 1..max_ttl
//     (TTL-RANGE-01), not already expired (TTL-ARRIVAL-01), keys wraps
//     for from (ENV-KEYS-01) — all bad_request;
//  5. idempotency: an accepted (from, id) is answered 202 again and
//     nothing else happens (ENV-IDEM-01);
//  6. the sender may still send: a moved account gets moved
//     (MOVE-SEND-01);
//  7. the recipient, see below;
//  8. durable storage, then 202 {"id"} (ENV-DURABLE-01).
//
// Steps 5 to 8 run in one store operation, so two concurrent copies of
// one envelope cannot both be delivered, and nothing is answered 202
// before it is on disk.
//
// # Delivery
//
// For a recipient on this server ([config.Config] Domain) the checks are,
// in order: the account exists (not_found, DELIV-NOTFOUND-01; a local part
// reserved after a deletion counts as deleted), was not deleted (gone,
// DEL-GONE-01) or moved (moved with moved_to, MOVE-ANSWER-01), keys wraps
// for it (bad_request, ENV-KEYS-01), it has not blocked the sender
// (blocked, DELIV-BLOCKED-01 — blocking is silent only in that the blocked
// party gets no notice; its envelopes are refused with blocked), and it
// accepts the sender: an accepted contact, or anyone with accept_strangers
// on (not_a_contact, DELIV-STRANGER-01). The envelope then becomes an
// "envelope" event in the recipient's log, expiring with the envelope
// (DELIV-LOCAL-01), and a "delivered" receipt event in the sender's log
// (RCPT-DELIVERED-01), in the same operation; the [Notifier] wakes both
// accounts' streams after the commit.
//
// For a recipient elsewhere the envelope is queued, unchanged
// (ENV-INTACT-01), as a federation item {"kind":"envelope"} for the
// recipient's domain, expiring with the envelope; 202 then means "durably
// queued". Refusals by the destination come back later as failed
// receipts, made by the federation side.
//
// # Idempotency records
//
// Every accepted envelope leaves a store idempotency record under its
// (from, id) until it expires: a [Delivery] naming the recipient. The same
// record answers the read-receipt check below, so whoever else accepts
// envelopes for local accounts (the federation inbox) must write it too.
//
// # Read receipts
//
// POST /receipts {"kind":"read","to":sender,"ids":[...]} makes one read
// receipt per id for the original sender: a "receipt" event when the
// sender is local, a federation item {"kind":"receipt"} otherwise. Every
// id must name a 1:1 envelope the caller received from to — its
// [Delivery] record names the caller — or the whole request is refused
// with not_found and nothing is sent (RCPT-READ-01). A receipt for an
// (envelope, reader) pair is sent once; repeating the request is harmless.
//
// # Groups
//
// Group envelopes (to = a group address) are not implemented yet: this
// server hosts no groups, so a local to without an account is not_found
// ("no such recipient account or group"), and a remote to is treated as a
// 1:1 recipient (keys must wrap for it; the envelope is queued as an
// "envelope" item, and a destination that hosts such a group refuses it).
package messaging
