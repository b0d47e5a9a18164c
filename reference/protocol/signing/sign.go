package signing

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Sign encodes obj as JSON and returns the Ed25519 signature of its signing
// input ([Input]): whatever obj's "sig" member holds is not signed. Store
// the result in that member to obtain the signed object.
func Sign(obj any, priv ed25519.PrivateKey) (wire.Bytes, error) {
	return SignField(obj, priv, sigMember)
}

// SignField is [Sign] for the signature at path: the input also leaves out
// the member at path ([InputWithout]), which the caller fills with the
// result.
func SignField(obj any, priv ed25519.PrivateKey, path ...string) (wire.Bytes, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, wire.Errorf(wire.BadKey, "", "sign: private key is %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	input, err := InputWithout(raw, path...)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return ed25519.Sign(priv, input), nil
}
