package accounts

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Registration policies ([config.Config].Registration).
const (
	PolicyOpen   = "open"
	PolicyInvite = "invite"
)

// registerRequest is the body of POST /register (register-request.json).
// The bundle stays raw: its signature covers exactly those bytes, and the
// chain stores them as received.
type registerRequest struct {
	Bundle json.RawMessage `json:"bundle"`
	Invite string          `json:"invite"`
}

// registerResponse is the 201 answer (register-response.json).
type registerResponse struct {
	Address string `json:"address"`
}

// handleRegister answers POST /emsg/v1/register.
func (s *Service) handleRegister(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(r, "register-request", "/bundle/address")
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var req registerRequest
	if err := json.Unmarshal(body, &req); err != nil {
		httpapi.WriteError(w, httpapi.Errorf("bad_request", "register: %v", err))
		return
	}
	b, err := s.checkNewBundle(req.Bundle)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	if err := s.checkInvitePresent(req.Invite); err != nil {
		httpapi.WriteError(w, err)
		return
	}
	if err := s.st.Update(r.Context(), s.registerOp(b, req.Bundle, req.Invite)); err != nil {
		httpapi.WriteError(w, fmt.Errorf("register %s: %w", b.Address, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, registerResponse{Address: b.Address.String()})
}

// checkNewBundle parses and verifies the first bundle of a new account: a
// valid self-signed bundle (bad_request, bad_address, bad_signature) for
// this domain (bad_address, ACCT-REG-02) without prev (bad_request,
// ACCT-REG-04).
func (s *Service) checkNewBundle(raw []byte) (keys.Bundle, error) {
	b, err := keys.ParseBundle(raw)
	if err != nil {
		return keys.Bundle{}, fmt.Errorf("register: %w", err)
	}
	if b.Address.Domain != s.cfg.Domain {
		return keys.Bundle{}, httpapi.Errorf("bad_address", "%s is not on this server's domain %s", b.Address, s.cfg.Domain)
	}
	if b.Prev != nil {
		return keys.Bundle{}, httpapi.Errorf("bad_request", "a registration bundle starts a new key chain and must not carry prev")
	}
	return b, nil
}

// checkInvitePresent refuses a registration without an invite token when
// the policy is invite (ACCT-INVITE-01); the token itself is checked when
// it is used.
func (s *Service) checkInvitePresent(invite string) error {
	if s.cfg.Registration == PolicyInvite && invite == "" {
		return httpapi.Errorf("forbidden", "registration on %s is by invitation; send an invite token", s.cfg.Domain)
	}
	return nil
}

// registerOp creates the account of b: address_taken for a registered
// address or a reserved local part (ACCT-REG-03), then, under the invite
// policy, the invite is consumed (forbidden if unknown, used or expired;
// ACCT-INVITE-02); only then anything is written.
func (s *Service) registerOp(b keys.Bundle, raw []byte, invite string) func(*store.Tx) error {
	addr := b.Address.String()
	return func(tx *store.Tx) error {
		now := s.now()
		if err := checkUnused(tx, b, now); err != nil {
			return err
		}
		if s.cfg.Registration == PolicyInvite {
			if err := useInvite(tx, invite, now); err != nil {
				return err
			}
		}
		acct := store.Account{Address: addr, State: store.StateActive, Created: now, Settings: s.defaultSettings()}
		if err := tx.PutAccount(acct); err != nil {
			return err
		}
		return tx.AppendBundle(addr, raw)
	}
}

// checkUnused answers address_taken when b's address has an account (in
// any state: deleted and moved accounts keep their record) or a group
// (dissolved ones included), or its local part is reserved after a
// deletion.
func checkUnused(tx *store.Tx, b keys.Bundle, now wire.Millis) error {
	if _, exists, err := tx.GetAccount(b.Address.String()); err != nil {
		return err
	} else if exists {
		return httpapi.Errorf("address_taken", "%s is registered", b.Address)
	}
	if _, isGroup, err := tx.GetGroup(b.Address.String()); err != nil {
		return err
	} else if isGroup {
		return httpapi.Errorf("address_taken", "%s is a group", b.Address)
	}
	until, reserved, err := tx.ReservedUntil(b.Address.Local)
	if err != nil {
		return err
	}
	if reserved && now < until {
		return httpapi.Errorf("address_taken", "%s is reserved after a deletion", b.Address)
	}
	return nil
}

// useInvite consumes an invite token; an unknown, used or expired one is
// forbidden.
func useInvite(tx *store.Tx, invite string, now wire.Millis) error {
	err := tx.UseInvite(store.HashToken(invite), now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return httpapi.Errorf("forbidden", "the invite token is unknown or already used")
	case errors.Is(err, store.ErrExpired):
		return httpapi.Errorf("forbidden", "the invite token has expired")
	}
	return err
}

// defaultSettings are a new account's settings (SET-DEFAULT-01).
func (s *Service) defaultSettings() store.Settings {
	return store.Settings{AcceptStrangers: false, AcceptRequests: true, TTL: s.cfg.DefaultTTL, Typing: true, Presence: true}
}
