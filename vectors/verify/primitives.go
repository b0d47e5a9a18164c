package verify

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/emsg-project/emsg/reference/protocol/signing"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// runEd25519 runs ed25519.json: the raw signature is checked with the
// primitive the reference library uses and its rules (verifyRaw). When the
// group gives the seed, a valid signature must be what signing with it
// produces, and [signing.Sign] / [signing.Verify] must agree with the
// primitive on an object {"msg": <msg>} signed with that key (the signing
// input of an object is not msg itself, hence the re-signed copy).
func runEd25519(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	f := newFields(g, tc)
	pub, msg, sig := f.groupBytes("publicKey"), f.bytes("msg"), f.bytes("sig")
	if f.err != nil {
		return Outcome{}, f.err
	}
	if err := verifyRaw(pub, msg, sig); err != nil {
		return fail(err), nil
	}
	if !g.Has("seed") {
		return Outcome{}, nil
	}
	seed := f.groupBytes("seed")
	if f.err != nil {
		return Outcome{}, f.err
	}
	if len(seed) != ed25519.SeedSize {
		return Outcome{}, fmt.Errorf("group field \"seed\": %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if err := wantBytes("signature from seed", ed25519.Sign(priv, msg), sig); err != nil && tc.Result == vectors.Valid {
		return Outcome{Mismatch: err}, nil
	}
	return Outcome{Mismatch: checkSigningRoundTrip(priv, msg)}, nil
}

// verifyRaw verifies a bare Ed25519 signature with the reference library's
// rules: a public key of the wrong length is bad_key, anything else that
// does not verify is bad_signature.
func verifyRaw(pub, msg, sig []byte) error {
	if len(pub) != ed25519.PublicKeySize {
		return wire.Errorf(wire.BadKey, "publicKey", "%d bytes", len(pub))
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, msg, sig) {
		return wire.Errorf(wire.BadSignature, "sig", "does not verify")
	}
	return nil
}

// checkSigningRoundTrip signs {"msg": msg} with [signing.Sign] and checks
// that [signing.Verify] accepts it, so the object-level API agrees with the
// primitive on this key.
func checkSigningRoundTrip(priv ed25519.PrivateKey, msg []byte) error {
	obj := map[string]any{"msg": wire.Bytes(msg)}
	sig, err := signing.Sign(obj, priv)
	if err != nil {
		return fmt.Errorf("signing.Sign: %w", err)
	}
	obj["sig"] = sig
	raw, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	if err := signing.Verify(raw, priv.Public().(ed25519.PublicKey)); err != nil {
		return fmt.Errorf("signing.Verify of a fresh signature: %w", err)
	}
	return nil
}

// runXChaCha20Poly1305 runs xchacha20-poly1305.json through x/crypto's
// XChaCha20-Poly1305, the AEAD of envelope payloads: a key of the wrong
// length is bad_key, a ciphertext that does not open decrypt_failed; a valid
// test must open to msg and re-encrypt to ct.
func runXChaCha20Poly1305(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	f := newFields(g, tc)
	key := f.groupBytes("key")
	if f.err != nil {
		return Outcome{}, f.err
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return fail(wire.Wrap(wire.BadKey, "key", err)), nil
	}
	nonce, aad, ct := f.bytes("nonce"), f.bytes("aad"), f.bytes("ct")
	if f.err != nil {
		return Outcome{}, f.err
	}
	if len(nonce) != chacha20poly1305.NonceSizeX {
		return Outcome{}, fmt.Errorf("test field \"nonce\": %d bytes, want %d", len(nonce), chacha20poly1305.NonceSizeX)
	}
	msg, err := aead.Open(nil, nonce, ct, aad)
	if err != nil {
		return fail(wire.Wrap(wire.DecryptFailed, "ct", err)), nil
	}
	want := f.bytes("msg")
	if f.err != nil {
		return Outcome{}, f.err
	}
	if err := wantBytes("plaintext", msg, want); err != nil {
		return Outcome{Mismatch: err}, nil
	}
	return Outcome{Mismatch: wantBytes("ciphertext", aead.Seal(nil, nonce, want, aad), ct)}, nil
}
