package ticket

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
)

// Accept is the whole check a host runs when a peer opens a session
// WebSocket with a ticket and an auth proof. self is the host's own domain,
// hostKeys its own server keys, peerSignKey the sign key of the ticket's
// peer (from the peer's published bundle). In order:
//
//  1. the ticket was issued here (ticket.host == self): wrong_destination;
//  2. the ticket verifies ([Ticket.Verify]): expired, unknown_key, bad_signature;
//  3. the proof verifies against it ([VerifyAuth]).
//
// The host must still reject a replayed nonce and an ended session.
func Accept(ctx context.Context, now time.Time, self string, t *Ticket, auth *Auth, hostKeys fedsig.KeyLookup, peerSignKey ed25519.PublicKey) error {
	if t.Host != self {
		return fmt.Errorf("accept session: %w",
			wire.Errorf(wire.WrongDestination, "/host", "ticket was issued by %s, this server is %s", t.Host, self))
	}
	if err := t.Verify(ctx, now, hostKeys); err != nil {
		return fmt.Errorf("accept session: %w", err)
	}
	if err := VerifyAuth(now, auth, t, peerSignKey); err != nil {
		return fmt.Errorf("accept session: %w", err)
	}
	return nil
}
