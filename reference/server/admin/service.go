package admin

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/policy"
	"github.com/emsg-project/emsg/reference/server/store"
)

// base is the path every admin operation starts with.
const base = "/emsg/v1/admin"

// Feature is the discovery feature that offers the admin API.
const Feature = "admin"

// Hooks are what the admin API needs from the rest of the server. Every
// field may be nil.
type Hooks struct {
	// Revoke closes the open streams of an account whose tokens were just
	// revoked (stream.Hub.Revalidate).
	Revoke func(address.Address)
	// HostsGroup reports whether a group is hosted here (auto_join must
	// name such groups); nil hosts none.
	HostsGroup func(group string) bool
	// Groups counts the groups hosted here, for the statistics.
	Groups func() int
	// PolicyChanged runs after a new policy took effect (the server
	// adjusts its rate limits).
	PolicyChanged func(policy.Policy)
	// Depart takes a deleted account out of its contacts' lists and its
	// groups, telling them, in the deletion's store operation; it returns
	// the accounts and destinations to wake after the commit.
	Depart func(tx *store.Tx, addr address.Address) (wake []address.Address, kick []string, err error)
	// Wake notifies the streams of wake and the queues of kick.
	Wake func(wake []address.Address, kick []string)
}

// Service answers the admin API of one server. Build it with [New]; it is
// safe for concurrent use.
type Service struct {
	st       *store.Store
	cfg      config.Config
	deps     wire.Deps
	live     *policy.Live
	hooks    Hooks
	verifier fedsig.Verifier
	randMu   sync.Mutex // deps.Rand may be a seeded reader, unsafe for concurrent use
}

// New returns the admin service of the server configured by cfg, with the
// policy live and the operator keys of cfg.AdminKeys.
func New(st *store.Store, cfg config.Config, deps wire.Deps, live *policy.Live, hooks Hooks) (*Service, error) {
	keys, err := cfg.OperatorKeys()
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	lookup := fedsig.StaticKeys{fedsig.AdminOrigin: map[string]ed25519.PublicKey{}}
	for id, k := range keys {
		lookup[fedsig.AdminOrigin][id] = k
	}
	v := fedsig.Verifier{Scheme: fedsig.SchemeAdmin, Self: cfg.Domain, Keys: lookup}
	return &Service{st: st, cfg: cfg, deps: deps, live: live, hooks: hooks, verifier: v}, nil
}

// Routes registers the admin operations on m, if the configuration
// offers the admin feature and names at least one operator key (without
// one nobody could use them).
func (s *Service) Routes(m *httpapi.Mux) {
	if !slices.Contains(s.cfg.Features, Feature) || len(s.cfg.AdminKeys) == 0 {
		return
	}
	m.Handle(http.MethodPost, base+"/invites", s.signed(s.createInvite))
	m.Handle(http.MethodGet, base+"/accounts", s.signed(s.listAccounts))
	m.Handle(http.MethodPost, base+"/accounts/{address}/suspend", s.signed(s.suspend))
	m.Handle(http.MethodPost, base+"/accounts/{address}/unsuspend", s.signed(s.unsuspend))
	m.Handle(http.MethodDelete, base+"/accounts/{address}", s.signed(s.deleteAccount))
	m.Handle(http.MethodGet, base+"/stats", s.signed(s.stats))
	m.Handle(http.MethodGet, base+"/policy", s.signed(s.getPolicy))
	m.Handle(http.MethodPut, base+"/policy", s.signed(s.putPolicy))
}

// operation is an admin operation: it runs once the request is
// authenticated, with the body already read, and returns the status and
// the answer (nil for none) or an error to answer with.
type operation func(r *http.Request, body []byte) (status int, answer any, err error)

// signed reads the body (too_large beyond the limit), authenticates the
// operator, runs op and writes its answer.
func (s *Service) signed(op operation) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := s.readBody(r)
		if err == nil {
			err = s.authenticate(r, body)
		}
		var status int
		var answer any
		if err == nil {
			status, answer, err = op(r, body)
		}
		switch {
		case err != nil:
			httpapi.WriteError(w, err)
		case answer == nil:
			w.WriteHeader(status)
		default:
			httpapi.WriteJSON(w, status, answer)
		}
	}
}

// readBody reads at most cfg.MaxBodyBytes.
func (s *Service) readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, int64(s.cfg.MaxBodyBytes)))
	if err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return nil, httpapi.Errorf("too_large", "the body exceeds %d bytes", s.cfg.MaxBodyBytes)
		}
		return nil, httpapi.Errorf("bad_request", "the body could not be read: %v", err)
	}
	return body, nil
}

// authenticate checks the EMSG-Admin signature in the spec's order: no
// such header (a bearer token included) is unauthorized, the rest is
// [fedsig.Verifier]'s (bad_request, forbidden, unauthorized,
// bad_signature).
func (s *Service) authenticate(r *http.Request, body []byte) error {
	if !slices.ContainsFunc(r.Header.Values("Authorization"), isAdminScheme) {
		return httpapi.Errorf("unauthorized", "sign the request with an operator key (Authorization: %s ...); account tokens do not open the admin API", fedsig.SchemeAdmin)
	}
	if _, err := s.verifier.VerifyRequest(r.Context(), s.deps.Now(), r, body); err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	return nil
}

// isAdminScheme reports whether an Authorization value names the
// EMSG-Admin scheme (case-insensitive, RFC 9110), parsable or not.
func isAdminScheme(h string) bool {
	scheme, _, _ := strings.Cut(h, " ")
	return strings.EqualFold(scheme, fedsig.SchemeAdmin)
}
