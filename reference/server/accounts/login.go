package accounts

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/account"
	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/keys"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// challengeRequest is the body of POST /login/challenge.
type challengeRequest struct {
	Address string `json:"address"`
}

// challengeResponse is its answer (login-challenge.json).
type challengeResponse struct {
	Challenge wire.Bytes  `json:"challenge"`
	Expires   wire.Millis `json:"expires"`
}

// loginRequest is the body of POST /login; the proof stays raw for
// [account.ParseLoginProof], which verifies over the bytes as received.
type loginRequest struct {
	Proof json.RawMessage `json:"proof"`
}

// tokenResponse is the answer to POST /login (token.json).
type tokenResponse struct {
	Token   string      `json:"token"`
	Expires wire.Millis `json:"expires"`
}

// handleChallenge answers POST /emsg/v1/login/challenge. Every valid
// address gets a stored challenge, with or without an account, so that the
// answer and its timing do not reveal which accounts exist (LOGIN-CHAL-02).
func (s *Service) handleChallenge(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(r, "login-challenge-request", "/address")
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var req challengeRequest
	if err := json.Unmarshal(body, &req); err != nil {
		httpapi.WriteError(w, httpapi.Errorf("bad_request", "login challenge: %v", err))
		return
	}
	addr, err := address.ParseCanonical(req.Address)
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("login challenge: %w", err))
		return
	}
	ch, err := s.deps.Read(account.ChallengeSize)
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("login challenge: read randomness: %w", err))
		return
	}
	expires := s.now() + wire.Millis(ChallengeLifetime.Milliseconds())
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		return tx.PutChallenge(ch, addr.String(), expires)
	})
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("login challenge for %s: %w", addr, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, challengeResponse{Challenge: ch, Expires: expires})
}

// handleLogin answers POST /emsg/v1/login with a bearer token for a valid
// login proof.
func (s *Service) handleLogin(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(r, "login-request", "/proof/address")
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	var req loginRequest
	if err := json.Unmarshal(body, &req); err != nil {
		httpapi.WriteError(w, httpapi.Errorf("bad_request", "login: %v", err))
		return
	}
	proof, err := account.ParseLoginProof(req.Proof)
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("login: %w", err))
		return
	}
	token, err := s.newToken()
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	expires := s.now() + wire.Millis(TokenLifetime.Milliseconds())
	if err := s.st.Update(r.Context(), s.loginOp(proof, token, expires)); err != nil {
		httpapi.WriteError(w, fmt.Errorf("login %s: %w", proof.Address, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, tokenResponse{Token: token, Expires: expires})
}

// newToken draws a bearer token: [TokenBytes] random bytes in unpadded
// base64url, which token.json's alphabet allows.
func (s *Service) newToken() (string, error) {
	b, err := s.deps.Read(TokenBytes)
	if err != nil {
		return "", fmt.Errorf("new token: read randomness: %w", err)
	}
	return wire.EncodeBytes(b), nil
}

// loginOp checks proof in the spec's order and stores the token's hash.
//
// The checks that need no store (domain, ts, signature) come after the
// challenge in that order, and only taking the challenge tells whether it
// is fresh; so a proof refused after the take fails after writing, and the
// store rolls the take back (the challenge stays unused, as for every
// refusal). The other refusals write nothing.
func (s *Service) loginOp(proof *account.LoginProof, token string, expires wire.Millis) func(*store.Tx) error {
	addr := proof.Address.String()
	return func(tx *store.Tx) error {
		acct, exists, err := tx.GetAccount(addr)
		if err != nil {
			return err
		}
		if !exists || acct.State == store.StateDeleted || acct.State == store.StateMoved {
			return httpapi.Errorf("unauthorized", "%s has no account here", addr)
		}
		if err := takeChallenge(tx, proof, s.now()); err != nil {
			return err
		}
		if err := s.checkProof(tx, proof); err != nil {
			return err
		}
		if acct.State == store.StateSuspended {
			return httpapi.Errorf("forbidden", "%s is suspended", addr)
		}
		return tx.PutToken(store.HashToken(token), addr, expires)
	}
}

// takeChallenge uses the proof's challenge once (LOGIN-PROOF-02/03):
// unknown, expired or issued to another address is unauthorized, used
// before is replayed.
func takeChallenge(tx *store.Tx, proof *account.LoginProof, now wire.Millis) error {
	to, err := tx.TakeChallenge(proof.Challenge, now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return httpapi.Errorf("unauthorized", "the challenge was not issued by this server")
	case errors.Is(err, store.ErrExpired):
		return httpapi.Errorf("unauthorized", "the challenge has expired; ask for a new one")
	case errors.Is(err, store.ErrReplayed):
		return httpapi.Errorf("replayed", "the challenge was already used; ask for a new one")
	case err != nil:
		return err
	case to != proof.Address.String():
		return httpapi.Errorf("unauthorized", "the challenge was issued to another address")
	}
	return nil
}

// checkProof checks the proof's domain and ts (LOGIN-PROOF-04) and its
// signature with the account's current sign key (LOGIN-PROOF-01).
func (s *Service) checkProof(tx *store.Tx, proof *account.LoginProof) error {
	if proof.Domain != s.cfg.Domain {
		return httpapi.Errorf("unauthorized", "the proof is for %s, not for this server (%s)", proof.Domain, s.cfg.Domain)
	}
	if err := fedsig.CheckSkew(s.deps.Now(), proof.TS); err != nil {
		return httpapi.Errorf("unauthorized", "the proof's ts is more than 300000 ms from the server's clock")
	}
	current, err := currentBundle(tx, proof.Address.String())
	if err != nil {
		return err
	}
	return proof.Verify(current.SignPublic())
}

// currentBundle returns the newest bundle of a local account.
func currentBundle(tx *store.Tx, addr string) (keys.Bundle, error) {
	raw, err := tx.CurrentBundle(addr)
	if err != nil {
		return keys.Bundle{}, err
	}
	b, err := keys.ParseBundle(raw)
	if err != nil {
		// A stored bundle was verified when it was stored: failing now is
		// the server's fault (internal), not the client's defect.
		return keys.Bundle{}, fmt.Errorf("stored bundle of %s does not parse: %v", addr, err)
	}
	return b, nil
}

// handleLogout answers POST /emsg/v1/logout: the token of the request is
// revoked at once (LOGIN-LOGOUT-01).
func (s *Service) handleLogout(w http.ResponseWriter, r *http.Request) {
	addr, err := s.Authenticate(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	token, _ := bearerToken(r)
	err = s.st.Update(r.Context(), func(tx *store.Tx) error {
		return tx.DeleteToken(store.HashToken(token))
	})
	if errors.Is(err, store.ErrNotFound) {
		err = errUnauthorized("the token is unknown or revoked")
	}
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("logout: %w", err))
		return
	}
	if s.revoked != nil {
		s.revoked(addr)
	}
	w.WriteHeader(http.StatusNoContent)
}
