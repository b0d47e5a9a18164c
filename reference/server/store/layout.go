package store

// Buckets of the layout. The package doc explains each one's keys and
// values; the accessor files own them.
var (
	bucketAccounts   = []byte("accounts")    // address → Account JSON
	bucketBundles    = []byte("bundles")     // address\x00seq → raw bundle
	bucketReserved   = []byte("reserved")    // local part → until (8 bytes)
	bucketInvites    = []byte("invites")     // sha256(token) → invite JSON
	bucketChallenges = []byte("challenges")  // challenge → challenge JSON
	bucketTokens     = []byte("tokens")      // sha256(token) → token JSON
	bucketTokensOf   = []byte("tokens_of")   // address\x00sha256(token) → empty
	bucketContacts   = []byte("contacts")    // owner\x00contact → Contact JSON
	bucketEvents     = []byte("events")      // address\x00seq → raw event
	bucketStreams    = []byte("streams")     // address → last seq, acked seq (8+8 bytes)
	bucketDedupe     = []byte("dedupe")      // from\x00id → dedupe JSON
	bucketQueue      = []byte("queue")       // destination\x00id → queue item JSON
	bucketQueueIDs   = []byte("queue_ids")   // destination → last id (8 bytes)
	bucketTxns       = []byte("txns")        // origin\x00txn → txn JSON
	bucketFavorites  = []byte("favorites")   // owner\x00id → raw envelope
	bucketPurges     = []byte("purges")      // address → empty: deletions whose purge is unfinished
	bucketHeld       = []byte("held")        // session\x00envelope id → HeldItem JSON
	expiryEvents     = []byte("exp_events")  // expires\x00address\x00seq → empty
	expiryDedupe     = []byte("exp_dedupe")  // expires\x00from\x00id → empty
	expiryQueue      = []byte("exp_queue")   // expires\x00destination\x00id → empty
	expiryChallenges = []byte("exp_chall")   // expires\x00challenge → empty
	expiryTokens     = []byte("exp_tokens")  // expires\x00sha256(token) → empty
	expiryTxns       = []byte("exp_txns")    // expires\x00origin\x00txn → empty
	expiryInvites    = []byte("exp_invites") // expires\x00sha256(token) → empty
)

var allBuckets = [][]byte{
	bucketAccounts, bucketBundles, bucketReserved, bucketInvites,
	bucketChallenges, bucketTokens, bucketTokensOf, bucketContacts,
	bucketEvents, bucketStreams, bucketDedupe, bucketQueue, bucketQueueIDs,
	bucketTxns, bucketFavorites, bucketPurges, expiryEvents, expiryDedupe, expiryQueue, expiryChallenges,
	expiryTokens, expiryTxns, expiryInvites, bucketHeld,
	bucketGroups, bucketGroupIndex, bucketGroupLog,
}
