package federation

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/fedsig"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// KeysPath is where a server answers other servers' fetches of its
// accounts' key chains (federationGetKeys); the address follows, with its
// # sent as %23.
const KeysPath = "/emsg/v1/federation/keys/"

// ChainReader returns the stored key chain of a local account, oldest
// first, or the answer for an account that has none: not_found, gone or
// moved (KEY-FETCH-02, -03). The accounts package provides it.
type ChainReader func(addr string) ([][]byte, error)

// KeyServer answers GET /emsg/v1/federation/keys/{address}. Build it with
// [NewKeyServer]; it is safe for concurrent use.
type KeyServer struct {
	cfg      config.Config
	deps     wire.Deps
	verifier fedsig.Verifier
	chain    ChainReader
	limit    Limiter
}

// SetLimiter counts each authenticated fetch against its origin's limit
// (the inbox's [Limiter]); call it before serving.
func (k *KeyServer) SetLimiter(l Limiter) { k.limit = l }

// NewKeyServer returns the key endpoint of the server configured by cfg:
// keys finds the requesting servers' published keys (a [*Peers]) and chain
// reads the local chains.
func NewKeyServer(cfg config.Config, deps wire.Deps, keys fedsig.KeyLookup, chain ChainReader) *KeyServer {
	v := fedsig.Verifier{Scheme: fedsig.SchemeFederation, Self: cfg.Domain, Keys: keys}
	return &KeyServer{cfg: cfg, deps: deps, verifier: v, chain: chain}
}

// Routes registers GET /emsg/v1/federation/keys/{address}.
func (k *KeyServer) Routes(m *httpapi.Mux) {
	m.Handle(http.MethodGet, KeysPath+"{address}", k.handle)
}

// handle runs the checks in the spec's order: the signature (as for the
// inbox, over the empty body), the address (bad_address; forbidden when it
// is not on this domain), then the chain.
func (k *KeyServer) handle(w http.ResponseWriter, r *http.Request) {
	chain, err := k.answer(r)
	if err != nil {
		httpapi.WriteError(w, answerOf(err))
		return
	}
	out := struct {
		Bundles []json.RawMessage `json:"bundles"`
	}{Bundles: make([]json.RawMessage, len(chain))}
	for i, raw := range chain {
		out.Bundles[i] = raw
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// answer authenticates r and returns the chain it asks for.
func (k *KeyServer) answer(r *http.Request) ([][]byte, error) {
	if !slices.ContainsFunc(r.Header.Values("Authorization"), isFederationScheme) {
		return nil, httpapi.Errorf("unauthorized", "no Authorization header of scheme %s", fedsig.SchemeFederation)
	}
	p, err := k.verifier.VerifyRequest(r.Context(), k.deps.Now(), r, nil)
	if err != nil {
		return nil, err
	}
	if k.limit != nil {
		if err := k.limit.Allow(p.Origin); err != nil {
			return nil, err
		}
	}
	addr, err := address.Parse(r.PathValue("address"))
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if addr.Domain != k.cfg.Domain {
		return nil, httpapi.Errorf("forbidden", "%s is not an address of %s", addr, k.cfg.Domain)
	}
	return k.chain(addr.String())
}
