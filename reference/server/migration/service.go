package migration

import (
	"context"
	"net/http"

	"github.com/emsg-project/emsg/reference/protocol/address"
	"github.com/emsg-project/emsg/reference/protocol/wire"
	"github.com/emsg-project/emsg/reference/server/config"
	"github.com/emsg-project/emsg/reference/server/httpapi"
	"github.com/emsg-project/emsg/reference/server/store"
)

// ReservePeriod is how long the local part of a deleted account stays
// reserved: the 180 days of DEL-RESERVE-01.
const ReservePeriod wire.Millis = 180 * 24 * 60 * 60 * 1000

// purgeBatch bounds the records one purge step deletes.
const purgeBatch = 256

// maxImportBytes is the body limit of POST /account/import (LIMIT-BODY-01).
const maxImportBytes = 16 << 20

// maxNoticeBytes is the body limit of the other operations (LIMIT-BODY-01).
const maxNoticeBytes = 1 << 20

// Authenticator returns the account a request is made for, or an
// *httpapi.Error (unauthorized). The accounts package's Authenticate is one.
type Authenticator func(r *http.Request) (address.Address, error)

// Notifier wakes the live streams of an account to read its new events.
type Notifier interface{ Notify(address.Address) }

// Kicker wakes the federation queue of a domain after items were queued.
type Kicker interface{ Kick(dest string) }

// Groups leaves groups for a deleted account. The groups package's
// Service is one; [NoGroups] is the default of a server without groups.
// The memberships an export lists and a move checks are read from the
// store.
type Groups interface {
	// LeaveAll makes addr leave every group it belongs to and dissolves
	// those it owns (DEL-GROUPS-01).
	LeaveAll(ctx context.Context, addr address.Address) error
}

// NoGroups is the [Groups] of a server that hosts none: nothing to leave.
type NoGroups struct{}

// LeaveAll does nothing.
func (NoGroups) LeaveAll(context.Context, address.Address) error { return nil }

var _ Groups = NoGroups{}

// Service answers the migration operations of the client API. Create it
// with [New], mount it with [Service.Routes].
type Service struct {
	st     *store.Store
	cfg    config.Config
	deps   wire.Deps
	auth   Authenticator
	notify Notifier
	kick   Kicker
	groups Groups
}

// New returns the migration service of the server for cfg.Domain; notify
// and kick may be nil. It starts with [NoGroups]; see [Service.SetGroups].
func New(st *store.Store, cfg config.Config, deps wire.Deps, auth Authenticator, notify Notifier, kick Kicker) *Service {
	return &Service{st: st, cfg: cfg, deps: deps, auth: auth, notify: notify, kick: kick, groups: NoGroups{}}
}

// SetGroups sets the groups the service exports, and leaves on deletion.
// Call it before serving.
func (s *Service) SetGroups(g Groups) { s.groups = g }

// accountPath is the prefix of the migration operations.
const accountPath = "/emsg/v1/account"

// Routes mounts getAccountData, importAccount, moveAccount and
// deleteAccount on m.
func (s *Service) Routes(m *httpapi.Mux) {
	m.Handle(http.MethodGet, accountPath+"/data", s.getData)
	m.Handle(http.MethodPost, accountPath+"/import", s.importAccount)
	m.Handle(http.MethodPost, accountPath+"/move", s.move)
	m.Handle(http.MethodPost, accountPath+"/delete", s.deleteAccount)
}

// revalidator closes the open streams of an account whose tokens were
// revoked; the stream hub, which is also the [Notifier], is one.
type revalidator interface{ Revalidate(address.Address) }

// closeStreams closes the streams of me after a move or deletion revoked
// its tokens (STREAM-TOKEN-01), when the notifier can.
func (s *Service) closeStreams(me address.Address) {
	if r, ok := s.notify.(revalidator); ok {
		r.Revalidate(me)
	}
}

// wake notifies the accounts and kicks the queues of fx, each once.
func (s *Service) wake(fx Effects) {
	seen := map[string]bool{}
	for _, a := range fx.Wake {
		if s.notify != nil && !seen[a.String()] {
			seen[a.String()] = true
			s.notify.Notify(a)
		}
	}
	for _, d := range fx.Kick {
		if s.kick != nil && !seen["@"+d] {
			seen["@"+d] = true
			s.kick.Kick(d)
		}
	}
}

// Effects is what a migration operation or an applied item leaves for
// after the commit.
type Effects struct {
	// Wake lists the local accounts that got events.
	Wake []address.Address
	// Kick lists the domains that got queued items.
	Kick []string
}
