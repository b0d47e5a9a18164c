package accounts

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// streamPath is the one operation whose token may travel in the query
// (?access_token=), for WebSocket clients that cannot set headers.
const streamPath = "/emsg/v1/stream"

// Authenticate returns the account a request is made for: the owner of its
// bearer token, sent as "Authorization: Bearer <token>" (or, for GET
// /emsg/v1/stream only, as the access_token query parameter). A missing,
// unknown, expired or revoked token, or one whose account is suspended or
// deleted, gives an [*httpapi.Error] with code unauthorized
// (LOGIN-TOKEN-02, ADMIN-SUSPEND-02). A moved account keeps the tokens it
// had (it can no longer log in): it drains its stream, and what it sends
// is answered moved (MOVE-SEND-01). Authenticate only
// reads the store.
func (s *Service) Authenticate(r *http.Request) (address.Address, error) {
	token, ok := bearerToken(r)
	if !ok {
		return address.Address{}, errUnauthorized("send the token from POST /login as Authorization: Bearer <token>")
	}
	var owner string
	err := s.st.View(func(tx *store.Tx) error {
		var err error
		owner, err = activeOwner(tx, token, s.now())
		return err
	})
	if err != nil {
		return address.Address{}, fmt.Errorf("authenticate: %w", err)
	}
	addr, err := address.ParseCanonical(owner)
	if err != nil {
		return address.Address{}, fmt.Errorf("authenticate: stored token owner %q: %v", owner, err)
	}
	return addr, nil
}

// activeOwner returns the address of an active account that token
// belongs to at now.
func activeOwner(tx *store.Tx, token string, now wire.Millis) (string, error) {
	owner, err := tx.TokenAccount(store.HashToken(token), now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", errUnauthorized("the token is unknown or revoked; log in again")
	case errors.Is(err, store.ErrExpired):
		return "", errUnauthorized("the token has expired; log in again")
	case err != nil:
		return "", err
	}
	acct, exists, err := tx.GetAccount(owner)
	if err != nil {
		return "", err
	}
	if !exists || acct.State != store.StateActive && acct.State != store.StateMoved {
		return "", errUnauthorized("the account of this token is no longer active")
	}
	return owner, nil
}

// bearerToken returns the token a request carries, and whether it carries
// one. The scheme name is case-insensitive (RFC 9110 §11.1).
func bearerToken(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		token = strings.TrimLeft(token, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
			return "", false
		}
		return token, true
	}
	if r.Method == http.MethodGet && r.URL.Path == streamPath {
		if token := r.URL.Query().Get("access_token"); token != "" {
			return token, true
		}
	}
	return "", false
}

// errUnauthorized is the answer to a request without a usable token.
func errUnauthorized(msg string) *httpapi.Error {
	return httpapi.Errorf("unauthorized", "%s", msg)
}
