// Package policy is the part of a server's configuration its operator
// changes while it runs: registration (open or invite), the groups every
// new account joins (auto_join), the ttl bounds and the rate limits — the
// admin API's policy (spec/schemas/admin-policy.json, ADMIN-POLICY-01..03).
//
// # Life of a policy
//
// At start the policy is the configuration's (EMSG_REGISTRATION,
// EMSG_MAX_TTL, EMSG_DEFAULT_TTL, EMSG_RATE_*), unless the operator has
// replaced it before: [Open] then reads policy.json in the data directory,
// which [Live.Replace] writes (atomically, synced) before the new policy
// takes effect. The services read [Live.Current] on every request
// (ADMIN-POLICY-02), so a change applies to the next request; [Of] lets a
// service built without a Live (in tests) fall back to its configuration.
package policy
