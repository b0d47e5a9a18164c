// Package wire holds the small pieces every EMSG/1 object is made of: binary
// values as unpadded base64url ([Bytes]), timestamps as integer milliseconds
// ([Millis]), the typed failure every decoder and verifier returns
// ([Error] with a [Defect]), and the injectable randomness and clock
// ([Deps]) that make every output reproducible from a seed.
//
// # Failures
//
// Every package of the protocol library reports bad input with an [*Error]
// whose [Defect] names what is wrong in one word (`bad_signature`,
// `clock_skew`, ...). The test vectors state the expected defect of each
// invalid case, so callers branch on [DefectOf], never on message text.
//
// # Reproducibility
//
// Nothing in the protocol library reads crypto/rand or time.Now directly:
// it takes a [Deps]. [Seeded] returns a Deps whose randomness is a ChaCha20
// key stream derived from a seed and whose clock is fixed, which is how the
// vector generator and the load simulator reproduce every byte.
package wire
