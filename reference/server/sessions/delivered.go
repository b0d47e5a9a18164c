package sessions

import (
	"context"
	"fmt"

	"github.com/emsg-project/emsg/reference/server/store"
)

// delivered drops the held envelopes ids the peer acknowledged on its
// socket and gives the initiator a delivered receipt for each: the peer
// holds it, which is what delivered means.
func (s *Service) delivered(sess *session, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	t := sess.ticket
	now := s.now()
	err := s.st.Update(context.Background(), func(tx *store.Tx) error {
		for _, id := range ids {
			_, ok, err := tx.Release(t.ID, id)
			if err != nil || !ok {
				if err != nil {
					return err
				}
				continue // fell back meanwhile: federation makes its receipt
			}
			ev, err := receiptEvent(receipt{Kind: "delivered", ID: id, From: t.Peer, To: t.Initiator, TS: now})
			if err != nil {
				return err
			}
			if _, err := tx.AppendEvent(t.Initiator.String(), ev, 0); err != nil {
				return fmt.Errorf("delivered receipt %s: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.wake(t.Initiator)
	return nil
}
