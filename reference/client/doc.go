// Package client is the EMSG/1 reference client library: one account's
// keys, contacts and messages, spoken to its server over the client–server
// API of spec/EMSG.md section 4. The emsg command line client is built on
// it; conformance tests use it as a well-behaved peer.
//
// A [Client] works from a directory: [New] opens it, [Client.Register]
// creates the account, and every other call logs in by itself
// ([Client.Login] does so explicitly). Servers are reached by name through
// a [resolve.Table].
//
// # Keys
//
// The account's private keys live only in the keystore, [KeystoreFile]
// in the client's directory: [keys.PrivateKeys] JSON, mode 0600 in a 0700
// directory (CLIENT-KEY-02). [LoadIdentity] refuses a keystore that group
// or others may access ([ErrKeystoreMode]): whoever read it is the
// account. Nothing else in this package serialises a private key
// (CLIENT-KEY-01); requests carry the public bundle only.
//
// # Contacts and key changes
//
// [Client.RequestContact] and [Client.Accept] run the key exchange of
// section 4; the contact's bundle, from the answer or from the stream,
// is kept in the local store with the chain of bundles verified so far.
// Every later bundle — a contact_accepted or key_rotated event, a GET
// /keys answer ([Client.RefreshKeys]), a GET /contacts answer
// ([Client.Contacts]) — is accepted only when [keys.VerifyChain] links it
// from the newest bundle held. Anything else is flagged on the contact
// ([Contact].Warning), reported as a [*KeyChangeError] (a [KeyRefused]
// notice on the stream) and never used (CLIENT-KEY-03).
//
// # Sending
//
// [Client.Send] seals a text with [envelope.Seal] to the box key of the
// recipient's newest verified bundle and to the account itself, and posts
// it. A temporary failure is retried with the same envelope, so the
// server's (from, id) idempotency makes the retries one message.
//
// # Receiving
//
// [Client.Listen] reads the WebSocket event stream. Each event is
// processed in one transaction of the local store together with its seq,
// then handed to the [Handler], then acknowledged; the next stream
// resumes after the last seq processed (CLIENT-ACK-01). Envelopes are
// opened with the sender's bundle current at their ts; a message is shown
// once per (from, id) (CLIENT-DEDUPE-01) with its body, or as an
// unsupported message (CLIENT-BODY-01); envelopes that fail are reported
// as [Notice]s, never as messages from the claimed sender.
//
// # Groups
//
// A group lives on its creator's server. [Client.CreateGroup] makes one;
// [Client.Invite], [Client.JoinGroup], [Client.LeaveGroup], [Client.Kick],
// [Client.SetRole], [Client.RenameGroup] and [Client.DissolveGroup] return
// the request id at once, and the outcome arrives on the stream as a
// [GroupChanged] notice (the event, in host order) or a [GroupRefused]
// notice with that id. [Client.SendGroup] seals one envelope for every
// current member its server lists ([Client.GroupInfo]), fetching the keys
// of members who are no contacts ([GroupPeer]); [Client.Listen] fetches
// the keys of such a member before opening their group message.
//
// # Local store
//
// Contacts, messages, the (from, id) pairs shown and the last seq are a
// bbolt file, [StoreFile], mode 0600: bbolt commits the several records
// of one event atomically and durably, which acknowledging after storing
// needs, and the reference server already depends on it. Messages are
// deleted locally at ts + ttl×1000 (CLIENT-TTL-01). One process at a time
// may use a directory (the file is locked).
package client
