package migration

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// deleteAccount is deleteAccount: the checks of the package doc
// ("Notices"), then the deletion ("Delete"); 202 once the data is purged.
func (s *Service) deleteAccount(w http.ResponseWriter, r *http.Request) {
	me, err := s.auth(r)
	if err == nil {
		err = s.doDelete(r, me)
	}
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// doDelete reads, checks and applies the delete notice of me.
func (s *Service) doDelete(r *http.Request, me address.Address) error {
	raw, err := readRaw(r, maxNoticeBytes)
	if err != nil {
		return err
	}
	n, err := account.ParseDeleteNotice(raw)
	if err != nil {
		return fmt.Errorf("delete notice: %w", err)
	}
	if err := fits("delete-notice", raw); err != nil {
		return err
	}
	if err := checkSigner(me, n.Address, n.TS, s.deps.Millis()); err != nil {
		return err
	}
	var fx Effects
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		fx = Effects{}
		return s.applyOwnDelete(tx, me, n, &fx)
	})
	if err != nil {
		return err
	}
	s.wake(fx)
	s.closeStreams(me)
	if err := s.groups.LeaveAll(r.Context(), me); err != nil {
		slog.Error("deleted account leaving its groups", "address", me, "err", err)
	}
	return s.purge(context.WithoutCancel(r.Context()), me)
}

// applyOwnDelete verifies n with the current key of me (bad_signature),
// marks me deleted with its settings cleared, reserves its local part
// (DEL-RESERVE-01), revokes its tokens and forwards n to its accepted
// contacts.
func (s *Service) applyOwnDelete(tx *store.Tx, me address.Address, n *account.DeleteNotice, fx *Effects) error {
	key, err := currentKey(tx, me)
	if err != nil {
		return err
	}
	if err := n.Verify(key); err != nil {
		return badSignature(err)
	}
	acct, ok, err := tx.GetAccount(me.String())
	if err != nil || !ok {
		return fmt.Errorf("delete %s: %w", me, orNotFound(err))
	}
	now := s.deps.Millis()
	gone := store.Account{Address: acct.Address, State: store.StateDeleted, Created: acct.Created}
	if err := tx.PutAccount(gone); err != nil {
		return err
	}
	if err := tx.Reserve(me.Local, now+ReservePeriod); err != nil {
		return err
	}
	if _, err := tx.DeleteTokensOf(me.String()); err != nil {
		return err
	}
	if err := tx.MarkPurge(me.String()); err != nil {
		return err
	}
	notice, err := n.Bytes()
	if err != nil {
		return fmt.Errorf("encode delete notice: %w", err)
	}
	f := &forwarder{tx: tx, domain: s.cfg.Domain, notice: notice, item: itemDelete, fx: fx,
		apply: func(owner address.Address) error { return dropContact(tx, owner, me, notice, fx) }}
	return f.forwardToContacts(me)
}

// purge deletes the data of me in store operations of at most
// [purgeBatch] records each (DEL-PURGE-01), then clears its mark.
func (s *Service) purge(ctx context.Context, me address.Address) error {
	for more := true; more; {
		err := s.st.Update(ctx, func(tx *store.Tx) error {
			var err error
			if more, err = tx.PurgeAccount(me.String(), purgeBatch); err == nil && !more {
				err = tx.DonePurge(me.String())
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("purge %s: %w", me, err)
		}
	}
	return nil
}

// ResumePurges finishes the purges a crash or shutdown interrupted: the
// server runs it when it starts.
func (s *Service) ResumePurges(ctx context.Context) error {
	var pending []string
	if err := s.st.View(func(tx *store.Tx) error {
		var err error
		pending, err = tx.PendingPurges()
		return err
	}); err != nil {
		return fmt.Errorf("pending purges: %w", err)
	}
	for _, p := range pending {
		a, err := address.ParseCanonical(p)
		if err != nil {
			return fmt.Errorf("pending purge %q: %w", p, err)
		}
		if err := s.purge(ctx, a); err != nil {
			return err
		}
	}
	return nil
}
