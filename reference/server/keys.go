package server

import (
	"github.com/emsg-project/emsg/reference/server/accounts"
	"github.com/emsg-project/emsg/reference/server/federation"
	"github.com/emsg-project/emsg/reference/server/httpapi"
)

// routeKeys wires key chains across federation: GET /keys of a remote
// address fetches (and verifies, and briefly caches) the chain from its
// server, whose federation key endpoint this server also offers for its
// own accounts; a rotation tells the contacts' streams and servers, and a
// key_rotated item received drops the cached chain (KEY-FETCH-01,
// KEY-ROTATE-01/02).
func (s *Server) routeKeys(m *httpapi.Mux, acc *accounts.Service, inbox *federation.Inbox, peers *federation.Peers) {
	fetcher := federation.NewKeyFetcher(peers, s.key, s.cfg.Domain, s.deps)
	acc.SetFederation(fetcher, s.hub, s.outbox)
	inbox.OnKeyRotated(fetcher.Forget)
	keyServer := federation.NewKeyServer(s.cfg, s.deps, peers, acc.LocalChain)
	keyServer.SetLimiter(s.limits.federation)
	keyServer.Routes(m)
}
