package verify

import (
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/vectors"
)

// runSealedBox runs sealed-box.json through the reference's sealed box
// ([envelope.SealKey] and [envelope.OpenKey]), the code that wraps every
// content key. SealedBoxSeal
// groups only seal (to recipient keys that must be refused); the other
// groups open the box, compare the message and re-seal it with the given
// ephemeral secret, which must reproduce the box byte for byte.
func runSealedBox(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	f := newFields(g, tc)
	pub := f.groupBytes("recipientPublicKey")
	if g.Type == "SealedBoxSeal" {
		msg, eph := f.bytes("msg"), f.bytes("ephemeralPrivateKey")
		if f.err != nil {
			return Outcome{}, f.err
		}
		_, err := envelope.SealKey(msg, pub, eph)
		return fail(err), nil
	}
	priv, sealed := f.groupBytes("recipientPrivateKey"), f.bytes("sealed")
	if f.err != nil {
		return Outcome{}, f.err
	}
	msg, err := envelope.OpenKey(sealed, priv)
	if err != nil {
		return fail(err), nil
	}
	want, eph := f.bytes("msg"), f.bytes("ephemeralPrivateKey")
	if f.err != nil {
		return Outcome{}, f.err
	}
	if err := wantBytes("opened message", msg, want); err != nil {
		return Outcome{Mismatch: err}, nil
	}
	again, err := envelope.SealKey(msg, pub, eph)
	if err != nil {
		return Outcome{Mismatch: err}, nil
	}
	return Outcome{Mismatch: wantBytes("re-sealed box", again, sealed)}, nil
}
