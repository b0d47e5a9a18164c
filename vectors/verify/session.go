package verify

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/ticket"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/vectors"
)

// sessionGroup is the shape of a session-ticket group (besides its parties).
type sessionGroup struct {
	Host         string                `json:"host"`
	Now          wire.Millis           `json:"now"`
	ServerKeys   map[string]wire.Bytes `json:"serverKeys"`
	SigningSeeds map[string]wire.Bytes `json:"signingSeeds"`
}

// runSessionTicket runs session-ticket.json through [ticket.ParseTicket],
// [ticket.ParseAuth] and [ticket.Accept], the host's whole check, at the
// group's clock; for a valid test it re-signs the ticket with the host's
// seed and the auth proof with the peer's, which must reproduce both sigs.
func runSessionTicket(g *vectors.Group, tc *vectors.Test) (Outcome, error) {
	var p sessionGroup
	if err := g.Decode(&p); err != nil {
		return Outcome{}, fmt.Errorf("group: %w", err)
	}
	ps, err := partiesOf(g)
	if err != nil {
		return Outcome{}, err
	}
	f := newFields(g, tc)
	tText, aText := []byte(f.str("ticket")), []byte(f.str("auth"))
	if f.err != nil {
		return Outcome{}, f.err
	}
	tk, err := ticket.ParseTicket(tText)
	if err != nil {
		return fail(err), nil
	}
	auth, err := ticket.ParseAuth(aText)
	if err != nil {
		return fail(err), nil
	}
	hostKeys := fedsig.StaticKeys{p.Host: {}}
	for id, pub := range p.ServerKeys {
		hostKeys[p.Host][id] = ed25519.PublicKey(pub)
	}
	peer := ps[tk.Peer.String()]
	if err := ticket.Accept(context.Background(), p.Now.Time(), p.Host, tk, auth, hostKeys, ed25519.PublicKey(peer.SignPublicKey)); err != nil {
		return fail(err), nil
	}
	if err := resign(tText, ed25519.NewKeyFromSeed(p.SigningSeeds[tk.Key])); err != nil {
		return Outcome{Mismatch: fmt.Errorf("ticket: %w", err)}, nil
	}
	return Outcome{Mismatch: resign(aText, peer.signKey())}, nil
}
