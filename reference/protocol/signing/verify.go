package signing

import (
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Verify checks the top-level "sig" of the JSON object raw, as received,
// against pub.
func Verify(raw []byte, pub ed25519.PublicKey) error {
	return VerifyField(raw, pub, sigMember)
}

// VerifyField checks the signature stored at path (for example "prev",
// "sig") of the JSON object raw, as received, against pub. The signed input
// is raw without its top-level "sig" and without the member at path
// ([InputWithout]). One pass of the canonicaliser yields both the input
// and the signature.
func VerifyField(raw []byte, pub ed25519.PublicKey, path ...string) error {
	if err := verifyField(raw, pub, path); err != nil {
		return fmt.Errorf("verify signature: %w", err)
	}
	return nil
}

func verifyField(raw []byte, pub ed25519.PublicKey, path []string) error {
	if len(path) == 0 {
		return wire.Errorf(wire.Malformed, "", "no signature member named")
	}
	if len(pub) != ed25519.PublicKeySize {
		return wire.Errorf(wire.BadKey, "", "public key is %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	input, at, err := split(raw, path)
	if err != nil {
		return err
	}
	sig, err := readSignature(at)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, input, sig) {
		return wire.Errorf(wire.BadSignature, pointer(path), "signature does not verify")
	}
	return nil
}

// readSignature returns the 64 signature bytes that the cut at found.
func readSignature(at *canonical.Cut) ([]byte, error) {
	field := pointer(at.Path)
	v, err := follow(at)
	if err != nil {
		return nil, err
	}
	s, ok := stringValue(v)
	if !ok {
		return nil, wire.Errorf(wire.Malformed, field, "signature must be a string")
	}
	sig, err := wire.DecodeBytes(s)
	if err != nil {
		return nil, wire.Errorf(wire.BadEncoding, field, "signature is not unpadded base64url")
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, wire.Errorf(wire.Malformed, field, "signature is %d bytes, want %d", len(sig), ed25519.SignatureSize)
	}
	return sig, nil
}
