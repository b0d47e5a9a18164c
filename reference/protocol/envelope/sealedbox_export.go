package envelope

import "github.com/emsg-project/emsg/reference/protocol/wire"

// SealKey is libsodium's crypto_box_seal with an explicit ephemeral
// secret: it seals msg (a content key, in an envelope) for the X25519
// public key recipient. The same inputs give the same bytes in every
// implementation, which is how the sealed-box vectors are checked. A
// recipient key that is not 32 bytes, or is a low-order point (whose
// shared secret anyone knows), is refused with [wire.BadKey].
func SealKey(msg, recipient, ephemeral []byte) ([]byte, error) {
	if len(recipient) != 32 {
		return nil, wire.Errorf(wire.BadKey, "/recipient", "got %d bytes, want 32", len(recipient))
	}
	if len(ephemeral) != 32 {
		return nil, wire.Errorf(wire.BadKey, "/ephemeral", "got %d bytes, want 32", len(ephemeral))
	}
	box, err := sealKey(nil, msg, (*[32]byte)(recipient), (*[32]byte)(ephemeral))
	if err != nil {
		return nil, wire.Wrap(wire.BadKey, "/recipient", err)
	}
	return box, nil
}

// OpenKey is libsodium's crypto_box_seal_open: it opens a sealed box with
// the reader's X25519 secret. Every failure of the box itself (too short, a
// low-order ephemeral key, a forged tag) is [wire.DecryptFailed]; a secret
// that is not 32 bytes is [wire.BadKey].
func OpenKey(sealed, secret []byte) ([]byte, error) {
	if len(secret) != 32 {
		return nil, wire.Errorf(wire.BadKey, "/secret", "got %d bytes, want 32", len(secret))
	}
	k, err := newBoxKey((*[32]byte)(secret))
	if err != nil {
		return nil, wire.Wrap(wire.BadKey, "/secret", err)
	}
	msg, ok := k.open(sealed)
	if !ok {
		return nil, wire.Errorf(wire.DecryptFailed, "", "the sealed box does not open with this key")
	}
	return msg, nil
}
