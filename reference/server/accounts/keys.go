package accounts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/canonical"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// rotateAttempts bounds how often a rotation is checked again when another
// rotation of the same account lands between its check and its write.
const rotateAttempts = 3

// errChainMoved reports that the current bundle changed after a rotation
// was checked against it.
var errChainMoved = errors.New("the key chain changed")

// keyChain is the answer of GET and PUT /keys (key-chain.json): every
// bundle of the account, oldest first, as the bytes stored (encoding/json
// compacts them: insignificant white space goes, nothing else changes).
type keyChain struct {
	Bundles []json.RawMessage `json:"bundles"`
}

// newKeyChain wraps stored bundles for the answer.
func newKeyChain(chain [][]byte) keyChain {
	out := keyChain{Bundles: make([]json.RawMessage, len(chain))}
	for i, raw := range chain {
		out.Bundles[i] = raw
	}
	return out
}

// handleGetKeys answers GET /emsg/v1/keys/{address}. The path address is
// folded like one a person types (ADDR-CASE-01, ADDR-URL-01).
func (s *Service) handleGetKeys(w http.ResponseWriter, r *http.Request, _ address.Address) {
	addr, err := address.Parse(r.PathValue("address"))
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("keys: %w", err))
		return
	}
	if addr.Domain != s.cfg.Domain {
		httpapi.WriteError(w, httpapi.Errorf("unavailable",
			"the keys of %s are on %s: key fetch over federation is not implemented yet", addr, addr.Domain))
		return
	}
	var chain [][]byte
	err = s.st.View(func(tx *store.Tx) error {
		var err error
		chain, err = localChain(tx, addr.String())
		return err
	})
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("keys of %s: %w", addr, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, newKeyChain(chain))
}

// localChain returns the bundles of a local account (KEY-KEEP-01):
// not_found without an account (KEY-FETCH-02), gone for a deleted one and
// moved, with moved_to, for a moved one (KEY-FETCH-03).
func localChain(tx *store.Tx, addr string) ([][]byte, error) {
	acct, exists, err := tx.GetAccount(addr)
	switch {
	case err != nil:
		return nil, err
	case !exists:
		return nil, httpapi.Errorf("not_found", "%s has no account", addr)
	case acct.State == store.StateDeleted:
		return nil, httpapi.Errorf("gone", "%s was deleted", addr)
	case acct.State == store.StateMoved:
		return nil, &httpapi.Error{Code: "moved", Message: addr + " moved to " + acct.MovedTo, MovedTo: acct.MovedTo}
	}
	chain, err := tx.Bundles(addr)
	if err == nil && len(chain) == 0 {
		err = fmt.Errorf("account %s has no bundle", addr)
	}
	return chain, err
}

// handleRotateKeys answers PUT /emsg/v1/keys: a rotated bundle of the
// caller extends its chain.
//
// KEY-ROTATE-01/02 (key_rotated events and federation items to the
// contacts) are the contacts package's: it is told through OnRotate once
// the new chain is durable.
func (s *Service) handleRotateKeys(w http.ResponseWriter, r *http.Request, caller address.Address) {
	body, err := s.readBody(r, "key-bundle", "/address")
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	nb, err := keys.ParseBundle(body)
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("rotate keys: %w", err))
		return
	}
	if nb.Address != caller {
		httpapi.WriteError(w, httpapi.Errorf("forbidden", "the bundle is for %s, not for the caller %s", nb.Address, caller))
		return
	}
	chain, err := s.rotate(r.Context(), nb, body)
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("rotate keys of %s: %w", caller, err))
		return
	}
	if s.rotated != nil {
		// The chain is durable: the rotation stands even if telling the
		// contacts fails (they still find the new bundle by GET /keys).
		if err := s.rotated(r.Context(), caller, body); err != nil {
			slog.Error("tell contacts of a key rotation", "account", caller.String(), "err", err)
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, newKeyChain(chain))
}

// rotate appends nb (received as raw) to its account's chain and returns
// the chain. The signatures are checked outside the store's writer,
// against the chain read in a View; the write then only confirms that the
// current bundle is still the one checked, and checks again when a
// concurrent rotation got there first.
func (s *Service) rotate(ctx context.Context, nb keys.Bundle, raw []byte) ([][]byte, error) {
	addr := nb.Address.String()
	for range rotateAttempts {
		var chain [][]byte
		if err := s.st.View(func(tx *store.Tx) error {
			var err error
			chain, err = localChain(tx, addr)
			return err
		}); err != nil {
			return nil, err
		}
		known, err := extends(chain, nb, raw)
		if err != nil {
			return nil, err
		}
		if known {
			return chain, nil
		}
		err = s.st.Update(ctx, func(tx *store.Tx) error {
			cur, err := tx.CurrentBundle(addr)
			if err != nil {
				return err
			}
			if !bytes.Equal(cur, chain[len(chain)-1]) {
				return errChainMoved
			}
			return tx.AppendBundle(addr, raw)
		})
		if errors.Is(err, errChainMoved) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return append(chain, raw), nil
	}
	return nil, httpapi.Errorf("unavailable", "the key chain kept changing during the upload; retry")
}

// extends reports whether nb is already in chain (a repeated upload:
// nothing to do) and otherwise checks that it extends the chain's current
// bundle (KEY-CHAIN-01, KEY-PREV-01): a prev link to the current sign key,
// a later created time, the same address, else bad_signature.
func extends(chain [][]byte, nb keys.Bundle, raw []byte) (known bool, err error) {
	want, err := canonical.Protocol(raw)
	if err != nil {
		return false, fmt.Errorf("canonical form: %w", err)
	}
	for _, stored := range chain {
		if c, err := canonical.Protocol(stored); err == nil && bytes.Equal(c, want) {
			return true, nil
		}
	}
	current, err := keys.ParseBundle(chain[len(chain)-1])
	if err != nil {
		return false, fmt.Errorf("stored current bundle does not parse: %v", err)
	}
	if nb.Prev == nil {
		return false, httpapi.Errorf("bad_signature", "a rotated bundle must carry prev, linking it to the current sign key")
	}
	if err := keys.VerifyChain([]keys.Bundle{current, nb}); err != nil {
		return false, err
	}
	return false, nil
}
