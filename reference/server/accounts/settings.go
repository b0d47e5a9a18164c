package accounts

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// settingsPatch is the body of PATCH /settings (settings-patch.json): a nil
// member is one the request leaves unchanged.
type settingsPatch struct {
	AcceptStrangers *bool `json:"accept_strangers"`
	AcceptRequests  *bool `json:"accept_requests"`
	TTL             *int  `json:"ttl"`
	Typing          *bool `json:"typing"`
	Presence        *bool `json:"presence"`
}

// apply returns st with the members of p changed.
func (p settingsPatch) apply(st store.Settings) store.Settings {
	set := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	set(&st.AcceptStrangers, p.AcceptStrangers)
	set(&st.AcceptRequests, p.AcceptRequests)
	set(&st.Typing, p.Typing)
	set(&st.Presence, p.Presence)
	if p.TTL != nil {
		st.TTL = *p.TTL
	}
	return st
}

// handleGetSettings answers GET /emsg/v1/settings with the caller's
// settings (settings.json).
func (s *Service) handleGetSettings(w http.ResponseWriter, r *http.Request, caller address.Address) {
	var st store.Settings
	err := s.st.View(func(tx *store.Tx) error {
		acct, err := callerAccount(tx, caller)
		st = acct.Settings
		return err
	})
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("settings of %s: %w", caller, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, st)
}

// handlePatchSettings answers PATCH /emsg/v1/settings: only the members
// the body names change (SET-PATCH-01); the answer is the settings after
// the change.
func (s *Service) handlePatchSettings(w http.ResponseWriter, r *http.Request, caller address.Address) {
	body, err := s.readBody(r, "settings-patch")
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var p settingsPatch
	if err := json.Unmarshal(body, &p); err != nil {
		httpapi.WriteError(w, httpapi.Errorf("bad_request", "settings: %v", err))
		return
	}
	if maxTTL := s.policy().MaxTTL; p.TTL != nil && *p.TTL > maxTTL {
		httpapi.WriteError(w, httpapi.Errorf("bad_request", "ttl %d is above this server's max_ttl %d", *p.TTL, maxTTL))
		return
	}
	var after store.Settings
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		acct, err := callerAccount(tx, caller)
		if err != nil {
			return err
		}
		acct.Settings = p.apply(acct.Settings)
		after = acct.Settings
		return tx.PutAccount(acct)
	})
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("settings of %s: %w", caller, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, after)
}

// callerAccount returns the authenticated caller's account record; one
// that vanished or stopped being active since the token was checked is
// unauthorized, as the next request would be.
func callerAccount(tx *store.Tx, caller address.Address) (store.Account, error) {
	acct, exists, err := tx.GetAccount(caller.String())
	switch {
	case err != nil:
		return store.Account{}, err
	case !exists || acct.State != store.StateActive:
		return store.Account{}, errUnauthorized("the account is no longer active")
	}
	return acct, nil
}
