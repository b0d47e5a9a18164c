package accounts

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// FederationKeysPath is the key chain endpoint other servers call.
const FederationKeysPath = "/emsg/v1/federation/keys/{address}"

// FederationRoutes registers GET /emsg/v1/federation/keys/{address}
// (FED-KEYS-01): a signed request from another server, checked by v,
// gets every bundle of a local account, oldest first.
func (s *Service) FederationRoutes(m *httpapi.Mux, v fedsig.Verifier) {
	m.Handle(http.MethodGet, FederationKeysPath, func(w http.ResponseWriter, r *http.Request) {
		s.handleFederationKeys(w, r, v)
	})
}

func (s *Service) handleFederationKeys(w http.ResponseWriter, r *http.Request, v fedsig.Verifier) {
	if !hasFederationScheme(r) {
		httpapi.WriteError(w, httpapi.Errorf("unauthorized", "no Authorization header of scheme %s", fedsig.SchemeFederation))
		return
	}
	if _, err := v.VerifyRequest(r.Context(), s.deps.Now(), r, nil); err != nil {
		httpapi.WriteError(w, err)
		return
	}
	addr, err := address.Parse(r.PathValue("address"))
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("federation keys: %w", err))
		return
	}
	if addr.Domain != s.cfg.Domain {
		httpapi.WriteError(w, httpapi.Errorf("forbidden", "%s is not an address of %s", addr, s.cfg.Domain))
		return
	}
	var chain [][]byte
	err = s.st.View(func(tx *store.Tx) error {
		var err error
		chain, err = localChain(tx, addr.String())
		return err
	})
	if err != nil {
		httpapi.WriteError(w, fmt.Errorf("federation keys of %s: %w", addr, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, newKeyChain(chain))
}

// hasFederationScheme reports whether an Authorization header names the
// EMSG-Federation scheme (case-insensitive), parsable or not.
func hasFederationScheme(r *http.Request) bool {
	for _, h := range r.Header.Values("Authorization") {
		scheme, _, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, fedsig.SchemeFederation) {
			return true
		}
	}
	return false
}
