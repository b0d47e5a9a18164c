// Package accounts is the account part of the EMSG/1 reference server:
// registration, login, bearer tokens, the key chains of GET/PUT /keys and
// the settings of GET/PATCH /settings (spec/EMSG.md sections 2 and 4).
//
// The server wires a [Service] into its routes with [Service.Routes], and
// the other parts of the API (stream, messaging, contacts) authenticate
// their callers with [Service.Authenticate].
//
// # Registration
//
// There are no passwords. POST /emsg/v1/register carries the account's
// first key bundle, self-signed by its new Ed25519 key and checked by
// [keys.ParseBundle] over the bytes as received. The bundle's address must
// be on the server's own domain (bad_address), must not carry prev
// (bad_request: a new account starts a new chain) and must be unused: a
// registered address, of any state, or a reserved local part is
// address_taken. Under the invite policy ([config.Config].Registration)
// the request names an invite token, which the registration consumes
// (forbidden when missing, unknown, used or expired). The account starts
// active with the default settings of SET-DEFAULT-01, and the bundle is
// stored, byte for byte, as the first of its chain.
//
// # Login and tokens
//
// POST /emsg/v1/login/challenge answers 32 random bytes valid for
// [ChallengeLifetime], for every address alike, so the endpoint does not
// reveal which accounts exist. POST /emsg/v1/login takes the signed login
// proof ([account.ParseLoginProof]) and checks, in the spec's order: the
// address has an account (unauthorized); the challenge was issued to it
// and has not expired (unauthorized) and is used for the first time
// (replayed); the proof names this server's domain and a ts within
// ±300000 ms (unauthorized); the signature verifies with the account's
// current sign key (bad_signature). A suspended account is then refused
// (forbidden). The answer is a bearer token of [TokenBytes] random bytes,
// valid for [TokenLifetime]; the store keeps only its SHA-256. A refused
// proof leaves its challenge unused.
//
// [Service.Authenticate] reads "Authorization: Bearer <token>", or the
// access_token query parameter on GET /emsg/v1/stream only. A missing,
// unknown, expired or revoked token, or one whose account is no longer
// active (suspended, moved, deleted), is unauthorized. POST /emsg/v1/logout
// revokes the token it was sent with.
//
// # Key chains
//
// GET /emsg/v1/keys/{address} folds the path address ([address.Parse]) and
// answers a local account's chain, oldest first, with each bundle as
// stored (member order and escapes kept; encoding/json drops insignificant
// white space); not_found for no such account, gone for a deleted one, moved
// (with moved_to) for a moved one. The chain of another domain's address
// comes from the [KeyFetcher] given with [Service.SetFederation]: fetched
// over federation, every bundle and link verified, briefly cached
// (KEY-FETCH-01); unavailable when that server cannot be reached or its
// chain does not verify (KEY-FETCH-04). [Service.LocalChain] is what this
// server answers other servers' fetches with.
//
// PUT /emsg/v1/keys appends a rotated bundle of the caller: its address
// must be the caller's (forbidden) and [keys.VerifyChain] must accept it
// after the current bundle (bad_signature). Sending a bundle already in the
// chain again changes nothing and answers the chain. In the same store
// operation every accepted contact is told: a key_rotated event for a
// local one, a key_rotated federation item per server of remote ones
// (KEY-ROTATE-01/02); [PushKeyRotated] is the event's side, which the
// federation inbox uses for the items it receives.
//
// # Settings
//
// GET /emsg/v1/settings answers the account's settings; PATCH changes only
// the members the body names, with ttl at most the server's max_ttl.
//
// # Bodies and state
//
// Every body is read by [httpapi.ReadBody] under [config.Config].MaxBodyBytes
// and its schema; a body that fails its schema at an address member is
// answered bad_address rather than bad_request (ADDR-SIGNED-01). Every
// change is one [store.Store.Update] operation that checks before it
// writes, so a refusal changes nothing.
package accounts
