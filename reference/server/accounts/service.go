package accounts

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Lifetimes and sizes the spec bounds (LOGIN-CHAL-01, LOGIN-TOKEN-01).
const (
	// ChallengeLifetime is how long a login challenge is accepted: the
	// spec's maximum, 5 minutes.
	ChallengeLifetime = 5 * time.Minute
	// TokenLifetime is how long a bearer token works: the spec's default
	// of 24 hours (at most 30 days are allowed).
	TokenLifetime = 24 * time.Hour
	// TokenBytes is the randomness of a bearer token: 256 bits, twice the
	// spec's minimum.
	TokenBytes = 32
)

// Service answers the account operations of the client API for one
// domain. Build it with [New]; it is safe for concurrent use.
type Service struct {
	st   *store.Store
	cfg  config.Config
	deps wire.Deps
	// revoked is told the account whose token a logout revoked, so that
	// its open streams close with 4001 at once (STREAM-TOKEN-01).
	revoked func(address.Address)
	// rotated is told the account that rotated its keys and the new
	// bundle, once durable: the contacts package tells the contacts
	// (KEY-ROTATE-01/02).
	rotated func(ctx context.Context, addr address.Address, bundle []byte) error
}

// OnRotate sets what the service tells after a key rotation.
func (s *Service) OnRotate(f func(ctx context.Context, addr address.Address, bundle []byte) error) {
	s.rotated = f
}

// OnRevoke sets what the service tells after a logout revoked a token of
// an account: the stream hub's Revalidate.
func (s *Service) OnRevoke(f func(address.Address)) { s.revoked = f }

// New returns the account service of cfg.Domain over st. deps supplies
// challenges, tokens and the clock; its Rand is read under a lock, so a
// seeded reader is safe too.
func New(st *store.Store, cfg config.Config, deps wire.Deps) *Service {
	deps.Rand = &lockedReader{r: deps.Rand}
	return &Service{st: st, cfg: cfg, deps: deps}
}

// Routes registers the account operations on m.
func (s *Service) Routes(m *httpapi.Mux) {
	m.Handle(http.MethodPost, "/emsg/v1/register", s.handleRegister)
	m.Handle(http.MethodPost, "/emsg/v1/login/challenge", s.handleChallenge)
	m.Handle(http.MethodPost, "/emsg/v1/login", s.handleLogin)
	m.Handle(http.MethodPost, "/emsg/v1/logout", s.handleLogout)
	m.Handle(http.MethodGet, "/emsg/v1/keys/{address}", s.authed(s.handleGetKeys))
	m.Handle(http.MethodPut, "/emsg/v1/keys", s.authed(s.handleRotateKeys))
	m.Handle(http.MethodGet, "/emsg/v1/settings", s.authed(s.handleGetSettings))
	m.Handle(http.MethodPatch, "/emsg/v1/settings", s.authed(s.handlePatchSettings))
}

// authedHandler is a handler that runs for an authenticated caller.
type authedHandler func(w http.ResponseWriter, r *http.Request, caller address.Address)

// authed runs h for the caller [Service.Authenticate] finds, and answers
// its error otherwise.
func (s *Service) authed(h authedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.Authenticate(r)
		if err != nil {
			httpapi.WriteError(w, err)
			return
		}
		h(w, r, caller)
	}
}

// now is the service clock in wire milliseconds.
func (s *Service) now() wire.Millis { return s.deps.Millis() }

// lockedReader serialises reads of a randomness source that may not be
// safe for concurrent use (wire.Seeded's key stream is not).
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

// Read reads from the wrapped reader under the lock.
func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}
