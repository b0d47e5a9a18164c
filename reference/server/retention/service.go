package retention

import (
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// Authenticator returns the account a request is made for, or an
// *httpapi.Error (unauthorized). The accounts package's Authenticate is one.
type Authenticator func(r *http.Request) (address.Address, error)

// Notifier wakes the live streams of an account to read its new events.
type Notifier interface{ Notify(address.Address) }

// Kicker wakes the federation queue of a domain after items were queued
// for it.
type Kicker interface{ Kick(dest string) }

// Service answers the favorites operations of the client API. Create it
// with [New] and mount it with [Service.Routes].
type Service struct {
	st   *store.Store
	cfg  config.Config
	auth Authenticator
}

// New returns the favorites service of the server for cfg.Domain.
func New(st *store.Store, cfg config.Config, auth Authenticator) *Service {
	return &Service{st: st, cfg: cfg, auth: auth}
}

// favoritesPath is the list of favorites; one favorite is below it.
const favoritesPath = "/emsg/v1/favorites"

// Routes mounts listFavorites, putFavorite and deleteFavorite on m.
func (s *Service) Routes(m *httpapi.Mux) {
	m.Handle(http.MethodGet, favoritesPath, s.list)
	m.Handle(http.MethodPut, favoritesPath+"/{id}", s.put)
	m.Handle(http.MethodDelete, favoritesPath+"/{id}", s.delete)
}
