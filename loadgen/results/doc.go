// Package results is the load simulator's results model: what one shard
// of an `emsg load` run measured, how shards merge into one exact result,
// how thresholds judge it, and how it renders as JSON, Markdown and a
// self-contained HTML report.
//
// # Exact merging
//
// Latencies are HdrHistograms ([Histogram]) that add count by count, so the
// percentiles of a merged run are the true global percentiles, not an
// average of the shards' percentiles. The delivery ledger is kept, by
// class, as lists of delivery numbers: one per message and recipient, so
// a group post to n other members is n deliveries (every shard computes
// the same schedule, so a number names the same delivery everywhere).
// The shard that sent a message lists its deliveries as sent, the shard
// that holds a recipient lists that recipient's delivery as delivered,
// and [Merge] matches the two. [Results.Finish] turns the lists into the
// [Ledger] totals, by class and in all: delivered exactly once, lost,
// duplicated, expired.
package results
