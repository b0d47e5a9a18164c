// Package results is the load simulator's results model: what one shard
// of an `emsg load` run measured, how shards merge into one exact result,
// how thresholds judge it, and how it renders as JSON, Markdown and a
// self-contained HTML report.
//
// # Exact merging
//
// Latencies are HdrHistograms ([Histogram]) that add count by count, so the
// percentiles of a merged run are the true global percentiles, not an
// average of the shards' percentiles. The delivery ledger is kept as lists
// of message indices (every shard computes the same schedule, so an index
// names the same message everywhere): the shard that sent a message lists
// it as sent, the shard that holds the recipient lists it as delivered,
// and [Merge] matches the two. [Results.Finish] turns the lists into the
// [Ledger] totals: delivered exactly once, lost, duplicated, expired.
package results
