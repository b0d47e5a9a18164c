package wire

import (
	"crypto/rand"
	"crypto/sha256"
	"io"
	"time"

	"golang.org/x/crypto/chacha20"
)

// Deps is what the protocol library needs from the outside world: a source
// of randomness and a clock. The zero value is not usable; start from
// [System] in production and [Seeded] in tests, vector generation and load
// simulation.
//
// Key generation reads seeds from Rand and derives keys from them
// (ed25519.NewKeyFromSeed, X25519 scalars), never through a library's
// GenerateKey, so that a seeded Rand reproduces every key.
type Deps struct {
	Rand io.Reader
	Now  func() time.Time
}

// System returns the production dependencies: crypto/rand and the wall clock.
func System() Deps { return Deps{Rand: rand.Reader, Now: time.Now} }

// Seeded returns dependencies whose randomness is a ChaCha20 key stream keyed
// by SHA-256(seed) and whose clock always reads now.
func Seeded(seed string, now time.Time) Deps {
	return Deps{Rand: NewSeededReader(seed), Now: func() time.Time { return now }}
}

// Millis returns the current time in wire milliseconds.
func (d Deps) Millis() Millis { return ToMillis(d.Now()) }

// Read fills a new n-byte slice from d.Rand.
func (d Deps) Read(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(d.Rand, b); err != nil {
		return nil, err
	}
	return b, nil
}

// NewSeededReader returns a deterministic, cryptographically strong stream of
// bytes: the ChaCha20 key stream under key SHA-256(seed) and a zero nonce.
// The same seed always yields the same bytes, in any implementation.
func NewSeededReader(seed string) io.Reader {
	key := sha256.Sum256([]byte(seed))
	c, err := chacha20.NewUnauthenticatedCipher(key[:], make([]byte, chacha20.NonceSize))
	if err != nil {
		panic("wire: chacha20 rejected a 32-byte key: " + err.Error())
	}
	return &keyStream{c: c}
}

type keyStream struct{ c *chacha20.Cipher }

func (k *keyStream) Read(p []byte) (int, error) {
	clear(p)
	k.c.XORKeyStream(p, p)
	return len(p), nil
}
