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
	"github.com/emsg-project/emsg/reference/server/policy"
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
	live *policy.Live // the operator's policy; nil: the configuration's

	fetcher  KeyFetcher // remote key chains; nil: unavailable
	notify   Notifier
	kick     Kicker
	autoJoin AutoJoiner // nil: auto_join is not applied

	// revoked is told the account whose token a logout revoked, so that
	// its open streams close with 4001 at once (STREAM-TOKEN-01).
	revoked func(address.Address)
}

// OnRevoke sets what the service tells after a logout revoked a token of
// an account: the stream hub's Revalidate.
func (s *Service) OnRevoke(f func(address.Address)) { s.revoked = f }

// AutoJoiner makes a new account a member of a hosted group in the
// registration's store operation and returns the streams and queues to
// wake after the commit (the groups service, adapted by the server).
type AutoJoiner func(tx *store.Tx, group string, account address.Address) (wake []address.Address, kick []string, err error)

// SetAutoJoin makes registration apply the policy's auto_join with j;
// call it before serving.
func (s *Service) SetAutoJoin(j AutoJoiner) { s.autoJoin = j }

// KeyFetcher fetches the key chain of a remote address over federation,
// verified ([*federation.KeyFetcher]); its errors are answers.
type KeyFetcher interface {
	FetchChain(ctx context.Context, addr address.Address) ([][]byte, error)
}

// Notifier wakes an account's streams after events were committed for it
// (the stream hub).
type Notifier interface{ Notify(address.Address) }

// Kicker wakes the federation queue of a destination after items were
// queued for it (the outbox).
type Kicker interface{ Kick(dest string) }

// SetFederation lets the service fetch remote key chains with f, wake the
// streams of contacts told about a rotation with n and the queues of
// their servers with k; call it before serving. Any may be nil.
func (s *Service) SetFederation(f KeyFetcher, n Notifier, k Kicker) {
	s.fetcher, s.notify, s.kick = f, n, k
}

// wake notifies and kicks what a rotation's announcement left.
func (s *Service) wake(a announcement) {
	for _, addr := range a.wake {
		if s.notify != nil {
			s.notify.Notify(addr)
		}
	}
	for _, d := range a.kick {
		if s.kick != nil {
			s.kick.Kick(d)
		}
	}
}

// SetPolicy makes the service follow the operator's policy (registration,
// default and maximum ttl) instead of its configuration; call it before
// serving.
func (s *Service) SetPolicy(l *policy.Live) { s.live = l }

// policy is the policy in force.
func (s *Service) policy() policy.Policy { return policy.Of(s.live, s.cfg) }

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
