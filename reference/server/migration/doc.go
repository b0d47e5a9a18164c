// Package migration is the reference server's migration profile of
// EMSG/1: an account takes its data to another server (export and
// import), tells its contacts where it went (move), or ends (delete).
//
// # Export and import
//
// GET /account/data returns what an export needs ([Service] data): the
// accepted and blocked contacts with the bundles held for them, the
// groups and roles (the store's group records), the settings and the favorites
// (EXPORT-DATA-01). The client adds its address and bundle and signs the
// export. POST /account/import on the new server checks, in order: the
// export parses (unsupported_version, bad_address, bad_request) and fits
// export-bundle.json; it verifies with its own bundle (bad_signature,
// IMPORT-SIG-01); that bundle's sign key is the caller's current one
// (forbidden, IMPORT-KEY-01). Then, in one store operation, the contacts
// (state and bundle), the settings and the favorites replace what the
// caller had under the same keys, so a second import leaves the same state
// (IMPORT-APPLY-01, IMPORT-IDEM-01).
//
// # Notices
//
// A move or delete notice posted by its account is checked like a login
// proof, in order: the body (bad_request, bad_address), the signer is the
// caller (forbidden), ts within ±300000 ms of the server's clock
// (unauthorized, NOTICE-TS-01), the signature by the caller's current key
// (bad_signature; MOVE-CHECK-01, DEL-CHECK-01).
//
// # Move
//
// An account that owns a group cannot move (forbidden, MOVE-OWNER-01). An
// accepted move marks the account moved with its new address — from then
// on messaging, contacts and keys answer moved with moved_to
// (MOVE-ANSWER-01, MOVE-SEND-01); its tokens stay, so that it can drain
// its stream and its sends are answered moved — and forwards the notice to
// every accepted contact in the same store operation
// (MOVE-NOTIFY-01): a local contact's record is switched to the new
// address and bundle, keeping its state (MOVE-CONTACT-01), and it gets a
// "moved" event; remote contacts get one "move" item per server, naming
// them in its "to".
//
// # Delete
//
// An accepted deletion marks the account deleted, reserves its local part
// for [ReservePeriod] (DEL-RESERVE-01), revokes its tokens and forwards
// the notice to every accepted contact (a "deleted" event and the contact
// record dropped locally, a "delete" item per server otherwise;
// DEL-NOTIFY-01), in one store operation. Then the account leaves its
// groups ([Groups].LeaveAll: the groups service, DEL-GROUPS-01) and its data is purged in
// small store operations ([store.Tx.PurgeAccount], DEL-PURGE-01), so that
// a big account never holds the single writer. Deliveries are answered
// gone from the first operation on (DEL-GONE-01).
//
// # Federation
//
// [ApplyMove] and [ApplyDelete] apply the "move" and "delete" items the
// federation inbox receives, inside its store operation: each recipient
// that holds the old address as a contact checks the notice against the
// bundle it holds (bad_signature otherwise, FED-SPOOF-05) and then
// switches or drops the contact as above.
package migration
