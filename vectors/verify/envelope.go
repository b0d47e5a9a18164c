package verify

import (
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// envelopeTest is the shape of an EnvelopeOpen test.
type envelopeTest struct {
	Reader               string                `json:"reader"`
	Envelope             string                `json:"envelope"`
	Inner                string                `json:"inner"`
	ContentKey           wire.Bytes            `json:"contentKey"`
	PayloadNonce         wire.Bytes            `json:"payloadNonce"`
	EphemeralPrivateKeys map[string]wire.Bytes `json:"ephemeralPrivateKeys"`
}

// runEnvelope runs envelope.json and group-envelope.json: the reader opens
// each envelope with [envelope.ParseEnvelope] and [envelope.Open]; a valid
// one must yield the expected inner message with a readable body, and
// rebuilding it with [envelope.SealWith] from the test's content key, nonce
// and ephemeral secrets must give the same envelope.
func runEnvelope(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	ps, err := partiesOf(g)
	if err != nil {
		return Outcome{}, err
	}
	var v envelopeTest
	if err := tc.Decode(&v); err != nil {
		return Outcome{}, fmt.Errorf("test: %w", err)
	}
	reader, err := address.Parse(v.Reader)
	if err != nil {
		return Outcome{}, fmt.Errorf("test field \"reader\": %w", err)
	}
	env, err := envelope.ParseEnvelope([]byte(v.Envelope))
	if err != nil {
		return fail(err), nil
	}
	sender, ok := ps[env.From.String()]
	if !ok {
		return Outcome{}, fmt.Errorf("no party %s", env.From)
	}
	in, err := envelope.Open(env, reader, ps[v.Reader].boxPrivate(), ed25519.PublicKey(sender.SignPublicKey))
	if err != nil {
		return fail(err), nil
	}
	if _, err := in.ParseBody(); err != nil {
		return Outcome{Mismatch: fmt.Errorf("body of a valid message: %w", err)}, nil
	}
	got, err := in.MarshalJSON()
	if err != nil {
		return Outcome{Mismatch: err}, nil
	}
	if err := wantBytes("inner message", got, []byte(v.Inner)); err != nil {
		return Outcome{Mismatch: err}, nil
	}
	return Outcome{Mismatch: resealEnvelope(env, in, v, ps)}, nil
}

// resealEnvelope rebuilds a valid envelope from the test's explicit values
// with [envelope.SealWith] and compares canonical forms.
func resealEnvelope(env *envelope.Envelope, in *envelope.Inner, v envelopeTest, ps map[string]party) error {
	p := envelope.Params{
		ID: in.ID, From: in.From, To: in.To, TS: in.TS, TTL: env.TTL, Session: env.Session, Body: in.Body,
		SignKey: ps[in.From.String()].signKey(), ContentKey: [32]byte(v.ContentKey), Nonce: [24]byte(v.PayloadNonce),
	}
	for addr, eph := range v.EphemeralPrivateKeys {
		a, err := address.Parse(addr)
		if err != nil {
			return fmt.Errorf("bad vector: ephemeral key for %q: %w", addr, err)
		}
		p.Wraps = append(p.Wraps, envelope.Wrap{To: a, BoxKey: ps[addr].boxPublic(), Ephemeral: [32]byte(eph)})
	}
	sealed, _, err := envelope.SealWith(p)
	if err != nil {
		return fmt.Errorf("SealWith: %w", err)
	}
	raw, err := sealed.MarshalJSON()
	if err != nil {
		return err
	}
	got, err := canonical.Transform(raw)
	if err != nil {
		return err
	}
	want, err := canonical.Transform([]byte(v.Envelope))
	if err != nil {
		return err
	}
	return wantBytes("envelope rebuilt with SealWith", got, want)
}
