package envelope

import (
	"bytes"
	"io"
	"testing"

	"golang.org/x/crypto/nacl/box"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Our sealed box is byte for byte x/crypto's (and so libsodium's)
// crypto_box_seal for the same ephemeral secret, and each opens the other's.
func TestSealedBoxMatchesNaCl(t *testing.T) {
	bob := newAccount(t, "bob#b.test")
	for i := range 20 {
		r := wire.NewSeededReader("sealed box " + string(rune('a'+i)))
		msg := make([]byte, i*3)
		mustRead(t, r, msg)
		var eph [32]byte
		mustRead(t, r, eph[:])

		ours, err := sealKey(nil, msg, &bob.boxPub, &eph)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := box.SealAnonymous(nil, msg, &bob.boxPub, bytes.NewReader(eph[:]))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ours, theirs) {
			t.Fatalf("message %d: sealed boxes differ\n ours %x\ntheirs %x", i, ours, theirs)
		}
		if got, ok := box.OpenAnonymous(nil, ours, &bob.boxPub, &bob.boxPriv); !ok || !bytes.Equal(got, msg) {
			t.Fatalf("message %d: nacl/box cannot open our box", i)
		}
		k, err := newBoxKey(&bob.boxPriv)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := k.open(theirs); !ok || !bytes.Equal(got, msg) {
			t.Fatalf("message %d: we cannot open nacl/box's box", i)
		}
	}
}

// box.SealAnonymous reads exactly 32 bytes of randomness: the assumption
// behind comparing with it above and in the benchmarks.
func TestNaClReadsOneSecret(t *testing.T) {
	bob := newAccount(t, "bob#b.test")
	r := &countingReader{r: wire.NewSeededReader("count")}
	if _, err := box.SealAnonymous(nil, []byte("k"), &bob.boxPub, r); err != nil {
		t.Fatal(err)
	}
	if r.n != 32 {
		t.Fatalf("SealAnonymous read %d bytes, want 32", r.n)
	}
}

func TestSealedBoxRejects(t *testing.T) {
	bob, carol := newAccount(t, "bob#b.test"), newAccount(t, "carol#c.test")
	var eph [32]byte
	eph[0] = 1
	sealed, err := sealKey(nil, make([]byte, 32), &bob.boxPub, &eph)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := newBoxKey(&bob.boxPriv)
	kc, _ := newBoxKey(&carol.boxPriv)
	tests := []struct {
		name string
		key  *boxKey
		box  []byte
	}{
		// another reader's key
		{"wrong reader", kc, sealed},
		// a changed ephemeral key changes the nonce and the secret
		{"ephemeral flipped", kb, flip(sealed, 0)},
		// a changed tag
		{"tag flipped", kb, flip(sealed, 40)},
		// too short to hold an ephemeral key and a tag
		{"short", kb, sealed[:47]},
		// an all-zero (low-order) ephemeral key
		{"low-order ephemeral", kb, make([]byte, WrappedKeySize)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := tt.key.open(tt.box); ok {
				t.Fatal("opened")
			}
		})
	}
	// sealing to a low-order recipient key fails, as in libsodium
	if _, err := sealKey(nil, []byte("k"), new([32]byte), &eph); err == nil {
		t.Fatal("sealed to the all-zero key")
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
