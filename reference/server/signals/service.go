package signals

import (
	"context"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// FederationPath is where other servers post signals.
const FederationPath = "/emsg/v1/federation/signals"

// Authenticator returns the account a client request speaks for.
type Authenticator func(r *http.Request) (address.Address, error)

// Pusher pushes a signal to the open streams of an account (the stream
// package's Hub).
type Pusher interface {
	PushSignal(addr address.Address, signal []byte)
}

// Forwarder posts a signal to another server: one signed request, no
// retry (the fedcall package's Caller.Do).
type Forwarder func(ctx context.Context, method, dest, path string, body []byte) (int, []byte, error)

// Features returns the features a domain advertises.
type Features func(ctx context.Context, domain string) ([]string, error)

// Parts are the other parts of the server the Service works with.
type Parts struct {
	Auth     Authenticator
	Push     Pusher
	Forward  Forwarder        // nil: signals stay on this server
	Features Features         // nil: every peer is assumed to take signals
	Keys     fedsig.KeyLookup // origins' server keys, for the federation endpoint
}

// Service carries the signals of one server. Create it with [New].
type Service struct {
	st       *store.Store
	cfg      config.Config
	deps     wire.Deps
	parts    Parts
	verifier fedsig.Verifier
	limits   *limiter
}

// New returns the signals service of the server configured by cfg.
func New(st *store.Store, cfg config.Config, deps wire.Deps, parts Parts) *Service {
	return &Service{st: st, cfg: cfg, deps: deps, parts: parts,
		verifier: fedsig.Verifier{Scheme: fedsig.SchemeFederation, Self: cfg.Domain, Keys: parts.Keys},
		limits:   newLimiter(DefaultRate, DefaultBurst, deps)}
}

// Routes registers POST /emsg/v1/signals and POST
// /emsg/v1/federation/signals.
func (s *Service) Routes(m *httpapi.Mux) {
	m.Handle(http.MethodPost, "/emsg/v1/signals", s.handleSend)
	m.Handle(http.MethodPost, FederationPath, s.handleFederation)
}

// handleSend serves POST /emsg/v1/signals.
func (s *Service) handleSend(w http.ResponseWriter, r *http.Request) {
	from, err := s.parts.Auth(r)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	body, err := httpapi.ReadBody(r, maxSignalBytes, "signal-request")
	if err == nil {
		err = s.Send(r.Context(), from, body)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// writeError answers err, with Retry-After for rate_limited.
func writeError(w http.ResponseWriter, err error) {
	e := httpapi.AsError(err)
	if e.Code == "rate_limited" && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", itoa(e.RetryAfter))
	}
	httpapi.WriteError(w, e)
}
