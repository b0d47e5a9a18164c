package migration

import (
	"context"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// move is moveAccount: the checks of the package doc ("Notices", "Move"),
// then the account is marked moved and the notice forwarded, in one store
// operation (202).
func (s *Service) move(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err == nil {
		err = s.doMove(r, me)
	}
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// doMove reads, checks and applies the move notice of me.
func (s *Service) doMove(r *http.Request, me address.Address) error {
	raw, err := readRaw(r, maxNoticeBytes)
	if err != nil {
		return err
	}
	n, err := account.ParseMoveNotice(raw)
	if err != nil {
		return fmt.Errorf("move notice: %w", err)
	}
	if err := fits("move-notice", raw); err != nil {
		return err
	}
	if err := checkSigner(me, n.From, n.TS, s.deps.Millis()); err != nil {
		return err
	}
	if err := s.checkNoOwnedGroup(r.Context(), me); err != nil {
		return err
	}
	var fx Effects
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		fx = Effects{}
		return s.applyOwnMove(tx, me, n, &fx)
	})
	if err != nil {
		return err
	}
	s.wake(fx)
	return nil
}

// checkNoOwnedGroup refuses the move of a group owner (MOVE-OWNER-01).
func (s *Service) checkNoOwnedGroup(ctx context.Context, me address.Address) error {
	var gs []account.Group
	err := s.st.View(func(tx *store.Tx) error {
		var err error
		gs, err = memberships(tx, me)
		return err
	})
	if err != nil {
		return fmt.Errorf("groups of %s: %w", me, err)
	}
	for _, g := range gs {
		if g.Role == account.RoleOwner {
			return httpapi.Errorf("forbidden", "%s owns the group %s: transfer ownership before moving", me, g.Address)
		}
	}
	return nil
}

// applyOwnMove verifies n with the current key of me (bad_signature),
// marks me moved to n.To and forwards n to its accepted contacts. The
// same move again changes nothing; another one is forbidden. The tokens
// of me stay: it may drain its stream, and its sends are answered moved.
func (s *Service) applyOwnMove(tx *store.Tx, me address.Address, n *account.MoveNotice, fx *Effects) error {
	key, err := currentKey(tx, me)
	if err != nil {
		return err
	}
	if err := n.Verify(key); err != nil {
		return badSignature(err)
	}
	acct, ok, err := tx.GetAccount(me.String())
	switch {
	case err != nil || !ok:
		return fmt.Errorf("move %s: %w", me, orNotFound(err))
	case acct.State == store.StateMoved && acct.MovedTo == n.To.String():
		return nil // the same move again: harmless
	case acct.State == store.StateMoved:
		return httpapi.Errorf("forbidden", "%s moved to %s already", me, acct.MovedTo)
	}
	acct.State, acct.MovedTo = store.StateMoved, n.To.String()
	if err := tx.PutAccount(acct); err != nil {
		return err
	}
	notice, bundle, err := moveBytes(n)
	if err != nil {
		return err
	}
	now := s.deps.Millis()
	f := &forwarder{tx: tx, domain: s.cfg.Domain, notice: notice, item: itemMove, fx: fx,
		apply: func(owner address.Address) error {
			return switchContact(tx, owner, me, n.To, bundle, notice, now, fx)
		}}
	return f.forwardToContacts(me)
}

// moveBytes returns the wire form of n and the canonical form of its
// bundle (what contacts store).
func moveBytes(n *account.MoveNotice) (notice, bundle []byte, err error) {
	if notice, err = n.Bytes(); err != nil {
		return nil, nil, fmt.Errorf("encode move notice: %w", err)
	}
	if bundle, err = n.Bundle.Canonical(); err != nil {
		return nil, nil, fmt.Errorf("encode moved bundle: %w", err)
	}
	return notice, bundle, nil
}
