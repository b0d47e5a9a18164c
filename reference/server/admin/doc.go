// Package admin serves the admin API (spec/openapi/admin.yaml): what an
// operator uses to run a reference server — invite tokens, the account
// list, suspension and deletion, statistics and the server policy.
//
// # Authentication
//
// Every request is signed with an operator key, exactly like a federation
// request but with scheme EMSG-Admin and origin "admin"
// ([fedsig.SignAdminRequest] makes one). The operator keys are configured
// (EMSG_ADMIN_KEYS, [config.Config.OperatorKeys]) and never published.
// The checks run in the federation order: no EMSG-Admin header
// (an account's bearer token included) is unauthorized; a header that
// does not parse, or whose origin is not admin, is bad_request; another
// destination is forbidden; a stale timestamp or an unknown key is
// unauthorized; a signature that does not verify is bad_signature.
//
// # Operations
//
//   - POST /admin/invites: a single-use invite token (ADMIN-INVITE-01).
//   - GET /admin/accounts: every local account, active or suspended.
//   - POST /admin/accounts/{address}/suspend and /unsuspend: a suspended
//     account loses its tokens and streams at once and cannot log in
//     (ADMIN-SUSPEND-01, -02); messages to it still queue.
//   - DELETE /admin/accounts/{address}: the account leaves its contacts
//     (each told with contact_removed) and its groups, is marked deleted
//     (later deliveries and key fetches: gone), its tokens, streams and
//     events go, and its local part stays reserved (ADMIN-DELETE-01). No
//     delete notice travels: that notice is signed by the account itself.
//   - GET /admin/stats: counts an operator watches.
//   - GET and PUT /admin/policy: the [policy.Policy] in force; a new one
//     applies to the next request and to discovery (ADMIN-POLICY-01..03).
//
// A server whose configuration does not list the admin feature, or names
// no operator key, registers none of these routes, so they answer not_found (CONF-FEATURE-01).
package admin
