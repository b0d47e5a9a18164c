// Package contacts is the contact list of the EMSG/1 reference server and
// the key exchange that fills it (spec section 4, "Contacts: the key
// exchange"; requirements CONTACT-*).
//
// # The exchange
//
// "Adding a friend" swaps key bundles. A request (POST /contacts/requests)
// carries the requester's own current bundle; the server checks it with
// keys.ParseBundle and against the account's chain (forbidden otherwise),
// fills in id, from and ts, and hands the request to the recipient: a
// contact_request event for an account of this server, a contact_request
// federation item for any other. Accepting returns the requester's bundle
// to the acceptor and pushes the acceptor's bundle to the requester in a
// contact_accepted event (or a contact_response item). A request to an
// address whose own request to the caller is pending is that request's
// acceptance; a repeated request while one is pending is answered 202
// without a second event.
//
// # States
//
// Each account keeps one [store.Contact] per other address, in state
// pending_out (it asked), pending_in (it was asked), accepted or blocked.
// For two accounts of this server both records change in the same
// [store.Store.Update] as the events that report the change, so a crash
// never leaves one side accepted and the other pending. For a remote peer
// only the local side's record is kept; the peer's server keeps its own.
// The wire form of a pending request (id, note, ts) is kept next to the
// records of both local sides (see pending.go).
//
// Blocking works for any address and tells nobody: the blocker's record
// becomes blocked (keeping a bundle it had), and a request the blocker had
// sent the blocked party is withdrawn without an event. Unblocking deletes
// the record, so no earlier relationship comes back. A request the
// blocker itself sends later replaces its block with pending_out.
//
// # Events, items and notification
//
// Events are appended with [store.Tx.AppendEvent] (expiry 0: they stay
// until acknowledged) and items queued with [store.Tx.Enqueue] inside the
// operation's one Update; the [Notifier] is called for each account that
// got an event only after Update returned nil, so a live stream never
// pushes something a crash could undo.
//
// # Items from other servers
//
// The federation inbox hands incoming contact_request, contact_response
// and contact_removed items to [ApplyRequest], [ApplyResponse] and
// [ApplyRemoved] inside its own store transaction; they apply the same
// state changes to the local side and append the same events as the local
// operations, and return the [Effects] to wake once the transaction is
// durable. A remote bundle is verified with keys.ParseBundle and must be
// its sender's; its chain is the remote server's to check.
//
// # Not here
//
// Checking the items' parties against the transaction's origin is the
// federation package's (it applies the table of section 7 before calling
// in). Refusing messages from a blocked sender is the messaging package's
// check.
package contacts
