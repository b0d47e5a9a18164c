package admin

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// reservation is how long a deleted account's local part stays reserved
// (the spec's minimum: 180 days).
const reservation = 180 * 24 * time.Hour

// listPage is how many accounts one store read returns.
const listPage = 500

// purgeBatch bounds the records one purge step deletes, so that purging
// a big account never holds the store's single writer for long.
const purgeBatch = 256

// accountList is admin-account-list.json.
type accountList struct {
	Accounts []accountEntry `json:"accounts"`
}

type accountEntry struct {
	Address string      `json:"address"`
	Status  string      `json:"status"` // active or suspended
	Created wire.Millis `json:"created"`
}

// listAccounts answers GET /admin/accounts: every account that is active
// or suspended (deleted and moved ones are records, not accounts).
func (s *Service) listAccounts(*http.Request, []byte) (int, any, error) {
	out := accountList{Accounts: []accountEntry{}}
	err := s.st.View(func(tx *store.Tx) error {
		out.Accounts = out.Accounts[:0]
		after := ""
		for {
			page, err := tx.ListAccounts(after, listPage)
			if err != nil || len(page) == 0 {
				return err
			}
			for _, a := range page {
				if a.State == store.StateActive || a.State == store.StateSuspended {
					out.Accounts = append(out.Accounts, accountEntry{Address: a.Address, Status: a.State, Created: a.Created})
				}
			}
			after = page[len(page)-1].Address
		}
	})
	if err != nil {
		return 0, nil, fmt.Errorf("list accounts: %w", err)
	}
	return http.StatusOK, out, nil
}

// suspend answers POST /admin/accounts/{address}/suspend
// (ADMIN-SUSPEND-01, -02): the account is suspended and its tokens
// revoked in one store operation, then its streams are closed.
func (s *Service) suspend(r *http.Request, _ []byte) (int, any, error) {
	addr, err := s.localAccount(r)
	if err != nil {
		return 0, nil, err
	}
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		acct, err := existing(tx, addr)
		if err != nil {
			return err
		}
		acct.State = store.StateSuspended
		if err := tx.PutAccount(acct); err != nil {
			return err
		}
		_, err = tx.DeleteTokensOf(addr.String())
		return err
	})
	if err != nil {
		return 0, nil, fmt.Errorf("suspend %s: %w", addr, err)
	}
	s.revoke(addr)
	return http.StatusNoContent, nil, nil
}

// unsuspend answers POST /admin/accounts/{address}/unsuspend: the account
// can log in again (its tokens stay revoked).
func (s *Service) unsuspend(r *http.Request, _ []byte) (int, any, error) {
	addr, err := s.localAccount(r)
	if err != nil {
		return 0, nil, err
	}
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		acct, err := existing(tx, addr)
		if err != nil || acct.State == store.StateActive {
			return err
		}
		acct.State = store.StateActive
		return tx.PutAccount(acct)
	})
	if err != nil {
		return 0, nil, fmt.Errorf("unsuspend %s: %w", addr, err)
	}
	return http.StatusNoContent, nil, nil
}

// deleteAccount answers DELETE /admin/accounts/{address}
// (ADMIN-DELETE-01) as a self-requested deletion does: in one store
// operation the account leaves its contacts (told with contact_removed)
// and its groups ([Hooks.Depart]), becomes a deleted record (later
// deliveries and key fetches answer gone), loses its tokens, keeps its
// local part reserved and is marked for purging; then its streams are
// closed and its data purged in batches (a purge a crash interrupts is
// resumed at start). A delete notice (delete-notice.json) is signed by
// the account itself, so an operator's deletion sends none.
func (s *Service) deleteAccount(r *http.Request, _ []byte) (int, any, error) {
	addr, err := s.localAccount(r)
	if err != nil {
		return 0, nil, err
	}
	until := s.deps.Millis() + wire.Millis(reservation.Milliseconds())
	var wake []address.Address
	var kick []string
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		wake, kick = nil, nil
		acct, err := existing(tx, addr)
		if err != nil {
			return err
		}
		if s.hooks.Depart != nil {
			if wake, kick, err = s.hooks.Depart(tx, addr); err != nil {
				return err
			}
		}
		return markDeleted(tx, acct, addr.Local, until)
	})
	if err != nil {
		return 0, nil, fmt.Errorf("delete %s: %w", addr, err)
	}
	s.revoke(addr)
	if s.hooks.Wake != nil {
		s.hooks.Wake(wake, kick)
	}
	if err := s.purge(context.WithoutCancel(r.Context()), addr.String()); err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, nil, nil
}

// markDeleted turns acct into a deleted record, revokes its tokens,
// reserves its local part until until and marks its data for purging.
func markDeleted(tx *store.Tx, acct store.Account, local string, until wire.Millis) error {
	gone := store.Account{Address: acct.Address, State: store.StateDeleted, Created: acct.Created}
	if err := tx.PutAccount(gone); err != nil {
		return err
	}
	if _, err := tx.DeleteTokensOf(acct.Address); err != nil {
		return err
	}
	if err := tx.Reserve(local, until); err != nil {
		return err
	}
	return tx.MarkPurge(acct.Address)
}

// purge deletes the data of addr in store operations of at most
// purgeBatch records each, then clears its mark.
func (s *Service) purge(ctx context.Context, addr string) error {
	for more := true; more; {
		err := s.st.Update(ctx, func(tx *store.Tx) error {
			var err error
			if more, err = tx.PurgeAccount(addr, purgeBatch); err == nil && !more {
				err = tx.DonePurge(addr)
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("purge %s: %w", addr, err)
		}
	}
	return nil
}

// localAccount parses the path address (folded like one a person types):
// bad_address when it breaks the grammar, not_found when it is not on
// this domain.
func (s *Service) localAccount(r *http.Request) (address.Address, error) {
	addr, err := address.Parse(r.PathValue("address"))
	if err != nil {
		return address.Address{}, fmt.Errorf("path address: %w", err)
	}
	if addr.Domain != s.cfg.Domain {
		return address.Address{}, httpapi.Errorf("not_found", "%s is not an account of %s", addr, s.cfg.Domain)
	}
	return addr, nil
}

// existing returns the account of addr: not_found when there is none, or
// only the record of a deleted or moved one.
func existing(tx *store.Tx, addr address.Address) (store.Account, error) {
	acct, ok, err := tx.GetAccount(addr.String())
	switch {
	case err != nil:
		return store.Account{}, err
	case !ok || acct.State == store.StateDeleted || acct.State == store.StateMoved:
		return store.Account{}, httpapi.Errorf("not_found", "%s has no account here", addr)
	}
	return acct, nil
}

// revoke closes addr's streams, if the server gave a way to.
func (s *Service) revoke(addr address.Address) {
	if s.hooks.Revoke != nil {
		s.hooks.Revoke(addr)
	}
}
