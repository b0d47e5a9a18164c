// Package fakepeer is a scriptable federation peer for the conformance
// suites: an EMSG/1 server domain (x.test by default) with its own
// Ed25519 server key and accounts, served in-process on a listener the
// harness reserved and mapped in the servers' resolver table.
//
// It does what a hostile or broken peer would, on demand: [Peer.Send]
// posts a transaction signed (or mis-signed) as [SendOptions] says —
// spoofed senders are just items written that way, bad or expired
// signatures, wrong destinations, replays and oversize or unknown items
// are options and payloads. And it records what the server under test
// sends it ([Peer.Received]), answering each transaction as its
// [Responder] says: ok, a 5xx, or nothing until the sender times out —
// which is how the suites check retries and FIFO order.
package fakepeer
