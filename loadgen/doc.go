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
// contacts graph and each user's online spans. A [Schedule] derives every
// message: when it is due, who sends it to whom, how large it is; the
// first ten bytes of each message's seeded randomness are its envelope
// id's entropy, so the receiving side maps an id back to the message.
//
// A [Runner] runs one [Shard] of that against a deployment named by a
// resolver table ([Target]): it registers its users, opens their event
// streams, makes the contacts by real requests and acceptances, then
// releases each message at its time whatever the servers' pace, counts
// every arrival, and drains. [Runner.Run] returns the shard's results;
// [results.Merge] combines shards exactly.
//
// # Honest numbers
//
// The open model and the intended send time keep a slow server from
// hiding its slowness (no coordinated omission). Envelopes are sealed
// ahead of their time with real keys by one sealer per core, so the
// simulator's crypto does not delay sends, and its cost is reported. A
// message is delivered once, lost, duplicated (a new stream seq carrying a
// message already seen) or refused; a replayed seq after a reconnect is
// legitimate and counted apart.
//
// # Scale
//
// A simulated user is a small struct, one stream reader goroutine and a
// WebSocket with a 1 KiB read buffer; write buffers are pooled and one
// pinger serves every stream. See README.md for the figures measured.
package loadgen
