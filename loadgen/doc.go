// Package loadgen is the EMSG/1 load simulator: simulated users on many
// domains talking on an open schedule, latency measured from each
// message's intended send time, and an exactly-once delivery ledger. The
// CLI is `emsg load`; results are package [results].
//
// # A run
//
// A [Scenario] (a YAML file, decoded strictly) describes the workload. A
// [Population] derives its users from the scenario's seed: addresses,
// keys ([wire.Seeded], so any process computes any user's keys), the
// contacts graph, the session pairs, the groups and each user's online
// spans. A [Schedule] derives every message: when it is due, who sends it
// to whom (a contact, or a group), how large it is, its class; the first
// ten bytes of each message's seeded randomness are its envelope id's
// entropy, so the receiving side maps an id back to the message. Each
// message has one delivery per recipient, numbered the same everywhere:
// the ledger's keys.
//
// A [Runner] runs one [Shard] of that against a deployment named by a
// resolver table ([Target]): it registers its users, opens their event
// streams, makes the contacts by real requests and acceptances and the
// groups by real creations, invitations and joins, then releases each
// message at its time whatever the servers' pace (a session peer's on
// its session socket), counts every arrival, and drains. [Runner.Run] returns the shard's results;
// [results.Merge] combines shards exactly.
//
// # Honest numbers
//
// The open model and the intended send time keep a slow server from
// hiding its slowness (no coordinated omission). Envelopes are sealed
// ahead of their time with real keys by one sealer per core, so the
// simulator's crypto does not delay sends, and its cost is reported. A
// delivery is made once, lost, duplicated (a new stream seq carrying a
// message already seen) or refused; a replayed seq after a reconnect, and
// a session message that came on the socket and again by federation, are
// legitimate and counted apart.
//
// # Scale
//
// A simulated user is a small struct, one stream reader goroutine and a
// WebSocket with a 1 KiB read buffer; write buffers are pooled and one
// pinger serves every stream. See README.md for the figures measured.
package loadgen
