package messaging

import (
	"fmt"

	"github.com/emsg-project/emsg/reference/protocol/envelope"
	"github.com/emsg-project/emsg/reference/server/store"
)

// relay queues env for its recipient's server as an "envelope" federation
// item, expiring with the envelope, and remembers (from, id). The
// federation workers send it; a refusal by the destination comes back as
// a failed receipt (DELIV-FAILED-01).
func relay(tx *store.Tx, env *envelope.Envelope, raw []byte) error {
	item, err := envelopeItem(raw)
	if err != nil {
		return err
	}
	if _, err := tx.Enqueue(env.To.Domain, item, expiry(env)); err != nil {
		return fmt.Errorf("relay %s to %s: %w", env.ID, env.To.Domain, err)
	}
	return RememberDelivery(tx, env.From, env.ID, Delivery{To: env.To, Expires: expiry(env)})
}
